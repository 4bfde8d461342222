"""Lines the recogniser garbled in every take, placed by script order (issue 13).

Contract: ``fill_unheard(script, readings, transcripts)`` returns NEW readings only. A script
line that has no reading in any file of its scene (the recogniser misheard it everywhere, so
``search.find_missing`` has no take to take a reference from) is looked for in each file where
its script neighbours bracket it: the reading of the line just before it and of the line just
after it (or the file's start / end for the scene's first / last line). The transcript words
between them that no reading of that file covers become its reading when they are plausibly
that line: their count within ``[0.4, 2.5] x`` the line's words (+1), and their letters alike
(``difflib`` ratio of the lower-cased letters >= ``MIN_LIKENESS``). Score = 0.5 x that ratio (a
reading the recogniser did not hear as the line ranks below one it did); no defect is claimed
(the recogniser's words are no evidence of a flub here), ``signals["defect_evidence"] =
"order"``. A gap holding two or more unfound lines is left alone (which words belong to which
line is not known). Run before the acoustic search, so its readings serve as references there.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Mapping, Sequence

from ..model import LineReading, Script, Transcript

MIN_LIKENESS = 0.5
PAD = 0.05


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
        for k, line in enumerate(lines):
            if line.id in found_ids:
                continue
            for path, rs in by_path.items():
                tr = transcripts.get(path)
                mine = {r.line_id: r for r in rs if r.line_id in ids}
                if tr is None or not tr.words or not mine:
                    continue
                prev = mine.get(ids[k - 1]) if k > 0 else None
                nxt = mine.get(ids[k + 1]) if k + 1 < len(ids) else None
                if (k > 0 and prev is None) or (k + 1 < len(ids) and nxt is None):
                    continue  # not bracketed by its own neighbours in this file
                t0 = prev.end - PAD if prev is not None else -1.0
                t1 = nxt.start + PAD if nxt is not None else float("inf")
                taken = _covered(rs)
                idx = [i for i, w in enumerate(tr.words) if w.start >= t0 and w.end <= t1 and i not in taken]
                if not idx or idx[-1] - idx[0] + 1 != len(idx):
                    continue
                n_line = len(line.text.split())
                if not (0.4 * n_line <= len(idx) <= 2.5 * n_line + 1):
                    continue
                heard = " ".join(tr.words[i].text.strip() for i in idx)
                alike = likeness(heard, line.text)
                if alike < MIN_LIKENESS:
                    continue
                ref = prev or nxt
                new.append(LineReading(
                    path=path, line_id=line.id, start=tr.words[idx[0]].start, end=tr.words[idx[-1]].end,
                    score=round(0.5 * alike, 4), take_id=ref.take_id, character=line.character,
                    word_span=(idx[0], idx[-1] + 1), text=heard, signals={"defect_evidence": "order"}))
    return tuple(new)
