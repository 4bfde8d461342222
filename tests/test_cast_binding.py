"""Cast binding across setups (picture.cast) and the calibrated shot sizes (issue 13).

Synthetic analyses: no media, no models; the dlib side is covered by test_scenegen.py."""
from __future__ import annotations

import numpy as np
import pytest

from roughcut_core.model import AnalyzerInfo, FaceBox, FaceTrack, LineReading
from roughcut_core.picture.analyzer import PictureAnalysis
from roughcut_core.picture.cast import bind_cast, cluster_people, reading_signals
from roughcut_core.picture.describe import shot_size_for, shot_size_of_samples

STEP = 0.25
RNG = np.random.default_rng(3)
FACE_A = RNG.normal(0, 0.09, 128)   # two people: dlib distance ~1.4 apart
FACE_B = RNG.normal(0, 0.09, 128)
FACE_C = RNG.normal(0, 0.09, 128)


def _print(base):
    return tuple(float(v) for v in base + RNG.normal(0, 0.015, 128))  # same person: ~0.25 apart


def _analysis(path, people, lines, duration):
    """``people``: [(x, faceprint base, character they play)]; a face's mouth moves while its
    character's line plays (``lines``: [(character, start, end)])."""
    times = [round(i * STEP, 4) for i in range(int(duration / STEP))]
    tracks, faces, prints = [], [], []
    for k, (x, base, plays) in enumerate(people):
        boxes = []
        for i, t in enumerate(times):
            talking = any(ch == plays and s <= t < e for ch, s, e in lines)
            mouth = (0.04 + 0.04 * (i % 2)) if talking else 0.01
            boxes.append(FaceBox(t=t, box=(x, 0.3, 0.1, 0.1), score=0.9, track=k, mouth_open=mouth))
        tracks.append(FaceTrack(track=k, boxes=tuple(boxes)))
        faces.extend(boxes)
        prints.append(_print(base))
    return _picture(path, tracks, faces, prints, times, duration)


def _picture(path, tracks, faces, prints, times, duration):
    """A close-up's PictureAnalysis holding these face tracks, faces and track faceprints."""
    return PictureAnalysis(path=path, shot_size="CU", people=len(tracks), focus=0.8, faces=tuple(faces),
                           tracks=tuple(tracks), shots=(), motion="static", exposure={},
                           sample_times=tuple(times), flags=(), analyzer=AnalyzerInfo("picture", "test"),
                           track_faceprints=tuple(prints), duration=duration)


# MAEVE speaks first and most: the old binder gave her every setup
LINES = [("MAEVE", 0.5, 2.5), ("JOHN", 3.0, 4.5), ("MAEVE", 5.0, 7.0), ("MAEVE", 7.5, 9.0)]


def _readings(path):
    return [LineReading(path=path, line_id=f"1-{n}", start=s, end=e, score=1.0, character=ch)
            for n, (ch, s, e) in enumerate(LINES, 1)]


def _scene():
    analyses = [
        _analysis("WIDE_T1", [(0.2, FACE_A, "MAEVE"), (0.7, FACE_B, "JOHN")], LINES, 10.0),
        _analysis("CU_MAEVE_T1", [(0.45, FACE_A, "MAEVE")], LINES, 10.0),
        _analysis("CU_JOHN_T1", [(0.45, FACE_B, "JOHN")], LINES, 10.0),
        # a reaction take: JOHN's close-up while only MAEVE's lines play (he never speaks here)
        _analysis("CU_JOHN_T2", [(0.45, FACE_B, "nobody")], [l for l in LINES if l[0] == "MAEVE"], 10.0),
    ]
    readings = [r for a in analyses for r in _readings(a.path)
                if not (a.path == "CU_JOHN_T2" and r.character == "JOHN")]
    return analyses, readings


def test_first_character_does_not_take_every_setup():
    analyses, readings = _scene()
    b = bind_cast(analyses, readings)
    shows = {p: sorted(label for label, _ in v) for p, v in b.setups.items()}
    assert shows == {"WIDE_T1": ["JOHN", "MAEVE"], "CU_MAEVE_T1": ["MAEVE"], "CU_JOHN_T1": ["JOHN"],
                     "CU_JOHN_T2": ["JOHN"]}
    assert all(0.0 < c <= 1.0 for v in b.setups.values() for _, c in v)


def test_people_linked_across_setups_never_within_one_frame():
    analyses, _ = _scene()
    ids = cluster_people(analyses)
    assert ids[("WIDE_T1", 0)] == ids[("CU_MAEVE_T1", 0)]
    assert ids[("WIDE_T1", 1)] == ids[("CU_JOHN_T1", 0)] == ids[("CU_JOHN_T2", 0)]
    assert ids[("WIDE_T1", 0)] != ids[("WIDE_T1", 1)]


def test_stranger_stays_unnamed():
    analyses, readings = _scene()
    analyses.append(_analysis("EXTRA_T1", [(0.45, FACE_C, "nobody")], LINES, 10.0))
    b = bind_cast(analyses, readings)
    (label, _), = b.setups["EXTRA_T1"]
    assert label.startswith("person-")


def test_on_and_off_camera_per_reading():
    analyses, readings = _scene()
    b = bind_cast(analyses, readings)
    out = {(r.path, r.line_id): r.signals for r in reading_signals(readings, analyses, b)}
    # JOHN's line heard over MAEVE's close-up: off camera; in his own close-up and the wide: on
    assert out[("CU_MAEVE_T1", "1-2")]["speaker_in_frame"] == 0.0
    assert out[("CU_MAEVE_T1", "1-2")]["on_camera"] < 0.5
    for path in ("CU_JOHN_T1", "WIDE_T1"):
        assert out[(path, "1-2")]["speaker_in_frame"] == 1.0
        assert out[(path, "1-2")]["on_camera"] >= 0.5
        assert out[(path, "1-2")]["lip_sync"] > 0.3
    assert out[("CU_JOHN_T2", "1-1")]["on_camera"] < 0.5
    assert out[("CU_MAEVE_T1", "1-1")]["on_camera"] >= 0.5


@pytest.mark.parametrize("height, size", [(0.7, "ECU"), (0.4, "CU"), (0.25, "MCU"), (0.14, "MS"),
                                          (0.08, "FS"), (0.03, "WS"), (None, "insert")])
def test_shot_size_classes(height, size):
    assert shot_size_for(height) == size


def test_two_small_faces_make_a_wide_two_shot():
    assert shot_size_of_samples([0.09] * 8, [2] * 8) == "WS"
    assert shot_size_of_samples([0.09] * 8, [1] * 8) == "FS"
    assert shot_size_of_samples([0.25] * 8, [2] * 8) == "MCU"  # a two-shot, but a close one
    assert shot_size_of_samples([None] * 7 + [0.3], [0] * 7 + [1]) == "insert"


def test_silent_looking_actor_bound_by_elimination():
    # JOHN's face never moves its mouth (bad landmarks): the other face is clearly MAEVE, so he
    # is JOHN by elimination, at low confidence, never "never seen"
    analyses = [
        _analysis("WIDE_T1", [(0.2, FACE_A, "MAEVE"), (0.7, FACE_B, "nobody")], LINES, 10.0),
        _analysis("CU_JOHN_T1", [(0.45, FACE_B, "nobody")], LINES, 10.0),
    ]
    readings = [r for a in analyses for r in _readings(a.path)]
    b = bind_cast(analyses, readings)
    assert dict(b.setups["CU_JOHN_T1"]) == {"JOHN": 0.25}
    assert sorted(dict(b.setups["WIDE_T1"])) == ["JOHN", "MAEVE"]


def test_leftover_never_takes_the_name_of_someone_beside_them():
    # JOHN looks like MAEVE to the embedder (faceprints close) and his mouth evidence is flat:
    # they share the wide, so he cannot be MAEVE; he is JOHN by elimination
    near_a = FACE_A + RNG.normal(0, 0.04, 128)  # ~0.45-0.6 from FACE_A: not linked, but "loose"
    analyses = [
        _analysis("WIDE_T1", [(0.2, FACE_A, "MAEVE"), (0.7, near_a, "nobody")], LINES, 10.0),
        _analysis("CU_JOHN_T1", [(0.45, near_a, "nobody")], LINES, 10.0),
    ]
    readings = [r for a in analyses for r in _readings(a.path)]
    b = bind_cast(analyses, readings)
    assert sorted(dict(b.setups["WIDE_T1"])) == ["JOHN", "MAEVE"]
    assert list(dict(b.setups["CU_JOHN_T1"])) == ["JOHN"]
