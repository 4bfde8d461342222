"""The cheapest path through a chain of choices whose counted picks stay within a budget.

The assembly (``assemble``) uses it for the editor's rule on wide shots: no more than half of
the lines whose speaker has a usable single may play on a shot showing more than the speaker.
Raising a per-line cost until the cheapest path obeys such a rule over-corrects where the
picks are linked: with costs that add up, holding *part* of a quick exchange on the two-shot
is never cheaper than both holding all of it and leaving all of it (the step of the cost that
ends "all" ends "part" too), so every line of the exchange moves to a single although the rule
had room for half of them. A Viterbi pass whose state also counts the picks spent so far,
keeping only counts within the budget, finds the cheapest path that obeys the rule exactly.
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

import numpy as np


def cheapest_within(unary: Sequence[Sequence[float]], transition: Callable[[int, int, int], float],
                    counted: Sequence[Sequence[bool]], budget: int) -> Optional[list[int]]:
    """Index of the pick per step of the cheapest path whose counted picks number at most
    ``budget`` (None when no path does).

    ``unary[k][i]`` is the cost of pick ``i`` at step ``k``, ``transition(k, j, i)`` the cost of
    going from pick ``j`` at step ``k - 1`` to pick ``i`` at step ``k``, ``counted[k][i]``
    whether pick ``i`` at step ``k`` spends one of the budget. Ties go to the lower index (the
    better-ranked candidate), as in the unconstrained pass."""
    if not unary or budget < 0:
        return None if budget < 0 else []
    width = budget + 1
    inf = np.inf
    cost = np.full((len(unary[0]), width), inf)
    for i, u in enumerate(unary[0]):
        if int(counted[0][i]) < width:
            cost[i, int(counted[0][i])] = u
    back: list[np.ndarray] = []
    for k in range(1, len(unary)):
        n_prev, n = len(unary[k - 1]), len(unary[k])
        trans = np.array([[transition(k, j, i) for i in range(n)] for j in range(n_prev)], dtype=float)
        new = np.full((n, width), inf)
        ptr = np.zeros((n, width), dtype=int)
        for i in range(n):
            through = cost + trans[:, i, None]          # (previous pick, spent so far)
            best = through.argmin(axis=0)
            lowest = through[best, np.arange(width)]
            c = int(counted[k][i])
            if c >= width:
                continue
            new[i, c:] = lowest[: width - c] + unary[k][i]
            ptr[i, c:] = best[: width - c]
        cost = new
        back.append(ptr)
    flat = int(np.argmin(cost))  # row-major: the lowest pick index first among equal costs
    i, spent = divmod(flat, width)
    if not np.isfinite(cost[i, spent]):
        return None
    path = [i]
    for k in range(len(unary) - 1, 0, -1):
        j = int(back[k - 1][i, spent])
        spent -= int(counted[k][i])
        i = j
        path.append(i)
    return path[::-1]
