"""Restarts the recogniser swallowed, found in the sound: the opening said, a pause, said again.

Contract: ``acoustic_restarts(readings, transcripts, audio, levels)`` returns the readings with
hidden restarts made explicit. For a reading without ``restart`` (and not noisy), the first
pause inside it (``PAUSE_S`` or longer of frames under the room tone + ``QUIET_DB``) within its
first ``HEAD_SHARE`` is a candidate; the stretch before it (the aborted attempt) is matched by
DTW against the start of the stretch after it. When it matches closely (mean cost <=
``MATCH_COST``, beginning within ``ALIGN_S`` of the restart), the reading becomes a restart: its
``start``/``word_span`` cover the final attempt (words starting after the pause), ``full_span``
the whole delivery, ``restart`` is added and the recogniser's word-level defects (the repeated
words heard as extra or wrong words) are dropped. When the reading itself holds no such pause, the
stretch just before it is checked the same way (``_head_before``: the recogniser often drops the
aborted attempt or leaves it to no line): a sounding stretch of ``MIN_HEAD_S``..``MAX_HEAD_S``,
ending a pause before the reading, not running into the previous reading, whose sound matches
the reading's start makes the reading a restart (``start`` stays, ``full_span`` reaches back to
the words inside that stretch when there are any). A ``restart`` the aligner found from the words
is kept only when the aborted attempt's sound matches the start of the final attempt the same
way, or when the recogniser heard the final attempt's first words (two or more) said before it
word for word with a stop in the sound between the two (``_heard_twice``); else the reading
covers the whole delivery again, without ``restart``. Nothing else
changes. ``restarts_inside_others(readings, transcripts)``: the readings less the ``restart``
of those whose aborted attempt lies inside another line's reading.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Optional, Sequence

import numpy as np

from ..audio.reading_sound import FRAME_S, FileLevels
from ..model import WORD_DEFECTS, LineReading, Transcript
from . import acoustic as ac

SR = 16000
PAUSE_S = 0.25
QUIET_DB = 12.0
HEAD_SHARE = 0.45
MIN_HEAD_S = 0.25
MATCH_COST = 0.65   # same words said again (0.27-0.61 measured on synthetic restarts); unrelated ~1
ALIGN_S = 0.15
VERIFY_OFFSET_S = 0.6


def _first_pause(levels: FileLevels, start: float, end: float,
                 head_share: float = HEAD_SHARE) -> Optional[tuple[float, float]]:
    a, b = int(start / FRAME_S), int(end / FRAME_S)
    lv = levels.level_db[a:b]
    quiet = lv < levels.floor_db + QUIET_DB
    need = int(round(PAUSE_S / FRAME_S))
    limit = int((end - start) * head_share / FRAME_S)
    run = 0
    for k, q in enumerate(quiet):
        if k > limit + need:
            break
        run = run + 1 if q else 0
        if run >= need:
            k2 = k
            while k2 + 1 < len(quiet) and quiet[k2 + 1]:
                k2 += 1
            p0, p1 = start + (k - run + 1) * FRAME_S, start + (k2 + 1) * FRAME_S
            return (p0, p1) if p0 - start >= MIN_HEAD_S else None
    return None


def _is_restart(audio: np.ndarray, start: float, pause: tuple[float, float], end: float,
                max_offset: float = ALIGN_S) -> bool:
    head = ac.features(audio[int(start * SR):int(pause[0] * SR)])
    head_len = pause[0] - start
    tail = ac.features(audio[int(pause[1] * SR):int(min(end, pause[1] + 2.0 * head_len + 0.3) * SR)])
    w = ac.dtw(head, tail, squeeze_penalty=0.3)
    if w is None:
        return False
    return w.cost <= MATCH_COST and w.target_start * ac.FRAME_S <= max_offset


def _run_start(levels: FileLevels, t: float, limit: float = 0.6) -> float:
    """``t`` moved back to the start of the sound it is in (the recogniser often drops or
    shortens the first word of an aborted attempt), at most ``limit`` seconds."""
    k = int(t / FRAME_S)
    stop = max(0, k - int(limit / FRAME_S))
    loud = levels.level_db >= levels.floor_db + QUIET_DB
    j = k
    while j > stop:
        # step over gaps between words (up to 3 frames) while the sound goes on
        back = loud[max(stop, j - 4):j]
        if not back.any():
            break
        j = max(stop, j - 4) + int(np.flatnonzero(back)[0])
        if j == k:
            break
        k = j
    return min(t, k * FRAME_S)


def _verified(r: LineReading, tr: Optional[Transcript], audio: np.ndarray, levels: FileLevels) -> bool:
    """A restart from the words (the aligner's): the aborted attempt's sound must match the
    start of the final attempt (a delivery without any pause is no restart), or the recogniser
    heard the final attempt's opening said before it word for word with the stop between them
    (``_heard_twice``). True when it cannot be checked (no transcript)."""
    if r.full_span is None or tr is None or r.full_span[0] >= len(tr.words):
        return True
    t0 = _run_start(levels, tr.words[r.full_span[0]].start)
    pause = _first_pause(levels, t0, r.end, head_share=1.0)
    if pause is None:
        return False  # no stop anywhere in the delivery: nothing was aborted
    # the recogniser may have dropped the first aborted word: the head may match a little in
    return _is_restart(audio, t0, pause, r.end, max_offset=VERIFY_OFFSET_S) or _heard_twice(r, tr, pause)


HEARD_TWICE_WORDS = 2   # words the recogniser must hear repeated for the repeat alone to count


def _heard_twice(r: LineReading, tr: Transcript, pause: tuple[float, float]) -> bool:
    """The recogniser heard the aborted attempt (``full_span`` before ``word_span``) as the
    final attempt's first words exactly, ``HEARD_TWICE_WORDS`` or more ("I am. I am saying it
    now."), and ``pause``, the first stop in the sound, lies between the two: the last aborted
    word ends before the stop is over and the final attempt starts after it began. The sound
    match alone misses such restarts: an aborted attempt said as a whole phrase ends on a falling,
    drawn-out word, and the opening of the final attempt runs on into the line (generated
    scenes 132, 145: 0.67-0.78 mean DTW cost, where other words of the same voice cost 0.52-0.81,
    median 0.78, with the same anchoring), so the sound only has to show the stop."""
    from .normalize import homophone_key, normalize_words

    a, b = r.full_span[0], r.word_span[0]
    if not 0 <= a < b < r.word_span[1] <= len(tr.words):
        return False

    def keys(ws) -> list[str]:
        return [homophone_key(t) for w in ws for t in normalize_words(w.text)]

    aborted = keys(tr.words[a:b])
    final = keys(tr.words[b:r.word_span[1]])
    return (len(aborted) >= HEARD_TWICE_WORDS and final[:len(aborted)] == aborted
            and tr.words[b - 1].end <= pause[1] and tr.words[b].start >= pause[0])


MAX_HEAD_S = 1.6    # an aborted attempt before the reading: at most this long ...
MAX_GAP_S = 1.2     # ... and ending at most this long before the reading's sound starts


def _head_before(r: LineReading, levels: FileLevels, audio: np.ndarray, prev_end: float) -> Optional[tuple[float, float]]:
    """(start, end) of an aborted attempt said just before ``r`` (the recogniser often drops it,
    or hands it to the reading before): the last sounding stretch before ``r.start``, with a stop
    on both sides (the one before the reading ``PAUSE_S`` or longer), ``MIN_HEAD_S``..``MAX_HEAD_S``
    long, starting no earlier than ``MAX_HEAD_S`` before ``prev_end`` (the end of the reading
    before), and whose sound matches the start of the reading (``_is_restart``)."""
    f = FRAME_S
    loud = levels.level_db >= levels.floor_db + QUIET_DB
    onset = int(_run_start(levels, r.start, limit=0.3) / f)
    lo = max(0, onset - int((MAX_HEAD_S + MAX_GAP_S) / f))
    k = onset - int(PAUSE_S / f)
    while k > lo and not loud[k]:
        k -= 1
    if k <= lo or (onset - k) * f > MAX_GAP_S:
        return None
    end = k + 1
    gap = int(0.12 / f)   # short stops inside the attempt
    while k > lo and loud[max(lo, k - gap):k].any():
        k = max(lo, k - gap) + int(np.flatnonzero(loud[max(lo, k - gap):k])[0])
    if k <= lo + 1 or k * f < prev_end - MAX_HEAD_S:
        return None   # no stop before it: part of the speech before, not a separate attempt
    h0, h1 = k * f, end * f
    if not MIN_HEAD_S <= h1 - h0 <= MAX_HEAD_S:
        return None
    if not _is_restart(audio, h0, (h1, onset * f), r.end):
        return None
    return h0, h1


def _with_head(r: LineReading, tr: Optional[Transcript], head: tuple[float, float]) -> LineReading:
    """``r`` as a restart whose aborted attempt is ``head``: ``full_span`` from the first
    transcript word inside the head (``word_span`` when it has none)."""
    a, b = r.word_span
    first = a
    if tr is not None:
        first = next((i for i in range(a - 1, -1, -1) if tr.words[i].end <= head[0] - 0.05), -1) + 1
        first = first if first < a and tr.words[first].start < head[1] else a
    sig = dict(r.signals)
    sig["defect_evidence"] = "acoustic"
    defects = [d for d in r.defects if d not in WORD_DEFECTS] + ["restart"]
    return replace(r, full_span=(first, b), defects=tuple(defects), signals=sig)


def _trim_before(out: list, k: int, t: float, tr: Optional[Transcript]) -> None:
    """The reading before ``out[k]`` in its file, when it runs past ``t`` (the recogniser gave
    it the aborted attempt), ends before ``t`` and keeps only its words that start before it."""
    r = out[k]
    prev = [j for j, o in enumerate(out) if j != k and o.path == r.path and o.start < t < o.end]
    for j in prev:
        o = out[j]
        a, b = o.word_span
        if tr is not None:
            b = next((i for i in range(a, b) if tr.words[i].start >= t - 0.05), b)
        if b <= a:
            continue
        end = min(t, tr.words[b - 1].end) if tr is not None else t
        out[j] = replace(o, end=round(end, 3), word_span=(a, b),
                         text=" ".join(w.text for w in tr.words[a:b]) if tr is not None else o.text)


def acoustic_restarts(readings: Sequence[LineReading], transcripts: Mapping[str, Transcript],
                      audio: Mapping[str, np.ndarray], levels: Mapping[str, FileLevels]) -> list[LineReading]:
    from ..audio.reading_sound import measure

    out = list(readings)
    for k, r in enumerate(readings):
        if r.path not in audio or r.path not in levels:
            continue
        if "restart" in r.defects:
            tr = transcripts.get(r.path)
            if not _verified(r, tr, audio[r.path], levels[r.path]):
                # no repeated opening in the sound: one delivery, not a restart
                a = r.full_span[0]
                out[k] = replace(r, defects=tuple(d for d in r.defects if d != "restart"), full_span=None,
                                 start=tr.words[a].start, word_span=(a, r.word_span[1]),
                                 text=" ".join(w.text for w in tr.words[a:r.word_span[1]]))
            continue
        snd = measure(levels[r.path], r.start, r.end)
        if snd is None or snd.noisy:
            continue
        t0 = _run_start(levels[r.path], r.start)   # the recogniser's first word may start late
        pause = _first_pause(levels[r.path], t0, r.end)
        if pause is None or not _is_restart(audio[r.path], t0, pause, r.end):
            prev_end = max((o.end for o in readings if o.path == r.path and o is not r and o.end <= r.start + 0.05),
                           default=0.0)
            head = _head_before(r, levels[r.path], audio[r.path], prev_end)
            if head is not None:
                out[k] = _with_head(r, transcripts.get(r.path), head)
                _trim_before(out, k, head[0], transcripts.get(r.path))
            continue
        tr = transcripts.get(r.path)
        a, b = r.word_span
        first = a
        if tr is not None:
            first = next((i for i in range(a, b) if tr.words[i].start >= pause[1] - 0.1), b)
        defects = [d for d in r.defects if d not in WORD_DEFECTS]
        defects.append("restart")
        sig = dict(r.signals)
        sig["defect_evidence"] = "acoustic"
        out[k] = replace(r, start=round(pause[1], 3), word_span=(first, b) if first < b else r.word_span,
                         full_span=r.word_span, defects=tuple(defects), signals=sig,
                         text=" ".join(w.text for w in tr.words[first:b]) if tr is not None and first < b else r.text)
    return out


def restarts_inside_others(readings: list[LineReading], transcripts: Mapping[str, Transcript]) -> list[LineReading]:
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
                             signals={**r.signals, "defect_evidence": r.signals.get("defect_evidence", "acoustic")})
    return out
