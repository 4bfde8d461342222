"""The sound of each line reading: SNR, level against the best take, clipping, noise, overlap.

Contract:
- ``FileLevels.of(samples, sample_rate)`` reduces a file's mono samples to 20 ms frame levels
  (dB re full scale), the file's noise floor (10th percentile of the frames, digital silence
  excluded) and a per-frame clipped-sample count (|x| >= 0.999).
- ``measure(levels, start, end)`` → :class:`ReadingSound` for seconds [start, end):
  ``speech_db`` (mean power of the loudest half of the frames: the voice), ``bed_db`` (10th
  percentile: what lies under the words), ``dynamics_db`` (90th − 10th percentile: speech is
  strongly modulated, speech buried in a steady noise is not), ``edge_db`` (median level just
  outside the reading, 0.05–0.3 s each side), ``clipped`` (share of samples at full scale).
- ``noise_db`` is how far a steady bed under the words rises over the room tone (0 when the
  bed is speech itself: high dynamics); ``snr_db`` = speech over that bed, or over the file's
  floor when there is no bed. ``noisy`` says noise over the words: a steady, spectrally flat bed (``noise_db`` >= 10 with low
  dynamics and median flatness >= ``BED_FLATNESS``), or a
  burst of loud, spectrally flat frames lasting ``BURST_MIN_S`` or more (then ``noise_db`` is the
  burst's level over the room tone and ``snr_db`` speech over the burst).
- ``reading_signals(readings, levels_by_path)`` returns the readings with ``signals`` filled:
  ``snr_db``, ``level_rel_db`` (speech level − the loudest reading of the same line by the same
  character; 0 for that one), ``clipping`` (share of clipped samples), ``noise_db`` and
  ``overlap`` (share of the reading overlapped by another character's reading in the same
  file: cross-talk or the other actor's mic bleeding). Readings whose file has no levels keep
  their signals as they are. Pure numpy; decoding is the caller's.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping, Optional, Sequence

import numpy as np

from ..model import LineReading

FRAME_S = 0.02
CLIP_LEVEL = 0.999
FLOOR_DB = -120.0
NOISE_BED_DB = 10.0      # a bed this far over the room tone...
NOISE_DYNAMICS_DB = 14.0  # ...with less modulation than this is noise over the words
EDGE = (0.05, 0.3)
BURST_FLATNESS = 0.3      # spectral flatness of a frame of broadband noise (speech: < 0.2)
BURST_ABOVE_FLOOR_DB = 15.0
BURST_MIN_S = 0.22
BED_FLATNESS = 0.15       # median flatness of the loud frames under a noise bed (speech ~0.01)


@dataclass(frozen=True)
class FileLevels:
    """20 ms frame levels of one file (see module contract)."""

    level_db: np.ndarray
    clipped: np.ndarray
    floor_db: float
    duration: float
    hop_samples: int = 320
    flatness: Optional[np.ndarray] = None   # spectral flatness 0..1 per frame (noise ~0.5+)

    @classmethod
    def of(cls, samples: np.ndarray, sample_rate: int) -> "FileLevels":
        x = np.asarray(samples, dtype=np.float32).reshape(-1)
        hop = max(1, int(round(FRAME_S * sample_rate)))
        n = x.size // hop
        frames = x[: n * hop].reshape(n, hop) if n else np.zeros((0, hop), np.float32)
        power = (frames.astype(np.float64) ** 2).mean(axis=1)
        with np.errstate(divide="ignore"):
            level = np.maximum(10.0 * np.log10(power), FLOOR_DB)
        clipped = (np.abs(frames) >= CLIP_LEVEL).sum(axis=1)
        live = level[power > 0]
        floor = float(np.percentile(live, 10)) if live.size else FLOOR_DB
        flat = np.zeros(n)
        if n:
            lo = max(1, int(300 * hop / sample_rate))
            hi = max(lo + 2, int(6000 * hop / sample_rate))
            for k in range(0, n, 4096):  # bounded memory for long files
                spec = np.abs(np.fft.rfft(frames[k:k + 4096] * np.hanning(hop), axis=1))[:, lo:hi] ** 2 + 1e-12
                flat[k:k + 4096] = np.exp(np.log(spec).mean(axis=1)) / spec.mean(axis=1)
        return cls(level, clipped, floor, x.size / float(sample_rate), hop, flat)


@dataclass(frozen=True)
class ReadingSound:
    speech_db: float
    bed_db: float
    dynamics_db: float
    edge_db: Optional[float]
    clipped: float
    noise_db: float
    snr_db: float
    noisy: bool
    burst_s: float = 0.0


def _frames(levels: FileLevels, t0: float, t1: float) -> slice:
    n = len(levels.level_db)
    a = min(n, max(0, int(t0 / FRAME_S)))
    b = min(n, max(a, int(np.ceil(t1 / FRAME_S))))
    return slice(a, b)


def measure(levels: FileLevels, start: float, end: float) -> Optional[ReadingSound]:
    """The sound of [start, end) (see module contract); None when the range holds no frames."""
    sl = _frames(levels, start, end)
    seg = levels.level_db[sl]
    if seg.size == 0:
        return None
    loud = np.sort(seg)[seg.size // 2:]
    speech = float(10.0 * np.log10(np.mean(10.0 ** (loud / 10.0))))
    p10, p90 = (float(v) for v in np.percentile(seg, [10, 90]))
    edges = [levels.level_db[_frames(levels, start - EDGE[1], start - EDGE[0])],
             levels.level_db[_frames(levels, end + EDGE[0], end + EDGE[1])]]
    edge_vals = np.concatenate([e for e in edges if e.size]) if any(e.size for e in edges) else None
    edge = float(np.median(edge_vals)) if edge_vals is not None else None
    clipped = float(levels.clipped[sl].sum()) / float(seg.size * levels.hop_samples)
    bed_rise = p10 - levels.floor_db
    dynamics = p90 - p10
    flat = levels.flatness[sl] if levels.flatness is not None else None
    loud = seg >= levels.floor_db + BURST_ABOVE_FLOOR_DB
    flat_share = float(np.median(flat[loud])) if flat is not None and loud.any() else 0.0
    # reverberant, low-passed speech (the other actor's mic) is steady too, but not flat
    steady_bed = bed_rise >= NOISE_BED_DB and dynamics < NOISE_DYNAMICS_DB and flat_share >= BED_FLATNESS
    burst_s, burst_db = _burst(levels, sl)
    noisy = bool(steady_bed or burst_s >= BURST_MIN_S)
    if steady_bed:
        noise_db, snr = max(0.0, bed_rise), speech - p10
    elif noisy:
        noise_db, snr = burst_db - levels.floor_db, speech - burst_db
    else:
        noise_db, snr = 0.0, speech - levels.floor_db
    return ReadingSound(speech_db=speech, bed_db=p10, dynamics_db=dynamics, edge_db=edge,
                        clipped=clipped, noise_db=noise_db, snr_db=snr, noisy=noisy, burst_s=burst_s)


def _burst(levels: FileLevels, sl: slice) -> tuple[float, float]:
    """(seconds, median dB) of the longest run of loud, spectrally flat frames in ``sl``: a noise
    burst (a fricative is flat too, but lasts well under ``BURST_MIN_S``)."""
    if levels.flatness is None:
        return 0.0, FLOOR_DB
    lv = levels.level_db[sl]
    hit = (levels.flatness[sl] >= BURST_FLATNESS) & (lv >= levels.floor_db + BURST_ABOVE_FLOOR_DB)
    best, best_at, run = 0, 0, 0
    for k, h in enumerate(hit):
        run = run + 1 if h else 0
        if run > best:
            best, best_at = run, k
    if best == 0:
        return 0.0, FLOOR_DB
    return best * FRAME_S, float(np.median(lv[best_at - best + 1:best_at + 1]))


def _overlap(r: LineReading, others: Sequence[LineReading]) -> float:
    span = max(1e-6, r.end - r.start)
    covered = 0.0
    for o in others:
        if o is r or o.path != r.path or not o.character or o.character == r.character:
            continue
        covered += max(0.0, min(r.end, o.end) - max(r.start, o.start))
    return min(1.0, covered / span)


def reading_signals(readings: Sequence[LineReading],
                    levels_by_path: Mapping[str, FileLevels]) -> tuple[LineReading, ...]:
    """The readings with their sound signals (see module contract), in the same order."""
    sounds: list[Optional[ReadingSound]] = []
    for r in readings:
        lv = levels_by_path.get(r.path)
        sounds.append(measure(lv, r.start, r.end) if lv is not None else None)
    best: dict = {}
    for r, s in zip(readings, sounds):
        if s is not None:
            key = (r.line_id, r.character)
            best[key] = max(best.get(key, -1e9), s.speech_db)
    out = []
    for r, s in zip(readings, sounds):
        if s is None:
            out.append(r)
            continue
        sig = dict(r.signals)
        sig.update({
            "snr_db": round(s.snr_db, 2),
            "level_rel_db": round(s.speech_db - best[(r.line_id, r.character)], 2),
            "clipping": round(s.clipped, 5),
            "noise_db": round(s.noise_db, 2),
            "overlap": round(_overlap(r, readings), 3),
        })
        out.append(replace(r, signals=sig))
    return tuple(out)
