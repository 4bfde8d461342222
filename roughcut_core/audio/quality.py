"""Audio quality of a file and of any time range in it (issue 3, parts 3 and 4).

Contract:
- ``analyze_audio_quality(path, *, asset=None, cache=None)`` decodes the first audio stream once,
  streamed (memory does not grow with duration), and returns an :class:`AudioQualityReport`:
  integrated loudness (ITU-R BS.1770-4, identical to pyloudnorm on the same samples; None when
  the file is silent), peak dBFS, noise floor (10th percentile of 100 ms RMS, digital silence
  excluded), SNR (speech-hop power above the floor vs the floor), per-channel numbers and role
  guesses, the best dialogue channel per range, and flags: ``clipping`` (runs of >= 3 samples at
  >= 0.999 FS), ``dropout`` (exact-zero runs of 2 ms to 0.5 s with speech on both sides
  within 0.3 s), ``wind`` (bursts where
  most of the energy is below 100 Hz), ``noise`` (dialogue SNR under 20 dB),
  ``digital_silence`` (>= 1 s of exact zeros; the whole file -> severity 1) and ``corrupt``
  (where undecodable packets were replaced by silence). Raises MediaError for a missing/empty/undecodable
  file or one without audio.
- With ``cache`` (an ``AnalysisCache``) the report is stored under the file's content key
  (``asset.content_key`` or ``media.keys.content_key(path)``) and reused.
- ``segment_quality(report, start, end)`` scores a time range from the report alone.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..model import AnalyzerInfo, QualityFlag
from .channels import best_channel_ranges, channel_roles
from .hopstats import HopStats, collect_hop_stats
from .loudness import block_powers, channel_weights, gated_loudness, short_range_loudness
from .report import FLOOR_DB, AudioQualityReport, ChannelInfo, report_from_json, report_to_json

ANALYZER = "audio_quality"
VERSION = "1"
HOP = 0.1
NOISE_PERCENTILE = 10.0
ACTIVE_ABOVE_FLOOR_DB = 6.0
WIND_LOW_RATIO = 0.6
WIND_JUMP_DB = 18.0
NOISE_FLAG_SNR_DB = 20.0
DROPOUT_NEAR_S = 0.3
DROPOUT_MAX_S = 0.5
FLAG_PENALTY = {"clipping": 0.6, "dropout": 0.7, "wind": 0.4, "noise": 0.3,
                "digital_silence": 1.0, "corrupt": 0.8}


def _db(x) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.maximum(10.0 * np.log10(np.asarray(x, dtype=np.float64)), FLOOR_DB)


def _ranges(mask: np.ndarray, max_gap: int = 1) -> list[tuple[int, int]]:
    """[start, end) hop index runs of True, joining runs separated by <= max_gap hops."""
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return []
    out = [[int(idx[0]), int(idx[0]) + 1]]
    for i in idx[1:]:
        if i - out[-1][1] <= max_gap:
            out[-1][1] = int(i) + 1
        else:
            out.append([int(i), int(i) + 1])
    return [(a, b) for a, b in out]


def _noise_floor(power_db: np.ndarray, digital_zero: np.ndarray) -> float:
    usable = power_db[~digital_zero]
    if len(usable) == 0:
        return FLOOR_DB
    return float(np.percentile(usable, NOISE_PERCENTILE))


def snr_from_track(above_floor_db: np.ndarray) -> Optional[float]:
    """SNR from per-hop levels above the noise floor: mean power of the hops clearly above
    it (speech), less the noise inside them, relative to the floor. None without speech."""
    track = np.asarray(above_floor_db, dtype=np.float64)
    active = track[track > ACTIVE_ABOVE_FLOOR_DB]
    if len(active) == 0:
        return None
    ratio = float(np.mean(10.0 ** (active / 10.0)))
    return float(10.0 * np.log10(max(ratio - 1.0, 1e-3)))


def _flags(st: HopStats, floors: np.ndarray, snr_db: Optional[float]) -> list[QualityFlag]:
    hop, n = st.hop, st.n_hops
    flags: list[QualityFlag] = []
    t = lambda i: round(min(i * hop, st.duration), 4)  # noqa: E731 - hop index -> seconds
    digital_zero = (st.zeros >= st.hop_samples[:, None]).all(axis=1)
    level_db = _db(st.power)
    active = (level_db > floors[None, :] + ACTIVE_ABOVE_FLOOR_DB).any(axis=1) & ~digital_zero

    for a, b in _ranges(st.clipped.sum(axis=1) > 0):
        samples = int(st.clipped[a:b].sum())
        chans = [int(c) for c in np.flatnonzero(st.clipped[a:b].sum(axis=0))]
        frac = samples / max(1, int(st.hop_samples[a:b].sum()) * len(chans))
        flags.append(QualityFlag("clipping", t(a), t(b), round(min(1.0, 0.4 + 6.0 * frac), 3),
                                 f"{samples} samples at full scale on channel(s) {chans}"))

    if digital_zero.all():
        flags.append(QualityFlag("digital_silence", 0.0, round(st.duration, 4), 1.0,
                                 "the whole file is digital silence (all samples are 0)"))
    else:
        for a, b in _ranges(digital_zero, max_gap=0):
            if (b - a) * hop >= 1.0:
                flags.append(QualityFlag("digital_silence", t(a), t(b), 0.2,
                                         f"{(b - a) * hop:.1f} s of exact zeros"))
        near = int(round(DROPOUT_NEAR_S / hop))
        has_zero_run = (st.zeros > 0).any(axis=1) & ~digital_zero
        # a zero run is a dropout when speech is on both sides within DROPOUT_NEAR_S
        act_idx = np.flatnonzero(active)
        drop = np.zeros(n, bool)
        for i in np.flatnonzero(has_zero_run | (digital_zero & np.convolve(active, np.ones(3), "same").astype(bool))):
            before = act_idx[(act_idx <= i) & (act_idx >= i - near)]
            after = act_idx[(act_idx >= i) & (act_idx <= i + near)]
            if len(before) and len(after):
                drop[i] = True
        for a, b in _ranges(drop, max_gap=0):
            zero_s = float(st.zeros[a:b].max(axis=1).sum()) / st.info.sample_rate
            if zero_s > DROPOUT_MAX_S:
                continue  # a long exact-zero pause is an edit gap, not a dropout
            flags.append(QualityFlag("dropout", t(a), t(b), round(min(1.0, 0.5 + zero_s / 0.2), 3),
                                     f"{zero_s * 1000:.0f} ms of exact zeros inside speech"))

    low = st.low_power.sum(axis=1)
    total = st.power.sum(axis=1)
    low_ratio = np.minimum(low / np.maximum(total, 1e-20), 1.0)
    if n:
        # a bump is loud for this file, mostly below 100 Hz, and far above the usual rumble
        low_jump = _db(low) - np.median(_db(low))
        burst = ((low_ratio > WIND_LOW_RATIO) & (low_jump > WIND_JUMP_DB)
                 & (_db(total) >= np.median(_db(total))) & ~digital_zero)
        for a, b in _ranges(burst):
            jump = float(low_jump[a:b].max())
            flags.append(QualityFlag("wind", t(a), t(b), round(min(1.0, 0.3 + jump / 50.0), 3),
                                     f"{float(low_ratio[a:b].max()):.0%} of the energy below 100 Hz, "
                                     f"{jump:.0f} dB above the usual rumble (wind or handling)"))

    if snr_db is not None and snr_db < NOISE_FLAG_SNR_DB:
        sev = round(min(1.0, max(0.1, (NOISE_FLAG_SNR_DB - snr_db) / NOISE_FLAG_SNR_DB)), 3)
        flags.append(QualityFlag("noise", 0.0, round(st.duration, 4), sev,
                                 f"dialogue SNR {snr_db:.1f} dB"))
    lost = sorted(st.decode.corrupt_at)
    groups: list[list[float]] = []
    for at in lost:
        if groups and at - groups[-1][-1] <= 0.5:
            groups[-1].append(at)
        else:
            groups.append([at])
    for g in groups:
        flags.append(QualityFlag("corrupt", round(max(0.0, g[0] - hop), 4), round(min(st.duration, g[-1] + hop), 4),
                                 0.8, f"{len(g)} undecodable packet(s) replaced by silence"))
    return sorted(flags, key=lambda f: (f.start, f.kind))


def _build_report(path: str, st: HopStats) -> AudioQualityReport:
    info = st.info
    power_db = _db(st.power)
    digital_zero_hop = st.zeros >= st.hop_samples[:, None]
    floors = np.array([_noise_floor(power_db[:, c], digital_zero_hop[:, c]) for c in range(info.channels)])
    snr_per_hop = power_db - floors[None, :]
    unusable = (st.clipped > 0) | ((st.zeros > 0) & ~digital_zero_hop)
    ranges = best_channel_ranges(snr_per_hop, st.hop, st.duration, unusable)

    chosen = np.zeros(st.n_hops, dtype=int)
    for a, b, ch in ranges:
        chosen[int(round(a / st.hop)):int(round(b / st.hop))] = ch
    chosen_snr = snr_per_hop[np.arange(st.n_hops), chosen] if st.n_hops else np.zeros(0)
    main = int(np.bincount(chosen, minlength=info.channels).argmax()) if st.n_hops else 0
    snr_db = snr_from_track(chosen_snr) if floors[main] > FLOOR_DB else None

    weights = channel_weights(info.channel_names if len(info.channel_names) == info.channels
                              else ("NONE",) * info.channels)
    bp = block_powers(st.k_energy, info.sample_rate, st.total_samples, weights)
    loudness = gated_loudness(bp)
    loud_track = _db((st.k_energy[:st.n_hops] @ weights) / np.maximum(st.hop_samples[:len(st.k_energy)], 1))

    roles, names = channel_roles(path, st.power, floors)
    channels = []
    for c in range(info.channels):
        mean_power = float(st.power[:, c] @ st.hop_samples) / max(1, st.total_samples)
        snr_c = snr_from_track(snr_per_hop[:, c]) if floors[c] > FLOOR_DB else None
        channels.append(ChannelInfo(
            index=c, role=roles[c], rms_db=round(float(_db(mean_power)), 2),
            snr_db=round(snr_c, 2) if snr_c is not None else 0.0,
            clipped_fraction=round(float(st.clipped[:, c].sum()) / max(1, st.total_samples), 6),
            name=names.get(c), noise_floor_db=round(float(floors[c]), 2)))

    peak = float(st.peak.max()) if st.peak.size else 0.0
    params = {"hop": st.hop, "noise_percentile": NOISE_PERCENTILE, "clip_level": 0.999,
              "active_above_floor_db": ACTIVE_ABOVE_FLOOR_DB, "dropout_max_s": DROPOUT_MAX_S,
              "wind_low_ratio": WIND_LOW_RATIO, "wind_jump_db": WIND_JUMP_DB,
              "sample_rate": info.sample_rate, "channels": info.channels, "layout": info.layout}
    return AudioQualityReport(
        path=path, loudness_lufs=round(loudness, 3) if loudness is not None else None,
        peak_dbfs=round(float(_db(peak * peak)), 3) if peak > 0 else FLOOR_DB,
        noise_floor_db=round(float(floors[main]), 2), snr_db=round(snr_db, 2) if snr_db is not None else None,
        channels=tuple(channels), flags=tuple(_flags(st, floors, snr_db)),
        best_channel_ranges=ranges, analyzer=AnalyzerInfo(ANALYZER, VERSION, params),
        duration=round(st.duration, 6), sample_rate=info.sample_rate, hop=st.hop,
        loudness_track=tuple(round(float(v), 2) for v in loud_track),
        snr_track=tuple(round(float(v), 2) for v in chosen_snr),
        corrupt_packets=st.decode.corrupt_packets)


def analyze_audio_quality(path, *, asset=None, cache=None) -> AudioQualityReport:
    """Streamed quality analysis of the first audio stream of ``path`` (see module doc)."""
    path = str(path)
    if cache is None:
        return _build_report(path, collect_hop_stats(path, HOP))
    from ..media.keys import content_key

    key = asset.content_key if asset is not None else content_key(path)
    params = {"hop": HOP}
    stored = cache.get(key, ANALYZER, VERSION, params)
    if stored is not None:
        report = report_from_json(stored)
        return report if report.path == path else _with_path(report, path)
    report = _build_report(path, collect_hop_stats(path, HOP))
    cache.put(key, ANALYZER, VERSION, params, report_to_json(report))
    return report


def _with_path(report: AudioQualityReport, path: str) -> AudioQualityReport:
    from dataclasses import replace

    return replace(report, path=path)


def segment_quality(report: AudioQualityReport, start: float, end: float) -> dict:
    """Quality of [start, end) seconds: ``loudness_lufs`` (None if silent), ``snr_db`` (None if
    no speech), ``clipping`` (fraction of the range inside clipping flags), ``flags`` (flags
    overlapping the range) and ``score`` 0..1 (1 = clean, well above the noise)."""
    start, end = max(0.0, float(start)), min(float(end), report.duration or float(end))
    hop = report.hop
    i0, i1 = int(np.floor(start / hop)), max(int(np.ceil(end / hop)), int(np.floor(start / hop)) + 1)
    loud = np.asarray(report.loudness_track[i0:i1], dtype=np.float64)
    hop_len = max(1, int(round(hop * report.sample_rate))) if report.sample_rate else 1
    energies = (10.0 ** (loud / 10.0)) * hop_len
    loudness = short_range_loudness(energies, report.sample_rate) if report.sample_rate else None

    snr = snr_from_track(np.asarray(report.snr_track[i0:i1], dtype=np.float64))

    span = max(end - start, 1e-9)
    overlapping = [f for f in report.flags if f.start < end and f.end > start]
    clip_time = sum(min(f.end, end) - max(f.start, start) for f in overlapping if f.kind == "clipping")
    score = 0.3 + 0.7 * min(1.0, max(0.0, ((snr if snr is not None else 0.0) - 5.0) / 25.0))
    for f in overlapping:
        if f.kind == "noise" and snr is not None:
            continue  # whole-file noise is already in the local SNR term
        score *= 1.0 - FLAG_PENALTY.get(f.kind, 0.3) * f.severity
    if snr is None:
        score = min(score, 0.1)
    return {"loudness_lufs": round(loudness, 2) if loudness is not None else None,
            "snr_db": round(snr, 2) if snr is not None else None,
            "clipping": round(min(1.0, clip_time / span), 4),
            "flags": overlapping, "score": round(max(0.0, min(1.0, score)), 4)}
