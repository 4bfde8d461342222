"""Defects decided with evidence: all takes of the line, recogniser confidence and acoustics.

Contract: ``apply_evidence(script, readings, transcripts, audio, options)`` takes the readings
of every take of a scene (after ``reconcile_readings``), the transcripts by path and the mono
16 kHz samples by path (files without samples are left as they are), and returns the readings
with defects re-decided and readings added for lines the recogniser missed:

1. Noise over the words (``audio.reading_sound.measure``: a steady bed far above the room tone
   with little modulation) → ``noise``. Under such noise the recogniser's word-level defects are
   not evidence of a flub, so ``substitution``/``missing_words``/``ad_lib``/``off_script`` are
   dropped from a noisy reading.
2. Word-level defects and ``truncated`` stand only with acoustic evidence: the reading is
   compared (MFCC + DTW, ``acoustic``) with up to ``max_refs`` readings of the same line in
   other takes (clean ones first), both ways, word by word. A flubbed, dropped, added or
   cut-off word gives a word whose match costs far more than the rest of the pair
   (``> spike_ratio`` × the pair's median word cost and ``> spike_min``). When no reference
   shows such a word, the words were said as the other takes say them: the recogniser misheard,
   and the defects are removed. When the line has no other reading, a defect stands only if the
   recogniser was sure of the words that deviate (mean word probability >= ``asr_sure``).
3. Lines said in other takes but found nowhere in a file are searched for acoustically between
   the neighbouring lines of that file (the next line's start re-placed by DTW first, since the
   recogniser stretches words over noise): the best reference of the line is matched by
   subsequence DTW over the gap; a match that covers sounding frames becomes a reading with
   ``word_span`` empty (at the first word after it), ``text`` "" and defects ``noise`` (noise
   over it), ``truncated`` (the file ends during it) or none (a clean delivery the recogniser
   did not transcribe, accepted only with a close acoustic match). Nothing is added where the
   gap is silent (a dropped line stays dropped).
4. A ``restart`` whose aborted attempt lies inside another line's reading is dropped.
Every reading it touched carries ``signals["defect_evidence"]``: ``acoustic`` (checked against
other takes), ``asr`` (recogniser confidence only), ``noise`` or ``search`` (found by search).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Mapping, Optional, Sequence

import numpy as np

from ..audio.reading_sound import FileLevels, measure
from ..model import LineReading, Script, Transcript
from . import acoustic as ac

log = logging.getLogger(__name__)

SR = 16000
WORD_DEFECTS = ("substitution", "missing_words", "ad_lib", "off_script")
CHECKED = (*WORD_DEFECTS, "truncated")


@dataclass(frozen=True)
class EvidenceOptions:
    max_refs: int = 3
    pad: float = 0.3            # seconds of context around the reading for the DTW target
    spike_ratio: float = 1.5
    spike_min: float = 0.4
    asr_sure: float = 0.6
    search_active_db: float = 10.0   # a frame sounds when this far over the file's floor
    search_min_cover: float = 0.5    # share of the reference's length that must sound
    search_max_cost: float = 2.0     # a found, not noisy reading needs DTW cost <= this × ref's
    search_abs_cost: float = 0.7     # ... or this (0.3 same voice again, 1.0 unrelated frames)
    search: bool = True


@dataclass(frozen=True)
class _Clip:
    feats: np.ndarray
    origin: float
    words: tuple[tuple[int, int], ...]


def _samples(audio: np.ndarray, t0: float, t1: float) -> np.ndarray:
    return audio[max(0, int(t0 * SR)):max(0, int(t1 * SR))]


def _clip(r: LineReading, tr: Optional[Transcript], audio: np.ndarray, pad: float = 0.0) -> _Clip:
    t0 = max(0.0, r.start - pad)
    feats = ac.features(_samples(audio, t0, r.end + pad))
    words: list[tuple[int, int]] = []
    if tr is not None:
        a, b = r.word_span
        for w in tr.words[a:b]:
            s, e = ac.frames(max(w.start, r.start), min(w.end, r.end), t0)
            if e > s:
                words.append((s, min(e, len(feats))))
    if not words and len(feats):
        # no word times (a found reading): thirds of the clip stand in for words
        n = len(feats)
        words = [(k * n // 3, (k + 1) * n // 3) for k in range(3) if (k + 1) * n // 3 > k * n // 3]
    return _Clip(feats, t0, tuple(words))


def _pair(ref_tight: _Clip, ref_pad: _Clip, r_tight: _Clip, r_pad: _Clip) -> Optional[tuple[float, float]]:
    """(worst word cost, median word cost) of the two deliveries, both directions."""
    w1 = ac.dtw(ref_tight.feats, r_pad.feats)
    w2 = ac.dtw(r_tight.feats, ref_pad.feats)
    if w1 is None or w2 is None:
        return None
    costs = [c for c in ac.span_costs(w1, ref_tight.words) + ac.span_costs(w2, r_tight.words)
             if np.isfinite(c)]
    if not costs:
        return None
    return max(costs), float(np.median(costs))


def _deviating_prob(r: LineReading, tr: Optional[Transcript], line_tokens: set) -> Optional[float]:
    from .normalize import homophone_key, normalize_words

    if tr is None:
        return None
    a, b = r.word_span
    probs = [w.probability for w in tr.words[a:b]
             if any(homophone_key(t) not in line_tokens for t in normalize_words(w.text))]
    return float(np.mean(probs)) if probs else None


def _signals(r: LineReading, **kv) -> dict:
    sig = dict(r.signals)
    sig.update(kv)
    return sig


def _references(r: LineReading, readings: Sequence[LineReading], max_refs: int) -> list[LineReading]:
    others = [o for o in readings if o.line_id == r.line_id and (o.path, o.take_id) != (r.path, r.take_id)
              and o.end - o.start > 0.2]
    others.sort(key=lambda o: (any(d in CHECKED or d == "noise" for d in o.defects),
                               o.character != r.character, -o.score))
    return others[:max_refs]


def apply_evidence(script: Script, readings: Sequence[LineReading], transcripts: Mapping[str, Transcript],
                   audio: Mapping[str, np.ndarray],
                   options: EvidenceOptions = EvidenceOptions()) -> tuple[LineReading, ...]:
    """Readings with defects decided on evidence, plus found readings (see module contract)."""
    from .normalize import homophone_key, normalize_words

    levels = {p: FileLevels.of(a, SR) for p, a in audio.items()}
    line_tokens = {ln.id: {homophone_key(t) for t in normalize_words(ln.text)} for ln in script.lines}
    clips: dict = {}

    def clip(r: LineReading, pad: float) -> _Clip:
        key = (r.path, r.line_id, r.start, r.end, pad)
        if key not in clips:
            clips[key] = _clip(r, transcripts.get(r.path), audio[r.path], pad)
        return clips[key]

    out: list[LineReading] = []
    for r in readings:
        if r.path not in audio:
            out.append(r)
            continue
        snd = measure(levels[r.path], r.start, r.end)
        defects = list(r.defects)
        if snd is not None and snd.noisy:
            defects = [d for d in defects if d not in WORD_DEFECTS]
            if "noise" not in defects:
                defects.append("noise")
            out.append(replace(r, defects=tuple(defects), signals=_signals(r, defect_evidence="noise")))
            continue
        if not any(d in CHECKED for d in defects):
            out.append(r)
            continue
        refs = [o for o in _references(r, readings, options.max_refs) if o.path in audio]
        if not refs:
            p = _deviating_prob(r, transcripts.get(r.path), line_tokens.get(r.line_id, set()))
            if p is not None and p < options.asr_sure:
                defects = [d for d in defects if d not in ("substitution", "ad_lib")]
            out.append(replace(r, defects=tuple(defects), signals=_signals(r, defect_evidence="asr")))
            continue
        spikes, seen = 0, 0
        worst = 0.0
        ratios = []
        for o in refs:
            res = _pair(clip(o, 0.0), clip(o, options.pad), clip(r, 0.0), clip(r, options.pad))
            if res is None:
                continue
            seen += 1
            top, base = res
            worst = max(worst, top / max(base, 1e-6))
            ratios.append(round(top / max(base, 1e-6), 2))
            if top > max(options.spike_min, options.spike_ratio * base):
                spikes += 1
        if seen and 2 * spikes < seen:
            defects = [d for d in defects if d not in CHECKED]
        log.debug("evidence %s %s %s: %d/%d refs differ, ratios %s", r.path, r.line_id,
                  r.defects, spikes, seen, ratios)
        out.append(replace(r, defects=tuple(defects),
                           signals=_signals(r, defect_evidence="acoustic", acoustic_worst=round(worst, 3))))
    if options.search:
        from .search import find_missing

        found, moved = find_missing(script, out, transcripts, audio, levels, options)
        for k, start in moved.items():
            out[k] = replace(out[k], start=start)
        out.extend(found)
    return tuple(_restarts_inside_others(out, transcripts))


def _restarts_inside_others(readings: list[LineReading], transcripts: Mapping[str, Transcript]) -> list[LineReading]:
    """A ``restart`` whose aborted attempt lies inside another line's reading (the end of the
    previous line, misheard) is not a restart: drop it and ``full_span``."""
    out = list(readings)
    for k, r in enumerate(readings):
        tr = transcripts.get(r.path)
        if "restart" not in r.defects or r.full_span is None or tr is None:
            continue
        a = r.full_span[0]
        if a >= len(tr.words):
            continue
        t0 = tr.words[a].start
        t1 = tr.words[r.word_span[0] - 1].end if r.word_span[0] > a else t0
        if any(o is not r and o.path == r.path and o.line_id != r.line_id
               and min(o.end, t1) - max(o.start, t0) > 0.5 * max(t1 - t0, 0.05) for o in readings):
            out[k] = replace(r, defects=tuple(d for d in r.defects if d != "restart"), full_span=None,
                             signals=_signals(r, defect_evidence=r.signals.get("defect_evidence", "acoustic")))
    return out
