"""Defects decided with evidence: all takes of the line, recogniser confidence and acoustics.

Contract: ``apply_evidence(script, readings, transcripts, audio, options)`` takes the readings
of every take of a scene (after ``reconcile_readings``), the transcripts by path and the mono
16 kHz samples by path (files without samples are left as they are), and returns the readings
(same order) with defects re-decided, followed by readings found for lines the recogniser
missed. In this order:

0. A reading heard with fewer words than its line takes the words right after it that no
   reading holds (``orphans.absorb_trailing``: a last word misheard beyond matching).
1. Restarts the recogniser swallowed are found in the sound (``restart.acoustic_restarts``:
   the opening said, a pause, said again).
2. Noise over the words (``audio.reading_sound.measure``: a steady bed far above the room tone,
   or a burst of loud, spectrally flat frames) → ``noise``; under it the recogniser's
   word-level defects are no evidence of a flub, so ``substitution``/``missing_words``/
   ``ad_lib``/``off_script`` are dropped from a noisy reading.
3. Lines said in other takes but found nowhere in a file are searched for acoustically between
   the neighbouring lines of that file (``search.find_missing``): found readings are flagged
   ``noise`` / ``truncated`` or judged like step 4; a next reading whose start the recogniser
   stretched over the missed line is re-placed (and its noise judged again). A silent gap gets
   nothing (a dropped line stays dropped). Found readings are checked for restarts like step 1,
   and a reading placed by script order from garbled words (``defect_evidence == "order"``) gets
   its bounds from where another take's reading matches and is judged like a found one
   (``search.judge_placed``), against the other takes' readings of the line heard at its
   level whatever the recogniser heard in them (``_references(placed=True)``: their word-level
   labels are still undecided, and a line garbled enough to be placed by order is mostly
   misheard there too; chosen only for being heard as the script, the reference was the
   off-camera or word-less one, against which a dropped or added word hardly shows). Only a
   placed reading judged clean so serves as a clean reference below; step 4 re-judges it
   against the same references, and a found reading the search flagged with a word-level
   defect too (not cut short, not noisy): the search's judgement has no mic and no twin test
   (generated scene 130: both close-up takes of a line found, flagged ``missing_words`` together
   against one reading that held the previous line's last words), so its flags stand only on
   the rules of the heard readings; it keeps ``defect_evidence == "search"``.
4. Word-level defects and ``truncated`` stand only with acoustic evidence: the reading is
   compared (MFCC + DTW, ``acoustic``) with up to ``max_refs`` readings of the same line in
   other takes (clean ones, heard on the same mic when there are any: ``mic.Mics``, speech level
   within ``NEAR_DB`` and the voice no duller or brighter in the two files than ``BRIGHT_DB``,
   as the other actor's mic only 3-7 dB down hears it; without a clean one,
   those the recogniser only suspects before those known to differ: cut short, under noise or
   judged defective on the sound; never one over ``search.OVERLONG`` x the median length of the
   line's other readings, ``search.not_overlong``: it holds more than the line, a neighbour's
   words or a restart nobody caught, generated scene 132), both ways, word by word. A flubbed, dropped, added or cut-off word gives a word whose match costs far more than
   the rest of the pair (``> spike_ratio`` × the pair's median word cost and ``> spike_min``).
   A pair costs the same both ways, so when the reading differs from one reference only and
   that one is not known to be clean (its recogniser labels undecided), the spike counts
   against the reading only when the recogniser heard the reading further from the script than
   the reference (``_attributed``; a 3-take scene has one such reference at the speaker's
   level, and a clean reading and a flubbed one were both flagged against each other:
   generated scene 71, small). Differing from two or more, the reading is the odd one.
   When fewer than half the references show such a word, the words were said as the other
   takes say them: the recogniser misheard, and the defects are removed. A reference that itself
   differs strongly from another clean reading of the line (a defect nobody caught) is no
   evidence and its pair is left out (``_odd_reference``). A moderate difference
   (under ``strong_ratio``) also needs every reference (three or more) to show it or the
   recogniser to be sure of the deviating words (lowest probability >= ``asr_sure``)
   (``verdict``). Against references all heard on another mic the words differ only when the
   sound and the recogniser agree (``_sure_across_mics``: a word ``strong_ratio`` off and the
   recogniser sure of its words); else the reading is uncertain, and uncertain is not flagged.
   A difference that another take of the line on the reading's mic shares (the two alike word
   by word, both spiking against the references: ``twins.shared_difference``), where the
   recogniser was unsure of the words it heard off the script, lies with the references or the
   setup, not the reading: no word-level defect, not even on the whole-line cost below.
   The kind kept is the one the audio shows in most references
   (``kinds.deviation_kind``: a stretch of the reference with no counterpart in the reading →
   ``missing_words``, a stretch of the reading that meets only a junction of the reference →
   ``ad_lib``, else ``substitution``), replacing the recogniser's, except for a reading kept
   on its whole-line cost alone (below): no word of it stands out, and ``deviation_kind`` on
   such a real take mostly says ``substitution`` whatever was said (RAVDESS tuning actors
   01-08, 11 such readings: its kind right for 6 on MFCCs, 8 on the encoder frames; the
   recogniser's label for 11; generated scenes 3-19 have none), so the recogniser's own
   word-level label stands there (``_heard_kind``: of several, the one its word count against the line points
   to). ``truncated`` also stands when the file stops while the voice is still sounding
   (``cut_in_sound``), and the file's last reading gets it then even when the recogniser did
   not say so; a confirmed ``truncated`` keeps no word-level defect (the cut explains them). When the line has no other reading, a
   ``substitution``/``ad_lib`` stands only if the recogniser was sure of the deviating words.
   Word-level defects the per-word test clears still stand when the whole line says other
   words: the reading's DTW cost against its clean references heard on its mic (``mic.Mics``),
   on the recogniser's encoder frames, over the cost of the line's other clean
   readings at that level against the same references (``_line_rel``, ``linecost``), is at
   least ``line_rel`` (chosen on tuning material only: generated scenes 3-19, RAVDESS actors
   01-08), or at least ``line_rel_sure`` with the recogniser sure of every word it heard in
   place of the script's (lowest probability >= ``asr_sure``, ``_sure_other_words``: two
   independent signs; a real actor's changed word costs only 1.2-1.25 x on the whole line,
   RAVDESS tuning flubs heard at 0.94-0.99), unless another take too was heard with other words
   in place of the same script words (``_misheard_elsewhere``: the recogniser's trouble spot in
   this voice, where it is as sure of its mishearings: generated scenes 11 and 19, "fuse box"
   heard as "few bucks" at 0.97, "view box" at 0.72, beside "few sparks" in another take).
   Real actors' takes differ everywhere, so no single word stands out, but the whole
   line still costs more when the words differ; across mics (no clean reference at the
   reading's level) the cost measures the mic, and only the per-word test decides.
   ``line_rel=None`` turns this off (and computes no whole-line cost).
5. A ``restart`` whose aborted attempt lies inside another line's reading is dropped
   (``restart.restarts_inside_others``).
Every reading it touched carries ``signals["defect_evidence"]``: ``acoustic`` (checked against
other takes), ``asr`` (recogniser confidence only), ``noise`` or ``search`` (found by search);
one whose word-level defects got a whole-line cost carries it as ``signals["line_cost_rel"]``
(and the lowest probability of the words heard in place of the script's, or None, as
``signals["asr_deviating_prob"]``).
``encoder``: the recogniser already loaded (a faster-whisper model or a zero-argument callable
returning one, ``linecost.Frames``); None loads ``options.line_model`` when a reading needs it
(``line_model=None``: MFCC frames).
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, replace
from typing import Mapping, Optional, Sequence

import numpy as np

from ..audio.reading_sound import FileLevels, measure
from ..model import WORD_DEFECTS, LineReading, Script, Transcript
from . import acoustic as ac
from .heard import (_deviating_prob, _heard_kind, _heard_more, _misheard_elsewhere, _replaced_slots,
                    _script_distance, _sure_insert)
from .mic import NEAR_DB, Mics
from .twins import shared_difference

log = logging.getLogger(__name__)

SR = 16000
CHECKED = (*WORD_DEFECTS, "truncated")


@dataclass(frozen=True)
class EvidenceOptions:
    max_refs: int = 3
    pad: float = 0.3            # seconds of context around the reading for the DTW target
    spike_ratio: float = 1.5
    spike_min: float = 0.4
    strong_ratio: float = 2.0   # a word this far off needs no word from the recogniser to stand
    asr_sure: float = 0.6
    search_active_db: float = 10.0   # a frame sounds when this far over the file's floor
    search_min_cover: float = 0.5    # share of the reference's length that must sound
    search_max_cost: float = 2.0     # a found, not noisy reading needs DTW cost <= this × ref's
    search_abs_cost: float = 0.7     # ... or this (0.3 same voice again, 1.0 unrelated frames)
    search: bool = True
    line_model: Optional[str] = "tiny.en"   # frames the whole-line cost compares (None: MFCC)
    line_rel: Optional[float] = 1.3   # whole line costing this × the clean readings' cost: other words
    line_rel_sure: Optional[float] = 1.15   # ... or this, the recogniser sure of the words it heard instead


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


def _pair(ref_tight: _Clip, ref_pad: _Clip, r_tight: _Clip, r_pad: _Clip,
          kind_over: float = 1.5) -> Optional[tuple[float, float, str]]:
    """(worst word cost, median word cost, kind) of the two deliveries, both directions. The
    kind, when the worst word costs over ``kind_over`` × the median, is the one the frames show
    (``kinds.deviation_kind``: ``missing_words``, ``ad_lib`` or ``substitution``)."""
    w1 = ac.dtw(ref_tight.feats, r_pad.feats)
    w2 = ac.dtw(r_tight.feats, ref_pad.feats)
    if w1 is None or w2 is None:
        return None
    c1 = ac.span_costs(w1, ref_tight.words)
    c2 = ac.span_costs(w2, r_tight.words)
    scored = [(c, 1, k) for k, c in enumerate(c1) if np.isfinite(c)] + \
             [(c, 2, k) for k, c in enumerate(c2) if np.isfinite(c)]
    if not scored:
        return None
    top, side, k = max(scored)
    base = float(np.median([c for c, _, _ in scored]))
    kind = "substitution"
    if top > kind_over * base:
        from .kinds import deviation_kind

        dev = deviation_kind(ref_tight.feats, r_tight.feats)
        if dev is not None:
            kind = dev[0] if dev[2] is None else f"{dev[0]}|{dev[2]}"
    return top, base, kind


def verdict(pairs: Sequence[Optional[tuple[float, float, str]]], prob: Optional[float],
            options: "EvidenceOptions") -> tuple[int, bool, Optional[str], list[float]]:
    """(references compared, the words really differ, the kind the audio shows, worst/median
    ratio per reference). They differ when at least half the references show a word far off the
    pair's median (``spike_ratio``, ``spike_min``) and either some reference shows it strongly
    (``strong_ratio``), or every reference (three or more) shows it, or the recogniser was sure of
    the deviating words (lowest probability ``prob`` >= ``asr_sure``; None = no deviating word,
    e.g. dropped words)."""
    seen = spikes = 0
    kinds: Counter = Counter()
    ratios: list[float] = []
    for res in pairs:
        if res is None:
            continue
        top, base, kind = res
        seen += 1
        ratios.append(round(top / max(base, 1e-6), 3))
        if top > max(options.spike_min, options.spike_ratio * base):
            spikes += 1
            kinds[kind] += 1
    if not seen:
        return 0, False, None, ratios
    differ = 2 * spikes >= seen and spikes > 0
    unanimous = spikes == seen and seen >= 3
    if differ and max(ratios) < options.strong_ratio and not unanimous \
            and prob is not None and prob < options.asr_sure:
        differ = False
    return seen, differ, (kinds.most_common(1)[0][0] if kinds else None), ratios


def _signals(r: LineReading, **kv) -> dict:
    sig = dict(r.signals)
    sig.update(kv)
    return sig


def _references(r: LineReading, readings: Sequence[LineReading], max_refs: int,
                levels: Optional[Mapping[str, FileLevels]] = None, *, placed: bool = False,
                mics: Optional[Mics] = None) -> list[LineReading]:
    """Other takes' readings of the line to compare with: only clean ones when there are any
    (a flubbed reference differs from every good delivery), and among those only the ones heard
    like this one (speech level within 4 dB: the same mic distance, not the other actor's mic,
    whose low-passed, roomy sound differs at every sibilant; ``mics.other_mic`` when given, which
    hears the dullness too, else the level alone) when there are any; best score first.
    With no clean one, those the recogniser only suspects (undecided word-level labels) come
    before those known to differ (cut short, under noise, or judged defective on the sound:
    every reading spikes against them).
    ``placed`` (judging a reading placed by script order, ``search.judge_placed``, before any
    word-level label is decided): "clean" ignores the word-level labels the recogniser gave (on
    readings with no ``defect_evidence`` yet: its hypotheses, not yet decided; a line garbled
    enough to be placed by order is mostly misheard in the other takes too, and a reference
    chosen only for being heard as the script is then the off-camera or word-less one), not the
    ones already decided on the sound (a reading found by the search or placed and judged)."""
    from .search import not_overlong

    # a reading far longer than the line's others holds more than the line: no reference
    others = not_overlong([o for o in readings if o.line_id == r.line_id
                           and (o.path, o.take_id) != (r.path, r.take_id) and o.end - o.start > 0.2])

    mine = _level(r, levels)

    def far(o: LineReading) -> bool:
        if mics is not None:
            return mics.other_mic(r, o)
        lv = _level(o, levels) if mine is not None else None
        return lv is not None and abs(lv - mine) > NEAR_DB

    def unclean(o: LineReading) -> bool:
        if not placed:
            return _flagged(o)
        if o.signals.get("defect_evidence"):
            return _flagged(o)
        return any(d in ("truncated", "noise") for d in o.defects)

    def known_off(o: LineReading) -> bool:
        return any(d in ("truncated", "noise") for d in o.defects) or \
            (bool(o.signals.get("defect_evidence")) and _flagged(o))

    clean = [o for o in others if not unclean(o)]
    # without a clean one: readings the recogniser only suspects (its undecided word-level
    # labels), even heard at another level, before ones known to differ (cut short, under
    # noise, or judged defective on the sound), against which any reading spikes
    suspect = [o for o in others if not known_off(o)]
    others = clean or suspect or others
    near = [o for o in others if not far(o)]
    others = near or others
    others.sort(key=lambda o: (o.character != r.character, -o.score))
    return others[:max_refs]


def apply_evidence(script: Script, readings: Sequence[LineReading], transcripts: Mapping[str, Transcript],
                   audio: Mapping[str, np.ndarray],
                   options: EvidenceOptions = EvidenceOptions(), encoder=None) -> tuple[LineReading, ...]:
    """Readings with defects decided on evidence, plus found readings (see module contract).
    ``audio``: the sound of the scene's takes by path; a take in it with no reading is searched
    for the scene's lines too (``search.find_missing``)."""
    from .normalize import homophone_key, normalize_words

    levels = {p: FileLevels.of(a, SR) for p, a in audio.items()}
    line_tokens = {ln.id: {homophone_key(t) for t in normalize_words(ln.text)} for ln in script.lines}
    line_sizes = {ln.id: len(normalize_words(ln.text)) for ln in script.lines}
    line_texts = {ln.id: ln.text for ln in script.lines}
    clips: dict = {}
    from .orphans import absorb_trailing
    from .restart import acoustic_restarts, restarts_inside_others

    # a reading the text aligner ended before a misheard last word lacks it on the sound too
    readings = absorb_trailing(readings, transcripts, line_sizes, levels)
    readings = acoustic_restarts(readings, transcripts, audio, levels)

    def clip(r: LineReading, pad: float) -> _Clip:
        key = (r.path, r.line_id, r.start, r.end, pad)
        if key not in clips:
            clips[key] = _clip(r, transcripts.get(r.path), audio[r.path], pad)
        return clips[key]

    def pair_of(o: LineReading, x: LineReading):
        return _pair(clip(o, 0.0), clip(o, options.pad), clip(x, 0.0), clip(x, options.pad))

    def same_spot(a: LineReading, b: LineReading) -> bool:
        # the recogniser heard other words in place of the same script words in both
        return bool(_replaced_slots(a, transcripts.get(a.path), line_texts.get(a.line_id, ""))
                    & _replaced_slots(b, transcripts.get(b.path), line_texts.get(b.line_id, "")))

    # Noise first: it decides which readings the rest may trust.
    noisy: list[LineReading] = []
    for r in readings:
        snd = measure(levels[r.path], r.start, r.end) if r.path in audio else None
        noisy.append(_with_noise(r) if snd is not None and snd.noisy else r)
    found: list[LineReading] = []
    if options.search:
        from .search import find_missing

        found, moved = find_missing(script, noisy, transcripts, audio, levels, options)
        for k, start in moved.items():
            # re-placed after a missed line: judge its noise again from the new start
            snd = measure(levels[readings[k].path], start, readings[k].end)
            r = replace(readings[k], start=start)
            noisy[k] = _with_noise(r) if snd is not None and snd.noisy else r
        # a found delivery may be a restart too (the search matched the final attempt)
        found = acoustic_restarts(found, transcripts, audio, levels)
        from .search import judge_placed

        for k, r in enumerate(noisy):
            if r.signals.get("defect_evidence") == "order" and not r.defects and r.path in audio:
                # placed by script order from garbled words: bounds and defects from the sound
                noisy[k] = judge_placed(script, r, noisy + found, transcripts, audio, levels, options)
    pool = noisy + found   # every reading of the scene, as references
    mics = Mics.of(pool, audio, levels)   # which readings were heard on the same mic
    last_end: dict = {}
    for r in pool:
        last_end[r.path] = max(last_end.get(r.path, 0.0), r.end)
    out: list[LineReading] = []
    lc = None
    for k, r in enumerate(pool):
        defects = list(r.defects)
        searched = k >= len(noisy)   # found by the search: judged again below on the heard ones' rules
        if searched and (not any(d in WORD_DEFECTS for d in defects) or "truncated" in defects
                         or "noise" in defects):
            out.append(r)   # clean, cut short or noisy: the search's sound measures decided it
            continue
        if not searched and "truncated" not in defects and r.end >= last_end.get(r.path, 0.0) \
                and cut_in_sound(levels.get(r.path), r.end):
            # the file's last reading, still sounding when the file stops: cut mid-line
            r = replace(r, defects=(*r.defects, "truncated"),
                        signals=_signals(r, defect_evidence=r.signals.get("defect_evidence", "acoustic")))
            defects.append("truncated")
            if not any(d in WORD_DEFECTS for d in defects):
                out.append(r)
                continue
        if r.path not in audio or "noise" in defects or not any(d in CHECKED for d in defects):
            out.append(r)
            continue
        placed = r.signals.get("defect_evidence") == "order"   # judged as in search.judge_placed
        refs = [o for o in _references(r, pool, options.max_refs, levels, placed=placed, mics=mics)
                if o.path in audio]
        if not refs:
            p = _deviating_prob(r, transcripts.get(r.path), line_tokens.get(r.line_id, set()))
            if p is not None and p < options.asr_sure:
                defects = [d for d in defects if d not in ("substitution", "ad_lib")]
            out.append(replace(r, defects=tuple(defects),
                               signals=_signals(r, defect_evidence="search" if searched else "asr")))
            continue
        pairs = [_pair(clip(o, 0.0), clip(o, options.pad), clip(r, 0.0), clip(r, options.pad)) for o in refs]
        if not placed and sum(_spikes(p, options) for p in pairs) < 2:
            # differing from one other take only: which of the two differs? (a placed reading's
            # words are garbled, no sign of it)
            pairs = [_attributed(p, r, o, transcripts, line_texts.get(r.line_id, ""), options)
                     for o, p in zip(refs, pairs)]
        prob = _deviating_prob(r, transcripts.get(r.path), line_tokens.get(r.line_id, set()), lowest=True)
        seen, keep, kind, ratios = verdict(pairs, prob, options)
        rel = None
        if options.line_rel is not None and any(d in WORD_DEFECTS for d in defects):
            if lc is None:
                from .linecost import Frames, LineCosts

                lc = LineCosts(audio, Frames(audio, options.line_model, encoder), options.pad)
            rel = _line_rel(r, refs, pool, lc, options, mics)
        if keep:
            # a reference that differs from the line's other clean readings too is the odd one
            # (a defect nobody caught): its pair is no evidence against this reading
            kept = [(o, p) for o, p in zip(refs, pairs)
                    if not (_spikes(p, options) and _odd_reference(o, r, pool, clip, options, levels, mics))]
            if len(kept) < len(pairs):
                seen, keep, kind, ratios = verdict([p for _, p in kept], prob, options)
                if not kept:   # no evidence left: the recogniser's word stands only if it was sure
                    seen, keep = 1, prob is not None and prob >= options.asr_sure
        # the recogniser unsure of the words it heard off the script, and another take alike
        shared = keep and prob is not None and prob < options.asr_sure and shared_difference(
            r, refs, pairs, pool, pair_of, lambda p: _spikes(p, options), mics.other_mic, options.spike_ratio,
            same_spot) is not None
        keep = keep and not shared   # another take says it alike and differs alike: not this take's slip
        if keep and all(mics.other_mic(r, o) for o in refs) and not _sure_across_mics(ratios, prob, options):
            # heard on another mic than every reference: a moderate difference is the mic's
            keep = False
        worst = max(ratios, default=0.0)
        cut = "truncated" in defects and cut_in_sound(levels.get(r.path), r.end)
        words_keep, line_only = keep, False
        if rel is not None:  # only computed when options.line_rel is set
            # the whole line against the clean takes, on their own scale, decides the words
            # the trouble-spot check compares the line's other takes' words: only where it counts
            line_only = not keep and not shared and (rel[0] >= options.line_rel or (
                _sure_other_words(rel[0], prob, options)
                and not _misheard_elsewhere(r, pool, transcripts, line_texts.get(r.line_id, ""))))
            seen, words_keep = max(seen, 1), keep or line_only
        keep = keep or cut   # the file stops while the voice is still sounding: cut, whatever DTW says
        if seen and "truncated" in defects and keep:
            # the cut explains the difference (a last word cut in half is heard as another word)
            defects = [d for d in defects if d not in WORD_DEFECTS]
        elif seen:
            if "truncated" in defects:
                defects = [d for d in defects if d != "truncated"]
            if not words_keep:
                defects = [d for d in defects if d not in WORD_DEFECTS]
            elif any(d in WORD_DEFECTS for d in defects):
                # the kind is the one the sound shows (most references), not the recogniser's: it
                # mishears around a flub (an added word heard as a changed one, a dropped word
                # filled back in, one word heard as two)
                if line_only:
                    # no word stands out: the recogniser's own comparison with the script names it
                    kind = _heard_kind(r, transcripts.get(r.path), line_sizes.get(r.line_id))
                if kind:
                    extra = _heard_more(r, transcripts.get(r.path), line_sizes.get(r.line_id))
                    added = _sure_insert(r, transcripts.get(r.path), line_texts.get(r.line_id, ""),
                                         options.asr_sure)
                    defects = [_tie(kind, defects, extra, added)] + [d for d in defects if d not in WORD_DEFECTS]
        log.debug("evidence %s %s %s: keep=%s ratios %s prob %s rel %s", r.path, r.line_id, r.defects, keep,
                  ratios, prob, rel)
        extra_sig = {} if rel is None else {"line_cost_rel": round(rel[0], 3), "line_cost_clean": round(rel[1], 3),
                                            "asr_deviating_prob": None if prob is None else round(prob, 3)}
        out.append(replace(r, defects=tuple(defects),
                           signals=_signals(r, defect_evidence="search" if searched else "acoustic",
                                            acoustic_worst=round(worst, 3), **extra_sig)))
    return tuple(restarts_inside_others(out, transcripts))


def _attributed(res: Optional[tuple[float, float, str]], r: LineReading, o: LineReading,
                transcripts: Mapping[str, Transcript], line_text: str,
                options: EvidenceOptions) -> Optional[tuple[float, float, str]]:
    """The pair ``res`` of ``r`` with reference ``o``, its spike set aside (the worst word costs
    the median) when it cannot be laid on ``r``: a pair's word costs are the same both ways,
    so a spike against a reference that is itself not known to be clean (the recogniser gave it
    a word-level defect nobody has decided yet) says only that one of the two differs. Then the
    recogniser names the one: the spike counts against ``r`` only when ``r``'s heard words are
    further from the script than ``o``'s (``_script_distance``); as far or nearer, it is no
    evidence against ``r`` (with one such reference, as in a 3-take scene whose other reading
    of the line is on the other actor's mic, a clean reading and a flubbed one would otherwise
    both be flagged)."""
    if res is None or not _spikes(res, options) or o.signals.get("defect_evidence") \
            or not any(d in WORD_DEFECTS for d in o.defects):
        return res
    if _script_distance(r, transcripts.get(r.path), line_text) > _script_distance(o, transcripts.get(o.path), line_text):
        return res
    return res[1], res[1], res[2]


def _line_rel(r: LineReading, refs: Sequence[LineReading], pool: Sequence[LineReading], lc, options,
              mics: Mics) -> Optional[tuple[float, float]]:
    """``linecost.LineCosts.relative`` of ``r`` against its clean references heard on its mic
    (``mics.other_mic`` false: speech level and the voice's brightness alike), on the scale of
    the line's other clean readings heard on that mic (up to ``max_refs + 2``, best score first)
    against those references. None when no clean reference is heard on its mic, or only one and
    nothing else to set the scale: across mics (another setup's mic, the off-camera actor, even
    only 3 dB down) the whole line differs everywhere, and the cost measures the mic, not the
    words."""
    if mics.level(r) is None:
        return None

    def near(o: LineReading) -> bool:
        return mics.level(o) is not None and not mics.other_mic(r, o) and not _flagged(o)

    clean = [o for o in refs if near(o)]
    if not clean:
        return None
    others = sorted((q for q in pool if q.line_id == r.line_id and (q.path, q.take_id) != (r.path, r.take_id)
                     and q.end - q.start > 0.2 and q not in clean and near(q)), key=lambda q: -q.score)
    return lc.relative(r, clean, others[:options.max_refs + 2])


def _sure_across_mics(ratios: Sequence[float], prob: Optional[float], options: EvidenceOptions) -> bool:
    """Evidence that stands against references all heard on another mic (``mic.Mics``): the
    sound and the recogniser agree, a word far off (worst/median ``strong_ratio`` or more) and
    the recogniser sure of the words it heard in its place (lowest probability ``asr_sure`` or
    more; None, no such word: a dropped word, is its label alone). Across mics every word costs
    more, so a moderate spike is as much the mic as the words (generated hard scenes, the
    off-camera voice 3-7 dB down: a clean off-mic reading spiked 1.4-1.8 against every on-mic
    take, the recogniser at 0.82 on a word it misheard)."""
    return max(ratios, default=0.0) >= options.strong_ratio and (prob is None or prob >= options.asr_sure)


def _sure_other_words(rel: float, prob: Optional[float], options: EvidenceOptions, trouble: bool = False) -> bool:
    """The whole line costs ``line_rel_sure`` x the clean readings' or more and the recogniser
    was sure of every word it heard in place of the script's (lowest probability ``prob`` >=
    ``asr_sure``; None, no such word, e.g. a dropped word, is not sure): two independent signs,
    the sound and the recogniser's own confidence, that other words were said. Not where the
    recogniser heard other words in place of the same script words in another take too
    (``trouble``, ``_misheard_elsewhere``): there it is sure of its mishearings as well."""
    return options.line_rel_sure is not None and prob is not None and rel >= options.line_rel_sure \
        and prob >= options.asr_sure and not trouble


def _level(x: LineReading, levels) -> Optional[float]:
    snd = measure(levels[x.path], x.start, x.end) if levels and x.path in levels else None
    return snd.speech_db if snd is not None else None


def _flagged(o: LineReading) -> bool:
    return any(d in CHECKED or d == "noise" for d in o.defects)


def cut_in_sound(levels: Optional[FileLevels], end: float, near: float = 0.3, tail: float = 0.1,
                 stop: float = 0.15) -> bool:
    """The file ends within ``near`` s after ``end`` with sound still on in its last ``tail`` s
    (a frame ``restart.QUIET_DB`` over the floor) and no stop of ``stop`` s or more between:
    the take was cut mid-delivery."""
    from .restart import QUIET_DB

    if levels is None or levels.duration - end > near:
        return False
    f = levels.duration / max(1, len(levels.level_db))
    lv = levels.level_db
    on = lv >= levels.floor_db + QUIET_DB
    a = max(0, int(end / f) - 1)
    last = on[max(0, len(lv) - max(1, int(tail / f))):]
    if not last.any():
        return False
    quiet_run = run = 0
    for x in on[a:]:
        run = 0 if x else run + 1
        quiet_run = max(quiet_run, run)
    return quiet_run * f < stop


def _spikes(res: Optional[tuple[float, float, str]], options: "EvidenceOptions") -> bool:
    return res is not None and res[0] > max(options.spike_min, options.spike_ratio * res[1])


def _odd_reference(o: LineReading, r: LineReading, pool: Sequence[LineReading], clip, options,
                   levels, mics: Optional[Mics] = None) -> bool:
    """``o`` differs (a word spike, ``strong_ratio`` or more) from another clean reading of the
    line than ``r``, heard at a similar level."""
    others = [q for q in _references(o, pool, options.max_refs + 1, levels, mics=mics)
              if (q.path, q.take_id) != (r.path, r.take_id) and q.path in levels]
    for q in others[:1]:
        res = _pair(clip(q, 0.0), clip(q, options.pad), clip(o, 0.0), clip(o, options.pad))
        if res is not None and res[0] > max(options.spike_min, options.strong_ratio * res[1]):
            return True
    return False


def _tie(kind: str, heard: Sequence[str], extra: bool = False, sure_add: bool = False) -> str:
    """The audio's kind, except that an added word and a short word replaced by a longer one
    sound alike (``kinds.deviation_kind``): ``ad_lib`` (or ``"substitution|ad_lib"``) stands only
    when the recogniser heard an extra word too (``ad_lib`` among its defects or more words than
    the line, ``extra``), else ``substitution``; and a ``substitution`` is an ``ad_lib`` when the
    recogniser heard a sure word between the line's words with none of them replaced
    (``sure_add``, ``heard._sure_insert``: generated scene 87, "It is three miles in the
    honestly cold." heard word for word, "honestly" at 0.86, the sound said substitution)."""
    first, _, alt = kind.partition("|")
    if first == "substitution" and sure_add:
        return "ad_lib"
    add = first == "ad_lib" or alt == "ad_lib"
    if add:
        return "ad_lib" if ("ad_lib" in heard or extra) else "substitution"
    return first


def _with_noise(r: LineReading) -> LineReading:
    """``r`` flagged ``noise``; its word-level defects are not evidence under the noise."""
    defects = [d for d in r.defects if d not in WORD_DEFECTS]
    if "noise" not in defects:
        defects.append("noise")
    return replace(r, defects=tuple(defects), signals=_signals(r, defect_evidence="noise"))
