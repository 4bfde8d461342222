"""Cross-dissolves (gradual transitions between two shots), localised at their midpoint.

Contract: ``DissolveDetector(max_len)``; ``feed(frame_index, small_rgb)`` for every decoded frame
in order, then ``boundaries()`` -> sorted frame indices, each the first frame in which the
incoming shot weighs at least one half (the dissolve's midpoint, the usual convention of shot
boundary references). Hard cuts and fades through black are NOT reported (other detectors own
them).

Two stages, both honest measurements on a 64x36 picture:
1. candidate: for windows of 4..``max_len`` frames ending at the current frame, the two end frames
   must be different shots: their colour histograms differ (Bhattacharyya distance >= HIST_MIN;
   a pan or a zoom keeps the histogram) and their pixels differ (mean abs >= PIX_MIN grey levels);
2. localise: every frame inside the window is fitted as ``A + alpha * (B - A)`` (least squares).
   A dissolve fits with a small residual and alphas that rise monotonically through the window,
   with at least two frames truly mixed (0.15 < alpha < 0.85: a hard cut has none). The
   boundary is the first frame with alpha >= 0.5; of overlapping candidates from several
   windows, the one whose ends differ most wins (then the smaller residual). A dissolve longer
   than the windows can fit whole (its windows' mixed frames span more than LONG_SPAN frames)
   is placed at the middle of that span (see ``boundaries``).
Camera motion fails stage 1 (same histogram) or stage 2 (a shifted picture is no blend), unless
the move reveals a wholly different picture: then it may read as a dissolve (see bench).
"""
from __future__ import annotations

import numpy as np

W, H = 64, 36
HIST_MIN = 0.35     # Bhattacharyya distance of the end frames' colour histograms
PIX_MIN = 14.0      # mean abs grey difference of the end frames
RESID_MAX = 0.22    # rms residual of the blend fit over rms(B - A)
MIX_LO, MIX_HI = 0.15, 0.85
WINDOWS = (4, 6, 9, 13, 19, 27, 38, 54)
SAME_CORR = 0.6     # end frames correlating above this are one picture (gain change, small move)
SETTLE = 2          # frames after B that must be still (the change has ended)
SETTLED = 0.35      # motion before A / after B, against the A->B change
LONG_SPAN = 32      # frames: a group of windows mixing over more is one long dissolve


_HS_LUT = np.zeros((256, 3), np.uint8)  # per channel: hue bin (8) * 20, saturation bin (4) * 5
_HS_LUT[:, 0] = np.minimum(np.arange(256) // 23, 7) * 20
_HS_LUT[:, 1] = (np.arange(256) // 64) * 5
_LEVELS = np.arange(256, dtype=np.float32)
_SUM3 = np.ones((1, 3), np.float32)


def _hist(rgb: np.ndarray) -> np.ndarray:
    """Colour histogram that a gain change leaves alone: hue, saturation and brightness over the
    frame's mean brightness (a fade dims every pixel alike, a dissolve brings other colours).
    160 bins: 8 hues x 4 saturations x 5 brightness levels over 0..2.5 x the mean; the bin of
    each pixel is the sum of three per-channel lookups (the brightness table made per frame)."""
    import cv2

    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    # the float32 mean of V (an exact integer sum over the pixel count, rounded once)
    mean = float(np.float32(int(hsv[..., 2].sum())) / np.float32(hsv.shape[0] * hsv.shape[1]))
    lut = _HS_LUT.copy()
    lut[:, 2] = np.minimum((_LEVELS * (2.0 / max(mean, 1.0))).astype(np.int32), 4)
    idx = cv2.transform(cv2.LUT(hsv, lut.reshape(1, 256, 3)), _SUM3)
    h = np.bincount(idx.ravel(), minlength=160).astype(np.float64)
    return h / max(h.sum(), 1e-9)


def _mean_abs_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mean absolute difference of uint8 rows ``a`` (k x n) and ``b`` (n, or k x n), per row, as
    exact integer sums over n: what ``np.abs(a - b).mean(axis=1)`` gives on them in float64, bit
    for bit (every partial sum is an integer below 2**53), at a fraction of the cost."""
    d = np.abs(a.astype(np.int16) - b.astype(np.int16))
    return d.sum(axis=-1, dtype=np.int64) / float(a.shape[-1])


def _unit(x: np.ndarray) -> np.ndarray:
    """``x`` less its mean, scaled to unit norm, in float32."""
    c = x - float(x.mean())
    return (c / max(float(np.sqrt(c @ c)), 1e-9)).astype(np.float32)


class DissolveDetector:
    def __init__(self, max_len: int = 54, min_gap: int = 12):
        self.windows = tuple(n for n in WINDOWS if n <= max_len) or (4,)
        self.min_gap = min_gap
        # the last ``cap`` frames in a ring written twice (row p and p + cap), so any run of
        # consecutive frames is one contiguous slice (no copies per window)
        self._cap = cap = max(self.windows) + 2 + SETTLE
        self._grey = np.zeros((2 * cap, W * H), np.float64)   # blurred grey, 0..255
        self._g8 = np.zeros((2 * cap, W * H), np.uint8)       # the same in uint8 (L1 norms)
        self._sq = np.zeros(2 * cap, np.float64)              # its squared norm
        self._shist = np.zeros((2 * cap, 160), np.float64)    # sqrt of the colour histogram
        self._unit = np.zeros((2 * cap, W * H), np.float32)   # zero-mean, unit-norm grey, made
        self._has_unit = np.zeros(2 * cap, bool)              # when a window first needs it
        self._dark = np.zeros(2 * cap, bool)
        self._index = np.zeros(2 * cap, np.int64)
        self._count = 0
        # (A frame, B frame, boundary, change, residual, first and last mixed frame)
        self._cands: list[tuple] = []

    def feed(self, index: int, small_rgb: np.ndarray) -> None:
        import cv2

        rgb = cv2.resize(np.ascontiguousarray(small_rgb), (W, H), interpolation=cv2.INTER_AREA)
        g8 = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), (3, 3), 0).ravel()
        grey = g8.astype(np.float64)
        cap = self._cap
        p = self._count % cap
        self._count += 1
        rows = [p, p + cap]
        self._grey[rows] = grey
        self._g8[rows] = g8
        self._sq[rows] = float(grey @ grey)
        self._shist[rows] = np.sqrt(_hist(rgb))
        self._dark[rows] = float(grey.mean()) < 16.0
        self._has_unit[rows] = False
        self._index[rows] = index
        have = min(self._count, cap) - SETTLE  # frames up to B (B is SETTLE frames back, so the
        if have < 2:                           # picture after it can show the change has ended)
            return
        e = p + cap - SETTLE  # row of B
        if self._dark[e]:
            return
        g = self._grey
        dark_back = np.flatnonzero(self._dark[e - have + 1:e + 1][::-1])  # frames back from B
        reach = int(dark_back[0]) if dark_back.size else have  # windows reaching a dark frame go through black
        ns = np.array([n for n in self.windows if n < have and n < reach], np.int64)
        if not ns.size:
            return
        b = g[e]
        # the cheap tests for every window at once (most windows stop here): colours, then pixels
        hist_d = np.sqrt(np.maximum(0.0, 1.0 - self._shist[e - ns] @ self._shist[e]))  # Bhattacharyya
        ns = ns[hist_d >= HIST_MIN]
        if not ns.size:
            return
        g8 = self._g8
        change_all = _mean_abs_rows(g8[e - ns], g8[e])
        ok = change_all >= PIX_MIN
        if not ok.any():
            return
        ns, change_all = ns[ok], change_all[ok]
        # settled ends: the picture just before A and just after B moves much less than A->B
        after_move = float(_mean_abs_rows(g8[e + 1:e + SETTLE + 1], g8[e]).max())
        before = np.minimum(ns + 1, have - 1)  # the frame before A (A itself when none is kept)
        before_move = _mean_abs_rows(g8[e - ns], g8[e - before])
        ok = (before_move <= SETTLED * change_all) & (after_move <= SETTLED * change_all)
        # the same picture brighter or darker (a fade, a light switched on) is no dissolve:
        # the ends of a dissolve are two pictures, their pixels barely correlate
        ok &= self._units(e - ns) @ self._units(np.array([e]))[0] <= SAME_CORR
        size = float(W * H)
        for j in np.flatnonzero(ok):
            n, change = int(ns[j]), float(change_all[j])
            a = g[e - n]
            d = b - a
            # least-squares blend fit of the inner frames X as A + alpha (B - A), from dot
            # products only: alpha = (X - A).d / d.d, residual^2 = |X - A|^2 - alpha^2 d.d
            # (grey levels are integers: every dot product is exact, in any summation order)
            inner = g[e - n + 1:e]
            xa, xd = inner @ a, inner @ d
            ad, aa, dd = float(a @ d), float(a @ a), float(d @ d)
            alpha = (xd - ad) / dd
            resid2 = self._sq[e - n + 1:e] - 2.0 * xa + aa - alpha ** 2 * dd
            r = float(np.sqrt(max(float(np.mean(resid2)), 0.0) / size) / np.sqrt(dd / size))
            if r > RESID_MAX:
                continue
            mixed = int(np.sum((alpha > MIX_LO) & (alpha < MIX_HI)))
            if mixed < 2 or np.any(np.diff(alpha) < -0.12):
                continue
            k = int(np.argmax(np.append(alpha, 1.0) >= 0.5))
            mix = np.flatnonzero((alpha > MIX_LO) & (alpha < MIX_HI)) + (e - n + 1)
            self._cands.append((int(self._index[e - n]), int(self._index[e]),
                                int(self._index[e - n + 1 + k]), change, r,
                                int(self._index[mix[0]]), int(self._index[mix[-1]])))

    def _units(self, rows: np.ndarray) -> np.ndarray:
        """The unit vectors of ring ``rows``, each computed once per frame."""
        cap = self._cap
        for r in rows[~self._has_unit[rows]]:
            twins = [r % cap, r % cap + cap]
            self._unit[twins] = _unit(self._grey[r])
            self._has_unit[twins] = True
        return self._unit[rows]

    def boundaries(self) -> list[int]:
        """One boundary per group of overlapping candidate windows: the window whose end frames
        differ most (pure A against pure B), then the smaller residual. A long dissolve (the
        group's mixed frames span more than ``LONG_SPAN``) is fitted only in pieces (no window
        has both settled ends: the shots move meanwhile), and a piece's midpoint is not the
        dissolve's: its boundary is the middle of the span of mixed frames instead."""
        groups: list[list[tuple]] = []
        for c in sorted(self._cands):
            if groups and c[0] <= max(g[1] for g in groups[-1]):
                groups[-1].append(c)
            else:
                groups.append([c])
        out: list[int] = []
        for g in groups:
            best = max(g, key=lambda c: (round(c[3], 0), -c[4]))
            lo, hi = min(c[5] for c in g), max(c[6] for c in g)
            at = (lo + hi + 1) // 2 if hi - lo > LONG_SPAN else best[2]
            if out and at - out[-1] < self.min_gap:
                continue
            out.append(at)
        return out
