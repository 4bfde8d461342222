"""Cross-take reconciliation: tell the recogniser's habits from the actor's flubs.

Contract: ``reconcile_readings(script, readings)`` takes the readings of every take of a scene
(any files) and returns them in the same order, with ``substitution`` removed from a reading when
each word it said in place of the script was also said in place of the same script word by
another reading of the same line in a different take. A deviation is a heard word not in the
line (normalised, homophone keys), keyed by the position of the script word it stands in for
(``difflib`` alignment of the heard words with the line's; in a replaced stretch, the script word
at the same offset), or, for a word heard between two script words, that place. A recogniser that always hears
"coat right" for "coat dry" would otherwise mark every take as flubbed, while a real flub is one
take's accident; one take saying "sitting" for "talking" and another adding "sitting" after
"talking" are two accidents, not one habit. Readings of lines not in the script, and every other
defect, are left as they are. Nothing else changes (scores keep ranking the takes).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from difflib import SequenceMatcher
from typing import Sequence

from ..model import LineReading, Script
from .normalize import homophone_key, normalize_words


def _keys(text: str) -> list:
    return [homophone_key(t) for t in normalize_words(text)]


def deviations(heard_text: str, line: Sequence[str]) -> set:
    """{(heard word, position in the line of the script word it replaces)} for each heard word
    not in the line (``line``: the line's homophone keys; a word heard between script words
    ``i - 1`` and ``i`` replaces nothing and sits at ``i - 0.5``)."""
    heard = _keys(heard_text)
    known = set(line)
    out = set()
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=list(line), b=heard, autojunk=False).get_opcodes():
        for j in range(j1, j2):
            if tag in ("replace", "insert") and heard[j] not in known:
                # the script word it stands in for: the one at the same offset into the replaced
                # words (the last one for words heard beyond them); an inserted word sits before i1
                at = i1 + min(j - j1, i2 - i1 - 1) if tag == "replace" else i1 - 0.5
                out.add((heard[j], at))
    return out


def reconcile_readings(script: Script, readings: Sequence[LineReading]) -> tuple[LineReading, ...]:
    lines = {ln.id: _keys(ln.text) for ln in script.lines}
    devs = {}
    by_line: dict[str, list[int]] = defaultdict(list)
    for k, r in enumerate(readings):
        if r.line_id in lines:
            devs[k] = deviations(r.text, lines[r.line_id])
            by_line[r.line_id].append(k)
    out = list(readings)
    for line_id, members in by_line.items():
        for k in members:
            r = readings[k]
            if "substitution" not in r.defects or not devs[k]:
                continue
            take = (r.path, r.take_id)
            others: set = set()
            for j in members:
                if j != k and (readings[j].path, readings[j].take_id) != take:
                    others |= devs[j]
            if devs[k] <= others:
                out[k] = replace(r, defects=tuple(d for d in r.defects if d != "substitution"))
    return tuple(out)
