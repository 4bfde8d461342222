"""Sampled, streamed video decoding with PyAV for the picture stage.

Contract:
- ``iter_decoded(path, sample_fps, ...)`` makes ONE pass over the first video stream and yields
  :class:`DecodedFrame` items: every decoded frame carries a tiny grey/colour thumbnail for shot
  detection (``small``), and the decoded frame nearest to each sample time (``k / sample_fps``)
  also carries an RGB proxy ``rgb`` no wider than ``max_width``. Widths are those displayed:
  a rotated file is fitted after its turn (a -90 file stored 480x640 gives 96x72 thumbnails). Nothing is kept between frames
  but the previous one, so memory does not grow with file length or frame size (8K included).
- Speed: ``thread_type="AUTO"``; for long-GOP codecs ``skip_frame="NONREF"`` (only reference
  frames are decoded, so B-frames cost nothing); for intra-only codecs (ProRes, DNxHD, MJPEG)
  packets that are not the nearest to a sample time are never decoded at all.
- Times are seconds from the stream's first frame (``frame.time - start``), so VFR footage keeps
  its real timing. The display matrix (``frame.rotation``) is applied to every image returned,
  so a phone clip shot upright comes out upright.
- ``iter_sampled_frames`` is the public, proxy-only view; ``extract_thumbnail`` seeks to one time
  and returns a JPEG, cached on disk under the user cache dir keyed by the file's content key.
- Audio-only, missing or undecodable files raise :class:`MediaError` naming the file.
"""
from __future__ import annotations

import io
import os
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

import numpy as np

from ..errors import MediaError
from ..media.keys import content_key
from ..fileio import atomic_write_bytes

SMALL_WIDTH = 96  # shot detection and motion work on tiny frames: cuts and pans survive scaling


@dataclass(frozen=True)
class StreamInfo:
    width: int
    height: int
    rotation: int
    fps: float
    duration: float
    codec: str
    pix_fmt: Optional[str]
    intra_only: bool


@dataclass(frozen=True)
class DecodedFrame:
    t: float
    index: int            # decoded-frame counter (not the source frame number when frames are skipped)
    small: np.ndarray     # RGB, SMALL_WIDTH wide as displayed (rotation applied)
    rgb: Optional[np.ndarray]  # RGB proxy (<= max_width wide) when this frame is a sample, else None
    interlaced: bool
    sample_index: int = -1
    fps: float = 0.0      # the stream's average rate (nominal for VFR)


def _open(path) -> "av.container.InputContainer":  # noqa: F821
    import av

    p = Path(path)
    if not p.exists():
        raise MediaError(path, "file not found")
    if p.stat().st_size == 0:
        raise MediaError(path, "file is empty")
    try:
        return av.open(str(p))
    except Exception as exc:  # PyAV raises several FFmpeg error types
        raise MediaError(path, f"cannot open media: {exc}") from exc


def _video_stream(container, path):
    streams = [s for s in container.streams.video
               if s.disposition is None or "attached_pic" not in str(s.disposition).lower()]
    if not streams:
        raise MediaError(path, "no video stream (audio-only file?)")
    return streams[0]


def _fit(width: int, height: int, max_width: int) -> tuple[int, int]:
    if width <= max_width:
        w, h = width, height
    else:
        w, h = max_width, max(2, round(height * max_width / width))
    return w - (w % 2), h - (h % 2)


def _fit_displayed(width: int, height: int, rotation: int, max_width: int) -> tuple[int, int]:
    """Stored (width, height) to scale a frame of stored ``width`` x ``height`` to, so that once
    turned by ``rotation`` (degrees) it is at most ``max_width`` wide AS DISPLAYED: a -90 phone clip
    stored 480x640 shows 640x480, so a 96-wide thumbnail is stored 72x96 (fitting the stored width
    made it 96x128, i.e. 128 wide on screen)."""
    if int(round(rotation / 90.0)) % 2:
        h, w = _fit(height, width, max_width)
        return w, h
    return _fit(width, height, max_width)


def _rotate(img: np.ndarray, rotation: int) -> np.ndarray:
    # FFmpeg's display-matrix angle is counter-clockwise; rot90 with k>0 also turns counter-clockwise.
    k = (int(round(rotation / 90.0)) % 4)
    return np.ascontiguousarray(np.rot90(img, k)) if k else img


def stream_info(path) -> StreamInfo:
    """Dimensions (as displayed, rotation applied), rate and codec of the first video stream."""
    with _open(path) as container:
        st = _video_stream(container, path)
        cc = st.codec_context
        rotation = 0
        try:
            for frame in container.decode(st):
                rotation = int(getattr(frame, "rotation", 0) or 0)
                break
        except Exception as exc:
            raise MediaError(path, f"cannot decode video: {exc}") from exc
        w, h = cc.width, cc.height
        if rotation % 180:
            w, h = h, w
        rate = st.average_rate or st.guessed_rate or 25
        dur = float(st.duration * st.time_base) if st.duration else (
            container.duration / 1e6 if container.duration else 0.0)
        return StreamInfo(w, h, rotation, float(rate), dur, cc.name,
                          cc.format.name if cc.format else None, bool(cc.codec.intra_only))


def iter_decoded(path, sample_fps: float, max_width: int = 640,
                 small_width: int = SMALL_WIDTH, schedule=None) -> Iterator[DecodedFrame]:
    """One streamed pass; see the module docstring. ``sample_fps <= 0`` samples nothing.
    ``schedule`` (a :class:`~roughcut_core.media.feed.SampleSchedule`) replaces the uniform
    ``k / sample_fps`` instants with its own (adaptive sampling); it is read as decoding goes."""
    import av

    if schedule is None and sample_fps > 0:
        from ..media.feed import SampleSchedule

        schedule = SampleSchedule.uniform(sample_fps)

    container = _open(path)
    try:
        st = _video_stream(container, path)
        cc = st.codec_context
        st.thread_type = "AUTO"
        # frame threading keeps one decoded frame per thread: cap threads on huge frames so
        # memory stays bounded (an 8K 4:2:0 frame is ~50 MB)
        cap = 4 if cc.width * cc.height > 3840 * 2160 else 8
        cc.thread_count = max(1, min(cap, os.cpu_count() or 1))
        intra = bool(cc.codec.intra_only)
        if not intra:
            try:
                cc.skip_frame = "NONREF"
            except Exception:  # some decoders refuse; decoding every frame is still correct
                pass
        target = schedule.next_after(-1.0) if schedule is not None else float("inf")  # next sample instant
        fps = float(st.average_rate or st.guessed_rate or 25)
        tb = st.time_base
        start = None
        next_k = 0  # samples taken so far
        prev = None  # (t, frame, index)
        index = 0

        def build(frame, t, idx, is_sample, k):
            rot = int(getattr(frame, "rotation", 0) or 0)
            fw, fh = frame.width, frame.height
            sw, sh = _fit_displayed(fw, fh, rot, small_width)
            # AREA: half the cost of swscale's default on big downscales, and unlike FAST_BILINEAR
            # or POINT it does not alias fine patterns into flicker (false cuts, false motion)
            small = _rotate(frame.reformat(sw, sh, format="rgb24", interpolation="AREA").to_ndarray(), rot)
            rgb = None
            if is_sample:
                pw, ph = _fit_displayed(fw, fh, rot, max_width)
                rgb = _rotate(frame.reformat(pw, ph, format="rgb24", interpolation="AREA").to_ndarray(), rot)
            return DecodedFrame(t, idx, small, rgb, bool(frame.interlaced_frame), k if is_sample else -1,
                                fps)

        try:
            for packet in container.demux(st):
                if intra and start is not None and packet.pts is not None:
                    # Intra-only: skip packets more than two frames before the next sample time
                    # (they can never be the nearest frame to it), so they are never decoded.
                    dur = float(packet.duration * tb) if packet.duration else 0.05
                    if float(packet.pts * tb) - start + 2 * dur < target:
                        continue
                for frame in packet.decode():
                    if frame.pts is None:
                        continue
                    ft = float(frame.pts * tb)
                    if start is None:
                        start = ft
                    t = ft - start
                    if prev is None:
                        prev = (t, frame, index)
                        index += 1
                        continue
                    pt, pframe, pidx = prev
                    # prev is final now: it is a sample if it is nearer than this frame to the next sample time
                    is_sample = False
                    while target <= t and abs(pt - target) <= abs(t - target):
                        is_sample = True
                        next_k += 1
                        target = schedule.next_after(target)
                    yield build(pframe, pt, pidx, is_sample, next_k - 1)
                    prev = (t, frame, index)
                    index += 1
        except av.error.FFmpegError as exc:
            if prev is None:
                raise MediaError(path, f"cannot decode video: {exc}") from exc
            # A truncated tail still yields what decoded before it.
        if prev is None:
            raise MediaError(path, "video stream has no decodable frames")
        pt, pframe, pidx = prev
        is_sample = False
        while schedule is not None and target <= pt + schedule.period_at(pt) / 2:
            is_sample = True
            next_k += 1
            target = schedule.next_after(target)
        yield build(pframe, pt, pidx, is_sample, next_k - 1)
    finally:
        container.close()


def prefetch(items: Iterable, depth: int = 8) -> Iterator:
    """Run ``items`` in a background thread, ``depth`` items ahead (decoding releases the GIL,
    so analysis of one frame overlaps decoding of the next). Errors re-raise in the consumer;
    leaving the loop early stops the producer. Memory: at most ``depth`` items in flight."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def produce():
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put(("item", item), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(("end", done))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            q.put(("error", exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="roughcut-decode", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = q.get()
            if kind == "item":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        stop.set()
        while worker.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                worker.join(timeout=0.05)


def iter_sampled_frames(path, sample_fps: float, max_width: int = 640) -> Iterator[tuple[float, np.ndarray]]:
    """(t seconds, RGB uint8 array <= max_width wide) for the frame nearest each sample time.

    Streamed: memory stays bounded whatever the length or frame size; rotation applied."""
    for item in iter_decoded(path, sample_fps, max_width=max_width):
        if item.rgb is not None:
            yield item.t, item.rgb


def proxy_cache_dir() -> Path:
    env = os.environ.get("ROUGHCUT_CACHE_DIR")
    if env:
        return Path(env) / "proxies"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("roughcut")) / "proxies"


def _decode_at(path, t: float, max_width: int) -> np.ndarray:
    """RGB of the first frame at or after ``t`` s (the last frame when ``t`` is past the end).

    Seeks to the keyframe before ``t``; where the demuxer lands past ``t`` anyway (MPEG-PS, e.g.
    GRID .mpg, seeks to the NEXT keyframe, so ``t`` = 0 showed the frame at 0.48 s), seeks again
    1, 4, 16 and 64 s earlier, and only then decodes from the file start (as picture/expression.py
    does), so a late thumbnail in a long file costs seconds of decoding, not the whole file.
    Within 0.5 s of the start it never seeks."""
    for back in (0.0, 1.0, 4.0, 16.0, 64.0):
        if t - back <= 0.5:
            break
        rgb = _decode_at_from(path, t, max_width, seek_to=t - back)
        if rgb is not None:
            return rgb
    return _decode_at_from(path, t, max_width, seek_to=None)


def _decode_at_from(path, t: float, max_width: int, seek_to: Optional[float]) -> Optional[np.ndarray]:
    """:func:`_decode_at` after a seek to ``seek_to`` s (None: from the file start); None when
    the seek landed past ``t``."""
    import av

    container = _open(path)
    try:
        st = _video_stream(container, path)
        st.thread_type = "AUTO"
        tb = st.time_base
        first = st.start_time or 0
        target = first + int(round(max(0.0, t) / tb))
        seek = seek_to is not None
        if seek:
            try:
                container.seek(first + int(round(seek_to / tb)), stream=st, backward=True, any_frame=False)
            except av.error.FFmpegError:
                container.seek(0)
        best = None
        try:
            for frame in container.decode(st):
                if frame.pts is None:
                    continue
                if best is None and seek and frame.pts > target:
                    return None  # landed past t: the caller seeks earlier
                best = frame
                if frame.pts >= target:
                    break
        except av.error.FFmpegError as exc:
            if best is None:
                raise MediaError(path, f"cannot decode video: {exc}") from exc
        if best is None:
            raise MediaError(path, f"no frame at {t:.3f} s")
        rot = int(best.rotation or 0)
        w, h = _fit_displayed(best.width, best.height, rot, max_width)
        return _rotate(best.reformat(w, h, format="rgb24").to_ndarray(), rot)
    finally:
        container.close()


def encode_jpeg(rgb: np.ndarray, quality: int = 85) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def extract_thumbnail(path, t: float, width: int = 320) -> bytes:
    """JPEG of the frame at ``t`` seconds, ``width`` wide (<= 640), rotation applied; cached."""
    width = max(16, min(int(width), 640))
    key = content_key(path)
    # "_d": width as displayed (rotated files were fitted to their stored width before)
    cached = proxy_cache_dir() / key[:2] / f"{key}_{round(t * 1000)}ms_{width}_d.jpg"
    if cached.exists():
        return cached.read_bytes()
    data = encode_jpeg(_decode_at(path, t, width))
    atomic_write_bytes(cached, data)
    return data
