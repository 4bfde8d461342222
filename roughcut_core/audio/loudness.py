"""Streamed ITU-R BS.1770-4 loudness (the same filters and gating as pyloudnorm).

Contract: feed blocks with :meth:`KWeightedPower.push` in order; it returns, per 100 ms
sub-block, the K-weighted energy (sum of squares) of each channel. ``gated_loudness`` turns a
run of sub-block energies into integrated loudness (400 ms blocks, 75 % overlap, -70 LUFS
absolute and -10 LU relative gates), matching ``pyloudnorm.Meter.integrated_loudness`` on the
same samples. Only the filter state (a few floats per channel) is kept between blocks.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

SUBBLOCK_SECONDS = 0.1
ABSOLUTE_GATE_LUFS = -70.0


def channel_weights(channel_names: Sequence[str]) -> np.ndarray:
    """BS.1770 channel gains: 1.41 for surrounds, 0 for LFE, 1 otherwise."""
    from .decode import SURROUND_NAMES

    gains = []
    for name in channel_names:
        if name == "LFE":
            gains.append(0.0)
        elif name in SURROUND_NAMES:
            gains.append(1.41)
        else:
            gains.append(1.0)
    return np.asarray(gains, dtype=np.float64)


class KWeightedPower:
    """Per-channel K-weighting with carried filter state, summed per 100 ms sub-block."""

    def __init__(self, sample_rate: int, channels: int):
        from pyloudnorm import Meter

        self.sample_rate = sample_rate
        self.channels = channels
        # pyloudnorm's own coefficients, so our numbers agree with it by construction
        filters = Meter(sample_rate)._filters
        self._stages = [(np.asarray(f.b, float), np.asarray(f.a, float), f.passband_gain)
                        for f in filters.values()]
        self._zi: list[Optional[np.ndarray]] = [None] * len(self._stages)
        self.subblock_len = int(round(SUBBLOCK_SECONDS * sample_rate))
        self._carry = np.zeros(channels)
        self._carry_len = 0

    def push(self, block: np.ndarray) -> np.ndarray:
        """Filter ``block`` (channels, n); return energies of completed sub-blocks (k, channels)."""
        from scipy.signal import lfilter

        y = block.astype(np.float64)
        for i, (b, a, gain) in enumerate(self._stages):
            if self._zi[i] is None:
                self._zi[i] = np.zeros((self.channels, max(len(a), len(b)) - 1))
            y, self._zi[i] = lfilter(b, a, y, axis=1, zi=self._zi[i])
            y = gain * y
        sq = y * y
        out = []
        pos = 0
        n = sq.shape[1]
        while pos < n:
            take = min(self.subblock_len - self._carry_len, n - pos)
            self._carry += sq[:, pos:pos + take].sum(axis=1)
            self._carry_len += take
            pos += take
            if self._carry_len == self.subblock_len:
                out.append(self._carry.copy())
                self._carry[:] = 0.0
                self._carry_len = 0
        return np.asarray(out).reshape(-1, self.channels)

    def flush(self) -> np.ndarray:
        """The energy of a final partial sub-block, if any (1, channels) or (0, channels)."""
        if self._carry_len == 0:
            return np.zeros((0, self.channels))
        out = self._carry.copy().reshape(1, -1)
        self._carry[:] = 0.0
        self._carry_len = 0
        return out


def block_powers(sub_energy: np.ndarray, sample_rate: int, total_samples: int,
                 weights: np.ndarray) -> np.ndarray:
    """Weighted mean-square power of each 400 ms gating block (pyloudnorm's block grid)."""
    if total_samples / sample_rate < 0.4 or len(sub_energy) == 0:
        return np.zeros(0)
    duration = total_samples / sample_rate
    n_blocks = int(np.round((duration - 0.4) / 0.1)) + 1
    padded = np.zeros((n_blocks + 3, sub_energy.shape[1]))
    k = min(len(sub_energy), len(padded))
    padded[:k] = sub_energy[:k]
    window = padded[0:n_blocks] + padded[1:n_blocks + 1] + padded[2:n_blocks + 2] + padded[3:n_blocks + 3]
    z = window / (0.4 * sample_rate)
    return z @ weights


def gated_loudness(block_power: np.ndarray) -> Optional[float]:
    """Integrated loudness in LUFS from weighted block powers, or None when all is gated."""
    if len(block_power) == 0:
        return None
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10.0 * np.log10(block_power)
    above_abs = loud >= ABSOLUTE_GATE_LUFS
    if not above_abs.any():
        return None
    relative_gate = -0.691 + 10.0 * np.log10(block_power[above_abs].mean()) - 10.0
    keep = (loud > relative_gate) & (loud > ABSOLUTE_GATE_LUFS)
    if not keep.any():
        return None
    return float(-0.691 + 10.0 * np.log10(block_power[keep].mean()))


def short_range_loudness(sub_energy_weighted: np.ndarray, sample_rate: int) -> Optional[float]:
    """Loudness of a short range from weighted sub-block energies: gated when >= 400 ms,
    plain mean power otherwise (too short to gate)."""
    if len(sub_energy_weighted) == 0:
        return None
    if len(sub_energy_weighted) >= 4:
        e = sub_energy_weighted
        z = (e[:-3] + e[1:-2] + e[2:-1] + e[3:]) / (0.4 * sample_rate)
        return gated_loudness(z)
    power = sub_energy_weighted.mean() / (SUBBLOCK_SECONDS * sample_rate)
    if power <= 0:
        return None
    value = -0.691 + 10.0 * np.log10(power)
    return float(value) if value >= ABSOLUTE_GATE_LUFS else None
