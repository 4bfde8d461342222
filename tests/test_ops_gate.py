"""Issue 21b: every learned weight change goes through the registry's held-out promotion, and
a host's read-back (``POST /v1/feedback``) becomes acceptance records and preference pairs.

The timelines are real OTIO files from the simulated week of tests/test_ops_learning.py (our
metadata: chosen reading + ranked alternates; the editor swaps to the option a known utility
prefers)."""
from __future__ import annotations

import json
import random

import pytest

import test_ops_learning as season_sim
from roughcut_core._cli.main import main
from roughcut_core.edit.ranking import HAND_WEIGHTS

pytest.importorskip("torch")


def _files(tmp_path, week=0, n_lines=50, seed=3):
    import opentimelineio as otio

    gen, ed, truth = season_sim._week(random.Random(seed), week, n_lines, "performance")
    g, e = tmp_path / f"g{week}.otio", tmp_path / f"e{week}.otio"
    otio.adapters.write_to_file(gen, str(g))
    otio.adapters.write_to_file(ed, str(e))
    return g, e, truth


def test_feedback_without_a_heldout_win_leaves_the_weights_and_force_is_recorded(tmp_path, monkeypatch, capsys):
    # The editor already agrees with the hand-set weights (match and expressive count, pace does
    # not): no candidate can beat them on held-out pairs, so `roughcut feedback` must refuse it.
    monkeypatch.setattr(season_sim, "TRUE_W", {"match": 1.0, "expressive": 1.0, "pace": 0.0})
    assert HAND_WEIGHTS["match"] == HAND_WEIGHTS["expressive"] == 1.0 and HAND_WEIGHTS["pace"] == 0.0
    g, e, truth = _files(tmp_path)
    assert any(v[0] == "swapped" for v in truth.values())  # there are swaps to learn from
    prefs_dir, ops = tmp_path / "prefs", tmp_path / "ops"
    args = ["feedback", str(g), str(e), "--show", "gate", "--preferences-dir", str(prefs_dir), "--json"]
    assert main(args) == 0
    r = json.loads(capsys.readouterr().out)
    m = r["model"]
    assert m["registered"] == 1 and m["promoted"] is False and m["heldout_pairs"] >= 4
    assert m["current_accuracy"] == 1.0 and "does not beat" in m["reason"]
    assert r["weights"] == HAND_WEIGHTS and r["version"] == 0  # nothing changed the show's weights
    assert not (prefs_dir / "gate.json").exists()
    assert main(["models", "list", "--show", "gate", "--ops-dir", str(ops), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["current"] == 0  # v1 registered, v0 (hand-set) still current
    # the pairs and the acceptance records were still kept
    assert (ops / "pairs" / "gate.jsonl").read_text().count("\n") == r["pairs"] > 0
    assert (ops / "acceptance" / "gate.jsonl").read_text().count("\n") == len(truth)

    # an explicit operator override promotes whatever the numbers, and says so in the history
    assert main([*args, "--force"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["model"]["promoted"] is True and r["model"]["forced"] is True and r["model"]["registered"] == 2
    index = json.loads((ops / "models" / "gate" / "index.json").read_text())
    assert index["current"] == 2 and index["history"][-1]["action"] == "force-promote"
    assert "candidate_accuracy" in index["history"][-1]
    saved = json.loads((prefs_dir / "gate.json").read_text())
    assert saved["weights"] == r["weights"] and saved["version"] == r["version"] == 1
    # a reset returns to the hand-set weights and the registry says so (v0 current, recorded)
    assert main(["feedback", "--reset", "--show", "gate", "--preferences-dir", str(prefs_dir), "--json"]) == 0
    capsys.readouterr()
    index = json.loads((ops / "models" / "gate" / "index.json").read_text())
    assert index["current"] == 0 and index["history"][-1]["action"] == "reset"


def test_web_swap_goes_through_the_registry(tmp_path, monkeypatch):
    """One swap in the web app: the pair is logged; one line cannot be held out and trained
    on at once, so the show's weights are untouched."""
    import threading

    from bridge_server.web.state import WebState
    from roughcut_core.learn import FeedbackPair

    monkeypatch.setenv("ROUGHCUT_PREFERENCES_DIR", str(tmp_path / "prefs"))
    monkeypatch.delenv("ROUGHCUT_OPS_DIR", raising=False)

    class _Cfg:
        data_dir = tmp_path / "data"

    web = WebState(_Cfg())  # only the feedback half of the state is exercised
    web.record({"action": "swap", "line": "1-1"}, pair=FeedbackPair("1-1", {"pace": 1.0}, {"pace": 0.0}))
    for t in [t for t in threading.enumerate() if t.name == "roughcut-web-learn"]:
        t.join(timeout=60)
    ev = web.feedback_events()[0]
    assert ev["pair"] is True and ev["model"]["promoted"] is False, ev
    assert (tmp_path / "ops" / "pairs" / "default.jsonl").read_text().count("\n") == 1
    assert not (tmp_path / "prefs" / "default.json").exists()


def test_host_readback_becomes_acceptance_records(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from bridge_server.app import create_app
    from bridge_server.config import load_config

    class _NoAnalysis:  # the job is only a record to attach feedback to; nothing is analysed
        batch_size = 1

        def analyze(self, options, assets):
            for i, a in enumerate(assets):
                yield i, RuntimeError("test executor analyses nothing"), 0.0

        def describe(self):
            return {"kind": "test"}

        def close(self):
            pass

    monkeypatch.setenv("ROUGHCUT_OPS_DIR", str(tmp_path / "ops"))
    g, e, truth = _files(tmp_path, week=1, n_lines=20, seed=5)
    config = load_config(config_dir=tmp_path / "config", data_dir=tmp_path / "data", token="t0ken-for-tests",
                         cache_dir=tmp_path / "cache", allowed_roots=(tmp_path,))
    with TestClient(create_app(config, executor=_NoAnalysis()), base_url="http://127.0.0.1") as c:
        c.headers["Authorization"] = f"Bearer {config.token}"
        store = c.app.state.store
        job_id = store.create_job({"options": {"show": "hostshow"}}, [str(g)])
        (config.jobs_dir / job_id).mkdir(parents=True, exist_ok=True)
        (config.jobs_dir / job_id / "roughcut.otio").write_bytes(g.read_bytes())
        fb = c.post("/v1/feedback", json={"job_id": job_id, "otio": e.read_text(), "host": "premiere"})
        assert fb.status_code == 200 and fb.json()["stored"] is True
        assert f"{len(truth)} decisions recorded for show 'hostshow'" in fb.json()["learning"]
        # Premiere's panel reads the sequence back as JSON (ticks from the media's first frame)
        import opentimelineio as otio

        tps = 254016000000
        clips = [{"kind": "video", "track": 1, "name": c.name, "path": c.media_reference.target_url,
                  "in_ticks": str(c.source_range.start_time.to_frames() * tps // 24),
                  "out_ticks": str(c.source_range.end_time_exclusive().to_frames() * tps // 24), "disabled": False}
                 for c in otio.adapters.read_from_file(str(e)).find_clips()]
        job2 = store.create_job({"options": {"show": "premiereshow"}}, [str(g)])
        (config.jobs_dir / job2).mkdir(parents=True, exist_ok=True)
        (config.jobs_dir / job2 / "roughcut.otio").write_bytes(g.read_bytes())
        fb2 = c.post("/v1/feedback", json={"job_id": job2, "host": "premiere",
                                           "timeline": {"ok": True, "name": "seq", "clips": clips}})
        assert fb2.status_code == 200 and f"{len(truth)} decisions recorded" in fb2.json()["learning"], fb2.json()
        # without a job there is nothing to compare with: stored, and it says so
        other = c.post("/v1/feedback", json={"otio": e.read_text()}).json()
        assert other["stored"] is True and "job_id and otio or timeline" in other["learning"]
    rows = [json.loads(x) for x in (tmp_path / "ops" / "acceptance" / "hostshow.jsonl").read_text().splitlines()]
    assert len(rows) == len(truth) and {r["source"] for r in rows} == {"premiere"}
    got = {r["line_id"]: r["outcome"] for r in rows}
    assert got == {k: v[0] for k, v in truth.items()}
    assert (tmp_path / "ops" / "pairs" / "hostshow.jsonl").is_file()
    rows = [json.loads(x) for x in (tmp_path / "ops" / "acceptance" / "premiereshow.jsonl").read_text().splitlines()]
    assert {r["line_id"]: r["outcome"] for r in rows} == {k: v[0] for k, v in truth.items()}
