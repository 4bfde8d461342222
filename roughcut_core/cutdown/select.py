"""Choose whole lines for a target length, then trim pauses (never speed up) to hit it.

Contract: ``choose(moments, target_s, all_words)`` -> :class:`Selection`: the chosen moments
in cut order (the arc stays in story order), each as one or more :class:`Piece` source ranges,
whose total length is the target within ±1 s whenever the cut has enough material (else all
of it, with a warning). Every piece boundary lies between words (in a silence of the source's
transcript), never inside a word.

How: each moment has a *full* length (its clip in the cut) and a *minimum* length (lead-in and
tail trimmed to ``PAD_S`` around its words, inner pauses over ``PAUSE_S`` cut down to
``KEEP_PAUSE_S``). A knapsack over (minimum, full) lengths in 0.2 s buckets picks the subset of
highest editorial value (``moments.score_moments``; the scene's last line and the cut's first
line weigh most, so the arc keeps its setup and payoff) with sum(minimum) <= target + 1 s and
sum(full) >= target - 1 s; then the excess is trimmed: head/tail silences first, then the
longest pauses, frame by frame.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .moments import Moment

PAD_S = 0.15        # silence kept before the first and after the last word of a line
PAUSE_S = 0.40      # inner pauses longer than this may be shortened...
KEEP_PAUSE_S = 0.25  # ...down to this
TOLERANCE_S = 1.0
BUCKET_S = 0.2


@dataclass(frozen=True)
class Piece:
    src_in: int
    src_out: int


@dataclass(frozen=True)
class Chosen:
    moment: Moment
    pieces: tuple[Piece, ...]

    @property
    def frames(self) -> int:
        return sum(p.src_out - p.src_in for p in self.pieces)


@dataclass(frozen=True)
class Selection:
    target_s: float
    chosen: tuple[Chosen, ...]
    seconds: float
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Slack:
    """Where frames may go: head [src_in, head_max), tail [tail_min, src_out), pauses (a, b)."""

    head: int
    tail: int
    pauses: tuple[tuple[int, int], ...]   # removable frame ranges [a, b) inside the line

    @property
    def total(self) -> int:
        return self.head + self.tail + sum(b - a for a, b in self.pauses)


def _between(lo_t: float, hi_t: float, rate: Fraction, prefer: str) -> int | None:
    """A frame boundary in the silence [lo_t, hi_t] (None when no whole frame fits)."""
    lo, hi = math.ceil(lo_t * rate - 1e-6), math.floor(hi_t * rate + 1e-6)
    if lo > hi:
        return None
    return lo if prefer == "early" else hi


def _safe_edges(m: Moment, all_words) -> tuple[int, int]:
    """The moment's range moved off any word it would cut (words of neighbouring lines)."""
    src_in, src_out = m.src_in, m.src_out
    for w in all_words:
        ws, we = math.floor(w.start * m.rate), math.ceil(w.end * m.rate)
        if w.start * m.rate < src_in < w.end * m.rate:
            src_in = ws if w in m.words else we      # take the word in whole, or leave it out
        if w.start * m.rate < src_out < w.end * m.rate:
            src_out = we if w in m.words else ws
    return src_in, max(src_in + 1, src_out)


def slack_of(m: Moment, all_words=()) -> tuple[int, int, _Slack]:
    """(src_in, src_out, slack) of a moment: its safe range and what may be trimmed."""
    src_in, src_out = _safe_edges(m, all_words)
    if not m.words:
        return src_in, src_out, _Slack(0, 0, ())
    r = m.rate
    first, last = m.words[0], m.words[-1]
    tight_in = min(max(src_in, math.floor((first.start - PAD_S) * r)), math.floor(first.start * r))
    tight_out = max(min(src_out, math.ceil((last.end + PAD_S) * r)), math.ceil(last.end * r))
    pauses = []
    for a, b in zip(m.words, m.words[1:]):
        if b.start - a.end > PAUSE_S:
            keep = KEEP_PAUSE_S / 2
            lo = _between(a.end + keep, b.start - keep, r, "early")
            hi = _between(a.end + keep, b.start - keep, r, "late")
            if lo is not None and hi is not None and hi > lo:
                pauses.append((lo, hi))
    return src_in, src_out, _Slack(max(0, tight_in - src_in), max(0, src_out - tight_out), tuple(pauses))


def trim(m: Moment, frames: int, all_words=()) -> Chosen:
    """``m`` shortened by up to ``frames``: head/tail silence first, then the longest pauses."""
    src_in, src_out, slack = slack_of(m, all_words)
    left = max(0, frames)
    edge = min(left, slack.head + slack.tail)
    head = min(slack.head, (edge + 1) // 2)
    tail = min(slack.tail, edge - head)
    head = min(slack.head, edge - tail)
    left -= head + tail
    cuts = []
    for a, b in sorted(slack.pauses, key=lambda p: p[0] - p[1]):
        if left <= 0:
            break
        take = min(left, b - a)
        mid = (a + b) // 2
        ca = max(a, mid - take // 2)
        cuts.append((ca, ca + take))
        left -= take
    pieces, cursor = [], src_in + head
    for a, b in sorted(cuts):
        pieces.append(Piece(cursor, a))
        cursor = b
    pieces.append(Piece(cursor, src_out - tail))
    return Chosen(m, tuple(p for p in pieces if p.src_out > p.src_in))


def _knapsack(values, mins, fulls, cap_min: int, need_full: int) -> list[int] | None:
    """Indices maximising value with sum(min) <= cap_min and sum(full) >= need_full (buckets).

    Full lengths past ``need_full`` all count as enough, so they fold into the last column."""
    n = len(values)
    cf = max(need_full, 0)
    best = np.full((cap_min + 1, cf + 1), -np.inf)
    best[0, 0] = 0.0
    history = [best]
    for i in range(n):
        dm, df = mins[i], fulls[i]
        new = best.copy()
        if dm <= cap_min:
            src = best[:cap_min + 1 - dm, :] + values[i]
            for f in range(cf + 1):
                g = min(cf, f + df)
                new[dm:, g] = np.maximum(new[dm:, g], src[:, f])
        best = new
        history.append(best)
    col = best[:, cf]
    if not np.isfinite(col).any():
        return None
    m = int(np.argmax(np.where(np.isfinite(col), col, -np.inf)))
    f, chosen = cf, []
    for i in range(n - 1, -1, -1):
        cur, prev = history[i + 1], history[i]
        if cur[m, f] == prev[m, f]:
            continue  # reached without item i
        dm, df = mins[i], fulls[i]
        m -= dm
        f = next(f0 for f0 in range(cf + 1)
                 if min(cf, f0 + df) == f and prev[m, f0] + values[i] == cur[m + dm, f])
        chosen.append(i)
    return sorted(chosen)


def choose(moments, target_s: float, all_words: dict | None = None) -> Selection:
    """Whole lines for ``target_s`` seconds (see module doc); ``all_words`` maps path -> words."""
    all_words = all_words or {}
    moments = tuple(moments)
    if not moments:
        return Selection(target_s, (), 0.0, ("the cut has no lines",))
    rate = moments[0].rate
    info = [slack_of(m, all_words.get(m.path, ())) for m in moments]
    full_f = [b - a for a, b, _ in info]
    min_f = [f - s.total for f, (_, _, s) in zip(full_f, info)]
    target_f = int(round(target_s * rate))
    total_full = sum(full_f)
    warnings: list[str] = []
    if total_full <= target_f + int(TOLERANCE_S * rate):
        idx = list(range(len(moments)))
        if total_full < target_f - TOLERANCE_S * rate:
            warnings.append(f"the cut is only {float(total_full / rate):.1f} s long: the {target_s:g} s version "
                            f"uses all of it")
    else:
        per = BUCKET_S * float(rate)
        values = [m.value + 50.0 * (m.role == "payoff") + 5.0 * (i == 0) for i, m in enumerate(moments)]
        mins = [max(1, math.ceil(x / per)) for x in min_f]
        fulls = [int(x // per) for x in full_f]
        cap = int((target_s + TOLERANCE_S) * float(rate) // per)
        need = math.ceil((target_s - TOLERANCE_S) * float(rate) / per)
        idx = _greedy_fix(_knapsack(values, mins, fulls, cap, need), values, min_f, full_f, target_f, rate)
        if idx is None:
            # no whole lines land within the tolerance: fill as much of the target as they can
            fill = [10.0 * mins[i] + values[i] for i in range(len(values))]
            idx = _knapsack(fill, mins, fulls, cap, 0) or [int(np.argmax(values))]
            warnings.append(f"no set of whole lines lands within 1 s of {target_s:g} s: the closest that "
                            f"fits is used")
    excess = max(0, sum(full_f[i] for i in idx) - target_f)
    chosen = []
    for i in idx:
        room = full_f[i] - min_f[i]
        cut = min(room, excess)
        excess -= cut
        chosen.append(trim(moments[i], cut, all_words.get(moments[i].path, ())))
    frames = sum(c.frames for c in chosen)
    if abs(frames - target_f) > TOLERANCE_S * rate and not warnings:
        warnings.append(f"{target_s:g} s version is {float(frames / rate):.2f} s: no whole lines fit closer")
    return Selection(target_s, tuple(chosen), float(frames / rate), tuple(warnings))


def _greedy_fix(idx, values, min_f, full_f, target_f, rate):
    """Check the knapsack's pick exactly (buckets round); swap in/out single lines if off."""
    if idx is None:
        return None
    tol = TOLERANCE_S * rate
    def ok(s):
        return sum(min_f[i] for i in s) <= target_f + tol and sum(full_f[i] for i in s) >= target_f - tol
    s = set(idx)
    if ok(s):
        return sorted(s)
    for i in sorted(s, key=lambda i: values[i]):          # too long even when trimmed: drop the weakest
        if ok(s - {i}):
            return sorted(s - {i})
    for i in sorted(set(range(len(values))) - s, key=lambda i: -values[i]):  # too short: add one
        if ok(s | {i}):
            return sorted(s | {i})
    return sorted(s)


__all__ = ["Chosen", "Piece", "Selection", "choose", "slack_of", "trim"]
