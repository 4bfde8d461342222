"""Production-audio channels: role guesses, best dialogue channel per range, activity.

Contract:
- ``channel_roles(path, hop_db, active)`` guesses "boom" | "lav" | "mix" | "unknown" per
  channel: from the recorder's iXML track names when the WAV carries them (Sound Devices,
  Zoom, Zaxcom... write ``<TRACK><NAME>BOOM</NAME>``), else from the signals (one channel is a
  "mix"; two near-identical channels are a stereo "mix"; with 3+ channels, a channel whose
  level envelope correlates with every other channel, while no other does, is the "boom" and
  the rest are "lav"; otherwise "unknown").
- ``best_channel_ranges(snr_db, hop, ...)`` picks, per 1 s window, the channel with the
  highest local level above its own noise floor (clipping and dropouts disqualify a channel),
  smoothed with hysteresis so the pick only switches for a clear, lasting gain; returned as
  merged ``(start, end, channel)`` ranges covering the whole file.
- ``channel_activity(path, hop=0.05)`` streams the file and returns ``(times, per_channel_db)``:
  hop start times (s) and an array (hops, channels) of RMS level in dBFS, the
  who-is-speaking hint for multichannel production audio (a lav is loudest for its wearer).
"""
from __future__ import annotations

import re
import struct
from typing import Optional

import numpy as np

from .decode import iter_blocks, probe_audio
from .report import FLOOR_DB

WINDOW_HOPS = 10
SWITCH_MARGIN_DB = 3.0
UNUSABLE_PENALTY_DB = 40.0
BOOM_MIN_CORR = 0.3


def _power_db(power: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.maximum(10.0 * np.log10(power), FLOOR_DB)


def ixml_track_names(path) -> dict[int, str]:
    """0-based channel index -> track name from a WAV/RF64 iXML chunk ({} when absent)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
            if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64", b"BW64") or head[8:12] != b"WAVE":
                return {}
            while True:
                hdr = fh.read(8)
                if len(hdr) < 8:
                    return {}
                cid, size = hdr[:4], struct.unpack("<I", hdr[4:])[0]
                if cid == b"iXML":
                    xml = fh.read(min(size, 1 << 20)).decode("utf-8", "replace")
                    break
                if cid == b"data" and size == 0xFFFFFFFF:
                    return {}  # RF64 data size lives in ds64; iXML after it is rare
                fh.seek(size + (size & 1), 1)
    except OSError:
        return {}
    names = {}
    for track in re.findall(r"<TRACK>(.*?)</TRACK>", xml, flags=re.S | re.I):
        idx = re.search(r"<CHANNEL_INDEX>\s*(\d+)\s*</CHANNEL_INDEX>", track, re.I)
        name = re.search(r"<NAME>(.*?)</NAME>", track, re.S | re.I)
        if idx and name:
            names[int(idx.group(1)) - 1] = name.group(1).strip()
    return names


def role_from_name(name: str) -> str:
    low = name.lower()
    if any(k in low for k in ("boom", "shotgun", "mkh", "cmit", "overhead", "plant")):
        return "boom"
    if any(k in low for k in ("lav", "radio", "wireless", "rf", "tram", "cos11", "dpa")):
        return "lav"
    if low in ("mix", "l", "r", "mixl", "mixr", "mix l", "mix r", "lr") or "mix" in low:
        return "mix"
    return "unknown"


def channel_roles(path, power: np.ndarray, floors_db: np.ndarray) -> tuple[list[str], dict[int, str]]:
    """Role per channel and the iXML names found; ``power`` is (hops, channels)."""
    n = power.shape[1]
    names = ixml_track_names(path)
    if names:
        roles = [role_from_name(names[i]) if i in names else "unknown" for i in range(n)]
        if any(r != "unknown" for r in roles):
            return roles, names
    if n == 1:
        return ["mix"], names
    levels = _power_db(power)
    if n == 2:
        both = (levels > floors_db[None, :] + 6.0).any(axis=1)
        if both.sum() >= 3:
            a, b = levels[both, 0], levels[both, 1]
            corr = np.corrcoef(a, b)[0, 1] if a.std() > 0 and b.std() > 0 else 1.0
            if corr > 0.95 and abs(a.mean() - b.mean()) < 3.0:
                return ["mix", "mix"], names
        return ["unknown", "unknown"], names
    # level envelopes above each floor: a boom follows every talker, so it correlates with
    # every lav, while two lavs (different wearers) hardly correlate with each other
    above = np.maximum(levels - floors_db[None, :], 0.0)
    if len(above) >= 10 and (above.std(axis=0) > 0).all():
        corr = np.corrcoef(above.T)
        np.fill_diagonal(corr, np.inf)
        weakest = corr.min(axis=1)
        best = int(np.argmax(weakest))
        if weakest[best] >= BOOM_MIN_CORR and np.delete(weakest, best).max() < BOOM_MIN_CORR:
            roles = ["lav"] * n
            roles[best] = "boom"
            return roles, names
    return ["unknown"] * n, names


def best_channel_ranges(snr_db: np.ndarray, hop: float, duration: float,
                        unusable: Optional[np.ndarray] = None) -> tuple[tuple[float, float, int], ...]:
    """Merged (start, end, channel) ranges of the best dialogue channel.

    ``snr_db`` is (hops, channels): each hop's level above that channel's noise floor;
    ``unusable`` (same shape, bool) marks hops with clipping or dropouts on that channel.
    """
    hops, n = snr_db.shape
    if hops == 0:
        return ()
    if n == 1:
        return ((0.0, round(duration, 4), 0),)
    score = snr_db.copy()
    if unusable is not None:
        score = score - UNUSABLE_PENALTY_DB * unusable
    n_win = int(np.ceil(hops / WINDOW_HOPS))
    picks = []
    current: Optional[int] = None
    for w in range(n_win):
        seg = score[w * WINDOW_HOPS:(w + 1) * WINDOW_HOPS]
        # power mean favours the channel that carries the speech peaks in the window
        win = 10.0 * np.log10(np.mean(10.0 ** (seg / 10.0), axis=0))
        speech = win.max() > 6.0
        cand = int(np.argmax(win))
        if current is None:
            current = cand
        elif speech and cand != current and win[cand] - win[current] >= SWITCH_MARGIN_DB:
            current = cand
        picks.append(current)
    # the first windows before any speech follow the first real pick
    ranges: list[list] = []
    win_s = WINDOW_HOPS * hop
    for w, ch in enumerate(picks):
        start = w * win_s
        if ranges and ranges[-1][2] == ch:
            ranges[-1][1] = min(duration, start + win_s)
        else:
            ranges.append([start, min(duration, start + win_s), ch])
    ranges[-1][1] = duration
    return tuple((round(a, 4), round(b, 4), int(c)) for a, b, c in ranges)


def channel_activity(path, *, hop: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Hop start times (s) and RMS dBFS per hop per channel, streamed from ``path``."""
    info = probe_audio(path)
    hop_len = max(1, int(round(hop * info.sample_rate)))
    rows: list[np.ndarray] = []
    for _, block in iter_blocks(path, 20 * hop_len / info.sample_rate):
        n = block.shape[1]
        full = n // hop_len
        if full:
            seg = block[:, :full * hop_len].astype(np.float64).reshape(info.channels, full, hop_len)
            rows.append((seg ** 2).mean(axis=2).T)
        if n % hop_len:
            tail = block[:, full * hop_len:].astype(np.float64)
            rows.append((tail ** 2).mean(axis=1)[None, :])
    power = np.concatenate(rows) if rows else np.zeros((0, info.channels))
    times = np.arange(power.shape[0]) * (hop_len / info.sample_rate)
    return times, _power_db(power)
