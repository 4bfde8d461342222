"""Exact frame and timecode arithmetic (DESIGN §3).

Contract:
- A :class:`Rate` is an exact rational frames-per-second (``24000/1001``, ``25``...).
- Positions are integer frames; out points are exclusive everywhere.
- Seconds become frames exactly once, at the edge of analysis, with round-half-up on
  the exact rational value (:func:`seconds_to_frames`), never by accumulating floats.
- Drop-frame changes only the timecode *label*, never the frame count. It is defined for
  29.97 (drops 2 labels a minute) and 59.94 (drops 4), except every tenth minute.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Union

Number = Union[int, float, Fraction, str]

_TC_RE = re.compile(r"^(-)?(\d{1,3})[:;.](\d{2})[:;.](\d{2})([:;.,])(\d{2,3})$")


@dataclass(frozen=True, order=True)
class Rate:
    """An exact frame rate ``num/den`` frames per second (always stored reduced)."""

    num: int
    den: int = 1

    def __post_init__(self) -> None:
        if self.den <= 0 or self.num <= 0:
            raise ValueError(f"frame rate must be positive, got {self.num}/{self.den}")
        g = math.gcd(self.num, self.den)
        if g != 1:
            object.__setattr__(self, "num", self.num // g)
            object.__setattr__(self, "den", self.den // g)

    @classmethod
    def parse(cls, value: Union["Rate", Number, tuple, list]) -> "Rate":
        """Build a rate from ``24``, ``"24000/1001"``, ``(24000, 1001)``, ``23.976``...

        Floats and decimal strings snap to the NTSC rational when they are within 0.01 of
        ``n*1000/1001`` (hosts report ``23.976`` or ``29.97`` for NTSC rates).
        """
        if isinstance(value, Rate):
            return value
        if isinstance(value, (tuple, list)):
            if len(value) != 2:
                raise ValueError(f"rate pair must be [num, den], got {value!r}")
            return cls(int(value[0]), int(value[1]))
        if isinstance(value, Fraction):
            return cls(value.numerator, value.denominator)
        if isinstance(value, int):
            return cls(value, 1)
        if isinstance(value, str):
            text = value.strip().upper().replace("NDF", "").replace("DF", "").strip()
            if "/" in text:
                n, d = text.split("/", 1)
                return cls(int(n), int(d))
            value = float(text)
        if isinstance(value, float):
            if not math.isfinite(value) or value <= 0:
                raise ValueError(f"frame rate must be positive and finite, got {value!r}")
            nominal = round(value)
            if abs(value - nominal) < 1e-6:
                return cls(nominal, 1)
            ntsc = round(value * 1001 / 1000)
            if abs(value - ntsc * 1000 / 1001) < 0.01:
                return cls(ntsc * 1000, 1001)
            return cls.from_fraction(Fraction(value).limit_denominator(1001))
        raise TypeError(f"cannot read a frame rate from {value!r}")

    @classmethod
    def from_fraction(cls, value: Fraction) -> "Rate":
        return cls(value.numerator, value.denominator)

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.num, self.den)

    @property
    def fps(self) -> float:
        return self.num / self.den

    @property
    def nominal(self) -> int:
        """Frames per timecode second: 24 for 23.976, 30 for 29.97, 60 for 59.94."""
        return round(self.num / self.den)

    @property
    def supports_drop_frame(self) -> bool:
        return self.den == 1001 and self.nominal in (30, 60)

    def as_pair(self) -> list:
        return [self.num, self.den]

    def __str__(self) -> str:
        return str(self.num) if self.den == 1 else f"{self.num}/{self.den}"


def _round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def seconds_to_frames(seconds: Number, rate: Rate) -> int:
    """Nearest frame index for a time in seconds (round half up on the exact value)."""
    if isinstance(seconds, float):
        if not math.isfinite(seconds):
            raise ValueError(f"seconds must be finite, got {seconds!r}")
        seconds = Fraction(repr(seconds))
    return _round_half_up(Fraction(seconds) * rate.fraction)


def seconds_to_frame_floor(seconds: Number, rate: Rate) -> int:
    """The frame that contains a time (for in points that must not start after it)."""
    if isinstance(seconds, float):
        seconds = Fraction(repr(seconds))
    return math.floor(Fraction(seconds) * rate.fraction)


def seconds_to_frame_ceil(seconds: Number, rate: Rate) -> int:
    """The first frame boundary at or after a time (for exclusive out points)."""
    if isinstance(seconds, float):
        seconds = Fraction(repr(seconds))
    return math.ceil(Fraction(seconds) * rate.fraction)


def frames_to_seconds(frames: int, rate: Rate) -> Fraction:
    """Exact start time of a frame."""
    return Fraction(int(frames)) / rate.fraction


def convert_frames(frames: int, src: Rate, dst: Rate) -> int:
    """Re-express a frame position at another rate (nearest frame, exact rationals)."""
    return _round_half_up(Fraction(int(frames)) * dst.fraction / src.fraction)


def _drop_params(rate: Rate) -> tuple[int, int, int]:
    """(labels dropped per minute, frames per 10 minutes, frames per dropped minute)."""
    drop = 2 * (rate.nominal // 30)
    fps = rate.nominal
    per_min = fps * 60 - drop
    per_10min = per_min * 10 + drop
    return drop, per_10min, per_min


def frames_to_timecode(frames: int, rate: Rate, drop_frame: bool = False) -> str:
    """Label for a frame count, ``HH:MM:SS:FF`` (``;`` before frames when drop-frame).

    Negative counts are labelled with a leading ``-``; hours are not wrapped at 24.
    """
    if drop_frame and not rate.supports_drop_frame:
        raise ValueError(f"drop-frame timecode is not defined at {rate} fps")
    frames = int(frames)
    sign = "-" if frames < 0 else ""
    frames = abs(frames)
    fps = rate.nominal
    if drop_frame:
        drop, per_10min, per_min = _drop_params(rate)
        tens, rem = divmod(frames, per_10min)
        if rem < drop:
            extra = 0
        else:
            extra = drop * ((rem - drop) // per_min)
        frames = frames + drop * 9 * tens + extra
    ff = frames % fps
    ss = (frames // fps) % 60
    mm = (frames // (fps * 60)) % 60
    hh = frames // (fps * 3600)
    sep = ";" if drop_frame else ":"
    return f"{sign}{hh:02d}:{mm:02d}:{ss:02d}{sep}{ff:02d}"


def timecode_to_frames(timecode: str, rate: Rate, drop_frame: bool | None = None) -> int:
    """Frame count for a timecode label. ``drop_frame=None`` infers it from a ``;``/``,``."""
    m = _TC_RE.match(timecode.strip())
    if not m:
        raise ValueError(f"not a timecode: {timecode!r} (expected HH:MM:SS:FF)")
    neg, hh, mm, ss, sep, ff = m.groups()
    hh, mm, ss, ff = int(hh), int(mm), int(ss), int(ff)
    if drop_frame is None:
        drop_frame = sep in ";,"
    fps = rate.nominal
    if mm > 59 or ss > 59 or ff >= fps:
        raise ValueError(f"timecode {timecode!r} is out of range at {rate} fps")
    if drop_frame:
        if not rate.supports_drop_frame:
            raise ValueError(f"drop-frame timecode is not defined at {rate} fps")
        drop = 2 * (fps // 30)
        if ss == 0 and ff < drop and mm % 10 != 0:
            raise ValueError(f"timecode {timecode!r} does not exist in drop-frame")
        total_minutes = hh * 60 + mm
        frames = ((hh * 3600 + mm * 60 + ss) * fps + ff) - drop * (total_minutes - total_minutes // 10)
    else:
        frames = (hh * 3600 + mm * 60 + ss) * fps + ff
    return -frames if neg else frames
