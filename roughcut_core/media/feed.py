"""One video decode per file, feeding every picture analyser at the rate each needs (issue 23).

Contract:
- :class:`SampleSchedule` says which instants get a full-size proxy frame (faces, mouth, focus):
  ``dense_fps`` inside *dense* ranges (speech, padded by ``pad`` seconds, and the first
  ``after_cut`` seconds of every shot: a new framing needs its faces found quickly), ``sparse_fps``
  elsewhere. The sparse grid is a subset of the dense grid (``dense_fps`` must be a whole multiple
  of ``sparse_fps``), so a file with speech throughout is sampled exactly as a uniform
  ``dense_fps`` schedule. ``SampleSchedule.uniform(fps)`` is the old fixed-rate behaviour.
  ``next_after(t)`` returns the next sample instant (> t; +inf when there is none); ``period_at(t)``
  the spacing there. ``add_dense(t0, t1)`` may be called from the consumer thread while the
  decoder thread reads the schedule (a lock guards it), e.g. when a shot cut is detected; times
  already decoded are not revisited (the prefetch is a few frames, so the densified range starts
  that late, never earlier).
- :func:`feed_frames` is the one pass: each :class:`~roughcut_core.picture.decode.DecodedFrame`
  from :func:`~roughcut_core.picture.decode.iter_decoded` (decoded on a prefetch thread, every
  frame reduced to a small thumbnail, proxies converted only at sample instants) is handed to each
  consumer's ``feed(frame)`` in order. Consumers are any objects with ``feed``; they must not keep
  the frames (memory stays flat in file length). Extra analysers (shot boundaries, motion) ride on
  the picture stage's decode by being passed as consumers to ``PictureAnalyzer.analyze``.
"""
from __future__ import annotations

import bisect
import math
import threading
from typing import Iterable, Iterator, Optional, Sequence

DENSE_FPS = 4.0
SPARSE_FPS = 1.0
SPEECH_PAD_S = 0.75
AFTER_CUT_S = 1.0


def merge_ranges(ranges: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted, non-overlapping [a, b) ranges (touching ones merged; empty ones dropped)."""
    out: list[list[float]] = []
    for a, b in sorted((float(a), float(b)) for a, b in ranges if b > a):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def speech_ranges(activity, pad: float = SPEECH_PAD_S) -> list[tuple[float, float]]:
    """Padded, merged ranges from Words (``.start``/``.end``) or (start, end) pairs."""
    pairs = []
    for item in activity or ():
        s, e = (item.start, item.end) if hasattr(item, "start") else (item[0], item[1])
        pairs.append((max(0.0, float(s) - pad), float(e) + pad))
    return merge_ranges(pairs)


class SampleSchedule:
    """Sample instants: dense inside dense ranges, sparse elsewhere (see the module docstring)."""

    def __init__(self, dense_fps: float = DENSE_FPS, sparse_fps: Optional[float] = SPARSE_FPS,
                 dense: Sequence[tuple[float, float]] = ()):
        if dense_fps <= 0:
            raise ValueError("dense_fps must be positive")
        self.dense_fps = float(dense_fps)
        if sparse_fps is None or sparse_fps >= dense_fps:
            self.ratio = 1  # uniform
        else:
            ratio = self.dense_fps / float(sparse_fps)
            if abs(ratio - round(ratio)) > 1e-9 or sparse_fps <= 0:
                raise ValueError("dense_fps must be a whole multiple of sparse_fps")
            self.ratio = int(round(ratio))
        self._lock = threading.Lock()
        self._ranges = merge_ranges(dense)
        self._starts = [a for a, _ in self._ranges]

    @classmethod
    def uniform(cls, fps: float) -> "SampleSchedule":
        return cls(fps, None)

    @property
    def sparse_fps(self) -> float:
        return self.dense_fps / self.ratio

    def ranges(self) -> list[tuple[float, float]]:
        with self._lock:
            return list(self._ranges)

    def add_dense(self, t0: float, t1: float) -> None:
        with self._lock:
            self._ranges = merge_ranges([*self._ranges, (t0, t1)])
            self._starts = [a for a, _ in self._ranges]

    def _dense_at(self, t: float) -> bool:
        i = bisect.bisect_right(self._starts, t) - 1
        return i >= 0 and t < self._ranges[i][1]

    def period_at(self, t: float) -> float:
        with self._lock:
            dense = self.ratio == 1 or self._dense_at(t)
        return 1.0 / (self.dense_fps if dense else self.sparse_fps)

    def next_after(self, t: float) -> float:
        """The first sample instant strictly after ``t`` (instant 0.0 is "after" any t < 0)."""
        k = math.floor(t * self.dense_fps + 1e-9) + 1 if t >= 0 else 0
        with self._lock:
            while True:
                g = k / self.dense_fps
                if self.ratio == 1 or k % self.ratio == 0 or self._dense_at(g):
                    return g
                k += 1


def feed_frames(frames: Iterable, consumers: Sequence) -> Iterator:
    """Hand each frame to every consumer's ``feed`` and yield it on (for the caller's own work)."""
    for fr in frames:
        for c in consumers:
            c.feed(fr)
        yield fr
