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
