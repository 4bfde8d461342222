"""Acoustic comparison of two deliveries of a line: MFCC features and dynamic time warping.

Contract:
- ``features(audio, sample_rate)`` → (frames, 20) float32: MFCCs 1..19 plus a log-energy
  coefficient, 10 ms hop (``audio.features``), mean/variance normalised over the segment, so
  level, microphone colour and room gain cancel out and two readings by the same voice are
  comparable frame by frame.
- ``dtw(query, target, *, open_end=True)`` aligns every query frame to the target (subsequence
  DTW: the query may start and end anywhere in the target when ``open_end``; otherwise both
  ends are pinned) and returns a :class:`Warp`: the path (query frame → target frame), the
  per-query-frame local cost along it and the mean cost. ``squeeze_penalty`` is added for each
  query frame matched to the same target frame as the one before (a search over noise or
  silence otherwise squeezes a whole line onto a few frames). Steps (1,1), (1,0), (0,1); a row is
  solved with a cumulative-minimum so the whole alignment is numpy, O(n·m) memory.
- ``span_costs(warp, spans, side)`` → mean local cost of each [a, b) frame span, measured on
  the query side (``side="query"``) or the target side (target frames the path visits).
- ``brightness_db(audio)``: the high band (>= 3 kHz) over the voice band (300 Hz-3 kHz), dB, over
  the louder half of the frames: how dull a mic hears a voice (``mic``).
- ``frame_cost(a, b)``: Euclidean distance per frame pair / sqrt(dims), so a cost of ~1 means
  unrelated frames and ~0.3–0.6 the same sound said again.
Pure functions; nothing here reads files.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..audio.features import HOP_SECONDS, log_mel, mfcc_of_log_mel

FRAME_S = HOP_SECONDS


def features(audio: np.ndarray, sample_rate: int = 16000) -> np.ndarray:
    """Normalised MFCC + log energy frames (see module contract); empty for short audio."""
    audio = np.asarray(audio, dtype=np.float32)
    if audio.size < int(0.05 * sample_rate):
        return np.zeros((0, 20), dtype=np.float32)
    lm = log_mel(audio, sample_rate)
    cep = mfcc_of_log_mel(lm, n_mfcc=20)
    energy = lm.max(axis=1, keepdims=True)
    feats = np.concatenate([cep[:, 1:20], energy], axis=1).astype(np.float64)
    mu = feats.mean(axis=0, keepdims=True)
    sd = feats.std(axis=0, keepdims=True) + 1e-6
    return ((feats - mu) / sd).astype(np.float32)


def frame_cost(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), len(b)) distances between frames, scaled by sqrt(dims)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    d2 = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.sqrt(np.maximum(d2, 0.0) / max(1, a.shape[1])) / np.sqrt(2.0)


@dataclass(frozen=True)
class Warp:
    """``path[i]`` = target frame matched to query frame i (monotone); ``local[i]`` its cost."""

    path: np.ndarray
    local: np.ndarray
    cost: float
    target_start: int
    target_end: int          # exclusive


def dtw(query: np.ndarray, target: np.ndarray, *, open_end: bool = True,
        squeeze_penalty: float = 0.0) -> Warp | None:
    """Align ``query`` frames onto ``target`` (see module contract); None when either is empty."""
    n, m = len(query), len(target)
    if n == 0 or m == 0:
        return None
    c = frame_cost(query, target)
    big = 1e18
    D = np.empty((n, m))
    if open_end:
        D[0] = c[0]
    else:
        D[0] = np.cumsum(c[0])
    for i in range(1, n):
        prev = D[i - 1]
        a = np.full(m, big)
        a[0] = prev[0] + squeeze_penalty + c[i, 0]
        a[1:] = np.minimum(prev[1:] + squeeze_penalty, prev[:-1]) + c[i, 1:]
        # horizontal steps: D[i, j] = min_k<=j (a[k] + sum c[i, k+1..j])
        C = np.cumsum(c[i])
        D[i] = C + np.minimum.accumulate(a - C)
    end = int(np.argmin(D[-1])) if open_end else m - 1
    # Backtrack: for each query row keep the last target frame the path visits in that row.
    path = np.zeros(n, dtype=np.int64)
    i, j = n - 1, end
    path[i] = j
    while i > 0:
        choices = [(D[i - 1, j] + squeeze_penalty, i - 1, j)]
        if j > 0:
            choices.append((D[i - 1, j - 1], i - 1, j - 1))
            choices.append((D[i, j - 1], i, j - 1))
        _, i2, j2 = min(choices)
        if i2 != i:
            path[i2] = j2
        i, j = i2, j2
    start = j
    if not open_end:
        start = 0
    local = c[np.arange(n), path]
    return Warp(path=path, local=local, cost=float(local.mean()), target_start=int(start),
                target_end=int(end) + 1)


def span_costs(warp: Warp, spans: Sequence[tuple[int, int]], side: str = "query") -> list[float]:
    """Mean local cost over each frame span [a, b) of the query, or of the target (mean over
    the query frames whose match falls inside it; a target span the path skips gets the cost of
    the nearest query frame). Empty spans give nan."""
    out = []
    n = len(warp.path)
    for a, b in spans:
        if b <= a:
            out.append(float("nan"))
            continue
        if side == "query":
            seg = warp.local[max(0, a):min(n, b)]
            out.append(float(seg.mean()) if seg.size else float("nan"))
            continue
        hit = (warp.path >= a) & (warp.path < b)
        if hit.any():
            out.append(float(warp.local[hit].mean()))
        else:
            k = int(np.searchsorted(warp.path, a))
            lo, hi = max(0, k - 2), min(n, k + 2)
            out.append(float(warp.local[lo:hi].mean()) if hi > lo else float("nan"))
    return out


def frames(t0: float, t1: float, origin: float) -> tuple[int, int]:
    """[a, b) feature frames of seconds [t0, t1) in a segment that starts at ``origin``."""
    a = int(round((t0 - origin) / FRAME_S))
    b = int(round((t1 - origin) / FRAME_S))
    return max(0, a), max(0, b)


def brightness_db(audio: np.ndarray, sample_rate: int = 16000, split_hz: float = 3000.0) -> float | None:
    """Power above ``split_hz`` over power from 300 Hz to ``split_hz``, in dB, over the louder
    half of the 32 ms frames (the voice, not the pauses); None for under 0.1 s. A mic further
    from the voice (the other actor's, or a wide's) hears it duller: the high band falls off with
    distance and the room adds low, reverberant sound."""
    x = np.asarray(audio, dtype=np.float32).reshape(-1)
    n = int(0.032 * sample_rate)
    hop = int(0.02 * sample_rate)
    if x.size < max(n, int(0.1 * sample_rate)):
        return None
    frames_ = np.lib.stride_tricks.sliding_window_view(x, n)[::hop] * np.hanning(n).astype(np.float32)
    power = np.abs(np.fft.rfft(frames_, axis=1)) ** 2
    freq = np.fft.rfftfreq(n, 1.0 / sample_rate)
    energy = power.sum(axis=1)
    loud = power[energy >= np.median(energy)]
    high = float(loud[:, freq >= split_hz].sum())
    low = float(loud[:, (freq >= 300.0) & (freq < split_hz)].sum())
    if low <= 0.0:
        return None
    return 10.0 * np.log10(max(high, 1e-12) / low)
