"""Blink detection on real blinks, and cut frames moved off them (part of ``bench quality``).

Ground truth: the GRID talking heads in ``../shared/media/video_faces_speaking`` (25 fps, 75
frames each), labelled by hand by looking at the upright eye crops of every frame (issue 14,
session 3): ``CLOSED`` frames show the eyes shut or nearly shut, ``HALF`` frames are the lid
on its way down or up (left out of the scoring), every other frame is open. Five clips, 366
scored frames, 23 shut frames in six closures (five blinks and one long closure at the end of
lrwp9a). The detector was designed while looking at these same clips, so the numbers are
in-sample: there is no held-out blink footage here.

Reported:
- per frame: precision / recall of ``picture.expression.eyes_open_frames`` (openness under
  ``blinkcuts.CLOSED_BELOW``) and, for comparison, of the mesh's eye-contour ratio alone
  (``eye_aspect_ratio`` under 0.35 of the face's open reference: what the ranking used before);
- per closure: how many of the six closures have at least one detected shut frame;
- cut frames: every labelled shut frame is taken as a planned cut frame; ``blinkcuts``'s search
  (nearest open-eyed frame within +-6 frames, a 0.25 s handle) moves it; counted are the cut
  frames on a shut or half-shut frame before and after.
"""
from __future__ import annotations

from pathlib import Path

from ..paths import shared_media_dir

CLOSED = {"grid_bbaf2n.mpg": (43, 44, 50, 51, 52, 53, 54), "grid_brbk7n.mpg": (21, 22),
          "grid_lbax4n.mpg": (28, 29), "grid_lbbc2a.mpg": (),
          "grid_lrwp9a.mpg": (36, 37, 38, 66, 67, 68, 69, 70, 71, 72, 73, 74)}
HALF = {"grid_bbaf2n.mpg": (42, 45, 55), "grid_brbk7n.mpg": (23,), "grid_lbax4n.mpg": (27, 30),
        "grid_lbbc2a.mpg": (), "grid_lrwp9a.mpg": (35, 39, 65)}
EVENTS = {"grid_bbaf2n.mpg": ((43, 44), (50, 54)), "grid_brbk7n.mpg": ((21, 22),),
          "grid_lbax4n.mpg": ((28, 29),), "grid_lbbc2a.mpg": (), "grid_lrwp9a.mpg": ((36, 38), (66, 74))}
HANDLE_FRAMES = 6


def _media() -> Path:
    return shared_media_dir() / "video_faces_speaking"


def _mesh_only(path: str, n: int) -> dict:
    """Openness per frame from the eye-contour ratio alone (the pre-session-3 measure)."""
    import av
    import numpy as np

    from ..picture.detector import FaceDetector
    from ..picture.expression import _detect, eye_aspect_ratio
    from ..picture.landmarks import FaceLandmarker

    det, lm = FaceDetector("full"), FaceLandmarker()
    ears = {}
    with av.open(path) as c:
        for k, fr in enumerate(c.decode(video=0)):
            if k >= n:
                break
            rgb = fr.to_ndarray(format="rgb24")
            ds = _detect(det, rgb)
            mesh = lm.landmarks(rgb, max(ds, key=lambda d: d.box[2] * d.box[3])) if ds else None
            if mesh is not None:
                ears[k] = eye_aspect_ratio(mesh.points)
    ref = max(float(np.percentile(list(ears.values()), 80)), 0.18) if ears else 1.0
    return {k: min(1.0, e / ref) for k, e in ears.items()}


def _pr(states: dict, closed, half, below: float) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for k, v in states.items():
        if k in half or v is None:
            continue
        shut, said = k in closed, v < below
        tp += shut and said
        fp += said and not shut
        fn += shut and not said
    return tp, fp, fn


def blink_validation() -> dict:
    """The numbers in the module doc; ``{"skipped": why}`` without the clips."""
    from ..edit.blinkcuts import CLOSED_BELOW, _nearest_open
    from ..picture.detector import FaceDetector
    from ..picture.expression import eyes_open_frames
    from ..picture.landmarks import FaceLandmarker
    from ..timebase import Rate

    root = _media()
    if not all((root / n).exists() for n in CLOSED):
        return {"skipped": f"{root}: GRID clips absent"}
    models = (FaceDetector("full"), FaceLandmarker())
    lid = [0, 0, 0]
    mesh = [0, 0, 0]
    events = found = 0
    before = after = 0
    for name, closed in CLOSED.items():
        path = str(root / name)
        states = eyes_open_frames(path, 0, 74, Rate(25), models)
        for acc, st in ((lid, states), (mesh, _mesh_only(path, 75))):
            for i, v in enumerate(_pr(st, closed, HALF[name], CLOSED_BELOW if st is states else 0.35)):
                acc[i] += v
        for a, b in EVENTS[name]:
            events += 1
            found += any(states.get(k) is not None and states[k] < CLOSED_BELOW for k in range(a, b + 1))
        bad = set(closed) | set(HALF[name])
        for f in closed:
            before += 1
            moved = _nearest_open(states, f, max(0, f - HANDLE_FRAMES), min(74, f + HANDLE_FRAMES))
            after += (moved if moved is not None else f) in bad
    def ratios(t):
        tp, fp, fn = t
        return {"precision": round(tp / max(1, tp + fp), 3), "recall": round(tp / max(1, tp + fn), 3),
                "tp": tp, "fp": fp, "fn": fn}
    return {"lid_detector": ratios(lid), "mesh_contour_only": ratios(mesh),
            "closures": events, "closures_detected": found,
            "cut_frames_on_blink_before": before, "cut_frames_on_blink_after": after}
