"""Issue 21: acceptance metrics, model registry and retraining from a simulated season of feedback.

The editor of the simulated show has known preferences (a hidden utility over the ranking
terms that values ``pace`` and ``expressive``, which the hand-set weights do not weigh that
way). Each week roughcut proposes a cut (OTIO with our metadata: chosen reading + ranked
alternates), the simulated editor keeps, trims, swaps (to the rank they prefer) or drops, and
the real ``roughcut feedback`` / ``ops acceptance`` / ``retrain`` / ``models`` commands run on
the real OTIO files. Expected shares come from the simulation's own bookkeeping."""
from __future__ import annotations

import json
import random

import pytest

from roughcut_core._cli.main import main
from roughcut_core.bench.ops import RATE, TRUE_W
from roughcut_core.bench.ops import _clip  # the bench's OTIO clip at RATE (same recipe)


def _week(rng, week: int, n_lines: int, preset: str):
    """(generated, edited, truth): truth[line] = (outcome, rank, trim)."""
    import opentimelineio as otio

    gen, ed = otio.schema.Timeline(name=f"w{week}"), otio.schema.Timeline(name=f"w{week}-edited")
    gen.metadata["roughcut"] = {"options": {"preset": preset}, "rate": [RATE, 1]}
    gt, et = otio.schema.Track(kind="Video"), otio.schema.Track(kind="Video")
    gen.tracks.append(gt)
    ed.tracks.append(et)
    truth = {}
    for k in range(n_lines):
        lid = f"w{week}-l{k}"
        opts = []
        for rank in range(3):  # 0 = ours, 1..2 = alternates (distinct files)
            terms = {t: round(rng.random(), 4) for t in TRUE_W}
            opts.append((f"/media/w{week}/take{k}_{rank}.mov", 100 + 10 * rank, 160 + 10 * rank, terms))
        meta = {"line_ids": [lid], "src_in": opts[0][1], "src_out": opts[0][2], "terms": opts[0][3],
                "alternates": [{"path": p, "src_in": a, "src_out": b, "terms": t} for p, a, b, t in opts[1:]]}
        gt.append(_clip(otio, opts[0][0], opts[0][1], opts[0][2], meta))
        utility = [sum(TRUE_W[t] * o[3][t] for t in TRUE_W) for o in opts]
        best = max(range(3), key=lambda i: utility[i])
        if k % 10 == 9:
            truth[lid] = ("dropped", None, 0)
            continue
        if best == 0:
            if k % 4 == 0:
                truth[lid] = ("trimmed", None, 12)
                et.append(_clip(otio, opts[0][0], opts[0][1] + 6, opts[0][2] - 6))
            else:
                truth[lid] = ("kept", None, 0)
                et.append(_clip(otio, opts[0][0], opts[0][1], opts[0][2]))
        else:
            truth[lid] = ("swapped", best, 0)
            et.append(_clip(otio, opts[best][0], opts[best][1], opts[best][2]))
    return gen, ed, truth


@pytest.fixture()
def season(tmp_path, monkeypatch, capsys):
    import opentimelineio as otio

    monkeypatch.setenv("ROUGHCUT_PREFERENCES_DIR", str(tmp_path / "prefs"))
    monkeypatch.delenv("ROUGHCUT_OPS_DIR", raising=False)
    rng = random.Random(21)
    truth, fb = {}, None
    for week, preset in enumerate(("performance", "tight")):
        gen, ed, t = _week(rng, week, 50, preset)
        truth.update({k: (*v, preset) for k, v in t.items()})
        g, e = tmp_path / f"w{week}.otio", tmp_path / f"w{week}-ed.otio"
        otio.adapters.write_to_file(gen, str(g))
        otio.adapters.write_to_file(ed, str(e))
        if week == 0:  # the real command once (it also trains a candidate: seconds of torch)
            capsys.readouterr()
            assert main(["feedback", str(g), str(e), "--show", "season", "--json"]) == 0
            fb = json.loads(capsys.readouterr().out)
        else:  # the rest of the season goes straight into the same records
            from roughcut_core.learn import diff_timelines
            from roughcut_core.learn.registry import PairLog
            from roughcut_core.ops.acceptance import AcceptanceStore, decisions_from_timelines

            AcceptanceStore().add(decisions_from_timelines(g, e, show="season"))
            PairLog().add("season", diff_timelines(g, e).pairs)
    return tmp_path, truth, fb


def test_season_acceptance_and_promotion(season, capsys):
    tmp_path, truth, fb = season
    capsys.readouterr()
    assert main(["ops", "acceptance", "--show", "season", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)["shows"]["season"]
    n = len(truth)
    outcomes = [v[0] for v in truth.values()]
    assert got["decisions"] == n
    for o in ("kept", "trimmed", "swapped", "dropped"):
        assert got["counts"][o] == outcomes.count(o), o
    assert got["acceptance"] == pytest.approx((outcomes.count("kept") + outcomes.count("trimmed")) / n, abs=1e-4)
    ranks = [v[1] for v in truth.values() if v[0] == "swapped"]
    assert got["swap_ranks"] == {str(r): ranks.count(r) for r in sorted(set(ranks))}
    assert got["trim_frames_median"] == 12
    tight = [v for v in truth.values() if v[3] == "tight"]
    assert got["by_preset"]["tight"]["decisions"] == len(tight)
    assert sum(w["decisions"] for w in got["over_time"]) == n

    # issue 21b: `roughcut feedback` changes weights only through the registry. The editor's
    # preferences differ from the hand-set weights, so week 0's candidate (v1, no learned version
    # before it) beats the hand-set weights (v0) on the show's held-out pairs and is promoted.
    m = fb["model"]
    assert m["promoted"] is True and m["registered"] == 1 and m["parent"] == 0 and m["forced"] is False
    assert m["heldout_pairs"] >= 4 and m["candidate_accuracy"] > m["current_accuracy"]
    # the promoted weights are what `roughcut cut --show season` ranks with (and what feedback reported)
    prefs = json.loads((tmp_path / "prefs" / "season.json").read_text())
    reg = json.loads((tmp_path / "ops" / "models" / "season" / "v0001.json").read_text())
    assert prefs["weights"]["pace"] == reg["weights"]["pace"] == fb["weights"]["pace"] > 0
    assert reg["parent"] == 0 and reg["training"]["pairs"] > 0 and reg["heldout"]["pairs"] == m["heldout_pairs"]

    # retraining on the whole season registers v2 (parent v1); it is current only if it wins on held-out pairs
    rc = main(["retrain", "--show", "season", "--json"])
    r = json.loads(capsys.readouterr().out)
    assert r["registered"] == 2 and r["parent"] == 1 and r["heldout_pairs"] >= 4
    # the gate is cross-validated by scene and counts lines: an accuracy gain alone does not promote,
    # but a promotion is always a gain, and a refusal says why
    assert rc == (0 if r["promoted"] else 1)
    if r["promoted"]:
        assert r["candidate_accuracy"] > r["current_accuracy"]
    else:
        assert "does not beat" in r["reason"] or "within chance" in r["reason"] or "one scene" in r["reason"]
    current = 2 if r["promoted"] else 1

    # the hand-set weights do not beat the current version on the held-out lines: refused, with numbers
    assert main(["models", "promote", "0", "--show", "season", "--json"]) == 1
    r2 = json.loads(capsys.readouterr().out)
    assert r2["promoted"] is False and r2["current"] == current and "does not beat" in r2["reason"]
    assert r2["candidate_accuracy"] < r2["current_accuracy"]
    assert main(["models", "list", "--show", "season", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["current"] == current and [v["version"] for v in listed["versions"]] == [0, 1, 2]
    # rollback goes back along the promotions, down to the hand-set weights
    for _ in range(current):
        assert main(["models", "rollback", "--show", "season", "--json"]) == 0
        last = json.loads(capsys.readouterr().out)
    assert last["to"] == 0
    prefs = json.loads((tmp_path / "prefs" / "season.json").read_text())
    assert prefs["weights"]["pace"] == 0.0


def test_retrain_without_feedback_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ROUGHCUT_OPS_DIR", str(tmp_path / "ops"))
    assert main(["retrain", "--show", "empty"]) == 1
    assert "no feedback yet" in capsys.readouterr().err


def test_scheduled_retrain_promotes_once_per_new_feedback(tmp_path):
    """The bridge's scheduler (off by default) retrains shows whose feedback grew, once."""
    from bridge_server.retrain import RetrainScheduler, interval_from_settings
    from roughcut_core.learn import FeedbackPair
    from roughcut_core.learn.registry import PairLog, is_heldout

    assert interval_from_settings(tmp_path / "no-config") == 0.0  # off unless settings.json says so
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "settings.json").write_text('{"retrain_interval_s": 3600}')
    assert interval_from_settings(tmp_path / "cfg") == 3600.0
    rng = random.Random(7)
    ids = [f"line{k}" for k in range(200)]
    train_ids = [i for i in ids if not is_heldout(i)][:3]  # < 4 lines: one fit, no cross-validation
    test_ids = [i for i in ids if is_heldout(i)][:3]
    pairs = []
    for lid in train_ids + test_ids:
        for _ in range(6):  # the editor picks the faster reading even when it matches the script less
            fast = {"pace": 0.6 + 0.4 * rng.random(), "match": 0.3 * rng.random()}
            slow = {"pace": 0.3 * rng.random(), "match": 0.4 + 0.3 * rng.random()}
            pairs.append(FeedbackPair(lid, fast, slow))
    PairLog(tmp_path / "ops").add("sched", pairs)
    sched = RetrainScheduler(0, ops_dir=tmp_path / "ops", preferences_dir=tmp_path / "prefs")
    first = sched.run_once()["sched"]
    assert first["promoted"] is True and first["current_accuracy"] < first["candidate_accuracy"] == 1.0
    assert sched.run_once() == {}  # no new feedback: nothing to do
    assert sched.last["sched"]["registered"] == 1
