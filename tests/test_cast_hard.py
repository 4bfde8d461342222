"""Cast binding on footage in harder conditions (picture.cast; issue 13): failures found on
``scenegen`` scenes built with ``hard=True``, rebuilt here as synthetic analyses (no media)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from roughcut_core.model import FaceBox, FaceTrack, LineReading
from roughcut_core.picture.cast import bind_cast, cluster_people

from test_cast_binding import FACE_A, FACE_B, FACE_C, LINES, STEP, _analysis, _picture, _print, _readings


def _with_nested_duplicate(an, of_track: int, start: float, end: float):
    """``an`` plus a second, smaller detection inside track ``of_track``'s box from ``start`` to
    ``end`` (what BlazeFace gave for a small face in a three-shot), with a faceprint of its own
    far from the face's (tiny crops print badly)."""
    src = next(tr for tr in an.tracks if tr.track == of_track)
    k = len(an.tracks)
    boxes = tuple(FaceBox(t=b.t, box=(b.box[0] + 0.006, b.box[1] + 0.01, b.box[2] * 0.72, b.box[3] * 0.72),
                          score=0.55, track=k, mouth_open=b.mouth_open)
                  for b in src.boxes if start <= b.t < end)
    far = tuple(float(v) for v in np.random.default_rng(9).normal(0, 0.09, 128))
    return replace(an, tracks=an.tracks + (FaceTrack(track=k, boxes=boxes),), faces=an.faces + boxes,
                   track_faceprints=tuple(an.track_faceprints) + (far,), people=an.people + 1)


def test_a_second_detection_inside_a_face_is_that_face_not_another_person():
    wide = _analysis("WIDE_T1", [(0.2, FACE_A, "MAEVE"), (0.45, FACE_C, "nobody"), (0.7, FACE_B, "JOHN")],
                     LINES, 10.0)
    wide = _with_nested_duplicate(wide, 1, 0.0, 6.0)   # the silent extra, detected twice
    wide = _with_nested_duplicate(wide, 0, 7.0, 10.0)  # MAEVE, detected twice for a while
    analyses = [wide, _analysis("CU_MAEVE_T1", [(0.45, FACE_A, "MAEVE")], LINES, 10.0),
                _analysis("CU_JOHN_T1", [(0.45, FACE_B, "JOHN")], LINES, 10.0)]
    readings = [r for a in analyses for r in _readings(a.path)]
    ids = cluster_people(analyses)
    assert ids[("WIDE_T1", 3)] == ids[("WIDE_T1", 1)] and ids[("WIDE_T1", 4)] == ids[("WIDE_T1", 0)]
    b = bind_cast(analyses, readings)
    labels = sorted(dict(b.setups["WIDE_T1"]))
    assert labels[:2] == ["JOHN", "MAEVE"] and len(labels) == 3 and labels[2].startswith("person-")
    assert b.label("WIDE_T1", 4) == "MAEVE"


def test_two_faces_side_by_side_are_never_duplicates():
    wide = _analysis("WIDE_T1", [(0.2, FACE_A, "MAEVE"), (0.26, FACE_B, "JOHN")], LINES, 10.0)  # overlapping
    ids = cluster_people([wide])
    assert ids[("WIDE_T1", 0)] != ids[("WIDE_T1", 1)]


# a longer exchange: JOHN has three lines
LINES3 = [("MAEVE", 0.5, 2.5), ("JOHN", 3.0, 4.5), ("MAEVE", 5.0, 7.0), ("JOHN", 7.5, 9.0), ("MAEVE", 9.5, 11.0),
          ("JOHN", 11.5, 13.0)]


def _moving(path, people, duration=14.0):
    """``people``: [(x, faceprint base, mouth(t, i) -> mouth opening)]."""
    times = [round(i * STEP, 4) for i in range(int(duration / STEP))]
    tracks, faces, prints = [], [], []
    for k, (x, base, mouth) in enumerate(people):
        boxes = tuple(FaceBox(t=t, box=(x, 0.3, 0.1, 0.1), score=0.9, track=k, mouth_open=mouth(t, i))
                      for i, t in enumerate(times))
        tracks.append(FaceTrack(track=k, boxes=boxes))
        faces.extend(boxes)
        prints.append(_print(base))
    return _picture(path, tracks, faces, prints, times, duration)


def _talks(who, amplitude, only=None):
    def mouth(t, i):
        on = any(ch == who and s <= t < e for ch, s, e in LINES3) and (only is None or only[0] <= t < only[1])
        return 0.01 + (amplitude * (i % 2) if on else 0.0)
    return mouth


def test_a_silent_extra_s_chance_reaction_does_not_outweigh_an_actor_s_every_line():
    # JOHN's face is small and his mouth moves little, but on every one of his lines; the
    # extra between them moves the mouth a lot once (a reaction that fell on JOHN's first line).
    # By the mean difference the extra "is" JOHN; by how surely, JOHN is JOHN.
    analyses = [
        _moving("WIDE_T1", [(0.2, FACE_A, _talks("MAEVE", 0.04)), (0.45, FACE_C, _talks("JOHN", 0.06, (3.0, 4.5))),
                            (0.7, FACE_B, _talks("JOHN", 0.006))]),
        _moving("CU_MAEVE_T1", [(0.45, FACE_A, _talks("MAEVE", 0.04))]),
        _moving("CU_JOHN_T1", [(0.45, FACE_B, _talks("JOHN", 0.006))]),
    ]
    readings = [LineReading(path=a.path, line_id=f"1-{n}", start=s, end=e, score=1.0, character=ch)
                for a in analyses for n, (ch, s, e) in enumerate(LINES3, 1)]
    b = bind_cast(analyses, readings)
    assert b.label("WIDE_T1", 2) == "JOHN" and b.label("CU_JOHN_T1", 0) == "JOHN"
    assert b.label("WIDE_T1", 1) not in ("JOHN", "MAEVE")
    assert dict(b.setups["CU_JOHN_T1"]).keys() == {"JOHN"}
