"""Cut points off blinks: "never cut on a blink", within the handles.

Contract: ``move_off_blinks(picks, ranges, probe, handles, spans=None) -> (ranges, notes)``.
- ``picks``: the chosen ``Candidate`` per line (None for a gap); ``ranges``: their source
  frames ``(in, out)`` (exclusive out) as the engine computed them; ``probe(path, rate, first,
  last) -> {frame: openness 0..1 | None}`` says how open the speaker's eyes are on each source
  frame (``picture.expression.eyes_open_frames``; injected so the engine stays free of media
  code). ``handles``: the engine's ``cutpoints.Handles``.
- The frame that shows at a cut is the in frame and the frame before the out (``out - 1``).
  When that frame's openness is under ``CLOSED_BELOW`` the cut moves to the nearest frame whose
  eyes are open and whose neighbours are open too (not the half-shut edge of the blink), searching outward from the planned cut but only inside the reading's handle
  zone: the in point between ``HANDLE_SLACK`` x the pre-roll before the first word (and never
  into the previous word or reading of the recording: ``spans``, path -> (start, end) of every
  reading, ``cutpoints.speech_neighbours``) and the first word's frame; the out point between
  the last word's end frame and the same slack past it (never into the next word or reading,
  never past the file). Words are never clipped, so a blink inside the spoken words stays (and is noted).
- A cut inside one recording (a through edit between consecutive picks of the same file) is
  not a visible cut and is left alone. A probe that raises, or knows no frame, leaves the cut.
- ``notes``: per pick, a tuple of editor's phrases ("in moved 3 frames off a blink"; "blink on
  the out frame, no open-eyed frame in the handle").
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

from ..timebase import seconds_to_frame_ceil, seconds_to_frame_floor
from .cutpoints import Handles, speech_neighbours

CLOSED_BELOW = 0.35  # as signalterms.EYES_CLOSED_BELOW: LID_CLOSED_Z spreads over the open eye
HANDLE_SLACK = 2.0

Probe = Callable[..., dict]


def _limits(c, handles: Handles, spans: Optional[dict] = None) -> tuple[int, int, int, int]:
    """(earliest in, latest in, earliest out, latest out) the reading allows (never into the
    speech either side in its recording: ``spans``, path -> (start, end) of every reading)."""
    rate = c.take.rate
    r = c.reading
    prev_end, next_start = speech_neighbours(c.take.transcript.words, r.word_span, r.start, r.end,
                                             (spans or {}).get(c.take.path, ()))
    core_in = max(0, seconds_to_frame_floor(c.reading.start, rate))
    core_out = max(seconds_to_frame_ceil(c.reading.end, rate), core_in + 1)
    lo = max(0, seconds_to_frame_floor(c.reading.start - HANDLE_SLACK * handles.pre, rate))
    if prev_end is not None:
        lo = max(lo, seconds_to_frame_ceil(prev_end, rate))
    hi = seconds_to_frame_ceil(c.reading.end + HANDLE_SLACK * handles.post, rate)
    if next_start is not None:
        hi = min(hi, seconds_to_frame_floor(next_start, rate))
    if c.take.frame_count:
        hi = min(hi, c.take.frame_count)
    return min(lo, core_in), core_in, core_out, max(hi, core_out)


def _open(states: dict, k: int) -> bool:
    v = states.get(k)
    return v is not None and v >= CLOSED_BELOW


def _nearest_open(states: dict, start: int, lo: int, hi: int) -> Optional[int]:
    """The frame in [lo, hi] nearest ``start`` whose eyes are open and not at the edge of a
    blink (its neighbours, where known, open too: the lid is half down on the frames either
    side of a shut one); failing that, the nearest open frame."""
    order = [k for d in range(0, max(hi - lo, 0) + 1) for k in ((start - d, start + d) if d else (start,))
             if lo <= k <= hi]
    clear = [k for k in order if _open(states, k)
             and all(states.get(j) is None or _open(states, j) for j in (k - 1, k + 1))]
    if clear:
        return clear[0]
    return next((k for k in order if _open(states, k)), None)


def move_off_blinks(picks: Sequence, ranges: Sequence, probe: Optional[Probe],
                    handles: Handles = Handles(), spans: Optional[dict] = None) -> tuple[list, list]:
    """Ranges with cut frames moved off blinks, and notes per pick (module contract; ``spans``:
    path -> (start, end) of every reading of the scene, speech a moved cut stays out of)."""
    out = list(ranges)
    notes: list[tuple[str, ...]] = [() for _ in picks]
    if probe is None:
        return out, notes
    _prefetch(probe, picks, out, handles, spans)
    for k, c in enumerate(picks):
        if c is None or out[k] is None:
            continue
        src_in, src_out = out[k]
        win_in, win_out = _windows(picks, out, k, handles, spans)
        lo_in, hi_in, lo_out, hi_out = _limits(c, handles, spans)
        said = []
        try:
            if win_in is not None:
                states = probe(*win_in)
                v = states.get(src_in)
                if v is not None and v < CLOSED_BELOW:
                    best = _nearest_open(states, src_in, lo_in, hi_in)
                    if best is None:
                        said.append("blink on the in frame, no open-eyed frame in the handle")
                    else:
                        said.append(f"in moved {abs(best - src_in)} frame{'s' if abs(best - src_in) != 1 else ''} off a blink")
                        src_in = best
            if win_out is not None:  # the frame on screen at the out is out - 1
                states = probe(*win_out)
                v = states.get(src_out - 1)
                if v is not None and v < CLOSED_BELOW:
                    best = _nearest_open(states, src_out - 1, lo_out - 1, hi_out - 1)
                    if best is None or best + 1 <= src_in:
                        said.append("blink on the out frame, no open-eyed frame in the handle")
                    else:
                        said.append(f"out moved {abs(best + 1 - src_out)} frame{'s' if abs(best + 1 - src_out) != 1 else ''} off a blink")
                        src_out = best + 1
        except Exception as exc:  # a probe failure never costs the cut
            said.append(f"blink check skipped ({type(exc).__name__})")
        out[k] = (src_in, src_out)
        notes[k] = tuple(said)
    return out, notes


def _windows(picks: Sequence, ranges: Sequence, k: int, handles: Handles, spans: Optional[dict] = None) -> tuple:
    """The probe windows ``(path, rate, first, last)`` pick ``k`` needs at its in and at its out
    given ``ranges`` so far, each None where that cut is a through edit (the neighbouring pick
    of the same recording meets it, so it is not a visible cut)."""
    c = picks[k]
    src_in, src_out = ranges[k]
    prev = picks[k - 1] if k else None
    nxt = picks[k + 1] if k + 1 < len(picks) else None
    through_in = prev is not None and prev.take.path == c.take.path and ranges[k - 1] and ranges[k - 1][1] == src_in
    through_out = nxt is not None and nxt.take.path == c.take.path and ranges[k + 1] and ranges[k + 1][0] == src_out
    lo_in, hi_in, lo_out, hi_out = _limits(c, handles, spans)
    win_in = None if through_in else (c.take.path, c.take.rate, min(lo_in, src_in), max(hi_in, src_in))
    win_out = None if through_out else (c.take.path, c.take.rate, min(lo_out, src_out - 1),
                                         max(hi_out - 1, src_out - 1))
    return win_in, win_out


def _prefetch(probe, picks: Sequence, ranges: Sequence, handles: Handles, spans: Optional[dict] = None) -> None:
    """Give a probe that can measure windows together (``probe.prefetch``, e.g. on several
    threads) every window the loop in :func:`move_off_blinks` will ask for, as planned before
    any cut moves (a moved out can only turn a later in into a through edit, so the loop asks
    for these windows or fewer) and gets the same answers a one-by-one probe gives."""
    prefetch = getattr(probe, "prefetch", None)
    if prefetch is None:
        return
    windows = [w for k, c in enumerate(picks) if c is not None and ranges[k] is not None
               for w in _windows(picks, ranges, k, handles, spans) if w is not None]
    try:
        prefetch(windows)
    except Exception:  # the loop asks window by window and copes with failures itself
        pass


def blinks_at_cuts(cut, probe: Probe) -> tuple[int, int]:
    """(cut frames on a blink, cut frames measured) of a ``Cut``'s main picture clips, judged
    by ``probe`` on the frame shown at each in and before each out; through edits (the same
    file continuing) are not cuts."""
    main = [d for d in cut.decisions if not d.gap and getattr(d, "video_track", 1) == 1]
    blinks = measured = 0
    for k, d in enumerate(main):
        frames = []
        if not (k and main[k - 1].path == d.path and main[k - 1].src_out == d.src_in):
            frames.append(d.src_in)
        if not (k + 1 < len(main) and main[k + 1].path == d.path and main[k + 1].src_in == d.src_out):
            frames.append(d.src_out - 1)
        for f in frames:
            try:
                v = probe(d.path, d.rate, f, f).get(f)
            except Exception:
                v = None
            if v is not None:
                measured += 1
                blinks += v < CLOSED_BELOW
    return blinks, measured
