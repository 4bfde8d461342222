"""Harder shooting conditions for a generated scene (``plan_scene(seed, hard=True)``).

The default scenes are clean studio material: the same light in every setup, a locked-off
camera, singles at CU or MCU, a two-shot wide, listeners whose mouths stay shut. A new user's
footage is not like that. With ``hard`` the same seed keeps its script, cast, voices, takes and
injected defects (the default draws are made first and left as they are), and a separate random
stream (:func:`draw`) adds, per scene:

- framing over the whole size range: singles at MS, MCU, CU or ECU (face height drawn inside
  the class, :data:`SINGLE_RANGES`), the wide either a two-shot of small figures (WS) or a
  medium two-shot (MS, :data:`WIDE_RANGES`);
- a silent extra (a third face from :data:`actors.ACTORS`, never in the script) standing
  between the two actors in a WS wide, slightly further back (a three-shot; the extra is never
  a script character);
- a colour grade per setup (gain, gamma, a colour cast, sensor noise): the same person lit
  differently from one setup to the next, as on a real shoot;
- handheld camera drift per setup (a smooth sway of up to :data:`SWAY_MAX` of the frame width);
- over-the-shoulder singles (about half of them): the back of the other actor's head and
  shoulder, out of focus, in the foreground at the frame edge away from the face;
- listener reactions: while a character in frame is not speaking, brief mouth movements
  (a breath, a smile, a silent "mm": 0.3-0.7 s, about one every :data:`REACTION_EVERY` s), and
  the extra does the same at random;
- a closer off-camera voice (-3 to -7 dB instead of -9 dB: one boom hearing both actors).

Contract: :func:`draw(seed, setups, characters)` -> :class:`HardConditions` is a pure function of
its arguments; :func:`grade_frame` and :func:`sway` are pure functions of their arguments;
:func:`reaction_levels` adds the reaction bursts to a character's mouth levels per frame.
The ground truth's ``shows`` never names the extra; its box is in the take's ``extra_faces``.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

import numpy as np

SINGLE_RANGES = (("MS", 0.12, 0.16), ("MCU", 0.20, 0.27), ("CU", 0.33, 0.46), ("ECU", 0.58, 0.66))
WIDE_RANGES = (("WS", 0.075, 0.10), ("MS", 0.125, 0.16))
EXTRA_SCALE = (0.75, 0.9)          # the extra's face height relative to the actors' in the wide
OFF_CAMERA_DB = (-7.0, -3.0)
SWAY_MAX = 0.015                   # handheld drift amplitude, in frame widths
REACTION_EVERY = 5.0               # seconds of listening per reaction burst, on average
REACTION_LEVEL = (0.25, 0.5)       # mouth level of a reaction burst (speech is ~0.5-1)


@dataclass(frozen=True)
class Grade:
    gain: float
    gamma: float
    tint: tuple[float, float, float]
    noise: float                   # sensor noise, std in 8-bit levels


@dataclass(frozen=True)
class SetupLook:
    size: str                      # size class the setup is drawn at
    face_height: float
    grade: Grade
    sway: float                    # handheld drift amplitude (frame widths); 0 = locked off
    over_shoulder: Optional[str]   # "left" / "right": where the foreground shoulder is
    centre: float = 0.5


@dataclass(frozen=True)
class HardConditions:
    looks: dict                    # setup name -> SetupLook
    extra: Optional[str]           # actor id of the silent extra in the wide (None: no extra)
    extra_scale: float
    off_camera_db: float


def _rng(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64([int(seed), 7]))


def draw(seed: int, setups, characters) -> HardConditions:
    """The harder conditions of scene ``seed`` (``setups``/``characters``: the default plan's)."""
    from .actors import ACTORS

    rng = _rng(seed)
    looks = {}
    wide_ws = True
    for s in setups:
        grade = Grade(round(float(rng.uniform(0.6, 1.25)), 3), round(float(rng.uniform(0.8, 1.25)), 3),
                      tuple(round(float(v), 3) for v in rng.uniform(0.85, 1.15, 3)),
                      round(float(rng.uniform(1.5, 6.0)), 2))
        sway = round(float(rng.uniform(0.004, SWAY_MAX)), 4) if rng.random() < 0.5 else 0.0
        if len(s.shows) > 1:
            size, lo, hi = WIDE_RANGES[int(rng.integers(len(WIDE_RANGES)))]
            wide_ws = size == "WS"
            looks[s.name] = SetupLook(size, round(float(rng.uniform(lo, hi)), 4), grade, sway, None)
        else:
            size, lo, hi = SINGLE_RANGES[int(rng.integers(len(SINGLE_RANGES)))]
            centre = round(float(rng.uniform(0.4, 0.6)), 3)
            ots = None
            if rng.random() < 0.5 and size != "ECU":
                ots = "left" if centre >= 0.5 else "right"
                centre = round(centre + (0.08 if ots == "left" else -0.08), 3)
            looks[s.name] = SetupLook(size, round(float(rng.uniform(lo, hi)), 4), grade, sway, ots, centre)
    cast = {c.actor for c in characters}
    free = [a for a in ACTORS if a not in cast]
    extra = free[int(rng.integers(len(free)))] if wide_ws and free and rng.random() < 0.9 else None
    return HardConditions(looks, extra, round(float(rng.uniform(*EXTRA_SCALE)), 3),
                          round(float(rng.uniform(*OFF_CAMERA_DB)), 2))


def grade_frame(rgb: np.ndarray, grade: Grade, noise_key: tuple) -> np.ndarray:
    """``rgb`` (uint8) through the setup's grade; the noise is drawn from ``noise_key``."""
    x = (rgb.astype(np.float32) / 255.0) ** grade.gamma * grade.gain
    x = x * np.asarray(grade.tint, np.float32) * 255.0
    h, w = rgb.shape[:2]
    noise = np.random.Generator(np.random.PCG64([int(k) for k in noise_key])).normal(0, grade.noise, (h, w, 1))
    return np.clip(x + noise.astype(np.float32), 0, 255).astype(np.uint8)


def sway(rgb: np.ndarray, amplitude: float, t: float, key: int) -> np.ndarray:
    """The frame moved by a smooth handheld drift at time ``t`` (two slow sines per axis whose
    phases come from ``key``), edges mirrored."""
    import cv2

    if amplitude <= 0:
        return rgb
    ph = np.random.Generator(np.random.PCG64([int(key), 8])).uniform(0, 2 * np.pi, 4)
    h, w = rgb.shape[:2]
    dx = amplitude * w * (np.sin(2 * np.pi * 0.23 * t + ph[0]) + 0.4 * np.sin(2 * np.pi * 0.9 * t + ph[1]))
    dy = 0.6 * amplitude * w * (np.sin(2 * np.pi * 0.17 * t + ph[2]) + 0.4 * np.sin(2 * np.pi * 1.1 * t + ph[3]))
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def reaction_levels(levels: np.ndarray, rate: Fraction, key: tuple, always: bool = False) -> np.ndarray:
    """``levels`` (mouth level per frame) with reaction bursts added where the character is
    quiet for at least a second (``always``: anywhere, for the silent extra)."""
    fps = float(rate)
    out = levels.copy()
    rng = np.random.Generator(np.random.PCG64([int(k) for k in key]))
    quiet = np.ones_like(levels, dtype=bool) if always else levels < 0.05
    # a burst may only start inside a quiet stretch with 0.5 s of quiet on both sides
    pad = int(0.5 * fps)
    n = len(levels)
    i = int(rng.uniform(0.5, REACTION_EVERY) * fps)
    while i < n:
        length = int(rng.uniform(0.3, 0.7) * fps)
        lo, hi = max(0, i - pad), min(n, i + length + pad)
        if quiet[lo:hi].all():
            level = float(rng.uniform(*REACTION_LEVEL))
            shape = np.sin(np.linspace(0, np.pi, max(2, min(length, n - i))))
            out[i:i + shape.size] = np.maximum(out[i:i + shape.size], level * shape.astype(np.float32))
            i += length + int(rng.uniform(0.5, 2.0) * REACTION_EVERY * fps)
        else:
            i += max(1, int(0.2 * fps))
    return out


def shoulder(height: int, width: int, side: str) -> tuple[np.ndarray, np.ndarray]:
    """(colour, alpha) of an out-of-focus back of a head and shoulder at the ``side`` edge."""
    import cv2

    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    cx = -0.02 * width if side == "left" else 1.02 * width
    head = ((xs - cx) / (0.16 * width)) ** 2 + ((ys - 0.55 * height) / (0.36 * height)) ** 2 <= 1.0
    body = ((xs - cx) / (0.3 * width)) ** 2 + ((ys - 1.15 * height) / (0.45 * height)) ** 2 <= 1.0
    alpha = (head | body).astype(np.float32)
    alpha = cv2.GaussianBlur(alpha, (0, 0), 0.02 * width)
    colour = np.where(head[..., None], np.float32([38, 30, 24]), np.float32([52, 56, 70]))
    colour = cv2.GaussianBlur(colour.astype(np.float32), (0, 0), 0.02 * width)
    return colour, alpha[..., None]
