"""Bin-wide face identities and character names.

Contract:
- Each track carries an appearance embedding (``PictureAnalysis.track_embeddings``, same order
  as ``tracks``): the mean over its faces of [LBP texture histograms (4x4 grid, 59 uniform
  patterns, Hellinger-normalised) of the face crop that the landmark model sees — levelled on the
  eyes and scaled to the face, so pose roll and size do not matter] ++ [hue/saturation
  histogram], weighted 0.8/0.2. Classic LBPH: it separates *people in this bin* (same lighting,
  same session), it is not a biometric across shoots.
- ``cluster_identities`` groups tracks of all analyses greedily (longest tracks first) by cosine
  distance to each cluster's mean, ``<= threshold``; two tracks seen at the same time in the same
  file are never merged (one person is not on screen twice). Ids are "face-1", "face-2"... in
  order of cluster size.
- ``name_identities`` votes: every sample where a face is ``speaking`` inside a reading's time span
  gives one vote (identity -> that reading's character); where speaking is unknown, a span with
  exactly one identity on screen gives a quarter vote. Names are then assigned one-to-one,
  strongest votes first.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

import numpy as np

LBP_SIZE, LBP_GRID = 64, 4
TEXTURE_WEIGHT = 0.8
DEFAULT_THRESHOLD = 0.10


def face_embedding(aligned_crop_rgb: np.ndarray | None) -> np.ndarray | None:
    """One face's embedding from the landmark model's upright crop (see module docstring)."""
    import cv2
    from skimage.feature import local_binary_pattern

    if aligned_crop_rgb is None or aligned_crop_rgb.size == 0:
        return None
    side = aligned_crop_rgb.shape[0]
    m = side // 6  # the crop is 1.5x the face box: keep the face, drop most of the margin
    face = np.ascontiguousarray(aligned_crop_rgb[m:side - m, m:side - m])
    grey = cv2.resize(cv2.cvtColor(face, cv2.COLOR_RGB2GRAY), (LBP_SIZE, LBP_SIZE), interpolation=cv2.INTER_AREA)
    codes = local_binary_pattern(grey, 8, 1, method="nri_uniform")
    cell = LBP_SIZE // LBP_GRID
    parts = []
    for gy in range(LBP_GRID):
        for gx in range(LBP_GRID):
            block = codes[gy * cell:(gy + 1) * cell, gx * cell:(gx + 1) * cell]
            hist = np.bincount(block.astype(np.int64).ravel(), minlength=59).astype(np.float64)
            parts.append(np.sqrt(hist / max(1.0, hist.sum())))  # Hellinger: cosine ~ chi-square
    texture = np.concatenate(parts)
    texture /= max(np.linalg.norm(texture), 1e-9)
    hsv = cv2.cvtColor(face, cv2.COLOR_RGB2HSV)
    colour = cv2.calcHist([hsv], [0, 1], None, [8, 4], [0, 180, 0, 256]).ravel().astype(np.float64)
    colour = np.sqrt(colour / max(1.0, colour.sum()))
    colour /= max(np.linalg.norm(colour), 1e-9)
    return np.concatenate([texture * TEXTURE_WEIGHT, colour * (1 - TEXTURE_WEIGHT)])


def _cos_dist(a: np.ndarray, b: np.ndarray) -> float:
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return 1.0
    return float(1.0 - np.dot(a, b) / (na * nb))


def cluster_identities(analyses: Sequence, threshold: float = DEFAULT_THRESHOLD) -> dict[tuple[str, int], str]:
    """{(path, track id): "face-N"} over every track of every analysis."""
    items = []
    for an in analyses:
        embs = list(getattr(an, "track_embeddings", ()) or ())
        for k, tr in enumerate(an.tracks):
            if not tr.boxes:
                continue
            emb = np.asarray(embs[k], dtype=np.float64) if k < len(embs) and embs[k] else None
            times = (tr.boxes[0].t, tr.boxes[-1].t)
            items.append((an.path, tr.track, emb, times, len(tr.boxes)))
    items.sort(key=lambda it: -it[4])
    clusters: list[dict] = []
    for path, track, emb, (t0, t1), n in items:
        best, best_d = None, threshold
        for c in clusters:
            if emb is None or c["sum"] is None:
                continue
            if any(p == path and not (t1 < a or t0 > b) for p, a, b in c["spans"]):
                continue
            d = _cos_dist(emb, c["sum"] / c["n"])
            if d <= best_d:
                best, best_d = c, d
        if best is None:
            best = {"members": [], "spans": [], "sum": None if emb is None else np.zeros_like(emb), "n": 0}
            clusters.append(best)
        best["members"].append((path, track))
        best["spans"].append((path, t0, t1))
        if emb is not None and best["sum"] is not None:
            best["sum"] = best["sum"] + emb * n
            best["n"] += n
    clusters.sort(key=lambda c: -sum(1 for _ in c["members"]))
    return {m: f"face-{i}" for i, c in enumerate(clusters, 1) for m in c["members"]}


def name_identities(identities: dict, analyses: Sequence, readings: Sequence) -> dict[str, str]:
    """{identity: character} from who moves their mouth while each character's lines play."""
    by_path = {an.path: an for an in analyses}
    votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for rd in readings:
        character = getattr(rd, "character", None)
        an = by_path.get(rd.path)
        if not character or an is None:
            continue
        span = [fb for fb in an.faces if rd.start <= fb.t < rd.end]
        if any(fb.speaking is not None for fb in span):
            for fb in span:
                ident = identities.get((an.path, fb.track))
                if fb.speaking and ident:
                    votes[ident][character] += 1.0
            continue
        visible = {identities.get((an.path, fb.track)) for fb in span} - {None}
        if len(visible) == 1:
            votes[visible.pop()][character] += 0.25
    # Each identity takes the character it spoke for most. Several identities may share a name:
    # clustering can split one person (a soft-focus take looks different), never the reverse,
    # since two faces on screen together are never merged.
    names: dict[str, str] = {}
    for ident, chs in votes.items():
        best = sorted(chs.items(), key=lambda kv: (-kv[1], kv[0]))
        if best and (len(best) == 1 or best[0][1] > best[1][1]):
            names[ident] = best[0][0]
    return names
