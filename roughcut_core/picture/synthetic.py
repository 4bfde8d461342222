"""Small generated clips for the picture tests and benchmark (written with PyAV, never committed).

Contract: ``write_clip(path, frames, fps, codec, pix_fmt, options)`` encodes an iterable of RGB
uint8 frames; ``face_frames(...)`` yields frames with a real face photo (skimage's astronaut)
composited over a textured background that can pan; extras add black frames, a single flash
frame, a hard cut, or blur. Everything is deterministic (fixed seeds).
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Iterable, Optional

import numpy as np


def _texture(h: int, w: int, seed: int) -> np.ndarray:
    import cv2

    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, size=(max(2, h // 16), max(2, w // 16), 3), dtype=np.uint8)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def face_frames(width: int, height: int, n: int, pan_px: float = 0.0, face_scale: float = 0.8,
                blur: float = 0.0, seed: int = 0, face: bool = True) -> Iterable[np.ndarray]:
    """``n`` frames: background panning by ``pan_px`` per frame, astronaut photo in the middle."""
    import cv2
    from skimage import data

    bg = _texture(height, width + int(abs(pan_px) * n) + 2, seed)
    side = int(min(width, height) * face_scale) // 2 * 2
    portrait = cv2.resize(data.astronaut(), (side, side), interpolation=cv2.INTER_AREA) if face else None
    for i in range(n):
        x0 = int(round(i * abs(pan_px)))
        frame = bg[:, x0:x0 + width].copy()
        if portrait is not None:
            oy, ox = (height - side) // 2, (width - side) // 2
            frame[oy:oy + side, ox:ox + side] = portrait
        if blur > 0:
            frame = cv2.GaussianBlur(frame, (0, 0), blur)
        yield frame


def write_clip(path, frames: Iterable[np.ndarray], fps: int = 25, codec: str = "libx264",
               pix_fmt: str = "yuv420p", options: Optional[dict] = None, bit_rate: Optional[int] = None,
               times: Optional[list[float]] = None) -> Path:
    """Encode RGB frames; ``times`` (seconds, one per frame) makes a variable-frame-rate file."""
    import av

    path = Path(path)
    frames = iter(frames)
    first = next(frames)
    h, w = first.shape[:2]
    with av.open(str(path), "w") as out:
        st = out.add_stream(codec, rate=Fraction(fps))
        st.width, st.height, st.pix_fmt = w, h, pix_fmt
        if options:
            st.options = dict(options)
        if bit_rate:
            st.bit_rate = bit_rate
        if times is not None:  # millisecond clock so frames can land anywhere (phone-style VFR)
            st.codec_context.time_base = Fraction(1, 1000)
        for i, img in enumerate((first, *frames)):
            vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
            if times is not None:
                vf.pts, vf.time_base = int(round(times[i] * 1000)), Fraction(1, 1000)
            for pkt in st.encode(vf):
                out.mux(pkt)
        for pkt in st.encode():
            out.mux(pkt)
    return path


def solid(width: int, height: int, value: int) -> np.ndarray:
    return np.full((height, width, 3), value, dtype=np.uint8)
