"""Short-time spectral features for speaker analysis (numpy only).

Contract: ``log_mel(audio, sample_rate)`` returns a (frames, n_mels) float32 array of log mel
energies, 25 ms Hann windows every 10 ms (frame i covers samples [i*hop, i*hop + win)), so
frame i is at time ``i * 0.01`` s. ``mfcc`` adds a DCT-II over the mel bands. ``frame_count``
says how many whole frames a signal of n samples holds; callers that stream pass overlapping
chunks whose starts are multiples of the hop so frames line up exactly.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

WIN_SECONDS = 0.025
HOP_SECONDS = 0.010


def _hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def _mel_to_hz(m):
    return 700.0 * (10.0 ** (np.asarray(m, dtype=np.float64) / 2595.0) - 1.0)


@lru_cache(maxsize=8)
def mel_filterbank(sample_rate: int, n_fft: int, n_mels: int, fmin: float = 60.0,
                   fmax: float | None = None) -> np.ndarray:
    """(n_mels, n_fft//2+1) triangular filters (HTK mel scale)."""
    fmax = fmax or sample_rate / 2 - 200.0
    edges = _mel_to_hz(np.linspace(_hz_to_mel(fmin), _hz_to_mel(fmax), n_mels + 2))
    bins = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    fb = np.zeros((n_mels, len(bins)))
    for m in range(n_mels):
        lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
        up = (bins - lo) / max(mid - lo, 1e-9)
        down = (hi - bins) / max(hi - mid, 1e-9)
        fb[m] = np.maximum(0.0, np.minimum(up, down))
    fb.setflags(write=False)
    return fb


def frame_count(n_samples: int, sample_rate: int) -> int:
    win, hop = int(WIN_SECONDS * sample_rate), int(HOP_SECONDS * sample_rate)
    return 0 if n_samples < win else 1 + (n_samples - win) // hop


def log_mel(audio: np.ndarray, sample_rate: int = 16000, n_mels: int = 40) -> np.ndarray:
    """Log mel energies (frames, n_mels), float32."""
    win, hop = int(WIN_SECONDS * sample_rate), int(HOP_SECONDS * sample_rate)
    n = frame_count(len(audio), sample_rate)
    if n == 0:
        return np.zeros((0, n_mels), np.float32)
    n_fft = 1 << (win - 1).bit_length()
    x = np.asarray(audio, dtype=np.float32)
    # pre-emphasis sharpens the formants that carry speaker identity
    x = np.concatenate([x[:1], x[1:] - 0.97 * x[:-1]])
    frames = np.lib.stride_tricks.sliding_window_view(x, win)[::hop][:n]
    spec = np.abs(np.fft.rfft(frames * np.hanning(win).astype(np.float32), n=n_fft, axis=1)) ** 2
    mel = spec @ mel_filterbank(sample_rate, n_fft, n_mels).T
    return np.log(mel + 1e-10).astype(np.float32)


@lru_cache(maxsize=4)
def _dct_matrix(n_in: int, n_out: int) -> np.ndarray:
    k = np.arange(n_out)[:, None]
    n = np.arange(n_in)[None, :]
    m = np.sqrt(2.0 / n_in) * np.cos(np.pi * k * (2 * n + 1) / (2 * n_in))
    m[0] /= np.sqrt(2.0)
    m.setflags(write=False)
    return m


def mfcc(audio: np.ndarray, sample_rate: int = 16000, n_mfcc: int = 20, n_mels: int = 40) -> np.ndarray:
    """MFCC (frames, n_mfcc), float32, from :func:`log_mel`."""
    return mfcc_of_log_mel(log_mel(audio, sample_rate, n_mels), n_mfcc)


def mfcc_of_log_mel(lm: np.ndarray, n_mfcc: int = 20) -> np.ndarray:
    """MFCC (frames, n_mfcc) of log mel frames already computed (one FFT pass for both)."""
    return (lm @ _dct_matrix(lm.shape[1], n_mfcc).T).astype(np.float32)
