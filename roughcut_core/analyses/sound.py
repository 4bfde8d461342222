"""Sound events per segment from DSP measurements plus the Silero VAD (honest, no trained model).

Contract: ``sound_events(audio16k)`` -> :class:`SoundAnalysis` for a 16 kHz mono float block.
The block is cut into 0.5 s windows; each window gets measurements and one label:

- ``silence``: level within 6 dB of the block's noise floor (10th percentile of window levels)
  or below -55 dBFS: room tone when the floor is above digital silence;
- ``speech``: the Silero VAD (faster-whisper's bundled ONNX) marks most of the window as speech;
- ``music``: spectral peaks that hold still for 100 ms and more (notes are held, speech pitch
  glides) with a clear tonal share of the energy;
- ``applause``: noise-like spectrum (high flatness) with many sharp onsets (claps);
- ``noise``: anything else with energy: steady broadband or unstructured sound.
- ``laughter``: voiced bursts repeating at a steady 4-7 Hz (``analyses.laughter``); checked
  before speech, since the VAD takes laughs for speech. Its floors were set on SYNTHETIC laughs.
  Where a transcript is at hand (a cut), :func:`speech_where_heard` relabels laughter the
  recogniser heard words in as speech.
Consecutive windows with one label merge into an event whose ``score`` is the mean of the
label's window confidence (0..1). ``room_tone`` lists silence events of at least 1 s (for the sound
editor); ``music_under_dialogue`` lists speech spans (1 s and more) whose windows also carry
held tones, when the music is also heard where nobody speaks: a window with little speech within
``GAP_NEAR_S`` of the span (or, with none that near, the nearest one on each side) carries held
tones too (a music bed plays on between the lines; a steady synthetic or sung voice holds its
partials only while it speaks). A block with no such window at all (continuous speech) is judged
on its speech windows alone.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SR = 16000
WIN = 0.5
N_FFT = 1024
HOP = 256
HOLD_FRAMES = 7           # ~110 ms at HOP / SR
MUSIC_HOLD = 0.35         # share of spectral peaks still there HOLD_FRAMES later
MUSIC_UNDER_HOLD = 0.28   # the same within speech (speech peaks glide, so music lifts the share less)
GAP_NEAR_S = 3.0          # how far from a music-under span the music must also be heard alone
FLAT_NOISY = 0.25
ONSETS_APPLAUSE = 2.5     # sharp onsets per second


@dataclass(frozen=True)
class SoundEvent:
    start: float
    end: float
    label: str
    score: float

    def to_json(self) -> dict:
        return {"start": round(self.start, 3), "end": round(self.end, 3), "label": self.label,
                "score": round(float(self.score), 3)}


@dataclass(frozen=True)
class SoundAnalysis:
    events: tuple[SoundEvent, ...]
    room_tone: tuple[tuple[float, float], ...]
    music_under_dialogue: tuple[tuple[float, float], ...]
    noise_floor_db: float


def _stft_mag(x: np.ndarray) -> np.ndarray:
    """|STFT| (frames x N_FFT // 2 + 1, float32), Hann window, HOP apart; a block shorter than
    N_FFT is zero-padded to one frame. The frames are strided views of ``x`` (an index matrix and
    its gathered copy cost 2-3x the FFT itself)."""
    if len(x) < N_FFT:
        x = np.pad(x, (0, N_FFT - len(x)))
    frames = np.lib.stride_tricks.sliding_window_view(x, N_FFT)[::HOP] * np.hanning(N_FFT)[None, :]
    return np.abs(np.fft.rfft(frames, axis=1)).astype(np.float32)


def _held_peaks(mag: np.ndarray) -> np.ndarray:
    """Per STFT frame: share of its prominent peaks (60 Hz-5 kHz) still a peak HOLD_FRAMES later."""
    lo, hi = int(60 * N_FFT / SR), int(5000 * N_FFT / SR)
    m = np.log(mag[:, lo:hi] + 1e-9)
    # prominence (x4 = 12 dB) against the local log-spectral mean over 11 bins: a tilted noise
    # spectrum has no peaks, a harmonic has
    k = 11
    c = np.cumsum(np.pad(m, ((0, 0), (k // 2 + 1, k // 2)), mode="edge"), axis=1)
    env = (c[:, k:] - c[:, :-k]) / k
    peak = (m[:, 1:-1] > m[:, :-2]) & (m[:, 1:-1] >= m[:, 2:]) & (m[:, 1:-1] > env[:, 1:-1] + np.log(4.0))
    # a peak is held if the same bin or a neighbour is still a peak later (vibrato tolerance)
    later = np.zeros_like(peak)
    later[:-HOLD_FRAMES] = peak[HOLD_FRAMES:]
    near = later | np.roll(later, 1, axis=1) | np.roll(later, -1, axis=1)
    count = peak.sum(axis=1)
    held = (peak & near).sum(axis=1)
    out = np.where(count > 0, held / np.maximum(count, 1), 0.0)
    out[-HOLD_FRAMES:] = np.nan
    return out


def _flatness(mag: np.ndarray) -> np.ndarray:
    p = mag[:, 4:] ** 2 + 1e-12
    return np.exp(np.mean(np.log(p), axis=1)) / np.mean(p, axis=1)


def _onsets(x: np.ndarray) -> np.ndarray:
    """Times (s) of sharp level jumps: 10 ms frames, +9 dB over the loudest of the previous 30 ms."""
    n = len(x) // 160
    if n < 8:
        return np.zeros(0)
    e = 10 * np.log10(np.mean(x[: n * 160].astype(np.float64).reshape(n, 160) ** 2, axis=1) + 1e-10)
    prev = np.max(np.stack([np.roll(e, k) for k in (1, 2, 3)]), axis=0)
    jumps = (e - prev > 9.0)
    jumps[:3] = False
    rising = jumps & ~np.roll(jumps, 1)
    return np.flatnonzero(rising) * 0.01


def window_features(audio16k: np.ndarray, speech_regions) -> list[dict]:
    """Measurements per 0.5 s window: level_db, flatness, held, onsets, speech share, laugh."""
    from .laughter import laughter_cues, laughter_score

    x = np.asarray(audio16k, dtype=np.float32)
    win = int(WIN * SR)
    n = max(1, int(np.ceil(len(x) / win))) if len(x) else 0
    mag = _stft_mag(x) if len(x) else np.zeros((0, N_FFT // 2 + 1), np.float32)
    held = _held_peaks(mag) if len(mag) > HOLD_FRAMES else np.full(len(mag), np.nan)
    flat = _flatness(mag) if len(mag) else np.zeros(0)
    frame_t = (np.arange(len(mag)) * HOP + N_FFT / 2) / SR
    onsets = _onsets(x)
    feats = []
    for i in range(n):
        a, b = i * WIN, min((i + 1) * WIN, len(x) / SR)
        seg = x[int(a * SR): int(b * SR)]
        if len(seg) < 160:
            continue
        rms = float(np.sqrt(np.mean(seg.astype(np.float64) ** 2)))
        sel = (frame_t >= a) & (frame_t < b)
        h = held[sel]
        h = h[~np.isnan(h)]
        sp = sum(max(0.0, min(b, e) - max(a, s)) for s, e in speech_regions) / (b - a)
        # onsets measured on a 1 s context around the window (claps come a few per second)
        c0, c1 = max(0.0, a - 0.25), min(len(x) / SR, b + 0.25)
        rate = float(np.sum((onsets >= c0) & (onsets < c1))) / max(c1 - c0, 1e-3)
        laugh = laughter_score(laughter_cues(x, a, b)) if rms > 1e-4 else 0.0
        feats.append({"start": a, "end": b, "level_db": 20 * np.log10(rms + 1e-9), "laugh": laugh,
                      "flatness": float(np.median(flat[sel])) if sel.any() else 0.0,
                      "held": float(np.mean(h)) if len(h) else 0.0, "onsets": rate,
                      "speech": float(sp)})
    return feats


def _label(f: dict, floor_db: float) -> tuple[str, float, bool]:
    """(label, confidence, held tones present) of one window."""
    music_conf = float(np.clip((f["held"] - MUSIC_HOLD) / 0.3 + 0.5, 0, 1))
    tonal = f["held"] >= MUSIC_HOLD
    if f["level_db"] < -55 or f["level_db"] < floor_db + 6:
        return "silence", float(np.clip((floor_db + 6 - f["level_db"]) / 6, 0.5, 1)), False
    if f.get("laugh", 0.0) > 0 and not tonal:
        return "laughter", f["laugh"], False
    if f["speech"] >= 0.3:
        return "speech", f["speech"], f["held"] >= MUSIC_UNDER_HOLD
    if tonal:
        return "music", music_conf, True
    if f["flatness"] >= FLAT_NOISY and f["onsets"] >= ONSETS_APPLAUSE:
        return "applause", float(np.clip(f["onsets"] / (2 * ONSETS_APPLAUSE), 0.5, 1)), False
    return "noise", float(np.clip(1 - music_conf, 0.5, 1)), False


def classify_windows(feats: list[dict]) -> list[tuple[float, float, str, float, bool]]:
    if not feats:
        return []
    levels = np.array([f["level_db"] for f in feats])
    floor_db = float(np.percentile(levels, 10))
    # a block that is all sound has no silence: its floor must not be its own level
    if np.percentile(levels, 90) - floor_db < 10:
        floor_db = min(floor_db, -60.0)
    return [(f["start"], f["end"], *_label(f, floor_db)) for f in feats]


def _merge(rows, labels_of=lambda r: r[2]):
    events: list[list] = []
    for r in rows:
        if events and events[-1][2] == labels_of(r) and abs(events[-1][1] - r[0]) < 1e-6:
            events[-1][1] = r[1]
            events[-1][3].append(r[3])
        else:
            events.append([r[0], r[1], labels_of(r), [r[3]]])
    return [SoundEvent(a, b, lab, float(np.mean(s))) for a, b, lab, s in events]


def block_vad(x: np.ndarray, block: float = 4.0, hop: float = 4.0) -> list[tuple[float, float]]:
    """Silero VAD over 4 s blocks (each with fresh model state), regions unioned. Run over a whole
    file at once, the model's recurrent state misses speech that follows long music or noise
    (seen on the bench mixes); fresh state every 4 s finds it again at the same cost."""
    from ..speech.vad import vad_regions

    out: list[tuple[float, float]] = []
    dur = len(x) / SR
    a = 0.0
    while a < dur:
        seg = x[int(a * SR): int(min(dur, a + block) * SR)]
        if len(seg) >= SR // 4:
            out.extend(vad_regions(seg, a))
        a += hop
    merged: list[list[float]] = []
    for s, e in sorted(out):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def sound_events(audio16k: np.ndarray, speech_regions=None) -> SoundAnalysis:
    """Events of one 16 kHz mono block; ``speech_regions`` (seconds) default to the Silero VAD."""
    x = np.asarray(audio16k, dtype=np.float32)
    if speech_regions is None:
        speech_regions = block_vad(x)
    feats = window_features(x, speech_regions)
    rows = classify_windows(feats)
    events = _merge(rows)
    room = tuple((e.start, e.end) for e in events if e.label == "silence" and e.end - e.start >= 1.0)
    under: list[list[float]] = []
    for a, b, lab, _c, tonal in rows:
        if lab == "speech" and tonal:
            if under and abs(under[-1][1] - a) < 1e-6:
                under[-1][1] = b
            else:
                under.append([a, b])
    levels = [f["level_db"] for f in feats]
    floor = float(np.percentile(levels, 10)) if levels else -120.0
    under = [(a, b) for a, b in under if b - a >= 1.0 and _heard_between_lines(feats, a, b)]
    return SoundAnalysis(tuple(events), room, tuple(under), floor)


HEARD_PROB = 0.5   # a word the recogniser is this sure of was spoken


def speech_where_heard(analysis: dict, words) -> dict:
    """``analysis`` (a file's ``analyses.analyze`` result) with each ``laughter`` event that the
    recogniser heard words in labelled ``speech`` instead: words of probability >= ``HEARD_PROB``
    cover at least half of it. The laughter cues are rhythm cues, and a steady voice (a synthetic
    one above all: the demo's wide takes at 19-21 s) has that rhythm too; confidently recognised
    words say the sound is speech (laughing while speaking is labelled speech as well). The
    input is not changed; without words it is returned as it is."""
    events = analysis.get("sound_events") or []
    sure = [(w.start, w.end) for w in words or () if w.probability >= HEARD_PROB]
    if not sure or not any(e.get("label") == "laughter" for e in events):
        return analysis
    out = []
    for e in events:
        if e.get("label") == "laughter":
            a, b = e["start"], e["end"]
            heard = sum(max(0.0, min(b, we) - max(a, ws)) for ws, we in sure)
            if heard >= 0.5 * (b - a):
                e = {**e, "label": "speech", "score": round(min(1.0, heard / max(b - a, 1e-6)), 3)}
        out.append(e)
    return {**analysis, "sound_events": out}


def _heard_between_lines(feats: list[dict], a: float, b: float) -> bool:
    """Whether the windows with little speech near ``[a, b)`` carry held tones too.

    Near means within ``GAP_NEAR_S``; where dialogue runs on without such a window (tight
    pickups), the nearest one before and the nearest one after the span stand in: a music bed
    under the scene is still there at the next pause. Only a block with no pause at all
    (continuous speech) is judged on its speech windows alone."""
    quiet = [f for f in feats if f["speech"] < 0.3]
    gaps = [f for f in quiet if f["end"] > a - GAP_NEAR_S and f["start"] < b + GAP_NEAR_S]
    if not gaps:
        before = [f for f in quiet if f["end"] <= a]
        after = [f for f in quiet if f["start"] >= b]
        gaps = before[-1:] + after[:1]
    return not gaps or any(f["held"] >= MUSIC_UNDER_HOLD for f in gaps)
