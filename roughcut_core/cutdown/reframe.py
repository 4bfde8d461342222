"""Crop windows that keep the speaking face in a vertical or square frame, smoothly.

Contract: ``crop_path(faces, shots, t0, t1, rate, src, aspect)`` -> tuple of :class:`CropKey`
(file-relative source frame, x, y, w, h in displayed source pixels), each the window from that
frame on, for the source range [t0, t1) seconds. ``faces`` are the picture analysis's
``FaceBox`` es (normalised boxes, ``speaking`` set when a transcript was available).

- The window has the target aspect at the largest size the source allows (full height when
  the source is wider than the target); it moves only horizontally then, and vertically only
  when the source is taller (placing the face's centre at ``EYE_LINE`` of the window: headroom).
- Per shot (the analysis's shot boundaries inside the range): the subject is the track that
  speaks most there (else the largest face); a second face joins it when both fit in the
  window's safe area (a two-shot). When the subject's whole motion fits in the safe area the
  window holds still for the shot; otherwise it follows a smoothed path (sticky dead zone,
  Gaussian smoothing, then velocity limited to ``MAX_SPEED`` window widths per second) and is
  clamped so the face stays inside. The window jumps only at a shot boundary.
- The safe area (``SAFE``: fractions of the window kept clear of platform buttons and
  captions) decides where the subject sits; the face may enter it only when the shot gives no
  other choice.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

import numpy as np

# left, top, right, bottom fractions of the window kept for platform UI and captions
SAFE = {"9:16": (0.06, 0.10, 0.16, 0.25), "4:5": (0.05, 0.08, 0.08, 0.20), "1:1": (0.05, 0.06, 0.05, 0.18)}
DEFAULT_SAFE = (0.05, 0.06, 0.05, 0.18)
EYE_LINE = 0.40      # face centre at this height of the window when the window can move vertically
DEAD_ZONE = 0.08     # of the window width: subject motion smaller than this is ignored (hold)
SMOOTH_S = 0.5       # Gaussian sigma of the path
MAX_SPEED = 0.6      # window widths per second
MARGIN = 0.08        # of the face box, added on each side before framing


@dataclass(frozen=True)
class CropKey:
    frame: int
    x: int
    y: int
    w: int
    h: int

    def to_json(self) -> dict:
        return {"frame": self.frame, "x": self.x, "y": self.y, "w": self.w, "h": self.h}


def parse_aspect(text: str) -> tuple[int, int]:
    """"9:16" -> (9, 16); ValueError for anything else."""
    try:
        a, b = (int(x) for x in str(text).replace("x", ":").split(":"))
    except ValueError:
        raise ValueError(f"aspect {text!r}: write it as W:H, e.g. 9:16 or 1:1") from None
    if a <= 0 or b <= 0 or a > 100 or b > 100:
        raise ValueError(f"aspect {text!r}: both terms must be 1..100")
    return a, b


def window_size(src_w: int, src_h: int, aspect: tuple[int, int]) -> tuple[int, int]:
    """The largest even-sized window of ``aspect`` inside the source."""
    aw, ah = aspect
    h = src_h
    w = h * aw / ah
    if w > src_w:
        w, h = src_w, src_w * ah / aw
    return max(2, int(w) // 2 * 2), max(2, int(h) // 2 * 2)


def safe_margins(aspect_text: str) -> tuple[float, float, float, float]:
    return SAFE.get(aspect_text, DEFAULT_SAFE)


def _subject_boxes(faces, t0: float, t1: float, win_w_n: float, safe) -> tuple[list, str]:
    """[(t, (x0, y0, x1, y1))] normalised, of the subject in [t0, t1), and how it was chosen."""
    inside = [f for f in faces if t0 <= f.t < t1]
    if not inside:
        return [], "no face"
    tracks: dict[int, list] = {}
    for f in inside:
        tracks.setdefault(f.track, []).append(f)
    times = sorted({f.t for f in inside})

    def key(tr):
        boxes = tracks[tr]
        speak = sum(1 for b in boxes if b.speaking)
        area = float(np.mean([b.box[2] * b.box[3] for b in boxes]))
        return speak, len(boxes) / max(1, len(times)) * area
    ranked = sorted(tracks, key=key, reverse=True)
    main = ranked[0]
    why = "speaking face" if key(main)[0] > 0 else "largest face"
    chosen = [main]
    if len(ranked) > 1:
        other = ranked[1]
        if len(tracks[other]) >= 0.5 * len(times):
            xs = [b.box[0] for b in tracks[main] + tracks[other]]
            xe = [b.box[0] + b.box[2] for b in tracks[main] + tracks[other]]
            usable = win_w_n * (1 - safe[0] - safe[2])
            if max(xe) - min(xs) <= usable:
                chosen.append(other)
                why = "two-shot: both faces fit"
    out = []
    by_t: dict[float, list] = {}
    for tr in chosen:
        for b in tracks[tr]:
            by_t.setdefault(b.t, []).append(b.box)
    for t in sorted(by_t):
        bx = by_t[t]
        out.append((t, (min(b[0] for b in bx), min(b[1] for b in bx),
                        max(b[0] + b[2] for b in bx), max(b[1] + b[3] for b in bx))))
    return out, why


def _segments(shots, t0: float, t1: float) -> list[tuple[float, float]]:
    cuts = sorted({s.start for s in shots or () if t0 < s.start < t1})
    edges = [t0, *cuts, t1]
    return [(a, b) for a, b in zip(edges, edges[1:]) if b > a]


def _axis_path(centers: np.ndarray, lo: np.ndarray, hi: np.ndarray, win: float, limit: float,
               fps: float, offset: float) -> np.ndarray:
    """Window start per frame on one axis (pixels), smooth, with the subject inside when it fits.

    ``centers`` subject centre per frame, ``lo``/``hi`` subject extent, ``win`` window size,
    ``limit`` source size, ``offset`` where the subject centre should sit in the window."""
    if limit - win < 1:
        return np.zeros_like(centers)
    want = centers - offset
    lo_req, hi_req = float((hi - win).max()), float(lo.min())   # static starts keeping it all inside
    still = float(centers.max() - centers.min()) <= 2 * DEAD_ZONE * win
    if lo_req <= hi_req or still or len(centers) < 3:
        # the subject's whole motion fits one framing (or it barely moves): hold still
        if lo_req <= hi_req:
            x0 = min(max(float(np.median(want)), lo_req), hi_req)
        else:
            # too wide with the margin: the bare face, centred (the safe area gives way first)
            mid, half = (lo + hi) / 2, (hi - lo) / 2 / (1 + 2 * MARGIN)
            lo_r, hi_r = float((mid + half - win).max()), float((mid - half).min())
            centred = float(np.median(centers)) - win / 2
            x0 = min(max(centred, lo_r), hi_r) if lo_r <= hi_r else centred
        return np.clip(np.full_like(centers, x0), 0, limit - win)
    x = np.empty_like(centers)                     # sticky dead zone, then smoothing
    cur = want[0]
    dz = DEAD_ZONE * win
    for i, w in enumerate(want):
        if abs(w - cur) > dz:
            cur = w - math.copysign(dz, w - cur)
        x[i] = cur
    sigma = SMOOTH_S * fps
    k = np.arange(-int(3 * sigma), int(3 * sigma) + 1)
    g = np.exp(-0.5 * (k / sigma) ** 2)
    g /= g.sum()
    pad = np.pad(x, (len(k) // 2, len(k) // 2), mode="edge")
    x = np.convolve(pad, g, mode="valid")
    vmax = MAX_SPEED * win / fps
    for i in range(1, len(x)):
        x[i] = x[i - 1] + float(np.clip(x[i] - x[i - 1], -vmax, vmax))
    # keep the subject inside the window where it can be (a wide subject keeps its centre)
    fits = (hi - lo) <= win
    x = np.where(fits, np.clip(x, hi - win, lo), x)
    return np.clip(x, 0, limit - win)


def crop_path(faces, shots, t0: float, t1: float, rate: Fraction, src: tuple[int, int],
              aspect: tuple[int, int], aspect_text: str = "") -> tuple[tuple[CropKey, ...], tuple[str, ...]]:
    """Crop keys for source seconds [t0, t1) (see module doc) and a note per shot."""
    W, H = src
    ww, wh = window_size(W, H, aspect)
    safe = safe_margins(aspect_text or f"{aspect[0]}:{aspect[1]}")
    fps = float(rate)
    keys: list[CropKey] = []
    notes: list[str] = []
    for s0, s1 in _segments(shots, t0, t1):
        f0 = math.ceil(s0 * rate - 1e-6)
        f1 = max(f0 + 1, math.ceil(s1 * rate - 1e-6))
        frames = np.arange(f0, f1)
        ts = frames / fps
        boxes, why = _subject_boxes(faces, s0 - 0.5, s1 + 0.01, ww / W, safe)
        boxes = [b for b in boxes if s0 - 0.5 <= b[0] < s1 + 0.01] or boxes
        notes.append(why)
        if not boxes:
            x = np.full(len(frames), (W - ww) / 2)
            y = np.full(len(frames), (H - wh) / 2)
        else:
            bt = np.array([b[0] for b in boxes])
            bb = np.array([b[1] for b in boxes], dtype=float)
            interp = [np.interp(ts, bt, bb[:, i]) for i in range(4)]
            x0, y0, x1, y1 = interp[0] * W, interp[1] * H, interp[2] * W, interp[3] * H
            mx, my = MARGIN * (x1 - x0), MARGIN * (y1 - y0)   # hair, ears, detector slack
            x0, x1, y0, y1 = x0 - mx, x1 + mx, y0 - my, y1 + my
            # horizontal: subject centred in the safe area
            off_x = ww * (safe[0] + (1 - safe[0] - safe[2]) / 2)
            x = _axis_path((x0 + x1) / 2, x0, x1, ww, W, fps, off_x)
            y = _axis_path((y0 + y1) / 2, y0, y1, wh, H, fps, EYE_LINE * wh)
        last: Optional[tuple[int, int]] = None
        for f, xi, yi in zip(frames, x, y):
            pos = (int(round(xi)), int(round(yi)))
            if pos != last:
                keys.append(CropKey(int(f), pos[0], pos[1], ww, wh))
                last = pos
    return tuple(keys), tuple(notes)


def crop_at(keys, frame: int) -> Optional[CropKey]:
    """The window in force at ``frame`` (the last key at or before it; the first one before)."""
    cur = None
    for k in keys:
        if k.frame <= frame:
            cur = k
        else:
            break
    return cur or (keys[0] if keys else None)


__all__ = ["CropKey", "SAFE", "crop_at", "crop_path", "parse_aspect", "safe_margins", "window_size"]
