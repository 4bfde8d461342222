"""Shot description: shot size, people, camera motion, focus, exposure, black and flash frames.

Contract (all pure functions of arrays; thresholds are module constants, documented here):

- Shot size from the height of the largest face box divided by the frame height (BlazeFace
  boxes span brows to chin, about 0.7 of a head). Calibrated on framing rules of thumb, in
  heads of frame height (a head is ~1/7.5 of a standing person): ECU = less than one head
  (face >= 0.55), CU = head and top of the shoulders, ~1.3-2 heads (>= 0.30), MCU = chest up,
  ~2.5-3.5 heads (>= 0.18), MS = waist up, ~4-6 heads (>= 0.11), FS = the whole body, ~7.5-10
  heads (>= 0.06), WS = the person small in the setting (below). Several faces: when two or more
  people are on screen and the largest face is under the MS bound, the frame is a wide
  two-shot (``WS``). ``insert`` when faces are seen in fewer than a quarter of the samples of
  the stretch. Checked on the scene generator's drawn framings (``bench perception``).
- Camera motion from global optical flow (Farneback on the ~96 px frames) between consecutive
  decoded frames: per pair a least-squares similarity model gives pan (dx), tilt (dy) and zoom
  (scale), in frame widths per second. Over a stretch: ``zoom`` if |median scale rate| >= 0.05/s,
  else ``pan``/``tilt`` if |median translation| >= 0.03 frame/s on that axis, else ``handheld``
  if the frame-to-frame jitter (std) >= 0.04 frame/s, else ``static``.
- Focus: variance of the Laplacian of the grey face crop resized to 128 px tall (of the frame
  resized to 256 px wide when no face), mapped to 0..1 by ``v / (v + FOCUS_HALF)``. Scale
  independent, so proxies of any resolution compare. A "soft_focus" flag is raised for samples
  whose face focus is below 0.35.
- Exposure (per sample, Rec.601 luma 0..255): ``clipped_highlights`` = fraction >= 250,
  ``crushed_shadows`` = fraction <= 5, ``mean_luma``; flagged when a fraction exceeds 0.10.
- Black frame: mean luma < 20 and >= 95% of pixels darker than 32 (a burnt-in caption or
  timecode over black still counts as black, as in PySceneDetect's fade detection). Flash frame: mean luma jumps by >= 60 over both the
  previous and the next frame (a single bright frame). Both use every *decoded* frame: with
  long-GOP sources only reference frames are decoded, so a one-frame flash that lands on a
  B-frame can be missed (black stretches, being longer, are not).
"""
from __future__ import annotations

import numpy as np

SHOT_SIZES = (("ECU", 0.55), ("CU", 0.30), ("MCU", 0.18), ("MS", 0.11), ("FS", 0.06), ("WS", 0.0))
GROUP_WIDE_BELOW = 0.11  # two or more people with faces under the MS bound: a wide two-shot
INSERT_MIN_FACE_FRACTION = 0.25
ZOOM_RATE, PAN_RATE, HANDHELD_JITTER = 0.05, 0.03, 0.04
FOCUS_HALF = 150.0
SOFT_FOCUS = 0.35
CLIP_FRACTION = 0.10
BLACK_MEAN, BLACK_LEVEL, BLACK_FRACTION, FLASH_JUMP = 20.0, 32.0, 0.95, 60.0


def shot_size_for(face_height: float | None) -> str:
    """Size class from one face height (fraction of frame height); ``insert`` for no face."""
    if face_height is None or face_height <= 0:
        return "insert"
    for name, lower in SHOT_SIZES:
        if face_height >= lower:
            return name
    return "WS"


def shot_size_of_samples(largest_face_heights: list[float | None], counts: list[int] | None = None) -> str:
    """Size of a stretch from the largest face per sample (None where no face) and, when
    given, the number of faces per sample (several small faces make a wide two-shot)."""
    seen = [h for h in largest_face_heights if h]
    if not largest_face_heights or len(seen) < INSERT_MIN_FACE_FRACTION * len(largest_face_heights):
        return "insert"
    height = float(np.median(seen))
    if counts and people_of_samples(list(counts)) >= 2 and height < GROUP_WIDE_BELOW:
        return "WS"
    return shot_size_for(height)


def people_of_samples(counts: list[int]) -> int:
    """People on screen: the 75th percentile of per-sample face counts (robust to misses)."""
    if not counts:
        return 0
    return int(round(float(np.percentile(counts, 75))))


def luma(rgb: np.ndarray) -> np.ndarray:
    """Rec.601 luma as float32 (OpenCV's RGB->grey uses the same weights, ~20x faster)."""
    import cv2

    if rgb.dtype == np.uint8:
        return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY).astype(np.float32)
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def _sharpness(grey: np.ndarray) -> float:
    import cv2

    return float(cv2.Laplacian(grey.astype(np.float32), cv2.CV_32F, ksize=3).var())


def focus_measure(rgb: np.ndarray, face_box=None) -> tuple[float, float | None]:
    """(focus 0..1 of the face or frame, face/frame sharpness ratio or None without a face)."""
    import cv2

    grey = luma(rgb)
    h, w = grey.shape
    frame = cv2.resize(grey, (256, max(2, round(h * 256 / w))), interpolation=cv2.INTER_AREA)
    frame_sharp = _sharpness(frame)
    if face_box is None:
        return frame_sharp / (frame_sharp + FOCUS_HALF), None
    x, y, bw, bh = face_box
    x0, y0 = max(0, int(x * w)), max(0, int(y * h))
    x1, y1 = min(w, int((x + bw) * w)), min(h, int((y + bh) * h))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return frame_sharp / (frame_sharp + FOCUS_HALF), None
    crop = grey[y0:y1, x0:x1]
    crop = cv2.resize(crop, (max(2, round(crop.shape[1] * 128 / crop.shape[0])), 128),
                      interpolation=cv2.INTER_AREA if crop.shape[0] > 128 else cv2.INTER_LINEAR)
    face_sharp = _sharpness(crop)
    return face_sharp / (face_sharp + FOCUS_HALF), face_sharp / max(frame_sharp, 1e-6)


def exposure_of(rgb: np.ndarray) -> dict:
    y = luma(rgb)
    return {"mean_luma": float(y.mean()), "clipped_highlights": float((y >= 250).mean()),
            "crushed_shadows": float((y <= 5).mean())}


def summarize_exposure(samples: list[dict]) -> dict:
    if not samples:
        return {}
    keys = ("mean_luma", "clipped_highlights", "crushed_shadows")
    return {k: round(float(np.median([s[k] for s in samples])), 4) for k in keys}


def frame_stats(small_rgb: np.ndarray) -> tuple[float, float]:
    """(mean luma, fraction of pixels darker than BLACK_LEVEL)."""
    y = luma(small_rgb)
    return float(y.mean()), float((y < BLACK_LEVEL).mean())


def is_black(mean: float, dark_fraction: float) -> bool:
    return mean < BLACK_MEAN and dark_fraction >= BLACK_FRACTION


def flash_indices(means: list[float]) -> list[int]:
    """Indices of single frames much brighter than both neighbours."""
    out = []
    for i in range(1, len(means) - 1):
        if means[i] - means[i - 1] >= FLASH_JUMP and means[i] - means[i + 1] >= FLASH_JUMP:
            out.append(i)
    return out


def global_motion(prev_grey: np.ndarray, grey: np.ndarray) -> tuple[float, float, float]:
    """(dx, dy, scale - 1) between two frames, dx/dy in frame widths, from dense optical flow."""
    import cv2

    if prev_grey.shape != grey.shape:
        return 0.0, 0.0, 0.0
    flow = cv2.calcOpticalFlowFarneback(prev_grey, grey, None, 0.5, 3, 9, 3, 5, 1.1, 0)
    h, w = grey.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    xs -= w / 2
    ys -= h / 2
    # similarity model u = dx + s*x, v = dy + s*y (no rotation): closed-form least squares
    u, v = flow[..., 0], flow[..., 1]
    dx, dy = float(u.mean()), float(v.mean())
    denom = float((xs * xs + ys * ys).sum())
    s = float(((u - dx) * xs + (v - dy) * ys).sum() / denom) if denom > 0 else 0.0
    return dx / w, dy / w, s


def classify_motion(steps: list[tuple[float, float, float, float]]) -> str:
    """``steps``: (dt, dx, dy, ds) per consecutive decoded pair inside one stretch."""
    steps = [s for s in steps if s[0] > 0]
    if len(steps) < 2:
        return "static"
    rates = np.array([(dx / dt, dy / dt, ds / dt) for dt, dx, dy, ds in steps])
    med = np.median(rates, axis=0)
    if abs(med[2]) >= ZOOM_RATE:
        return "zoom"
    if abs(med[0]) >= PAN_RATE and abs(med[0]) >= abs(med[1]):
        return "pan"
    if abs(med[1]) >= PAN_RATE:
        return "tilt"
    jitter = float(np.hypot(rates[:, 0].std(), rates[:, 1].std()))
    if jitter >= HANDHELD_JITTER:
        return "handheld"
    return "static"
