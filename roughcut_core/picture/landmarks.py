"""468-point face mesh (MediaPipe ``face_landmark.tflite``) for mouth opening and identity cues.

Contract: ``FaceLandmarker().landmarks(rgb, detection) -> FaceMesh | None``. The face crop is
built as MediaPipe's face-landmark graph does: a square 1.5x the detection box, rotated so the
eyes are level, resized to 192x192, inputs scaled to [0, 1]. Points come back in that upright
crop's pixel space (so they are already pose-normalised for in-plane roll), with the model's
face-presence probability and the crop itself (the identity features use it);
``None`` when the model says there is no face.

``mouth_open`` = inner-lip gap (points 13-14) / face height (forehead 10 - chin 152): about
0.0 closed, 0.05-0.15 when speaking, independent of face size.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .detector import Detection, model_dir, tflite_threads

CROP = 192
UPPER_INNER_LIP, LOWER_INNER_LIP, FOREHEAD, CHIN = 13, 14, 10, 152


@dataclass(frozen=True)
class FaceMesh:
    points: np.ndarray  # (468, 3) float32, crop pixels (x, y, z)
    presence: float
    crop: np.ndarray    # the upright 192x192 RGB face crop the model saw (for identity cues)

    @property
    def mouth_open(self) -> float:
        p = self.points
        gap = float(np.linalg.norm(p[UPPER_INNER_LIP, :2] - p[LOWER_INNER_LIP, :2]))
        height = float(np.linalg.norm(p[FOREHEAD, :2] - p[CHIN, :2]))
        return gap / height if height > 1e-6 else 0.0



class FaceLandmarker:
    def __init__(self, min_presence: float = 0.5, num_threads: int | None = None):
        from ai_edge_litert.interpreter import Interpreter

        self.num_threads = tflite_threads(num_threads)
        self._interp = Interpreter(model_path=str(model_dir() / "face_landmark.tflite"),
                                   num_threads=self.num_threads)
        self._interp.allocate_tensors()
        self._input = self._interp.get_input_details()[0]["index"]
        outs = {int(np.prod(d["shape"])): d["index"] for d in self._interp.get_output_details()}
        self._points, self._presence = outs[1404], outs[1]
        self.min_presence = min_presence

    def crop(self, rgb: np.ndarray, det: Detection) -> np.ndarray:
        import cv2

        h, w = rgb.shape[:2]
        x, y, bw, bh = det.box
        cx, cy = (x + bw / 2) * w, (y + bh / 2) * h
        side = max(bw * w, bh * h) * 1.5
        (rx, ry), (lx, ly) = det.keypoints[0], det.keypoints[1]
        angle = math.degrees(math.atan2((ly - ry) * h, (lx - rx) * w))
        m = cv2.getRotationMatrix2D((cx, cy), angle, CROP / max(side, 1.0))
        m[:, 2] += (CROP / 2 - cx, CROP / 2 - cy)
        return cv2.warpAffine(rgb, m, (CROP, CROP), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)

    def landmarks(self, rgb: np.ndarray, det: Detection) -> FaceMesh | None:
        crop = self.crop(rgb, det)
        self._interp.set_tensor(self._input, (crop.astype(np.float32) / 255.0)[None])
        self._interp.invoke()
        logit = float(self._interp.get_tensor(self._presence).ravel()[0])
        presence = 1.0 / (1.0 + math.exp(-max(-80.0, min(80.0, logit))))
        if presence < self.min_presence:
            return None
        pts = self._interp.get_tensor(self._points).reshape(468, 3).astype(np.float32)
        return FaceMesh(pts, presence, crop)
