"""Camera motion of one shot from sparse optical flow (OpenCV), classified with a magnitude.

Contract:
- ``frame_motion(prev_grey, grey)`` -> :class:`FrameMotion` or None: Shi-Tomasi corners tracked
  with pyramidal Lucas-Kanade, then a similarity transform (RANSAC, ``estimateAffinePartial2D``)
  from ``prev`` to ``grey``. ``dx``/``dy`` are the image content's shift in frame widths (x) and
  frame widths (y, so both axes share a unit), ``log_scale`` the log zoom factor, ``rot`` radians.
  None when too few corners track (flat picture): no motion is made up.
- ``classify_motion(times, motions)`` -> :class:`CameraMotion` for one shot: rates per second
  from the per-pair transforms; ``handheld`` when the high-frequency jitter (the residual after a
  0.5 s moving average of the path) dominates; otherwise the dominant smooth component picks
  pan/tilt/zoom; two strong components are ``complex``; slow everything is ``static``.
  ``magnitude`` is in frame widths per second for pan/tilt, log-zoom per second for zoom,
  RMS jitter (frame widths) for handheld, and the total rate for static/complex.
Direction convention: the camera pans right when the content moves left (``dx < 0``); it tilts
up when the content moves down (``dy > 0``); it zooms in when the content grows.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

# Thresholds (frame widths / s, log-scale / s, frame widths RMS), chosen on the bench's known
# synthetic crops (see bench/analyses.py): below STATIC_RATE a move is not seen by an editor.
STATIC_RATE = 0.02
ZOOM_STATIC = 0.03
JITTER_HANDHELD = 0.004
COMPLEX_RATIO = 0.6


@dataclass(frozen=True)
class FrameMotion:
    dx: float
    dy: float
    log_scale: float
    rot: float
    tracked: int


@dataclass(frozen=True)
class CameraMotion:
    kind: str
    magnitude: float
    pan_rate: float = 0.0      # content shift, frame widths per second (signed)
    tilt_rate: float = 0.0
    zoom_rate: float = 0.0     # log scale per second (signed)
    jitter: float = 0.0        # RMS high-frequency shake, frame widths
    pairs: int = 0             # frame pairs with a measured transform

    def to_json(self) -> dict:
        return {"kind": self.kind, "magnitude": round(float(self.magnitude), 4)}

    def detail_json(self) -> dict:
        return {"kind": self.kind, "magnitude": round(float(self.magnitude), 4),
                "pan_rate": round(self.pan_rate, 4), "tilt_rate": round(self.tilt_rate, 4),
                "zoom_rate": round(self.zoom_rate, 4), "jitter": round(self.jitter, 5),
                "pairs": self.pairs}


def to_grey(rgb: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)


def frame_motion(prev_grey: np.ndarray, grey: np.ndarray, max_corners: int = 100) -> Optional[FrameMotion]:
    """Similarity transform of the content from ``prev_grey`` to ``grey`` (same size, uint8)."""
    return track_motion(prev_grey, grey, None, max_corners)[0]


def track_motion(prev_grey: np.ndarray, grey: np.ndarray, pts: Optional[np.ndarray] = None,
                 max_corners: int = 100, min_points: int = 20) -> tuple[Optional[FrameMotion], Optional[np.ndarray]]:
    """``frame_motion`` that can reuse the points tracked into ``prev_grey`` by the previous call
    (corners are detected again only when fewer than ``min_points`` survive): returns the motion
    and the inlier points in ``grey`` to pass to the next call."""
    import cv2

    h, w = grey.shape[:2]
    if pts is None or len(pts) < min_points:
        pts = cv2.goodFeaturesToTrack(prev_grey, maxCorners=max_corners, qualityLevel=0.01,
                                      minDistance=max(3, w // 40), blockSize=5)
    if pts is None or len(pts) < 8:
        return None, None
    nxt, status, _err = cv2.calcOpticalFlowPyrLK(prev_grey, grey, pts, None, winSize=(13, 13), maxLevel=2,
                                                 criteria=(cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.03))
    if nxt is None:
        return None, None
    ok = status.reshape(-1) == 1
    if ok.sum() < 8:
        return None, None
    src, dst = pts.reshape(-1, 2)[ok], nxt.reshape(-1, 2)[ok]
    m, inliers = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=1.0,
                                             maxIters=200, confidence=0.98)
    if m is None or inliers is None or int(inliers.sum()) < 6:
        return None, None
    a, b = float(m[0, 0]), float(m[1, 0])
    scale = float(np.hypot(a, b))
    if scale <= 0:
        return None, None
    # Translation of the image centre (zoom about the centre does not read as a pan).
    cx, cy = w / 2.0, h / 2.0
    mx = m[0, 0] * cx + m[0, 1] * cy + m[0, 2] - cx
    my = m[1, 0] * cx + m[1, 1] * cy + m[1, 2] - cy
    keep = dst[inliers.reshape(-1) == 1]
    inside = (keep[:, 0] >= 2) & (keep[:, 0] < w - 2) & (keep[:, 1] >= 2) & (keep[:, 1] < h - 2)
    return (FrameMotion(float(mx) / w, float(my) / w, float(np.log(scale)), float(np.arctan2(b, a)),
                        int(inliers.sum())), keep[inside].reshape(-1, 1, 2).astype(np.float32))


REFRESH = 8  # corners are detected afresh at least every REFRESH pairs


def series_motion(greys: Sequence[np.ndarray]) -> list[Optional[FrameMotion]]:
    """Motion of each consecutive pair, tracking points along (as ``analyze`` does while streaming)."""
    out: list[Optional[FrameMotion]] = []
    pts = None
    for i, (a, b) in enumerate(zip(greys, greys[1:])):
        m, pts = track_motion(a, b, None if i % REFRESH == 0 else pts)
        out.append(m)
    return out


def _smooth(x: np.ndarray, n: int) -> np.ndarray:
    if n <= 1 or len(x) < 3:
        return x.copy()
    n = min(n, len(x))
    pad = n // 2
    xp = np.pad(x, (pad, n - 1 - pad), mode="edge")
    return np.convolve(xp, np.ones(n) / n, mode="valid")


def classify_motion(times: Sequence[float], motions: Sequence[Optional[FrameMotion]]) -> CameraMotion:
    """One shot's camera motion from per-pair motions (``motions[i]`` is from frame i to i+1)."""
    t = np.asarray(times, dtype=float)
    good = [(i, m) for i, m in enumerate(motions) if m is not None and i + 1 < len(t) and t[i + 1] > t[i]]
    if len(good) < 2:
        return CameraMotion("static", 0.0, pairs=len(good))
    dts = np.array([t[i + 1] - t[i] for i, _ in good])
    dx = np.array([m.dx for _, m in good])
    dy = np.array([m.dy for _, m in good])
    ds = np.array([m.log_scale for _, m in good])
    span = float(dts.sum())
    pan, tilt, zoom = dx.sum() / span, dy.sum() / span, ds.sum() / span
    # Jitter: the cumulative path minus its 0.5 s moving average (removes the smooth move).
    n = max(3, int(round(0.5 / float(np.median(dts))))) | 1  # odd: a centred window
    px, py = np.cumsum(dx), np.cumsum(dy)
    rx, ry = px - _smooth(px, n), py - _smooth(py, n)
    lo, hi = (n // 2, len(px) - n // 2) if len(px) > n + 2 else (0, len(px))  # edges: padded average
    jitter = float(np.sqrt(np.mean(rx[lo:hi] ** 2 + ry[lo:hi] ** 2)))
    base = dict(pan_rate=float(pan), tilt_rate=float(tilt), zoom_rate=float(zoom), jitter=jitter,
                pairs=len(good))
    # Smooth move components, each against its own threshold (zoom has its own unit).
    comps = {
        ("pan_right" if pan < 0 else "pan_left"): abs(pan) / STATIC_RATE,
        ("tilt_up" if tilt > 0 else "tilt_down"): abs(tilt) / STATIC_RATE,
        ("zoom_in" if zoom > 0 else "zoom_out"): abs(zoom) / ZOOM_STATIC,
    }
    ranked = sorted(comps.items(), key=lambda kv: -kv[1])
    (k1, r1), (k2, r2) = ranked[0], ranked[1]
    shake = jitter / JITTER_HANDHELD
    if shake >= 1.0 and shake >= r1 / 2:
        return CameraMotion("handheld", jitter, **base)
    if r1 < 1.0:
        return CameraMotion("static", float(np.hypot(pan, tilt)), **base)
    if r2 >= 1.0 and r2 >= COMPLEX_RATIO * r1:
        return CameraMotion("complex", float(np.hypot(pan, tilt) + abs(zoom)), **base)
    mag = abs(zoom) if k1.startswith("zoom") else (abs(pan) if k1.startswith("pan") else abs(tilt))
    return CameraMotion(k1, float(mag), **base)
