"""The trainable vocal emotion model: data recipe, training split by actor, accuracy on actors
it never heard, the model file (checksum, user data dir) and `roughcut train emotion`."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from roughcut_core.errors import RoughcutError
from roughcut_core.perform.emotion import EMOTIONS, EmotionModel, default_model_path, load_default_model
from roughcut_core.perform.train import Example, evaluate, extract, load_dataset, split_by_speaker, train

DATA = Path(__file__).resolve().parents[2] / "shared" / "media" / "emotion_takes"
pytestmark = pytest.mark.skipif(not (DATA / "ravdess" / "labels.tsv").exists(),
                                reason="../shared/media/emotion_takes absent")

TRAIN_ACTORS = ("01", "02", "03", "04", "05", "06")
TEST_ACTORS = ("15", "16")


def _subset() -> list[Example]:
    """Strong takes of the 6 emotions + normal neutral, statement 1 and 2, repetition 1."""
    out = []
    for e in load_dataset(DATA / "ravdess"):
        actor = e.speaker.split(":")[-1]
        rep = Path(e.path).stem.split("-")[5]
        if actor in TRAIN_ACTORS + TEST_ACTORS and rep == "01" and e.source_label != "calm" \
                and (e.intensity == "strong" or e.emotion == "neutral"):
            out.append(e)
    return out


@pytest.fixture(scope="module")
def trained():
    examples = _subset()
    raw = extract(examples)
    tr, te = split_by_speaker(examples, TEST_ACTORS)
    model = train([e for e, k in zip(examples, tr) if k], raw[tr], data_dir=str(DATA / "ravdess"))
    return model, [e for e, k in zip(examples, te) if k], raw[te]


def test_dataset_recipe_reads_ravdess_and_tess_and_drops_the_duplicate():
    rav = load_dataset(DATA / "ravdess")
    assert len(rav) == 951  # 952 listed, one duplicate take (Actor_07) dropped
    assert {e.emotion for e in rav} == set(EMOTIONS)
    tess = load_dataset(DATA)  # lines.tsv at the top, ravdess/labels.tsv below
    assert sum(e.speaker.endswith(":YAF") for e in tess) == 70
    with pytest.raises(RoughcutError, match="no labelled takes"):
        load_dataset(DATA / "ravdess" / "Actor_01")


def test_held_out_actors_are_recognised_well_above_chance(trained):
    model, test_ex, test_raw = trained
    assert not {e.speaker for e in test_ex} & set(model.recipe["speakers"])  # split by actor
    ev = evaluate(model, test_ex, test_raw)
    assert ev["n"] >= 24
    assert ev["accuracy"] > 2.5 / len(EMOTIONS)  # chance is 1/7; measured 0.79 (22 of 28) here
    assert ev["arousal_corr"] > 0.4


def test_excluded_features_get_weight_zero_and_are_recorded(trained):
    """``train(..., exclude=CORPUS_FEATURES)`` (how the shipped model is trained) gives the
    spectral-envelope means no weight and says so; the other features still carry the model;
    a model trained without ``exclude`` uses them (a user's own takes keep every feature)."""
    from roughcut_core.perform.features import FEATURE_NAMES
    from roughcut_core.perform.train import CORPUS_FEATURES

    assert len(CORPUS_FEATURES) == 39 and "mel0_mean" in CORPUS_FEATURES and "mfcc12_mean" in CORPUS_FEATURES
    assert not {"mel0_std", "f0_mean", "lvl_mean"} & set(CORPUS_FEATURES)
    full, test_ex, test_raw = trained
    examples = _subset()
    raw = extract(examples)
    tr, _ = split_by_speaker(examples, TEST_ACTORS)
    model = train([e for e, k in zip(examples, tr) if k], raw[tr], exclude=CORPUS_FEATURES)
    cols = [FEATURE_NAMES.index(f) for f in CORPUS_FEATURES]
    assert np.all(model.weights[cols] == 0.0) and np.all(model.arousal_weights[cols] == 0.0)
    assert np.abs(full.weights[cols]).max() > 0.01  # not zero by accident
    assert model.recipe["excluded_features"] == list(CORPUS_FEATURES)
    assert "excluded_features" not in full.recipe
    assert evaluate(model, test_ex, test_raw)["accuracy"] > 2.5 / len(EMOTIONS)
    with pytest.raises(RoughcutError, match="unknown feature"):
        train(examples[:8], raw[:8], exclude=("mel0_mean", "loudness"))


def test_model_file_round_trip_and_checksum(trained, tmp_path, monkeypatch):
    model = trained[0]
    monkeypatch.setenv("ROUGHCUT_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.delenv("ROUGHCUT_EMOTION_MODEL", raising=False)
    assert "source" in load_default_model().recipe  # nothing trained yet: the shipped EmoDB model
    sha = model.save(default_model_path())
    back = load_default_model()
    z = np.random.default_rng(1).standard_normal((3, model.weights.shape[0] - 1))
    assert np.allclose(back.predict(z)[0], model.predict(z)[0], atol=1e-4)
    doc = json.loads(default_model_path().read_text())
    assert doc["sha256"] == sha and doc["recipe"]["manifest_sha256"]
    doc["weights"][0][0] += 1.0
    default_model_path().write_text(json.dumps(doc))
    with pytest.raises(RoughcutError, match="checksum"):
        EmotionModel.load(default_model_path())
    assert "source" in load_default_model().recipe  # a damaged file is skipped with a warning
    monkeypatch.setenv("ROUGHCUT_EMOTION_MODEL", "none")
    assert load_default_model() is None  # no model, no made-up emotions


def test_train_cli_writes_the_model_and_reports_held_out(tmp_path, monkeypatch):
    from roughcut_core._cli.main import main

    data = tmp_path / "data"
    data.mkdir()
    with open(data / "takes.tsv", "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["file", "speaker", "emotion"])
        for actor in ("01", "02", "03"):
            for code, label in ((1, "neutral"), (3, "happy"), (4, "sad"), (5, "angry"), (6, "fearful"),
                                (7, "disgust"), (8, "surprised")):
                inten = 1 if code == 1 else 2
                w.writerow([str(DATA / "ravdess" / f"Actor_{actor}" / f"03-01-{code:02d}-{inten:02d}-02-01-{actor}.flac"),
                            actor, label])
        (data / "broken.flac").write_bytes(b"not a flac")
        w.writerow(["broken.flac", "01", "angry"])  # named in a warning, skipped; training goes on
    out = tmp_path / "m.json"
    monkeypatch.setattr("sys.argv", ["roughcut"])
    import io
    from contextlib import redirect_stdout

    buf = io.StringIO()
    with redirect_stdout(buf):
        rc = main(["train", "emotion", "--data", str(data), "--out", str(out), "--holdout", "03", "--json"])
    assert rc == 0
    res = json.loads(buf.getvalue())
    assert res["files"] == 14 and res["holdout"]["n"] == 7 and out.exists()
    assert EmotionModel.load(out).recipe["speakers"] == ["data:01", "data:02"]
    assert main(["train", "emotion", "--data", str(tmp_path / "empty")]) == 2


def test_readings_get_a_distribution_from_a_trained_model(trained):
    from roughcut_core.model import LineReading, Scene, Script, ScriptLine
    from roughcut_core.perform.reading import attach_performance

    model = trained[0]
    takes = {label: str(DATA / "ravdess" / "Actor_16" / f"03-01-{code:02d}-{2 if code > 1 else 1:02d}-01-02-16.flac")
             for label, code in (("neutral", 1), ("happy", 3), ("sad", 4), ("angry", 5), ("fear", 6),
                                 ("disgust", 7), ("surprise", 8))}
    readings = [LineReading(path=p, line_id="1-1", start=0.6, end=3.0, score=1.0, character="ZOE")
                for p in takes.values()]
    line = ScriptLine(id="1-1", scene_id="1", character="ZOE", text="Kids are talking by the door.",
                      parenthetical="(angrily)")
    out = attach_performance(readings, {}, script=Script(scenes=(Scene(id="1", heading="X", lines=(line,)),)),
                             model=model)
    for r in out:
        s = r.signals
        probs = [s[f"emotion_{e}"] for e in EMOTIONS]
        assert abs(sum(probs) - 1.0) < 1e-3 and s["emotion_conf"] == max(probs)
        assert s["emotion"] == EMOTIONS[int(np.argmax(probs))] and s["arousal_source"] == "model"
    by = dict(zip(takes, out))
    # The angry take is the best match for "(angrily)" among the seven, and says so.
    assert max(by, key=lambda k: by[k].signals["intent_match"]) == "angry"
    assert by["angry"].signals["intent_words"] == "angry read, as scripted"
