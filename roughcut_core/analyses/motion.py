"""Camera motion of one shot from sparse optical flow (OpenCV), classified with a magnitude.

Contract:
- ``frame_motion(prev_grey, grey)`` -> :class:`FrameMotion` or None: Shi-Tomasi corners tracked
  with pyramidal Lucas-Kanade, then a similarity transform (RANSAC, ``estimateAffinePartial2D``)
  from ``prev`` to ``grey``. ``dx``/``dy`` are the image content's shift in frame widths (x) and
  frame widths (y, so both axes share a unit), ``log_scale`` the log zoom factor, ``rot`` radians.
  None when too few corners track, or when the similarity explains less than ``CONSENSUS`` of
  them (a flat picture, where the points follow sensor noise): no motion is made up.
- :class:`MotionTracker` (``series_motion`` and ``analyze`` use it): the same per pair, with the
  points carried on from pair to pair; every ``REFRESH`` pairs (a chunk) fresh corners top up
  the survivors (all are detected afresh when fewer than 20 survive). At a chunk's end the
  pair's motion carries a :class:`Chunk`: the points' positions at the chunk's start and end,
  and (``longer``) at up to ``HORIZON`` chunk boundaries back for the points followed since.
  ``coherent_gap`` reads such a displacement field: the similarity that most points follow
  (a turning or zooming camera moves the whole picture by one), and the depth layer that leaves
  it (a travelling camera moves each point by its inverse depth); over a chunk or its longer
  horizon, motion differences too small to see in one pair (slow dollies) add up;
  ``classify_motion`` does this only for shots whose move is a pan or zoom, and only for chunk
  parts that begin inside the shot.
- ``classify_motion(times, motions)`` -> :class:`CameraMotion` for one shot: rates per second
  from the per-pair transforms; ``handheld`` when the high-frequency jitter (the residual after a
  0.5 s moving average of the path) dominates; otherwise the dominant smooth component picks
  pan/tilt/zoom; two strong components are ``complex``; slow everything is ``static``.
  A physical camera move has parallax (near things move more than far ones) where a pan or zoom
  moves the picture as one: a pan whose chunks mostly show a depth layer (``coherent_gap``:
  points whose residual from the dominant similarity is a 3-sigma outlier against the tracking
  noise, agrees with their neighbours' (a surface, not a lagging point or aliasing on fine
  texture), goes the same way as the picture and is at least PARALLAX_RATIO - 1 of its motion)
  is a track (``track_left``/``track_right``, named like the pan: the camera travels right when
  the content moves left); a zoom whose chunks mostly show one, radially, is a dolly
  (``dolly_in`` / ``dolly_out``); a chunk shows it over its own pairs or over its longer
  horizon. A zoom is also a dolly when the evidence pooled over the shot says so: at least
  ``POOL_SHARE`` of its chunks (own pairs) have such a layer, their gaps adding up to
  PARALLAX_PX. Tilts are not split (no pedestal/crane kind). Limits: parallax is only seen
  once the layer's residual reaches PARALLAX_PX (half a pixel) at the 96 px analysis width over
  a chunk or its horizon (up to HORIZON x REFRESH = 32 pairs), so a slow dolly needs a long
  enough shot; a background without texture to track (a flat wall, black) shows no parallax,
  so a dolly or track over it reads as a zoom or pan; an object moving the same way as a pan,
  faster, reads as parallax.
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
# Parallax: the dominant similarity is fitted with a LAYER_PX RANSAC threshold (pixels over a
# chunk), growing to LAYER_REL of the median displacement (tracking error grows with the distance
# followed); a depth layer needs LAYER_MIN points and LAYER_SHARE of the tracked ones, a depth
# PARALLAX_RATIO apart and a median residual of PARALLAX_PX; a shot needs PARALLAX_SHARE of its
# chunks to show it. (20e set these on the bench's two-layer clips and variant 1, with a two-layer
# split; 20g replaced the split by coherent_gap, checked on variants 1-2 and the bench's clips.)
LAYER_PX = 0.8
LAYER_REL = 0.15
LAYER_MIN = 8
LAYER_SHARE = 0.08
PARALLAX_RATIO = 1.3
PARALLAX_PX = 0.5
PARALLAX_SHARE = 0.5
POOL_SHARE = 0.6
# The depth-layer test (coherent_gap): a point's residual from the dominant similarity must be
# SIG x the tracking noise (a 3-sigma outlier), point along the move, and be shared by half its
# NEIGH nearest points (a layer is a surface), within 2 x the noise or AGREE of itself.
SIG = 3.0
NEIGH = 4
AGREE = 0.5
PARALLAX_KINDS = {"pan_left": "track_left", "pan_right": "track_right", "zoom_in": "dolly_in",
                  "zoom_out": "dolly_out"}
MOTION_KINDS = ("static", "pan_left", "pan_right", "tilt_up", "tilt_down", "zoom_in", "zoom_out", "handheld",
                "complex", "dolly_in", "dolly_out", "track_left", "track_right")


@dataclass(frozen=True, eq=False)
class Chunk:
    """The points followed through one chunk of ``pairs`` frame pairs: ``src`` where they were
    at its start, ``dst`` at its end (N x 2 pixels). ``longer``: the same end seen from an
    earlier chunk boundary (the points followed since then; None: no earlier one kept).
    ``centre``: the frame's centre, which a zoom or dolly's radial direction is taken from."""
    src: np.ndarray
    dst: np.ndarray
    pairs: int
    longer: Optional["Chunk"] = None
    centre: Optional[tuple] = None  # the frame's centre (pixels); None: the points' bounding box's


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
# a pair's similarity must explain this share of the tracked points (a majority: the camera's
# motion is what most of the picture does); on a flat picture LK follows sensor noise and a
# RANSAC fit finds ~20 % "inliers", whose jitter read as handheld and drift as pans or zooms
CONSENSUS = 0.5


def _similarity(src: np.ndarray, dst: np.ndarray, thr: float):
    import cv2

    return cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=thr,
                                       maxIters=RANSAC_ITERS, confidence=0.98)


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
        self._centre = None  # (x, y) pixels of the frames' centre

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
                longer = Chunk(np.ascontiguousarray(marks[alive, -back]), dst[alive], sum(spans[-back:]),
                               centre=self._centre)
                break
        chunk = Chunk(np.ascontiguousarray(marks[:, -1]), dst, self._chunk, longer, self._centre)
        # the boundaries shift: this frame becomes the newest, the oldest is forgotten
        self._marks = np.concatenate([marks[:, 1:], dst[:, None, :].astype(np.float32)], axis=1)
        self._spans = spans[-(HORIZON - 1):]
        self._top_up = True
        return chunk

    def track(self, prev_grey: np.ndarray, grey: np.ndarray) -> Optional[FrameMotion]:
        import cv2

        self._n += 1
        h, w = grey.shape[:2]
        self._centre = (w / 2.0, h / 2.0)
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
        if m is None or inliers is None or int(inliers.sum()) < max(6, CONSENSUS * len(src)):
            return None  # no motion most of the picture shares (flat or noise-bound picture)
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


def coherent_gap(src: np.ndarray, dst: np.ndarray, axis: str, centre=None) -> Optional[float]:
    """Parallax along ``axis`` ("pan": x; "zoom": radial from ``centre``) in one chunk's
    displacements ``src`` -> ``dst`` (N x 2 pixels): the median residual (pixels) of the points
    that form a depth layer the dominant rigid motion does not explain; 0.0 when none does,
    None when too few points or no dominant fit. A camera that turns or zooms moves the whole
    picture by one similarity; a camera that travels moves each point by its inverse depth, so
    near things leave that fit, along the move (the epipolar direction: sideways for a track,
    radial for a dolly). A point counts when (a) its residual along the move is at least SIG x
    the tracking noise (sigma of the fit's own inliers' residuals), (b) its residual across the
    move is at most half that (or within SIG x the noise): a point slipping along a stripe
    or a repeated pattern goes any way, (c) at least half of its NEIGH nearest points share its
    residual, or their median residual matches it (within 2 x the noise or AGREE of it: a layer
    is a surface, and a point at its edge has half its neighbours in it; a point that lags or
    slips in tracking, or aliasing on fine texture, is alone), (d) it moves the same way as
    the picture (an object moving against a pan is not depth), and (e) its residual is at least
    PARALLAX_RATIO - 1 of the motion the fit gives it (a depth 1.3x nearer or farther). The
    layer needs LAYER_MIN points and LAYER_SHARE of them."""
    n = len(src)
    if n < 2 * LAYER_MIN:
        return None
    d = dst - src
    thr = max(LAYER_PX, LAYER_REL * float(np.median(np.hypot(*d.T))))
    m, inl = _similarity(src, dst, thr)
    if m is None or inl is None or int(inl.sum()) < LAYER_MIN:
        return None
    inl = inl.reshape(-1) == 1
    fit = src @ m[:, :2].T + m[:, 2]
    res = dst - fit
    noise = max(0.05, float(np.median(np.hypot(*res[inl].T))) / 1.1774)  # Rayleigh median -> sigma
    if axis == "pan":
        u = np.tile(np.float64([1.0, 0.0]), (n, 1))
    else:
        c = np.asarray(centre if centre is not None else (src.min(axis=0) + src.max(axis=0)) / 2, float)
        r = src - c
        dist = np.hypot(*r.T)
        u = r / np.maximum(dist, 1e-6)[:, None]
        u[dist < 3.0] = 0.0  # too near the centre for a radial direction
    along = np.sum(res * u, axis=1)
    across = np.abs(res[:, 0] * u[:, 1] - res[:, 1] * u[:, 0])
    moved = np.sum((fit - src) * u, axis=1)  # the fit's motion at each point, along the move
    dd = np.sum((src[:, None, :] - src[None, :, :]) ** 2, axis=2)
    np.fill_diagonal(dd, np.inf)
    nn = np.argsort(dd, axis=1)[:, :NEIGH]
    tol = np.maximum(SIG * noise / 1.5, AGREE * np.hypot(*res.T))
    with_me = np.hypot(*(res[nn] - res[:, None, :]).transpose(2, 0, 1)) <= tol[:, None]
    layer = ((np.abs(along) >= SIG * noise)
             & (across <= np.maximum(SIG * noise, 0.5 * np.abs(along)))
             & ((with_me.sum(axis=1) >= NEIGH / 2)
                | (np.hypot(*(res - np.median(res[nn], axis=1)).T) <= tol))
             & (np.sum(d * u, axis=1) * float(np.median(moved)) > 0)
             & (np.abs(along) >= (PARALLAX_RATIO - 1.0) * np.abs(moved)))
    if layer.sum() < max(LAYER_MIN, int(np.ceil(LAYER_SHARE * n))):
        return 0.0
    return float(np.median(np.abs(along[layer])))


def _chunk_parallax(c: Chunk, axis: str, reach: int) -> Optional[bool]:
    """Whether a chunk shows parallax along ``axis`` (a ``coherent_gap`` of PARALLAX_PX), over
    its own pairs or over its longer horizon (a slow difference adds up); only a part within the
    ``reach`` pairs of the shot up to the chunk's end counts (one that began before the shot's
    cut spans two pictures); None when no part has enough points."""
    seen = None
    for part in (c, c.longer):
        if part is None or part.pairs > reach:
            continue
        gap = coherent_gap(part.src, part.dst, axis, part.centre)
        if gap is not None:
            if gap >= PARALLAX_PX:
                return True
            seen = False
    return seen


def _pooled_zoom_parallax(chunks) -> bool:
    """A slow dolly pooled over the shot: the chunks (own pairs, inside the shot) with a depth
    layer are at least POOL_SHARE of those measured, and their gaps add up to PARALLAX_PX (each
    alone may be below it)."""
    gaps = [coherent_gap(c.src, c.dst, "zoom", c.centre) for c, reach in chunks if c.pairs <= reach]
    gaps = [g for g in gaps if g is not None]
    seen = [g for g in gaps if g > 0]
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
