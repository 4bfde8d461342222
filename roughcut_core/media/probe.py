"""Media probe (PyAV): what a file holds, in the terms an editor and the edit engine use.

Contract of :func:`probe`:
- Returns a :class:`MediaAsset` or raises ``MediaError(path, reason)`` whose reason a
  person understands: "file not found", "empty file (0 bytes)", "not a media file: ...",
  "truncated or corrupt: ...", "a still image, not video or audio", "no audio or video:
  it holds only subtitles"...
- Video: ``rate`` is exact (snapped to the standard rate the container rounded), the frame
  count comes from the container's sample table when it has one, else from counting
  packets (demux only, files up to 256 MiB or variable-rate), else duration x rate
  (``hints["frame_count_estimated"]``). ``start_frame`` is the start timecode in frames at
  ``rate`` (``tmcd`` track / stream / container ``timecode`` tag, case-insensitive);
  ``rotation`` is the clockwise turn needed for display (0/90/180/270; display matrix or
  legacy ``rotate`` tag); ``field_order`` is "progressive", "tt", "bb", "tb", "bt" or
  "interlaced"; ``variable_frame_rate`` comes from the spacing of the first 300 packet
  timestamps. Audio-only files have ``rate`` None.
- ``hints`` carries what does not fit the model: ``reported_rate`` (container's rate when
  snapped), ``timestamp_gaps`` (dropped frames seen), ``video_start_seconds`` (first video
  timestamp when not 0), ``frame_count_estimated``, ``timecode_note``/``timecode_error``,
  ``time_reference_seconds`` and ``timecode_label`` (audio-only: Broadcast WAV start,
  tag), ``undecodable_audio_streams``, ``video_streams`` (when more than one).
- Cost: opening the file, reading the first 300 timestamps (from the MOV/MP4 sample
  table, else by demuxing at most 300 packets / 64 MiB) and decoding the first frame of
  each used stream; never the whole file, except the packet count above (large
  variable-rate files without a sample table are counted in full). Memory does not grow
  with file length.
"""
from __future__ import annotations

import errno
import logging
from fractions import Fraction
from pathlib import Path
from typing import Iterable, Optional, Union

from ..errors import MediaError
from ..model import AudioStream, MediaAsset
from ..timebase import Rate, frames_to_timecode, timecode_to_frames
from .keys import content_key
from .rates import TimestampPattern, choose_rate, timestamp_pattern

log = logging.getLogger(__name__)

PathLike = Union[str, Path]

VFR_SAMPLE_PACKETS = 300
COUNT_PACKETS_MAX_BYTES = 256 * 1024 * 1024
SAMPLE_MAX_BYTES = 64 * 1024 * 1024
_FIELD_ORDERS = {1: "progressive", 2: "tt", 3: "bb", 4: "tb", 5: "bt"}
_IMAGE_FORMATS = frozenset({"image2", "gif", "apng", "webp", "tiff"})
_ISO_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


def probe(path: PathLike) -> MediaAsset:
    """Describe one media file (see the module contract)."""
    import av

    path = Path(path)
    size = _check_file(path)
    key = content_key(path)
    try:
        container = av.open(str(path), metadata_errors="replace")
    except av.FFmpegError as exc:
        raise MediaError(path, _open_failure_reason(path, exc)) from None
    except OSError as exc:
        raise MediaError(path, f"cannot read file: {exc.strerror or exc}") from None
    with container:
        return _describe(path, container, size, key)


def probe_many(paths: Iterable[PathLike]) -> tuple[list[MediaAsset], list[MediaError]]:
    """Probe each path; a bad file becomes one MediaError and the rest carry on."""
    assets: list[MediaAsset] = []
    errors: list[MediaError] = []
    for path in paths:
        try:
            assets.append(probe(path))
        except MediaError as exc:
            errors.append(exc)
        except Exception as exc:  # noqa: BLE001 - one odd file must not stop a batch
            log.exception("unexpected failure probing %s", path)
            errors.append(MediaError(path, f"could not be probed ({type(exc).__name__}: {exc})"))
    return assets, errors


def _check_file(path: Path) -> int:
    # one check for every entry point (roughcut_core.paths): FIFOs, sockets, devices, folders,
    # symlink loops and unreadable files each get their own reason; nothing but a regular
    # file is ever opened
    from ..paths import check_input_file

    info = check_input_file(path, what="media file", error=MediaError, allow_empty=False)
    return info.st_size


# errno values FFmpeg returns for a bad header that mean nothing to a person when read as
# system errors ("Device or resource busy" for an impossible frame size, for instance)
_MISLEADING_ERRNOS = frozenset({errno.EBUSY, errno.EINVAL, errno.ENOMEM, errno.ERANGE, errno.ENOSYS,
                                errno.EAGAIN, errno.EIO, errno.EPERM, errno.ENXIO})


def _open_failure_reason(path: Path, exc: Exception) -> str:
    detail = getattr(exc, "strerror", None) or str(exc)
    if getattr(exc, "errno", None) in _MISLEADING_ERRNOS:
        detail = "its header is invalid or describes a stream FFmpeg cannot handle, e.g. an impossible frame size"
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if _looks_like_text(head):
        return "not a media file: it holds text, not audio or video"
    if head[4:8] in _ISO_BOXES:
        return ("truncated or corrupt: the MOV/MP4 index (moov atom) is missing or damaged; "
                "the recording may have been interrupted")
    return f"not a media file: FFmpeg cannot read it ({detail})"


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at the 4096-byte boundary is still text.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * len(text)


def _describe(path: Path, container, size: int, key: str) -> MediaAsset:
    format_name = container.format.name
    videos = [s for s in container.streams.video if not _is_attached_picture(s)]
    audios = list(container.streams.audio)
    if not videos and not audios:
        if container.streams.subtitles:
            raise MediaError(path, "no audio or video: it holds only subtitles")
        raise MediaError(path, "not a media file: FFmpeg found no audio or video streams")
    if videos and (format_name in _IMAGE_FORMATS or format_name.endswith("_pipe")):
        if not audios:
            raise MediaError(path, "a still image, not video or audio")
        videos = []
    hints: dict = {}
    _check_index_within_file(path, container, size)
    undecodable = [s for s in audios if s.codec_context is None]
    if undecodable:
        # A camera's odd extra track must not make the picture and main sound unusable.
        hints["undecodable_audio_streams"] = [s.index for s in undecodable]
        audios = [s for s in audios if s.codec_context is not None]
        if not audios and not videos:
            raise MediaError(path, "unsupported audio codec: FFmpeg has no decoder for it")
    audio = tuple(_audio_stream(s) for s in audios)
    duration = _container_duration(container)
    common = dict(path=str(path), content_key=key, size=size, audio=audio, container=format_name)
    if not videos:
        return _describe_audio_only(path, container, audios[0], duration, common, hints)
    return _describe_video(path, container, videos, audios, duration, common, hints)


def _describe_audio_only(path: Path, container, stream, duration: float, common: dict,
                         hints: dict) -> MediaAsset:
    _decode_first(path, container, stream, "audio")
    # Broadcast WAV: samples since midnight, the sound recordist's start time.
    reference = container.metadata.get("time_reference")
    if reference and reference.isdigit() and stream.sample_rate:
        hints["time_reference_seconds"] = int(reference) / stream.sample_rate
    label = _find_timecode(container, None)
    if label:
        hints["timecode_label"] = label
    return MediaAsset(duration=duration, hints=hints, **common)


def _describe_video(path: Path, container, videos: list, audios: list, duration: float,
                    common: dict, hints: dict) -> MediaAsset:
    video = videos[0]
    if video.codec_context is None:
        raise MediaError(path, "unsupported video codec: FFmpeg has no decoder for it")
    if len(videos) > 1:
        hints["video_streams"] = len(videos)
    pattern, packet_count = _scan_video_packets(path, container, video, common["size"])
    rate = choose_rate(video.average_rate, video.base_rate or video.guessed_rate, pattern.variable)
    if rate is None:
        raise MediaError(path, "truncated or corrupt: the video stream reports no frame rate")
    if video.average_rate and rate.fraction != video.average_rate:
        hints["reported_rate"] = str(video.average_rate)
    if pattern.gaps:
        hints["timestamp_gaps"] = pattern.gaps
    frame_count = _frame_count(video, rate, packet_count, duration, hints)
    if duration <= 0:
        duration = float(frame_count / rate.fraction)
    first = _decode_first(path, container, video, "video")
    if audios:
        _decode_first(path, container, audios[0], "audio")
    start_frame, start_tc, drop = _start_timecode(_find_timecode(container, video), rate, hints)
    if video.start_time and video.time_base:
        hints["video_start_seconds"] = float(video.start_time * video.time_base)
    ctx = video.codec_context
    return MediaAsset(
        duration=duration, rate=rate, frame_count=frame_count, start_frame=start_frame,
        start_timecode=start_tc, drop_frame=drop, width=ctx.width, height=ctx.height,
        rotation=_rotation(video, first), video_codec=ctx.name, pixel_format=ctx.pix_fmt,
        field_order=_field_order(ctx, first), variable_frame_rate=pattern.variable,
        hints=hints, **common,
    )


def _is_attached_picture(stream) -> bool:
    import av

    return bool(stream.disposition & av.stream.Disposition.attached_pic)


def _container_duration(container) -> float:
    if container.duration and container.duration > 0:
        return container.duration / 1_000_000
    longest = 0.0
    for stream in container.streams:
        if stream.duration and stream.time_base:
            longest = max(longest, float(stream.duration * stream.time_base))
    return longest


def _audio_stream(stream) -> AudioStream:
    ctx = stream.codec_context
    duration = None
    if stream.duration and stream.time_base:
        duration = float(stream.duration * stream.time_base)
    layout = stream.layout.name if stream.layout else None
    return AudioStream(index=stream.index, codec=ctx.name, channels=ctx.channels,
                       sample_rate=stream.sample_rate, layout=layout, duration=duration)


def _find_timecode(container, video) -> Optional[str]:
    sources = []
    if video is not None:
        sources.append(video.metadata)
    sources += [s.metadata for s in container.streams if s.type == "data"]
    sources.append(container.metadata)
    sources += [s.metadata for s in container.streams if s.type != "data"]
    for metadata in sources:
        for name, value in metadata.items():
            if name.lower() == "timecode" and value and value.strip():
                return value.strip()
    return None


def _start_timecode(label: Optional[str], rate: Rate, hints: dict) -> tuple[int, Optional[str], bool]:
    if not label:
        return 0, None, False
    drop = any(sep in label[-4:] for sep in ";,.")
    if drop and not rate.supports_drop_frame:
        hints["timecode_note"] = f"drop-frame label {label!r} at {rate} fps read as non-drop"
        drop = False
    try:
        frames = timecode_to_frames(label, rate, drop)
    except ValueError as exc:
        hints["timecode_error"] = str(exc)
        return 0, None, False
    return frames, frames_to_timecode(frames, rate, drop), drop


def _scan_video_packets(path: Path, container, video, size: int) -> tuple[TimestampPattern, Optional[int]]:
    """Timestamp pattern of the first frames, plus the full packet count when it is cheap
    and the container has no sample table (or the rate is variable)."""
    import av

    entries = video.index_entries
    if video.frames and entries is not None and len(entries) >= video.frames:
        # A full sample table (MOV/MP4): timestamps without reading any picture data,
        # which matters for 8K ProRes where 300 frames are gigabytes.
        stamps = [e.timestamp for e in entries[:VFR_SAMPLE_PACKETS]]
        return timestamp_pattern(stamps), None
    pts: list[int] = []
    count = read = 0
    full = not video.frames and size <= COUNT_PACKETS_MAX_BYTES
    try:
        for packet in container.demux(video):
            if packet.size == 0 and packet.pts is None:
                continue  # the flush packet demux yields at the end
            count += 1
            read += packet.size
            if len(pts) < VFR_SAMPLE_PACKETS and packet.pts is not None:
                pts.append(packet.pts)
            if not full and (count >= VFR_SAMPLE_PACKETS or read >= SAMPLE_MAX_BYTES):
                break
    except av.FFmpegError as exc:
        if count == 0:
            raise MediaError(path, f"truncated or corrupt: no readable video data ({exc})") from None
        log.warning("%s: demux stopped after %d packets: %s", path, count, exc)
    if count == 0:
        raise MediaError(path, "truncated or corrupt: the video stream has no frames")
    pattern = timestamp_pattern(pts)
    if pattern.variable and not video.frames and not full:
        count = _count_packets(path, container, video)
        full = True
    return pattern, (count if full else None)


def _count_packets(path: Path, container, video) -> int:
    import av

    container.seek(0)
    count = 0
    try:
        for packet in container.demux(video):
            if packet.size or packet.pts is not None:
                count += 1
    except av.FFmpegError as exc:
        log.warning("%s: packet count stopped at %d: %s", path, count, exc)
    return count


def _frame_count(video, rate: Rate, packet_count: Optional[int], duration: float,
                 hints: dict) -> int:
    if video.frames:
        return int(video.frames)
    if packet_count:
        return packet_count
    seconds = None
    if video.duration and video.time_base:
        seconds = Fraction(video.duration) * video.time_base
    elif duration > 0:
        seconds = Fraction(duration)
    if seconds is None:
        return 0
    hints["frame_count_estimated"] = True
    return int(round(seconds * rate.fraction))


def _decode_first(path: Path, container, stream, kind: str):
    """Decode the first frame of a stream: proves the data is readable and yields the
    per-frame facts (display matrix, interlacing) the demuxer does not expose."""
    import av

    if stream.codec_context is None:
        raise MediaError(path, f"unsupported {kind} codec: FFmpeg has no decoder for it")
    container.seek(0)
    attempts = 0
    try:
        for packet in container.demux(stream):
            attempts += 1
            for frame in packet.decode():
                return frame
            if attempts > 64:
                break
    except av.FFmpegError as exc:
        raise MediaError(path, f"truncated or corrupt: cannot decode the {kind} ({exc})") from None
    raise MediaError(path, f"truncated or corrupt: no decodable {kind} frame")


def _check_index_within_file(path: Path, container, size: int) -> None:
    """A MOV/MP4 whose index points past the end of the file was cut short (copy or
    recording interrupted after a fast-start index was written)."""
    furthest = 0
    for stream in container.streams:
        entries = stream.index_entries
        if entries is None or not len(entries):
            continue
        for entry in entries[max(0, len(entries) - 16):]:
            if entry.pos is not None and entry.pos >= 0:
                furthest = max(furthest, entry.pos + max(entry.size, 0))
    if furthest > size:
        raise MediaError(path, f"truncated or corrupt: the file ends at {size} bytes but its "
                               f"index refers to data up to {furthest} bytes")


def _rotation(video, first_frame) -> int:
    tag = video.metadata.get("rotate")
    if tag:
        try:
            return int(round(float(tag))) % 360
        except ValueError:
            pass
    # FFmpeg reports the display matrix counter-clockwise; ours is the clockwise turn.
    degrees = -int(round(getattr(first_frame, "rotation", 0) or 0))
    return (round(degrees / 90) * 90) % 360


def _field_order(ctx, first_frame) -> Optional[str]:
    known = _FIELD_ORDERS.get(getattr(ctx, "field_order", 0))
    if known:
        return known
    if first_frame is not None and getattr(first_frame, "interlaced_frame", False):
        return "interlaced"
    return "progressive"
