"""Frame-rate and timecode arithmetic for the Resolve adapter (stdlib only, exact rationals).

Mirrors ``roughcut_core.timebase`` (which Resolve's Python cannot import); the tests check
both agree. Rates are ``(num, den)`` tuples. Resolve reports rates as floats (23.976) or
strings ("29.97 DF"); :func:`rate_from_fps` snaps them to the exact NTSC rationals.
"""
import re
from fractions import Fraction
from typing import Any, Optional, Tuple

Rate = Tuple[int, int]
_TC = re.compile(r"^\s*(\d+):(\d{1,2}):(\d{1,2})([:;.,])(\d{1,3})\s*$")


def rate_from_fps(value: Any) -> Optional[Rate]:
    """(num, den) for 24, 23.976, "29.97 DF", [24000, 1001]...; None if not a usable rate."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        try:
            num, den = int(value[0]), int(value[1])
        except (TypeError, ValueError):
            return None
        return (num, den) if num > 0 and den > 0 else None
    try:
        fps = float(str(value).strip().split()[0])
    except (IndexError, ValueError):
        return None
    if not 0 < fps <= 1000:
        return None
    if abs(fps - round(fps)) < 1e-3:
        return (int(round(fps)), 1)
    ntsc = round(fps * 1.001)
    if abs(fps - ntsc * 1000 / 1001) < 5e-3:
        return (ntsc * 1000, 1001)
    frac = Fraction(fps).limit_denominator(1001)
    return (frac.numerator, frac.denominator)


def setting_is_drop_frame(value: Any) -> bool:
    return "DF" in str(value).upper()


def nominal(rate: Rate) -> int:
    return int(round(rate[0] / rate[1]))


def supports_drop_frame(rate: Rate) -> bool:
    return rate[1] == 1001 and nominal(rate) in (30, 60)


def rate_setting(rate: Rate, drop_frame: bool = False) -> str:
    """Resolve's timelineFrameRate string: "24", "23.976", "29.97 DF", "59.94"."""
    num, den = rate
    if den == 1:
        text = str(num)
    else:
        text = ("%.3f" % (num / den)).rstrip("0").rstrip(".")
    return text + (" DF" if drop_frame and supports_drop_frame(rate) else "")


def same_rate(a: Optional[Rate], b: Optional[Rate]) -> bool:
    return a is not None and b is not None and Fraction(a[0], a[1]) == Fraction(b[0], b[1])


def frames_at_rate_floor(frames: int, src: Rate, dst: Rate) -> int:
    """A duration of ``frames`` at ``src`` in whole ``dst`` frames, floored (Resolve floors
    mixed-rate durations to timeline frames, HOST_API A3.3)."""
    return int(Fraction(int(frames)) * Fraction(dst[0], dst[1]) / Fraction(src[0], src[1]))


def frames_at_rate_round(frames: int, src: Rate, dst: Rate) -> int:
    """A position at ``src`` re-expressed at ``dst`` (nearest frame, halves up)."""
    value = Fraction(int(frames)) * Fraction(dst[0], dst[1]) / Fraction(src[0], src[1])
    return int((value + Fraction(1, 2)).__floor__())


def timecode_to_frames(timecode: str, rate: Rate, drop_frame: Optional[bool] = None) -> int:
    """Frame count of ``HH:MM:SS:FF`` (``;`` = drop-frame); ValueError when not a timecode."""
    m = _TC.match(str(timecode))
    if not m:
        raise ValueError("not a timecode: %r" % (timecode,))
    hh, mm, ss, sep, ff = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4), int(m.group(5))
    if drop_frame is None:
        drop_frame = sep in ";,"
    fps = nominal(rate)
    if mm > 59 or ss > 59 or ff >= fps:
        raise ValueError("timecode %r is out of range at %d fps" % (timecode, fps))
    if drop_frame and supports_drop_frame(rate):
        drop = 2 * (fps // 30)
        minutes = hh * 60 + mm
        return (hh * 3600 + mm * 60 + ss) * fps + ff - drop * (minutes - minutes // 10)
    return (hh * 3600 + mm * 60 + ss) * fps + ff


def frames_to_timecode(frames: int, rate: Rate, drop_frame: bool = False) -> str:
    frames = int(frames)
    sign = "-" if frames < 0 else ""
    frames = abs(frames)
    fps = nominal(rate)
    drop_frame = drop_frame and supports_drop_frame(rate)
    if drop_frame:
        drop = 2 * (fps // 30)
        per_min = fps * 60 - drop
        per_10min = per_min * 10 + drop
        tens, rem = divmod(frames, per_10min)
        extra = 0 if rem < drop else drop * ((rem - drop) // per_min)
        frames = frames + drop * 9 * tens + extra
    ff, ss = frames % fps, (frames // fps) % 60
    mm, hh = (frames // (fps * 60)) % 60, frames // (fps * 3600)
    return "%s%02d:%02d:%02d%s%02d" % (sign, hh, mm, ss, ";" if drop_frame else ":", ff)
