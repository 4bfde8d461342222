"""Issue 23: the per-reading face signals and the blink probe run the face mesh on the picture
stage's stored detections (``picture.storedfaces``) instead of detecting again."""
from __future__ import annotations

import numpy as np
import pytest

from roughcut_core.model import FaceBox
from roughcut_core.picture.storedfaces import REACH_S, StoredFaces


def _kps(x: float, y: float) -> tuple:
    return tuple(v for k in range(6) for v in (x + 0.01 * k, y + 0.01 * k))


def _stored() -> StoredFaces:
    """Track 0 moves right 0.1 per 0.25 s; track 1 is seen at 0.25 only; nothing at 0.75;
    a cut at 1.0 (the face after it is track 2); 1.25 .. 3.0 unsampled."""
    faces = [FaceBox(0.0, (0.1, 0.2, 0.2, 0.3), 0.9, track=0),
             FaceBox(0.25, (0.2, 0.2, 0.2, 0.3), 0.8, track=0),
             FaceBox(0.25, (0.6, 0.1, 0.1, 0.15), 0.7, track=1),
             FaceBox(0.5, (0.3, 0.2, 0.2, 0.3), 0.9, track=0),
             FaceBox(1.0, (0.5, 0.5, 0.3, 0.4), 0.95, track=2)]
    kps = [_kps(f.box[0], f.box[1]) for f in faces]
    return StoredFaces([0.0, 0.25, 0.5, 0.75, 1.0, 3.0], faces, kps, shot_starts=[0.0, 1.0])


def test_lookup_exact_interpolated_empty_and_fallback():
    s = _stored()
    at0 = s.at(0.0)
    assert [d.box for d in at0] == [(0.1, 0.2, 0.2, 0.3)] and at0[0].score == 0.9
    assert at0[0].keypoints[1] == pytest.approx((0.11, 0.21))
    # between samples: the nearest sample's faces, moved toward the same track's next box
    mid = s.at(0.1)
    assert len(mid) == 1 and mid[0].box == pytest.approx((0.14, 0.2, 0.2, 0.3))
    assert mid[0].keypoints[0] == pytest.approx((0.14, 0.2))
    # nearest sample 0.25 has two faces; track 1 is not at 0.375's other side: kept as it is
    both = s.at(0.3)
    assert sorted(round(d.box[0], 4) for d in both) == [0.22, 0.6]
    assert s.at(0.7) == []                # sampled, no face found there: no face
    # a cut at 1.0: 0.9 looks only at samples before it, 1.1 only after it, never across
    assert s.at(0.9) == []                # 0.75 (no face), not the 1.0 face
    assert [d.box for d in s.at(1.1)] == [(0.5, 0.5, 0.3, 0.4)]
    # no sample within REACH_S in the same shot: the caller must detect
    assert s.at(1.0 + REACH_S + 0.05) is None and s.at(2.0) is None
    assert s.at(3.0 - REACH_S + 0.01) is not None


def test_digest_names_the_detections_and_old_analyses_give_none():
    a, b = _stored(), _stored()
    assert a.digest == b.digest and len(a.digest) == 16
    faces = [FaceBox(0.0, (0.1, 0.2, 0.2, 0.31), 0.9, track=0)]
    assert StoredFaces([0.0], faces, [_kps(0.1, 0.2)]).digest != StoredFaces(
        [0.0], [FaceBox(0.0, (0.1, 0.2, 0.2, 0.3), 0.9, track=0)], [_kps(0.1, 0.2)]).digest
    from roughcut_core.picture.analyzer import PictureAnalysis

    assert StoredFaces.of(None) is None
    old = PictureAnalysis(path="x", shot_size="CU", people=1, focus=None, faces=tuple(faces), tracks=(),
                          shots=(), motion="static", exposure={}, sample_times=(0.0,), flags=(),
                          analyzer=None)  # made before face_keypoints were kept
    assert StoredFaces.of(old) is None


@pytest.fixture(scope="module")
def grid_stored(grid_clip):
    from roughcut_core.picture import PictureAnalyzer

    pic = PictureAnalyzer().analyze(str(grid_clip))
    return pic, StoredFaces.of(pic)


def test_picture_stage_keeps_each_faces_keypoints(grid_stored):
    pic, stored = grid_stored
    assert stored is not None and len(pic.face_keypoints) == len(pic.faces) > 5
    for fb, kp in zip(pic.faces, pic.face_keypoints):
        x, y, w, h = fb.box
        (rx, ry), (lx, ly) = kp[0:2], kp[2:4]  # BlazeFace's right and left eye
        assert x < rx < lx < x + w and y < ry < y + h and y < ly < y + h


def test_face_signals_on_stored_faces_detect_nothing_and_agree(grid_clip, grid_stored, monkeypatch):
    """The mesh runs on the stored boxes (the detector is called only for the first and last
    frames) and the signals agree with detecting on every frame within the face mesh's
    sensitivity to its crop; the blink probe detects nothing on stored faces."""
    from roughcut_core.picture import detector as det_mod
    from roughcut_core.picture.expression import _LazyModels, eyes_open_frames, face_signals
    from roughcut_core.timebase import Rate

    calls = []
    real = det_mod.detect_multiscale
    monkeypatch.setattr(det_mod, "detect_multiscale", lambda d, rgb: calls.append(1) or real(d, rgb))
    models = _LazyModels().get()
    _pic, stored = grid_stored
    detected = face_signals(str(grid_clip), 0.5, 2.5, Rate(25), models)
    n_detect = len(calls)
    reused = face_signals(str(grid_clip), 0.5, 2.5, Rate(25), models, faces=stored)
    # the stored path detects only the first and last frames (the reported eye openness)
    assert n_detect >= 10 and len(calls) == n_detect + 2
    assert set(reused) == set(detected)
    assert reused["blink_at_cut"] == detected["blink_at_cut"] == 0.0
    assert reused["face_size"] == pytest.approx(detected["face_size"], abs=0.02)
    assert reused["face_expressiveness"] == pytest.approx(detected["face_expressiveness"], abs=0.1)
    # the blink probe over the clip (as bench/blinks.py): the labelled closure of grid_bbaf2n at
    # frames 50-54 is found shut on both paths, the open frames before it open
    n_detect = len(calls)
    eyes_s = eyes_open_frames(str(grid_clip), 0, 74, Rate(25), models, faces=stored)
    assert len(calls) == n_detect
    eyes_d = eyes_open_frames(str(grid_clip), 0, 74, Rate(25), models)
    assert len(calls) > n_detect and set(eyes_s) == set(eyes_d) == set(range(75))
    for k in (46, 47, 48, 49):
        assert eyes_d[k] > 0.5 and eyes_s[k] > 0.5
    assert min(eyes_d[k] for k in range(50, 55)) < 0.35 and min(eyes_s[k] for k in range(50, 55)) < 0.35


def test_eye_lid_cover_greys_only_the_eye_boxes_with_the_same_numbers(grid_clip, grid_stored):
    """eye_lid_cover converts only the eye boxes to grey: exactly the whole-crop formula."""
    from roughcut_core.picture.decode import iter_sampled_frames
    from roughcut_core.picture.expression import LEFT_EYE, RIGHT_EYE, _LazyModels, eye_lid_cover

    _det, landmarker = _LazyModels().get()
    _pic, stored = grid_stored
    checked = 0
    for t, rgb in list(iter_sampled_frames(str(grid_clip), 4.0))[:6]:
        mesh = landmarker.landmarks(rgb, stored.at(t)[0])
        gray = np.asarray(mesh.crop, dtype=np.float32).mean(2)
        vals = []
        for idx in (RIGHT_EYE, LEFT_EYE):
            xs, ys = mesh.points[list(idx), 0], mesh.points[list(idx), 1]
            w, cx, cy = float(xs.max() - xs.min()), float(xs.mean()), float(ys.mean())
            x0, x1 = int(round(cx - 0.6 * w)), int(round(cx + 0.6 * w))
            y0, y1 = int(round(cy - 0.35 * w)), int(round(cy + 0.35 * w))
            assert w >= 4 and x0 >= 0 and y0 >= 0 and x1 <= 192 and y1 <= 192 and y1 - y0 >= 4
            box = gray[y0:y1, x0:x1]
            h, bw = box.shape
            centre = box[int(h * 0.29): int(np.ceil(h * 0.71)), int(bw / 3): int(np.ceil(bw * 2 / 3))]
            vals.append(float(centre.mean() - np.median(box)))
        assert eye_lid_cover(mesh.crop, mesh.points) == float(np.mean(vals))
        checked += 1
    assert checked == 6


def test_eye_probe_uses_the_pictures_it_is_told_and_keys_the_cache_by_them(grid_clip, grid_stored, tmp_path):
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.picture.expression import _LazyModels, eyes_open_frames, make_eye_probe
    from roughcut_core.timebase import Rate

    pic, stored = grid_stored
    path = str(grid_clip)
    store = {"cache": AnalysisCache(str(tmp_path / "c")), "keys": {path: "grid"}}
    probe = make_eye_probe(store=store, workers=1)
    probe.know_pictures({path: pic})
    got = probe(path, Rate(25), 20, 24)
    assert got == eyes_open_frames(path, 20, 24, Rate(25), _LazyModels().get(), faces=stored)
    params = {"first": 20, "last": 24, "rate": str(Rate(25)), "faces": stored.digest}
    assert store["cache"].get("grid", "picture.eyes", "1", params) is not None
