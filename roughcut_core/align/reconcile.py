"""Cross-take reconciliation: tell the recogniser's habits from the actor's flubs.

Contract: ``reconcile_readings(script, readings)`` takes the readings of every take of a scene
(any files) and returns them in the same order, with ``substitution`` removed from a reading when
each word it said in place of the script (its words not in the line, normalised) was also said
in place of the script by another reading of the same line in a different take. A recogniser that
always hears "coat right" for "coat dry" would otherwise mark every take as flubbed, while a real
flub is one take's accident. Readings of lines not in the script, and every other defect, are
left as they are. Nothing else changes (scores keep ranking the takes).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from typing import Sequence

from ..model import LineReading, Script
from .normalize import homophone_key, normalize_words


def _deviations(reading: LineReading, line_tokens: set) -> set:
    return {homophone_key(t) for t in normalize_words(reading.text)} - line_tokens


def reconcile_readings(script: Script, readings: Sequence[LineReading]) -> tuple[LineReading, ...]:
    lines = {ln.id: {homophone_key(t) for t in normalize_words(ln.text)} for ln in script.lines}
    devs = {}
    by_line: dict[str, list[int]] = defaultdict(list)
    for k, r in enumerate(readings):
        if r.line_id in lines:
            devs[k] = _deviations(r, lines[r.line_id])
            by_line[r.line_id].append(k)
    out = list(readings)
    for line_id, members in by_line.items():
        for k in members:
            r = readings[k]
            if "substitution" not in r.defects or not devs[k]:
                continue
            take = (r.path, r.take_id)
            others = Counter()
            for j in members:
                if j != k and (readings[j].path, readings[j].take_id) != take:
                    others.update(devs[j])
            if all(others[d] >= 1 for d in devs[k]):
                out[k] = replace(r, defects=tuple(d for d in r.defects if d != "substitution"))
    return tuple(out)
