"""Preview render of a cut with PyAV: the enabled picture and sound, end to end, as an MP4.

Reads the cut's OTIO (first video and first audio track); each clip's ``source_range`` is in
the source's timecode space, so the file-relative frame is ``start - available_range.start``.
Frames are decoded by seeking to the nearest keyframe before the in point and keeping frames
in [in, out); sound is resampled to 48 kHz stereo and trimmed sample-exactly to the same
range. Output goes to a temp file renamed into place. Memory stays bounded by one clip's GOP.
"""
from __future__ import annotations

import itertools
import os
from fractions import Fraction
from pathlib import Path
from typing import Iterator

import numpy as np

from ..errors import MediaError, RoughcutError
from ..fileio import atomic_output

SAMPLE_RATE = 48000


def _file_range(clip) -> tuple[str, Fraction, Fraction]:
    ref = clip.media_reference
    path = getattr(ref, "target_url", None)
    if not path:
        raise RoughcutError(f"clip {clip.name!r} has no media reference")
    path = path[7:] if path.startswith("file://") else path
    sr = clip.source_range
    offset = ref.available_range.start_time.value if ref.available_range else 0
    rate = Fraction(sr.start_time.rate).limit_denominator(1001)
    start = Fraction(int(round(sr.start_time.value - offset))) / rate
    dur = Fraction(int(round(sr.duration.value))) / rate
    return path, start, start + dur


def _frames(path: str, t0: Fraction, t1: Fraction, size: tuple[int, int]) -> Iterator:
    import av

    with av.open(path) as c:
        vs = c.streams.video[0]
        vs.thread_type = "AUTO"
        c.seek(int(t0 / vs.time_base), stream=vs, backward=True)
        for f in c.decode(vs):
            if f.pts is None:
                continue
            t = Fraction(f.pts) * vs.time_base
            if t < t0 - Fraction(1, 1000):
                continue
            if t >= t1 - Fraction(1, 1000):
                break
            yield f.reformat(width=size[0], height=size[1], format="yuv420p")


def _audio(path: str, t0: Fraction, t1: Fraction) -> np.ndarray:
    import av

    n_want = int(round((t1 - t0) * SAMPLE_RATE))
    out = np.zeros((2, n_want), dtype=np.float32)
    with av.open(path) as c:
        if not c.streams.audio:
            return out
        st = c.streams.audio[0]
        rs = av.AudioResampler(format="fltp", layout="stereo", rate=SAMPLE_RATE)
        c.seek(max(0, int((t0 - 1) / st.time_base)), stream=st, backward=True)
        pos = None
        for frame in c.decode(st):
            if frame.pts is None:
                continue
            ft = Fraction(frame.pts) * st.time_base
            if pos is None:
                pos = int(round((ft - t0) * SAMPLE_RATE))
            for r in rs.resample(frame):
                arr = r.to_ndarray()
                lo, hi = pos, pos + arr.shape[1]
                a, b = max(lo, 0), min(hi, n_want)
                if b > a:
                    out[:, a:b] = arr[:, a - lo:b - lo]
                pos = hi
            if pos >= n_want:
                break
    return out


def open_streams(oc, rate: Fraction, width: int, height: int):
    """(video, audio) output streams of a preview: H.264 ``width``x``height`` at ``rate``, stereo AAC."""
    vs = oc.add_stream("libx264", rate=rate)
    vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
    vs.options = {"preset": "veryfast", "crf": "26"}
    return vs, oc.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")


def mux_sound(oc, aus, samples: np.ndarray, n_frames: int, n_samples: int, rate: Fraction) -> int:
    """Sound follows picture: encode as many of ``samples`` (2 x n, padded with silence) as the
    ``n_frames`` written so far need after the ``n_samples`` already written; returns the new count."""
    import av

    want = int(round(Fraction(n_frames) / rate * SAMPLE_RATE)) - n_samples
    samples = np.pad(samples[:, :want], ((0, 0), (0, max(0, want - samples.shape[1]))))
    for s in range(0, want, 1024):
        af = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples[:, s:s + 1024]), format="fltp", layout="stereo")
        af.sample_rate, af.pts = SAMPLE_RATE, n_samples + s
        for pkt in aus.encode(af):
            oc.mux(pkt)
    return n_samples + want


def flush(oc, *streams) -> None:
    """Drain the encoders of ``streams`` into ``oc``."""
    for stream in streams:
        for pkt in stream.encode(None):
            oc.mux(pkt)


def _black_frame(width: int, height: int):
    import av

    return av.VideoFrame.from_ndarray(np.zeros((height, width, 3), np.uint8), format="rgb24").reformat(
        format="yuv420p")


def render_preview(otio_path, out_path, *, width: int = 640) -> Path:
    """Render the cut at ``otio_path`` to an H.264/AAC MP4 at the timeline's rate."""
    import av
    import opentimelineio as otio

    try:
        tl = otio.adapters.read_from_file(str(otio_path))
    except Exception as exc:
        raise RoughcutError(f"{otio_path}: cannot read the timeline: {exc}") from exc
    video = tl.video_tracks()[0] if tl.video_tracks() else None
    if video is None or not list(video.find_clips()):
        raise RoughcutError(f"{otio_path}: the timeline has no picture to render")
    rate = Fraction(video.find_clips()[0].source_range.start_time.rate).limit_denominator(1001)
    out_path = Path(out_path)
    height = int(round(width * 9 / 16 / 2)) * 2
    with atomic_output(out_path, suffix=".mp4") as tmp:
        with av.open(str(tmp), "w") as oc:
            vs, aus = open_streams(oc, rate, width, height)
            black = _black_frame(width, height)
            n_frames, n_samples = 0, 0
            for item in video:
                if isinstance(item, otio.schema.Gap):
                    src, t0, t1 = None, Fraction(0), Fraction(0)
                    frames = itertools.repeat(black, int(round(item.source_range.duration.value)))
                else:
                    src, t0, t1 = _file_range(item)
                    if not os.path.exists(src):
                        raise MediaError(src, "media for the preview is missing")
                    frames = _frames(src, t0, t1, (width, height))
                for f in frames:
                    f.pts, f.time_base = n_frames, 1 / rate
                    for pkt in vs.encode(f):
                        oc.mux(pkt)
                    n_frames += 1
                samples = _audio(src, t0, t1) if src else np.zeros((2, 0), np.float32)
                n_samples = mux_sound(oc, aus, samples, n_frames, n_samples, rate)
            flush(oc, vs, aus)
    return out_path
