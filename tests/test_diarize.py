"""Diarization: DER arithmetic on hand-made turns, the numpy voice encoder, and DER of the
real pipeline against the shared RTTM references (thresholds are what it measurably meets,
with some margin for machine differences: see roughcut_core/bench/audio.py for the numbers)."""
from __future__ import annotations

import wave

import numpy as np
import pytest

from roughcut_core.errors import MediaError, ScriptError
from roughcut_core.speech.diarize import (SpeakerTurn, diarization_error_rate, diarize, read_rttm,
                                          read_uem)

T = SpeakerTurn


def test_der_perfect_and_relabelled_hypothesis_is_zero():
    ref = [T(0, 5, "alice"), T(5, 10, "bob")]
    assert diarization_error_rate(ref, ref, collar=0)["der"] == 0.0
    hyp = [T(0, 5, "S2"), T(5, 10, "S1")]
    result = diarization_error_rate(ref, hyp, collar=0)
    assert result["der"] == 0.0 and result["mapping"] == {"S2": "alice", "S1": "bob"}


def test_der_counts_miss_false_alarm_and_confusion():
    ref = [T(0, 4, "a"), T(4, 8, "b")]
    hyp = [T(0, 2, "x"), T(4, 8, "x"), T(8, 10, "y")]
    r = diarization_error_rate(ref, hyp, collar=0)
    assert r["miss"] == pytest.approx(2 / 8)
    assert r["false_alarm"] == pytest.approx(2 / 8)
    # x maps to b (4 s shared) rather than a (2 s): the 2 s of a labelled x are confusion
    assert r["confusion"] == pytest.approx(2 / 8)
    assert r["mapping"] == {"x": "b"}
    assert r["der"] == pytest.approx(r["miss"] + r["false_alarm"] + r["confusion"])


def test_der_confusion_with_one_to_one_mapping():
    ref = [T(0, 4, "a"), T(4, 8, "b")]
    hyp = [T(0, 8, "x")]
    r = diarization_error_rate(ref, hyp, collar=0)
    assert r["confusion"] == pytest.approx(0.5) and r["miss"] == 0 and r["false_alarm"] == 0


def test_der_overlap_collar_and_uem():
    ref = [T(0, 6, "a"), T(4, 10, "b")]  # 2 s of overlap: 12 s of reference speech
    hyp = [T(0, 5, "x"), T(5, 10, "y")]
    r = diarization_error_rate(ref, hyp, collar=0)
    assert r["scored_speech_s"] == pytest.approx(12.0)
    assert r["miss"] == pytest.approx(2 / 12)
    # a 0.5 s collar removes +-0.5 s around 0, 4, 6 and 10 s from scoring
    r2 = diarization_error_rate(ref, hyp, collar=0.5)
    assert r2["scored_speech_s"] < 12.0 and r2["miss"] < 2 / 12
    r3 = diarization_error_rate(ref, hyp, uem=(0.0, 3.0), collar=0)
    assert r3["der"] == 0.0 and r3["scored_speech_s"] == pytest.approx(3.0)
    assert diarization_error_rate(ref, [], collar=0)["der"] == pytest.approx(1.0)


def test_read_rttm_and_errors(tmp_path, diarization_sample):
    turns = read_rttm(diarization_sample.with_suffix(".rttm"))
    assert len(turns) == 10 and {t.speaker for t in turns} == {"speaker90", "speaker91"}
    assert turns[0] == T(6.69, pytest.approx(7.12), "speaker90")
    bad = tmp_path / "bad.rttm"
    bad.write_text("SPEAKER x 1 notanumber 1.0 <NA> <NA> s <NA> <NA>\n")
    with pytest.raises(ScriptError, match="line 1"):
        read_rttm(bad)


def test_voice_encoder_separates_speakers(vctk_p225_003_wav, vctk_p226_003_wav, vctk_p226_006_wav):
    """Same speaker, different sentences: closer than different speakers, same sentence."""
    from roughcut_core.audio.decode import decode_mono
    from roughcut_core.audio.voice_encoder import PARTIAL_FRAMES, VoiceEncoder, mel_frames

    enc = VoiceEncoder.load()

    def embed(path):
        x = decode_mono(path)
        x = x * 10 ** ((-30 - 10 * np.log10(np.mean(x ** 2))) / 20)
        m = mel_frames(x)
        parts = np.stack([m[s:s + PARTIAL_FRAMES] for s in range(0, len(m) - PARTIAL_FRAMES, 80)])
        e = enc.embed(parts).mean(axis=0)
        return e / np.linalg.norm(e)

    f225, m226a, m226b = embed(vctk_p225_003_wav), embed(vctk_p226_003_wav), embed(vctk_p226_006_wav)
    assert m226a @ m226b > 0.85
    assert m226a @ m226b > f225 @ m226a + 0.15


def test_voice_encoder_rejects_bad_weights(tmp_path):
    from roughcut_core.audio.voice_encoder import VoiceEncoder
    from roughcut_core.errors import RoughcutError

    bad = tmp_path / "pretrained.pt"
    bad.write_bytes(b"\x80\x02K\x01.garbage")
    with pytest.raises(RoughcutError, match="pretrained.pt"):
        VoiceEncoder.load(bad)


def test_pyannote_sample_der(diarization_sample):
    ref = read_rttm(diarization_sample.with_suffix(".rttm"))
    hyp = diarize(diarization_sample)
    assert len({t.speaker for t in hyp}) == 2
    assert all(a.end <= b.start for a, b in zip(hyp, hyp[1:]))
    r = diarization_error_rate(ref, hyp)
    assert r["der"] < 0.10, r  # measured 0.013


def test_ami_dev00_der_with_known_speaker_count(ami_dev00_wav):
    ref = read_rttm(ami_dev00_wav.with_suffix(".rttm"))
    r = diarization_error_rate(ref, diarize(ami_dev00_wav, num_speakers=2),
                               uem=read_uem(ami_dev00_wav.with_suffix(".uem")))
    assert r["der"] < 0.35, r  # measured 0.228 (0.183 of it is speech the VAD missed)


def test_given_speech_regions_and_mfcc_fallback(diarization_sample):
    ref = read_rttm(diarization_sample.with_suffix(".rttm"))
    regions = [(t.start, t.end) for t in ref]
    hyp = diarize(diarization_sample, num_speakers=2, speech_regions=regions, backend="mfcc")
    r = diarization_error_rate(ref, hyp)
    assert r["miss"] < 0.15  # overlap only: every reference region was given
    assert r["der"] < 0.45, r  # the classical fallback is much weaker (measured ~0.25)


def test_silence_gives_no_turns_and_cache_reuses(tmp_path, diarization_sample):
    from roughcut_core.cache import AnalysisCache

    path = tmp_path / "silence.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.zeros(32000, "<i2").tobytes())
    assert diarize(path) == ()
    cache = AnalysisCache(tmp_path / "cache")
    first = diarize(path, cache=cache)
    assert list((tmp_path / "cache").rglob("*.json"))
    assert diarize(path, cache=cache) == first


def test_no_audio_raises_media_error(tmp_path):
    from roughcut_core.synth import write_test_video

    path = write_test_video(tmp_path / "mute.mp4", rate=24, seconds=0.5, width=64, height=64,
                            audio_channels=0)
    with pytest.raises(MediaError, match="no audio"):
        diarize(path)


def test_speaker_for_range_attributes_a_line():
    from roughcut_core.speech.diarize import speaker_for_range

    turns = [T(0, 4, "S1"), T(4, 5, "S2"), T(6, 9, "S2")]
    assert speaker_for_range(turns, 0.5, 4.5) == "S1"
    assert speaker_for_range(turns, 3.5, 8.0) == "S2"
    assert speaker_for_range(turns, 5.0, 6.0) is None
    assert speaker_for_range(turns, 3.0, 5.0, min_share=0.6) is None  # 1 s each: no majority
