"""Words the text aligner gave to no line, given back to the reading they end.

Contract: ``absorb_trailing(readings, transcripts, line_sizes, levels=None)`` returns the
readings, same order and count. A reading heard with fewer words than its line has
(``line_sizes``: line id -> the script's word count) is widened over the transcript words right
after it that no reading of the file holds (``word_span`` or ``full_span``), before the file's
next reading starts, no more of them than the line has words the reading lacks, each said in the
same breath as the one before: with the file's frame levels (``levels``: path ->
``audio.reading_sound.FileLevels``), no pause between them (``PAUSE`` s of frames under
``restart.QUIET_DB`` over the floor; the recogniser's word times are loose, so the sound
decides), without, a start at most ``MAX_GAP`` s after the one before. Its ``end`` (with levels,
the end of the sound that runs on from the last such word, up to the next pause; never earlier
than it was), ``word_span`` and ``text`` move; its defects stay, for the evidence step to judge
on the sound of the whole delivery.

Why: the text aligner ends a reading at the last word it can match to the script, and a last
word the recogniser misheard beyond matching is left to no line (generated scene 85: "That
sounds like bad news." heard as "That sounds like Matthew.", the reading ended before
"Matthew"). Cut there, the reading is labelled ``missing_words``, and the sound agrees, since
the clip compared with the other takes lacks its last word; an editor cutting on it loses
that word too. Only trailing words: words just before a reading are where an aborted attempt
of a restart lies, which ``restart`` judges. Pure.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Mapping, Optional, Sequence

import numpy as np

from ..model import LineReading, Transcript

MAX_GAP = 0.3   # s between words of one breath (no levels); lines are set apart by longer pauses
PAUSE = 0.2     # s of quiet that end a breath


def _heard_count(r: LineReading, tr: Transcript) -> int:
    from .normalize import normalize_words

    a, b = r.word_span
    return sum(len(normalize_words(w.text)) for w in tr.words[a:b])


def _quiet(levels) -> np.ndarray:
    from .restart import QUIET_DB

    return levels.level_db < levels.floor_db + QUIET_DB


def _quiet_run_from(quiet: np.ndarray, k0: int, k1: int) -> Optional[int]:
    """First frame of the first ``PAUSE`` s run of quiet frames lying inside frames [k0, k1)."""
    from ..audio.reading_sound import FRAME_S

    need, run = max(1, int(round(PAUSE / FRAME_S))), 0
    for k in range(k0, min(k1, len(quiet))):
        run = run + 1 if quiet[k] else 0
        if run >= need:
            return k - need + 1
    return None


def _pause_between(levels, t0: float, t1: float) -> bool:
    """A run of ``PAUSE`` s or more of quiet frames inside [t0, t1)."""
    from ..audio.reading_sound import FRAME_S

    return _quiet_run_from(_quiet(levels), max(0, int(t0 / FRAME_S)), max(0, int(t1 / FRAME_S))) is not None


def _sound_runs_to(levels, t: float, limit: float) -> float:
    """Where the sound going on at ``t`` stops: the start of the first ``PAUSE`` s of quiet
    after ``t`` (at most ``limit``)."""
    from ..audio.reading_sound import FRAME_S

    quiet = _quiet(levels)
    k0 = k1 = max(0, int(t / FRAME_S))
    while k1 < len(quiet) and k1 * FRAME_S < limit:   # the frames starting before ``limit``
        k1 += 1
    start = _quiet_run_from(quiet, k0, k1)
    return max(t, start * FRAME_S) if start is not None else max(t, min(limit, k1 * FRAME_S))


def absorb_trailing(readings: Sequence[LineReading], transcripts: Mapping[str, Transcript],
                    line_sizes: Mapping[str, int], levels: Optional[Mapping] = None) -> list[LineReading]:
    """The readings, each short one widened over its trailing orphan words (module contract)."""
    from .normalize import normalize_words

    held: dict = defaultdict(set)
    for r in readings:
        for a, b in (r.word_span, r.full_span or (0, 0)):
            held[r.path].update(range(a, b))
    out = list(readings)
    for k, r in enumerate(readings):
        tr = transcripts.get(r.path)
        size = line_sizes.get(r.line_id)
        a, b = r.word_span
        if tr is None or not size or b <= a or b > len(tr.words):
            continue
        lacking = size - _heard_count(r, tr)
        if lacking <= 0:
            continue
        next_start = min((o.start for o in readings if o.path == r.path and o is not r and o.start >= r.end - 1e-6),
                         default=float("inf"))
        lv = (levels or {}).get(r.path)
        end, j = max(r.end, tr.words[b - 1].end), b
        while j < len(tr.words) and j not in held[r.path] and lacking > 0:
            w = tr.words[j]
            apart = _pause_between(lv, end, w.start) if lv is not None else w.start - end > MAX_GAP
            if apart or w.end > next_start:
                break
            lacking -= max(1, len(normalize_words(w.text)))
            end, j = max(end, w.end), j + 1
        if j > b:
            if lv is not None:
                end = _sound_runs_to(lv, end, next_start)
            out[k] = replace(r, end=round(max(r.end, end), 3), word_span=(a, j),
                             text=" ".join(w.text.strip() for w in tr.words[a:j]))
            held[r.path].update(range(b, j))
    return out
