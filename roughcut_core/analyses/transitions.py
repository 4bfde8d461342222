"""Shot transitions with exactly known boundaries, made from real frames (bench and tests).

Contract: ``transition_clip(frame_a, frame_b, kind, length, seed)`` -> (RGB frames, boundary
frame). Each shot is a slow random pan of a crop window over one real frame (so consecutive
frames differ as in footage), with Gaussian sensor noise. ``kind``:

- ``cut``: a hard cut; the boundary is the first frame of shot B;
- ``fade``: fade out to black over ``length`` frames, ``hold`` black frames, fade in over
  ``length`` frames; the boundary is the middle of the black gap (PySceneDetect's convention:
  the scene starts midway between the frame that went black and the frame that came back),
  i.e. the midpoint of the whole symmetric transition;
- ``dissolve``: a cross-dissolve over ``length`` frames; the boundary is the first frame in which
  shot B weighs at least one half (the transition's midpoint).
Shots are ``shot_len`` frames either side, so a detector sees settled picture before and after.
"""
from __future__ import annotations

import numpy as np

TRANSITION_KINDS = ("cut", "fade", "dissolve")


def _shot(frame: np.ndarray, n: int, rng: np.random.Generator, out_w: int = 192) -> list[np.ndarray]:
    import cv2

    h, w = frame.shape[:2]
    out_h = out_w * 9 // 16  # one 16:9 size for every source, so two shots can be mixed
    cw = min(w * 0.6, h * 0.6 * 16 / 9)
    ch = cw * 9 / 16
    vx, vy = rng.uniform(-0.4, 0.4, 2) * cw / 25.0 * 0.15  # up to 0.06 crop widths per second
    x0, y0 = w / 2.0, h / 2.0
    out = []
    for i in range(n):
        cx, cy = x0 + vx * (i - n / 2), y0 + vy * (i - n / 2)
        m = np.float32([[cw / out_w, 0, cx - cw / 2], [0, ch / out_h, cy - ch / 2]])
        out.append(cv2.warpAffine(frame, m, (out_w, out_h), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_AREA,
                                  borderMode=cv2.BORDER_REFLECT).astype(np.float32))
    return out


def transition_clip(frame_a: np.ndarray, frame_b: np.ndarray, kind: str, length: int = 12,
                    hold: int = 6, shot_len: int = 40, seed: int = 0,
                    noise: float = 2.0) -> tuple[list[np.ndarray], int]:
    """(uint8 RGB frames, boundary frame index) for one transition between two real frames."""
    rng = np.random.default_rng(seed)
    if kind == "cut":
        a = _shot(frame_a, shot_len, rng)
        b = _shot(frame_b, shot_len, rng)
        frames, boundary = a + b, shot_len
    elif kind == "fade":
        a = _shot(frame_a, shot_len + length, rng)
        b = _shot(frame_b, shot_len + length, rng)
        black = np.zeros_like(a[0])
        out_part = [a[shot_len + i] * (1.0 - (i + 1) / (length + 1)) for i in range(length)]
        in_part = [b[i] * ((i + 1) / (length + 1)) for i in range(length)]
        frames = a[:shot_len] + out_part + [black] * hold + in_part + b[length:]
        boundary = shot_len + length + hold // 2
    elif kind == "dissolve":
        a = _shot(frame_a, shot_len + length, rng)
        b = _shot(frame_b, shot_len + length, rng)
        mix = []
        for i in range(length):
            wb = (i + 1) / (length + 1)
            mix.append(a[shot_len + i] * (1.0 - wb) + b[i] * wb)
        frames = a[:shot_len] + mix + b[length:]
        boundary = shot_len + next(i for i in range(length) if (i + 1) / (length + 1) >= 0.5)
    else:
        raise ValueError(f"unknown transition kind {kind!r}")
    out = [np.clip(f + rng.normal(0, noise, f.shape), 0, 255).astype(np.uint8) for f in frames]
    return out, boundary
