"""Sound and picture of one generated take, and its encoding at any frame rate.

Contract:
- :func:`take_audio` lays the scene's lines end to end with pauses (spoken by each character's
  voice, defects applied: restart = first words, a pause, then the line; noise = a loud noise
  burst over the middle of the line; truncated = the take stops at 55 % of that line); the
  pause after each line is the plan's ``pauses`` where it sets them, else drawn (0.5-0.9 s). A
  character not in the setup's frame is heard *off camera*: -9 dB, low-passed at 3 kHz, with a
  short room reverb. Room tone runs under everything. Returns the stereo mix (48 kHz), each
  character's dry stem (mouth motion) and the reading spans (start/end in seconds).
- :class:`Layout` places each shown actor so that the face box height is ``setup.face_height``
  of the frame (two actors side by side at 30 % / 70 % of the width in the wide); ``frame(i,
  levels)`` composes frame ``i`` (RGB) on a plain drawn backdrop.
- :func:`encode` writes H.264 + AAC in an MP4 at ``rate`` (any rational), frame ``i`` at pts
  ``i``, atomically; audio runs continuously (samples need not divide into frames).
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from .actors import Actor
from .plan import ScenePlan, Setup, Take, spoken_text

SR = 48000
ROOM_RMS = 0.0015
OFF_CAMERA_DB = -9.0
EXTRA = "EXTRA"  # the silent extra's key in a hard plan's layout (never a script character)
PEAK = 0.5


@dataclass(frozen=True)
class ReadingSpan:
    line_id: str
    character: str
    start: float
    end: float
    on_camera: bool
    defect: Optional[str]
    spoken: str


@dataclass(frozen=True)
class TakeSound:
    mix: np.ndarray                # (n, 2) float32
    stems: dict                    # character -> mono float32 (dry, what their mouth follows)
    readings: tuple[ReadingSpan, ...]
    duration: float


def _rng(*keys: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64([int(k) for k in keys]))


def _trim(clip: np.ndarray) -> np.ndarray:
    idx = np.flatnonzero(np.abs(clip) > 0.01)
    if idx.size == 0:
        return clip
    return clip[max(0, idx[0] - 480):idx[-1] + 480]


def _off_camera(x: np.ndarray, rng: np.random.Generator, db: float = OFF_CAMERA_DB) -> np.ndarray:
    from scipy.signal import butter, fftconvolve, sosfilt

    sos = butter(4, 3000, btype="low", fs=SR, output="sos")
    y = sosfilt(sos, x).astype(np.float32)
    n = int(0.18 * SR)
    tail = rng.normal(0, 1, n).astype(np.float32) * np.exp(-np.arange(n) / (0.05 * SR)).astype(np.float32)
    tail[0] = 0.0
    wet = fftconvolve(y, tail * 0.02)[:y.size].astype(np.float32)
    return (y + wet) * np.float32(10 ** (db / 20))


def speech_requests(plan: ScenePlan) -> list[tuple[str, object]]:
    """Every (text, Voice) the scene needs, in a fixed order (one espeak batch)."""
    from ..demo.tts import Voice

    out = []
    for take in plan.takes:
        for ln in plan.lines:
            ch = plan.character(ln.character)
            for part in spoken_text(ln, take.defect if take.defect_line == ln.id else None, plan.seed, take.index):
                out.append((part, Voice(ch.voice, rate=ch.wpm + 5 * (take.take - 1), pitch=ch.pitch, pitch_range=55)))
    return out


def take_audio(plan: ScenePlan, take: Take, clips: dict) -> TakeSound:
    """Mix of ``take`` from synthesised ``clips`` ({(text, Voice): samples})."""
    from ..demo.tts import Voice

    rng = _rng(plan.seed, take.index, 11)
    pieces: list[tuple[int, str, np.ndarray]] = []  # (start sample, character, dry samples)
    spans: list[ReadingSpan] = []
    pos = int(rng.uniform(0.8, 1.2) * SR)
    end_at: Optional[int] = None
    noise_at: Optional[tuple[int, int]] = None
    for ln in plan.lines:
        ch = plan.character(ln.character)
        defect = take.defect if take.defect_line == ln.id else None
        voice = Voice(ch.voice, rate=ch.wpm + 5 * (take.take - 1), pitch=ch.pitch, pitch_range=55)
        parts = spoken_text(ln, defect, plan.seed, take.index)
        start = pos
        for k, part in enumerate(parts):
            clip = _trim(clips[(part, voice)])
            clip = clip * np.float32(PEAK / max(1e-6, float(np.abs(clip).max())))
            pieces.append((pos, ln.character, clip))
            pos += clip.size
            if k < len(parts) - 1:
                pos += int(0.45 * SR)
        end = pos
        if defect == "noise":
            mid = (start + end) // 2
            noise_at = (mid - int(0.4 * SR), mid + int(0.4 * SR))
        if defect == "truncated":
            end_at = start + int(0.55 * (end - start))
            end = end_at
        spans.append(ReadingSpan(ln.id, ln.character, start / SR, end / SR, ln.character in take.setup.shows,
                                 defect, " ... ".join(parts)))
        if end_at is not None:
            break
        drawn = rng.uniform(0.5, 0.9)  # drawn even when the plan sets the pause: the stream stays put
        pos += int((plan.pauses[plan.lines.index(ln)] if plan.pauses is not None else drawn) * SR)
    total = end_at if end_at is not None else pos + int(rng.uniform(0.8, 1.2) * SR)
    stems = {c.name: np.zeros(total, np.float32) for c in plan.characters}
    for at, who, clip in pieces:
        if at >= total:
            continue
        seg = clip[:total - at]
        stems[who][at:at + seg.size] += seg
    mix = _rng(plan.seed, take.index, 12).normal(0, ROOM_RMS, total).astype(np.float32)
    db = plan.hard.off_camera_db if plan.hard is not None else OFF_CAMERA_DB
    for who, stem in stems.items():
        mix += stem if who in take.setup.shows else _off_camera(stem, _rng(plan.seed, take.index, 13), db)
    if noise_at is not None:
        a, b = noise_at
        burst = _rng(plan.seed, take.index, 14).normal(0, 0.25, b - a).astype(np.float32)
        mix[a:b] += burst * np.hanning(b - a).astype(np.float32) ** 0.3
    mix = np.clip(mix, -1.0, 1.0)
    stereo = np.stack([mix, mix], axis=1)
    return TakeSound(stereo, stems, tuple(spans), total / SR)


def levels_per_frame(stem: np.ndarray, rate: Fraction, frames: int) -> np.ndarray:
    """Mouth level 0..1 per output frame from a dry stem's loudness."""
    out = np.zeros(frames, np.float32)
    for i in range(frames):
        a = int(i * SR / rate)
        b = int((i + 1) * SR / rate)
        seg = stem[a:b]
        if seg.size:
            out[i] = min(1.0, float(np.sqrt(np.mean(seg ** 2))) / 0.12)
    return out


def _backdrop(seed: int, setup: str, width: int, height: int) -> np.ndarray:
    rng = _rng(seed, zlib.crc32(setup.encode()), 21)
    base = rng.uniform(60, 190, 3).astype(np.float32)
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    img = base * (1.0 - 0.3 * ys) + np.zeros((1, width, 3), np.float32)
    x0 = int(rng.uniform(0.05, 0.6) * width)
    img[int(0.12 * height):int(0.5 * height), x0:x0 + int(0.18 * width)] *= 0.6
    img[int(0.8 * height):] *= 0.7
    return np.clip(img + rng.normal(0, 3, (height, width, 1)), 0, 255).astype(np.uint8)


def _alpha(h: int, w: int, box: tuple[float, float, float, float]) -> np.ndarray:
    """Soft head-and-shoulders mask around a face box (sprite pixels)."""
    fx, fy, fw, fh = box
    cx, cy = fx + fw / 2, fy + fh / 2
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    head = ((xs - cx) / (0.85 * fw)) ** 2 + ((ys - cy) / (0.95 * fh)) ** 2
    a = np.clip((1.35 - head) / 0.35, 0, 1)
    shoulders = (ys > cy + 0.55 * fh) & (np.abs(xs - cx) < 1.6 * fw + (ys - cy - 0.55 * fh) * 0.8)
    a = np.maximum(a, shoulders.astype(np.float32))
    return a[..., None]


class Layout:
    """Where each shown actor sits in ``setup``'s frame; composes frames. In a plan with
    ``hard`` conditions, ``actors[EXTRA]`` (the silent extra) stands between the two in a WS
    wide, and every frame gets the setup's over-the-shoulder foreground, handheld sway and grade
    (``scenegen.hard``)."""

    def __init__(self, plan: ScenePlan, setup: Setup, actors: dict, width: int, height: int):
        self.width, self.height = width, height
        self.setup = setup
        self.seed = plan.seed
        self.backdrop = _backdrop(plan.seed, setup.name, width, height)
        self.placed = []  # (character, actor, scale, x offset, y offset)
        self.look = plan.hard.looks.get(setup.name) if plan.hard is not None else None
        n = len(setup.shows)
        if self.look is not None and n == 2 and plan.hard.extra and EXTRA in actors:
            actor = actors[EXTRA]
            fx, fy, fw, fh = actor.face_box
            scale = setup.face_height * plan.hard.extra_scale * height / fh
            self.placed.append((EXTRA, actor, scale, 0.5 * width - (fx + fw / 2) * scale,
                                0.38 * height - (fy + fh / 2) * scale))
        for k, who in enumerate(setup.shows):
            actor: Actor = actors[who]
            fx, fy, fw, fh = actor.face_box
            scale = setup.face_height * height / fh
            cx = width * ((0.3 + 0.4 * k) if n == 2 else setup.centre)
            cy = height * (0.42 if n == 2 else 0.45)
            self.placed.append((who, actor, scale, cx - (fx + fw / 2) * scale, cy - (fy + fh / 2) * scale))
        self._cache: dict = {}
        self._alpha: dict = {}
        for who, actor, scale, ox, oy in self.placed:
            self._torso(actor, scale, ox, oy)

    def _torso(self, actor: Actor, scale: float, ox: float, oy: float) -> None:
        """Where the source picture ends above the frame's bottom (a wide), continue the body
        down to it in the colour of the clothes, so no bust floats in the set."""
        img = actor.source(0, 0.0, scale, self._cache)
        h, w = img.shape[:2]
        top = int(round(oy + h)) - 1
        if top >= self.height - 1:
            return
        fx, fy, fw, fh = (v * scale for v in actor.face_box)
        cx = ox + fx + fw / 2
        band = img[max(0, h - 4):h, max(0, int(fx - 0.5 * fw)):int(fx + 1.5 * fw)].reshape(-1, 3)
        colour = np.median(band, axis=0) if band.size else np.array([60, 60, 70])
        half = 1.5 * fw
        for y in range(max(0, top), self.height):
            grow = (y - top) * 0.15
            x0, x1 = int(max(0, cx - half - grow)), int(min(self.width, cx + half + grow))
            self.backdrop[y, x0:x1] = colour.astype(np.uint8)

    def face_boxes(self, extras: bool = False) -> dict:
        """character -> face box (x, y, w, h) normalised to the frame, as drawn (``extras``: the
        silent extra's box, under :data:`EXTRA`, instead of the characters')."""
        out = {}
        for who, actor, scale, ox, oy in self.placed:
            if (who == EXTRA) != extras:
                continue
            fx, fy, fw, fh = actor.face_box
            out[who] = [round((fx * scale + ox) / self.width, 4), round((fy * scale + oy) / self.height, 4),
                        round(fw * scale / self.width, 4), round(fh * scale / self.height, 4)]
        return out

    def frame(self, i: int, levels: dict, take_index: int = 0, rate: Optional[Fraction] = None) -> np.ndarray:
        """Frame ``i`` of a take (``take_index`` and ``rate`` place the hard conditions' sensor
        noise and handheld sway; unused otherwise)."""
        canvas = self.backdrop.astype(np.float32)
        H, W = self.height, self.width
        for who, actor, scale, ox, oy in self.placed:
            img = actor.source(i, float(levels.get(who, 0.0)), scale, self._cache)
            h, w = img.shape[:2]
            key = (who, h, w)
            if key not in self._alpha:
                fx, fy, fw, fh = actor.face_box
                self._alpha[key] = _alpha(h, w, (fx * scale, fy * scale, fw * scale, fh * scale))
            alpha = self._alpha[key]
            x0, y0 = int(round(ox)), int(round(oy))
            sx0, sy0 = max(0, -x0), max(0, -y0)
            dx0, dy0 = max(0, x0), max(0, y0)
            dx1, dy1 = min(W, x0 + w), min(H, y0 + h)
            if dx1 <= dx0 or dy1 <= dy0:
                continue
            src = img[sy0:sy0 + dy1 - dy0, sx0:sx0 + dx1 - dx0].astype(np.float32)
            a = alpha[sy0:sy0 + dy1 - dy0, sx0:sx0 + dx1 - dx0]
            canvas[dy0:dy1, dx0:dx1] = canvas[dy0:dy1, dx0:dx1] * (1 - a) + src * a
        if self.look is None:
            return np.clip(canvas, 0, 255).astype(np.uint8)
        from .hard import grade_frame, shoulder, sway

        if self.look.over_shoulder:
            if "shoulder" not in self._cache:
                self._cache["shoulder"] = shoulder(H, W, self.look.over_shoulder)
            colour, a = self._cache["shoulder"]
            canvas = canvas * (1 - a) + colour * a
        img = np.clip(canvas, 0, 255).astype(np.uint8)
        t = i / float(rate) if rate else i / 25.0
        img = sway(img, self.look.sway, t, zlib.crc32(self.setup.name.encode()) + self.seed)
        return grade_frame(img, self.look.grade, (self.seed, take_index, i, 9))


def encode(path: Path, frame_at: Callable[[int], np.ndarray], frames: int, audio: np.ndarray,
           rate: Fraction, width: int, height: int, timecode: Optional[str] = None) -> None:
    """``frame_at(i)`` gives RGB frames; ``timecode``: start timecode label written as the video
    stream's ``timecode`` tag (the MP4 muxer turns it into a ``tmcd`` track; ``;`` before the
    frames means drop-frame). The muxing is the demo's (``demo.encode.mux_mp4``)."""
    from ..demo.encode import mux_mp4

    mux_mp4(Path(path), frame_at, frames, audio, rate, width, height, frame_format="rgb24", timecode=timecode,
            video_options={"preset": "superfast", "crf": "24", "g": str(2 * int(round(float(rate))))},
            audio_bit_rate=128000)
