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
   boundary is the first frame with alpha >= 0.5; nearby candidates from several windows vote
   (the one with the smallest residual wins).
Camera motion fails stage 1 (same histogram) or stage 2 (a shifted picture is no blend), unless
the move reveals a wholly different picture: then it may read as a dissolve (see bench).
"""
from __future__ import annotations

from collections import deque

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


def _hist(rgb: np.ndarray) -> np.ndarray:
    """Colour histogram that a gain change leaves alone: hue, saturation and brightness over the
    frame's mean brightness (a fade dims every pixel alike, a dissolve brings other colours)."""
    import cv2

    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV).reshape(-1, 3)
    v = hsv[:, 2].astype(np.float32)
    vb = np.minimum((v * (2.0 / max(float(v.mean()), 1.0))).astype(np.int32), 4)  # 5 bins over 0..2.5
    idx = (np.minimum(hsv[:, 0] // 23, 7).astype(np.int32) * 4 + (hsv[:, 1] // 64).astype(np.int32)) * 5 + vb
    h = np.bincount(idx, minlength=160).astype(np.float64)
    return h / max(h.sum(), 1e-9)


def _bhatta(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(max(0.0, 1.0 - float(np.sum(np.sqrt(a * b))))))


class DissolveDetector:
    def __init__(self, max_len: int = 54, min_gap: int = 12):
        self.windows = tuple(n for n in WINDOWS if n <= max_len) or (4,)
        self.min_gap = min_gap
        self._buf: deque = deque(maxlen=max(self.windows) + 2 + SETTLE)  # (index, grey float, hist, dark)
        self._cands: list[tuple] = []  # (A frame, B frame, boundary, change, residual)

    def feed(self, index: int, small_rgb: np.ndarray) -> None:
        import cv2

        rgb = cv2.resize(np.ascontiguousarray(small_rgb), (W, H), interpolation=cv2.INTER_AREA)
        grey = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), (3, 3), 0).astype(np.float32)
        self._buf.append((index, grey, _hist(rgb), float(grey.mean()) < 16.0))
        frames = list(self._buf)
        if len(frames) < SETTLE + 2:
            return
        # B is SETTLE frames back, so the picture after it can show that the change has ended
        after = [f[1] for f in frames[-SETTLE:]]
        frames = frames[:-SETTLE]
        cur_i, b, hb, db = frames[-1]
        if db:
            return
        dark_at = [k for k, f in enumerate(frames) if f[3]]
        last_dark = dark_at[-1] if dark_at else -1  # windows reaching back to it go through black
        for n in self.windows:
            if len(frames) <= n:
                break
            ia, a, ha, _dark = frames[-1 - n]
            if last_dark >= len(frames) - 1 - n:  # through black (so are all longer windows)
                break
            if _bhatta(ha, hb) < HIST_MIN:
                continue
            d = (b - a).ravel()
            change = float(np.mean(np.abs(d)))
            if change < PIX_MIN:
                continue
            # settled ends: the picture just before A and just after B moves much less than A->B
            before = frames[-2 - n][1] if len(frames) > n + 1 else a
            if (float(np.mean(np.abs(a - before))) > SETTLED * change
                    or max(float(np.mean(np.abs(x - b))) for x in after) > SETTLED * change):
                continue
            # the same picture brighter or darker (a fade, a light switched on) is no dissolve:
            # the ends of a dissolve are two pictures, their pixels barely correlate
            av, bv = a.ravel() - a.mean(), b.ravel() - b.mean()
            if float(av @ bv) / max(float(np.sqrt((av @ av) * (bv @ bv))), 1e-9) > SAME_CORR:
                continue
            inner = np.stack([f[1].ravel() for f in frames[-n:-1]]) - a.ravel()[None, :]
            dd = float(d @ d)
            alpha = inner @ d / dd
            resid = inner - alpha[:, None] * d[None, :]
            r = float(np.sqrt(np.mean(resid ** 2)) / np.sqrt(dd / d.size))
            if r > RESID_MAX:
                continue
            mixed = int(np.sum((alpha > MIX_LO) & (alpha < MIX_HI)))
            if mixed < 2 or np.any(np.diff(alpha) < -0.12):
                continue
            idx = [f[0] for f in frames[-n:-1]] + [cur_i]
            k = int(np.argmax(np.append(alpha, 1.0) >= 0.5))
            self._cands.append((ia, cur_i, idx[k], change, r))

    def boundaries(self) -> list[int]:
        """One boundary per group of overlapping candidate windows: the window whose end frames
        differ most (pure A against pure B), then the smaller residual."""
        groups: list[list[tuple]] = []
        for c in sorted(self._cands):
            if groups and c[0] <= max(g[1] for g in groups[-1]):
                groups[-1].append(c)
            else:
                groups.append([c])
        out: list[int] = []
        for g in groups:
            best = max(g, key=lambda c: (round(c[3], 0), -c[4]))
            if out and best[2] - out[-1] < self.min_gap:
                continue
            out.append(best[2])
        return out
