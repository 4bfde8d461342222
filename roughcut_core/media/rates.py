"""Pure helpers of the probe: picking a stream's frame rate and spotting variable rates.

- :func:`choose_rate` turns what FFmpeg reports (average and "real base" rates, both
  rationals that containers round in their own ways, e.g. ``2997/100`` or ``12000/407``)
  into an exact :class:`Rate`, snapping to the standard rate within 0.1 % (within 1 %
  for variable-rate footage, whose average is only approximate).
- :func:`timestamp_pattern` classifies packet timestamp steps: constant (steps within one
  tick or 2 % of the median), constant with gaps (steps that are whole multiples of the
  median: dropped frames), or variable.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from statistics import median
from typing import Iterable, Optional

from ..timebase import Rate

STANDARD_RATES: tuple[Rate, ...] = tuple(Rate.parse(r) for r in (
    (24000, 1001), 24, 25, (30000, 1001), 30, (48000, 1001), 48, 50, (60000, 1001), 60,
    (120000, 1001), 120, 100, 90, 72, 15, 12, (12000, 1001), (15000, 1001), 20, 10, 8,
    (240000, 1001), 240,
))


def snap_rate(value: Fraction, tolerance: float = 0.001) -> Optional[Rate]:
    """The standard rate within ``tolerance`` (relative) of ``value``, if any."""
    if value <= 0:
        return None
    best = min(STANDARD_RATES, key=lambda r: abs(r.fraction - value))
    if abs(best.fraction - value) <= best.fraction * Fraction(tolerance):
        return best
    return None


def choose_rate(average: Optional[Fraction], base: Optional[Fraction],
                variable: bool = False) -> Optional[Rate]:
    """The frame rate to edit at, or None when nothing plausible is reported."""
    candidates = [f for f in (average, base) if f is not None and 0 < f <= 1000]
    if variable and average:
        # A VFR average like 29.87 still means "shot at 29.97": conform to the nearest
        # standard when close, else keep the measured average.
        return snap_rate(Fraction(average), 0.01) or Rate.parse(float(average))
    for value in candidates:
        snapped = snap_rate(Fraction(value))
        if snapped is not None:
            return snapped
    if not candidates:
        return None
    value = Fraction(candidates[0])
    if value.denominator > 1001:
        return Rate.parse(float(value))
    return Rate.from_fraction(value)


@dataclass(frozen=True)
class TimestampPattern:
    """How the first packets of a stream are spaced (in stream time-base ticks)."""

    samples: int
    median_step: Optional[int]
    irregular_steps: int
    gaps: int

    @property
    def variable(self) -> bool:
        return self.irregular_steps >= max(2, self.samples // 100)


def timestamp_pattern(pts: Iterable[int]) -> TimestampPattern:
    stamps = sorted(set(int(p) for p in pts))
    steps = [b - a for a, b in zip(stamps, stamps[1:])]
    if len(steps) < 4:
        return TimestampPattern(len(steps), steps[0] if steps else None, 0, 0)
    typical = median(steps)
    tolerance = max(1.0, typical * 0.02)
    irregular = gaps = 0
    for step in steps:
        if abs(step - typical) <= tolerance:
            continue
        multiple = round(step / typical)
        if multiple >= 2 and abs(step - multiple * typical) <= tolerance * multiple:
            gaps += 1
        else:
            irregular += 1
    return TimestampPattern(len(steps), int(round(typical)), irregular, gaps)
