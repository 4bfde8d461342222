"""The demo takes' soundtracks, built word by word so every word's boundaries are known exactly.

Contract:
- :func:`speech_requests` lists every (word, voice) the scene's takes need; synthesise them
  once with :func:`roughcut_core.demo.tts.synthesize_many` and pass the clips to
  :func:`render_take_audio` through :func:`word_bank`.
- A word's clip is the synthesised word trimmed to the first and last sample louder than
  :data:`TRIM_THRESHOLD`; placing trimmed clips on the timeline makes each word's recorded
  ``start``/``end`` its true speech boundaries in the audio (seconds from the first sample).
- Each take is one continuous recording of the scene: both characters speak (the off-camera
  one slightly quieter in a close-up), pace and pauses vary per take from a seeded generator,
  and the take's defects are performed: substituted words (flub), an aborted start then the
  whole line (restart), a skipped line (drop), loud noise over one line (SNR
  :data:`NOISE_SNR_DB` over that reading), or a recording that stops mid-line (truncated).
- Performances: a line with a scripted direction is delivered matched, flat or wrong per take
  (:mod:`.performance`): the take's voice for that line changes rate, pitch and pitch range,
  and the speech level changes with it (the dry stem carries the level, so the mouth opens
  less on a quiet read). The deliveries come from the scene's full plan for the seed, so one
  take rendered alone sounds the same as in the full build.
- Length is a whole number of video frames at 24000/1001: 2002 samples a frame at 48 kHz.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

import numpy as np

from .dialogue import CHARACTERS, DialogueLine, SceneText
from .performance import delivery_style, plan_deliveries
from .plan import TakePlan, plan_takes
from .tts import SAMPLE_RATE, Voice

SAMPLES_PER_FRAME = 2002  # 48000 * 1001 / 24000, exact
TRIM_THRESHOLD = 0.004
NOISE_SNR_DB = -3.0
ROOM_TONE_RMS = 0.0008
OFF_CAMERA_GAIN = 0.75
SPEECH_GAIN = 0.8
MOUTH_LEVELS = 5
MOUTH_FULL_RMS = 0.14  # a loud vowel in espeak's output: mouth wide open

_BASE_VOICES = {
    "ALICE": Voice("en-us+f1", rate=215, pitch=62, pitch_range=60),
    "BOB": Voice("en-us+m3", rate=205, pitch=38, pitch_range=45),
}
_RATE_STEPS = (-12, 0, 12)
# Plausible wrong words an actor might say instead of the scripted one.
_FLUB_WORDS = ("Tuesday", "kitchen", "window", "somewhere", "yellow", "garden", "pocket", "later")


def voice_name(character: str) -> str:
    """The espeak-ng voice that speaks ``character``."""
    return _BASE_VOICES[character].name


@dataclass(frozen=True)
class WordTiming:
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class ReadingAudio:
    """What a take's soundtrack holds for one script line."""

    line_id: str
    character: str
    start: float
    end: float
    defect: Optional[str]
    spoken_text: str
    words: tuple[WordTiming, ...]
    snr_db: Optional[float] = None
    delivery: Optional[str] = None  # "matched" | "flat" | "wrong" for a directed line, else None
    style: str = "normal"


@dataclass(frozen=True)
class TakeAudio:
    samples: np.ndarray  # (n, 2) float32, n a multiple of SAMPLES_PER_FRAME
    stems: Mapping[str, np.ndarray]  # dry speech per character, mono float32
    readings: tuple[ReadingAudio, ...]
    missing_lines: tuple[str, ...]
    truncated_at: Optional[float]
    noise_range: Optional[tuple[float, float]]

    @property
    def frames(self) -> int:
        return self.samples.shape[0] // SAMPLES_PER_FRAME


def _take_rng(seed: int, take: TakePlan, stream: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64([int(seed), stream, take.index]))


def _voice(character: str, step: int) -> Voice:
    base = _BASE_VOICES[character]
    return Voice(base.name, rate=base.rate + step, pitch=base.pitch, pitch_range=base.pitch_range)


def _take_voices(seed: int, take: TakePlan) -> dict[str, Voice]:
    rng = _take_rng(seed, take, 7919)
    steps = rng.integers(len(_RATE_STEPS), size=len(CHARACTERS))
    return {ch: _voice(ch, _RATE_STEPS[int(s)]) for ch, s in zip(CHARACTERS, steps)}


def scene_deliveries(scene: SceneText, seed: int) -> dict[tuple[int, str], str]:
    """(take index, line id) -> delivery of every directed line, from the seed's full plan."""
    return plan_deliveries(scene, plan_takes(scene, seed), seed)


def _styled(voice: Voice, line: DialogueLine, delivery: Optional[str]) -> tuple[Voice, float]:
    style = delivery_style(line, delivery)
    if style.name == "normal":
        return voice, 1.0
    return Voice(voice.name, rate=voice.rate + style.rate, pitch=voice.pitch + style.pitch,
                 pitch_range=voice.pitch_range if style.pitch_range is None else style.pitch_range), style.gain


def _flub_words(line: DialogueLine, seed: int, take: TakePlan) -> tuple[list[str], int]:
    words = list(line.words)
    rng = _take_rng(seed, take, 104729)
    pos = 1 + int(rng.integers(len(words) - 1))
    options = [w for w in _FLUB_WORDS if w.lower() not in {x.lower() for x in words}]
    words[pos] = options[int(rng.integers(len(options)))]
    return words, pos


def _spoken_words(line: DialogueLine, defect: Optional[str], seed: int, take: TakePlan) -> list[str]:
    words = list(line.words)
    if defect == "flub":
        return _flub_words(line, seed, take)[0]
    if defect == "restart":
        return words[: 2 if len(words) >= 5 else 1] + words
    if defect == "truncated":
        return words[: (len(words) + 1) // 2]
    return words


def speech_requests(scene: SceneText, takes: tuple[TakePlan, ...], seed: int) -> list[tuple[str, Voice]]:
    """Every distinct (word, voice) the takes speak, in a fixed order."""
    wanted: dict[tuple[str, Voice], None] = {}
    deliveries = scene_deliveries(scene, seed)
    for take in takes:
        voices = _take_voices(seed, take)
        for line in scene.lines:
            voice, _ = _styled(voices[line.character], line, deliveries.get((take.index, line.id)))
            for word in _spoken_words(line, take.line_defect(line.id), seed, take):
                wanted[(word, voice)] = None
    return list(wanted)


def trim(clip: np.ndarray) -> np.ndarray:
    """The clip from its first to its last sample above the threshold, with 1 ms fades."""
    loud = np.flatnonzero(np.abs(clip) > TRIM_THRESHOLD)
    if loud.size == 0:
        raise ValueError("synthesised word is silent")
    out = clip[loud[0]: loud[-1] + 1].astype(np.float32).copy()
    fade = min(48, out.size // 4)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, endpoint=False, dtype=np.float32)
        out[:fade] *= 0.25 + 0.75 * ramp  # keep the edge sample audible: it *is* the boundary
        out[-fade:] *= (0.25 + 0.75 * ramp)[::-1]
    return out


def word_bank(requests: list[tuple[str, Voice]], clips: list[np.ndarray]) -> dict[tuple[str, Voice], np.ndarray]:
    return {req: trim(clip) for req, clip in zip(requests, clips)}


def _room_tone(n: int, rng: np.random.Generator) -> np.ndarray:
    # Low, slightly dark hiss so "silence" is a real recording's silence, not digital zero.
    white = rng.standard_normal(n).astype(np.float32)
    dark = np.convolve(white, np.ones(8, dtype=np.float32) / 8, mode="same")
    return dark / (np.sqrt(np.mean(dark ** 2)) + 1e-12) * ROOM_TONE_RMS


def _noise_burst(n: int, rng: np.random.Generator) -> np.ndarray:
    from scipy.signal import lfilter

    # A rumbling broadband noise (a passing truck / extractor fan), unit RMS.
    white = rng.standard_normal(n)
    rumble = lfilter([1.0], [1.0, -0.95], white)
    noise = 0.6 * rumble / np.std(rumble) + 0.8 * white
    return (noise / np.sqrt(np.mean(noise ** 2))).astype(np.float32)


def render_take_audio(scene: SceneText, take: TakePlan, seed: int,
                      bank: Mapping[tuple[str, Voice], np.ndarray]) -> TakeAudio:
    """Perform ``scene`` as ``take`` (see module contract)."""
    rng = _take_rng(seed, take, 15485863)
    voices = _take_voices(seed, take)
    sr = SAMPLE_RATE
    placements: list[tuple[str, int, np.ndarray]] = []  # (character, start sample, clip)
    readings: list[ReadingAudio] = []
    missing: list[str] = []
    deliveries = scene_deliveries(scene, seed)
    cursor = int(rng.uniform(0.6, 0.9) * sr)
    truncated_end: Optional[int] = None
    noise_reading: Optional[int] = None
    for pos, line in enumerate(scene.lines):
        if truncated_end is not None or line.id == take.drop_line:
            missing.append(line.id)
            continue
        defect = take.line_defect(line.id)
        spoken = _spoken_words(line, defect, seed, take)
        delivery = deliveries.get((take.index, line.id))
        voice, gain = _styled(voices[line.character], line, delivery)
        aborted = len(spoken) - len(line.words) if defect == "restart" else 0
        timings: list[WordTiming] = []
        for k, word in enumerate(spoken):
            clip = bank[(word, voice)]
            placements.append((line.character, cursor, clip if gain == 1.0 else clip * np.float32(gain)))
            timings.append(WordTiming(word, cursor / sr, (cursor + clip.size) / sr))
            cursor += clip.size
            if aborted and k == aborted - 1:
                cursor += int(rng.uniform(0.35, 0.5) * sr)  # the actor stops, then starts over
            else:
                cursor += int(rng.uniform(0.02, 0.06) * sr)
        if defect == "flub":
            text = " ".join(spoken) + line.text[-1:] if line.text[-1:] in ".?!" else " ".join(spoken)
        elif defect == "restart":
            text = " ".join(spoken[:aborted]) + "... " + line.text
        elif defect == "truncated":
            text = " ".join(spoken) + "..."
        else:
            text = line.text
        readings.append(ReadingAudio(line.id, line.character, timings[0].start, timings[-1].end,
                                     defect, text, tuple(timings), delivery=delivery,
                                     style=delivery_style(line, delivery).name))
        if defect == "noise":
            noise_reading = len(readings) - 1
        if defect == "truncated":
            truncated_end = int(timings[-1].end * sr) + int(0.12 * sr)
            continue
        cursor += int(rng.uniform(0.4, 0.7) * sr)
    end = truncated_end if truncated_end is not None else cursor + int(rng.uniform(0.5, 0.9) * sr)
    frames = -(-end // SAMPLES_PER_FRAME)
    n = frames * SAMPLES_PER_FRAME
    stems = {ch: np.zeros(n, dtype=np.float32) for ch in CHARACTERS}
    for ch, start, clip in placements:
        stop = min(n, start + clip.size)
        stems[ch][start:stop] += clip[: stop - start]
    mono = np.zeros(n, dtype=np.float32)
    for ch in CHARACTERS:
        gain = SPEECH_GAIN * (1.0 if ch in take.setup.shows else OFF_CAMERA_GAIN)
        mono += gain * stems[ch]
    noise_range = None
    if noise_reading is not None:
        reading = readings[noise_reading]
        a, b = int(reading.start * sr), int(reading.end * sr)
        speech_power = float(np.mean(mono[a:b] ** 2))
        pad = int(0.25 * sr)
        lo, hi = max(0, a - pad), min(n, b + pad)
        burst = _noise_burst(hi - lo, rng) * np.sqrt(speech_power / 10 ** (NOISE_SNR_DB / 10))
        ramp = min(int(0.05 * sr), (hi - lo) // 4)
        env = np.ones(hi - lo, dtype=np.float32)
        env[:ramp] = np.linspace(0, 1, ramp)
        env[-ramp:] = np.linspace(1, 0, ramp)
        mono[lo:hi] += burst * env
        noise_range = (lo / sr, hi / sr)
        readings[noise_reading] = ReadingAudio(
            reading.line_id, reading.character, reading.start, reading.end, reading.defect,
            reading.spoken_text, reading.words, snr_db=NOISE_SNR_DB, delivery=reading.delivery,
            style=reading.style)
    mono += _room_tone(n, rng)
    np.clip(mono, -1.0, 1.0, out=mono)
    return TakeAudio(
        samples=np.stack([mono, mono], axis=1),
        stems=stems,
        readings=tuple(readings),
        missing_lines=tuple(missing),
        truncated_at=(n / sr) if truncated_end is not None else None,
        noise_range=noise_range,
    )


def mouth_levels(stem: np.ndarray, frames: int) -> np.ndarray:
    """Per video frame, how open the speaker's mouth is: 0 (closed) .. MOUTH_LEVELS-1."""
    blocks = stem[: frames * SAMPLES_PER_FRAME].reshape(frames, SAMPLES_PER_FRAME)
    rms = np.sqrt(np.mean(blocks.astype(np.float64) ** 2, axis=1))
    return np.clip(np.round(rms / MOUTH_FULL_RMS * (MOUTH_LEVELS - 1)), 0, MOUTH_LEVELS - 1).astype(np.int8)
