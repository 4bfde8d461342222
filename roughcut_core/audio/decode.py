"""Streamed PyAV audio decoding for the audio analyzers (quality, channels, diarization).

Contract:
- ``probe_audio(path)`` opens the file and returns an :class:`AudioInfo` for its first audio
  stream, or raises :class:`MediaError` naming the file (missing, empty, unreadable container,
  no audio stream).
- ``iter_blocks(path, block_seconds)`` yields ``(start_sample, block)`` where ``block`` is a
  float32 array shaped ``(channels, n)`` at the stream's own rate (or ``(1, n)`` at
  ``sample_rate`` when ``mono_rate`` is given), full scale = 1.0. Blocks are produced while
  decoding, so memory stays bounded by ``block_seconds`` whatever the file length.
- Times count samples from the first decoded sample (the start of the file). Where the
  timestamps jump forward (packets the demuxer dropped), silence fills the gap so later audio
  keeps its time.
- Corrupt packets are replaced by silence of the packet's duration (so later audio keeps its
  time); their count and times are kept in ``DecodeStats``. A file where nothing decodes
  raises MediaError.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterator, Optional

import numpy as np

from ..errors import MediaError

MIN_GAP_S = 0.02  # timestamp jitter below this is not a gap
MAX_GAP_S = 10.0  # larger jumps are timestamp resets, not lost audio
SURROUND_NAMES = {"BL", "BR", "SL", "SR", "BC", "TBL", "TBR"}


@dataclass(frozen=True)
class AudioInfo:
    """The first audio stream of a file, as the analyzers see it."""

    path: str
    stream_index: int
    codec: str
    sample_rate: int
    channels: int
    layout: str
    channel_names: tuple[str, ...]
    duration: Optional[float]


@dataclass
class DecodeStats:
    """Counters filled while decoding (mutable on purpose: one per decode call)."""

    samples: int = 0
    frames: int = 0  # frames that really decoded
    corrupt_packets: int = 0
    corrupt_at: list = field(default_factory=list)  # seconds where packets were lost
    errors: list = field(default_factory=list)


def _open(path: str):
    import av

    if not os.path.exists(path):
        raise MediaError(path, "file not found")
    if os.path.getsize(path) == 0:
        raise MediaError(path, "file is empty (0 bytes)")
    try:
        return av.open(path)
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(path, f"cannot open media container: {exc}") from exc


def _info(path: str, container) -> AudioInfo:
    if not container.streams.audio:
        raise MediaError(path, "no audio stream")
    stream = container.streams.audio[0]
    cc = stream.codec_context
    channels = int(cc.channels or 0)
    if channels <= 0 or not cc.sample_rate:
        raise MediaError(path, "audio stream has no channels or no sample rate")
    try:
        names = tuple(ch.name for ch in cc.layout.channels)
        layout = cc.layout.name
    except Exception:  # unusual layouts in broken headers: names are only a hint
        names, layout = ("NONE",) * channels, f"{channels} channels"
    duration = None
    if stream.duration is not None and stream.time_base is not None:
        duration = float(stream.duration * stream.time_base)
    elif container.duration:
        duration = container.duration / 1_000_000
    return AudioInfo(path, stream.index, cc.name, int(cc.sample_rate), channels, layout,
                     names, duration)


def probe_audio(path) -> AudioInfo:
    """Describe the first audio stream of ``path`` or raise MediaError."""
    path = str(path)
    container = _open(path)
    try:
        return _info(path, container)
    finally:
        container.close()


def _frame_to_array(frame, channels: int) -> np.ndarray:
    """(channels, n) float32 in [-1, 1] from any PyAV sample format."""
    arr = frame.to_ndarray()
    fmt = frame.format
    if not fmt.is_planar:
        arr = arr.reshape(-1, channels).T
    if arr.dtype.kind == "f":
        return arr.astype(np.float32, copy=False)
    if arr.dtype == np.uint8:
        return (arr.astype(np.float32) - 128.0) / 128.0
    scale = float(np.iinfo(arr.dtype).max) + 1.0
    return arr.astype(np.float32) / scale


def _decoded_arrays(path: str, container, info: AudioInfo, stats: DecodeStats,
                    mono_rate: Optional[int]) -> Iterator[np.ndarray]:
    import av

    stream = container.streams.audio[0]
    out_rate = mono_rate or info.sample_rate
    out_channels = 1 if mono_rate else info.channels
    produced = 0
    first_time = None
    resampler = None
    if mono_rate is not None:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=mono_rate)

    def convert(frame):
        if resampler is None:
            yield _frame_to_array(frame, info.channels)
            return
        for out in resampler.resample(frame):
            yield _frame_to_array(out, 1)

    try:
        packets = container.demux(stream)
        while True:
            try:
                packet = next(packets)
            except StopIteration:
                break
            except av.error.FFmpegError as exc:
                # a demux error ends the readable part of the file
                stats.errors.append(f"demux: {exc}")
                break
            try:
                frames = packet.decode()
            except av.error.FFmpegError as exc:
                stats.corrupt_packets += 1
                stats.corrupt_at.append(round(produced / out_rate, 3))
                if len(stats.errors) < 20:
                    stats.errors.append(f"decode: {exc}")
                # silence in place of the lost packet keeps every later sample at its time
                if packet.duration and packet.time_base:
                    missing = int(round(float(packet.duration * packet.time_base) * out_rate))
                    if 0 < missing <= out_rate * 10:
                        produced += missing
                        yield np.zeros((out_channels, missing), np.float32)
                continue
            for frame in frames:
                if frame.samples == 0:
                    continue
                stats.frames += 1
                if frame.layout.nb_channels != info.channels and resampler is None:
                    stats.corrupt_packets += 1
                    stats.corrupt_at.append(round(produced / out_rate, 3))
                    continue
                if frame.time is not None:
                    if first_time is None:
                        first_time = frame.time
                    # a jump in timestamps is audio the demuxer dropped: fill it with silence
                    gap = frame.time - first_time - produced / out_rate
                    if MIN_GAP_S < gap <= MAX_GAP_S:
                        missing = int(round(gap * out_rate))
                        stats.corrupt_packets += 1
                        stats.corrupt_at.append(round(produced / out_rate, 3))
                        produced += missing
                        yield np.zeros((out_channels, missing), np.float32)
                for arr in convert(frame):
                    produced += arr.shape[1]
                    yield arr
        if resampler is not None:
            for out in resampler.resample(None):
                yield _frame_to_array(out, 1)
    except av.error.FFmpegError as exc:
        raise MediaError(path, f"audio decode failed: {exc}") from exc


def iter_blocks(path, block_seconds: float = 1.0, *, mono_rate: Optional[int] = None,
                stats: Optional[DecodeStats] = None) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(start_sample, block)`` of about ``block_seconds`` each (the last may be short).

    With ``mono_rate`` the audio is downmixed to one channel and resampled to that rate.
    Raises MediaError when the file cannot be opened, has no audio, or decodes to nothing.
    """
    path = str(path)
    stats = stats if stats is not None else DecodeStats()
    container = _open(path)
    try:
        info = _info(path, container)
        rate = mono_rate or info.sample_rate
        channels = 1 if mono_rate else info.channels
        block_len = max(1, int(round(block_seconds * rate)))
        pending: list[np.ndarray] = []
        pending_len = 0
        position = 0
        for arr in _decoded_arrays(path, container, info, stats, mono_rate):
            pending.append(arr)
            pending_len += arr.shape[1]
            while pending_len >= block_len:
                joined = np.concatenate(pending, axis=1) if len(pending) > 1 else pending[0]
                block, rest = joined[:, :block_len], joined[:, block_len:]
                yield position, np.ascontiguousarray(block)
                position += block_len
                stats.samples += block_len
                pending = [rest] if rest.shape[1] else []
                pending_len = rest.shape[1]
        if pending_len:
            block = np.concatenate(pending, axis=1) if len(pending) > 1 else pending[0]
            yield position, np.ascontiguousarray(block.reshape(channels, -1))
            position += pending_len
            stats.samples += pending_len
        if position == 0 or stats.frames == 0:
            detail = f" ({stats.errors[0]})" if stats.errors else ""
            raise MediaError(path, f"audio stream decodes to no samples{detail}")
    finally:
        container.close()


def decode_mono(path, sample_rate: int = 16000) -> np.ndarray:
    """Whole file as one float32 mono array at ``sample_rate`` (for short clips and tests)."""
    return np.concatenate([b[0] for _, b in iter_blocks(path, 10.0, mono_rate=sample_rate)])
