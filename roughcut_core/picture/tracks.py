"""Face tracks across samples: greedy IoU association, split at shot boundaries.

Contract: ``build_tracks(samples, boundaries) -> (faces, tracks)`` where ``samples`` is a list of
(t, [FaceBox...]) in time order. A face joins the live track whose last box overlaps it most
(IoU >= 0.2, or centres closer than half a face width), tracks that have not been seen for
``max_gap`` seconds end, and every track ends at a shot boundary (a cut changes the picture,
so a face after it is a new track even if it lands in the same place). Track ids count from 0
in order of first appearance; returned FaceBoxes carry their track id.
"""
from __future__ import annotations

import bisect
from dataclasses import replace

from ..model import FaceBox, FaceTrack


def intersection(a, b) -> float:
    """Area shared by boxes ``a`` and ``b`` (x, y, w, h)."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    return iw * ih


def iou(a, b) -> float:
    inter = intersection(a, b)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def _close(a, b) -> bool:
    ca = (a[0] + a[2] / 2, a[1] + a[3] / 2)
    cb = (b[0] + b[2] / 2, b[1] + b[3] / 2)
    return ((ca[0] - cb[0]) ** 2 + (ca[1] - cb[1]) ** 2) ** 0.5 < 0.5 * max(a[2], b[2])


def build_tracks(samples: list[tuple[float, list[FaceBox]]], boundaries: list[float] = (),
                 max_gap: float = 1.0) -> tuple[tuple[FaceBox, ...], tuple[FaceTrack, ...]]:
    bounds = sorted(boundaries)
    live: dict[int, FaceBox] = {}
    live_shot: dict[int, int] = {}
    members: dict[int, list[FaceBox]] = {}
    faces: list[FaceBox] = []
    next_id = 0
    for t, boxes in samples:
        shot = bisect.bisect_right(bounds, t)
        for tid in [k for k, last in live.items() if t - last.t > max_gap or live_shot[k] != shot]:
            del live[tid]
        pairs = []
        for i, fb in enumerate(boxes):
            for tid, last in live.items():
                overlap = iou(fb.box, last.box)
                if overlap >= 0.2 or _close(fb.box, last.box):
                    pairs.append((overlap + (0.1 if _close(fb.box, last.box) else 0.0), i, tid))
        pairs.sort(reverse=True)
        used_faces, used_tracks, chosen = set(), set(), {}
        for _, i, tid in pairs:
            if i in used_faces or tid in used_tracks:
                continue
            used_faces.add(i)
            used_tracks.add(tid)
            chosen[i] = tid
        for i, fb in enumerate(boxes):
            tid = chosen.get(i)
            if tid is None:
                tid = next_id
                next_id += 1
                members[tid] = []
            tracked = replace(fb, track=tid)
            live[tid] = tracked
            live_shot[tid] = shot
            members[tid].append(tracked)
            faces.append(tracked)
    tracks = tuple(FaceTrack(track=tid, boxes=tuple(bs)) for tid, bs in sorted(members.items()))
    return tuple(faces), tracks
