"""Placing script lines in a transcript: shortlist → word DP → selection → restarts.

Contract: ``place_lines(index, stream, times, options)`` returns the chosen placements of script
lines in one transcript, in time order, as :class:`Said` records. Steps:
1. ``shortlist`` proposes (line, window) pairs; ``align_line`` places the line inside each window,
   then again in what is left of the window on either side (a line said twice in a row gives two
   placements). Placements scoring below ``min_score`` are dropped.
2. Selection: a weighted-interval DP over the placements (a transcript token belongs to at most
   one line). A placement is worth ``score × tokens − line_penalty``; following the previous
   chosen line in script order earns ``order_bonus`` (half of it after skipping up to two lines),
   so short lines ("Yes.") are kept when the context agrees and dropped when alone, while
   out-of-order and repeated lines are still allowed when they are well matched (the order is
   judged against the last two chosen lines, so one line out of order costs no bonus; a line
   said again right after itself earns nothing from the line before its first reading).
3. Restarts: an aborted attempt right before a placement (the same opening words, at most
   ``max_filler`` other words and ``restart_gap`` seconds before it, or an earlier incomplete
   placement of the same line) is folded into it: the placement keeps the final attempt,
   ``full_start`` remembers where the first attempt began.
4. Edges: a line whose first/last words were not recognised takes the unclaimed words spoken
   right against it (within ``EDGE_GAP`` s) as substitutions, so its span covers the delivery.
5. Hidden restarts: see ``hidden_restarts`` (a timing cue for repeats the recogniser dropped).
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, replace
from typing import Optional, Sequence

from .dp import Placement, align_line
from .index import ScriptIndex, TokenStream, shortlist

MAX_PER_WINDOW = 6
PREFIX_MIN_WORDS = 3
LOOKBACK = 40
EDGE_GAP = 0.3      # seconds: words closer than this to a line belong to its delivery


@dataclass(frozen=True)
class Said:
    """A chosen placement; ``full_start`` is the token where aborted attempts began (restart)."""

    placement: Placement
    full_start: Optional[int] = None

    @property
    def start(self) -> int:
        return self.placement.start if self.full_start is None else self.full_start


def _acceptable(p: Optional[Placement], options) -> bool:
    if p is None:
        return False
    if p.score >= options.min_score:
        return True
    # A clean opening cut short (the take ends, or an aborted first attempt): keep it so that
    # truncation and restarts can be reported.
    return (p.first_said == 0 and p.missing_inner == 0 and p.substituted == 0 and p.inserted == 0
            and p.matched >= PREFIX_MIN_WORDS and p.score >= options.min_score / 2)


def candidate_placements(index: ScriptIndex, stream: TokenStream, options) -> list[Placement]:
    tokens = stream.tokens
    found: dict[tuple[int, int, int], Placement] = {}
    windows, similar = shortlist(index, stream, threshold=options.match_threshold,
                                 min_coverage=options.shortlist_coverage,
                                 min_score=options.min_score / 2)
    for window in windows:
        line_toks = index.tokens[window.line]
        # fewest tokens an acceptable placement can have (see _acceptable)
        need = max(1, min(len(line_toks), PREFIX_MIN_WORDS, math.ceil(len(line_toks) * options.min_score)))
        # Bag-of-words bound: line tokens that resemble some window token, in any order.
        bag = set()
        for tok in tokens[window.start:window.end]:
            bag.update(similar[tok])
        present = [t in bag for t in line_toks]
        if sum(present) < len(line_toks) * options.min_score and not all(present[:PREFIX_MIN_WORDS]):
            continue
        line_set = set(line_toks)
        todo = [(window.start, window.end)]
        count = 0
        while todo and count < MAX_PER_WINDOW:
            lo, hi = todo.pop()
            if sum(1 for tok in tokens[lo:hi] if line_set.intersection(similar[tok])) < need:
                continue
            p = align_line(window.line, line_toks, tokens, lo, hi, similar, options.match_threshold)
            count += 1
            if not _acceptable(p, options):
                continue
            found.setdefault((p.line, p.start, p.end), p)
            todo.append((lo, p.start))
            todo.append((p.end, hi))
    return list(found.values())


def _order_bonus(prev_line: int, line: int, bonus: float) -> float:
    step = line - prev_line
    if step == 1:
        return bonus
    if 1 < step <= 3:
        return bonus / 2
    return 0.0


def select_placements(index: ScriptIndex, candidates: Sequence[Placement], options) -> list[Placement]:
    if not candidates:
        return []
    cands = sorted(candidates, key=lambda p: (p.end, p.start, p.line))
    ends = [p.end for p in cands]
    weight = [p.score * len(index.tokens[p.line]) - options.line_penalty for p in cands]
    best: list[float] = []          # best chain value ending with candidate k
    prev_of: list[int] = []
    prefix_best: list[tuple[float, int]] = []   # best over candidates[0..k]
    for k, p in enumerate(cands):
        compat = bisect.bisect_right(ends, p.start, 0, k) - 1
        value, back = 0.0, -1
        if compat >= 0 and prefix_best[compat][0] > value:
            value, back = prefix_best[compat]
        for q in range(compat, max(-1, compat - LOOKBACK), -1):
            bonus = _order_bonus(cands[q].line, p.line, options.order_bonus)
            if prev_of[q] >= 0 and cands[q].line != p.line:
                # one out-of-order line in between does not break the script order; a line said
                # again is not that line (it would tie a garbled next line sharing its words:
                # "I have a price for burn" after "I was only asking a price")
                bonus = max(bonus, _order_bonus(cands[prev_of[q]].line, p.line, options.order_bonus))
            v = best[q] + bonus
            if v > value:
                value, back = v, q
        best.append(weight[k] + value)
        prev_of.append(back)
        top = prefix_best[-1] if prefix_best else (0.0, -1)
        prefix_best.append((best[k], k) if best[k] > top[0] else top)
    chosen = []
    k = prefix_best[-1][1]
    while k >= 0:
        chosen.append(cands[k])
        k = prev_of[k]
    chosen.reverse()
    return chosen


def _opening_match(line_tok: str, said_tok: str, threshold: float) -> bool:
    from rapidfuzz import fuzz

    if said_tok == line_tok:
        return True
    if len(said_tok) >= 2 and line_tok.startswith(said_tok):
        return True     # a cut-off fragment: "nev-" for "never"
    return min(len(said_tok), len(line_tok)) > 3 and fuzz.ratio(said_tok, line_tok) >= threshold * 100


def _aborted_attempt(line_toks, p: Placement, start: int, tokens, times, claimed_until: int,
                     options) -> Optional[int]:
    """Start token of an aborted attempt ending just before ``start``, or None."""
    opening = line_toks[p.first_said:]
    attempt_len = p.end - p.start
    for filler in range(options.max_filler + 1):
        e = start - 1 - filler
        if e < claimed_until:
            break
        if times[start][0] - times[e][1] > options.restart_gap:
            break
        for k in range(min(len(opening), attempt_len) - 1, 0, -1):
            s = e - k + 1
            if s < claimed_until:
                continue
            if all(_opening_match(opening[x], tokens[s + x], options.match_threshold) for x in range(k)):
                return s
    return None


def fold_restarts(index: ScriptIndex, chosen: Sequence[Placement], stream: TokenStream,
                  times: Sequence[tuple[float, float]], options) -> list[Said]:
    """Merge aborted attempts into the attempt that follows them (see module docstring)."""
    out: list[Said] = []
    claimed_until = 0
    for p in sorted(chosen, key=lambda c: c.start):
        full_start = None
        if out:
            q = out[-1].placement
            gap_tokens = p.start - q.end
            if (q.line == p.line and q.missing_tail > 0 and q.first_said <= p.first_said
                    and gap_tokens <= options.max_filler
                    and times[p.start][0] - times[q.end - 1][1] <= options.restart_gap
                    and p.score > q.score):
                full_start = out.pop().start
                claimed_until = out[-1].placement.end if out else 0
        line_toks = index.tokens[p.line]
        begin = p.start if full_start is None else full_start
        while True:
            s = _aborted_attempt(line_toks, p, begin, stream.tokens, times, claimed_until, options)
            if s is None:
                break
            begin = full_start = s
        out.append(Said(p, full_start))
        claimed_until = p.end
    return out


def extend_edges(said: Sequence[Said], times: Sequence[tuple[float, float]], n_tokens: int,
                 max_gap: float = EDGE_GAP) -> list[Said]:
    """Take unclaimed words spoken right against a placement whose line misses its first or
    last words as substituted words ("And why is your coat" for "Then why is your coat"), so
    the reading covers the whole delivery and no cut clips them."""
    out = list(said)
    for k, s in enumerate(out):
        p = s.placement
        lo_limit = out[k - 1].placement.end if k else 0
        hi_limit = out[k + 1].start if k + 1 < len(out) else n_tokens
        start, end, head, tail, subs = p.start, p.end, p.missing_head, p.missing_tail, p.substituted
        while (s.full_start is None and head and start - 1 >= lo_limit
               and times[start][0] - times[start - 1][1] <= max_gap):
            start, head, subs = start - 1, head - 1, subs + 1
        while tail and end < hi_limit and times[end][0] - times[end - 1][1] <= max_gap:
            end, tail, subs = end + 1, tail - 1, subs + 1
        if (start, end) != (p.start, p.end):
            p = replace(p, start=start, end=end, missing_head=head, missing_tail=tail,
                        substituted=subs, first_said=head)
            out[k] = Said(p, s.full_start)
    return out


def hidden_restarts(said: Sequence[Said], stream: TokenStream, times: Sequence[tuple[float, float]],
                    probs: Sequence[float], options) -> list[Said]:
    """Restarts the recogniser swallowed: Whisper tends to drop a repeated opening ("The rain…
    The rain stopped") and stretch the next word over the repeat. Cue: inside the first half of
    a line, a pause of at least ``hidden_restart_gap`` s followed by a word lasting at least
    ``hidden_restart_word`` s that the recogniser was unsure of (probability below
    ``hidden_restart_prob``). The final attempt is taken to start with that word."""
    out = []
    for s in said:
        p = s.placement
        if s.full_start is None and p.end - p.start >= 3:
            half = p.start + (p.end - p.start) // 2
            for k in range(p.start + 1, half + 1):
                if stream.word_of[k] == stream.word_of[k - 1]:
                    continue
                gap = times[k][0] - times[k - 1][1]
                if (gap >= options.hidden_restart_gap
                        and times[k][1] - times[k][0] >= options.hidden_restart_word
                        and probs[k] < options.hidden_restart_prob):
                    s = Said(replace(p, start=k), p.start)
                    break
        out.append(s)
    return out


def place_lines(index: ScriptIndex, stream: TokenStream, times: Sequence[tuple[float, float]],
                options, probs: Optional[Sequence[float]] = None) -> list[Said]:
    """Chosen placements in time order (``times[k]`` = (start, end) seconds of token k,
    ``probs[k]`` the recogniser's confidence in its word)."""
    if not stream.tokens:
        return []
    cands = candidate_placements(index, stream, options)
    chosen = select_placements(index, cands, options)
    said = fold_restarts(index, chosen, stream, times, options)
    said = extend_edges(said, times, len(stream.tokens))
    if probs is not None:
        said = hidden_restarts(said, stream, times, probs, options)
    return said
