"""The emotion model that ships in the package (trained on EmoDB, CC0): its file is the one that
was measured, it says where it comes from, it loads offline, the user's own model wins over it,
and on an actor it never heard it hears the angry take as angry. Plus the EmoDB data recipe."""
from __future__ import annotations

import json
import socket
from pathlib import Path

import numpy as np
import pytest

from roughcut_core.errors import RoughcutError
from roughcut_core.perform.corpora import SOURCES, emodb_rows, write_tsv
from roughcut_core.perform.emotion import (EMOTIONS, SHIPPED_MODEL, SHIPPED_SHA256, EmotionModel,
                                           default_model_path, load_default_model)

DATA = Path(__file__).resolve().parents[2] / "shared" / "media" / "emotion_takes"


@pytest.fixture
def offline(monkeypatch):
    """Any attempt to open a network socket fails the test."""
    def refuse(*_a, **_k):
        raise AssertionError("the emotion model must load without the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_shipped_model_is_the_measured_file_and_records_its_origin(offline):
    doc = json.loads(SHIPPED_MODEL.read_text(encoding="utf-8"))
    assert doc["sha256"] == SHIPPED_SHA256
    model = EmotionModel.load(SHIPPED_MODEL)  # recomputes the checksum over the weights
    recipe = model.recipe
    src = recipe["source"]
    assert src["licence"] == "CC0-1.0" and src["commit"] == SOURCES["emodb"]["commit"]
    assert len(src["audio_sha256"]) == 64 and len(recipe["manifest_sha256"]) == 64
    assert recipe["files"] == 454 and len(recipe["speakers"]) == 10
    assert recipe["labels"]["surprise"] == 0 and min(v for k, v in recipe["labels"].items() if k != "surprise") > 40
    assert SHIPPED_MODEL.stat().st_size < 64_000  # small enough to ship in the wheel
    from roughcut_core.perform.features import FEATURE_NAMES
    from roughcut_core.perform.train import CORPUS_FEATURES

    # made for other corpora: the spectral-envelope means (German words, EmoDB's microphone) are out
    assert recipe["excluded_features"] == list(CORPUS_FEATURES)
    cols = [FEATURE_NAMES.index(f) for f in CORPUS_FEATURES]
    assert np.all(model.weights[cols] == 0.0) and np.all(model.arousal_weights[cols] == 0.0)
    assert (np.abs(np.delete(model.weights[:-1], cols, axis=0)).sum(axis=1) > 0).all()
    probs, arousal = model.predict(np.zeros((1, model.weights.shape[0] - 1)))
    assert abs(probs.sum() - 1.0) < 1e-9 and 0.0 <= arousal[0] <= 1.0


def test_default_model_is_the_users_then_the_shipped_one(tmp_path, monkeypatch, offline):
    monkeypatch.setenv("ROUGHCUT_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.delenv("ROUGHCUT_EMOTION_MODEL", raising=False)
    assert load_default_model().recipe["source"]["licence"] == "CC0-1.0"  # nothing trained: shipped
    d = len(json.loads(SHIPPED_MODEL.read_text())["features"])
    mine = EmotionModel(np.zeros((d + 1, len(EMOTIONS))), np.zeros(d + 1), (np.zeros(d), np.ones(d)),
                        {"data_dir": "mine"})
    mine.save(default_model_path())
    assert load_default_model().recipe == {"data_dir": "mine"}  # the user's own model wins
    monkeypatch.setenv("ROUGHCUT_EMOTION_MODEL", "shipped")
    assert "source" in load_default_model().recipe
    monkeypatch.setenv("ROUGHCUT_EMOTION_MODEL", "none")
    assert load_default_model() is None  # DSP only, on request
    monkeypatch.delenv("ROUGHCUT_EMOTION_MODEL")
    default_model_path().write_text("{broken")
    assert "source" in load_default_model().recipe  # a damaged user file falls back, with a warning


@pytest.mark.skipif(not (DATA / "ravdess" / "labels.tsv").exists(), reason="../shared/media/emotion_takes absent")
def test_shipped_model_hears_the_angry_take_of_an_unseen_actor_as_angry():
    """RAVDESS actor 13 (never trained on: the model saw only EmoDB's German actors) says one
    line in the seven emotions, strong intensity; the cut is asked for "(angrily)"."""
    from roughcut_core.model import LineReading, Scene, Script, ScriptLine
    from roughcut_core.perform.reading import attach_performance

    model = EmotionModel.load(SHIPPED_MODEL)
    codes = (("neutral", 1), ("happy", 3), ("sad", 4), ("angry", 5), ("fear", 6), ("disgust", 7), ("surprise", 8))
    takes = {label: str(DATA / "ravdess" / "Actor_13" / f"03-01-{code:02d}-{2 if code > 1 else 1:02d}-01-01-13.flac")
             for label, code in codes}
    readings = [LineReading(path=p, line_id="1-1", start=0.5, end=3.2, score=1.0, character="ANN")
                for p in takes.values()]
    line = ScriptLine(id="1-1", scene_id="1", character="ANN", text="Kids are talking by the door.",
                      parenthetical="(angrily)")
    out = attach_performance(readings, {}, script=Script(scenes=(Scene(id="1", heading="X", lines=(line,)),)),
                             model=model)
    by = dict(zip(takes, (r.signals for r in out)))
    assert by["angry"]["emotion"] == "angry" and by["angry"]["arousal_source"] == "model"
    assert max(by, key=lambda k: by[k]["emotion_angry"]) == "angry"
    assert max(by, key=lambda k: by[k]["intent_match"]) == "angry"
    assert by["angry"]["arousal"] > by["sad"]["arousal"] and by["angry"]["arousal"] > by["neutral"]["arousal"]


def test_emodb_recipe_labels_by_file_name_and_leaves_boredom_out(tmp_path):
    from roughcut_core.perform.train import load_dataset

    wav = tmp_path / "emodb" / "wav"
    wav.mkdir(parents=True)
    for name in ("03a01Wa", "03a01Nc", "08b02Tb", "10a05Lb", "16b10Ea", "11a04Ad", "12b09Fa", "notes"):
        (wav / f"{name}.wav").write_bytes(b"RIFF")
    rows = emodb_rows(wav)
    assert [(r["speaker"], r["emotion"], r["statement_id"]) for r in rows] == [
        ("emodb03", "neutral", "a01"), ("emodb03", "angry", "a01"), ("emodb08", "sad", "b02"),
        ("emodb11", "fear", "a04"), ("emodb12", "happy", "b09"), ("emodb16", "disgust", "b10")]
    write_tsv(rows, tmp_path / "emodb" / "emodb.tsv")
    examples = load_dataset(tmp_path / "emodb")  # the training recipe reads it as it is
    assert [e.emotion for e in examples] == [r["emotion"] for r in rows]
    assert examples[0].speaker == "emodb:emodb03" and Path(examples[0].path).name == "03a01Nc.wav"
    with pytest.raises(RoughcutError, match="no EmoDB takes"):
        emodb_rows(tmp_path)


def test_intent_counts_the_delivery_as_well_as_the_model():
    """With a model's distribution and the relative delivery cues both measured, both count: a
    read the model calls neutral but delivered far louder, brighter and higher than the actor's
    other takes scores better for "(angrily)" than the model alone would give it."""
    from roughcut_core.model import ScriptLine
    from roughcut_core.script.intent import intent_match, parse_intent

    intent = parse_intent(ScriptLine(id="1-1", scene_id="1", character="A", text="Line.", parenthetical="(angrily)"))
    model_only = {f"emotion_{e}": (0.6 if e == "neutral" else 0.4 / 6) for e in EMOTIONS}
    model_only.update(emotion="neutral", emotion_conf=0.6, arousal=0.5)
    loud = {f"rel_{c}": 2.0 for c in ("int_level", "int_var", "hf_energy", "f0_level", "f0_var")}
    flat = {f"rel_{c}": -2.0 for c in ("int_level", "int_var", "hf_energy", "f0_level", "f0_var")}
    base = intent_match(model_only, intent)[0]
    assert intent_match({**model_only, **loud}, intent)[0] > base > intent_match({**model_only, **flat}, intent)[0]


@pytest.mark.skipif(not (DATA / "ravdess" / "labels.tsv").exists(), reason="../shared/media/emotion_takes absent")
def test_bench_cuts_an_unseen_actors_scene_with_and_without_the_model():
    """`bench emotion --cut` on one held-out actor: 4 groups (2 lines x 2 intensities) of 7
    directed lines, cut by the real edit engine; the rates are shares of those 28 lines."""
    from roughcut_core.bench.emotion import _known_accuracy, cut_intent
    from roughcut_core.perform.train import Example

    model = EmotionModel.load(SHIPPED_MODEL)
    res = cut_intent(DATA, ["13"], model, tess=False)
    row = res["RAVDESS actors 13"]
    assert row["lines"] == 28 and abs(row["chance"] - 1 / 7) < 0.02
    assert row["model"] > row["chance"] and 0.0 <= row["dsp"] <= 1.0
    # Accuracy among the labels the model knows: a surprise take does not count against it.
    d = model.weights.shape[0] - 1
    ex = [Example("a", "s", "surprise"), Example("b", "s", "angry")]
    assert _known_accuracy(model, ex, np.zeros((2, d)), {"angry"}) == 1.0
