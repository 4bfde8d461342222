"""Camera-motion variants of the analyses benchmark (`roughcut bench analyses --only motion
--heldout-variant N`): the same clip builders as the bench's own tables (``analyses.fixtures``:
``layered_crops`` two-layer clips, ``moving_crops`` single-layer crops) on other real frames, other
faces, near-layer factors, sizes, placements, speeds, durations and seeds, to check that what was
tuned on the bench's clips generalises.

- variant 1: the 20d session's held-out set (autoeditor at 5 s, pyscenedetect at 3 s, Chaplin at
  6 s; GRID brbk7n / lrwp9a faces; near layer 1.8x, size 0.3; speeds 0.09 and 0.2; 1 s and 2 s).
  It has been looked at since: it is a SEEN (tuning) set now.
- variant 2: held-out for the 20e session (other frames: pyscenedetect at 12 s, autoeditor at
  20 s, Chaplin at 3 s, the OpenMPF face video at 2 s; GRID lbax4n / lbbc2a and OpenMPF faces;
  near layer 1.6x or 2.4x, size 0.35, placed left of centre; speeds 0.08, 0.15, 0.25; 1.5 s and
  3 s). It was run at the end of 20e and looked at in 20f/20g: SEEN now.
- variant 3: held-out for the 20g session (other frames: pyscenedetect at 22 s, autoeditor at
  35 s, Chaplin at 8 s, the rotated OpenMPF face video at 10 s as a plate; GRID lrwp9a / bbaf2n /
  brbk7n faces at other times and the OpenMPF face at 6 s; near layer 1.5x, 2.0x or 2.8x, size
  0.25, placed right of centre and low; speeds 0.07, 0.12, 0.2; 1.2 s and 2.4 s). Run it once,
  at the end of a change, never to tune.

``bench_variant(n, shared)`` -> {"layered": {kind: {duration label: {kind: count}}}, "single": {kind:
Counter}, "spec": the variant's parameters, "flat_plates": right/n per table and kind on plates
with nothing to track (``plate_is_flat``; kept out of the other tables: no method can see a move
or parallax there)}; ``variant_rows`` turns it into table rows.
"""
from __future__ import annotations

import collections
from dataclasses import dataclass, field

GRID_BOX = (0.22, 0.12, 0.62, 0.78)
OPENMPF_BOX = (0.30, 0.25, 0.72, 0.95)


@dataclass(frozen=True)
class Variant:
    """One set of clips: (background file, time s) plates, each with (face file, time s, box);
    near-layer ``factors`` (cycled over the plates), its ``size`` and ``place``; ``speeds``;
    ``frames``: clip lengths at 25 fps; ``seed``: the first clip's noise seed (then +1 each)."""
    plates: tuple
    faces: tuple
    factors: tuple
    size: float
    place: tuple
    speeds: tuple
    frames: tuple
    seed: int
    single_speeds: tuple = field(default=())


VARIANTS = {
    1: Variant(plates=(("video_speech_timecode/autoeditor_example.mp4", 5.0), ("shot_cuts/pyscenedetect_testvideo.mp4", 3.0),
                       ("archival_film/moviepy_chaplin.mp4", 6.0)),
               faces=(("video_faces_speaking/grid_brbk7n.mpg", 1.5, GRID_BOX), ("video_faces_speaking/grid_lrwp9a.mpg", 1.5, GRID_BOX),
                      ("video_faces_speaking/grid_brbk7n.mpg", 1.5, GRID_BOX)),
               factors=(1.8,), size=0.3, place=(0.2, -0.05), speeds=(0.09, 0.2), frames=(25, 50), seed=40,
               single_speeds=(0.09, 0.2)),
    2: Variant(plates=(("shot_cuts/pyscenedetect_testvideo.mp4", 12.0), ("video_speech_timecode/autoeditor_example.mp4", 20.0),
                       ("archival_film/moviepy_chaplin.mp4", 3.0), ("video_faces_speaking/openmpf_video_01.mp4", 2.0)),
               faces=(("video_faces_speaking/grid_lbax4n.mpg", 2.0, GRID_BOX), ("video_faces_speaking/openmpf_new_face_video-90.mp4", 4.0, OPENMPF_BOX),
                      ("video_faces_speaking/grid_lbbc2a.mpg", 1.0, GRID_BOX), ("video_faces_speaking/grid_lbax4n.mpg", 0.5, GRID_BOX)),
               factors=(1.6, 2.4), size=0.35, place=(-0.18, 0.06), speeds=(0.08, 0.15, 0.25), frames=(38, 75),
               seed=1000, single_speeds=(0.08, 0.15, 0.25)),
    3: Variant(plates=(("shot_cuts/pyscenedetect_testvideo.mp4", 22.0), ("video_speech_timecode/autoeditor_example.mp4", 35.0),
                       ("archival_film/moviepy_chaplin.mp4", 8.0), ("video_faces_speaking/openmpf_new_face_video-90.mp4", 10.0)),
               faces=(("video_faces_speaking/grid_lrwp9a.mpg", 0.8, GRID_BOX), ("video_faces_speaking/grid_bbaf2n.mpg", 2.2, GRID_BOX),
                      ("video_faces_speaking/openmpf_new_face_video-90.mp4", 6.0, OPENMPF_BOX),
                      ("video_faces_speaking/grid_brbk7n.mpg", 2.6, GRID_BOX)),
               factors=(1.5, 2.0, 2.8), size=0.25, place=(0.15, 0.1), speeds=(0.07, 0.12, 0.2), frames=(30, 60),
               seed=3000, single_speeds=(0.07, 0.12, 0.2)),
}


def frame_at(path, t0: float):
    """The first frame at or after ``t0`` s (sampled at 1 fps, at most 640 px wide); the last one
    when the file is shorter."""
    from ..picture.decode import iter_sampled_frames

    rgb = None
    for t, rgb in iter_sampled_frames(str(path), 1.0, max_width=640):
        if t >= t0:
            return rgb
    if rgb is None:
        raise ValueError(f"{path}: no decodable video frame")
    return rgb


FLAT_STD = 10.0  # grey levels: a plate's centre (the crop's view) flatter than this has nothing to track


def plate_is_flat(rgb) -> bool:
    """Whether a plate's centre half (where the clips' crops look) is flat: a black or plain
    title card (pyscenedetect at 12 s, autoeditor at 5/20/35 s are uniform there). No motion,
    and no parallax, can be measured over it: a clip's class there is the near layer's alone."""
    import numpy as np

    h, w = rgb.shape[:2]
    return float(np.asarray(rgb[h // 4:3 * h // 4, w // 4:3 * w // 4], np.float32).mean(axis=2).std()) < FLAT_STD


def variant_clips(n: int, shared):
    """Yield (table, kind, frames label, speed, grey frames) for every clip of variant ``n`` whose
    files exist under ``shared``; table is "layered" or "single", prefixed "flat " when the
    plate is flat (``plate_is_flat``)."""
    from ..analyses.analyze import MOTION_WIDTH
    from ..analyses.fixtures import LAYERED_KINDS, MOTION_KINDS, layered_crops, moving_crops

    v = VARIANTS[n]
    seed = v.seed
    for i, ((rel, t0), (frel, ft, box)) in enumerate(zip(v.plates, v.faces)):
        if not (shared / rel).exists() or not (shared / frel).exists():
            continue
        bg, fg = frame_at(shared / rel, t0), frame_at(shared / frel, ft)
        flat = "flat " if plate_is_flat(bg) else ""
        factor = v.factors[i % len(v.factors)]
        for kind in LAYERED_KINDS:
            for sp in v.speeds:
                for frames in v.frames:
                    yield flat + "layered", kind, f"{frames / 25:g} s", sp, layered_crops(
                        bg, fg, box, kind, n=frames, out_w=MOTION_WIDTH, speed=sp, factor=factor, seed=seed,
                        noise=3.0, place=v.place, size=v.size)
                    seed += 1
        for kind in MOTION_KINDS:
            for sp in v.single_speeds:
                yield flat + "single", kind, "1 s", sp, moving_crops(bg, kind, n=25, out_w=MOTION_WIDTH, speed=sp, seed=seed,
                                                              noise=3.0)
                seed += 1


def bench_variant(n: int, shared) -> dict:
    """Confusions of ``analyses.motion`` on variant ``n`` (module contract)."""
    from ..analyses.motion import classify_motion, series_motion

    if n not in VARIANTS:
        raise ValueError(f"unknown held-out variant {n}; known: {sorted(VARIANTS)}")
    layered: dict = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
    per_speed: dict = collections.defaultdict(collections.Counter)
    single: dict = collections.defaultdict(collections.Counter)
    flat: dict = collections.defaultdict(collections.Counter)  # (table, kind) on flat plates: right/wrong
    for table, kind, label, sp, g in variant_clips(n, shared):
        got = classify_motion([i / 25.0 for i in range(len(g))], series_motion(g)).kind
        if table.startswith("flat "):
            flat[f"{table[5:]} {kind}"][got == kind] += 1
        elif table == "layered":
            layered[kind][label][got] += 1
            per_speed[(kind, sp)][got == kind] += 1
        else:
            single[kind][got] += 1
    return {"variant": n, "spec": repr(VARIANTS[n]),
            "layered": {k: {lab: dict(c) for lab, c in v.items()} for k, v in layered.items()},
            "layered_per_speed": {f"{k} {sp}": f"{c[True]}/{sum(c.values())}" for (k, sp), c in per_speed.items()},
            "single": {k: dict(c) for k, c in single.items()},
            "flat_plates": {k: f"{c[True]}/{sum(c.values())}" for k, c in flat.items()}}


def variant_rows(res: dict) -> tuple[list, list, list]:
    """(two-layer table header, its rows: class, then "right/n confusion" per clip duration;
    single-layer rows: class, right/n, confusion)."""
    labels = sorted({lab for v in res["layered"].values() for lab in v}, key=lambda s: float(s.split()[0]))
    lay = []
    for k, v in res["layered"].items():
        row = [k]
        for lab in labels:
            c = v.get(lab, {})
            row.append(f"{c.get(k, 0)}/{sum(c.values())} " + ", ".join(f"{a}:{b}" for a, b in sorted(c.items())))
        lay.append(row)
    single = [[k, f"{c.get(k, 0)}/{sum(c.values())}", ", ".join(f"{a}:{b}" for a, b in sorted(c.items()))]
              for k, c in res["single"].items()]
    return ["class"] + labels, lay, single
