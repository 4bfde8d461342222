"""Issue 21: the bridge's /metrics (token, Prometheus text from prometheus_client), /v1/status and
/app/status with real jobs run through the real runner; drift scores on shifted inputs."""
from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest
from bridge_support import wait_for_job
from fastapi.testclient import TestClient

from bridge_server.app import create_app
from bridge_server.config import load_config

SCRIPT = "INT. LAB - DAY\n\nJANE\nBin blue at F two now.\n"


class FailingExecutor:
    """Each analysis fails after a short wait (the job then fails in 'analyse'): no models."""

    batch_size = 1

    def __init__(self):
        self.gate = threading.Event()

    def analyze(self, options, assets):
        for i, a in enumerate(assets):
            self.gate.wait(20)
            yield i, RuntimeError(f"{a.path}: refused by the test executor"), 0.01

    def describe(self):
        return {"kind": "failing"}

    def close(self):
        pass


def _samples(text: str) -> dict:
    from prometheus_client.parser import text_string_to_metric_families

    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def _wait(c, job_id, states, timeout=30):
    return wait_for_job(c, job_id, lambda job: job["state"] in states, timeout)


def test_metrics_route_auth_and_content(tmp_path, monkeypatch):
    from roughcut_core.ops.acceptance import AcceptanceStore, Decision
    from roughcut_core.ops.drift import DriftStore
    from roughcut_core.synth import write_test_video

    monkeypatch.setenv("ROUGHCUT_OPS_DIR", str(tmp_path / "ops"))
    AcceptanceStore().add([Decision("l1", "kept", show="pilot", time=1.8e9),
                           Decision("l2", "swapped", rank=1, show="pilot", time=1.8e9),
                           Decision("l3", "kept", show="pilot", time=1.8e9),
                           Decision("l4", "dropped", show="pilot", time=1.8e9)])
    rng = random.Random(1)
    drift = DriftStore()
    drift.set_reference("pilot", {"snr_db": [rng.gauss(25, 4) for _ in range(300)]})
    drift.check("pilot", {"snr_db": [rng.gauss(8, 4) for _ in range(100)]})
    clip = tmp_path / "a.mov"
    write_test_video(clip, rate=24, seconds=0.5, width=32, height=32)
    config = load_config(config_dir=tmp_path / "config", data_dir=tmp_path / "data", token="t0ken-for-tests",
                         cache_dir=tmp_path / "cache", allowed_roots=(tmp_path,))
    ex = FailingExecutor()
    with TestClient(create_app(config, executor=ex), base_url="http://127.0.0.1") as c:
        assert c.get("/metrics").status_code == 401
        assert c.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/v1/status").status_code == 401
        assert c.get("/app/status").status_code == 401
        c.headers["Authorization"] = f"Bearer {config.token}"
        job = c.post("/v1/jobs", json={"media": [{"path": str(clip)}], "script": {"text": SCRIPT}}).json()["id"]
        queued = c.post("/v1/jobs", json={"media": [{"path": str(clip)}], "script": {"text": SCRIPT}}).json()["id"]
        _wait(c, job, ("running",))
        s = _samples(c.get("/metrics").text)
        assert s[("roughcut_jobs", (("state", "running"),))] == 1
        assert s[("roughcut_queue_length", ())] >= 1  # the second job waits for the single worker
        assert c.post(f"/v1/jobs/{queued}/cancel").json()["state"] == "cancelled"
        ex.gate.set()
        _wait(c, job, ("failed",))
        cache = c.app.state.runner.cache  # the bridge's own cache instance is observed
        cache.put("k" * 64, "probe-test", "1", None, {"x": 1})
        before = _samples(c.get("/metrics").text)
        assert cache.get("k" * 64, "probe-test", "1", None) == {"x": 1}
        assert cache.get("z" * 64, "probe-test", "1", None) is None
        r = c.get("/metrics")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        s = _samples(r.text)
    hit = ("roughcut_cache_requests_total", (("result", "hit"),))
    miss = ("roughcut_cache_requests_total", (("result", "miss"),))
    assert s[hit] == before.get(hit, 0) + 1 and s[miss] == before.get(miss, 0) + 1
    assert s[("roughcut_cache_hit_ratio", ())] == pytest.approx(s[hit] / (s[hit] + s[miss]))
    assert s[("roughcut_jobs", (("state", "failed"),))] == 1
    assert s[("roughcut_jobs", (("state", "cancelled"),))] == 1
    # every analysis failed, so the job fails when it comes to assemble ("no clip could be analysed")
    assert s[("roughcut_errors_total", (("kind", "assemble"),))] == 1
    assert s[("roughcut_stage_seconds_count", (("stage", "probe"),))] == 1
    assert s[("roughcut_stage_seconds_count", (("stage", "analyse"),))] == 1
    assert ("roughcut_stage_seconds_count", (("stage", "assemble"),)) not in s  # failed there: never finished
    assert s[("roughcut_stage_realtime_factor", (("stage", "probe"),))] > 0  # per second of the 0.5 s clip
    assert s[("roughcut_process_resident_bytes", ())] > 10_000_000
    assert s[("roughcut_acceptance_ratio", (("outcome", "kept"), ("show", "pilot")))] == 0.5
    assert s[("roughcut_drift_score", (("show", "pilot"),))] > 0.25


def test_status_json_and_page(tmp_path, monkeypatch):
    from roughcut_core.ops.acceptance import AcceptanceStore, Decision
    from roughcut_core.ops.drift import DriftStore

    monkeypatch.setenv("ROUGHCUT_OPS_DIR", str(tmp_path / "ops"))
    AcceptanceStore().add([Decision("l1", "kept", show="pilot", preset="tight", time=1.8e9),
                           Decision("l2", "trimmed", trim_frames=8, show="pilot", preset="tight", time=1.8e9)])
    rng = random.Random(2)
    DriftStore().set_reference("pilot", {"video_codec": ["h264"] * 200})
    DriftStore().check("pilot", {"video_codec": ["prores"] * 60})
    config = load_config(config_dir=tmp_path / "config", data_dir=tmp_path / "data", token="t0ken-for-tests",
                         cache_dir=tmp_path / "cache", allowed_roots=(tmp_path,))
    with TestClient(create_app(config, executor=FailingExecutor()), base_url="http://127.0.0.1") as c:
        c.headers["Authorization"] = f"Bearer {config.token}"
        st = c.get("/v1/status").json()
        page = c.get("/app/status")
    assert st["acceptance"]["pilot"]["acceptance"] == 1.0 and st["models"]["pilot"]["current"] == 0
    assert any("video_codec" in w for w in st["warnings"])
    assert "roughcut_process_resident_bytes" in st["metrics"]
    assert st["retrain"] == {"interval_s": 0.0, "last": {}}  # scheduled retraining is off by default
    assert page.status_code == 200 and "pilot" in page.text and "video_codec" in page.text
    assert "100.0%" in page.text


# -- drift -----------------------------------------------------------------------------------

def _profile(rng, *, conf=0.85, snr=25.0, rate=2.8, codec="h264", sizes=("MCU", "CU", "WS"), n=400):
    return {"asr_word_confidence": [min(1.0, max(0.0, rng.gauss(conf, 0.06))) for _ in range(n)],
            "snr_db": [rng.gauss(snr, 4) for _ in range(n)],
            "speech_rate_wps": [rng.gauss(rate, 0.4) for _ in range(n)],
            "video_codec": [codec] * (n // 4),
            "shot_size": [rng.choice(sizes) for _ in range(n // 4)]}


def test_drift_quiet_on_like_material_and_loud_on_shifted(tmp_path):
    from roughcut_core.ops.drift import PSI_WARN, DriftStore, drift_report

    rng = random.Random(21)
    ref = _profile(rng)
    same = drift_report(ref, _profile(rng))
    assert same["warnings"] == [] and same["max_score"] < PSI_WARN
    shifted = drift_report(ref, _profile(rng, conf=0.6, snr=9.0, codec="prores_ks", sizes=("ECU",)))
    drifting = {k for k, v in shifted["features"].items() if v["drift"]}
    assert drifting == {"asr_word_confidence", "snr_db", "video_codec", "shot_size"}
    assert shifted["features"]["snr_db"]["ks"] > 0.8 and shifted["features"]["snr_db"]["ks_p"] < 1e-6
    assert not shifted["features"]["speech_rate_wps"]["drift"]  # unchanged feature stays quiet
    assert any("snr_db" in w for w in shifted["warnings"])

    store = DriftStore(tmp_path)
    assert store.check("show1", ref)["reference_created"] is True
    assert store.check("show1", _profile(rng), extend_reference=True)["warnings"] == []
    assert store.load("show1")["last"]["max_score"] < PSI_WARN
    loud = store.check("show1", _profile(rng, snr=5.0))
    assert loud["warnings"] and store.last_reports()["show1"]["max_score"] > PSI_WARN


def test_profile_and_model_versions_of_a_cut_result(tmp_path):
    """profile_from_result reads a real CutResult's dataclasses; the cut records the model versions."""
    from roughcut_core.model import Cut, LineReading, MediaAsset, Transcript, Word
    from roughcut_core.ops.drift import profile_from_result
    from roughcut_core.ops.provenance import model_versions, with_model_versions
    from roughcut_core.pipeline import AssetAnalysis, CutResult
    from roughcut_core.timebase import Rate

    asset = MediaAsset(path="/m/a.mov", content_key="k", size=1, duration=2.0, rate=Rate(24, 1), video_codec="h264")
    tr = Transcript(path="/m/a.mov", language="en", words=(Word("a", 0, 0.2, 0.9), Word("b", 0.2, 0.5, 0.7)))
    reading = LineReading(path="/m/a.mov", line_id="1", start=0.0, end=0.5, score=0.8, word_span=(0, 2),
                          signals={"snr_db": 21.0})
    result = CutResult(cut=Cut(name="c", rate=Rate(24, 1), decisions=()), script=None, readings=(reading,),
                       takes={}, analyses=(AssetAnalysis(asset, tr),))
    prof = profile_from_result(result)
    assert prof["asr_word_confidence"] == [0.9, 0.7] and prof["snr_db"] == [21.0]
    assert prof["speech_rate_wps"] == [4.0] and prof["video_codec"] == ["h264"] and prof["alignment_score"] == [0.8]
    v = model_versions("pilot", "tiny.en", preferences_dir=tmp_path / "prefs", ops_dir=tmp_path / "ops")
    assert v == {"asr": "tiny.en", "ranker": {"show": "pilot", "registry_version": 0, "preferences_version": 0}}
    from roughcut_core.edit.otio_out import cut_to_otio

    tl = cut_to_otio(with_model_versions(result, v).cut)
    assert tl.metadata["roughcut"]["options"]["models"]["ranker"]["show"] == "pilot"


def test_a_real_cut_records_its_model_versions(demo_scene_cut):
    """`roughcut cut` (session fixture shared with test_cli_cut) writes the versions into the OTIO."""
    import opentimelineio as otio

    out, _ = demo_scene_cut
    tl = otio.adapters.read_from_file(str(out / "cut.otio"))
    assert tl.metadata["roughcut"]["options"]["models"] == {"asr": "tiny.en", "ranker": "hand-set"}
