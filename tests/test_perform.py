"""Performance signals: prosody (YIN pitch, levels), delivery on word times, DSP arousal on
real acted takes, signal registry, and the intent match written into the readings."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roughcut_core.model import LineReading, Scene, Script, ScriptLine, Transcript, Word
from roughcut_core.perform.prosody import frame_levels, semitones, yin_f0
from roughcut_core.perform.reading import attach_performance, measure
from roughcut_core.signals import SIGNALS

SR = 16000
RAVDESS = Path(__file__).resolve().parents[2] / "shared" / "media" / "emotion_takes" / "ravdess"
needs_media = pytest.mark.skipif(not RAVDESS.is_dir(), reason="../shared/media/emotion_takes absent")


def _tone(f0: float, seconds: float, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (amp * (np.sin(2 * np.pi * f0 * t) + 0.5 * np.sin(4 * np.pi * f0 * t)
                   + 0.25 * np.sin(6 * np.pi * f0 * t)) / 1.75).astype(np.float32)


def test_yin_finds_the_pitch_and_leaves_noise_unvoiced():
    rng = np.random.default_rng(0)
    x = np.concatenate([_tone(110, 0.5), _tone(247, 0.5), 0.01 * rng.standard_normal(SR // 2).astype(np.float32)])
    f0 = yin_f0(x, SR)
    assert abs(np.nanmedian(f0[5:45]) - 110) < 1.5
    assert abs(np.nanmedian(f0[55:95]) - 247) < 3
    assert np.isnan(f0[110:]).mean() > 0.9
    assert abs(semitones(220.0, 110.0) - 12.0) < 1e-9


def test_frame_levels_are_rms_dbfs():
    t = np.arange(SR) / SR
    x = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    lv = frame_levels(x, SR)
    assert len(lv) == 1 + (SR - 400) // 160
    assert abs(float(np.median(lv)) - 20 * np.log10(0.5 / np.sqrt(2))) < 0.1


def test_delivery_from_word_times():
    # Three "words": 150 Hz, 300 Hz (an octave up, 6 dB louder), 150 Hz; one 0.5 s pause.
    gap_s, pause_s = np.zeros(int(0.1 * SR), np.float32), np.zeros(int(0.5 * SR), np.float32)
    x = np.concatenate([gap_s, _tone(150, 0.4), gap_s, _tone(300, 0.4, amp=0.6), pause_s, _tone(150, 0.4), gap_s])
    spans = [(0.1, 0.5), (0.6, 1.0), (1.5, 1.9)]
    m = measure(x, SR, 0.0, spans)
    assert m["rate_wps"] == pytest.approx(3 / 1.8, rel=1e-3)
    assert m["pause_count"] == 1 and m["pause_max_s"] == pytest.approx(0.5, abs=1e-3)
    assert m["pause_total_s"] == pytest.approx(0.5, abs=1e-3)
    assert 10.5 < m["pitch_range_st"] < 13.0          # one octave between the words
    assert m["voiced_ratio"] > 0.8
    assert 3.0 < m["energy_range_db"] < 9.0           # the 6 dB louder word
    assert len(m["features"]) > 50 and all(np.isfinite(m["features"]))


def test_every_signal_written_is_registered():
    keys = {"rate_wps", "rate_rel", "pause_count", "pause_max_s", "pause_total_s", "loudness_db",
            "loudness_rel_db", "energy_range_db", "energy_dyn_db", "pitch_range_st", "pitch_mean_rel_st",
            "voiced_ratio", "arousal", "arousal_source", "emotion", "emotion_conf", "intent_match",
            "intent_words", "face_expressiveness", "eyes_open_in", "eyes_open_out", "blink_at_cut",
            "face_size", "face_sharpness"} | {f"emotion_{e}" for e in
                                              ("angry", "sad", "happy", "fear", "disgust", "surprise", "neutral")}
    assert keys <= set(SIGNALS)


def _take(actor: int, emotion: int, intensity: int, statement: int = 1, rep: int = 1) -> str:
    return str(RAVDESS / f"Actor_{actor:02d}" / f"03-01-{emotion:02d}-{intensity:02d}-{statement:02d}-{rep:02d}-{actor:02d}.flac")


@needs_media
def test_dsp_arousal_and_intent_on_real_acted_takes():
    """One held-out actor says one line neutral, sad, angry, happy (both statements): the
    DSP arousal ranks angry above neutral and sad; '(angrily)' prefers the angry takes;
    speech rate and loudness are relative to the line; the pitch to the speaker."""
    takes = {(emo, st): _take(15, code, 1 if emo == "neutral" else 2, st)
             for emo, code in (("neutral", 1), ("sad", 4), ("angry", 5), ("happy", 3)) for st in (1, 2)}
    readings, transcripts = [], {}
    for (emo, st), path in takes.items():
        # Word times from the level contour are not needed: one "word" spanning the speech.
        transcripts[path] = Transcript(path=path, language="en", words=(
            Word("kids", 0.9, 1.6), Word("door", 1.9, 2.6)))
        readings.append(LineReading(path=path, line_id=f"1-{st}", start=0.9, end=2.6, score=1.0,
                                    character="ANN", word_span=(0, 2)))
    lines = tuple(ScriptLine(id=f"1-{st}", scene_id="1", character="ANN", text="Kids are talking by the door.",
                             parenthetical="(angrily)") for st in (1, 2))
    script = Script(scenes=(Scene(id="1", heading="INT. HALL", lines=lines),))
    out = attach_performance(readings, transcripts, script=script, model=None)
    sig = {key: r.signals for key, r in zip(takes, out)}
    for st in (1, 2):
        assert sig[("angry", st)]["arousal"] > sig[("neutral", st)]["arousal"]
        assert sig[("angry", st)]["arousal"] > sig[("sad", st)]["arousal"]
        assert sig[("angry", st)]["arousal_source"] == "dsp"
        assert "emotion" not in sig[("angry", st)]  # no trained model: no made-up distribution
        best = max(("neutral", "sad", "angry", "happy"), key=lambda e: sig[(e, st)]["intent_match"])
        assert best in ("angry", "happy")  # arousal alone cannot split angry from happy
        assert sig[("angry", st)]["intent_match"] > sig[("sad", st)]["intent_match"]
        assert sig[("sad", st)]["intent_words"] == "flat for (angrily)"
        line = [sig[(e, st)] for e in ("neutral", "sad", "angry", "happy")]
        assert all(s["rate_rel"] == 1.0 for s in line)  # same word times in every take
        assert abs(float(np.median([s["loudness_rel_db"] for s in line]))) < 1e-6
    assert sig[("angry", 1)]["loudness_rel_db"] > sig[("sad", 1)]["loudness_rel_db"]
    assert sig[("angry", 1)]["pitch_mean_rel_st"] > sig[("neutral", 1)]["pitch_mean_rel_st"]


def test_an_unreadable_file_loses_only_its_own_signals(tmp_path):
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"not audio at all")
    good = tmp_path / "tone.wav"
    import wave

    with wave.open(str(good), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(SR)
        w.writeframes((np.concatenate([_tone(200, 1.0), _tone(180, 1.0)]) * 32767).astype("<i2").tobytes())
    readings = [LineReading(path=str(bad), line_id="1-1", start=0.0, end=1.0, score=1.0),
                LineReading(path=str(good), line_id="1-1", start=0.2, end=1.8, score=1.0,
                            signals={"snr_db": 30.0})]
    out = attach_performance(readings, {}, model=None)
    assert out[0].signals == {}
    assert out[1].signals["snr_db"] == 30.0 and out[1].signals["voiced_ratio"] > 0.8
    assert "arousal" in out[1].signals
