"""`bench quality` measures the default install: its acted part cuts the held-out scenes with the
shipped emotion model, and reports DSP only and a model trained on RAVDESS beside it."""
from __future__ import annotations

import argparse
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "shared" / "media" / "emotion_takes"


def test_shipped_model_is_what_the_bench_loads(monkeypatch, tmp_path):
    from roughcut_core.bench.quality import _shipped_model
    from roughcut_core.perform.emotion import SHIPPED_SHA256, EmotionModel

    # A user's own model in the data dir does not change what the bench measures.
    monkeypatch.setenv("ROUGHCUT_MODELS_DIR", str(tmp_path))
    model = _shipped_model()
    assert isinstance(model, EmotionModel) and model.recipe["source"]["licence"] == "CC0-1.0"
    assert model.to_json()["sha256"] == SHIPPED_SHA256


@pytest.mark.skipif(not (DATA / "ravdess" / "labels.tsv").exists(), reason="../shared/media/emotion_takes absent")
def test_acted_part_reports_the_shipped_model_beside_dsp_and_the_trained_model(tmp_path):
    from roughcut_core.bench.quality import _acted

    args = argparse.Namespace(emotion_takes=str(DATA), train_actors=["01"], eval_actors=["13"],
                              feedback_actors=[], no_tess=True)
    out = _acted(args, tmp_path)
    row = out["RAVDESS held-out"]
    assert set(row) == {"dsp", "shipped", "model"}
    for rate, chance, lines in row.values():
        assert lines == 28 and abs(chance - 1 / 7) < 0.02 and 0.0 <= rate <= 1.0
    assert row["shipped"][0] > row["shipped"][1]  # the default install beats chance on an unseen actor
