"""Streamed audio decoding with PyAV: float32 samples at a chosen rate, block by block.

Contract:
- Time 0 is the container's start time (the first frame of the file), so word times line up
  with frame 0 of a video; an audio stream that starts later is padded with leading silence.
- Decoding is chunked: :func:`iter_audio_blocks` holds at most about one block plus one
  decoded frame in memory, whatever the file length. :func:`decode_audio` returns one array
  for a (usually short) range and is built on the same generator.
- ``channel=None`` or ``"mix"`` averages all channels; an ``int`` picks that channel (0-based).
  ``channels="all"`` yields ``(n_channels, n_samples)`` blocks.
- Corrupt packets mid-file are skipped (their time is filled with silence, so later samples
  keep their true time); a file with no audio stream, or whose audio cannot be decoded at
  all, raises :class:`~roughcut_core.errors.MediaError` naming the file.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterator, Optional, Union

import numpy as np

from ..errors import MediaError

log = logging.getLogger(__name__)

ChannelSpec = Union[None, int, str]

# A gap in packet timestamps larger than this is filled with silence (real audio frames are
# contiguous to the sample; small jitter comes from timestamp rounding).
_GAP_TOLERANCE_S = 0.02
# Give up on a file whose packets mostly fail to decode: it is not "a few corrupt packets".
_MAX_DECODE_ERRORS = 200


def _open(path: Union[str, Path]):
    import av

    path = Path(path)
    if not path.exists():
        raise MediaError(path, "file not found")
    if path.is_dir():
        raise MediaError(path, "is a folder, not a media file")
    if path.stat().st_size == 0:
        raise MediaError(path, "empty file (0 bytes)")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise MediaError(path, f"not a readable media file ({exc})") from exc
    if not container.streams.audio:
        container.close()
        raise MediaError(path, "no audio stream")
    return container


def _select(planes: np.ndarray, channels: ChannelSpec, path) -> np.ndarray:
    """``planes`` is (n_channels, n); returns mono (n,) or all channels (c, n)."""
    if channels == "all":
        return planes
    if channels is None or channels == "mix":
        return planes.mean(axis=0, dtype=np.float32) if planes.shape[0] > 1 else planes[0]
    if isinstance(channels, int) and not isinstance(channels, bool):
        if not 0 <= channels < planes.shape[0]:
            raise MediaError(path, f"audio channel {channels} requested but the stream has {planes.shape[0]}")
        return planes[channels]
    raise ValueError(f"channel must be None, 'mix', 'all' or an int, not {channels!r}")


def _iter_resampled(path, sample_rate: int, start: Optional[float]) -> Iterator[tuple[int, np.ndarray]]:
    """(sample position from time 0, planar float32 (c, n)) for each resampled frame."""
    import av

    container = _open(path)
    try:
        stream = container.streams.audio[0]
        n_channels = stream.codec_context.channels or 1
        origin = (container.start_time or 0) / 1_000_000
        if start:
            try:
                container.seek(int((start + origin) * 1_000_000), any_frame=False, backward=True)
            except av.error.FFmpegError:
                container.seek(0)
        resampler = av.AudioResampler(format="flt", rate=sample_rate)
        position: Optional[int] = None  # next sample index (at sample_rate) from time 0
        errors = 0
        decoded_any = False

        def emit(frames):
            nonlocal position
            for out in frames:
                # Packed float32, read straight from the one plane: PyAV 18's planar to_ndarray
                # crashes on frames with 8 or more channels (extended data planes).
                channels = out.layout.nb_channels or n_channels
                packed = np.frombuffer(out.planes[0], dtype=np.float32, count=out.samples * channels)
                planes = packed.reshape(out.samples, channels).T.copy()
                if out.pts is not None and out.time_base is not None:
                    at = int(round((float(out.pts * out.time_base) - origin) * sample_rate))
                    if position is None:
                        position = max(at, 0)
                    elif at - position > _GAP_TOLERANCE_S * sample_rate:
                        # Lost packets: silence in pieces of at most a second, so even a wild
                        # timestamp jump cannot allocate more than that at once.
                        while position < at:
                            piece = min(at - position, sample_rate)
                            yield position, np.zeros((planes.shape[0], piece), np.float32)
                            position += piece
                elif position is None:
                    position = 0
                yield position, planes
                position += planes.shape[1]

        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except (av.error.InvalidDataError, av.error.FFmpegError) as exc:
                errors += 1
                log.debug("%s: skipping undecodable audio packet: %s", path, exc)
                if errors > _MAX_DECODE_ERRORS and not decoded_any:
                    raise MediaError(path, f"audio cannot be decoded ({exc})") from exc
                continue
            for frame in frames:
                decoded_any = True
                try:
                    resampled = resampler.resample(frame)
                except ValueError:
                    # The input format changed mid-stream (rare, e.g. a channel-count switch):
                    # start a new resampler rather than abort the whole file.
                    resampler = av.AudioResampler(format="flt", rate=sample_rate)
                    resampled = resampler.resample(frame)
                yield from emit(resampled)
        yield from emit(resampler.resample(None))
        if not decoded_any:
            raise MediaError(path, "audio stream has no decodable samples")
        if errors:
            log.warning("%s: skipped %d corrupt audio packet(s)", path, errors)
    finally:
        container.close()


def _positioned(path, sample_rate: int, start: Optional[float]):
    """Resampled frames from at or before ``start``: seek a little early (demuxers land near,
    not at, the target); if that still overshoots, decode from the beginning instead so the
    first requested sample is never lost."""
    if start:
        source = _iter_resampled(path, sample_rate, max(0.0, start - 1.0))
        head = next(source, None)
        if head is None:
            return
        if head[0] <= int(round(start * sample_rate)):
            yield head
            yield from source
            return
        source.close()
    yield from _iter_resampled(path, sample_rate, None)


def iter_audio_blocks(path: Union[str, Path], sample_rate: int = 16000, block_seconds: float = 30.0,
                      channels: ChannelSpec = "mix", *, start: Optional[float] = None,
                      end: Optional[float] = None) -> Iterator[tuple[float, np.ndarray]]:
    """Yield ``(t0, samples)`` blocks of ``block_seconds`` (the last may be shorter).

    ``t0`` is the block's first sample time in seconds from the file start; blocks are
    contiguous. ``samples`` is float32 mono (n,) or (channels, n) for ``channels="all"``.
    """
    block = max(1, int(round(block_seconds * sample_rate)))
    first = int(round(start * sample_rate)) if start else 0
    last = int(round(end * sample_rate)) if end is not None else None
    pending: list[np.ndarray] = []
    pending_len = 0
    block_start: Optional[int] = None

    def take(n: int) -> np.ndarray:
        nonlocal pending, pending_len
        joined = np.concatenate(pending, axis=-1) if len(pending) > 1 else pending[0]
        head, tail = joined[..., :n], joined[..., n:]
        pending = [tail] if tail.shape[-1] else []
        pending_len = tail.shape[-1]
        return np.ascontiguousarray(head)

    for pos, planes in _positioned(path, sample_rate, start):
        if pos + planes.shape[1] <= first:
            continue
        if pos < first:
            planes, pos = planes[:, first - pos:], first
        if last is not None:
            if pos >= last:
                break
            planes = planes[:, :last - pos]
        if block_start is None:
            block_start = pos
            if pos > first and start is None:
                # The audio stream starts after the container start: pad so t0 stays exact.
                pending.append(_select(np.zeros((planes.shape[0], pos), np.float32), channels, path))
                pending_len += pos
                block_start = 0
        data = _select(planes, channels, path)
        pending.append(data)
        pending_len += data.shape[-1]
        while pending_len >= block:
            yield block_start / sample_rate, take(block)
            block_start += block
    if pending_len:
        yield (block_start or 0) / sample_rate, take(pending_len)


def decode_audio(path: Union[str, Path], sample_rate: int = 16000, channel: ChannelSpec = None,
                 start: Optional[float] = None, end: Optional[float] = None) -> np.ndarray:
    """All samples of ``[start, end)`` (seconds; None = file start / end) as one float32 array."""
    parts = [samples for _, samples in iter_audio_blocks(
        path, sample_rate, block_seconds=60.0, channels=channel, start=start, end=end)]
    if not parts:
        return np.zeros((0,), np.float32) if channel != "all" else np.zeros((1, 0), np.float32)
    return np.concatenate(parts, axis=-1)
