"""Frame-level prosody in numpy: level (dB) and pitch (YIN) at a 10 ms hop.

Contract:
- ``frame_levels(x, sr) -> (n,) float32``: RMS level in dBFS of 25 ms frames every 10 ms
  (frame k covers ``[k*hop, k*hop + win)``), floor -100 dB.
- ``yin_f0(x, sr, fmin=65, fmax=800) -> (n,) float32``: fundamental frequency in Hz per frame
  on the same 10 ms grid (frame k centred at ``k*hop + win/2``), NaN where unvoiced. The YIN
  cumulative-mean-normalised difference (de Cheveigné & Kawahara 2002) with threshold 0.2 and
  parabolic refinement, over 40 ms analysis windows; frames quieter than 45 dB under the
  loudest frame are unvoiced.
- ``semitones(f_hz, ref_hz)`` = 12 log2(f / ref).
Input: mono float32 samples, full scale 1.0, any rate >= 8 kHz.
"""
from __future__ import annotations

import numpy as np

HOP_S = 0.010
WIN_S = 0.025
YIN_WIN_S = 0.040
YIN_THRESHOLD = 0.2


def _frames(x: np.ndarray, win: int, hop: int) -> np.ndarray:
    if len(x) < win:
        x = np.pad(x, (0, win - len(x)))
    return np.lib.stride_tricks.sliding_window_view(x, win)[::hop]


def frame_levels(x: np.ndarray, sr: int) -> np.ndarray:
    """RMS dBFS of 25 ms frames every 10 ms."""
    x = np.asarray(x, dtype=np.float32)
    fr = _frames(x, int(WIN_S * sr), int(HOP_S * sr))
    power = np.mean(fr.astype(np.float64) ** 2, axis=1)
    return (10.0 * np.log10(np.maximum(power, 1e-10))).astype(np.float32)


def yin_f0(x: np.ndarray, sr: int, fmin: float = 65.0, fmax: float = 800.0) -> np.ndarray:
    """F0 in Hz per 10 ms frame, NaN where unvoiced (see module doc)."""
    x = np.asarray(x, dtype=np.float64)
    hop, win = int(HOP_S * sr), int(YIN_WIN_S * sr)
    tau_min, tau_max = max(2, int(sr / fmax)), int(sr / fmin)
    w = win + tau_max  # each frame needs tau_max samples of look-ahead
    n_out = max(1, 1 + (len(x) - int(WIN_S * sr)) // hop) if len(x) >= int(WIN_S * sr) else 1
    # Align the YIN window's centre with the level frames' centres.
    offset = int(WIN_S * sr) // 2 - win // 2
    pad_front = max(0, -offset)
    xp = np.pad(x, (pad_front, w + hop))
    start0 = offset + pad_front
    fr = np.lib.stride_tricks.sliding_window_view(xp[start0:], w)[::hop][:n_out]
    fr = fr - fr.mean(axis=1, keepdims=True)
    nfft = 1 << int(np.ceil(np.log2(2 * w)))
    spec = np.fft.rfft(fr, nfft, axis=1)
    # r(tau) = sum_{j<win} x_j x_{j+tau}: cross-correlation of the head window with the frame.
    head = np.fft.rfft(fr[:, :win], nfft, axis=1)
    r = np.fft.irfft(np.conj(head) * spec, nfft, axis=1)[:, : tau_max + 1]
    sq = np.concatenate([np.zeros((len(fr), 1)), np.cumsum(fr ** 2, axis=1)], axis=1)
    e0 = sq[:, win][:, None]
    taus = np.arange(tau_max + 1)
    e_tau = sq[:, taus + win] - sq[:, taus]
    d = np.maximum(e0 + e_tau - 2.0 * r, 0.0)
    d[:, 0] = 0.0
    cum = np.cumsum(d[:, 1:], axis=1)
    cmnd = np.ones_like(d)
    cmnd[:, 1:] = d[:, 1:] * np.arange(1, tau_max + 1) / np.maximum(cum, 1e-12)
    band = cmnd[:, tau_min: tau_max]
    below = band < YIN_THRESHOLD
    has = below.any(axis=1)
    first = np.where(has, below.argmax(axis=1), band.argmin(axis=1))
    # walk to the local minimum after the first dip under the threshold
    idx = first.copy()
    for _ in range(tau_max):
        nxt = np.minimum(idx + 1, band.shape[1] - 1)
        step = (band[np.arange(len(idx)), nxt] < band[np.arange(len(idx)), idx]) & (nxt != idx)
        if not step.any():
            break
        idx = np.where(step, nxt, idx)
    rows = np.arange(len(idx))
    best = band[rows, idx]
    tau = (idx + tau_min).astype(np.float64)
    # parabolic refinement
    left = cmnd[rows, np.maximum(idx + tau_min - 1, 1)]
    right = cmnd[rows, np.minimum(idx + tau_min + 1, tau_max)]
    denom = left - 2 * best + right
    shift = np.where(np.abs(denom) > 1e-12, 0.5 * (left - right) / np.where(denom == 0, 1, denom), 0.0)
    tau = tau + np.clip(shift, -1, 1)
    f0 = sr / tau
    levels = 10 * np.log10(np.maximum(e0[:, 0] / win, 1e-10))
    loud_enough = levels > (levels.max() - 45.0) if len(levels) else levels
    voiced = has & (best < YIN_THRESHOLD) & loud_enough & (f0 >= fmin) & (f0 <= fmax)
    return np.where(voiced, f0, np.nan).astype(np.float32)


def semitones(f_hz, ref_hz: float):
    return 12.0 * np.log2(np.asarray(f_hz, dtype=np.float64) / ref_hz)
