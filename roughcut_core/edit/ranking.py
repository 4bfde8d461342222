"""Ranking of line readings: a score in 0..1 and the reasons for it, in words.

The score mixes performance (how completely and cleanly the line was said: alignment
score and defects), sound (noise, clipping, dropouts over the reading), picture (focus,
exposure) and metadata (circled/preferred takes from the host). It does not depend on
which lines come before or after; the assembly (``assemble``) adds the editing idioms.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..model import LineReading, QualityFlag, Transcript
from ..timebase import Rate

# Penalty per defect (subtracted from the alignment score). A restart costs little because the
# reading's span is the clean re-delivery; a truncated reading is unusable.
DEFECT_PENALTY = {
    "truncated": 0.8, "missing_words": 0.35, "substitution": 0.35, "off_script": 0.25,
    "restart": 0.1, "repeat": 0.05, "ad_lib": 0.1,
}
DEFECT_WORDS = {
    "truncated": "cut short", "missing_words": "dropped words", "substitution": "flubbed words",
    "off_script": "off script", "restart": "restarted (clean part used)", "repeat": "repeat",
    "ad_lib": "ad-lib",
}
UNACCEPTABLE_DEFECTS = frozenset({"truncated", "missing_words", "substitution", "off_script"})
FLAG_WORDS = {"noise": "noisy sound", "low_snr": "noisy sound", "clipping": "clipped sound",
              "dropout": "sound dropout", "wind": "wind/handling noise", "soft_focus": "soft focus",
              "black": "black frames", "flash": "flash frames", "overexposed": "blown highlights",
              "underexposed": "crushed shadows"}


@dataclass(frozen=True)
class TakeInfo:
    """What the edit engine knows about one recording (one file = one take here)."""

    path: str
    rate: Rate
    frame_count: int
    transcript: Transcript
    setup: str
    start_frame: int = 0
    shot_size: str = "unknown"
    characters: tuple[str, ...] = ()
    focus: Optional[float] = None
    flags: tuple[QualityFlag, ...] = ()
    preferred: bool = False
    host_id: Optional[str] = None
    take_id: Optional[str] = None


@dataclass(frozen=True)
class Candidate:
    reading: LineReading
    take: TakeInfo
    score: float
    reasons: tuple[str, ...]
    acceptable: bool
    params: dict = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return self.reading.end - self.reading.start


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def rank_reading(reading: LineReading, take: TakeInfo) -> Candidate:
    score = max(0.0, min(1.0, reading.score))
    reasons: list[str] = []
    bad = False
    for defect in dict.fromkeys(reading.defects):
        score -= DEFECT_PENALTY.get(defect, 0.1)
        reasons.append(DEFECT_WORDS.get(defect, defect.replace("_", " ")))
        bad = bad or defect in UNACCEPTABLE_DEFECTS
    span = max(1e-6, reading.end - reading.start)
    for flag in take.flags:
        covered = _overlap(reading.start, reading.end, flag.start, flag.end) / span
        if covered <= 0.05:
            continue
        hit = flag.severity * min(1.0, covered * 1.5)
        score -= 0.6 * hit
        reasons.append(FLAG_WORDS.get(flag.kind, flag.kind.replace("_", " ")))
        bad = bad or hit >= 0.4
    if take.focus is not None and take.focus < 0.6:
        score -= 0.5 * (0.6 - take.focus) / 0.6 + 0.1
        reasons.append("soft focus")
        bad = bad or take.focus < 0.45
    if take.preferred:
        score += 0.1
        reasons.append("circled take")
    if not reasons:
        reasons.append("complete line" if reading.score >= 0.9 else f"line match {reading.score:.2f}")
    score = max(0.0, min(1.0, score))
    return Candidate(reading=reading, take=take, score=score, reasons=tuple(reasons),
                     acceptable=not bad and score >= 0.55)


def rank_readings(readings: Sequence[LineReading], takes: dict) -> dict:
    """line id → candidates best first (``takes`` maps path → TakeInfo)."""
    out: dict[str, list[Candidate]] = {}
    for r in readings:
        take = takes.get(r.path)
        if take is None:
            continue
        out.setdefault(r.line_id, []).append(rank_reading(r, take))
    for cands in out.values():
        cands.sort(key=lambda c: (-c.score, c.take.path, c.reading.start))
    return out
