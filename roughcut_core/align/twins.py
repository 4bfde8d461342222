"""A difference from the references that another take shares is not this take's slip.

Contract: ``shared_difference(r, refs, pairs, pool, pair_of, spikes, other_mic, spike_ratio,
same_spot)`` returns the reading that shares the word-level difference of reading ``r`` from its
references, or None: a *twin* ``q`` (another reading of the line in ``pool`` longer than 0.2 s,
references included, ``other_mic(r, q)`` false, ``same_spot(r, q)`` true: the recogniser heard
other words in place of the same script words in both) whose pair with ``r`` is alike (its worst
word costs at most ``ALIKE`` of the way from the pair's median to a spike, ``spike_ratio`` x the
median; two takes with different slips of one line, generated scene 94, a changed word and a
dropped one, paired at 1.48 x: under the spike, not alike), while ``q`` too spikes against at
least half of the references ``r`` spikes against (``pairs``: ``r``'s pair with each of
``refs``, in order). Then the difference may lie with those references or with what the two
takes share (their setup's sound), not with ``r``: an actor's flub, drop or added word is one
take's, and differs from every other take, though two takes can slip at the same place (the
caller asks the recogniser too: ``evidence`` clears a reading on its twin only where the
recogniser was unsure of the words it heard off the script; two slips at one place, a changed
word heard sure, a dropped one with no other word, or slips at different words, stand).
``pair_of(a, b)`` is ``evidence._pair`` of reference ``a`` and reading ``b``; pure otherwise.

Why: the references are the line's clean readings on the mic, and those can be wrong in the
same way for all of them: bounds that swallowed the sound of the line before (generated scene
93: both close-up readings of "She wants to see you on Monday." started 1.9 s early), or that
missed a first word the recogniser heard in none of them (scene 90: "Fine." unheard in every
close-up). Both wide takes then spiked 2.3-2.7 against them, matched each other at 1.08-1.22,
and were flagged together.
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

from ..model import LineReading


ALIKE = 0.5   # share of the way from the median word cost to a spike that two alike takes stay under


def shared_difference(r: LineReading, refs: Sequence[LineReading], pairs: Sequence[Optional[tuple]],
                      pool: Sequence[LineReading], pair_of: Callable, spikes: Callable,
                      other_mic: Callable, spike_ratio: float, same_spot: Callable) -> Optional[LineReading]:
    """The twin that shares ``r``'s difference (module contract), or None."""
    spiked = [o for o, p in zip(refs, pairs) if spikes(p)]
    if not spiked:
        return None
    for q in pool:
        if q.line_id != r.line_id or (q.path, q.take_id) == (r.path, r.take_id) or q.end - q.start <= 0.2 \
                or other_mic(r, q) or not same_spot(r, q):
            continue
        against = [o for o in spiked if (o.path, o.take_id) != (q.path, q.take_id)]
        if not against:
            continue
        res = pair_of(q, r)
        if res is None or res[0] > (1.0 + ALIKE * (spike_ratio - 1.0)) * res[1]:
            continue
        if 2 * sum(bool(spikes(pair_of(o, q))) for o in against) >= len(against):
            return q
    return None
