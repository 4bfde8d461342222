"""Issue 23 (23g): the TFLite face models take this process's CPU share, not every core: a Ray
worker of one CPU (OMP_NUM_THREADS=1) runs the detector and the mesh on one thread each."""
from __future__ import annotations

import numpy as np
import pytest


def test_face_models_honour_omp_num_threads(monkeypatch):
    pytest.importorskip("ai_edge_litert")
    from roughcut_core.picture.detector import Detection, FaceDetector
    from roughcut_core.picture.landmarks import FaceLandmarker

    frame = np.zeros((360, 640, 3), np.uint8)
    det_box = Detection(box=(0.4, 0.3, 0.2, 0.35), score=0.9, keypoints=((0.45, 0.4), (0.55, 0.4)))
    for omp, want in (("1", 1), ("2", 2)):
        monkeypatch.setenv("OMP_NUM_THREADS", omp)
        det, mesh = FaceDetector("full"), FaceLandmarker()
        assert (det.num_threads, mesh.num_threads) == (want, want)
        det.detect(frame), mesh.landmarks(frame, det_box)  # the interpreters run with it
    assert FaceDetector("full", num_threads=3).num_threads == 3


def test_tflite_threads_rule(monkeypatch):
    from roughcut_core.picture.detector import MAX_TFLITE_THREADS, tflite_threads

    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert tflite_threads() == 3 and tflite_threads(1) == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "64")
    assert tflite_threads() == MAX_TFLITE_THREADS
