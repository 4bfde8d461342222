"""Acoustic search for readings the recogniser missed (buried in noise, cut short, mumbled).

Contract: ``find_missing(script, readings, transcripts, audio, levels, options)`` returns NEW
readings only. For every file and every script line that some other file has a reading of but
this file has none, the gap where the line belongs (after this file's reading of the nearest
earlier script line, before its reading of the nearest later one, else the file's start/end)
is searched with subsequence DTW for the line's readings in other files, up to ``SEARCH_REFS``
of them (not flagged first, then those heard at the level of the sound in the gap, then by
score: an off-camera voice matches the other off-camera readings far more closely than the
close-up's), and the closest match counts. The next reading's
start is first re-placed by matching its own reference over [gap start, its end] (the
recogniser stretches words over noise), so the gap is the real one. A match is kept when at
least ``search_min_cover`` of the reference's length sounds (frames ``search_active_db`` over the
file's floor) inside it; it is flagged ``noise`` when the sound there is noise over words,
``truncated`` when the file ends within 0.3 s of it and it is shorter than 0.8 × the reference
(or is that short and the sound comes back after a stop inside the line and runs into the
file's end: the match is then extended to the file's end, ``_rest_cut_off``),
and otherwise judged against the reference's cost against another take (``search_max_cost`` ×
it, or ``search_abs_cost``, to be this line at all: a voice heard off camera, low-passed and
with room, matches less closely); when most other takes differ from it at some word it gets the
kind the audio shows (``evidence._pair``: ``substitution``, ``missing_words`` or ``ad_lib``),
which ``evidence`` then judges again on the rules of heard readings (same mic, twins).
Its ``word_span``/``text`` are the transcript words inside it (empty when there are none).
A file with readings is searched only for the lines of its readings' scenes (in a bin of several
scenes, searching every take for every other scene's lines was most of the scene pass, 150 of
218 s on a four-scene bin, and could only find a line where it was not said).
Lines are searched in script order and each found reading counts as said for the next ones; no
search runs past a reading flagged ``truncated`` where the take was cut (less than ``CUT_TAIL``
s sounds after it: a recogniser that stopped hearing a take labels its last heard line
``truncated`` while the take goes on). A file in ``audio`` with no
reading at all (the recogniser heard none of its lines: a voice it garbles, a far mic) is
searched the same way, over the whole file, when the lines said elsewhere belong to one scene
(the bin is that scene's coverage; in a bin of several scenes such a file could be any of them,
so it is left alone); until one of its lines is found, a match must cost at most
``search_abs_cost`` whatever it shows (nothing bounds the gap: RAVDESS actor 05's cut-short take
was matched to room tone and half the line at 0.77); its readings' ``take_id`` is the file's
stem. Score: the matched share of the reference (0..1), halved when noisy. ``signals["defect_evidence"] = "search"``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Mapping, Optional, Sequence

import numpy as np

from ..audio.reading_sound import FRAME_S as LEVEL_FRAME_S
from ..audio.reading_sound import FileLevels, measure
from ..model import WORD_DEFECTS, LineReading, Script, Transcript
from . import acoustic as ac
from .evidence import cut_in_sound

SR = 16000
SQUEEZE_PENALTY = 0.5   # per query frame that does not advance in the target (see acoustic.dtw)
CHECKED = (*WORD_DEFECTS, "truncated", "noise")
CUT_TAIL = 0.5   # s of sound after a "truncated" reading that show the take went on
SEARCH_REFS = 3  # other takes' readings of a line tried when searching for it (the best match counts)
OVERLONG = 1.4   # a reference this many times the line's median reading length is not searched with


def _best_reference(line_id: str, readings: Sequence[LineReading], audio,
                    exclude: Optional[str] = None) -> Optional[LineReading]:
    cands = [r for r in readings if r.line_id == line_id and r.path in audio and r.end - r.start > 0.3
             and r.path != exclude]
    if not cands:
        return None
    cands.sort(key=lambda r: (any(d in CHECKED for d in r.defects), -r.score))
    return cands[0]


def not_overlong(cands: Sequence[LineReading]) -> list[LineReading]:
    """``cands`` (readings of one line) less those longer than ``OVERLONG`` x their median length,
    when there are three or more and some are not: such a reading holds more than the line (the
    recogniser gave it the next line's first words: searched with, it swallows that line too; a
    restart nobody caught, generated scene 132: "I am. ... I am saying it now.", against which
    every clean reading lacks words)."""
    cands = list(cands)
    if len(cands) < 3:
        return cands
    typical = sorted(r.end - r.start for r in cands)[len(cands) // 2]
    return [r for r in cands if r.end - r.start <= OVERLONG * typical] or cands


def _references_by_level(line_id: str, readings: Sequence[LineReading], audio, levels, exclude: str,
                         level: Optional[float], n: int = SEARCH_REFS) -> list[LineReading]:
    """Up to ``n`` readings of the line in other files to search with (with three or more, none
    longer than ``OVERLONG`` x their median length, when any is shorter): not flagged first, then
    those heard at a level near ``level`` (within ``evidence.NEAR_DB``; the sound where the line
    belongs in the searched file: a voice off camera, on the other actor's mic, matches its own
    kind of reading far more closely than the close-up's), then by score."""
    from .evidence import NEAR_DB, _level

    cands = not_overlong([r for r in readings if r.line_id == line_id and r.path in audio
                          and r.end - r.start > 0.3 and r.path != exclude])

    def far(r: LineReading) -> bool:
        lv = _level(r, levels) if level is not None else None
        return lv is not None and abs(lv - level) > NEAR_DB

    cands.sort(key=lambda r: (any(d in CHECKED for d in r.defects), far(r), -r.score))
    return cands[:n]


def _feats(audio: np.ndarray, t0: float, t1: float) -> np.ndarray:
    return ac.features(audio[max(0, int(t0 * SR)):max(0, int(t1 * SR))])


def _locate(ref: LineReading, audio: Mapping[str, np.ndarray], target: np.ndarray,
            t0: float, t1: float) -> Optional[tuple[float, float, float]]:
    """(start, end, cost) of ``ref``'s best match inside [t0, t1) of ``target``."""
    q = _feats(audio[ref.path], ref.start, ref.end)
    t = _feats(target, t0, t1)
    if len(q) < 5 or len(t) < 5:
        return None
    w = ac.dtw(q, t, squeeze_penalty=SQUEEZE_PENALTY)
    if w is None:
        return None
    return t0 + w.target_start * ac.FRAME_S, t0 + w.target_end * ac.FRAME_S, w.cost


def _ref_cost(ref: LineReading, readings, audio) -> Optional[float]:
    other = [r for r in readings if r.line_id == ref.line_id and r.path != ref.path and r.path in audio
             and not any(d in CHECKED for d in r.defects)]
    if not other:
        return None
    o = other[0]
    res = _locate(ref, audio, audio[o.path], max(0.0, o.start - 0.3), o.end + 0.3)
    return res[2] if res else None


def _active_share(levels: FileLevels, t0: float, t1: float, min_db: float) -> float:
    a, b = int(t0 / LEVEL_FRAME_S), int(np.ceil(t1 / LEVEL_FRAME_S))
    seg = levels.level_db[max(0, a):max(0, b)]
    if seg.size == 0:
        return 0.0
    return float((seg > levels.floor_db + min_db).mean()) * seg.size * LEVEL_FRAME_S


def _sounding_level(levels: FileLevels, t0: float, t1: float, min_db: float) -> Optional[float]:
    """Power-mean level (dB) of the frames of [t0, t1) that sound (``min_db`` over the floor),
    comparable with ``evidence._level`` of a reading; None when none sounds."""
    a, b = int(t0 / LEVEL_FRAME_S), int(np.ceil(t1 / LEVEL_FRAME_S))
    seg = levels.level_db[max(0, a):max(0, b)]
    seg = seg[seg > levels.floor_db + min_db]
    if seg.size == 0:
        return None
    return float(10.0 * np.log10(np.mean(10.0 ** (seg / 10.0))))


def _sounding_run(levels: FileLevels, s: float, e: float, g0: float, g1: float, min_db: float,
                  max_gap: float = 0.15) -> tuple[float, float]:
    """[s, e) widened to the run of sounding frames around it (gaps <= ``max_gap``) inside
    [g0, g1): DTW over noise tends to squeeze a match into a short stretch."""
    f = LEVEL_FRAME_S
    lv = levels.level_db
    on = lv > levels.floor_db + min_db
    lo, hi = max(0, int(g0 / f)), min(len(lv), int(g1 / f))
    a, b = max(lo, int(s / f)), min(hi, int(np.ceil(e / f)))
    if b <= a or not on[a:b].any():
        return s, e
    gap = int(max_gap / f)
    a = a + int(np.argmax(on[a:b]))
    b = b - int(np.argmax(on[a:b][::-1]))
    k = a
    while k > lo:
        back = on[max(lo, k - gap):k]
        if not back.any():
            break
        k = max(lo, k - gap) + int(np.flatnonzero(back)[0])
    a = k
    k = b
    while k < hi:
        ahead = on[k:min(hi, k + gap)]
        if not ahead.any():
            break
        k = k + int(np.flatnonzero(ahead)[-1]) + 1
    return a * f, k * f


def _cut_there(levels: FileLevels, end: float, duration: float, min_db: float) -> bool:
    """Whether a reading labelled ``truncated`` ending at ``end`` is where the take was cut:
    less than ``CUT_TAIL`` s sounds after it to the file's end. The text aligner calls a line
    truncated when the recogniser's words stop before the line does; a recogniser that stopped
    hearing a take (generated scene 93: six words heard in a 14-s take) leaves the line's
    delivery, and the lines after it, sounding on."""
    return _active_share(levels, end + 0.1, duration, min_db) < CUT_TAIL


def _rest_cut_off(levels: FileLevels, end: float, rest: float) -> bool:
    """A match ending at ``end`` that is shorter than its reference by ``rest`` s is the start of
    a delivery the file cut: the sound comes back after a stop shorter than ``restart.PAUSE_S``
    (a pause inside the line, not between deliveries) and is still on when the file stops,
    within ``rest`` + that stop of ``end`` (``evidence.cut_in_sound``). The match found the
    line's opening ("Fine.") and the reference goes on where the file has only the first words
    after it (generated scenes 90, 146: both such takes were judged clean)."""
    from .restart import PAUSE_S

    return cut_in_sound(levels, end, near=rest + PAUSE_S, stop=PAUSE_S)


def _words_in(tr: Optional[Transcript], s: float, e: float) -> tuple[int, int]:
    """[first, last) transcript words whose middle lies in [s, e); empty at the first word
    after ``s`` when there is none."""
    if tr is None:
        return 0, 0
    inside = [k for k, w in enumerate(tr.words) if s <= (w.start + w.end) / 2 < e]
    if inside:
        return inside[0], inside[-1] + 1
    k = next((k for k, w in enumerate(tr.words) if w.end > s), len(tr.words))
    return k, k


def _judge(script: Script, cand: LineReading, readings, transcripts, audio, levels, options,
           placed: bool = False) -> Optional[tuple[str, ...]]:
    """Defects of a found, not noisy, not cut-short delivery from the word-level comparison with
    other takes: () when no reference differs (the recogniser misheard it), the kind the audio
    shows (``substitution``, ``missing_words`` or ``ad_lib``) when most differ at some word,
    None when nothing could be compared. ``placed``: a reading placed by script order, whose
    references are chosen with ``evidence._references(placed=True)``."""
    from .evidence import _clip, _pair, _references, verdict
    from .heard import _deviating_prob
    from .normalize import homophone_key, normalize_words

    refs = [o for o in _references(cand, readings, options.max_refs, levels, placed=placed) if o.path in audio]
    pairs = []
    tr_c = transcripts.get(cand.path)
    for o in refs:
        tr_o = transcripts.get(o.path)
        pairs.append(_pair(_clip(o, tr_o, audio[o.path]), _clip(o, tr_o, audio[o.path], options.pad),
                           _clip(cand, tr_c, audio[cand.path]), _clip(cand, tr_c, audio[cand.path], options.pad)))
    line = next((ln for ln in script.lines if ln.id == cand.line_id), None)
    tokens = {homophone_key(t) for t in normalize_words(line.text)} if line is not None else set()
    prob = _deviating_prob(cand, tr_c, tokens, lowest=True)
    seen, differ, kind, _ = verdict(pairs, prob if prob is not None else 0.0, options)
    if not seen:
        return None
    return ((kind or "substitution").partition("|")[0],) if differ else ()


def judge_placed(script: Script, r: LineReading, readings, transcripts, audio, levels, options) -> LineReading:
    """A reading placed from the recogniser's garbled words (``orderfill``): its bounds are set
    to where the line's best reference from another take matches inside them (± 0.3 s, widened
    to the sounding run), then its defects are judged like a found reading's (``_judge``), the
    references chosen with ``evidence._references(placed=True)`` (the recogniser's undecided
    word-level labels on the other takes do not rule them out); unchanged when there is no
    reference or no match. A placed reading judged clean gets the score of a found one (its
    length against the reference's, at most 1): the likeness of its garbled words to the script
    measured the recogniser, not the delivery."""
    ref = _best_reference(r.line_id, readings, audio, exclude=r.path)
    if ref is None or r.path not in levels:
        return r
    g0, g1 = max(0.0, r.start - 0.3), r.end + 0.3
    hit = _locate(ref, audio, audio[r.path], g0, g1)
    if hit is None:
        return r
    s, e = _sounding_run(levels[r.path], hit[0], hit[1], g0, g1, options.search_active_db)
    tr = transcripts.get(r.path)
    span = _words_in(tr, s, e)
    placed = replace(r, start=round(s, 3), end=round(e, 3), word_span=span if span[1] > span[0] else r.word_span)
    judged = _judge(script, placed, readings, transcripts, audio, levels, options, placed=True)
    if judged is None:
        return placed
    if judged:
        return replace(placed, defects=judged)
    return replace(placed, defects=(), score=round(min(1.0, (e - s) / max(ref.end - ref.start, 1e-6)), 4))


def find_missing(script: Script, readings: Sequence[LineReading], transcripts: Mapping[str, Transcript],
                 audio: Mapping[str, np.ndarray], levels: Mapping[str, FileLevels],
                 options) -> tuple[list[LineReading], dict[int, float]]:
    """(found readings, {index in ``readings`` of a next reading whose start moved: new start})."""
    order = {ln.id: k for k, ln in enumerate(script.lines)}
    lines = {ln.id: ln for ln in script.lines}
    by_path: dict = defaultdict(list)
    for r in readings:
        if r.line_id in order:
            by_path[r.path].append(r)
    said_somewhere = {r.line_id for r in readings if r.line_id in order}
    if len({lines[k].scene_id for k in said_somewhere}) == 1:
        for path in audio:  # a take of the scene the recogniser heard none of its lines in
            by_path.setdefault(path, [])
    found: list[LineReading] = []
    moved: dict[int, float] = {}
    position = {id(r): k for k, r in enumerate(readings)}
    ref_costs: dict = {}
    for path, rs in by_path.items():
        if path not in audio:
            continue
        here = {r.line_id for r in rs}
        scenes_here = {lines[r.line_id].scene_id for r in rs}
        duration = len(audio[path]) / SR
        for line_id in sorted(said_somewhere - here, key=order.get):
            if scenes_here and lines[line_id].scene_id not in scenes_here:
                continue  # a take of another scene: its lines are not in this file (and the search is costly)
            k = order[line_id]
            cut_at = min((r.end for r in rs if "truncated" in r.defects
                          and _cut_there(levels[path], r.end, duration, options.search_active_db)), default=None)
            if cut_at is not None and max((r.end for r in rs if order[r.line_id] < k), default=0.0) >= cut_at:
                continue  # the take was cut before this line
            before = [r for r in rs if order[r.line_id] < k]
            after = [r for r in rs if order[r.line_id] > k]
            g0 = max((r.end for r in before), default=0.0)
            nxt = min(after, key=lambda r: (order[r.line_id], r.start), default=None)
            g1 = duration
            replaced = None
            if nxt is not None:
                g1 = nxt.start
                nref = _best_reference(nxt.line_id, readings, audio, exclude=path)
                if nref is not None:
                    hit = _locate(nref, audio, audio[path], g0, nxt.end + 0.3)
                    if hit is not None and hit[0] > g1:
                        g1 = replaced = hit[0]
            if g1 - g0 < 0.3:
                continue
            at_end = duration - g1 < 0.3
            hits = []
            level = _sounding_level(levels[path], g0, g1, options.search_active_db)
            for ref in _references_by_level(line_id, readings, audio, levels, path, level):
                if g1 - g0 < 0.5 * (ref.end - ref.start) and not at_end:
                    continue
                hit = _locate(ref, audio, audio[path], g0, g1)
                if hit is not None:
                    hits.append((hit[2], hit, ref))
            if not hits:
                continue
            _, (s, e, cost), ref = min(hits, key=lambda h: h[0])
            ref_len = ref.end - ref.start
            if not rs and cost > options.search_abs_cost:
                # no reading of this file bounds the gap (a take heard as nothing): over the whole
                # file DTW also fits room tone plus a cut-short line, so only a sure match counts
                continue
            s, e = _sounding_run(levels[path], s, e, g0 + 0.05, g1 - 0.05, options.search_active_db)
            sounding = _active_share(levels[path], s, e, options.search_active_db)
            if sounding < options.search_min_cover * min(ref_len, e - s if at_end else ref_len):
                continue
            short = (e - s) < 0.8 * ref_len
            if short and _rest_cut_off(levels[path], e, ref_len - (e - s)):
                e = duration   # the words after the short stop are the rest of this line, cut by the file
            snd = measure(levels[path], s, e)
            defects: list[str] = []
            if snd is not None and snd.noisy:
                defects.append("noise")
            if (duration - e < 0.3 and short) or cut_in_sound(levels[path], e):
                # cut short, or the file stops while the voice still sounds (evidence's rule for
                # the heard readings: a reference bounded without the line's last words makes a
                # cut delivery look whole)
                defects.append("truncated")
            tr = transcripts.get(path)
            span = _words_in(tr, s, e)
            score = min(1.0, (e - s) / max(ref_len, 1e-6))
            cand = LineReading(
                path=path, line_id=line_id, start=round(s, 3), end=round(e, 3), score=round(score, 4),
                take_id=rs[0].take_id if rs else Path(path).stem, character=lines[line_id].character, word_span=span,
                defects=tuple(defects), signals={"defect_evidence": "search"},
                text=" ".join(w.text for w in tr.words[span[0]:span[1]]) if tr is not None else "")
            if not defects:
                if (line_id, ref.path) not in ref_costs:
                    ref_costs[line_id, ref.path] = _ref_cost(ref, readings, audio)
                base = ref_costs[line_id, ref.path]
                limit = max(options.search_max_cost * base if base is not None else 0.0, options.search_abs_cost)
                if cost > limit:
                    continue
                judged = _judge(script, cand, readings, transcripts, audio, levels, options)
                if judged is None:
                    continue
                cand = replace(cand, defects=judged)
            elif "noise" in defects:
                cand = replace(cand, score=round(score * 0.5, 4))
            found.append(cand)
            rs.append(cand)
            if replaced is not None and e > nxt.start:
                moved[position[id(nxt)]] = round(max(e, replaced), 3)
    return found, moved
