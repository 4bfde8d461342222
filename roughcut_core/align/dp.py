"""Word-level alignment of one script line inside a stretch of transcript tokens.

Contract: ``align_line(line_tokens, tokens, start, end, options)`` runs a semi-global dynamic
programme — every line token is either matched, substituted or missing; transcript tokens
before and after the placement are free, extra transcript tokens inside it cost an insertion —
and returns the best :class:`Placement` (or None when nothing matched). Word similarity is
``rapidfuzz.fuzz.ratio`` (precomputed per vocabulary pair by ``index.fuzzy_vocab_map``) so ASR
misspellings ("promissed"/"promised") and homophones ("for"/"four") still match while
"no"/"now" and "the"/"then" stay different words. Scores: match +similarity,
substitution −0.2, missing line word −0.5, inserted word −0.4.
``score`` = Σ similarity of matched tokens / (line length + ½ inserted tokens), in 0..1.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

MATCH, SUB, DEL, INS = 0, 1, 2, 3
SUB_COST = -0.2
DEL_COST = -0.5
INS_COST = -0.4


@dataclass(frozen=True)
class Placement:
    """Line ``line`` said over transcript tokens [start, end) (start == end: nothing said)."""

    line: int
    start: int
    end: int
    raw: float                 # DP score
    score: float               # 0..1 completeness/exactness
    matched: int
    substituted: int
    missing_head: int          # line tokens missing before the first said one
    missing_inner: int
    missing_tail: int          # line tokens missing after the last said one
    inserted: int
    longest_insert: int        # longest run of extra tokens inside the span
    first_said: int            # index of the first line token that was said


def align_line(line: int, line_tokens: Sequence[str], tokens: Sequence[str], start: int, end: int,
               similar: Mapping[str, Mapping[str, float]], match_threshold: float = 0.75) -> Placement | None:
    """Best placement of ``line_tokens`` inside ``tokens[start:end]``; ``similar`` maps each
    transcript token to the script tokens it resembles (``index.fuzzy_vocab_map``)."""
    n = len(line_tokens)
    window = tokens[start:end]
    m = len(window)
    if n == 0 or m == 0:
        return None
    sims = [similar.get(tok, {}) for tok in window]
    sim = [[d.get(lt, 0.0) for d in sims] for lt in line_tokens]
    # H[i][j]: best score with the first i line tokens aligned, ending at window token j.
    prev = [0.0] * (m + 1)          # row 0: free start anywhere in the window
    back: list[list[int]] = [[INS] * (m + 1)]
    for i in range(1, n + 1):
        row_sim = sim[i - 1]
        cur = [0.0] * (m + 1)
        ptr = [DEL] * (m + 1)
        cur[0] = prev[0] + DEL_COST
        for j in range(1, m + 1):
            s = row_sim[j - 1]
            diag = prev[j - 1] + (s if s >= match_threshold else SUB_COST)
            up = prev[j] + DEL_COST
            left = cur[j - 1] + INS_COST
            if diag >= up and diag >= left:
                cur[j], ptr[j] = diag, (MATCH if s >= match_threshold else SUB)
            elif up >= left:
                cur[j], ptr[j] = up, DEL
            else:
                cur[j], ptr[j] = left, INS
        back.append(ptr)
        prev = cur
    best_j = max(range(m + 1), key=lambda j: (prev[j], -j))
    raw = prev[best_j]
    # Trace back to recover the operations.
    ops: list[tuple[int, int, int]] = []
    i, j = n, best_j
    while i > 0:
        op = back[i][j]
        ops.append((op, i - 1, j - 1))
        if op in (MATCH, SUB):
            i, j = i - 1, j - 1
        elif op == DEL:
            i -= 1
        else:
            j -= 1
    ops.reverse()
    said = [(op, li, tj) for op, li, tj in ops if op in (MATCH, SUB)]
    matches = [(li, tj) for op, li, tj in ops if op == MATCH]
    if not matches:
        return None
    # Trim substitutions at the edges: an unmatched edge word is a missing word, not a flub.
    while said and said[0][0] == SUB:
        said.pop(0)
    while said and said[-1][0] == SUB:
        said.pop()
    first_tj, last_tj = said[0][2], said[-1][2]
    first_li, last_li = said[0][1], said[-1][1]
    inner = [(op, li, tj) for op, li, tj in ops
             if (first_li <= li <= last_li if op == DEL else first_tj <= tj <= last_tj)]
    inserted = 0
    longest = run = 0
    substituted = missing_inner = 0
    matched_sum = 0.0
    for op, li, tj in inner:
        if op == INS:
            inserted += 1
            run += 1
            longest = max(longest, run)
            continue
        run = 0
        if op == SUB:
            substituted += 1
        elif op == DEL:
            missing_inner += 1
        else:
            matched_sum += sim[li][tj]
    matched = len(matches)
    score = matched_sum / (n + 0.5 * inserted)
    return Placement(
        line=line, start=start + first_tj, end=start + last_tj + 1, raw=raw,
        score=max(0.0, min(1.0, score)), matched=matched, substituted=substituted,
        missing_head=first_li, missing_inner=missing_inner, missing_tail=n - 1 - last_li,
        inserted=inserted, longest_insert=longest, first_said=first_li,
    )
