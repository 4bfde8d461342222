"""Ranking of line readings: a score in 0..1 and the reasons for it, in words.

The score mixes performance (how completely and cleanly the line was said: alignment
score and defects), sound (noise, clipping, dropouts over the reading), picture (focus,
exposure) and metadata (circled/preferred takes from the host). It does not depend on
which lines come before or after; the assembly (``assemble``) adds the editing idioms.
"""
from __future__ import annotations

import statistics
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
PICTURE_FLAGS = frozenset({"soft_focus", "black", "flash", "overexposed", "underexposed"})


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
    terms: dict = field(default_factory=dict)
    raw: float = 0.0  # unclamped weighted sum: what ranking and assembly compare

    @property
    def duration(self) -> float:
        return self.reading.end - self.reading.start


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


# The score is ``sum(weight[t] * term[t])`` over these named terms, clamped to 0..1. The
# hand-set weights are all 1.0 except ``pace`` (0: no preference until an editor shows one);
# a learned per-show model (``roughcut_core.learn``) reweights the same terms.
TERMS = ("match", *(f"defect_{d}" for d in DEFECT_PENALTY), "sound", "focus", "preferred", "pace")
HAND_WEIGHTS = {t: (0.0 if t == "pace" else 1.0) for t in TERMS}


def reading_terms(reading: LineReading, take: TakeInfo, typical_duration: Optional[float] = None,
                  best_clean: Optional[float] = None) -> tuple[dict, list, bool]:
    """(terms, reasons, unacceptable) for one reading: each term is its signed contribution
    to the hand-set score.

    ``best_clean`` is the best match score among the line's defect-free readings: a clean
    reading is matched against how the line is heard in every take (the recogniser's
    consistent mishearing of a word is not a weaker performance)."""
    terms = dict.fromkeys(TERMS, 0.0)
    match = max(0.0, min(1.0, reading.score))
    if not reading.defects and best_clean:
        match = min(1.0, match / best_clean)
    terms["match"] = match
    reasons: list[str] = []
    bad = False
    for defect in dict.fromkeys(reading.defects):
        key = f"defect_{defect}"
        if key in terms:
            terms[key] = -DEFECT_PENALTY[defect]
        else:
            terms["defect_off_script"] -= 0.1
        reasons.append(DEFECT_WORDS.get(defect, defect.replace("_", " ")))
        bad = bad or defect in UNACCEPTABLE_DEFECTS
    span = max(1e-6, reading.end - reading.start)
    for flag in take.flags:
        covered = _overlap(reading.start, reading.end, flag.start, flag.end) / span
        if covered <= 0.05:
            continue
        hit = flag.severity * min(1.0, covered * 1.5)
        terms["sound" if flag.kind not in PICTURE_FLAGS else "focus"] -= 0.6 * hit
        reasons.append(FLAG_WORDS.get(flag.kind, flag.kind.replace("_", " ")))
        bad = bad or hit >= 0.4
    if take.focus is not None and take.focus < 0.6:
        terms["focus"] -= 0.5 * (0.6 - take.focus) / 0.6 + 0.1
        reasons.append("soft focus")
        bad = bad or take.focus < 0.45
    if take.preferred:
        terms["preferred"] = 0.1
        reasons.append("circled take")
    if typical_duration:
        # Positive for brisker deliveries than the line's typical one, negative for slower.
        terms["pace"] = max(-1.0, min(1.0, (typical_duration - span) / typical_duration))
    return terms, reasons, bad


def rank_reading(reading: LineReading, take: TakeInfo, weights: Optional[dict] = None,
                 typical_duration: Optional[float] = None, best_clean: Optional[float] = None) -> Candidate:
    terms, reasons, bad = reading_terms(reading, take, typical_duration, best_clean)
    w = weights or HAND_WEIGHTS
    raw = sum(w.get(t, 0.0) * v for t, v in terms.items())
    score = max(0.0, min(1.0, raw))
    if w is not HAND_WEIGHTS and terms["pace"] and w.get("pace", 0.0) * terms["pace"] > 0.02:
        reasons.append("brisk delivery" if terms["pace"] > 0 else "unhurried delivery")
    if not reasons:
        reasons.append("complete line" if terms["match"] >= 0.9 else f"line match {terms['match']:.2f}")
    return Candidate(reading=reading, take=take, score=score, reasons=tuple(reasons),
                     acceptable=not bad and score >= 0.55, terms=terms, raw=raw)


def rank_readings(readings: Sequence[LineReading], takes: dict, weights: Optional[dict] = None) -> dict:
    """line id → candidates best first (``takes`` maps path → TakeInfo; ``weights`` are
    per-term weights, the hand-set ones when None)."""
    by_line: dict[str, list[LineReading]] = {}
    for r in readings:
        if r.path in takes:
            by_line.setdefault(r.line_id, []).append(r)
    out: dict[str, list[Candidate]] = {}
    for line_id, rs in by_line.items():
        typical = statistics.median(r.end - r.start for r in rs)
        best_clean = max((r.score for r in rs if not r.defects), default=None)
        cands = [rank_reading(r, takes[r.path], weights, typical, best_clean) for r in rs]
        cands.sort(key=lambda c: (-c.raw, c.take.path, c.reading.start))
        out[line_id] = cands
    return out
