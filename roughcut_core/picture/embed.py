"""Face embeddings that link one person across setups, sizes and lighting: dlib's ResNet.

Contract: ``FaceEmbedder().embed(rgb, box) -> np.ndarray`` (128 float32; None for a face under 12 px) for a face
box (x, y, w, h normalised to the image). The face is aligned with dlib's *5-point* shape
predictor and described by dlib's ResNet face-recognition model (``dlib_face_recognition_resnet_
model_v1.dat``, CC0) — both files ship in the ``face_recognition_models`` wheel and run with the
``dlib-bin`` wheel, offline on CPU. The 68-point predictor in that package is non-commercial and
is never loaded. Two faces of one person are typically < 0.5 apart (Euclidean), of two people
> 0.6 (dlib's published operating point is 0.6).

The model files are found through ``importlib.util.find_spec`` without importing the package
(its ``__init__`` needs ``pkg_resources``).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from ..errors import RoughcutError

SAME_PERSON = 0.6


def models_dir() -> Path:
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise RoughcutError("face_recognition_models is not installed: the dlib face embeddings need it")
    return Path(list(spec.submodule_search_locations)[0]) / "models"


class FaceEmbedder:
    """dlib 5-point aligner + ResNet descriptor, loaded once."""

    def __init__(self):
        try:
            import dlib
        except ImportError as exc:
            raise RoughcutError("dlib (the dlib-bin wheel) is not installed: face embeddings need it") from exc
        d = models_dir()
        self._dlib = dlib
        self._shape = dlib.shape_predictor(str(d / "shape_predictor_5_face_landmarks.dat"))
        self._net = dlib.face_recognition_model_v1(str(d / "dlib_face_recognition_resnet_model_v1.dat"))

    def embed(self, rgb: np.ndarray, box) -> np.ndarray | None:
        h, w = rgb.shape[:2]
        x, y, bw, bh = box
        # BlazeFace boxes run brow to chin; dlib's detector boxes are a little tighter and lower
        left, top = int(round(x * w)), int(round((y + 0.05 * bh) * h))
        right, bottom = int(round((x + bw) * w)), int(round((y + bh) * h))
        if right - left < 12 or bottom - top < 12:
            return None
        img = np.ascontiguousarray(rgb, dtype=np.uint8)
        shape = self._shape(img, self._dlib.rectangle(left, top, right, bottom))
        return np.asarray(self._net.compute_face_descriptor(img, shape, 0, 0.25), dtype=np.float32)
