"""Facing camera (issue 13): head yaw per face (picture.pose), its use in on_camera, and the
real labelled faces of ../shared/media (bench.facing)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from roughcut_core.model import FaceBox, FaceTrack, LineReading
from roughcut_core.picture.pose import (FACING_FULL, FACING_NONE, LEFT_CONTOUR, NOSE_TIP, RIGHT_CONTOUR,
                                        facing_score, yaw_from_keypoints, yaw_from_mesh)
from roughcut_core.paths import shared_media_dir

MEDIA = shared_media_dir()
needs_media = pytest.mark.skipif(not (MEDIA / "video_faces_speaking").is_dir(),
                                 reason=f"shared media not found at {MEDIA}")


def _mesh(nose_share: float) -> np.ndarray:
    """Mesh points with the nose tip at ``nose_share`` of the way from the right contour to the left."""
    p = np.zeros((468, 3), np.float32)
    p[RIGHT_CONTOUR, :2] = (40, 90)
    p[LEFT_CONTOUR, :2] = (150, 90)
    p[NOSE_TIP, :2] = (40 + 110 * nose_share, 110)
    return p


def test_yaw_from_mesh_geometry():
    assert abs(yaw_from_mesh(_mesh(0.5))) < 1e-6
    assert yaw_from_mesh(_mesh(0.75)) == pytest.approx(30.0, abs=0.01)  # asin(0.5)
    assert yaw_from_mesh(_mesh(0.25)) == pytest.approx(-30.0, abs=0.01)
    assert yaw_from_mesh(_mesh(1.0)) == pytest.approx(90.0)
    # an in-plane roll of the whole face does not change the yaw
    p = _mesh(0.7)
    a = math.radians(25)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
    q = p.copy()
    q[:, :2] = p[:, :2] @ rot.T
    assert yaw_from_mesh(q) == pytest.approx(yaw_from_mesh(p), abs=0.01)
    assert yaw_from_mesh(np.zeros((10, 3))) is None


def test_yaw_from_keypoints_and_facing_score():
    eyes = ((0.4, 0.4), (0.6, 0.4))
    assert yaw_from_keypoints(eyes + ((0.5, 0.5),)) == pytest.approx(0.0)
    right = yaw_from_keypoints(eyes + ((0.6, 0.5),))
    assert right > 40 and yaw_from_keypoints(eyes + ((0.4, 0.5),)) == pytest.approx(-right)
    assert yaw_from_keypoints(((0.5, 0.4), (0.5, 0.4), (0.5, 0.5))) is None
    assert facing_score(None) is None
    assert facing_score(0) == facing_score(-FACING_FULL) == 1.0
    assert facing_score(FACING_NONE) == facing_score(-90) == 0.0
    assert 0 < facing_score((FACING_FULL + FACING_NONE) / 2) < 1


def _analysis(yaw: float):
    from roughcut_core.picture.analyzer import PictureAnalysis
    from roughcut_core.model import AnalyzerInfo

    times = tuple(round(0.25 * i, 2) for i in range(16))
    boxes = tuple(FaceBox(t=t, box=(0.3, 0.2, 0.3, 0.4), score=0.9, track=0,
                          mouth_open=0.02 + (0.06 if 1.0 <= t < 3.0 and i % 2 else 0.0), yaw=yaw)
                  for i, t in enumerate(times))
    return PictureAnalysis(path="/x/take.mp4", shot_size="CU", people=1, focus=None, faces=boxes,
                           tracks=(FaceTrack(0, boxes),), shots=(), motion="static", exposure={},
                           sample_times=times, flags=(), analyzer=AnalyzerInfo("picture", "t", {}), duration=4.0)


@pytest.mark.parametrize("yaw,facing", [(5.0, True), (-20.0, True), (80.0, False), (-70.0, False)])
def test_on_camera_needs_the_speaker_facing_us(yaw, facing):
    from roughcut_core.picture.cast import CastBinding, reading_signals

    an = _analysis(yaw)
    binding = CastBinding(identities={(an.path, 0): "person-0"}, names={"person-0": "ANNA"},
                          confidence={"person-0": 1.0}, setups={an.path: (("ANNA", 1.0),)})
    rd = LineReading(path=an.path, line_id="1-1", start=1.0, end=3.0, score=1.0, character="ANNA")
    (out,) = reading_signals([rd], [an], binding)
    assert out.signals["speaker_in_frame"] == 1.0
    assert (out.signals["facing_camera"] >= 0.5) == facing
    assert (out.signals["on_camera"] >= 0.5) == facing


@needs_media
def test_real_faces_mirror_and_frontal():
    """GRID talkers are frontal (facing); a mirrored frame turns the other way by about as much."""
    import av

    from roughcut_core.picture.detector import FaceDetector
    from roughcut_core.picture.landmarks import FaceLandmarker

    det, lm = FaceDetector("full", 0.5), FaceLandmarker()
    frames = []
    with av.open(str(MEDIA / "video_faces_speaking" / "grid_bbaf2n.mpg")) as c:
        frames.append(next(iter(c.decode(video=0))).to_ndarray(format="rgb24"))
    from roughcut_core.picture.decode import iter_decoded

    for fr in iter_decoded(str(MEDIA / "video_faces_speaking" / "openmpf_new_face_video-90.mp4"), 0.25):
        if fr.rgb is not None:
            frames.append(fr.rgb)
    turned = checked = 0
    for img in frames:
        dets = det.detect(img)
        if not dets:  # the handheld clip pans over the landscape
            continue
        d = max(dets, key=lambda d: d.box[2] * d.box[3])
        mirror = np.ascontiguousarray(img[:, ::-1])
        dm = max(det.detect(mirror), key=lambda d: d.box[2] * d.box[3])
        m, mm = lm.landmarks(img, d), lm.landmarks(mirror, dm)
        assert m is not None and mm is not None
        y, ym = yaw_from_mesh(m.points), yaw_from_mesh(mm.points)
        assert abs(y + ym) < 8.0, (y, ym)
        turned += abs(y) > 10
        checked += 1
    assert checked >= 4 and turned >= 1  # the handheld clip has turned heads, so the mirror check is not all zeros
    grid = lm.landmarks(frames[0], max(det.detect(frames[0]), key=lambda d: d.box[2]))
    assert facing_score(yaw_from_mesh(grid.points)) == 1.0


@pytest.mark.slow
@needs_media
def test_labelled_real_faces():
    from roughcut_core.bench.facing import facing_rows, summary

    s = summary(facing_rows(MEDIA))
    assert s["faces"] >= 35
    assert s["facing_accuracy"] >= 0.9 and s["turned_n"] >= 3 and s["turned_accuracy"] >= 0.6, s
