"""Delivery relative to the actor's own takes, and what a direction asks of it (no training).

An intent is judged by comparing the takes of the SAME actor reading the SAME line, so every
cue here is a deviation from that actor's other readings of the line, in units of how much
that actor's takes usually differ. Nothing in this module is fitted to data: the expected
deviations per emotion are the published cue patterns, written down once.

Contract:
- ``CUES``: the nine cue names, each a column of ``cue_values``: ``f0_level`` (median F0,
  semitones), ``f0_var`` (F0 s.d., semitones), ``f0_contour`` (F0 slope, st/s),
  ``int_level`` (mean speech level, dB), ``int_var`` (s.d. of frame level, dB), ``hf_energy``
  (log share of energy in the upper half of the mel bands: spectral tilt/brightness),
  ``rate`` (syllable-peak rate, or words per second when word times are known), ``pausing``
  (share of the reading that is not speech) and ``irregularity`` (frame-to-frame F0
  perturbation after removing the local trend, plus the same for the amplitude: a
  jitter/shimmer-like voice-quality measure on the 10 ms grid).
- ``cue_values(features, extra=None) -> (n, 9)`` from rows of ``features.utterance_features``
  (``FEATURE_NAMES``) and an optional ``{"rate": [...], "irregularity": [...]}`` override.
- ``voice_irregularity(samples, sr, spans=None) -> float``: the irregularity cue of one reading.
- ``relative_cues(values, groups, speakers) -> (n, 9)``: z-scores against the median of the
  reading's group (the same speaker's readings of the same line) divided by the speaker's
  pooled spread of such deviations (robust, MAD-based, at least ``SPREAD_FLOOR`` of the
  default: z is continuous in the speaker's spread), shrunk towards ``DEFAULT_SPREAD``
  (typical within-actor spread in the cue's unit) when the speaker has few readings. A
  group of one reading gets NaN (nothing to compare with), as does an unmeasured cue.
- ``PROFILES``: ``{emotion: {cue: expected z}}``, ``expected_profile(emotion, arousal,
  loudness, pace) -> {cue: z}``: the emotion's row, shifted by an explicit arousal / loudness
  / pace direction.
- ``profile_fit(z_row, expected) -> float`` 0..1: directional agreement (see the function),
  weighted by ``CUE_WEIGHT``; 0.5 = no evidence. It compares readings of one line; it is not
  a probability.
- ``SIGNAL_PREFIX`` + cue (``rel_f0_level`` ...): the signal names the z-scores are stored
  under per reading (``roughcut_core/signals.py``); ``cues_from_signals(signals)`` reads them back.

Where the profiles come from (signs and rough sizes, "high" = +1, "medium-high" = +0.5,
"low" = -1, in units of the actor's take-to-take spread):
- Juslin, P. N. & Laukka, P. (2003). Communication of emotions in vocal expression and music
  performance: different channels, same code? Psychological Bulletin 129(5), 770-814,
  Table 7 (anger, fear, happiness, sadness): speech rate, intensity level and variability,
  high-frequency energy, F0 level, F0 variability, F0 contour, microstructural regularity.
- Murray, I. R. & Arnott, J. L. (1993). Toward the simulation of emotion in synthetic speech.
  JASA 93(2), 1097-1108, Table I (disgust: much slower, much lower pitch, slightly wider
  range, lower intensity, "grumbled chest tone" = less high-frequency energy, wide downward
  inflections).
- Banse, R. & Scherer, K. R. (1996). Acoustic profiles in vocal emotion expression. JPSP
  70(3), 614-636 (neutral as the unmarked reference: lower F0 level and variability, lower
  intensity than the emotional readings; disgust lower F0 and intensity).
- Surprise has no row in those summaries; it is written as high arousal with a high, wide and
  rising pitch and a normal rate (Scherer 2003, Speech Communication 40, 227-256, the
  "surprise/astonishment" predictions), and is the weakest row.
"""
from __future__ import annotations

from typing import Mapping, Optional, Sequence

import numpy as np

from .features import FEATURE_NAMES
from .prosody import frame_levels, yin_f0

SIGNAL_PREFIX = "rel_"
CUES = ("f0_level", "f0_var", "f0_contour", "int_level", "int_var", "hf_energy", "rate",
        "pausing", "irregularity")
_FEATURE_OF = {"f0_level": "f0_p50", "f0_var": "f0_std", "f0_contour": "f0_slope",
               "int_level": "lvl_mean", "int_var": "lvl_std", "hf_energy": "hf_ratio",
               "rate": "peak_rate"}

# Typical spread of one actor's takes of a line, per cue (unit of the cue), used only when the
# speaker has too few readings to measure their own: 1.5 st, 1 st, 3 st/s, 3 dB, 1.5 dB,
# 0.3 log units, 0.5 /s, 0.08, 0.01.
DEFAULT_SPREAD = {"f0_level": 1.5, "f0_var": 1.0, "f0_contour": 3.0, "int_level": 3.0,
                  "int_var": 1.5, "hf_energy": 0.3, "rate": 0.5, "pausing": 0.08,
                  "irregularity": 0.01}

# The smallest spread a speaker's own takes may have, as a share of the typical one (relative_cues).
SPREAD_FLOOR = 0.1

# Expected z per cue (module doc for the sources). Cues not named: no expectation.
PROFILES: dict[str, dict[str, float]] = {
    "angry": {"rate": 0.5, "int_level": 1.0, "int_var": 1.0, "hf_energy": 1.0, "f0_level": 1.0,
              "f0_var": 1.0, "f0_contour": 0.0, "irregularity": 0.5, "pausing": -0.5},
    "fear": {"rate": 1.0, "int_level": 0.5, "int_var": -0.5, "hf_energy": 0.5, "f0_level": 1.0,
             "f0_var": -0.5, "f0_contour": 0.5, "irregularity": 1.0, "pausing": 0.0},
    "happy": {"rate": 0.5, "int_level": 0.5, "int_var": 0.5, "hf_energy": 0.0, "f0_level": 1.0,
              "f0_var": 1.0, "f0_contour": 0.5, "irregularity": -0.5, "pausing": -0.5},
    "sad": {"rate": -1.0, "int_level": -1.0, "int_var": -1.0, "hf_energy": -1.0, "f0_level": -0.5,
            "f0_var": -1.0, "f0_contour": -0.5, "irregularity": 0.5, "pausing": 1.0},
    "disgust": {"rate": -1.0, "int_level": -0.5, "int_var": 0.0, "hf_energy": -0.5, "f0_level": -1.0,
                "f0_var": 0.5, "f0_contour": -0.5, "irregularity": 0.0, "pausing": 0.5},
    "surprise": {"rate": 0.0, "int_level": 0.5, "int_var": 0.5, "hf_energy": 0.5, "f0_level": 1.0,
                 "f0_var": 1.0, "f0_contour": 1.0, "irregularity": 0.0, "pausing": 0.0},
    "neutral": {"rate": 0.0, "int_level": -0.5, "int_var": -0.5, "hf_energy": -0.5, "f0_level": -0.5,
                "f0_var": -1.0, "f0_contour": 0.0, "irregularity": -0.5, "pausing": 0.0},
}

# How much each cue counts in the fit: the level, variability and tilt cues are the most
# reliable across studies (Juslin & Laukka 2003, Table 7 agreement); contour and
# micro-irregularity the least.
CUE_WEIGHT = {"f0_level": 1.0, "f0_var": 1.0, "f0_contour": 0.5, "int_level": 1.0, "int_var": 0.75,
              "hf_energy": 1.0, "rate": 0.75, "pausing": 0.5, "irregularity": 0.5}


def voice_irregularity(samples: np.ndarray, sr: int, spans=None) -> float:
    """Mean relative perturbation of F0 and amplitude from one 10 ms frame to the next, after
    removing the local linear trend (|x_k - (x_(k-1) + x_(k+1)) / 2| / x_k), over voiced runs of
    three frames or more: a frame-rate analogue of jitter + shimmer. 0 when nothing is voiced."""
    from .features import SR, _speech_mask, to_16k

    y = to_16k(samples, sr)
    levels = frame_levels(y, SR)
    f0 = yin_f0(y, SR)
    n = min(len(levels), len(f0))
    return irregularity_of(levels[:n], f0[:n], _speech_mask(levels[:n], spans))


def irregularity_of(levels: np.ndarray, f0: np.ndarray, mask: np.ndarray) -> float:
    """``voice_irregularity`` on frame levels (dB), F0 (Hz, NaN unvoiced) and a speech mask."""
    voiced = mask & ~np.isnan(f0)
    amp = 10.0 ** (np.asarray(levels, dtype=np.float64) / 20.0)
    mid = voiced[1:-1] & voiced[:-2] & voiced[2:]
    if mid.sum() < 3:
        return 0.0
    f = np.nan_to_num(np.asarray(f0, dtype=np.float64), nan=1.0)
    jit = np.abs(f[1:-1] - 0.5 * (f[:-2] + f[2:])) / np.maximum(f[1:-1], 1.0)
    shim = np.abs(amp[1:-1] - 0.5 * (amp[:-2] + amp[2:])) / np.maximum(amp[1:-1], 1e-9)
    # Octave jumps are tracking errors, not voice quality.
    ok = mid & (jit < 0.2)
    if ok.sum() < 3:
        return 0.0
    return float(np.mean(jit[ok]) + 0.25 * np.mean(np.minimum(shim[ok], 1.0)))


def cue_values(features: np.ndarray, extra: Optional[Mapping[str, Sequence]] = None) -> np.ndarray:
    """(n, len(CUES)) cue values from feature rows (module doc); NaN where unknown."""
    feats = np.atleast_2d(np.asarray(features, dtype=np.float64))
    out = np.full((len(feats), len(CUES)), np.nan)
    for j, cue in enumerate(CUES):
        if cue in _FEATURE_OF:
            out[:, j] = feats[:, FEATURE_NAMES.index(_FEATURE_OF[cue])]
    out[:, CUES.index("pausing")] = 1.0 - feats[:, FEATURE_NAMES.index("active_ratio")]
    for cue, vals in (extra or {}).items():
        if cue in CUES:
            col = np.array([np.nan if v is None else float(v) for v in vals], dtype=np.float64)
            out[:, CUES.index(cue)] = np.where(np.isnan(col), out[:, CUES.index(cue)], col)
    # A reading without voiced frames has no pitch cues (the features write 0 there).
    unvoiced = feats[:, FEATURE_NAMES.index("voiced_ratio")] <= 0.0
    for cue in ("f0_level", "f0_var", "f0_contour"):
        out[unvoiced, CUES.index(cue)] = np.nan
    return out


def relative_cues(values: np.ndarray, groups: Sequence, speakers: Sequence,
                  min_readings: int = 4) -> np.ndarray:
    """Z-scores against the group's median over the speaker's pooled spread (module doc)."""
    values = np.atleast_2d(np.asarray(values, dtype=np.float64))
    groups = [str(g) for g in groups]
    speakers = [str(s) for s in speakers]
    dev = np.full_like(values, np.nan)
    sizes = np.zeros(len(values), int)
    for g in set(groups):
        rows = np.array([k for k, x in enumerate(groups) if x == g])
        block = values[rows]
        with np.errstate(all="ignore"):
            med = np.nanmedian(block, axis=0) if len(rows) else None
        dev[rows] = block - med
        sizes[rows] = len(rows)
    z = np.full_like(values, np.nan)
    default = np.array([DEFAULT_SPREAD[c] for c in CUES])
    for s in set(speakers):
        rows = np.array([k for k, x in enumerate(speakers) if x == s and sizes[k] >= 2])
        if not len(rows):
            continue
        spread = default.copy()
        if len(rows) >= min_readings:
            with np.errstate(all="ignore"):
                mad = 1.4826 * np.nanmedian(np.abs(dev[rows]), axis=0)
            # A spread under a tenth of the typical one is below what the cue resolves: it counts
            # as that floor. A clamp, not a fall-back to the default, so z moves continuously as a
            # speaker's spread crosses the floor (falling back made rel_int_level jump 10x there).
            own = np.where(np.isfinite(mad), np.maximum(mad, SPREAD_FLOOR * default), default)
            # With few readings, shrink the speaker's spread towards the default.
            w = min(1.0, len(rows) / 14.0)
            spread = w * own + (1.0 - w) * default
        z[rows] = np.clip(dev[rows] / spread, -3.0, 3.0)
    return z


def expected_profile(emotion: Optional[str], arousal: Optional[float] = None,
                     loudness: Optional[str] = None, pace: Optional[str] = None) -> dict[str, float]:
    """Expected z per cue for a direction (module doc); empty when it asks nothing."""
    out = dict(PROFILES.get(emotion, {})) if emotion else {}
    if arousal is not None and not emotion:
        # Arousal alone: the activation cues move together (J&L 2003: level, intensity,
        # high-frequency energy, rate), from -1 (0.0) to +1 (1.0).
        a = 2.0 * (float(arousal) - 0.5)
        for cue in ("int_level", "hf_energy", "f0_level", "int_var", "f0_var"):
            out[cue] = round(a, 3)
        out["rate"] = round(0.5 * a, 3)
    if loudness == "soft":
        out.update(int_level=-1.0, hf_energy=min(out.get("hf_energy", 0.0), -0.5))
    elif loudness == "loud":
        out.update(int_level=1.0, hf_energy=max(out.get("hf_energy", 0.0), 0.5))
    if pace == "slow":
        out["rate"] = -1.0
    elif pace == "fast":
        out["rate"] = 1.0
    return out


def profile_fit(z_row: Mapping[str, float] | np.ndarray, expected: Mapping[str, float]) -> Optional[float]:
    """0..1 agreement of one reading's relative cues with a direction's profile; None when no
    cue the profile names was measured. The literature gives directions ("higher F0, more
    high-frequency energy"), not sizes in an actor's units, so the score is directional: each
    cue the profile moves adds ``weight x expected x z`` (z clipped to +-2: further in the
    expected direction is better), each cue it names as unchanged (0) costs ``weight x |z| / 2``,
    normalised by the expected movement; 0.5 = no evidence either way, mapped linearly
    (+-2 -> 1 / 0)."""
    if isinstance(z_row, np.ndarray):
        z_row = {c: float(v) for c, v in zip(CUES, z_row)}
    num = den = 0.0
    seen = False
    for cue, want in expected.items():
        v = z_row.get(cue)
        if v is None or not np.isfinite(v):
            continue
        seen = True
        w = CUE_WEIGHT.get(cue, 0.5)
        if want:
            num += w * want * float(np.clip(v, -2.0, 2.0))
            den += w * abs(want)
        else:
            num -= 0.5 * w * min(abs(float(v)), 2.0)
    if not seen or den == 0.0:
        return None
    return float(np.clip(0.5 + 0.25 * num / den, 0.0, 1.0))


def cues_from_signals(signals: Mapping) -> dict[str, float]:
    """``{cue: z}`` from a reading's signals (the ``rel_*`` keys that are present)."""
    out = {}
    for cue in CUES:
        v = signals.get(SIGNAL_PREFIX + cue)
        if isinstance(v, (int, float)) and v == v:
            out[cue] = float(v)
    return out
