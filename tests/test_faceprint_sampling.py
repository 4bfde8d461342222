"""Issue 23 (23f): dlib faceprints, the costliest identity work (~80 ms a face), stop after
``FACEPRINTS_PER_PLACE`` per face location; the cheap LBP texture keeps its back-off only."""
from __future__ import annotations


def test_faceprints_stop_after_the_limit_per_place_and_start_again_for_a_new_place():
    from roughcut_core.picture.analyzer import FACEPRINT_PERIOD_S, FACEPRINTS_PER_PLACE, _PerPlace

    assert FACEPRINTS_PER_PLACE >= 2  # a track's mean is still over more than one face
    place = _PerPlace(FACEPRINT_PERIOD_S, FACEPRINTS_PER_PLACE)
    box = (0.4, 0.3, 0.2, 0.3)
    times = [k * 0.25 for k in range(int(120 / 0.25))]  # one still face, 4 samples a second, 2 min
    worked = [t for t in times if place.due(t, box)]
    assert worked == [0.0, FACEPRINT_PERIOD_S][:FACEPRINTS_PER_PLACE]
    assert place.due(120.0, (0.05, 0.3, 0.2, 0.3))  # a second face elsewhere: due at once
    place.clear()  # after a cut every face is new
    assert place.due(121.0, box)
    unlimited = _PerPlace(FACEPRINT_PERIOD_S)
    assert len([t for t in times if unlimited.due(t, box)]) > FACEPRINTS_PER_PLACE
