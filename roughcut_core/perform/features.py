"""Utterance-level acoustic statistics for vocal emotion and arousal.

Contract: ``utterance_features(x, sr, spans=None) -> np.ndarray`` of ``len(FEATURE_NAMES)``
float64 values for one reading (mono float32 samples, full scale 1.0; resampled inside to
16 kHz when needed). ``spans`` are ``(start_s, end_s)`` speech intervals relative to ``x``
(the refined word times); without them, speech frames are those within 35 dB of the loudest.
Pitch is in semitones re 100 Hz, level in dBFS; every statistic is finite (0 where there is no
voiced frame). Speaker normalisation is the caller's job (``normalise_by_group``): emotion is
heard as a change from the speaker's usual voice, so the model and the DSP arousal both see
z-scores over the speaker's readings.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from .prosody import HOP_S, frame_levels, semitones, yin_f0

SR = 16000
N_MELS = 26
N_MFCC = 13

_SCALAR = ("f0_mean", "f0_std", "f0_p10", "f0_p50", "f0_p90", "f0_range", "f0_slope", "f0_delta",
           "voiced_ratio", "lvl_mean", "lvl_std", "lvl_p10", "lvl_p90", "lvl_range", "lvl_delta",
           "centroid_mean", "centroid_std", "hf_ratio", "flatness", "peak_rate", "active_ratio",
           "lvl_voiced_minus_all")
FEATURE_NAMES: tuple[str, ...] = (
    _SCALAR
    + tuple(f"mel{k}_mean" for k in range(N_MELS))
    + tuple(f"mel{k}_std" for k in range(N_MELS))
    + tuple(f"mfcc{k}_mean" for k in range(N_MFCC))
    + tuple(f"mfcc{k}_std" for k in range(N_MFCC))
)


def to_16k(x: np.ndarray, sr: int) -> np.ndarray:
    if sr == SR:
        return np.asarray(x, dtype=np.float32)
    from scipy.signal import resample_poly
    from math import gcd

    g = gcd(int(sr), SR)
    return resample_poly(np.asarray(x, dtype=np.float64), SR // g, int(sr) // g).astype(np.float32)


def _speech_mask(levels: np.ndarray, spans: Optional[Sequence[tuple[float, float]]]) -> np.ndarray:
    n = len(levels)
    if spans:
        mask = np.zeros(n, bool)
        for a, b in spans:
            i, j = max(0, int(a / HOP_S)), min(n, int(np.ceil(b / HOP_S)))
            mask[i:j] = True
        if mask.sum() >= 5:
            return mask & (levels > levels[mask].max() - 50.0)
    return levels > (levels.max() - 35.0 if n else 0.0)


def _stats(v: np.ndarray) -> tuple[float, float, float, float, float]:
    if len(v) == 0:
        return 0.0, 0.0, 0.0, 0.0, 0.0
    p10, p50, p90 = np.percentile(v, [10, 50, 90])
    return float(np.mean(v)), float(np.std(v)), float(p10), float(p50), float(p90)


def utterance_features(x: np.ndarray, sr: int, spans=None) -> np.ndarray:
    """The feature vector of one reading (see module doc)."""
    from ..audio.features import _dct_matrix, log_mel

    y = to_16k(x, sr)
    levels = frame_levels(y, SR)
    f0 = yin_f0(y, SR)
    n = min(len(levels), len(f0))
    levels, f0 = levels[:n], f0[:n]
    mask = _speech_mask(levels, spans)
    voiced = mask & ~np.isnan(f0)
    st = semitones(f0[voiced], 100.0) if voiced.any() else np.zeros(0)
    f_mean, f_std, f_p10, f_p50, f_p90 = _stats(st)
    slope = float(np.polyfit(np.arange(len(st)) * HOP_S, st, 1)[0]) if len(st) >= 5 else 0.0
    delta = float(np.mean(np.abs(np.diff(st)))) if len(st) >= 2 else 0.0
    lv = levels[mask]
    l_mean, l_std, l_p10, _, l_p90 = _stats(lv)
    l_delta = float(np.mean(np.abs(np.diff(lv)))) if len(lv) >= 2 else 0.0
    lvl_voiced = float(np.mean(levels[voiced])) if voiced.any() else l_mean
    # Syllable-rate proxy: level peaks (local maxima 3 dB over the 100 ms around) per speech second.
    peaks = 0
    if len(lv) >= 3:
        sm = np.convolve(levels, np.ones(5) / 5, mode="same")
        is_peak = (sm[1:-1] > sm[:-2]) & (sm[1:-1] >= sm[2:]) & mask[1:-1]
        lo = np.minimum.accumulate(sm)  # cheap guard against counting ripples in silence
        peaks = int(np.sum(is_peak & (sm[1:-1] > lo[1:-1] + 3.0)))
    speech_s = max(mask.sum() * HOP_S, 1e-3)
    # Spectral shape from the log-mel frames on the same speech frames.
    lm = log_mel(y, SR, N_MELS)
    m = mask[: len(lm)] if len(lm) else mask[:0]
    if len(lm) and m.sum() < 3:
        m = np.ones(len(lm), bool)
    frames = lm[m[: len(lm)]] if len(lm) else np.zeros((1, N_MELS), np.float32)
    if len(frames) == 0:
        frames = np.zeros((1, N_MELS), np.float32)
    power = np.exp(frames.astype(np.float64))
    bins = np.arange(N_MELS)
    centroid = (power * bins).sum(1) / np.maximum(power.sum(1), 1e-12)
    hf = power[:, N_MELS // 2:].sum(1) / np.maximum(power.sum(1), 1e-12)
    flat = np.exp(np.mean(np.log(power + 1e-12), 1)) / np.maximum(np.mean(power, 1), 1e-12)
    mfcc = frames @ _dct_matrix(N_MELS, N_MFCC).T
    scalars = [f_mean, f_std, f_p10, f_p50, f_p90, f_p90 - f_p10, slope, delta,
               float(voiced.sum() / max(mask.sum(), 1)), l_mean, l_std, l_p10, l_p90, l_p90 - l_p10, l_delta,
               float(centroid.mean()), float(centroid.std()), float(np.log(hf.mean() + 1e-6)),
               float(np.log(flat.mean() + 1e-9)), peaks / speech_s, float(mask.mean()) if n else 0.0,
               lvl_voiced - l_mean]
    vec = np.concatenate([scalars, frames.mean(0), frames.std(0), mfcc.mean(0), mfcc.std(0)])
    return np.nan_to_num(vec.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)


def normalise_by_group(features: np.ndarray, groups: Sequence, min_group: int = 4,
                       fallback: Optional[tuple[np.ndarray, np.ndarray]] = None) -> np.ndarray:
    """Z-score each row against the mean/std of its group (speaker). Groups with fewer than
    ``min_group`` rows use ``fallback`` (population mean, std) when given, else their own mean
    with unit std scaled from the population."""
    features = np.asarray(features, dtype=np.float64)
    out = np.zeros_like(features)
    groups = np.asarray([str(g) for g in groups])
    for g in np.unique(groups):
        rows = groups == g
        block = features[rows]
        if rows.sum() >= min_group:
            mu, sd = block.mean(0), block.std(0)
        elif fallback is not None:
            mu, sd = fallback
        else:
            mu, sd = block.mean(0), np.ones(block.shape[1])
        out[rows] = (block - mu) / np.where(sd > 1e-6, sd, 1.0)
    return out
