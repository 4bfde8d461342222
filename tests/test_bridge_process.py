"""The bridge as a real process: ``python -m bridge_server`` on a free port with
ROUGHCUT_BRIDGE_HOME in a temp dir. Submits the demo scene, streams SSE progress, ``kill -9``s
the server mid-analysis, restarts it, and checks the job finishes without analysing again the
assets finished before the kill; plus ``roughcut serve --ensure``."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest
from bridge_support import stop_pid, stop_process, wait_for_bridge

REPO = Path(__file__).resolve().parents[1]


def _env(home: Path) -> dict:
    env = os.environ.copy()
    env["ROUGHCUT_BRIDGE_HOME"] = str(home)
    env.pop("ROUGHCUT_BRIDGE_TOKEN", None)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    # the bridge reads media only under allowed roots: the temp dirs the tests build scenes in
    env["ROUGHCUT_BRIDGE_ALLOW"] = tempfile.gettempdir()
    return env


def _start(home: Path) -> tuple[subprocess.Popen, dict]:
    log = open(home / "server.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "bridge_server", "--port", "0", "--log-level", "warning"],
                            env=_env(home), cwd=str(REPO), stdout=log, stderr=subprocess.STDOUT)
    return proc, wait_for_bridge(home, proc)


def _sse(client: httpx.Client, url: str, until, timeout: float = 240.0) -> list[dict]:
    """Read progress events until ``until(event)`` is true or the stream ends."""
    events = []
    with client.stream("GET", url, timeout=httpx.Timeout(timeout, connect=5)) as resp:
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
        kind = None
        for line in resp.iter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                event = {"event": kind, **json.loads(line[6:])}
                events.append(event)
                if until(event):
                    break
    return events


@pytest.mark.slow
def test_kill_9_mid_analysis_then_resume(demo_scene, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    proc, info = _start(home)
    try:
        bridge_file = home / "config" / "bridge.json"
        assert bridge_file.stat().st_mode & 0o777 == 0o600
        client = httpx.Client(base_url=info["url"], headers={"Authorization": f"Bearer {info['token']}"})
        assert httpx.get(info["url"] + "/v1/jobs").status_code == 401
        r = client.post("/v1/jobs", json={
            "media": [{"path": str(p), "host_id": f"clip-{i}"} for i, p in enumerate(demo_scene.media_paths)],
            "script": {"path": str(demo_scene.script_path)},
            # ASR + sound quality only: picture analysis would triple this test's time and is
            # exercised by the in-process and picture tests
            "options": {"picture": False}})
        assert r.status_code == 201, r.text
        job_id = r.json()["id"]
        n = len(demo_scene.media_paths)

        def some_assets_done(event):
            return event["state"] in ("done", "failed", "cancelled") or (
                event["stage"] == "analyse" and event["progress"] >= 0.05 + 0.85 * 2 / n - 1e-9)

        events = _sse(client, f"/v1/jobs/{job_id}/events", some_assets_done)
        assert events[0]["event"] == "progress" and events[-1]["state"] == "running", events[-1]
        assert [e["progress"] for e in events] == sorted(e["progress"] for e in events)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        client.close()

        db = sqlite3.connect(home / "data" / "jobs.sqlite3")
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        before = {i: (s, a) for i, s, a in db.execute(
            "SELECT idx, state, attempts FROM assets WHERE job_id = ?", (job_id,))}
        db.close()
        done_before = {i for i, (s, _) in before.items() if s == "done"}
        assert 2 <= len(done_before) < n, before
        assert all(a == 1 for i, (_, a) in before.items() if i in done_before)

        proc, info = _start(home)
        client = httpx.Client(base_url=info["url"], headers={"Authorization": f"Bearer {info['token']}"})
        tail = _sse(client, f"/v1/jobs/{job_id}/events", lambda e: e["event"] == "end")
        assert tail[-1]["event"] == "end" and tail[-1]["state"] == "done", tail[-1]
        job = client.get(f"/v1/jobs/{job_id}").json()
        assert job["state"] == "done" and job["progress"] == 1.0
        attempts = {a["index"]: a["attempts"] for a in job["assets"]}
        assert all(a["state"] == "done" for a in job["assets"]), job["assets"]
        for i in done_before:  # finished before the kill: not analysed again
            assert attempts[i] == 1, (i, attempts)
        assert all(1 <= attempts[i] <= 2 for i in attempts)
        plan = client.get(f"/v1/jobs/{job_id}/plan").json()
        assert plan["schema"] == "roughcut.hostplan/1"
        assert plan["items"] and {it["media"]["host_id"] for it in plan["items"]} <= {
            f"clip-{i}" for i in range(n)}
        assert all(it["src_in"] < it["src_out"] for it in plan["items"])
        client.close()
    finally:
        stop_process(proc)
    assert not (home / "config" / "bridge.json").exists()  # a clean stop removes it


def test_serve_ensure_starts_once_and_reuses(tmp_path):
    home = tmp_path / "home"
    cmd = [sys.executable, "-m", "roughcut_core._cli.main", "serve", "--ensure"]
    first = subprocess.run(cmd, env=_env(home), cwd=str(REPO), capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    url = first.stdout.strip()
    info = json.loads((home / "config" / "bridge.json").read_text())
    pid = info["pid"]
    try:
        assert url == info["url"] and url.startswith("http://127.0.0.1:")
        assert httpx.get(url + "/v1/health").json() == {"status": "ok"}
        second = subprocess.run(cmd, env=_env(home), cwd=str(REPO), capture_output=True, text=True, timeout=60)
        assert second.returncode == 0 and second.stdout.strip() == url
        assert json.loads((home / "config" / "bridge.json").read_text())["pid"] == pid
        assert (home / "data" / "bridge.log").exists()
    finally:
        stop_pid(pid)
