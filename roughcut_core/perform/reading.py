"""Performance signals per reading: delivery, vocal arousal/emotion, intent match.

Contract: ``attach_performance(readings, transcripts, script=None, assets=None, cache=None,
model=..., shared=None) -> tuple[LineReading, ...]`` returns the readings (same order) with these
``signals`` added (names and units in ``roughcut_core/signals.py``):
- delivery, on the refined word times of each reading: ``rate_wps`` (the script line's words,
  or without a script the recognised words, over first-word start to last-word end),
  ``rate_rel`` (vs the median of the line's readings), ``pause_count``/``pause_max_s``/``pause_total_s`` (gaps of
  0.3 s or more between words), ``loudness_db``, ``loudness_rel_db`` (vs the line's median),
  ``energy_range_db``, ``energy_dyn_db``, ``pitch_range_st``, ``pitch_range_rel_st`` (vs the
  line's median), ``pitch_mean_rel_st`` (vs the
  speaker's median F0 over all readings), ``voiced_ratio``;
- ``arousal`` (0..1) with ``arousal_source`` ("model" or "dsp"), and with a trained model
  (``emotion.load_default_model``) ``emotion``, ``emotion_conf`` and the ``emotion_*``
  probabilities of the labels it was trained on (``emotion.model_signals``); without one, no
  emotion keys at all. With the voice emotion model as well (``voicemodel.load_default_voice_model``,
  on unless emotion models are off), each reading's encoder embedding (``voiceembed``, stored with
  its measurements) z-scored per speaker gives a second distribution over the same labels, and
  the two are joined (``voicemodel.combine``; ``voice_joined`` says which); a reading without an
  embedding (under 0.2 s of speech, encoder unavailable) keeps the feature model's alone;
- with a script, ``intent_match`` and ``intent_words`` (``script.intent.intent_match``).
The per-reading measurements (not the relative ones, which depend on the other readings) are
stored in the analysis cache under analyzer ``perform.reading``, keyed by the file's content key
and the reading's word times. A file whose audio cannot be decoded leaves its readings without
these signals and is logged with its path; the others go on. ``model=None`` forces DSP only;
the default (``...``) loads the user's trained model if there is one, else the shipped one.
``voice=None`` leaves the voice model out; the default (``...``) loads the shipped one when
``model`` is not None. ``encoder``: a ``voiceembed.VoiceEncoder`` to reuse across calls (else
one is made when the voice model is on).
Readings are measured on ``threadmap.thread_map``'s threads (the CPU share); the values equal a
one-by-one loop's. Each reading's sound is a slice of its file's 16 kHz mix
(``speech.shared_audio.SharedAudio.window``): ``shared`` is the pipeline's store (the mixes the
speech stage and the scene pass already hold), else one made for this call, so a file is
decoded once however many readings it has, and the values do not depend on who calls (a file
too long for the store's budget is decoded per reading).
"""
from __future__ import annotations

import contextlib
import logging
import re
import warnings
from dataclasses import replace
from statistics import median
from typing import Mapping, Optional, Sequence

import numpy as np

from ..errors import RoughcutError
from ..model import LineReading, Script, Transcript
from .delivery import CUES, SIGNAL_PREFIX, cue_values, irregularity_of, relative_cues
from .emotion import dsp_arousal, load_default_model, model_signals
from .features import normalise_by_group, utterance_features
from .prosody import HOP_S, frame_levels, semitones, yin_f0
from .voiceembed import ENCODER, VoiceEncoder
from .voicemodel import load_default_voice_model

log = logging.getLogger(__name__)

VERSION = "5"  # 5: the encoder embedding for the voice emotion model; 4: readings sliced from the whole-file mix
PAUSE_S = 0.3
_SCRIPT_WORD = re.compile(r"[A-Za-z0-9']+")
PAD_S = 0.05


def _words(reading: LineReading, transcript: Optional[Transcript]):
    """The reading's words, less those mostly outside its bounds: a word of its span that the
    recogniser put elsewhere (stretched over another actor's off-mic line before it) would read
    as a long pause and a slow delivery; the bounds, checked against the sound, say where the
    line is."""
    if transcript is None:
        return []
    a, b = reading.word_span

    def inside(w) -> bool:
        return min(w.end, reading.end) - max(w.start, reading.start) >= 0.5 * (w.end - w.start)

    return [w for w in transcript.words[a:b] if w.end > w.start and inside(w)] if b > a else []


def measure(samples: np.ndarray, sr: int, t0: float, spans: Sequence[tuple[float, float]],
            encoder=None) -> dict:
    """Raw measurements of one reading: ``samples`` start at ``t0`` seconds; ``spans`` are the
    word intervals in file seconds. Returns JSON-ready numbers plus the feature row, and with
    ``encoder`` (``voiceembed.VoiceEncoder``) the voice ``embedding`` of the words' span."""
    rel = [(a - t0, b - t0) for a, b in spans]
    out: dict = {}
    if spans:
        dur = spans[-1][1] - spans[0][0]
        out["rate_wps"] = len(spans) / dur if dur > 0 else None
        out["speech_s"] = dur if dur > 0 else None
        gaps = [max(0.0, spans[k + 1][0] - spans[k][1]) for k in range(len(spans) - 1)]
        long = [g for g in gaps if g >= PAUSE_S]
        out.update(pause_count=len(long), pause_max_s=max(gaps, default=0.0), pause_total_s=float(sum(long)))
    levels = frame_levels(samples, sr)
    f0 = yin_f0(samples, sr)
    n = min(len(levels), len(f0))
    levels, f0 = levels[:n], f0[:n]
    mask = np.zeros(n, bool)
    for a, b in rel or [(0.0, n * HOP_S)]:
        mask[max(0, int(a / HOP_S)): min(n, int(np.ceil(b / HOP_S)))] = True
    if mask.any():
        lv = levels[mask]
        # inside words: drop only near-silent frames; without word times: the speech frames
        mask &= levels > lv.max() - (50.0 if rel else 35.0)
        lv = levels[mask]
        power = np.mean(10.0 ** (lv / 10.0))
        out["loudness_db"] = float(10 * np.log10(max(power, 1e-10)))
        p10, p95 = np.percentile(lv, [10, 95])
        out["energy_range_db"] = float(p95 - p10)
        out["energy_dyn_db"] = float(np.std(lv))
        voiced = mask & ~np.isnan(f0)
        out["voiced_ratio"] = float(voiced.sum() / max(mask.sum(), 1))
        if voiced.sum() >= 5:
            st = semitones(f0[voiced], 100.0)
            q10, q90 = np.percentile(st, [10, 90])
            out["pitch_range_st"] = float(q90 - q10)
            out["f0_median_hz"] = float(np.median(f0[voiced]))
    if mask.any():
        out["irregularity"] = irregularity_of(levels, f0, mask)
    out["features"] = utterance_features(samples, sr, rel or None).round(5).tolist()
    if encoder is not None:
        span = (max(0, int(rel[0][0] * sr)), int(rel[-1][1] * sr)) if rel else None
        vec = encoder.embed(samples, span)
        if vec is not None:
            out["embedding"] = vec.round(4).tolist()
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items() if v is not None}


def _measure_reading(reading, transcript, asset, cache, shared, encoder=None) -> Optional[dict]:
    words = _words(reading, transcript)
    spans = [(w.start, w.end) for w in words] or [(reading.start, reading.end)]
    t0 = max(0.0, spans[0][0] - PAD_S)
    t1 = spans[-1][1] + PAD_S
    params = {"spans": [[round(a, 3), round(b, 3)] for a, b in spans],
              "voice": ENCODER if encoder is not None else None}

    def compute():
        samples = shared.window(reading.path, getattr(asset, "content_key", None), t0, t1,
                                duration=getattr(asset, "duration", None))
        if len(samples) < 800:
            raise RoughcutError(f"{reading.path}: no audio at {t0:.2f}-{t1:.2f} s for line {reading.line_id}")
        return measure(samples, 16000, t0, spans if words else [], encoder)

    key = getattr(asset, "content_key", None) if asset is not None else None
    if cache is not None and key:
        return cache.get_or_compute(key, "perform.reading", VERSION, params, compute)
    return compute()


def attach_performance(readings: Sequence[LineReading], transcripts: Mapping[str, Transcript],
                       script: Optional[Script] = None, assets: Optional[Mapping] = None,
                       cache=None, model=..., shared=None, voice=..., encoder=None) -> tuple[LineReading, ...]:
    """The readings with performance signals added (see module doc)."""
    if model is ...:
        model = load_default_model()
    if voice is ...:
        voice = load_default_voice_model() if model is not None else None
    if voice is not None and encoder is None:
        encoder = VoiceEncoder()
    from ..speech.shared_audio import SharedAudio
    from ..threadmap import thread_map

    if shared is None:
        shared = SharedAudio()
    raw: list[Optional[dict]] = []
    # readings measured on the CPU share's threads (decoding and numpy release the GIL); each
    # measurement depends only on its reading, so the values are those of a plain loop. File
    # by file, so the store's budget holds the files being measured.
    order = sorted(range(len(readings)), key=lambda k: (readings[k].path, readings[k].start))
    done = thread_map(lambda k, _state: _measure_reading(readings[k], transcripts.get(readings[k].path),
                                                         (assets or {}).get(readings[k].path), cache, shared,
                                                         encoder if voice is not None else None),
                      order)
    measured = [None] * len(readings)
    for k, res in zip(order, done):
        measured[k] = res
    for r, res in zip(readings, measured):
        if res.ok:
            raw.append(res.value)
        elif isinstance(res.error, RoughcutError):
            log.warning("performance signals skipped: %s", res.error)
            raw.append(None)
        else:  # a decoder error on one file must not lose the cut
            log.warning("performance signals skipped: %s: %s", r.path, res.error)
            raw.append(None)
    lines = {ln.id: ln for ln in script.lines} if script is not None else {}
    speaker = [r.character or (lines[r.line_id].character if r.line_id in lines else None) or r.path
               for r in readings]
    signals = [dict() for _ in readings]
    ok = [k for k, m in enumerate(raw) if m]
    for k in ok:
        signals[k].update({n: raw[k][n] for n in ("rate_wps", "pause_count", "pause_max_s", "pause_total_s",
                                                  "loudness_db", "energy_range_db", "energy_dyn_db",
                                                  "pitch_range_st", "voiced_ratio") if n in raw[k]})
    for k in ok:
        # Recognisers split words differently per take ("F2" / "F two"): with the script, the
        # rate counts the line's own words over the time the reading took to say them.
        n_script = len(_SCRIPT_WORD.findall(lines[readings[k].line_id].text)) if readings[k].line_id in lines else 0
        if n_script and raw[k].get("speech_s"):
            raw[k]["rate_wps"] = round(n_script / raw[k]["speech_s"], 4)
            signals[k]["rate_wps"] = raw[k]["rate_wps"]
    _relative(readings, raw, ok, signals, speaker)
    _relative_cues(readings, raw, ok, signals, speaker, lines)
    if ok:
        feats = np.array([raw[k]["features"] for k in ok])
        embeds = [raw[k].get("embedding") for k in ok]
        for k, extra in zip(ok, emotion_signals(feats, [speaker[k] for k in ok], model, embeds, voice)):
            signals[k].update(extra)
    if lines:
        from ..script.intent import intent_match, parse_intent

        intents = {lid: parse_intent(ln) for lid, ln in lines.items()}
        for k, r in enumerate(readings):
            if k in ok and r.line_id in intents:
                score, words = intent_match(signals[k], intents[r.line_id])
                signals[k]["intent_match"] = score
                if words:
                    signals[k]["intent_words"] = words
    return tuple(replace(r, signals={**r.signals, **signals[k]}) for k, r in enumerate(readings))


def emotion_signals(features: np.ndarray, speakers: Sequence, model=None, embeddings: Optional[Sequence] = None,
                    voice=None) -> list[dict]:
    """``arousal``/``arousal_source`` and, with ``model``, the emotion keys for each row of raw
    features (``features.utterance_features``), z-scored per speaker first. With ``voice`` (a
    ``voicemodel.VoiceEmotionModel``) and ``embeddings`` (per row, None where there is none),
    the rows with an embedding join the voice model's distribution (module doc)."""
    fallback = model.population if model is not None else None
    z = normalise_by_group(features, speakers, fallback=fallback)
    out = []
    if model is not None:
        out = model_signals(model, z)  # emotion_* only for the labels the model was trained on
        have = [j for j, e in enumerate(embeddings or ()) if e is not None]
        if voice is not None and have:
            ze = normalise_by_group(np.array([embeddings[j] for j in have], dtype=np.float64),
                                    [speakers[j] for j in have], fallback=voice.population)
            joined = model_signals(model, z[have], voice.log_probs(ze), voice.labels)
            for j, sig in zip(have, joined):
                out[j] = sig
    else:
        for a in dsp_arousal(z):
            out.append({"arousal": round(float(a), 4), "arousal_source": "dsp"})
    return out


def _relative(readings, raw, ok, signals, speaker) -> None:
    by_line: dict = {}
    by_speaker: dict = {}
    for k in ok:
        by_line.setdefault(readings[k].line_id, []).append(k)
        if "f0_median_hz" in raw[k]:
            by_speaker.setdefault(speaker[k], []).append(raw[k]["f0_median_hz"])
    for ks in by_line.values():
        rates = [raw[k]["rate_wps"] for k in ks if "rate_wps" in raw[k]]
        louds = [raw[k]["loudness_db"] for k in ks if "loudness_db" in raw[k]]
        ranges = [raw[k]["pitch_range_st"] for k in ks if "pitch_range_st" in raw[k]]
        for k in ks:
            if rates and "rate_wps" in raw[k] and median(rates) > 0:
                signals[k]["rate_rel"] = round(raw[k]["rate_wps"] / median(rates), 4)
            if louds and "loudness_db" in raw[k]:
                signals[k]["loudness_rel_db"] = round(raw[k]["loudness_db"] - median(louds), 3)
            if ranges and "pitch_range_st" in raw[k]:
                signals[k]["pitch_range_rel_st"] = round(raw[k]["pitch_range_st"] - median(ranges), 3)
    for k in ok:
        f0s = by_speaker.get(speaker[k])
        if f0s and "f0_median_hz" in raw[k]:
            signals[k]["pitch_mean_rel_st"] = round(float(semitones(raw[k]["f0_median_hz"], median(f0s))), 3)


def _relative_cues(readings, raw, ok, signals, speaker, lines) -> None:
    """The ``rel_*`` delivery cues (``perform.delivery``): each reading against the same
    speaker's other readings of its line. Rate is the line's words over the time taken (word
    times when known, else the reading's span); pausing the share of that time in pauses."""
    if not ok:
        return
    feats = np.array([raw[k]["features"] for k in ok])
    rate, pausing, irr = [], [], []
    for k in ok:
        r, m = readings[k], raw[k]
        text = lines[r.line_id].text if r.line_id in lines else (r.text or "")
        n_words = len(_SCRIPT_WORD.findall(text))
        span = m.get("speech_s") or max(0.0, r.end - r.start)
        rate.append(n_words / span if n_words and span > 0.2 else None)
        pausing.append(m["pause_total_s"] / span if "pause_total_s" in m and span > 0.2 else None)
        irr.append(m.get("irregularity"))
    values = cue_values(feats, {"rate": rate, "pausing": pausing, "irregularity": irr})
    _remove_recording_offsets(values, [readings[k] for k in ok], [speaker[k] for k in ok])
    z = relative_cues(values, [(speaker[k], readings[k].line_id) for k in ok], [speaker[k] for k in ok])
    for row, k in zip(z, ok):
        for cue, v in zip(CUES, row):
            if np.isfinite(v):
                signals[k][SIGNAL_PREFIX + cue] = round(float(v), 3)


# Cues that the microphone and the distance to it shift for a whole recording (a wide's boom
# is further away: quieter and darker on every line), not the performance.
_RECORDING_CUES = ("int_level", "hf_energy")
_MIN_LINES_FOR_OFFSET = 3


def _remove_recording_offsets(values: np.ndarray, readings, speakers) -> None:
    """In place: for each speaker and recording with readings of at least
    ``_MIN_LINES_FOR_OFFSET`` different lines, subtract the recording's typical deviation from
    the lines' medians (the median over its lines, so one directed line does not set it) from
    the level-like cues. A take played bigger on every line loses that here; a directed line
    played bigger than the rest of its take keeps it."""
    from collections import defaultdict

    cols = [CUES.index(c) for c in _RECORDING_CUES]
    by_line = defaultdict(list)
    for k, r in enumerate(readings):
        by_line[(speakers[k], r.line_id)].append(k)
    dev = np.full((len(readings), len(cols)), np.nan)
    for ks in by_line.values():
        if len(ks) < 2:
            continue
        block = values[np.ix_(ks, cols)]
        with _quiet_nan():
            dev[ks] = block - np.nanmedian(block, axis=0)
    by_file = defaultdict(list)
    for k, r in enumerate(readings):
        by_file[(speakers[k], r.path)].append(k)
    for ks in by_file.values():
        if len({readings[k].line_id for k in ks}) < _MIN_LINES_FOR_OFFSET:
            continue
        with _quiet_nan():  # an all-NaN cue has no offset (0 below)
            offset = np.nanmedian(dev[ks], axis=0)
        offset = np.where(np.isfinite(offset), offset, 0.0)
        for j, c in enumerate(cols):
            values[ks, c] = values[ks, c] - offset[j]


@contextlib.contextmanager
def _quiet_nan():
    """numpy's "All-NaN slice" / "Mean of empty slice" warnings off: a cue nobody measured is NaN."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield
