"""The voice emotion model (issue 14): the recogniser's own encoder hears a reading's voice, a
small model trained on EmoDB (CC0) reads emotion from it, and its distribution is joined with the
feature model's. The shipped file is the measured one and says where it comes from; a damaged file
is refused by name; the joining is a plain normalised geometric mean; on an actor neither model
ever heard the angry take is heard as angrier than the neutral one."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from roughcut_core.errors import RoughcutError
from roughcut_core.perform.corpora import SOURCES
from roughcut_core.perform.voiceembed import EMBED_DIM, VoiceEncoder, speech_span
from roughcut_core.perform.voicemodel import (SHIPPED_VOICE_MODEL, SHIPPED_VOICE_SHA256, VoiceEmotionModel,
                                              combine, load_default_voice_model)

DATA = Path(__file__).resolve().parents[2] / "shared" / "media" / "emotion_takes"


def _spoken(tmp_path, text="The quick brown fox jumps over the lazy dog.") -> np.ndarray:
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng not installed (apt install espeak-ng)")
    wav = tmp_path / "s.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), text], check=True, capture_output=True)
    from roughcut_core.speech.audio_io import decode_audio

    return decode_audio(str(wav), 16000)


def test_encoder_embeds_speech_and_refuses_a_blip(tmp_path):
    x = _spoken(tmp_path)
    enc = VoiceEncoder()
    a = enc.embed(x)
    assert a.shape == (EMBED_DIM,) and np.isfinite(a).all() and a[EMBED_DIM // 2:].min() >= 0  # std half
    assert np.array_equal(a, enc.embed(x))  # same input, same thread count: same numbers
    lo, hi = speech_span(x)
    assert 0 <= lo < hi <= len(x)
    padded = np.concatenate([np.zeros(16000, np.float32), x, np.zeros(16000, np.float32)])
    # the silence around the speech is trimmed: the embedding is the speech's
    assert np.corrcoef(enc.embed(padded), a)[0, 1] > 0.98
    assert enc.embed(x[:2000]) is None  # an eighth of a second says nothing about a voice


def test_shipped_voice_model_is_the_measured_file_and_records_its_origin():
    assert json.loads(SHIPPED_VOICE_MODEL.read_text(encoding="utf-8"))["sha256"] == SHIPPED_VOICE_SHA256
    model = VoiceEmotionModel.load(SHIPPED_VOICE_MODEL)  # recomputes the checksum
    r = model.recipe
    assert r["source"]["licence"] == "CC0-1.0" and r["source"]["commit"] == SOURCES["emodb"]["commit"]
    assert r["files"] == 454 and len(r["audio_sha256"]) == 64 and r["encoder"] == "tiny.en"
    assert "surprise" not in model.labels and len(model.labels) == 6  # EmoDB has no surprise takes
    assert str(r["l2"]) in {str(k) for k in r["loso_accuracy"]}
    assert SHIPPED_VOICE_MODEL.stat().st_size < 200_000
    assert model.weights.shape == (EMBED_DIM + 1, 6)


def test_damaged_or_foreign_voice_model_is_refused_by_name(tmp_path, monkeypatch):
    doc = json.loads(SHIPPED_VOICE_MODEL.read_text(encoding="utf-8"))
    doc["weights"][0][0] += 1.0
    bad = tmp_path / "voice.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(RoughcutError, match="voice.json.*checksum"):
        VoiceEmotionModel.load(bad)
    bad.write_text(json.dumps({"format": "something else"}))
    with pytest.raises(RoughcutError, match="voice.json.*not a voice emotion model"):
        VoiceEmotionModel.load(bad)
    monkeypatch.setenv("ROUGHCUT_VOICE_EMOTION", "off")
    assert load_default_voice_model() is None
    monkeypatch.delenv("ROUGHCUT_VOICE_EMOTION")
    monkeypatch.setenv("ROUGHCUT_EMOTION_MODEL", "none")
    assert load_default_voice_model() is None  # emotion models off means both


def test_combine_is_a_normalised_geometric_mean_on_shared_labels_only():
    p = np.array([[0.7, 0.2, 0.1]])
    q = np.log(np.array([[0.1, 0.2, 0.7]]))
    joined = combine(p, ("angry", "sad", "neutral"), q, ("angry", "sad", "neutral"))
    g = np.sqrt(p * np.exp(q))
    assert np.allclose(joined, g / g.sum()) and abs(joined.sum() - 1) < 1e-12
    assert combine(p, ("angry", "sad", "neutral"), q, ("angry", "sad", "happy")) is p
    assert combine(p, ("angry", "sad", "neutral"), None, ()) is p


def test_readings_with_an_embedding_join_the_voice_model():
    from roughcut_core.perform.emotion import SHIPPED_MODEL, EmotionModel
    from roughcut_core.perform.features import FEATURE_NAMES
    from roughcut_core.perform.reading import emotion_signals

    rng = np.random.default_rng(3)
    feats = rng.normal(size=(6, len(FEATURE_NAMES)))
    emb = [rng.normal(size=EMBED_DIM) for _ in range(5)] + [None]
    model, voice = EmotionModel.load(SHIPPED_MODEL), VoiceEmotionModel.load(SHIPPED_VOICE_MODEL)
    alone = emotion_signals(feats, ["A"] * 6, model)
    both = emotion_signals(feats, ["A"] * 6, model, emb, voice)
    assert [s["voice_joined"] for s in both] == [1] * 5 + [0]
    assert both[5] == alone[5]  # no embedding: the feature model's alone, unchanged
    assert any(abs(both[j]["emotion_angry"] - alone[j]["emotion_angry"]) > 1e-3 for j in range(5))
    for s in both:
        assert abs(sum(s[f"emotion_{e}"] for e in model.labels) - 1) < 2e-3
        assert s["arousal"] == alone[both.index(s)]["arousal"]  # arousal stays the feature model's


@pytest.mark.skipif(not (DATA / "ravdess" / "labels.tsv").exists(), reason="../shared/media/emotion_takes absent")
def test_voice_model_hears_unseen_actors_angry_takes_as_angrier_than_their_neutral_ones():
    """RAVDESS actors 09-16 (evaluation only; the model saw EmoDB's German actors): per actor and
    statement, the strong angry take against the neutral take of the same statement."""
    from roughcut_core.perform.features import normalise_by_group
    from roughcut_core.perform.train_voice import embed_files

    model = VoiceEmotionModel.load(SHIPPED_VOICE_MODEL)
    pairs = []
    for actor in range(9, 17):
        files = [DATA / "ravdess" / f"Actor_{actor:02d}" / f"03-01-{code:02d}-{inten:02d}-{st:02d}-01-{actor:02d}.flac"
                 for st in (1, 2) for code, inten in ((1, 1), (5, 2))]
        if not all(f.exists() for f in files):
            continue
        z = normalise_by_group(embed_files(files), ["a"] * len(files), fallback=model.population)
        angry = model.log_probs(z)[:, model.labels.index("angry")]
        pairs += [angry[1] > angry[0], angry[3] > angry[2]]
    assert len(pairs) >= 8
    assert np.mean(pairs) >= 0.75


def test_the_pipeline_lends_its_recogniser_and_the_embedding_is_the_same(tmp_path):
    """With the default recogniser (the bundled tiny.en on the CPU) the pipeline's voice encoder
    uses the recogniser's loaded model instead of loading the weights again; the numbers are
    those of the encoder's own load. Another recogniser lends nothing."""
    from dataclasses import replace

    from roughcut_core.pipeline import PipelineOptions, RoughCutPipeline

    x = _spoken(tmp_path)
    pipe = RoughCutPipeline(replace(PipelineOptions(), device="cpu"))
    lent = pipe._voice_encoder()
    assert lent is not None and lent._source is not None
    assert np.array_equal(lent.embed(x), VoiceEncoder().embed(x))
    assert pipe.speech.model_loaded  # the recogniser's model is the one that was used
    other = RoughCutPipeline(replace(PipelineOptions(), device="cpu", asr_model=str(tmp_path)))  # not a model
    assert other.speech.whisper.encoder_id is None and other._voice_encoder() is None


def test_a_non_finite_embedding_is_none_not_a_poisoned_row(tmp_path):
    """Damaged samples (NaN) give no embedding, so they cannot spoil the speaker's z-scores."""
    x = _spoken(tmp_path).copy()
    x[len(x) // 2: len(x) // 2 + 400] = np.nan
    assert VoiceEncoder().embed(x, (0, len(x))) is None
