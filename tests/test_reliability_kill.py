"""Reliability battery, crashes (issue 22): ``kill -9`` of the CLI and of the bridge in the
middle of analysis (real processes, real tiny.en ASR on two 3 s GRID clips, no picture to
keep it short). After each kill: every cache entry on disk is complete JSON (atomic writes),
no job is lost, the stale ``bridge.json`` is removed, and the rerun gives the same result
as an uninterrupted run."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bridge_support import stop_process, wait_for_bridge, wait_for_job

pytestmark = [pytest.mark.timeout(240), pytest.mark.slow]
REPO = Path(__file__).resolve().parents[1]
CLIPS = ("grid_bbaf2n.mpg", "grid_brbk7n.mpg")
SCRIPT = "INT. LAB - DAY\n\nJANE\nBin blue at F two now.\n\nJANE\nBin red by K seven now.\n"


@pytest.fixture(scope="module")
def clips(shared_media) -> list[Path]:
    paths = [shared_media / "video_faces_speaking" / name for name in CLIPS]
    missing = [p for p in paths if not p.exists()]
    if missing:
        pytest.skip(f"shared media not available: {missing[0]}")
    return paths


def _env(**extra) -> dict:
    env = os.environ.copy()
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    for key in ("ROUGHCUT_BRIDGE_TOKEN", "ROUGHCUT_CACHE_DIR", "ROUGHCUT_BRIDGE_ALLOW"):
        env.pop(key, None)
    env.update(extra)
    return env


def _entries(cache: Path, analyzer: str = "") -> list[Path]:
    return [p for p in cache.rglob("*.json") if not p.name.startswith(".") and (not analyzer or analyzer in p.parts)]


def _assert_cache_sound(cache: Path) -> int:
    """Every visible entry parses and is a complete cache document; returns how many."""
    entries = _entries(cache)
    for p in entries:
        doc = json.loads(p.read_text())  # a torn write would fail here
        assert doc["schema"] == "roughcut.cache-entry/1" and "value" in doc, p
    stray = [p for p in cache.rglob("*") if p.is_file() and not p.name.startswith(".") and p.suffix != ".json"]
    assert not stray, stray
    return len(entries)


def _cut(clips, script: Path, out: Path, cache: Path) -> list[str]:
    # media named relative to the working directory (REPO): the OTIO must still hold absolute URLs
    relative = [os.path.relpath(p, REPO) for p in clips]
    return [sys.executable, "-m", "roughcut_core._cli.main", "cut", *relative, "--script", str(script),
            "--out", str(out / "cut.otio"), "--plan", str(out / "plan.json"), "--cache-dir", str(cache), "--no-picture"]


def _plan(path: Path) -> dict:
    return json.loads(path.read_text())


def test_cli_killed_mid_analysis_leaves_a_sound_cache_and_reruns_identically(clips, tmp_path):
    script = tmp_path / "scene.fountain"
    script.write_text(SCRIPT)
    cache, first, fresh = tmp_path / "cache", tmp_path / "first", tmp_path / "fresh"
    proc = subprocess.Popen(_cut(clips, script, first, cache), env=_env(), cwd=str(REPO),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not _entries(cache, "speech.transcribe"):
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.02)
        assert proc.poll() is None, "the cut finished before it could be killed"
        done_before_kill = len(_entries(cache, "speech.transcribe"))
        assert 1 <= done_before_kill < len(clips)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert not (first / "cut.otio").exists()  # no half-written output
    assert _assert_cache_sound(cache) >= 1
    # the rerun picks up what finished, and matches an uninterrupted run on an empty cache
    subprocess.run(_cut(clips, script, first, cache), env=_env(), cwd=str(REPO), check=True, timeout=180,
                   capture_output=True)
    subprocess.run(_cut(clips, script, fresh, tmp_path / "fresh-cache"), env=_env(), cwd=str(REPO), check=True,
                   timeout=180, capture_output=True)
    _assert_cache_sound(cache)
    assert _plan(first / "plan.json") == _plan(fresh / "plan.json")
    assert (first / "cut.otio").read_text() == (fresh / "cut.otio").read_text()
    import opentimelineio as otio

    urls = {c.media_reference.target_url for c in otio.adapters.read_from_file(str(first / "cut.otio")).find_clips()
            if isinstance(c.media_reference, otio.schema.ExternalReference)}
    assert urls and all(u.startswith(("/", "file:///")) and ".." not in u for u in urls), urls


# -- the bridge ------------------------------------------------------------------------------------

def _start_bridge(home: Path, allow: Path):
    log = open(home / "server.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "bridge_server", "--port", "0", "--log-level", "warning",
                             "--allow", str(allow), "--allow", str(home)],
                            env=_env(ROUGHCUT_BRIDGE_HOME=str(home)), cwd=str(REPO), stdout=log, stderr=subprocess.STDOUT)
    return proc, wait_for_bridge(home, proc, poll=0.1)


def _poll(client, job_id, pred, timeout=150.0) -> dict:
    return wait_for_job(client, job_id, pred, timeout)


def test_bridge_killed_mid_analysis_loses_no_job_and_reruns_identically(clips, tmp_path):
    import httpx

    from bridge_server.config import read_bridge_file

    home = tmp_path / "home"
    home.mkdir()
    script = home / "scene.fountain"
    script.write_text(SCRIPT)
    request = {"media": [{"path": str(p)} for p in clips], "script": {"path": str(script)},
               "options": {"picture": False}}
    proc, info = _start_bridge(home, clips[0].parent)
    try:
        with httpx.Client(base_url=info["url"], headers={"Authorization": f"Bearer {info['token']}"}, timeout=10) as c:
            job_id = c.post("/v1/jobs", json=request).json()["id"]
            _poll(c, job_id, lambda j: any(a["state"] == "done" for a in j["assets"]))
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert read_bridge_file(home / "config") is None  # stale: its pid is gone
    assert not (home / "config" / "bridge.json").exists()
    _assert_cache_sound(home / "data" / "analysis")
    proc, info = _start_bridge(home, clips[0].parent)
    try:
        with httpx.Client(base_url=info["url"], headers={"Authorization": f"Bearer {info['token']}"}, timeout=10) as c:
            job = _poll(c, job_id, lambda j: j["state"] in ("done", "failed", "cancelled"))
            assert job["state"] == "done", job
            assert [a["state"] for a in job["assets"]] == ["done"] * len(clips)
            assert job["assets"][0]["attempts"] == 1  # finished before the kill: not analysed again
            resumed_plan = c.get(f"/v1/jobs/{job_id}/plan").json()
            again = c.post("/v1/jobs", json=request).json()["id"]
            assert _poll(c, again, lambda j: j["state"] in ("done", "failed"))["state"] == "done"
            rerun_plan = c.get(f"/v1/jobs/{again}/plan").json()
    finally:
        stop_process(proc)
    assert not list((home / "data" / "jobs").rglob("*.pkl"))
    assert list((home / "data" / "jobs" / job_id / "assets").glob("*.json"))
    _assert_cache_sound(home / "data" / "analysis")
    strip = lambda plan: {k: v for k, v in plan.items() if k not in ("name", "job_id", "created")}  # noqa: E731
    assert strip(resumed_plan) == strip(rerun_plan)
