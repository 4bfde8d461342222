"""The emotion model speaks only for the labels it was trained on: the shipped EmoDB model has
no surprise takes, so readings get no ``emotion_surprise``, the intent match of "(surprised)"
is the delivery fit's alone (score and words), the learned ranker's ``intent_model`` term stays
0 for it, and every other direction still counts the model."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roughcut_core.model import ScriptLine
from roughcut_core.perform.emotion import EMOTIONS, SHIPPED_MODEL, EmotionModel, model_signals
from roughcut_core.script.intent import intent_match, parse_intent

DATA = Path(__file__).resolve().parents[2] / "shared" / "media" / "emotion_takes"


def _intent(direction: str):
    return parse_intent(ScriptLine(id="1-1", scene_id="1", character="A", text="Line.",
                                   parenthetical=direction))


def _toy(recipe: dict) -> EmotionModel:
    d = 4
    return EmotionModel(np.zeros((d + 1, len(EMOTIONS))), np.zeros(d + 1), (np.zeros(d), np.ones(d)), recipe)


def test_model_labels_come_from_the_recipe():
    shipped = EmotionModel.load(SHIPPED_MODEL)
    assert shipped.labels == ("angry", "sad", "happy", "fear", "disgust", "neutral")  # EmoDB: no surprise
    assert _toy({}).labels == EMOTIONS  # a model without a recipe: all it was built for
    assert _toy({"known_labels": ["neutral", "angry"]}).labels == ("angry", "neutral")
    assert _toy({"labels": {"angry": 3, "sad": 0, "neutral": 2}}).labels == ("angry", "neutral")


def test_train_records_the_labels_it_saw():
    from roughcut_core.perform.train import Example, train

    rng = np.random.default_rng(0)
    from roughcut_core.perform.features import FEATURE_NAMES

    labels = ["angry", "sad", "neutral"] * 6
    ex = [Example(__file__, f"s{k % 3}", lab) for k, lab in enumerate(labels)]
    model = train(ex, rng.normal(size=(len(ex), len(FEATURE_NAMES))))
    assert model.recipe["known_labels"] == ["angry", "sad", "neutral"]
    assert model.labels == ("angry", "sad", "neutral")
    sig = model_signals(model, rng.normal(size=(2, len(FEATURE_NAMES))))
    assert {k for k in sig[0] if k.startswith("emotion_")} - {"emotion_conf"} == {"emotion_angry", "emotion_sad", "emotion_neutral"}


def test_shipped_model_writes_no_probability_for_surprise():
    model = EmotionModel.load(SHIPPED_MODEL)
    z = np.random.default_rng(1).normal(size=(5, model.weights.shape[0] - 1))
    for s in model_signals(model, z):
        probs = {k: v for k, v in s.items() if k.startswith("emotion_") and k != "emotion_conf"}
        assert "emotion_surprise" not in probs and len(probs) == 6
        assert abs(sum(probs.values()) - 1.0) < 1e-3
        assert s["emotion"] in model.labels and s["emotion_conf"] == max(probs.values())


def _reading(model_label: str, cues: float) -> dict:
    """A reading the model hears as ``model_label`` (6 labels, no surprise) whose delivery is
    ``cues`` z above the actor's other takes on every energy and pitch cue."""
    labels = [e for e in EMOTIONS if e != "surprise"]
    s = {f"emotion_{e}": (0.75 if e == model_label else 0.05) for e in labels}
    s.update(emotion=model_label, emotion_conf=0.75, arousal=0.6, arousal_source="model")
    s.update({f"rel_{c}": cues for c in ("int_level", "int_var", "hf_energy", "f0_level", "f0_var", "f0_contour")})
    return s


def test_surprise_is_judged_on_the_delivery_alone():
    surprised = _intent("(surprised)")
    for label in ("angry", "neutral", "happy"):
        with_model = _reading(label, 1.5)
        without = {k: v for k, v in with_model.items() if not k.startswith("emotion")}
        score, words = intent_match(with_model, surprised)
        assert (score, words) == intent_match(without, surprised)  # the model has no say
        assert "read" not in words and "surprised" in words  # the delivery's words, not the model's
    # The delivery still decides: a bigger read fits "(surprised)" better than a flat one.
    assert intent_match(_reading("neutral", 1.5), surprised)[0] > intent_match(_reading("neutral", -1.5), surprised)[0]


def test_labels_the_model_knows_still_count():
    angrily = _intent("(angrily)")
    heard_angry, heard_sad = _reading("angry", 0.5), _reading("sad", 0.5)
    assert intent_match(heard_angry, angrily)[0] > intent_match(heard_sad, angrily)[0]
    assert intent_match(heard_angry, angrily)[1] == "angry read, as scripted"
    # the model hears sad on a read that is not bigger than the actor's others: its words
    assert intent_match(_reading("sad", -0.5), angrily)[1] == "sad read for (angrily)"
    # a read whose delivery fits "(angrily)" while the model hears sad: the delivery speaks
    # first and the model's dissent is named, never "sad read" alone on a take chosen for it
    assert intent_match(heard_sad, angrily)[1] == "angry delivery, as scripted (the voice model hears sad)"


def test_ranker_model_term_is_zero_for_a_label_the_model_never_saw():
    from roughcut_core.edit.signalterms import intent_parts

    for direction, expect_zero in (("(surprised)", True), ("(angrily)", False)):
        profile = {"cues": {}, "emotions": _intent(direction).distribution()}
        parts = intent_parts(_reading("angry", 0.0), profile)
        assert (parts["intent_model"] == 0.0) == expect_zero
    # A model with all seven labels (a user's RAVDESS model) keeps its say on surprise.
    seven = {f"emotion_{e}": (0.7 if e == "surprise" else 0.05) for e in EMOTIONS}
    assert intent_parts(seven, {"cues": {}, "emotions": _intent("(surprised)").distribution()})["intent_model"] > 0


@pytest.mark.skipif(not (DATA / "ravdess" / "labels.tsv").exists(), reason="../shared/media/emotion_takes absent")
def test_real_takes_never_hear_a_surprised_read_from_the_shipped_model():
    """RAVDESS actor 13 says one line in the seven emotions; the line is directed "(surprised)".
    The shipped model measures every take but names no surprise, and no reason claims one."""
    from roughcut_core.model import LineReading, Scene, Script
    from roughcut_core.perform.reading import attach_performance

    model = EmotionModel.load(SHIPPED_MODEL)
    codes = (1, 3, 4, 5, 6, 7, 8)
    takes = [str(DATA / "ravdess" / "Actor_13" / f"03-01-{c:02d}-{2 if c > 1 else 1:02d}-01-01-13.flac") for c in codes]
    readings = [LineReading(path=p, line_id="1-1", start=0.5, end=3.2, score=1.0, character="ANN") for p in takes]
    line = ScriptLine(id="1-1", scene_id="1", character="ANN", text="Kids are talking by the door.",
                      parenthetical="(surprised)")
    out = attach_performance(readings, {}, script=Script(scenes=(Scene(id="1", heading="X", lines=(line,)),)),
                             model=model)
    for r in out:
        assert "emotion_surprise" not in r.signals and r.signals["emotion"] != "surprise"
        assert "emotion_angry" in r.signals and 0.0 <= r.signals["intent_match"] <= 1.0
        assert "surprised read" not in r.signals.get("intent_words", "")


def test_intent_compares_the_speaker_relative_arousal_beside_a_model():
    """With a model the readings carry its own arousal and the DSP arousal relative to the
    speaker (``arousal_dsp``); the intent match compares the latter, as it does without a model."""
    from roughcut_core.perform.emotion import dsp_arousal

    model = EmotionModel.load(SHIPPED_MODEL)
    z = np.random.default_rng(2).normal(size=(3, model.weights.shape[0] - 1))
    sig = model_signals(model, z)
    assert [s["arousal_dsp"] for s in sig] == [round(float(a), 4) for a in dsp_arousal(z)]
    flatly = _intent("(flatly)")
    calm, keyed = _reading("neutral", 0.0), _reading("neutral", 0.0)
    calm.update(arousal=0.9, arousal_dsp=0.3)   # the model hears energy; against the actor's takes it is calm
    keyed.update(arousal=0.3, arousal_dsp=0.9)
    assert intent_match(calm, flatly)[0] > intent_match(keyed, flatly)[0]
    no_model = {k: v for k, v in calm.items() if not k.startswith("emotion")}
    no_model["arousal"] = no_model.pop("arousal_dsp")
    assert intent_match(no_model, _intent("(whispering)")) == intent_match(
        {**no_model, "arousal_dsp": no_model["arousal"], "arousal": 0.95}, _intent("(whispering)"))
