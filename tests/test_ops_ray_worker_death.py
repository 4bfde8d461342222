"""Issue 21: a Ray worker process that dies mid-task loses nothing — the RayExecutor's task is
retried on another worker and every asset still comes back with its result, in a real local
Ray instance with two worker CPUs. (The task body is a stand-in for the analysis — real
analyses are covered by test_bridge_ray.py — so that the first attempt can kill its own
worker process with ``os._exit`` at a known point.)"""
from __future__ import annotations

from types import SimpleNamespace

import pytest

ray = pytest.importorskip("ray", reason="ray is not installed (pip install ray==2.60.0)")


@pytest.mark.timeout(180)
def test_worker_death_mid_task_is_retried(tmp_path):
    from bridge_server.executors import RayExecutor

    try:
        ctx = ray.init(address="local", num_cpus=2, num_gpus=0, include_dashboard=False, log_to_driver=False,
                       object_store_memory=100 * 1024 * 1024)
    except Exception as exc:  # e.g. no shared memory or ports in a sandbox
        pytest.skip(f"could not start a local Ray instance here: {type(exc).__name__}: {exc}")
    marks = tmp_path / "marks"
    marks.mkdir()

    def analyse_or_die(options, cache_dir, asset):
        """First attempt on asset 'b' records its pid then kills its worker process mid-task."""
        import os as _os
        from pathlib import Path as _P

        mark = _P(cache_dir) / f"{asset}.attempts"
        attempts = len(mark.read_text().split()) if mark.exists() else 0
        with open(mark, "a") as fh:
            fh.write(f"{_os.getpid()}\n")
        if asset == "b" and attempts == 0:
            _os._exit(1)  # the worker process dies: no exception, no result
        return f"analysed {asset}", 0.01, {"pid": _os.getpid()}  # (result, seconds, worker stats)

    try:
        ex = RayExecutor(ctx.address_info["address"], str(marks))
        ex._remote = ray.remote(analyse_or_die)  # same .options(max_retries=...) path as the analysis
        got = {idx: res for idx, res, _ in ex.analyze(SimpleNamespace(device="cpu"), ["a", "b", "c"])}
    finally:
        ray.shutdown()
    assert got == {0: "analysed a", 1: "analysed b", 2: "analysed c"}  # nothing lost, nothing an error
    pids = (marks / "b.attempts").read_text().split()
    assert len(pids) == 2 and pids[0] != pids[1]  # died once, retried in a new worker process
    assert len((marks / "a.attempts").read_text().split()) == 1


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_job_on_ray_survives_a_dead_worker(tmp_path, grid_clip):
    """A whole bridge job on Ray (real analysis in the worker) whose first attempt kills its
    worker: the job finishes, the asset records one success, and /metrics shows one done job
    and no error."""
    import time as _time

    from fastapi.testclient import TestClient
    from prometheus_client.parser import text_string_to_metric_families

    from bridge_server.app import create_app
    from bridge_server.config import load_config
    from bridge_server.executors import RayExecutor

    try:
        ctx = ray.init(address="local", num_cpus=2, num_gpus=0, include_dashboard=False, log_to_driver=False,
                       object_store_memory=200 * 1024 * 1024)
    except Exception as exc:
        pytest.skip(f"could not start a local Ray instance here: {type(exc).__name__}: {exc}")
    marks = tmp_path / "marks"
    marks.mkdir()
    mark_dir = str(marks)

    def die_once_then_analyse(options, cache_dir, asset):
        import os as _os
        from pathlib import Path as _P

        from bridge_server.executors import _analyze_on_worker

        mark = _P(mark_dir) / "attempts"
        first = not mark.exists()
        with open(mark, "a") as fh:
            fh.write(f"{_os.getpid()}\n")
        if first:
            _os._exit(1)
        return _analyze_on_worker(options, cache_dir, asset)

    try:
        config = load_config(config_dir=tmp_path / "c", data_dir=tmp_path / "d", token="tok",
                             cache_dir=tmp_path / "cache", allowed_roots=(tmp_path, grid_clip.parent))
        ex = RayExecutor(ctx.address_info["address"], str(tmp_path / "ray-cache"))
        ex._remote = ray.remote(die_once_then_analyse)
        with TestClient(create_app(config, executor=ex), base_url="http://127.0.0.1") as c:
            c.headers["Authorization"] = "Bearer tok"
            job_id = c.post("/v1/jobs", json={"media": [{"path": str(grid_clip)}],
                                              "script": {"text": "INT. LAB\n\nJANE\nBin blue at F two now.\n"},
                                              "options": {"picture": False}}).json()["id"]
            deadline = _time.monotonic() + 240
            while _time.monotonic() < deadline:
                job = c.get(f"/v1/jobs/{job_id}").json()
                if job["state"] in ("done", "failed"):
                    break
                _time.sleep(0.2)
            text = c.get("/metrics").text
    finally:
        ray.shutdown()
    assert job["state"] == "done", job
    assert [a["state"] for a in job["assets"]] == ["done"]
    pids = (marks / "attempts").read_text().split()
    assert len(pids) == 2 and pids[0] != pids[1]
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for f in text_string_to_metric_families(text) for s in f.samples}
    assert samples[("roughcut_jobs", (("state", "done"),))] == 1
    assert samples[("roughcut_jobs", (("state", "failed"),))] == 0
    assert not [k for k in samples if k[0] == "roughcut_errors_total"]
    assert samples[("roughcut_stage_seconds_count", (("stage", "analyse"),))] == 1
