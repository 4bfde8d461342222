"""Reliability battery, bridge side (issue 22), in-process (FastAPI TestClient, lifespan running):

- a job submitted to an idle runner starts within a second, every time (the model reaper no
  longer shares the workers' condition);
- allowed roots: anything outside them is refused with the same answer whether or not it
  exists, after resolving ``..`` and symlinks, and is never probed;
- models are validated before a job exists; a job without a usable analysis ends ``failed``
  with the reason (not ``done`` with an empty cut);
- no 500 and always ``{"error": ...}`` for deep JSON, garbage, oversize and wrongly typed
  bodies on every route (plus Hypothesis-generated bodies);
- job analyses are stored as versioned JSON (never pickle); unknown versions are refused;
- a stale ``bridge.json`` (dead pid) is removed; ``ROUGHCUT_CACHE_DIR`` is honoured.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bridge_support import wait_for_job
from fastapi.testclient import TestClient

from bridge_server.app import create_app
from bridge_server.config import load_config, read_bridge_file
from bridge_server.security import OUTSIDE_ROOTS

pytestmark = pytest.mark.timeout(120)
TOKEN = "reliability-token"
SCRIPT = "INT. LAB - DAY\n\nJANE\nBin blue at F two now.\n"


class InstantExecutor:
    """Analyses nothing: yields a fixed outcome per asset at once (``result(asset)``)."""

    batch_size = 1

    def __init__(self, result=None):
        self.result = result or (lambda a: RuntimeError(f"{a.path}: test executor analyses nothing"))
        self.calls = 0

    def analyze(self, options, assets):
        for i, a in enumerate(assets):
            self.calls += 1
            yield i, self.result(a), 0.0

    def describe(self):
        return {"kind": "instant"}

    def close(self):
        pass


def _config(tmp_path, **kw):
    kw.setdefault("allowed_roots", (tmp_path / "allowed",))
    (tmp_path / "allowed").mkdir(exist_ok=True)
    return load_config(config_dir=tmp_path / "config", data_dir=tmp_path / "data", token=TOKEN, **kw)


def _client(config, executor=None):
    c = TestClient(create_app(config, executor=executor), base_url="http://127.0.0.1",
                   raise_server_exceptions=False)
    c.headers["Authorization"] = f"Bearer {TOKEN}"
    return c


@pytest.fixture()
def clip(tmp_path) -> str:
    from roughcut_core.synth import write_test_video

    path = tmp_path / "allowed" / "clip.mov"
    path.parent.mkdir(exist_ok=True)
    write_test_video(path, rate=24, seconds=0.25, width=32, height=32)
    return str(path)


def _wait(c, job_id, pred, timeout=20.0):
    return wait_for_job(c, job_id, pred, timeout, poll=0.02)


# -- start latency ---------------------------------------------------------------------------

def test_jobs_on_an_idle_runner_start_within_a_second(tmp_path, clip):
    """Issue 22 #1: with the reaper waiting (model pool present), every submission must wake a
    worker. Before the fix about half the submissions waited for the reaper's 30 s timeout."""
    config = _config(tmp_path)
    latencies = []
    with _client(config, InstantExecutor()) as c:
        for n in range(12):
            time.sleep(0.15 if n % 3 else 0.6)  # idle gaps: the runner is waiting when the job arrives
            job_id = c.post("/v1/jobs", json={"media": [{"path": clip}], "script": {"text": SCRIPT}}).json()["id"]
            job = _wait(c, job_id, lambda j: j["started"] is not None, timeout=5.0)
            latencies.append(job["started"] - job["created"])
            _wait(c, job_id, lambda j: j["state"] in ("done", "failed"))
    assert max(latencies) < 1.0, latencies


# -- allowed roots ---------------------------------------------------------------------------

def _refusal(r) -> str:
    assert r.status_code == 400, r.text
    return r.json()["error"]


def test_paths_outside_the_allowed_roots_are_refused_alike_and_never_probed(tmp_path, clip, monkeypatch):
    import roughcut_core.media as media

    probed = []
    real_probe = media.probe
    monkeypatch.setattr(media, "probe", lambda p: probed.append(str(p)) or real_probe(p))
    allowed = tmp_path / "allowed"
    (allowed / "escape.mov").symlink_to("/etc/passwd")
    outside = tmp_path / "outside.mov"
    outside.write_bytes(b"x" * 100)
    cases = ["/etc/shadow", "/etc/no-such-file", str(allowed / ".." / "outside.mov"),
             str(allowed / "escape.mov"), "/dev/zero", str(outside)]
    with _client(_config(tmp_path), InstantExecutor()) as c:
        messages = []
        for path in cases:
            err = _refusal(c.post("/v1/jobs", json={"media": [{"path": path}], "script": {"text": SCRIPT}}))
            assert err == f"media not usable: {path}: {OUTSIDE_ROOTS}", err
            messages.append(err.replace(path, "<p>"))
            err = _refusal(c.post("/v1/jobs", json={"media": [{"path": clip}], "script": {"path": path}}))
            assert err == f"{path}: {OUTSIDE_ROOTS}", err
        assert len(set(messages)) == 1
        assert probed == []  # nothing outside was ever probed (nor was the clip: the script was refused first)
        (allowed / "sub").mkdir()
        ok = c.post("/v1/jobs", json={"media": [{"path": str(allowed / "sub" / ".." / "clip.mov")}],
                                      "script": {"text": SCRIPT}})
        assert ok.status_code == 201, ok.text
        assert set(probed) == {str(allowed / "sub" / ".." / "clip.mov")}


def test_allowed_roots_come_from_settings_and_allow_and_default_to_home(tmp_path, monkeypatch):
    monkeypatch.delenv("ROUGHCUT_BRIDGE_ALLOW", raising=False)
    cfg = load_config(config_dir=tmp_path / "c", data_dir=tmp_path / "d", token=TOKEN)
    assert cfg.allowed_roots == (Path(os.path.realpath(Path.home())),)
    (tmp_path / "c" / "settings.json").write_text(json.dumps({"allowed_roots": [str(tmp_path / "media")]}))
    cfg = load_config(config_dir=tmp_path / "c", data_dir=tmp_path / "d", token=TOKEN, allow=[str(tmp_path / "x/../y")])
    assert cfg.allowed_roots == (tmp_path.resolve() / "y", tmp_path.resolve() / "media")
    (tmp_path / "c" / "settings.json").write_text(json.dumps({"allowed_roots": "/"}))
    with pytest.raises(ValueError, match="allowed_roots must be a list"):
        load_config(config_dir=tmp_path / "c", data_dir=tmp_path / "d", token=TOKEN)


# -- models and failed analyses ----------------------------------------------------------------

@pytest.mark.parametrize("model,reason", [
    ("/etc", OUTSIDE_ROOTS), ("/etc/passwd", OUTSIDE_ROOTS), ("relative/model", "relative model paths are refused"),
    ("{allowed}", "model.bin"), ("no-such-model", "unknown model name"),
])
def test_bad_models_are_refused_before_a_job_exists(model, reason, tmp_path, clip):
    executor = InstantExecutor()
    with _client(_config(tmp_path), executor) as c:
        model = model.format(allowed=tmp_path / "allowed")
        r = c.post("/v1/jobs", json={"media": [{"path": clip}], "script": {"text": SCRIPT},
                                     "options": {"asr_model": model}})
        assert r.status_code == 400 and reason in r.json()["error"], r.text
        assert c.get("/v1/jobs").json()["jobs"] == [] and executor.calls == 0


def test_a_job_with_no_usable_analysis_fails_with_the_reason(tmp_path, clip):
    from roughcut_core.pipeline import AssetAnalysis

    def unusable(asset):  # what analyze_asset returns when the ASR model cannot load
        return AssetAnalysis(asset=asset, errors=(f"{asset.path}: cannot load ASR model /m: bad model.bin",))

    with _client(_config(tmp_path), InstantExecutor(unusable)) as c:
        job_id = c.post("/v1/jobs", json={"media": [{"path": clip}], "script": {"text": SCRIPT}}).json()["id"]
        job = _wait(c, job_id, lambda j: j["state"] in ("done", "failed"))
    assert job["state"] == "failed", job
    assert "cannot load ASR model" in job["error"] and job["assets"][0]["state"] == "failed"


def test_a_byte_identical_copy_is_not_a_second_take(tmp_path, clip):
    copy = Path(clip).with_name("copy.mov")
    copy.write_bytes(Path(clip).read_bytes())
    executor = InstantExecutor()
    with _client(_config(tmp_path), executor) as c:
        job_id = c.post("/v1/jobs", json={"media": [{"path": clip}, {"path": str(copy)}],
                                          "script": {"text": SCRIPT}}).json()["id"]
        job = _wait(c, job_id, lambda j: j["state"] in ("done", "failed"))
    assert executor.calls == 1
    assert job["assets"][1]["state"] == "failed" and "byte-identical copy of" in job["assets"][1]["error"]


# -- bodies: no 500, always {"error"} -----------------------------------------------------------

def _routes(app) -> list[tuple[str, str]]:
    """Every (method, path) the app serves: the OpenAPI document plus the document itself,
    path parameters filled in; endless event streams (no path parameter to end them) left out."""
    import re

    out = [("GET", "/v1/openapi.json")]
    for path, ops in app.openapi()["paths"].items():
        if path.endswith("/events") and "{" not in path:
            continue
        filled = re.sub(r"\{(\w+)\}", lambda m: "0123456789abcdef" if m.group(1) == "job_id" else "x1", path)
        for method in ops:
            out.append((method.upper(), filled))
    return out


BODIES = {
    "deep_array": b"[" * 100_000 + b"]" * 100_000,
    "deep_object_900": b'{"timeline":' + b'{"a":' * 900 + b"1" + b"}" * 900 + b"}",
    "deep_object_5000": b'{"otio":"x","timeline":' + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"}",
    "deep_otio_text": json.dumps({"otio": "[" * 50_000 + "]" * 50_000}).encode(),
    "deep_hints": b'{"media":[{"path":"/x","hints":' + b'{"a":' * 800 + b"1" + b"}" * 800 + b"}]}",
    "garbage": bytes(range(256)) * 8,
    "not_utf8": b'{"media": "\xff\xfe\xfd"}',
    "json_list": b"[1, 2, 3]",
    "json_string": b'"hello"',
    "nan": b'{"media":[{"path":"/x","rate":NaN}]}',
    "huge_number": b'{"media":[{"path":"/x","start_frame":' + b"9" * 5000 + b"}]}",
    "nul_path": json.dumps({"media": [{"path": "/tmp/a\u0000b.mov"}]}).encode(),
    "oversize": b'{"note":"' + b"x" * (3 * 1024 * 1024) + b'"}',
    "empty": b"",
}


def test_no_body_on_any_route_gives_a_server_error(tmp_path):
    config = _config(tmp_path, max_feedback_bytes=2 * 1024 * 1024)
    with _client(config, InstantExecutor()) as c:
        routes = _routes(c.app)
        assert len(routes) >= 13
        for method, path in routes:
            for name, body in BODIES.items():
                if method == "GET" and len(body) > 64 * 1024:  # big bodies only where a body is read
                    continue
                both = method == "POST" and name != "oversize"
                for ctype in (("application/json", "text/plain") if both else ("application/json",)):
                    r = c.request(method, path, content=body, headers={"Content-Type": ctype})
                    assert r.status_code < 500, (method, path, name, r.status_code, r.text[:300])
                    if r.status_code >= 400:
                        assert isinstance(r.json().get("error"), str), (method, path, name, r.text[:300])
        r = c.get("/v1/no-such-route")
        assert r.status_code == 404 and r.json()["error"] == "Not Found"


def test_hypothesis_bodies_never_give_a_server_error(tmp_path):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
            st.sampled_from(["media", "path", "script", "text", "options", "otio", "timeline", "job_id",
                             "asr_model", "hints", "rate", "name", "x"]), inner, max_size=4),
        max_leaves=30)
    bodies = json_values.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=512)
    with _client(_config(tmp_path), InstantExecutor()) as c:
        posts = [p for m, p in _routes(c.app) if m == "POST"]

        @given(body=bodies, which=st.integers(0, len(posts) - 1))
        @settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def fuzz(body, which):
            r = c.post(posts[which], content=body, headers={"Content-Type": "application/json"})
            assert r.status_code < 500, (posts[which], body[:200], r.text[:300])
            if r.status_code >= 400:
                assert "error" in r.json()

        fuzz()


# -- job store format, stale bridge.json, cache dir --------------------------------------------------

def test_job_analyses_are_versioned_json_never_pickle(tmp_path, clip):
    from bridge_server.jobwork import ANALYSIS_SCHEMA, JobWork, analysis_from_json, analysis_to_json
    from roughcut_core.media import probe
    from roughcut_core.model import AnalyzerInfo, Transcript, Word
    from roughcut_core.pipeline import AssetAnalysis

    asset = probe(clip)
    words = (Word("bin", 0.1, 0.3, 0.9), Word("blue", 0.35, 0.6, 0.8))
    analysis = AssetAnalysis(asset=asset, transcript=Transcript(clip, "en", words, 0.25, AnalyzerInfo("asr", "1", {"m": 1})),
                             errors=("note",))
    doc = analysis_to_json(analysis)
    assert doc["schema"] == ANALYSIS_SCHEMA
    key, back = analysis_from_json(json.loads(json.dumps(doc)), asset)
    assert key == asset.content_key and back == analysis

    work = JobWork("j", tmp_path / "job", {"media": [{"path": clip}], "script": None})
    work.durations[0] = 0.25

    class Store:
        def update_asset(self, *a, **k):
            pass

    work.record_analysis(Store(), 0, analysis, 0.1)
    stored = work.analysis_path(0)
    assert stored.suffix == ".json" and json.loads(stored.read_text())["schema"] == ANALYSIS_SCHEMA
    assert not list((tmp_path / "job").rglob("*.pkl"))
    assert work._load_analysis(0, asset) == analysis
    doc["schema"] = "roughcut.job-analysis/99"  # a newer bridge's file: refused, analysed again
    stored.write_text(json.dumps(doc))
    assert work._load_analysis(0, asset) is None
    stored.unlink()
    os.mkfifo(stored)  # planted FIFO: refused without blocking
    assert work._load_analysis(0, asset) is None


def test_stale_bridge_file_is_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = tmp_path / "bridge.json"
    path.write_text(json.dumps({"url": "http://127.0.0.1:9", "token": "t", "pid": dead.pid}))
    assert read_bridge_file(tmp_path) is None and not path.exists()
    path.write_text(json.dumps({"url": "http://127.0.0.1:9", "token": "t", "pid": os.getpid()}))
    assert read_bridge_file(tmp_path)["pid"] == os.getpid()


def test_bridge_honours_roughcut_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUGHCUT_CACHE_DIR", str(tmp_path / "shared-cache"))
    cfg = load_config(config_dir=tmp_path / "c", data_dir=tmp_path / "d", token=TOKEN, allowed_roots=(tmp_path,))
    assert cfg.analysis_cache_dir == tmp_path / "shared-cache"
    cfg = load_config(config_dir=tmp_path / "c", data_dir=tmp_path / "d", token=TOKEN, allowed_roots=(tmp_path,),
                      cache_dir=tmp_path / "explicit")
    assert cfg.analysis_cache_dir == tmp_path / "explicit"
