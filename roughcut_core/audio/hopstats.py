"""One streamed pass over a file's audio, reduced to per-hop, per-channel statistics.

Contract: ``collect_hop_stats(path, hop=0.1)`` decodes the first audio stream block by block
(PyAV, see ``decode.py``) and returns :class:`HopStats`, arrays shaped (hops, channels):
raw mean-square power, peak, samples in full-scale runs (clipping), samples in exact-zero runs
(dropouts / digital silence), power below 100 Hz (wind, handling) and BS.1770 K-weighted
energy. Memory is the decode block plus a few numbers per hop per channel (about 50 bytes per
channel per 0.1 s), so it does not grow with the audio itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .decode import AudioInfo, DecodeStats, iter_blocks, probe_audio
from .loudness import KWeightedPower

CLIP_LEVEL = 0.999
CLIP_RUN = 3  # consecutive samples at full scale; one lone peak sample is not clipping
ZERO_RUN_SECONDS = 0.002
LOW_FREQ_HZ = 100.0


@dataclass
class HopStats:
    """Per-hop statistics for one file; arrays are (hops, channels)."""

    info: AudioInfo
    hop: float
    hop_len: int
    total_samples: int
    power: np.ndarray
    peak: np.ndarray
    clipped: np.ndarray
    zeros: np.ndarray
    low_power: np.ndarray
    k_energy: np.ndarray
    hop_samples: np.ndarray  # samples in each hop (the last may be short)
    decode: DecodeStats = field(default_factory=DecodeStats)

    @property
    def duration(self) -> float:
        return self.total_samples / self.info.sample_rate

    @property
    def n_hops(self) -> int:
        return int(self.power.shape[0])


def _run_mask(mask: np.ndarray, run: int) -> np.ndarray:
    """Samples that belong to a run of at least ``run`` consecutive True values (per row).

    Works on the True positions only, so its cost follows how many samples are flagged."""
    out = np.zeros_like(mask)
    for row in range(mask.shape[0]):
        idx = np.flatnonzero(mask[row])
        if len(idx) < run:
            continue
        breaks = np.flatnonzero(np.diff(idx) != 1)
        starts = np.concatenate([[0], breaks + 1])
        ends = np.concatenate([breaks, [len(idx) - 1]])
        for s, e in zip(starts, ends):
            if e - s + 1 >= run:
                out[row, idx[s]:idx[e] + 1] = True
    return out


class _Accumulator:
    def __init__(self, info: AudioInfo, hop_len: int):
        rate, ch = info.sample_rate, info.channels
        from scipy.signal import butter

        self.hop_len = hop_len
        self.kweight = KWeightedPower(rate, ch)
        self.lowpass = butter(4, LOW_FREQ_HZ, btype="low", fs=rate, output="sos")
        self.lp_state = np.zeros((self.lowpass.shape[0], ch, 2))
        self.zero_run = max(4, int(round(ZERO_RUN_SECONDS * rate)))
        self.rows: dict[str, list] = {k: [] for k in
                                      ("power", "peak", "clipped", "zeros", "low", "n")}
        self.k_rows: list[np.ndarray] = []

    def push(self, block: np.ndarray) -> None:
        from scipy.signal import sosfilt

        ch, n = block.shape
        low, self.lp_state = sosfilt(self.lowpass, block.astype(np.float64), axis=1, zi=self.lp_state)
        clip = _run_mask(np.abs(block) >= CLIP_LEVEL, CLIP_RUN)
        zero = _run_mask(block == 0.0, self.zero_run)
        self.k_rows.append(self.kweight.push(block))
        x = block.astype(np.float64)
        full = n // self.hop_len
        cuts = [(0, full * self.hop_len, full)] if full else []
        if n % self.hop_len:
            cuts.append((full * self.hop_len, n, 1))
        for a, b, hops in cuts:
            def per_hop(arr):  # (channels, hops * len) -> (hops, channels, len)
                return arr[:, a:b].reshape(ch, hops, -1).transpose(1, 0, 2)

            seg = per_hop(x)
            self.rows["power"].extend((seg * seg).mean(axis=2))
            self.rows["peak"].extend(np.abs(seg).max(axis=2))
            self.rows["clipped"].extend(per_hop(clip).sum(axis=2))
            self.rows["zeros"].extend(per_hop(zero).sum(axis=2))
            self.rows["low"].extend((per_hop(low) ** 2).mean(axis=2))
            self.rows["n"].extend([(b - a) // hops] * hops)

    def finish(self, info: AudioInfo, hop: float, total: int, decode: DecodeStats) -> HopStats:
        self.k_rows.append(self.kweight.flush())
        ch = info.channels

        def stack(key, dtype=np.float64):
            rows = self.rows[key]
            return np.asarray(rows, dtype=dtype).reshape(len(rows), ch)

        k = np.concatenate(self.k_rows) if self.k_rows else np.zeros((0, ch))
        return HopStats(info, hop, self.hop_len, total, stack("power"), stack("peak"),
                        stack("clipped", np.int64), stack("zeros", np.int64), stack("low"), k,
                        np.asarray(self.rows["n"], dtype=np.int64), decode)


def collect_hop_stats(path, hop: float = 0.1) -> HopStats:
    """Decode ``path`` once and reduce it to :class:`HopStats` (raises MediaError)."""
    info = probe_audio(path)
    hop_len = max(1, int(round(hop * info.sample_rate)))
    # blocks of whole hops keep every hop inside one block
    block_seconds = 10 * hop_len / info.sample_rate
    acc = _Accumulator(info, hop_len)
    decode = DecodeStats()
    total = 0
    for _, block in iter_blocks(path, block_seconds, stats=decode):
        acc.push(block)
        total += block.shape[1]
    return acc.finish(info, hop_len / info.sample_rate, total, decode)
