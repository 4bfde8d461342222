"""Ranking of line readings: a calibrated usability in 0..1, a within-line rank, and the
reasons for both, in words.

The raw score is a weighted sum of named terms: performance (how completely and cleanly the
line was said: alignment score and defects), sound (flags over the reading, SNR, level),
picture (focus, exposure, speaker on camera, lip sync, blinks), delivery against the script's
intent (``intent``: "angry read, as scripted" / "flat for (angrily)"), ASR clarity, and host
metadata (circled takes). Perception terms come from ``LineReading.signals``
(``signalterms``); each is 0 when its signal is absent. ``score`` is the raw sum through a
logistic (:func:`usability`), so it never saturates at 1.00 and clean readings stay ordered;
``rank`` is 1 for the best reading of the line. The ranking does not depend on which lines
come before or after; the assembly (``assemble``) adds the editing idioms.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Callable, Optional, Sequence

from ..model import WORD_DEFECTS, LineReading, QualityFlag, Transcript
from ..timebase import Rate
from .signalterms import INTENT_PARTS, SIGNAL_TERMS, TASTE_TERMS, intent_parts, signal_terms, taste_terms

# Penalty per defect (subtracted from the alignment score). A restart's span is the clean
# re-delivery, so it stays usable, but that delivery starts straight after the actor stopped and
# began again: an editor takes a reading that went through clean over it where only the framing
# differs: 0.25 x performance 3 outweighs the assembly's establishing preference plus the cut
# it saves by staying in the take for the next line (0.45 + 0.15; 0.2 did not: small scenegen
# 118 opened on a restart in the wide over a clean close-up), and stays under the cost of the
# speaker off screen (1.0): the clean part beats a voice over the listener. A truncated
# reading is unusable.
DEFECT_PENALTY = {
    "truncated": 0.8, "missing_words": 0.35, "substitution": 0.35, "off_script": 0.25,
    "restart": 0.25, "repeat": 0.05, "ad_lib": 0.3,
}
# Noise over the words (``align.evidence``: a loud bed or burst under the reading): a sound
# fault, scored on the ``sound`` term like a severe noise flag over the whole reading (0.6 x
# severity 1), and unusable while another reading of the line exists.
NOISE_PENALTY = 0.6
DEFECT_WORDS = {
    "truncated": "cut short", "missing_words": "dropped words", "substitution": "flubbed words",
    "off_script": "off script", "restart": "restarted (clean part used)", "repeat": "repeat",
    "ad_lib": "ad-lib", "noise": "noise over the words",
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
    rank: int = 0     # 1 = the line's best reading (0 = not ranked against the others)

    @property
    def duration(self) -> float:
        return self.reading.end - self.reading.start


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


# The raw score is ``sum(weight[t] * term[t])`` over these named terms. The hand-set weights
# are all 1.0 except ``pace`` (0: no preference until an editor shows one); a learned per-show
# model (``roughcut_core.learn``) reweights the same terms.
TERMS = ("match", *(f"defect_{d}" for d in DEFECT_PENALTY), "sound", "focus", "preferred", "pace",
         *SIGNAL_TERMS, *INTENT_PARTS, *TASTE_TERMS)
# pace, the taste terms (louder, more face) and the intent components start at 0: the hand-set
# ranking does not use them; a show's feedback (``roughcut feedback``) may.
TASTE_ONLY = frozenset(("pace", *TASTE_TERMS, *INTENT_PARTS))
HAND_WEIGHTS = {t: (0.0 if t in TASTE_ONLY else 1.0) for t in TERMS}

# Usability = logistic(SLOPE * (raw - MIDPOINT)): 0.5 at the acceptability threshold, about
# 0.9 for a complete clean reading with no perception signals, higher or lower as the signals
# add up. The midpoint is the long-standing acceptability threshold; the slope spreads the
# clean readings (raw 0.8..1.2) over 0.78..0.96 instead of pinning them at 1.00.
MIDPOINT = 0.55
SLOPE = 5.0

# Acceptability looks only at whether the reading can be used at all (complete, clean sound
# and picture), not at preferences among usable readings (intent, face, pace...).
ACCEPT_TERMS = ("match", *(f"defect_{d}" for d in DEFECT_PENALTY), "sound", "focus", "snr", "overlap")

# intent judge: (signals) -> (score 0..1, editor's words) or None when it cannot judge.
IntentJudge = Callable[[dict], Optional[tuple]]


def usability(raw: float) -> float:
    """The calibrated 0..1 score of a raw weighted sum (see MIDPOINT/SLOPE)."""
    return 1.0 / (1.0 + math.exp(-SLOPE * (raw - MIDPOINT)))


def heard_score(reading: LineReading) -> float:
    """How completely the line was said, for ranking: the alignment score, except for a reading
    whose word defects ``align.evidence`` cleared by comparing its sound with the line's other
    takes (``defect_evidence`` "acoustic", no defect left): its words were said as the others say
    them, so the recogniser's garbled text is no weaker performance and it counts as complete."""
    if not reading.defects and reading.signals.get("defect_evidence") == "acoustic":
        return 1.0
    return reading.score


# ``defect_evidence`` of readings not placed on the recogniser's words: found in the sound by
# the acoustic search, or placed by script order over garbled words (``align.search``,
# ``align.orderfill``, ``align.unheard``). Their ``score`` is their length against another
# take's reading of the line, not a share of the script heard.
NOT_HEARD = frozenset({"search", "order"})


def heard_by_recogniser(reading: LineReading) -> bool:
    """The reading's ``score`` is the recogniser's match with the script (see ``NOT_HEARD``)."""
    return reading.signals.get("defect_evidence") not in NOT_HEARD


def _clarity(reading: LineReading, take: TakeInfo) -> Optional[float]:
    words = take.transcript.words if take.transcript is not None else ()
    a, b = reading.word_span
    probs = [w.probability for w in words[a:b] if w.probability is not None]
    return sum(probs) / len(probs) if probs else None


@dataclass(frozen=True)
class LineContext:
    """What a reading is compared against within its line (all optional)."""

    typical_duration: Optional[float] = None
    best_clean: Optional[float] = None
    best_clarity: Optional[float] = None
    expressive_median: Optional[float] = None
    character: Optional[str] = None
    intent: Optional[IntentJudge] = None
    quiet_intent: bool = False
    pauses_ok: bool = False
    medians: dict = field(default_factory=dict)
    profile: Optional[dict] = None  # {"cues": {cue: z}, "emotions": {label: p}} of the line's direction
    disputed: frozenset = frozenset()  # (path, start) of readings whose word-level flags are disputed


# What a disputed word-level flag still costs: a doubt, not a defect (see :func:`disputed_flags`).
DISPUTED_PENALTY = 0.05


def disputed_flags(rs: Sequence[LineReading]) -> frozenset:
    """(path, start) of the line's readings whose word-level flags the sound does not lay on
    them: ``align.evidence`` flagged the reading on its worst word spike (``acoustic_worst``)
    and another reading of the line carries a checked defect (word-level or ``truncated``) on
    exactly the same spike, i.e. the two were compared with each other and a pair's word costs
    are the same both ways; the spike then says that one of the two differs, not which. The
    recogniser names the one: this reading was heard nearer the script (its match score over
    the other's by 0.1 or more). In a 3-take scene whose third reading of the line is on the
    other actor's mic, a clean on-camera reading and a flubbed one otherwise both stand flagged
    and the cut plays the off-camera reading over the listener (small scenegen 10, 71: 6 such
    pairs on scenegen 6-10 and 60-74, the nearer one clean in all 6)."""
    flagged = [r for r in rs if r.signals.get("defect_evidence") == "acoustic"
               and isinstance(r.signals.get("acoustic_worst"), (int, float))
               and any(d in WORD_DEFECTS or d == "truncated" for d in r.defects)]
    out = set()
    for r in flagged:
        if not any(d in WORD_DEFECTS for d in r.defects) or "truncated" in r.defects:
            continue
        if any(o is not r and o.path != r.path and o.signals["acoustic_worst"] == r.signals["acoustic_worst"]
               and r.score >= o.score + 0.1 for o in flagged):
            out.add((r.path, r.start))
    return frozenset(out)


def reading_terms(reading: LineReading, take: TakeInfo, typical_duration: Optional[float] = None,
                  best_clean: Optional[float] = None, context: Optional[LineContext] = None) -> tuple[dict, list, bool]:
    """(terms, reasons, unacceptable) for one reading: each term is its signed contribution
    to the hand-set score.

    ``best_clean`` is the best match score among the line's defect-free readings: a clean
    reading is matched against how the line is heard in every take (the recogniser's
    consistent mishearing of a word is not a weaker performance). ``context`` adds the
    perception terms (``signalterms``) and the script-intent term."""
    ctx = context or LineContext(typical_duration=typical_duration, best_clean=best_clean)
    typical_duration = ctx.typical_duration if typical_duration is None else typical_duration
    best_clean = ctx.best_clean if best_clean is None else best_clean
    terms = dict.fromkeys(TERMS, 0.0)
    doubted = (reading.path, reading.start) in ctx.disputed
    defects = [d for d in reading.defects if not (doubted and d in WORD_DEFECTS)]
    match = max(0.0, min(1.0, heard_score(reading)))
    if not defects and best_clean:
        match = min(1.0, match / best_clean)
    terms["match"] = match
    reasons: list[str] = []
    bad = False
    if doubted:
        # an editor keeps the speaker on camera unless the flag is sure: a doubt, not a defect
        doubt = next(d for d in reading.defects if d in WORD_DEFECTS)
        terms[f"defect_{doubt}"] = -DISPUTED_PENALTY
        reasons.append(f"{DEFECT_WORDS.get(doubt, doubt)}? (disputed: the take it differs from "
                       f"was heard further off the script)")
    for defect in dict.fromkeys(defects):
        key = f"defect_{defect}"
        if defect == "noise":
            terms["sound"] -= NOISE_PENALTY
            bad = True
        elif key in terms:
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
    judged = ctx.intent(reading.signals) if ctx.intent is not None else None
    sig, said = signal_terms(reading.signals, character=ctx.character or reading.character,
                             clarity=_clarity(reading, take), best_clarity=ctx.best_clarity,
                             expressive_median=ctx.expressive_median, intent=judged,
                             quiet_intent=ctx.quiet_intent, directed=ctx.intent is not None,
                             pauses_ok=ctx.pauses_ok, medians=ctx.medians)
    terms.update(sig)
    terms.update(intent_parts(reading.signals, ctx.profile))
    terms.update(taste_terms(reading.signals, ctx.medians))
    # The perception reasons, the weightiest first, after the defects (which always lead).
    reasons.extend(words for _, words in sorted(said, key=lambda p: -p[0]) if words not in reasons)
    return terms, reasons, bad


def rank_reading(reading: LineReading, take: TakeInfo, weights: Optional[dict] = None,
                 typical_duration: Optional[float] = None, best_clean: Optional[float] = None,
                 context: Optional[LineContext] = None) -> Candidate:
    terms, reasons, bad = reading_terms(reading, take, typical_duration, best_clean, context)
    w = weights or HAND_WEIGHTS
    raw = sum(w.get(t, 0.0) * v for t, v in terms.items())
    if w is not HAND_WEIGHTS:  # the show's learned taste, in words, where it counts
        for t, up, down in (("pace", "brisk delivery", "unhurried delivery"),
                            ("loudness", "louder read", "quieter read"),
                            ("face_size", "more face on screen", "less face on screen")):
            if terms[t] and w.get(t, 0.0) * terms[t] > 0.02:
                reasons.append(up if terms[t] > 0 else down)
    if not reasons:
        reasons.append("complete line" if terms["match"] >= 0.9 else f"line match {terms['match']:.2f}")
    return Candidate(reading=reading, take=take, score=usability(raw), reasons=tuple(reasons),
                     acceptable=not bad and sum(terms[t] for t in ACCEPT_TERMS) >= MIDPOINT,
                     terms=terms, raw=raw)


def _line_context(rs: Sequence[LineReading], takes: dict, intent: Optional[IntentJudge],
                  quiet: bool, pauses_ok: bool = False, profile: Optional[dict] = None) -> LineContext:
    clar = [c for r in rs if not r.defects and (c := _clarity(r, takes[r.path])) is not None]
    medians = {}
    for key in ("pitch_range_st", "energy_dyn_db", "face_size"):
        vals = [float(v) for r in rs if isinstance((v := r.signals.get(key)), (int, float))]
        if len(vals) >= 2:
            medians[key] = statistics.median(vals)
    expr = [float(v) for r in rs for k in ("face_expressiveness", "expressiveness")
            if isinstance((v := r.signals.get(k)), (int, float))]
    return LineContext(disputed=disputed_flags(rs),
                       typical_duration=statistics.median(r.end - r.start for r in rs),
                       # what the recogniser heard (not heard_score): a reading the sound
                       # cleared counts as complete on its own, and must not raise the bar
                       # for the clean readings it heard as well or better; nor may a reading
                       # it did not hear as the line (found, placed by order: score = length)
                       best_clean=max((r.score for r in rs if not r.defects and heard_by_recogniser(r)),
                                      default=None),
                       best_clarity=max(clar, default=None),
                       expressive_median=statistics.median(expr) if expr else None,
                       character=next((r.character for r in rs if r.character), None),
                       intent=intent, quiet_intent=quiet, pauses_ok=pauses_ok, medians=medians,
                       profile=profile)


def _versus(c: Candidate, best: Candidate, weights: dict) -> Optional[str]:
    """Why a lower-ranked reading lost to the best one: the weighted term that cost it most."""
    gaps = sorted(((weights.get(t, 0.0) * (best.terms.get(t, 0.0) - v), t) for t, v in c.terms.items()),
                  reverse=True)
    gap, term = gaps[0] if gaps else (0.0, "")
    if gap < 0.01:
        return None
    label = {"match": "fewer words heard", "intent": "delivery further from the script", "snr": "noisier",
             "sound": "sound problems", "focus": "softer picture", "on_camera": "speaker less on camera",
             "clarity": "less distinct words", "level": "quieter", "overlap": "overlapped",
             "blink": "blinks at the cut", "expressive": "less expressive face",
             "pace": "slower delivery", "loudness": "quieter read", "face_size": "less face on screen",
             "lip_sync": "lips less in sync", "preferred": "not the circled take",
             "lively": "flatter read", "hesitation": "hesitates",
             "intent_pitch": "pitch further from the script", "intent_energy": "energy further from the script",
             "intent_timing": "timing further from the script", "intent_voice": "voice quality further from the script",
             "intent_model": "emotion further from the script"}.get(term, term.replace("_", " "))
    return f"behind take {PurePath(best.take.path).stem}: {label}"


def rank_readings(readings: Sequence[LineReading], takes: dict, weights: Optional[dict] = None,
                  intents: Optional[dict] = None, quiet_lines: frozenset = frozenset(),
                  pause_lines: frozenset = frozenset(), profiles: Optional[dict] = None) -> dict:
    """line id → candidates best first, each with its within-line ``rank`` (1 = best) and its
    own reasons (a lower-ranked one also says what put it behind the best).

    ``takes`` maps path → TakeInfo; ``weights`` are per-term weights (the hand-set ones when
    None); ``intents`` maps line id → an intent judge ``(signals) -> (score, words) | None``
    for lines whose script says how to deliver them; ``quiet_lines`` are lines the script
    asks to be quiet (a low level is then no fault), ``pause_lines`` lines whose script asks
    for a pause ((beat), ...: a stop mid-line is then no hesitation); ``profiles`` maps line id
    → the direction's expected cues and emotions (``engine.script_profiles``) for the
    ``intent_*`` component terms."""
    by_line: dict[str, list[LineReading]] = {}
    for r in readings:
        if r.path in takes:
            by_line.setdefault(r.line_id, []).append(r)
    out: dict[str, list[Candidate]] = {}
    for line_id, rs in by_line.items():
        ctx = _line_context(rs, takes, (intents or {}).get(line_id), line_id in quiet_lines,
                            line_id in pause_lines, (profiles or {}).get(line_id))
        cands = [rank_reading(r, takes[r.path], weights, context=ctx) for r in rs]
        cands.sort(key=lambda c: (-c.raw, c.take.path, c.reading.start))
        ranked = []
        for k, c in enumerate(cands, start=1):
            why = _versus(c, cands[0], weights or HAND_WEIGHTS) if k > 1 and c.acceptable else None
            ranked.append(replace(c, rank=k, reasons=c.reasons + ((why,) if why else ())))
        out[line_id] = ranked
    return out
