"""Music under dialogue is music heard between the lines too, not a steady voice's partials.

A synthetic voice (espeak-ng, as in generated scenes) holds its partials while it speaks, which
looked like held musical tones: every generated scene's markers said "music under the dialogue".
"""
import numpy as np
import pytest

pytest.importorskip("espeakng_loader")

from roughcut_core.analyses.fixtures import music  # noqa: E402
from roughcut_core.analyses.sound import SR, sound_events  # noqa: E402
from roughcut_core.demo.tts import SAMPLE_RATE, Voice, synthesize_many  # noqa: E402


def _dialogue() -> np.ndarray:
    from scipy.signal import resample_poly

    lines = synthesize_many([("The boat leaves at dawn tomorrow, before the tide turns.", Voice("en-us+m3", 180, 45, 55)),
                             ("Then we have one night to decide what we take.", Voice("en+f2", 190, 62, 55)),
                             ("I already packed my bag and the lamp.", Voice("en-us+m3", 180, 45, 55))])
    rng = np.random.default_rng(3)
    parts = []
    for clip in lines:
        parts.append(rng.normal(0, 10 ** (-60 / 20), int(0.9 * SAMPLE_RATE)).astype(np.float32))
        parts.append(clip * 0.3)
    parts.append(rng.normal(0, 10 ** (-60 / 20), int(0.9 * SAMPLE_RATE)).astype(np.float32))
    return resample_poly(np.concatenate(parts), SR, SAMPLE_RATE).astype(np.float32)


def test_a_synthetic_voice_alone_is_not_music_under_dialogue():
    x = _dialogue()
    assert sound_events(x).music_under_dialogue == ()


def test_a_music_bed_under_the_same_dialogue_is_flagged():
    x = _dialogue()
    bed = music(len(x) / SR + 0.1, np.random.default_rng(5))[: len(x)]
    rms = float(np.sqrt(np.mean(bed.astype(np.float64) ** 2)))
    under = sound_events(x + bed * (10 ** (-30 / 20) / rms)).music_under_dialogue
    assert under and sum(b - a for a, b in under) >= 2.0


def _tight_dialogue(with_bed: bool) -> tuple[np.ndarray, list]:
    """12 s of dialogue with no pause (tight pickups) between 1 s of room tone at each end; for
    2 s in the middle the voice holds steady partials (a sung or synthetic vowel), as the demo's
    wide takes do. Speech regions are given, so the test is about the rule, not the VAD."""
    from roughcut_core.analyses.fixtures import _tone, coloured_noise

    rng = np.random.default_rng(11)
    room = rng.normal(0, 10 ** (-60 / 20), SR).astype(np.float32)
    talk = 0.05 * coloured_noise(12.0, rng)[: 12 * SR]
    held = _tone(220.0, 2.0)[: 2 * SR]
    talk[6 * SR: 8 * SR] = 0.1 * held / float(np.max(np.abs(held)))
    x = np.concatenate([room, talk, room]).astype(np.float32)
    if with_bed:
        bed = music(len(x) / SR + 0.1, np.random.default_rng(5))[: len(x)]
        rms = float(np.sqrt(np.mean(bed.astype(np.float64) ** 2)))
        x = x + bed * (10 ** (-30 / 20) / rms)
    return x.astype(np.float32), [(1.0, 13.0)]


def test_a_held_vowel_in_tight_dialogue_is_not_music_when_the_pauses_have_none():
    x, speech = _tight_dialogue(with_bed=False)
    res = sound_events(x, speech_regions=speech)
    assert res.music_under_dialogue == ()


def test_a_music_bed_under_tight_dialogue_is_still_flagged():
    x, speech = _tight_dialogue(with_bed=True)
    assert sound_events(x, speech_regions=speech).music_under_dialogue
