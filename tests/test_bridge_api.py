"""In-process bridge API tests (FastAPI TestClient, lifespan running): auth, CORS, limits,
validation errors, fair scheduling and cancel with a controllable executor, the model pool,
and one real job (real PyAV probe, real tiny.en ASR) on a 3 s talking-head clip."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from bridge_support import wait_for_job
from fastapi.testclient import TestClient

from bridge_server import security
from bridge_server.app import create_app
from bridge_server.config import load_config
from bridge_server.routes_jobs import review_key

SHARED_MEDIA = Path(__import__("os").environ.get("ROUGHCUT_SHARED_MEDIA",
                                                Path(__file__).resolve().parents[2] / "shared" / "media"))
GRID_SCRIPT = "INT. LAB - DAY\n\nJANE\nBin blue at F two now.\n"


@pytest.fixture(scope="module")
def analysis_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bridge-analysis-cache")


def make_config(tmp_path: Path, cache: Path | None = None, **kw):
    kw.setdefault("allowed_roots", (tmp_path, SHARED_MEDIA))  # the bridge reads only under these
    return load_config(config_dir=tmp_path / "config", data_dir=tmp_path / "data", token="t0ken-for-tests",
                       cache_dir=cache, **kw)


@pytest.fixture()
def client(tmp_path, analysis_cache, monkeypatch):
    monkeypatch.setenv("ROUGHCUT_OPS_DIR", str(tmp_path / "ops"))  # host read-back acceptance records
    config = make_config(tmp_path, analysis_cache)
    with TestClient(create_app(config), base_url="http://127.0.0.1") as c:
        c.headers["Authorization"] = f"Bearer {config.token}"
        c.config = config
        yield c


def anon(c: TestClient, method: str, url: str, **kw):
    saved = c.headers.pop("Authorization", None)
    try:
        return c.request(method, url, **kw)
    finally:
        if saved is not None:
            c.headers["Authorization"] = saved


@pytest.fixture()
def media_file(tmp_path) -> str:
    """A real (tiny, generated) video file with sound that probes cleanly."""
    from roughcut_core.synth import write_test_video

    path = tmp_path / "tiny.mov"
    write_test_video(path, rate=24, seconds=0.5, width=64, height=48)
    return str(path)


@pytest.fixture()
def script_file(tmp_path) -> str:
    path = tmp_path / "scene.fountain"
    path.write_text(GRID_SCRIPT, encoding="utf-8")
    return str(path)


# -- liveness, auth ---------------------------------------------------------------------------

def test_ping_and_health_reveal_nothing_without_token(client):
    assert anon(client, "GET", "/v1/ping").json() == {"status": "ok"}
    r = anon(client, "GET", "/v1/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    full = client.get("/v1/health").json()
    assert full["status"] == "ok" and full["version"] and full["api"] == "1"
    assert "present" in full["gpu"] and "tiny.en" in full["models"]["available"]
    assert full["executor"] == {"kind": "local"}


@pytest.mark.parametrize("method,url", [
    ("GET", "/v1/jobs"), ("POST", "/v1/jobs"), ("GET", "/v1/jobs/abc"), ("GET", "/v1/jobs/abc/plan"),
    ("GET", "/v1/jobs/abc/events"), ("POST", "/v1/jobs/abc/cancel"), ("POST", "/v1/feedback"),
    ("GET", "/v1/capabilities"), ("GET", "/v1/version"), ("GET", "/v1/openapi.json"),
    ("GET", "/v1/jobs/abc/review"),
])
def test_every_route_needs_the_token(client, method, url):
    r = anon(client, method, url)
    assert r.status_code == 401, r.text
    assert "Authorization" in r.json()["error"] or "token" in r.json()["error"]
    bad = anon(client, method, url, headers={"Authorization": "Bearer wrong"})
    assert bad.status_code == 401 and "invalid token" in bad.json()["error"]


def test_token_check_is_exact_and_uses_constant_time_compare(monkeypatch):
    calls = []
    real = security.hmac.compare_digest
    monkeypatch.setattr(security.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert security.token_ok("Bearer abc123", "abc123")
    assert security.token_ok("bearer abc123", "abc123")
    assert calls, "the token must be compared with hmac.compare_digest"
    for header in ("Bearer abc12", "Bearer abc1234", "Basic abc123", "abc123", "", None, "Bearer "):
        assert not security.token_ok(header, "abc123"), header


def test_openapi_document_published_with_token(client):
    doc = client.get("/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in ("/v1/jobs", "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/plan", "/v1/feedback", "/v1/health"):
        assert path in doc["paths"]
    assert "HTTPBearer" in doc["components"]["securitySchemes"]


# -- CORS and Host ----------------------------------------------------------------------------

@pytest.mark.parametrize("origin", ["null", "file://"])
def test_cors_allows_only_panel_origins(client, origin):
    pre = anon(client, "OPTIONS", "/v1/jobs", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == origin
    assert client.get("/v1/jobs", headers={"Origin": origin}).headers["access-control-allow-origin"] == origin


def test_cors_refuses_web_origins(client):
    pre = anon(client, "OPTIONS", "/v1/jobs", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 400 and "access-control-allow-origin" not in pre.headers
    r = client.get("/v1/jobs", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_foreign_host_header_refused(client):
    assert client.get("/v1/ping", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/v1/ping", headers={"Host": "localhost:1234"}).status_code == 200


def test_non_loopback_bind_needs_allow_remote(tmp_path):
    with pytest.raises(ValueError, match="allow-remote"):
        make_config(tmp_path, host="0.0.0.0")
    assert make_config(tmp_path, host="0.0.0.0", allow_remote=True).allow_remote


def test_token_file_is_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("ROUGHCUT_BRIDGE_TOKEN", raising=False)
    a = load_config(config_dir=tmp_path / "c", data_dir=tmp_path / "d")
    b = load_config(config_dir=tmp_path / "c", data_dir=tmp_path / "d")
    assert a.token == b.token and len(a.token) >= 32
    assert (tmp_path / "c" / "token").stat().st_mode & 0o777 == 0o600


# -- validation and limits --------------------------------------------------------------------

def test_malformed_json_is_400_json(client):
    r = client.post("/v1/jobs", content=b'{"media": [', headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"].startswith("malformed JSON body")


def test_schema_errors_name_the_field(client, script_file):
    r = client.post("/v1/jobs", json={"media": [{}], "script": {"path": script_file}})
    assert r.status_code == 422 and "body.media.0.path" in r.json()["error"]
    r = client.post("/v1/jobs", json={"media": [{"path": "/x"}], "script": {"path": script_file},
                                      "options": {"preset": "fastest"}})
    assert r.status_code == 422 and "body.options.preset" in r.json()["error"]
    r = client.post("/v1/jobs", json={"media": [{"path": "/x", "colour": 1}], "script": {"path": script_file}})
    assert r.status_code == 422 and "body.media.0.colour" in r.json()["error"]
    r = client.post("/v1/jobs", json={"media": [{"path": "/x"}], "script": {}})
    assert r.status_code == 422 and "script.path or script.text" in r.json()["error"]


def test_oversized_body_is_413(client):
    big = b'{"media": [{"path": "' + b"a" * (3 * 1024 * 1024) + b'"}]}'
    r = client.post("/v1/jobs", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["error"]

    def chunks():  # no Content-Length: the limit holds while streaming
        for _ in range(40):
            yield b"x" * 100_000

    r = client.post("/v1/jobs", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["error"]


def test_non_media_paths_are_400_naming_the_file(client, tmp_path, script_file, media_file):
    junk = tmp_path / "notes.mov"
    junk.write_bytes(b"this is not a movie" * 100)
    missing = str(tmp_path / "gone.mov")
    r = client.post("/v1/jobs", json={"media": [{"path": media_file}, {"path": str(junk)}, {"path": missing},
                                                {"path": "relative.mov"}, {"path": str(tmp_path)}],
                                      "script": {"path": script_file}})
    assert r.status_code == 400, r.text
    err = r.json()
    assert str(junk) in err["error"] and missing in err["error"] and "file not found" in err["error"]
    by_index = {m["index"]: m for m in err["detail"]["media"]}
    assert set(by_index) == {1, 2, 3, 4}
    assert "absolute" in by_index[3]["reason"] and "is a folder" in by_index[4]["reason"]
    assert "this is not a movie" not in r.text  # never returns file contents


def test_script_limits_and_errors(client, tmp_path, media_file):
    huge = tmp_path / "huge.fountain"
    with open(huge, "wb") as fh:
        fh.truncate(5 * 1024 * 1024)
    r = client.post("/v1/jobs", json={"media": [{"path": media_file}], "script": {"path": str(huge)}})
    assert r.status_code == 413 and str(huge) in r.json()["error"] and "script too large" in r.json()["error"]
    binary = tmp_path / "scene.pdf"
    binary.write_bytes(b"\x00\x01garbage" * 50)
    r = client.post("/v1/jobs", json={"media": [{"path": media_file}], "script": {"path": str(binary)}})
    assert r.status_code == 400 and str(binary) in r.json()["error"]
    r = client.post("/v1/jobs", json={"media": [{"path": media_file}], "script": {"path": str(tmp_path / "no.fountain")}})
    assert r.status_code == 400 and "file not found" in r.json()["error"]


def test_too_many_media_items_is_413(tmp_path, media_file, script_file):
    config = make_config(tmp_path, max_media_per_job=2)
    with TestClient(create_app(config), base_url="http://127.0.0.1") as c:
        r = c.post("/v1/jobs", headers={"Authorization": f"Bearer {config.token}"},
                   json={"media": [{"path": media_file}] * 3, "script": {"path": script_file}})
    assert r.status_code == 413 and "too many media items" in r.json()["error"]


def test_unknown_job_is_404(client):
    r = client.get("/v1/jobs/doesnotexist")
    assert r.status_code == 404 and "doesnotexist" in r.json()["error"]


# -- scheduling, cancel (executor we can hold) ------------------------------------------------

class GateExecutor:
    """Records which asset is analysed when; each analysis waits for the gate, then fails."""

    batch_size = 1

    def __init__(self):
        self.order: list[str] = []
        self.gate = threading.Event()

    def analyze(self, options, assets):
        for i, a in enumerate(assets):
            self.order.append(Path(a.path).name)
            self.gate.wait(30)
            yield i, RuntimeError(f"{a.path}: analysis refused by the test executor"), 0.01

    def describe(self):
        return {"kind": "gate"}

    def close(self):
        pass


def _wait(c, job_id, pred, timeout=30):
    return wait_for_job(c, job_id, pred, timeout)


def test_jobs_take_turns_and_cancel(tmp_path, script_file):
    from roughcut_core.synth import write_test_video

    clips = {}
    for n, name in enumerate(("a1", "a2", "a3", "b1", "c1")):
        clips[name] = str(tmp_path / f"{name}.mov")
        # different lengths: byte-identical copies would be dropped as "not a second take"
        write_test_video(clips[name], rate=24, seconds=0.25 + 0.125 * n, width=32, height=32)
    config = make_config(tmp_path)
    gate = GateExecutor()
    with TestClient(create_app(config, executor=gate), base_url="http://127.0.0.1") as c:
        c.headers["Authorization"] = f"Bearer {config.token}"
        a = c.post("/v1/jobs", json={"media": [{"path": clips[n]} for n in ("a1", "a2", "a3")],
                                     "script": {"path": script_file}}).json()["id"]
        running = _wait(c, a, lambda j: j["state"] == "running" and j["stage"] == "analyse")
        assert 0 < running["progress"] < 1 and running["assets"][0]["state"] == "running"
        b = c.post("/v1/jobs", json={"media": [{"path": clips["b1"]}], "script": {"text": GRID_SCRIPT}}).json()["id"]
        cx = c.post("/v1/jobs", json={"media": [{"path": clips["c1"]}], "script": {"text": GRID_SCRIPT}}).json()["id"]
        assert c.get(f"/v1/jobs/{cx}").json()["state"] == "queued"
        cancelled = c.post(f"/v1/jobs/{cx}/cancel").json()
        assert cancelled["state"] == "cancelled"
        gate.gate.set()
        ja = _wait(c, a, lambda j: j["state"] in ("done", "failed"))
        jb = _wait(c, b, lambda j: j["state"] in ("done", "failed"))
        # round robin: b's single clip ran between a's clips, not after all of them
        assert gate.order == ["a1.mov", "b1.mov", "a2.mov", "a3.mov"]
        assert ja["state"] == "failed" and "no clip could be analysed" in ja["error"]
        assert all(x["state"] == "failed" and "refused by the test executor" in x["error"] for x in ja["assets"])
        assert jb["state"] == "failed"
        assert c.get(f"/v1/jobs/{cx}").json()["state"] == "cancelled"
        assert "c1.mov" not in gate.order
        r = c.get(f"/v1/jobs/{a}/plan")
        assert r.status_code == 409 and "failed" in r.json()["error"]
        listed = c.get("/v1/jobs").json()["jobs"]
        assert [j["id"] for j in listed] == [cx, b, a]


def test_model_pool_shares_and_unloads(tmp_path):
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.edit import AssemblyOptions, EditOptions
    from roughcut_core.pipeline import PipelineOptions

    from bridge_server.models import ModelPool

    pool = ModelPool(AnalysisCache(tmp_path), idle_s=3600)
    p1, lock1 = pool.acquire(PipelineOptions())
    p2, lock2 = pool.acquire(PipelineOptions(edit=EditOptions(assembly=AssemblyOptions(preset="tight"))))
    assert p1 is p2 and lock1 is lock2  # edit options do not need other models
    p3, _ = pool.acquire(PipelineOptions(picture=False))
    assert p3 is not p1 and len(pool.loaded()) == 2
    assert pool.drop_idle() == 0
    with lock1:  # in use: never dropped, however idle
        assert pool.drop_idle(now=time.monotonic() + 7200) == 1
    assert pool.drop_idle(now=time.monotonic() + 7200) == 1
    assert pool.loaded() == []


# -- one real job -----------------------------------------------------------------------------

@pytest.mark.slow
def test_real_job_on_a_talking_head_clip(client, grid_clip, tmp_path):
    r = client.post("/v1/jobs", json={
        "media": [{"path": str(grid_clip), "host_id": "bin-7", "rate": [25, 1]}],
        "script": {"text": GRID_SCRIPT}, "options": {"picture": False, "asr_model": "tiny.en"},
        "name": "grid"})
    assert r.status_code == 201, r.text
    job_id = r.json()["id"]
    seen = set()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}").json()
        seen.add(job["stage"])
        assert 0.0 <= job["progress"] <= 1.0
        if job["state"] in ("done", "failed", "cancelled"):
            break
        time.sleep(0.1)
    assert job["state"] == "done", job
    assert job["progress"] == 1.0 and job["assets"][0]["state"] == "done" and job["assets"][0]["attempts"] == 1
    assert "analyse" in seen
    plan = client.get(f"/v1/jobs/{job_id}/plan").json()
    assert plan["schema"] == "roughcut.hostplan/1" and plan["timeline"]["rate"] == [25, 1]
    assert plan["items"] and plan["items"][0]["media"]["host_id"] == "bin-7"
    item = plan["items"][0]
    assert 0 <= item["src_in"] < item["src_out"] <= 75
    otio = client.get(f"/v1/jobs/{job_id}/otio").json()
    assert otio["OTIO_SCHEMA"].startswith("Timeline")
    result = client.get(f"/v1/jobs/{job_id}/result").json()
    assert result["coverage"]["lines_in_cut"] == 1
    review = anon(client, "GET", result["review_url"])
    assert review.status_code == 200 and review.headers["content-type"].startswith("text/html")
    assert anon(client, "GET", f"/v1/jobs/{job_id}/review?key=" + "0" * 32).status_code == 401
    assert result["review_url"].endswith(review_key(client.config.token, job_id))
    with client.stream("GET", f"/v1/jobs/{job_id}/events") as events:
        body = "".join(events.iter_text())
    assert "event: progress" in body and "event: end" in body and '"state": "done"' in body
    fb = client.post("/v1/feedback", json={"job_id": job_id, "otio": json.dumps(otio), "host": "resolve"})
    assert fb.status_code == 200 and fb.json()["stored"] is True
    # the job's analysed clip is in the bridge's search index (issue 18)
    found = client.get("/v1/search", params={"q": "now"}).json()["results"]  # tiny.en: "... F2 now"
    assert found and found[0]["path"] == str(grid_clip.resolve())
    stored = list((client.config.jobs_dir / job_id / "feedback").glob("*.json"))
    assert len(stored) == 1 and json.loads(stored[0].read_text())["host"] == "resolve"
    assert client.post("/v1/feedback", json={"otio": "{not json"}).status_code == 400
    assert client.post("/v1/feedback", json={"note": "nothing"}).status_code == 422


def test_restart_ends_job_whose_media_vanished_with_clear_error(tmp_path, script_file):
    from roughcut_core.synth import write_test_video

    from bridge_server.store import JobStore

    clip = tmp_path / "gone_after_crash.mov"
    write_test_video(clip, rate=24, seconds=0.25, width=32, height=32)
    config = make_config(tmp_path)
    store = JobStore(config.db_path)  # the state a killed bridge leaves: job running, asset started
    job_id = store.create_job({"media": [{"path": str(clip)}], "script": {"path": script_file}}, [str(clip)])
    store.update(job_id, state="running", stage="analyse", progress=0.05)
    store.start_asset(job_id, 0)
    store.close()
    clip.unlink()
    gate = GateExecutor()
    with TestClient(create_app(config, executor=gate), base_url="http://127.0.0.1") as c:
        c.headers["Authorization"] = f"Bearer {config.token}"
        job = _wait(c, job_id, lambda j: j["state"] in ("done", "failed"))
    assert job["state"] == "failed" and str(clip) in job["error"] and "no usable media" in job["error"]
    assert job["assets"][0]["state"] == "failed" and gate.order == []


def test_listening_socket_is_tcp_so_asyncio_disables_nagle():
    """asyncio sets TCP_NODELAY on accepted connections only for IPPROTO_TCP listeners;
    without it every keep-alive response waits ~40 ms for a delayed ACK."""
    import socket

    from bridge_server.server import _bind

    sock = _bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
