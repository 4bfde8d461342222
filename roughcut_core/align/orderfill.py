"""Lines the recogniser misheard, placed by script order (issue 13).

Contract: ``place_by_order(script, readings, transcripts)`` returns all readings: those
:func:`split_swallowed` re-cut, then those :func:`fill_unheard` adds.

``split_swallowed``: in a file where line k has no reading but a script neighbour's reading (k+1,
or k-1) does, the recogniser may have heard line k's words as part of the neighbour (the two
share words, e.g. "... it sounded like." / "It sounded like ..."). The neighbour's words plus
the uncovered words between it and line k's other neighbour are split in two where
``likeness(part, line k) + likeness(rest, neighbour's line)`` is largest; the split is taken
when line k's part is alike (>= ``MIN_LIKENESS``) and the two parts together explain the words
clearly better than the neighbour alone (sum > neighbour's own likeness + ``SPLIT_GAIN``); the
neighbour's part takes no uncovered word a stop (``PAUSE``) away from its own words. The
neighbour keeps its rest (start/end/word_span/text re-cut, defects as they were); when the
neighbour is a ``restart`` whose "first attempt" is line k's part, the restart goes (the cut
never falls inside a first attempt); line k's part
becomes a new reading (score 0.5 x likeness, ``defect_evidence`` "order"), less the uncovered
words that run on from line k's other neighbour up to a stop (``_own_words``).

``fill_unheard`` returns NEW readings only. A script
line that has no reading in any file of its scene (the recogniser misheard it everywhere, so
``search.find_missing`` has no take to take a reference from) is looked for in each file where
its script neighbours bracket it: the reading of the line just before it and of the line just
after it (or the file's start / end for the scene's first / last line). The transcript words
between them that no reading of that file covers become its reading when they are plausibly
that line (less the words that run on from the reading before or into the one after up to a
stop, ``_own_words``): their count within ``[0.4, 2.5] x`` the line's words (+1), and their letters alike
(``difflib`` ratio of the lower-cased letters >= ``MIN_LIKENESS``). Score = 0.5 x that ratio (a
reading the recogniser did not hear as the line ranks below one it did); no defect is claimed
(the recogniser's words are no evidence of a flub here), ``signals["defect_evidence"] =
"order"``. A gap holding several consecutive lines this file has no reading of, at least one of
them found in no take, is shared out by :func:`share_gap`: the uncovered words are laid over
those lines in script order (each line takes one run of consecutive words or none; words may be
left over) so that the sum of the likenesses is largest, a line's run counting only when it is
plausibly that line (the word count and ``MIN_LIKENESS`` tests above); each line that gets a run
becomes a reading as above (e.g. "The boat leaves at dawn" / "Then we have one night" heard as
"Then hopefully we met on tomorrow. Then we won't wipe to the side." before the next line: both
placed, where before the acoustic search took the whole stretch as the second line). Run before
the acoustic search, so its readings serve as references there.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from dataclasses import replace
from typing import Mapping, Optional, Sequence

from ..model import LineReading, Script, Transcript

MIN_LIKENESS = 0.5
SPLIT_GAIN = 0.5
PAD = 0.05
PAUSE = 0.4   # s between two heard words: a stop, not one line's words running on


def _letters(text: str) -> str:
    return re.sub(r"[^a-z ]", "", text.lower()).strip()


def likeness(heard: str, line: str) -> float:
    """0..1: how alike two texts are letter by letter (case and punctuation ignored)."""
    return SequenceMatcher(None, _letters(heard), _letters(line)).ratio()


def _covered(readings: Sequence[LineReading]) -> set[int]:
    out: set[int] = set()
    for r in readings:
        for a, b in (r.word_span, r.full_span or r.word_span):
            out.update(range(a, b))
    return out


def _plausible(n_heard: int, line_text: str) -> bool:
    n_line = len(line_text.split())
    return 0.4 * n_line <= n_heard <= 2.5 * n_line + 1


def share_gap(texts: Sequence[str], heard: Sequence[str]) -> list[Optional[tuple[int, int, float]]]:
    """Per line of ``texts`` (in script order), the run ``(first, last + 1, likeness)`` of the
    ``heard`` words it takes, or None: runs in order, not overlapping, each plausible for its
    line, the sum of likenesses largest (module contract). Dynamic programming over (line,
    first word still free), filled from the end (no recursion: a long stretch of unclaimed
    words costs lines x words x the plausible run lengths, never the call stack)."""
    n, m = len(texts), len(heard)
    # best[i][j]: (total, runs) for lines i.. using words j..
    best = [[(0.0, (None,) * (n - i))] * (m + 1) for i in range(n + 1)]
    for i in range(n - 1, -1, -1):
        longest = int(2.5 * len(texts[i].split()) + 1)
        for j in range(m - 1, -1, -1):
            skip_line = best[i + 1][j]
            out = (skip_line[0], (None,) + skip_line[1])
            if best[i][j + 1][0] > out[0]:  # a word heard that is nobody's line (a cough, a mishearing)
                out = best[i][j + 1]
            for k in range(j + 1, min(m, j + longest) + 1):
                if not _plausible(k - j, texts[i]):
                    continue
                alike = likeness(" ".join(heard[j:k]), texts[i])
                if alike < MIN_LIKENESS:
                    continue
                rest = best[i + 1][k]
                if alike + rest[0] > out[0]:
                    out = (alike + rest[0], ((j, k, alike),) + rest[1])
            best[i][j] = out
    return list(best[0][0][1])


def _gap_words(tr: Transcript, t0: float, t1: float, taken: set) -> list[int]:
    return [i for i, w in enumerate(tr.words) if w.start >= t0 and w.end <= t1 and i not in taken]


def _order_reading(path, line, tr, idx, alike, ref) -> LineReading:
    heard = " ".join(tr.words[i].text.strip() for i in idx)
    return LineReading(path=path, line_id=line.id, start=tr.words[idx[0]].start, end=tr.words[idx[-1]].end,
                       score=round(0.5 * alike, 4), take_id=ref.take_id, character=line.character,
                       word_span=(idx[0], idx[-1] + 1), text=heard, signals={"defect_evidence": "order"})


def _own_words(tr: Transcript, idx: list[int], prev: Optional[LineReading], nxt: Optional[LineReading],
               text: str) -> list[int]:
    """``idx`` (the gap's words, in time order) less the words at its start that run on from
    ``prev``'s last word with no stop (``PAUSE``) up to a stop, and those at its end that run
    into ``nxt``'s first word the same way: the neighbours' own last or first words, which the
    recogniser heard apart from them (generated scene 130: "Why write it if you want a | third?"
    with line 1-3, then a stop, then line 1-4 "Something's arena on paper."; the reading placed
    for 1-4 held "third?" and, as the reference of the other takes, made every reading differ).
    Taken off only when the words left are at least as alike the line (``likeness``): the line's
    own opening said right after the neighbour stays."""
    words = tr.words
    lo, hi = 0, len(idx)
    if prev is not None and prev.word_span[1] > prev.word_span[0]:
        t, k = words[prev.word_span[1] - 1].end, 0
        while k < len(idx) and words[idx[k]].start - t < PAUSE:
            t, k = words[idx[k]].end, k + 1
        lo = k if k < len(idx) else 0
    if nxt is not None and nxt.word_span[1] > nxt.word_span[0]:
        t, k = words[(nxt.full_span or nxt.word_span)[0]].start, len(idx)
        while k > lo and t - words[idx[k - 1]].end < PAUSE:
            t, k = words[idx[k - 1]].start, k - 1
        hi = k if k > lo else len(idx)
    if (lo, hi) == (0, len(idx)) or hi <= lo:
        return idx
    said = lambda ix: " ".join(words[i].text.strip() for i in ix)  # noqa: E731
    return idx[lo:hi] if likeness(said(idx[lo:hi]), text) >= likeness(said(idx), text) else idx


def fill_unheard(script: Script, readings: Sequence[LineReading],
                 transcripts: Mapping[str, Transcript]) -> tuple[LineReading, ...]:
    """Readings for lines found in no take (see the module contract)."""
    found_ids = {r.line_id for r in readings}
    by_path: dict[str, list[LineReading]] = {}
    for r in readings:
        by_path.setdefault(r.path, []).append(r)
    new: list[LineReading] = []
    for scene in script.scenes:
        lines = list(scene.lines)
        ids = [ln.id for ln in lines]
        for path, rs in by_path.items():
            tr = transcripts.get(path)
            mine = {r.line_id: r for r in rs if r.line_id in ids}
            if tr is None or not tr.words or not mine:
                continue
            k = 0
            while k < len(lines):
                if ids[k] in mine:
                    k += 1
                    continue
                run_end = k
                while run_end < len(lines) and ids[run_end] not in mine:
                    run_end += 1
                run, k0 = lines[k:run_end], k
                k = run_end
                if all(ln.id in found_ids for ln in run):
                    continue  # every line has a reference somewhere: the acoustic search's business
                prev = mine.get(ids[k0 - 1]) if k0 > 0 else None
                nxt = mine.get(ids[run_end]) if run_end < len(ids) else None
                t0 = prev.end - PAD if prev is not None else -1.0
                t1 = nxt.start + PAD if nxt is not None else float("inf")
                idx = _gap_words(tr, t0, t1, _covered(rs))
                if not idx or idx[-1] - idx[0] + 1 != len(idx):
                    continue
                ref = prev or nxt
                if len(run) == 1:
                    line = run[0]
                    idx = _own_words(tr, idx, prev, nxt, line.text)
                    if line.id in found_ids or not _plausible(len(idx), line.text):
                        continue
                    alike = likeness(" ".join(tr.words[i].text.strip() for i in idx), line.text)
                    if alike >= MIN_LIKENESS:
                        new.append(_order_reading(path, line, tr, idx, alike, ref))
                    continue
                shares = share_gap([ln.text for ln in run], [tr.words[i].text.strip() for i in idx])
                for line, share in zip(run, shares):
                    if share is not None:
                        new.append(_order_reading(path, line, tr, idx[share[0]:share[1]], share[2], ref))
    return tuple(new)


def _split_one(line, own_line, words, idx: list[int], line_first: bool,
               cuts: Optional[range] = None) -> Optional[tuple[int, float]]:
    """Best split of ``idx`` (word indices in time order) into line's part and the neighbour's
    part (line's part first when ``line_first``), the cut among ``cuts`` (default: any): (cut
    position, line's likeness) or None."""
    whole = likeness(" ".join(words[i].text.strip() for i in idx), own_line.text)
    best = None
    for cut in cuts if cuts is not None else range(1, len(idx)):
        a, b = idx[:cut], idx[cut:]
        mine, theirs = (a, b) if line_first else (b, a)
        l_mine = likeness(" ".join(words[i].text.strip() for i in mine), line.text)
        l_theirs = likeness(" ".join(words[i].text.strip() for i in theirs), own_line.text)
        if best is None or l_mine + l_theirs > best[0]:
            best = (l_mine + l_theirs, cut, l_mine)
    if best is None or best[2] < MIN_LIKENESS or best[0] <= whole + SPLIT_GAIN:
        return None
    return best[1], best[2]


def _cuts(words, idx: list[int], n_gap: int, side: int) -> range:
    """The cut positions of ``idx`` (line k's uncovered words and the neighbour's, in time
    order; ``n_gap`` of them uncovered, before the neighbour's when ``side`` is 1, after it when
    -1) that give the neighbour no uncovered word across a pause (``PAUSE``): words the
    recogniser heard a stop away from the neighbour's are not its (generated scene 67: "marks?",
    the end of line 1-2 heard as "view marks", went with line 1-3, also heard "view marks", and
    its reading then started 1 s early, over the other actor's line)."""
    if side == 1:
        lo = n_gap   # the neighbour's part starts at its own first word ...
        while lo > 0 and words[idx[lo]].start - words[idx[lo - 1]].end < PAUSE:
            lo -= 1  # ... or at a gap word running on into it
        return range(max(1, lo), len(idx))
    own = len(idx) - n_gap
    hi = own
    while hi < len(idx) and words[idx[hi]].start - words[idx[hi - 1]].end < PAUSE:
        hi += 1
    return range(1, min(hi, len(idx) - 1) + 1)


def split_swallowed(script: Script, readings: Sequence[LineReading],
                    transcripts: Mapping[str, Transcript]) -> tuple[LineReading, ...]:
    """Readings with lines a neighbour swallowed split off (see the module contract): the
    input order, re-cut neighbours in place, new readings after."""
    out = list(readings)
    for path, tr in transcripts.items():
        if tr is None or not tr.words:
            continue
        for scene in script.scenes:
            lines = list(scene.lines)
            for k, line in enumerate(lines):
                here = {r.line_id: i for i, r in enumerate(out) if r.path == path}
                if line.id in here or not here:
                    continue
                for side in (1, -1):  # the next line's reading swallowed it as a head, or the previous as a tail
                    j = k + side
                    if not 0 <= j < len(lines) or lines[j].id not in here:
                        continue
                    ri = here[lines[j].id]
                    nb = out[ri]
                    other = k - side  # line k's other neighbour bounds the uncovered words
                    bound = out[here[lines[other].id]] if 0 <= other < len(lines) and lines[other].id in here else None
                    taken = _covered([r for r in out if r.path == path and r is not nb])
                    a, b = nb.word_span
                    if b <= a:
                        continue
                    if side == 1 and nb.full_span is not None:
                        a = nb.full_span[0]  # a "restart" whose first attempt may be line k
                    if side == 1:
                        t0 = bound.end - PAD if bound is not None else -1.0
                        gap = [i for i in range(a) if tr.words[i].start >= t0 and i not in taken]
                        idx = gap + list(range(a, b))
                    else:
                        t1 = bound.start + PAD if bound is not None else float("inf")
                        gap = [i for i in range(b, len(tr.words)) if tr.words[i].end <= t1 and i not in taken]
                        idx = list(range(a, b)) + gap
                    if len(idx) < 2 or idx[-1] - idx[0] + 1 != len(idx):
                        continue
                    found = _split_one(line, lines[j], tr.words, idx, line_first=side == 1,
                                       cuts=_cuts(tr.words, idx, len(gap), side))
                    if found is None:
                        continue
                    cut, alike = found
                    mine, theirs = (idx[:cut], idx[cut:]) if side == 1 else (idx[cut:], idx[:cut])
                    text = lambda ix: " ".join(tr.words[i].text.strip() for i in ix)  # noqa: E731
                    # nor the words running on from line k's other neighbour up to a stop
                    own = _own_words(tr, mine, bound if side == 1 else None, bound if side == -1 else None, line.text)
                    if own != mine:
                        mine, alike = own, likeness(text(own), line.text)
                    span = (theirs[0], theirs[-1] + 1)
                    if side == 1 and nb.full_span is not None:
                        if theirs[0] < nb.word_span[0]:
                            continue  # the cut falls inside the first attempt: leave the restart be
                        # the "first attempt" was line k: no restart left
                        out[ri] = replace(nb, start=tr.words[theirs[0]].start, word_span=span, text=text(theirs),
                                          full_span=None, defects=tuple(d for d in nb.defects if d != "restart"))
                    elif span != nb.word_span:
                        full = nb.full_span if nb.full_span is None or side == 1 else (nb.full_span[0], span[1])
                        out[ri] = replace(nb, start=tr.words[theirs[0]].start if side == 1 else nb.start,
                                          end=nb.end if side == 1 else tr.words[theirs[-1]].end,
                                          word_span=span, text=text(theirs), full_span=full)
                    reading = LineReading(
                        path=path, line_id=line.id, start=tr.words[mine[0]].start, end=tr.words[mine[-1]].end,
                        score=round(0.5 * alike, 4), take_id=nb.take_id, character=line.character,
                        word_span=(mine[0], mine[-1] + 1), text=text(mine), signals={"defect_evidence": "order"})
                    out.append(reading)
                    break
    return tuple(out)


def place_by_order(script: Script, readings: Sequence[LineReading],
                   transcripts: Mapping[str, Transcript]) -> tuple[LineReading, ...]:
    """``split_swallowed`` then ``fill_unheard`` (see the module contract)."""
    out = split_swallowed(script, readings, transcripts)
    return out + fill_unheard(script, out, transcripts)
