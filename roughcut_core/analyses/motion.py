"""Camera motion of one shot from sparse optical flow (OpenCV), classified with a magnitude.

Contract:
- ``frame_motion(prev_grey, grey)`` -> :class:`FrameMotion` or None: Shi-Tomasi corners tracked
  with pyramidal Lucas-Kanade, then a similarity transform (RANSAC, ``estimateAffinePartial2D``)
  from ``prev`` to ``grey``. ``dx``/``dy`` are the image content's shift in frame widths (x) and
  frame widths (y, so both axes share a unit), ``log_scale`` the log zoom factor, ``rot`` radians.
  None when too few corners track (flat picture): no motion is made up.
- :class:`MotionTracker` (``series_motion`` and ``analyze`` use it): the same per pair, with the
  points carried on from pair to pair; every ``REFRESH`` pairs (a chunk) fresh corners top up
  the survivors (all are detected afresh when fewer than 20 survive). At a chunk's end the
  pair's motion carries a :class:`Chunk`: the points' positions at the chunk's start and end,
  and (``longer``) at up to ``HORIZON`` chunk boundaries back for the points followed since.
  ``chunk_layers`` splits such a displacement into rigid layers (:class:`Parallax`: the
  similarity that explains most points, then one fitted to the rest, each within LAYER_PX or
  LAYER_REL of the typical displacement), so motion differences too small to see in one pair
  (slow dollies: in one chunk) add up; ``classify_motion`` does this only for shots whose move
  is a pan or zoom, and only for chunk parts that begin inside the shot.
- ``classify_motion(times, motions)`` -> :class:`CameraMotion` for one shot: rates per second
  from the per-pair transforms; ``handheld`` when the high-frequency jitter (the residual after a
  0.5 s moving average of the path) dominates; otherwise the dominant smooth component picks
  pan/tilt/zoom; two strong components are ``complex``; slow everything is ``static``.
  A physical camera move has parallax (near things move more than far ones) where a pan or zoom
  moves the picture as one: a pan whose chunks mostly show two layers moving the same way at
  rates at least ``PARALLAX_RATIO`` apart is a track (``track_left``/``track_right``, named like
  the pan: the camera travels right when the content moves left); a zoom whose chunks mostly
  show two layers scaling the same way at such different rates is a dolly (``dolly_in`` /
  ``dolly_out``); a chunk shows it over its own pairs or over its longer horizon. The faster
  (near) layer must be compact, its points' spread at most ``NEAR_SPREAD`` x that of all the
  chunk's points: a near object is one thing in part of the frame, while points that lag or
  slip in tracking (low-texture archival film, long horizons) form a "layer" spread all over
  it (rigid 2 s zooms and slow pans read as dollies and tracks without this). A zoom is also a
  dolly when the evidence pooled over the shot says so: at least ``POOL_SHARE`` of its chunks
  (own pairs) have such layers, their gaps adding up to PARALLAX_PX. Tilts are not
  split (no pedestal/crane kind). Limits: parallax is only seen once the layers' displacements
  differ by PARALLAX_PX (half a pixel) at the 96 px analysis width over a chunk or its horizon (up to
  HORIZON x REFRESH = 32 pairs), so a slow dolly needs a long enough shot (bench, near layer
  scaling 2x the background: 1 s clips are dollies at 0.12-0.3 log-zoom/s, zooms at 0.06;
  2 s clips are dollies from 0.06 on most sources; tracks are seen from 0.06 frame widths/s);
  an object moving the same way as a pan, faster, reads as parallax.
  ``magnitude`` is in frame widths per second for pan/tilt/track, log-zoom per second for
  zoom/dolly (the dominant layer's), RMS jitter (frame widths) for handheld, and the total rate
  for static/complex. ``detail_json`` adds ``parallax``: the share of the shot's chunks that
  showed parallax along its move.
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
# Parallax (chosen on the bench's two-layer clips, bench/analyses.py, and the seen clip variant 1,
# bench/analyses_variants.py; variant 2 is held out): layers are split with a
# LAYER_PX RANSAC threshold (pixels over a chunk); a second layer needs LAYER_MIN points and
# LAYER_SHARE of the tracked ones, its rate PARALLAX_RATIO x the other's (same direction), and a
# difference of PARALLAX_PX pixels over the chunk (x shift for a pan; log-scale difference x
# the smaller layer's spread for a zoom); a shot needs PARALLAX_SHARE of its chunks to show it.
# The fit's tolerance grows to LAYER_REL of the median displacement (tracking error grows with
# the distance followed: a rigid fast zoom followed over 24 pairs split into false layers).
LAYER_PX = 0.8
LAYER_REL = 0.15
LAYER_MIN = 8
LAYER_SHARE = 0.08
PARALLAX_RATIO = 1.3
PARALLAX_PX = 0.5
PARALLAX_SHARE = 0.5
NEAR_SPREAD = 0.8
POOL_SHARE = 0.6
PARALLAX_KINDS = {"pan_left": "track_left", "pan_right": "track_right", "zoom_in": "dolly_in",
                  "zoom_out": "dolly_out"}
MOTION_KINDS = ("static", "pan_left", "pan_right", "tilt_up", "tilt_down", "zoom_in", "zoom_out", "handheld",
                "complex", "dolly_in", "dolly_out", "track_left", "track_right")


@dataclass(frozen=True)
class Layer:
    """One rigid layer's motion over a chunk: median displacement of its points (pixels),
    log scale of its similarity fit, its point count and their RMS spread about their centre."""
    dx: float
    dy: float
    log_scale: float
    points: int
    spread: float


@dataclass(frozen=True)
class Parallax:
    """The layers of one chunk of ``pairs`` frame pairs: ``a`` explains the most points, ``b``
    (None: one similarity explains all) the rest; ``spread``: the RMS spread of all the chunk's
    points about their centre (pixels)."""
    pairs: int
    a: Layer
    b: Optional[Layer]
    spread: float = 0.0


@dataclass(frozen=True, eq=False)
class Chunk:
    """The points followed through one chunk of ``pairs`` frame pairs: ``src`` where they were
    at its start, ``dst`` at its end (N x 2 pixels). ``longer``: the same end seen from an
    earlier chunk boundary (the points followed since then; None: no earlier one kept)."""
    src: np.ndarray
    dst: np.ndarray
    pairs: int
    longer: Optional["Chunk"] = None


@dataclass(frozen=True)
class FrameMotion:
    dx: float
    dy: float
    log_scale: float
    rot: float
    tracked: int
    chunk: Optional[Chunk] = None


@dataclass(frozen=True)
class CameraMotion:
    kind: str
    magnitude: float
    pan_rate: float = 0.0      # content shift, frame widths per second (signed)
    tilt_rate: float = 0.0
    zoom_rate: float = 0.0     # log scale per second (signed)
    jitter: float = 0.0        # RMS high-frequency shake, frame widths
    pairs: int = 0             # frame pairs with a measured transform
    parallax: float = 0.0      # share of the chunks showing parallax along the move

    def to_json(self) -> dict:
        return {"kind": self.kind, "magnitude": round(float(self.magnitude), 4)}

    def detail_json(self) -> dict:
        return {"kind": self.kind, "magnitude": round(float(self.magnitude), 4),
                "pan_rate": round(self.pan_rate, 4), "tilt_rate": round(self.tilt_rate, 4),
                "zoom_rate": round(self.zoom_rate, 4), "jitter": round(self.jitter, 5),
                "pairs": self.pairs, "parallax": round(self.parallax, 3)}


def to_grey(rgb: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)


def frame_motion(prev_grey: np.ndarray, grey: np.ndarray, max_corners: int = 100) -> Optional[FrameMotion]:
    """Similarity transform of the content from ``prev_grey`` to ``grey`` (same size, uint8)."""
    return MotionTracker(max_corners).track(prev_grey, grey)


REFRESH = 8  # pairs per chunk: fresh corners top the points up at least every REFRESH pairs
HORIZON = 4  # chunk boundaries a point's positions are kept for: a chunk reaches HORIZON x REFRESH pairs back
LONG_MIN = 24  # points followed since a boundary for a chunk to reach back to it
LK_WIN = 9  # pixels at the 96-px analysis width (13: 40 % more LK time, the same bench classes but borderline slow dollies)
LK_LEVELS = 2
LK_ITERS = 20
RANSAC_ITERS = 200


def _similarity(src: np.ndarray, dst: np.ndarray, thr: float):
    import cv2

    return cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=thr,
                                       maxIters=RANSAC_ITERS, confidence=0.98)


def _layer(m: np.ndarray, src: np.ndarray, dst: np.ndarray) -> Layer:
    d = dst - src
    c = src - src.mean(axis=0)
    return Layer(float(np.median(d[:, 0])), float(np.median(d[:, 1])),
                 float(np.log(max(1e-6, float(np.hypot(m[0, 0], m[1, 0]))))), len(src),
                 float(np.sqrt(np.mean(np.sum(c * c, axis=1)))))


def chunk_layers(src: np.ndarray, dst: np.ndarray, pairs: int) -> Optional[Parallax]:
    """Split the displacements ``src`` -> ``dst`` (N x 2 pixels) of one chunk into at most two
    rigid layers (module contract); None when too few points."""
    n = len(src)
    if n < 2 * LAYER_MIN:
        return None
    # tracking error grows with the distance a point is followed: the fit tolerates LAYER_REL of
    # the typical displacement (a long or fast chunk), never less than LAYER_PX
    thr = max(LAYER_PX, LAYER_REL * float(np.median(np.hypot(*(dst - src).T))))
    m1, in1 = _similarity(src, dst, thr)
    if m1 is None or in1 is None or int(in1.sum()) < LAYER_MIN:
        return None
    in1 = in1.reshape(-1) == 1
    a = _layer(m1, src[in1], dst[in1])
    need = max(LAYER_MIN, int(np.ceil(LAYER_SHARE * n)))
    b = None
    rest = ~in1
    if rest.sum() >= need:
        m2, in2 = _similarity(src[rest], dst[rest], thr)
        if m2 is not None and in2 is not None and int(in2.sum()) >= need:
            in2 = in2.reshape(-1) == 1
            b = _layer(m2, src[rest][in2], dst[rest][in2])
    c = src - src.mean(axis=0)
    return Parallax(pairs, a, b, float(np.sqrt(np.mean(np.sum(c * c, axis=1)))))


def _disc(r: int) -> np.ndarray:
    """A filled disc of radius ``r`` (a (2r+1)-square uint8 structuring element)."""
    import cv2

    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))


class MotionTracker:
    """Per-pair motion along a stream of frames (module contract). ``track(prev, grey)`` for each
    consecutive pair, in order -> that pair's :class:`FrameMotion` or None. The tracker keeps
    the points it follows, each with its positions at the last ``HORIZON`` chunk boundaries (its
    only state): at a chunk's end its :class:`Chunk` runs from the earliest boundary that at
    least ``LONG_MIN`` of the current points were already followed at (up to ``HORIZON`` chunks
    back), so a slow difference between layers adds up over several chunks. At the next pair
    the survivors go on and fresh corners (away from them) top the set up to ``max_corners``.
    A pair that cannot be measured drops every point. One tracker per stream."""

    def __init__(self, max_corners: int = 100, min_points: int = 20):
        self.max_corners, self.min_points = max_corners, min_points
        self._pts = None     # N x 1 x 2 float32: the points now
        self._marks = None   # N x HORIZON x 2: their positions at the last boundaries (NaN: not yet)
        self._spans: list[int] = []  # pairs in each of the chunks between those boundaries
        self._n = 0          # pairs tracked
        self._chunk = 0      # pairs in the current chunk
        self._top_up = True  # a chunk ended: detect fresh corners before the next pair

    def _detect(self, prev_grey: np.ndarray) -> None:
        """Fresh corners away from the points kept (``minDistance`` from each), up to max_corners."""
        import cv2

        h, w = prev_grey.shape[:2]
        dist = max(3, w // 40)
        kept = 0 if self._pts is None else len(self._pts)
        mask = None
        if kept:  # 0 within ``dist`` of a kept point: its pixel, dilated by a disc
            xy = np.clip(np.rint(self._pts.reshape(-1, 2)).astype(np.int32), 0, [w - 1, h - 1])
            near = np.zeros((h, w), np.uint8)
            near[xy[:, 1], xy[:, 0]] = 255
            mask = cv2.bitwise_not(cv2.dilate(near, _disc(dist)))
        new = None
        if kept < self.max_corners:
            new = cv2.goodFeaturesToTrack(prev_grey, maxCorners=self.max_corners - kept, qualityLevel=0.01,
                                          minDistance=dist, blockSize=5, mask=mask)
        n_new = 0 if new is None else len(new)
        if not kept:
            self._pts = new
            self._marks = None if new is None else np.full((n_new, HORIZON, 2), np.nan, np.float32)
            self._spans = []
        elif n_new:
            self._pts = np.concatenate([self._pts, new.astype(np.float32)])
            self._marks = np.concatenate([self._marks, np.full((n_new, HORIZON, 2), np.nan, np.float32)])
        if self._pts is not None:
            self._marks[:, -1] = self._pts.reshape(-1, 2)  # this frame is the chunk's start
        self._chunk = 0

    def _end_chunk(self, dst: np.ndarray) -> Chunk:
        """The chunk ending now (from its own start), with ``longer`` from the earliest kept
        boundary that LONG_MIN of the points were followed since."""
        spans = self._spans + [self._chunk]
        marks = self._marks
        longer = None
        for back in range(min(HORIZON, len(spans)), 1, -1):
            alive = ~np.isnan(marks[:, -back, 0])
            if alive.sum() >= LONG_MIN:
                longer = Chunk(np.ascontiguousarray(marks[alive, -back]), dst[alive], sum(spans[-back:]))
                break
        chunk = Chunk(np.ascontiguousarray(marks[:, -1]), dst, self._chunk, longer)
        # the boundaries shift: this frame becomes the newest, the oldest is forgotten
        self._marks = np.concatenate([marks[:, 1:], dst[:, None, :].astype(np.float32)], axis=1)
        self._spans = spans[-(HORIZON - 1):]
        self._top_up = True
        return chunk

    def track(self, prev_grey: np.ndarray, grey: np.ndarray) -> Optional[FrameMotion]:
        import cv2

        self._n += 1
        h, w = grey.shape[:2]
        if self._pts is None or self._top_up or len(self._pts) < self.min_points:
            if self._pts is not None and len(self._pts) < self.min_points:
                self._pts = self._marks = None  # too few to go on with: start afresh
            self._detect(prev_grey)
            self._top_up = False
        pts = self._pts
        if pts is None or len(pts) < 8:
            self._pts = None
            return None
        nxt, status, _err = cv2.calcOpticalFlowPyrLK(prev_grey, grey, pts, None, winSize=(LK_WIN, LK_WIN),
                                                     maxLevel=LK_LEVELS,
                                                     criteria=(cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, LK_ITERS, 0.03))
        self._pts = None
        if nxt is None:
            return None
        ok = status.reshape(-1) == 1
        if ok.sum() < 8:
            return None
        src, dst = pts.reshape(-1, 2)[ok], nxt.reshape(-1, 2)[ok]
        m, inliers = _similarity(src, dst, 1.0)
        if m is None or inliers is None or int(inliers.sum()) < 6:
            return None
        a, b = float(m[0, 0]), float(m[1, 0])
        scale = float(np.hypot(a, b))
        if scale <= 0:
            return None
        # Translation of the image centre (zoom about the centre does not read as a pan).
        cx, cy = w / 2.0, h / 2.0
        mx = m[0, 0] * cx + m[0, 1] * cy + m[0, 2] - cx
        my = m[1, 0] * cx + m[1, 1] * cy + m[1, 2] - cy
        # Every point that tracked and stays inside goes on (the other layer's too: parallax).
        inside = (dst[:, 0] >= 2) & (dst[:, 0] < w - 2) & (dst[:, 1] >= 2) & (dst[:, 1] < h - 2)
        self._marks = self._marks[ok][inside]
        self._pts = dst[inside].reshape(-1, 1, 2).astype(np.float32)
        self._chunk += 1
        chunk = None
        if self._chunk >= REFRESH or len(self._pts) < self.min_points:
            chunk = self._end_chunk(dst[inside])
        return FrameMotion(float(mx) / w, float(my) / w, float(np.log(scale)), float(np.arctan2(b, a)),
                           int(inliers.sum()), chunk)


def series_motion(greys: Sequence[np.ndarray]) -> list[Optional[FrameMotion]]:
    """Motion of each consecutive pair, tracking points along (as ``analyze`` does while streaming)."""
    tracker = MotionTracker()
    return [tracker.track(a, b) for a, b in zip(greys, greys[1:])]


def _smooth(x: np.ndarray, n: int) -> np.ndarray:
    if n <= 1 or len(x) < 3:
        return x.copy()
    n = min(n, len(x))
    pad = n // 2
    xp = np.pad(x, (pad, n - 1 - pad), mode="edge")
    return np.convolve(xp, np.ones(n) / n, mode="valid")


def _layer_gap(p: Parallax, axis: str) -> Optional[float]:
    """Pixels by which one chunk's two layers differ along ``axis`` ("pan": x shift, "zoom": the
    log-scale difference across the smaller layer's extent), when they move the same way at
    rates PARALLAX_RATIO apart and the faster (near) layer is compact: its points' spread at
    most NEAR_SPREAD x that of all points; None otherwise."""
    if p.b is None:
        return None
    if axis == "pan":
        u, v = p.a.dx, p.b.dx
        gap = abs(u - v)
    else:
        u, v = p.a.log_scale, p.b.log_scale
        gap = abs(u - v) * min(p.a.spread, p.b.spread)
    lo, hi = sorted((abs(u), abs(v)))
    if u * v <= 0 or hi < PARALLAX_RATIO * lo:
        return None
    # the near (faster) layer is one thing in part of the frame; a "layer" whose points are
    # spread over the whole frame is tracking drift (points lagging or slipping), not depth
    near = p.a if abs(u) > abs(v) else p.b
    if p.spread > 0 and near.spread > NEAR_SPREAD * p.spread:
        return None
    return float(gap)


def _shows_parallax(p: Parallax, axis: str) -> bool:
    """Whether one chunk shows parallax along ``axis``: a ``_layer_gap`` of PARALLAX_PX or more."""
    gap = _layer_gap(p, axis)
    return gap is not None and gap >= PARALLAX_PX


def _chunk_parallax(c: Chunk, axis: str, reach: int) -> Optional[bool]:
    """Whether a chunk shows parallax along ``axis``, over its own pairs or over its longer
    horizon (a slow difference adds up); only a part within the ``reach`` pairs of the shot up
    to the chunk's end counts (one that began before the shot's cut spans two pictures);
    None when no part has enough points to split."""
    seen = None
    for part in (c, c.longer):
        if part is None or part.pairs > reach:
            continue
        p = chunk_layers(part.src, part.dst, part.pairs)
        if p is not None:
            if _shows_parallax(p, axis):
                return True
            seen = False
    return seen


def _pooled_zoom_parallax(chunks) -> bool:
    """A slow dolly pooled over the shot: the chunks (own pairs, inside the shot) with a layer
    gap are at least POOL_SHARE of those measured, and their gaps add up to PARALLAX_PX (each
    alone may be below it)."""
    gaps = []
    for c, reach in chunks:
        if c.pairs <= reach and (p := chunk_layers(c.src, c.dst, c.pairs)) is not None:
            gaps.append(_layer_gap(p, "zoom"))
    seen = [g for g in gaps if g is not None]
    return len(gaps) >= 2 and len(seen) >= POOL_SHARE * len(gaps) and sum(seen) >= PARALLAX_PX


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
    chunks = [(m.chunk, i + 1) for i, m in good if m.chunk is not None]
    share = 0.0
    if k1 in PARALLAX_KINDS and chunks:
        axis = k1.split("_", 1)[0]
        seen = [_chunk_parallax(c, axis, reach) for c, reach in chunks]
        seen = [v for v in seen if v is not None]
        share = sum(seen) / len(seen) if seen else 0.0
        if share >= PARALLAX_SHARE or (axis == "zoom" and _pooled_zoom_parallax(chunks)):
            return CameraMotion(PARALLAX_KINDS[k1], float(mag), parallax=share, **base)
    return CameraMotion(k1, float(mag), parallax=share, **base)
