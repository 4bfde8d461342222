"""Small evaluation metrics for the speech benchmark: text normalisation, word error rate,
and word-boundary errors against reference word timings.

Normalisation (applied to both sides): lower case; letters split from digits ("F2" -> "f 2");
hyphens and slashes become spaces; other punctuation is dropped (apostrophes inside words stay);
integers become English words ("42" -> "forty two"); "%" -> "percent".
"""
from __future__ import annotations

import re
from typing import Iterable, Optional, Sequence

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> list[str]:
    """English words for a non-negative integer below one billion."""
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])
    if n < 1000:
        return [_ONES[n // 100], "hundred"] + (number_words(n % 100) if n % 100 else [])
    for size, name in ((1_000_000, "million"), (1000, "thousand")):
        if n >= size:
            return number_words(n // size) + [name] + (number_words(n % size) if n % size else [])
    raise ValueError(n)


def normalize_words(text: str) -> list[str]:
    """Tokens of ``text`` after the normalisation described in the module docstring."""
    text = text.lower().replace("%", " percent ")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)          # 1,000 -> 1000
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    text = re.sub(r"[-/–—]", " ", text)
    text = re.sub(r"[^\w\s']", " ", text)
    tokens: list[str] = []
    for tok in text.split():
        tok = tok.strip("'")
        if not tok:
            continue
        if tok.isdigit() and len(tok) < 10:
            tokens.extend(number_words(int(tok)))
        else:
            tokens.append(tok)
    return tokens


def align(ref: Sequence[str], hyp: Sequence[str]) -> list[tuple[Optional[int], Optional[int]]]:
    """Minimum-edit alignment: pairs (ref index | None, hyp index | None) in order."""
    n, m = len(ref), len(hyp)
    # cost[i][j] = edits to turn ref[:i] into hyp[:j]; rows kept whole for the traceback.
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = i
    for j in range(1, m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        row, prev = cost[i], cost[i - 1]
        r = ref[i - 1]
        for j in range(1, m + 1):
            row[j] = min(prev[j - 1] + (r != hyp[j - 1]), prev[j] + 1, row[j - 1] + 1)
    pairs: list[tuple[Optional[int], Optional[int]]] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i > 0 and cost[i][j] == cost[i - 1][j] + 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    pairs.reverse()
    return pairs


def word_error_rate(reference: str, hypothesis: str) -> dict:
    """{"wer", "substitutions", "deletions", "insertions", "ref_words"} after normalisation."""
    ref, hyp = normalize_words(reference), normalize_words(hypothesis)
    subs = dels = ins = 0
    for i, j in align(ref, hyp):
        if i is None:
            ins += 1
        elif j is None:
            dels += 1
        elif ref[i] != hyp[j]:
            subs += 1
    errors = subs + dels + ins
    wer = errors / len(ref) if ref else (0.0 if not hyp else 1.0)
    return {"wer": wer, "substitutions": subs, "deletions": dels, "insertions": ins, "ref_words": len(ref)}


def _timed_tokens(words: Iterable) -> list[tuple[str, Optional[float], Optional[float]]]:
    """Expand timed words (objects with text/start/end, or (text, start, end) tuples) into
    normalised tokens: a word's start goes to its first token, its end to its last."""
    out = []
    for w in words:
        text, start, end = (w.text, w.start, w.end) if hasattr(w, "text") else (w[0], w[1], w[2])
        toks = normalize_words(text)
        for k, tok in enumerate(toks):
            out.append((tok, start if k == 0 else None, end if k == len(toks) - 1 else None))
    return out


def boundary_errors(reference: Iterable, hypothesis: Iterable) -> dict:
    """Absolute start/end errors (seconds) of hypothesis words whose text matches the aligned
    reference word: {"start": [...], "end": [...], "matched": n, "ref_words": n}. Also counts
    ``clipped``: matched words whose hypothesis span starts after or ends before the reference
    span by more than 20 ms (a cut there would clip speech)."""
    ref, hyp = _timed_tokens(reference), _timed_tokens(hypothesis)
    starts, ends, matched, clipped = [], [], 0, 0
    for i, j in align([t[0] for t in ref], [t[0] for t in hyp]):
        if i is None or j is None or ref[i][0] != hyp[j][0]:
            continue
        matched += 1
        clip = False
        if ref[i][1] is not None and hyp[j][1] is not None:
            starts.append(abs(hyp[j][1] - ref[i][1]))
            clip |= hyp[j][1] - ref[i][1] > 0.02
        if ref[i][2] is not None and hyp[j][2] is not None:
            ends.append(abs(hyp[j][2] - ref[i][2]))
            clip |= ref[i][2] - hyp[j][2] > 0.02
        clipped += bool(clip)
    return {"start": starts, "end": ends, "matched": matched, "ref_words": len(ref), "clipped": clipped}


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    if not values:
        return None
    import numpy as np

    return float(np.percentile(np.asarray(values, dtype=float), q))
