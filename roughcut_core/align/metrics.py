"""Alignment quality metrics, shared by ``roughcut bench align`` and the tests.

Contract:
- ``match_readings(truth, predicted)``: one-to-one pairs of (truth reading, predicted reading) with
  the same line id and overlapping times, greedily by overlap; the rest are misses / false alarms.
- ``evaluate_demo(truth, readings_by_take)``: on a demo-scene ground truth (``roughcut.demo
  truth``: ``takes[*].readings[*]`` with line_id, start, end, defect), line precision, recall and
  F1, recall per speech defect kind (a truth "flub" is found when its reading has
  ``substitution`` or ``missing_words``, "restart" when it has ``restart``, "truncated" when it
  has ``truncated``, "noise" when it has ``noise``; a missed reading is a miss), precision per kind
  (of the matched readings carrying that kind's labels, the share whose truth is that kind), the
  share of acceptable readings wrongly given a speech defect, and median/p95 start/end errors (seconds). ``readings_by_take`` maps each truth
  take's ``path`` (as written in the truth) to the readings found in that file.
- ``combine_truths(truths)``: several demo truths (e.g. seeds) as one, take paths prefixed with
  ``<n>/`` and each reading carrying its own line's words, for one evaluation over all.
- ``boundary_errors(pairs)``: median and p95 of |start| and |end| errors over matched pairs.
- ``syncmap_lines(path)`` reads an aeneas sync map into (text, begin, end) rows.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping, Optional, Sequence, Union

from ..model import LineReading

SPEECH_DEFECTS = {
    "flub": ("substitution", "missing_words"),
    "restart": ("restart",),
    "truncated": ("truncated",),
    "noise": ("noise",),
}


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def match_readings(truth: Sequence[dict], predicted: Sequence[LineReading]):
    """(pairs [(truth dict, reading)], missed truth dicts, false readings)."""
    options = []
    for ti, t in enumerate(truth):
        for pi, p in enumerate(predicted):
            if p.line_id == t["line_id"]:
                ov = _overlap(t["start"], t["end"], p.start, p.end)
                if ov > 0:
                    options.append((ov, ti, pi))
    options.sort(reverse=True)
    used_t, used_p, pairs = set(), set(), []
    for _, ti, pi in options:
        if ti not in used_t and pi not in used_p:
            used_t.add(ti)
            used_p.add(pi)
            pairs.append((truth[ti], predicted[pi]))
    missed = [t for i, t in enumerate(truth) if i not in used_t]
    false = [p for i, p in enumerate(predicted) if i not in used_p]
    return pairs, missed, false


def _percentile(values: Sequence[float], q: float) -> Optional[float]:
    if not values:
        return None
    vals = sorted(values)
    pos = (len(vals) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(vals) - 1)
    return vals[lo] + (vals[hi] - vals[lo]) * (pos - lo)


def boundary_errors(pairs: Sequence[tuple[dict, LineReading]], *, final_attempt: bool = True) -> dict:
    """|start|/|end| errors (s). With ``final_attempt`` a restart's truth start is taken from
    the word where its complete attempt begins (our readings cover the final attempt)."""
    starts, ends = [], []
    for t, p in pairs:
        t_start = t["start"]
        if final_attempt and t.get("defect") == "restart" and t.get("words"):
            n_line = len(t.get("line_words") or [])
            words = t["words"]
            if n_line and len(words) > n_line:
                t_start = words[len(words) - n_line]["start"]
        starts.append(abs(p.start - t_start))
        ends.append(abs(p.end - t["end"]))
    return {"start_median": _percentile(starts, 0.5), "start_p95": _percentile(starts, 0.95),
            "end_median": _percentile(ends, 0.5), "end_p95": _percentile(ends, 0.95), "n": len(pairs)}


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate_demo(truth: dict, readings_by_take: Mapping[str, Sequence[LineReading]]) -> dict:
    from .normalize import normalize_words

    line_words = {ln["id"]: normalize_words(ln["text"]) for ln in truth.get("lines", [])}
    tp = fp = fn = 0
    defect_found = {k: 0 for k in SPEECH_DEFECTS}
    defect_total = {k: 0 for k in SPEECH_DEFECTS}
    flagged = {k: 0 for k in SPEECH_DEFECTS}
    flagged_right = {k: 0 for k in SPEECH_DEFECTS}
    clean_total = clean_flagged = 0
    all_pairs = []
    for take in truth["takes"]:
        t_readings = [r if "line_words" in r else dict(r, line_words=line_words.get(r["line_id"], []))
                      for r in take["readings"]]
        pairs, missed, false = match_readings(t_readings, list(readings_by_take.get(take["path"], ())))
        tp, fp, fn = tp + len(pairs), fp + len(false), fn + len(missed)
        all_pairs += pairs
        found = {id(t): p for t, p in pairs}
        for t in t_readings:
            kind = t.get("defect")
            p = found.get(id(t))
            if kind in SPEECH_DEFECTS:
                defect_total[kind] += 1
                if p is not None and any(d in p.defects for d in SPEECH_DEFECTS[kind]):
                    defect_found[kind] += 1
            elif kind in (None, "soft_focus") and p is not None:
                clean_total += 1
                if any(d in p.defects for d in ("substitution", "missing_words", "restart", "truncated", "noise")):
                    clean_flagged += 1
            if p is not None:
                for k, names in SPEECH_DEFECTS.items():
                    if any(d in p.defects for d in names):
                        flagged[k] += 1
                        flagged_right[k] += kind == k
    precision, recall, f1 = _f1(tp, fp, fn)
    return {
        "readings_true": tp + fn, "readings_found": tp + fp, "tp": tp, "fp": fp, "fn": fn,
        "precision": precision, "recall": recall, "f1": f1,
        "defect_recall": {k: (defect_found[k] / defect_total[k] if defect_total[k] else None)
                          for k in SPEECH_DEFECTS},
        "defect_counts": dict(defect_total),
        "defect_precision": {k: (flagged_right[k] / flagged[k] if flagged[k] else None) for k in SPEECH_DEFECTS},
        "defect_flagged": dict(flagged),
        "clean_flagged_rate": clean_flagged / clean_total if clean_total else None,
        "boundaries": boundary_errors(all_pairs),
    }


def syncmap_lines(path: Union[str, Path]) -> list[tuple[str, float, float]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [(" ".join(f["lines"]), float(f["begin"]), float(f["end"])) for f in data["fragments"]]


def combine_truths(truths: Sequence[dict]) -> dict:
    from .normalize import normalize_words

    takes = []
    for n, truth in enumerate(truths):
        words = {ln["id"]: normalize_words(ln["text"]) for ln in truth.get("lines", [])}
        for take in truth["takes"]:
            takes.append(dict(take, path=f"{n}/{take['path']}", readings=[
                dict(r, line_words=words.get(r["line_id"], [])) for r in take["readings"]]))
    return {"lines": [], "takes": takes}
