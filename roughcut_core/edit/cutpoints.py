"""Frame-exact cut points on speech boundaries (DESIGN §3).

A reading's words span [start, end) seconds. The picture/sound range we cut is that span
widened by handles (pre/post roll) but never into a neighbouring word of the same
recording, and never so tight that our own first or last word loses a frame:

- in  = the frame containing the first word's start, moved earlier by the pre-roll but not
  before the first frame boundary after the previous word ends;
- out = the first frame boundary at/after the last word's end (exclusive), moved later by
  the post-roll but not past the frame containing the next word's start.

When neighbours are closer than one frame the reading's own words win (a cut never clips them).

The neighbours are the recording's other *readings* too (:func:`speech_neighbours`): a line the
recogniser did not hear (an off-camera voice, placed by the sound: ``align.unheard``,
``align.search``) has no words in the transcript, yet it is speech, and in a quick exchange
(pickups of 0.1-0.2 s) a handle run over it plays the start of the other actor's line before
the cut and again after it.

A reading's edges run on (:func:`run_on`) over the recognised words next to it that no reading
of the scene claims and that follow on without a pause: the line's misheard last word ("to get
inside" for "to decide") is speech of that line, not a neighbour to stop the cut before.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from ..model import Word
from ..timebase import Rate, seconds_to_frame_ceil, seconds_to_frame_floor


@dataclass(frozen=True)
class Handles:
    pre: float = 0.25
    post: float = 0.35


def speech_range_frames(start: float, end: float, rate: Rate) -> tuple[int, int]:
    """Smallest frame range [in, out) that contains [start, end) seconds."""
    return max(0, seconds_to_frame_floor(start, rate)), max(seconds_to_frame_ceil(end, rate),
                                                              seconds_to_frame_floor(start, rate) + 1)


def cut_range(start: float, end: float, rate: Rate, *, handles: Handles = Handles(),
              prev_word_end: Optional[float] = None, next_word_start: Optional[float] = None,
              frame_count: Optional[int] = None) -> tuple[int, int]:
    """Source frames [in, out) for speech [start, end) with handles clamped to neighbours."""
    core_in, core_out = speech_range_frames(start, end, rate)
    lo = seconds_to_frame_floor(start - handles.pre, rate)
    if prev_word_end is not None:
        lo = max(lo, seconds_to_frame_ceil(prev_word_end, rate))
    hi = seconds_to_frame_ceil(end + handles.post, rate)
    if next_word_start is not None:
        hi = min(hi, seconds_to_frame_floor(next_word_start, rate))
    src_in = max(0, min(core_in, lo))
    src_out = max(core_out, hi)
    if frame_count:
        src_out = min(src_out, frame_count)
        src_in = min(src_in, max(0, src_out - 1))
    return src_in, src_out


def neighbours(words: Sequence[Word], span: tuple[int, int]) -> tuple[Optional[float], Optional[float]]:
    """End of the word before ``span`` and start of the word after it (None at the edges)."""
    first, last = span
    prev_end = words[first - 1].end if first > 0 and first - 1 < len(words) else None
    next_start = words[last].start if 0 <= last < len(words) else None
    return prev_end, next_start


_TOUCH = 0.02  # s: a reading ending this far past another's start still lies before it


def speech_neighbours(words: Sequence[Word], span: tuple[int, int], start: float, end: float,
                      others: Sequence[tuple[float, float]] = ()) -> tuple[Optional[float], Optional[float]]:
    """End of the speech before the reading ``[start, end)`` (made of ``words[span]``) and start
    of the speech after it in its recording: the nearer of the neighbouring words
    (:func:`neighbours`) and the recording's other readings ``others`` ((start, end) seconds;
    those overlapping the reading are left out, they are no neighbours but a misplacement)."""
    prev_end, next_start = neighbours(words, span) if words else (None, None)
    before = [e for s, e in others if e <= start + _TOUCH and (s, e) != (start, end)]
    after = [s for s, e in others if s >= end - _TOUCH and (s, e) != (start, end)]
    if before:
        prev_end = max(before) if prev_end is None else max(prev_end, max(before))
    if after:
        next_start = min(after) if next_start is None else min(next_start, min(after))
    return prev_end, next_start


RUN_ON_GAP = 0.1  # s: a word this close to the reading's edge is said in the same breath
RUN_ON_MAX = 1.0  # s: how far a reading's edge may run on over unclaimed words


def run_on(words: Sequence[Word], span: tuple[int, int], start: float, end: float,
           claimed=frozenset()) -> tuple[float, float, tuple[int, int]]:
    """(start, end, word span) of a reading ``[start, end)`` made of ``words[span]``, run on over
    its unclaimed neighbours (module doc): words whose index is not in ``claimed`` (the indices of
    every reading's words in this recording), each within ``RUN_ON_GAP`` of the edge so far, up
    to ``RUN_ON_MAX`` beyond the reading. Unchanged when there are none."""
    first, last = span
    if last <= first:
        return start, end, span
    lo, hi = start, end
    k = last
    while (k < len(words) and k not in claimed and words[k].start - hi <= RUN_ON_GAP
           and words[k].end - end <= RUN_ON_MAX):
        hi = max(hi, words[k].end)
        k += 1
    j = first
    while (j > 0 and j - 1 < len(words) and (j - 1) not in claimed and lo - words[j - 1].end <= RUN_ON_GAP
           and start - words[j - 1].start <= RUN_ON_MAX):
        lo = min(lo, words[j - 1].start)
        j -= 1
    return lo, hi, (j, k)


def clipped_words(words: Sequence[Word], src_in: int, src_out: int, rate: Rate,
                  span: tuple[int, int]) -> list[Word]:
    """Words of ``span`` not wholly inside the cut range (the metric that must be 0)."""
    lo = src_in / rate.fraction
    hi = src_out / rate.fraction
    return [w for w in words[span[0]:span[1]] if w.start < lo or w.end > hi]
