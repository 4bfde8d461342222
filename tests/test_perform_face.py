"""Face expression signals: eye aspect ratio and blinks on the 468-point mesh, the summary per
reading, and real talking-head video (GRID)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roughcut_core.errors import MediaError
from roughcut_core.picture.expression import (LEFT_EYE, RIGHT_EYE, FaceSample, eye_aspect_ratio, face_signals,
                                              summarise)

GRID = Path(__file__).resolve().parents[2] / "shared" / "media" / "video_faces_speaking" / "grid_bbaf2n.mpg"


def _eye_points(openness: float) -> np.ndarray:
    """A mesh whose two eyes are 40 px wide and ``openness`` * 12 px tall."""
    p = np.zeros((468, 3), np.float32)
    for (p1, p2, p3, p4, p5, p6), x0 in ((RIGHT_EYE, 50.0), (LEFT_EYE, 110.0)):
        h = 6.0 * openness
        p[p1, :2], p[p4, :2] = (x0, 80), (x0 + 40, 80)
        p[p2, :2], p[p3, :2] = (x0 + 13, 80 - h), (x0 + 27, 80 - h)
        p[p6, :2], p[p5, :2] = (x0 + 13, 80 + h), (x0 + 27, 80 + h)
    return p


def test_eye_aspect_ratio_open_and_shut():
    assert eye_aspect_ratio(_eye_points(1.0)) == pytest.approx(12 / 40)
    assert eye_aspect_ratio(_eye_points(0.0)) == 0.0


def _sample(t: float, ear: float, mouth: float = 0.05, size: float = 0.3) -> FaceSample:
    return FaceSample(t, ear=ear, brow=0.12, mouth_w=0.4, mouth_open=mouth, size=size, sharpness=100.0)


def test_summary_flags_a_blink_on_the_first_frame_only():
    open_ = [_sample(0.2 * k, 0.30, mouth=0.02 + 0.04 * (k % 2)) for k in range(1, 9)]
    blink_in = summarise([_sample(0.0, 0.05), *open_])
    assert blink_in["eyes_open_in"] < 0.3 and blink_in["eyes_open_out"] == 1.0
    assert blink_in["blink_at_cut"] == 1.0
    clean = summarise([_sample(0.0, 0.29), *open_])
    assert clean["blink_at_cut"] == 0.0 and clean["eyes_open_in"] > 0.9
    assert clean["face_size"] == pytest.approx(0.3) and clean["face_sharpness"] == 100.0
    # A still face is less expressive than one whose mouth moves.
    still = summarise([_sample(0.2 * k, 0.30) for k in range(9)])
    assert still["face_expressiveness"] < clean["face_expressiveness"]
    # No face at the last frame: no eyes_open_out, and the other signals stay.
    gone = summarise([*open_, FaceSample(2.0)])
    assert "eyes_open_out" not in gone and "eyes_open_in" in gone
    assert summarise([FaceSample(0.0), FaceSample(0.2)]) == {}


@pytest.mark.skipif(not GRID.exists(), reason="../shared/media/video_faces_speaking absent")
def test_real_talking_head_has_open_eyes_and_a_moving_face():
    from roughcut_core.timebase import Rate

    s = face_signals(str(GRID), 0.5, 2.5, Rate(25))
    assert s["blink_at_cut"] == 0.0 and s["eyes_open_in"] > 0.8 and s["eyes_open_out"] > 0.8
    assert 0.2 < s["face_size"] < 0.8          # GRID is a head-and-shoulders framing
    assert 0.05 < s["face_expressiveness"] < 1.0
    assert s["face_sharpness"] > 10.0


def test_missing_video_is_a_clear_error(tmp_path):
    with pytest.raises(MediaError, match="nothing.mp4"):
        face_signals(str(tmp_path / "nothing.mp4"), 0.0, 1.0)


def test_a_listeners_face_keeps_its_blinks_but_not_the_expressiveness():
    from roughcut_core.model import LineReading
    from roughcut_core.perform import _own_face

    face = {"face_expressiveness": 0.3, "blink_at_cut": 1.0, "eyes_open_in": 0.1}
    off = LineReading(path="a.mov", line_id="1-1", start=0.0, end=1.0, score=1.0, signals={"speaker_in_frame": 0})
    on = LineReading(path="a.mov", line_id="1-1", start=0.0, end=1.0, score=1.0, signals={"speaker_in_frame": 1})
    assert _own_face(off, face) == {"blink_at_cut": 1.0, "eyes_open_in": 0.1}
    assert _own_face(on, face) == face


@pytest.mark.skipif(not GRID.exists(), reason="../shared/media/video_faces_speaking absent")
def test_single_frames_from_the_file_start_and_past_the_end():
    from roughcut_core.picture.expression import _frames, eyes_open_at
    from roughcut_core.timebase import Rate

    # MPEG-PS seeks land on a later keyframe; the first frame must still be frame 0.
    assert [round(t, 2) for t, _ in _frames(str(GRID), 0.0, 0.5, Rate(25))] == [0.0, 0.2, 0.4, 0.48]
    opens = eyes_open_at(str(GRID), [0.0, 1.0, 5.0], Rate(25))
    assert opens[0] > 0.8 and opens[1] > 0.8 and opens[2] is None  # 5 s is past the 3 s clip
