"""Active speaker: mouth motion per face track correlated with speech activity.

Contract: ``mark_speaking(faces, speech_intervals) -> faces`` sets ``FaceBox.speaking``:
- ``None`` for faces without a mouth measurement (no landmarks) — unknown, never guessed;
- ``False`` outside speech (speech = the given intervals, pauses under 0.35 s bridged);
- inside speech, a face's *mouth activity* is the range (max - min) of its track's
  ``mouth_open`` over the samples within +-``window`` seconds. Faces whose activity is at least
  ``min_activity`` are candidates; the most active face at that instant speaks, and so does any
  other within ``share`` of it (overlapping dialogue). A face whose mouth stays still while
  someone is heard is not the speaker (an off-screen voice leaves everyone ``False``).

Thresholds are in face heights (mouth_open units): a closed mouth varies by < 0.005 between
samples, speech moves it by 0.01-0.1.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import replace
from typing import Iterable, Sequence

from ..model import FaceBox

MIN_ACTIVITY = 0.008
WINDOW = 0.5
SHARE = 0.6
BRIDGE = 0.35


def normalize_intervals(speech_intervals: Iterable, bridge: float | None = None) -> list[tuple[float, float]]:
    """Accept (start, end) pairs or objects with ``start``/``end`` (e.g. Words); sorted, and
    merged across pauses shorter than ``bridge`` seconds (a speaker keeps the turn between words)."""
    bridge = BRIDGE if bridge is None else bridge
    spans = []
    for item in speech_intervals or ():
        if hasattr(item, "start") and hasattr(item, "end"):
            s, e = float(item.start), float(item.end)
        else:
            s, e = float(item[0]), float(item[1])
        if e > s:
            spans.append((s, e))
    spans.sort()
    merged: list[tuple[float, float]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1] + bridge:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def in_speech(t: float, intervals: list[tuple[float, float]], starts: Sequence[float] | None = None) -> bool:
    """Whether ``t`` falls in one of the sorted, merged ``intervals``; ``starts`` (their start
    times, when the caller asks many times) saves rebuilding them per call."""
    starts = [s for s, _ in intervals] if starts is None else starts
    i = bisect.bisect_right(starts, t) - 1
    return i >= 0 and intervals[i][0] <= t < intervals[i][1]


def mouth_activity(faces: Sequence[FaceBox], window: float = WINDOW) -> dict[int, float | None]:
    """Activity per index into ``faces`` (None when the face has no mouth measurement). Each
    face looks only at its track's samples near it in time (sorted once per track), so a long
    take costs n log n, not n squared; the samples compared are the same."""
    by_track: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for fb in faces:
        if fb.mouth_open is not None:
            by_track[fb.track].append((fb.t, fb.mouth_open))
    times: dict[int, list[float]] = {}
    for track, samples in by_track.items():
        samples.sort(key=lambda s: s[0])
        times[track] = [t for t, _ in samples]
    reach = window + 1e-6
    out: dict[int, float | None] = {}
    for i, fb in enumerate(faces):
        if fb.mouth_open is None:
            out[i] = None
            continue
        samples, ts = by_track[fb.track], times[fb.track]
        # candidates by bisection with a margin, then the exact test on each
        lo = bisect.bisect_left(ts, fb.t - reach - 1e-9)
        hi = bisect.bisect_right(ts, fb.t + reach + 1e-9)
        near = [m for t, m in samples[lo:hi] if abs(t - fb.t) <= reach]
        out[i] = max(near) - min(near) if len(near) > 1 else 0.0
    return out


def mark_speaking(faces: Sequence[FaceBox], speech_intervals, min_activity: float = MIN_ACTIVITY,
                  window: float = WINDOW, share: float = SHARE) -> tuple[FaceBox, ...]:
    intervals = normalize_intervals(speech_intervals)
    starts = [s for s, _ in intervals]
    activity = mouth_activity(faces, window)
    by_time: dict[float, list[int]] = defaultdict(list)
    for i, fb in enumerate(faces):
        by_time[round(fb.t, 6)].append(i)
    speaking: dict[int, bool | None] = {}
    for t, idxs in by_time.items():
        talking = in_speech(t, intervals, starts)
        known = [i for i in idxs if activity[i] is not None]
        for i in idxs:
            speaking[i] = None if activity[i] is None else False
        if not talking or not known:
            continue
        top = max(activity[i] for i in known)
        if top < min_activity:
            continue
        for i in known:
            speaking[i] = activity[i] >= share * top
    return tuple(replace(fb, speaking=speaking[i]) for i, fb in enumerate(faces))
