"""Which way a face is turned (head yaw) and whether it faces the camera.

Contract:
- :func:`yaw_from_mesh(points)` -> degrees from the 468-point face mesh (crop pixels, as
  ``landmarks.FaceMesh.points``): the nose tip's place between the two cheek contour points,
  read as a turn of a round head, ``asin(2 n - 1)`` with ``n`` = (nose - right contour) /
  (left contour - right contour) along the eye line. 0 = full face; +-90 = profile.
- :func:`yaw_from_keypoints(keypoints)` -> degrees from BlazeFace's six keypoints (used when the
  mesh is missing, as it is for most faces turned past ~60 degrees): the nose tip's offset from
  the eye midpoint over the eye distance, ``atan(offset / NOSE_DEPTH)``.
- Sign: positive when the nose points to the frame's right (the face turned to its own left).
- :func:`facing_score(yaw)` -> 0..1: 1 up to :data:`FACING_FULL` degrees (full face to a
  three-quarter view), 0 from :data:`FACING_NONE` (profile), linear between; ``None`` (yaw not
  measured, e.g. an analysis cached before yaw existed) -> ``None``.
A face seen from behind is not detected at all, so it never reaches these functions.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np

# mesh indices: nose tip, the cheek contour at eye height on the face's right / left
NOSE_TIP, RIGHT_CONTOUR, LEFT_CONTOUR = 1, 234, 454
# nose tip depth in front of the eye plane, in eye distances (keypoint fallback)
NOSE_DEPTH = 0.35
FACING_FULL = 35.0
FACING_NONE = 65.0


def yaw_from_mesh(points: np.ndarray) -> Optional[float]:
    """Head yaw in degrees from face-mesh points (see the module contract)."""
    p = np.asarray(points, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] <= LEFT_CONTOUR:
        return None
    right, left, nose = p[RIGHT_CONTOUR, :2], p[LEFT_CONTOUR, :2], p[NOSE_TIP, :2]
    axis = left - right
    width = float(np.dot(axis, axis))
    if width < 1e-6:
        return None
    n = float(np.dot(nose - right, axis)) / width
    return math.degrees(math.asin(max(-1.0, min(1.0, 2.0 * n - 1.0))))


def yaw_from_keypoints(keypoints: Sequence[Sequence[float]]) -> Optional[float]:
    """Head yaw in degrees from BlazeFace keypoints (right eye, left eye, nose tip, ...)."""
    if len(keypoints) < 3:
        return None
    right_eye, left_eye, nose = (np.asarray(k, dtype=np.float64)[:2] for k in keypoints[:3])
    axis = left_eye - right_eye
    dist = float(np.linalg.norm(axis))
    if dist < 1e-6:
        return None
    offset = float(np.dot(nose - (left_eye + right_eye) / 2.0, axis / dist)) / dist
    return math.degrees(math.atan(offset / NOSE_DEPTH))


def facing_score(yaw: Optional[float]) -> Optional[float]:
    """1 facing the camera .. 0 in profile (see the module contract)."""
    if yaw is None:
        return None
    a = abs(float(yaw))
    if a <= FACING_FULL:
        return 1.0
    if a >= FACING_NONE:
        return 0.0
    return (FACING_NONE - a) / (FACING_NONE - FACING_FULL)
