"""RayExecutor against a local Ray instance started by this test: per-asset analysis runs as
Ray tasks (in Ray worker processes, with their own analysis cache) and gives the same result
as the local executor; a whole job through the bridge app on Ray finishes with a host plan."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="ray is not installed (pip install ray==2.60.0)")


def _pop_probabilities(doc) -> list[float]:
    """Remove every word/segment ``probability`` from a JSON document; return them in order."""
    out: list[float] = []

    def walk(node):
        if isinstance(node, dict):
            for key in sorted(node):
                if key in ("probability", "avg_logprob", "no_speech_prob"):
                    out.append(float(node.pop(key)))
                else:
                    walk(node[key])
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)
    return out


# The local executor's analysis of one file, in a fresh process with ``threads`` CPU threads.
_LOCAL_ANALYSIS = """
import json, sys
from bridge_server.executors import LocalExecutor
from bridge_server.models import ModelPool
from roughcut_core.cache import AnalysisCache
from roughcut_core.media import probe
from roughcut_core.pipeline import PipelineOptions
from roughcut_core.serialize import to_jsonable
(_, analysis, _), = LocalExecutor(ModelPool(AnalysisCache(sys.argv[2]))).analyze(
    PipelineOptions(picture=False), [probe(sys.argv[1])])
with open(sys.argv[3], "w") as f:
    json.dump(to_jsonable(analysis), f)
"""


def _local_analysis(path, tmp_path: Path, threads: int) -> dict:
    out = tmp_path / f"local-{threads}.json"
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    subprocess.run([sys.executable, "-c", _LOCAL_ANALYSIS, str(path), str(tmp_path / f"local-cache-{threads}"), str(out)],
                   env=env, cwd=Path(__file__).resolve().parents[1], check=True, timeout=600)
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def ray_address():
    try:
        ctx = ray.init(address="local", num_cpus=2, num_gpus=0, include_dashboard=False, log_to_driver=False,
                       object_store_memory=200 * 1024 * 1024)
    except Exception as exc:  # e.g. no shared memory or ports in a sandbox
        pytest.skip(f"could not start a local Ray instance here: {type(exc).__name__}: {exc}")
    try:
        yield ctx.address_info["address"]
    finally:
        ray.shutdown()


def test_gpu_request_follows_cluster_and_options(ray_address, tmp_path):
    from roughcut_core.pipeline import PipelineOptions

    from bridge_server.executors import RayExecutor

    ex = RayExecutor(ray_address, str(tmp_path))
    assert ex.cluster_gpus == 0 and ex.gpus_for(PipelineOptions()) == 0
    ex.cluster_gpus = 4  # what a GPU farm reports
    assert ex.gpus_for(PipelineOptions(device="auto")) == 1 and ex.gpus_for(PipelineOptions(device="cpu")) == 0
    assert RayExecutor(ray_address, str(tmp_path), gpus_per_task=0.5).gpus_for(PipelineOptions()) == 0.5


@pytest.mark.slow
def test_ray_tasks_give_the_local_result(ray_address, grid_clip, tmp_path):
    from roughcut_core.media import probe
    from roughcut_core.pipeline import PipelineOptions
    from roughcut_core.serialize import to_jsonable

    from bridge_server.executors import RayExecutor

    asset = probe(grid_clip)
    options = PipelineOptions(picture=False)
    # The local path with the task's CPU share (1): OpenMP sizes its pool from OMP_NUM_THREADS at
    # process start, and CTranslate2's int8 path without MKL (AMD EPYC) sums in another order on
    # one thread than on two or more, which can change a word (this clip: 'Bimblue' on 1 thread,
    # 'Bimbloo' on 2-4). The Ray task must give what a local run with its share gives.
    same_share = _local_analysis(grid_clip, tmp_path, threads=1)
    remote_cache = tmp_path / "ray-cache"
    executor = RayExecutor(ray_address, str(remote_cache))
    remote = list(executor.analyze(options, [asset]))
    assert [i for i, _, _ in remote] == [0]
    # the worker reports what the task cost and ran with its CPU share (1 CPU -> 1 torch thread)
    stats = executor.task_stats[0]
    assert stats["cpu_s"] > 0 and stats["peak_rss_mb"] > 50 and stats["omp_num_threads"] == "1"
    assert stats.get("torch_threads") in (None, 1)
    _, a_ray, _ = remote[0]
    assert not isinstance(a_ray, Exception), a_ray
    assert a_ray.transcript is not None and a_ray.transcript.words
    # the same share in another process: word confidences may move in the 2nd decimal; words,
    # timings and everything else match
    ray_doc, local_doc = json.loads(json.dumps(to_jsonable(a_ray))), same_share
    p_ray, p_local = _pop_probabilities(ray_doc), _pop_probabilities(local_doc)
    # stage wall seconds are measurements of the run, not results: same stages, any durations
    t_ray, t_local = ray_doc.pop("timings"), local_doc.pop("timings")
    assert set(t_ray) == set(t_local) == {"speech", "sound"}
    c_ray, c_local = ray_doc.pop("cpu_timings", {}), local_doc.pop("cpu_timings", {})  # the same: CPU s
    assert set(c_ray) == set(c_local)
    assert ray_doc == local_doc
    assert len(p_ray) == len(p_local) and all(abs(a - b) < 0.05 for a, b in zip(p_ray, p_local))
    # the task really ran in a Ray worker: the worker filled its own cache
    assert list(remote_cache.rglob("*.json"))


@pytest.mark.slow
def test_job_through_the_app_on_ray(ray_address, grid_clip, tmp_path):
    from fastapi.testclient import TestClient

    from bridge_server.app import create_app
    from bridge_server.config import load_config

    config = load_config(config_dir=tmp_path / "c", data_dir=tmp_path / "d", token="tok", ray_address=ray_address,
                         allowed_roots=(tmp_path, grid_clip.parent))
    with TestClient(create_app(config), base_url="http://127.0.0.1") as c:
        c.headers["Authorization"] = "Bearer tok"
        assert c.get("/v1/health").json()["executor"]["kind"] == "ray"
        job_id = c.post("/v1/jobs", json={"media": [{"path": str(grid_clip)}],
                                          "script": {"text": "INT. LAB\n\nJANE\nBin blue at F two now.\n"},
                                          "options": {"picture": False}}).json()["id"]
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            job = c.get(f"/v1/jobs/{job_id}").json()
            if job["state"] in ("done", "failed"):
                break
            time.sleep(0.2)
        assert job["state"] == "done", job
        plan = c.get(f"/v1/jobs/{job_id}/plan").json()
        assert plan["schema"] == "roughcut.hostplan/1" and plan["items"]


@pytest.mark.slow
def test_ray_path_gives_the_local_cut(ray_address, demo_scene, tmp_path):
    """Issue 23: two takes of the demo scene analysed as Ray tasks and in this process
    assemble into the same cut (same files, frames and lines, decision for decision)."""
    from roughcut_core.bench.speed_run import cut_fingerprint
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.media import probe
    from roughcut_core.pipeline import PipelineOptions, RoughCutPipeline
    from roughcut_core.script import load_script

    from bridge_server.executors import LocalExecutor, RayExecutor
    from bridge_server.models import ModelPool

    assets = [probe(p) for p in sorted(demo_scene.media_paths)[:2]]
    options = PipelineOptions(picture=False)
    local = LocalExecutor(ModelPool(AnalysisCache(tmp_path / "local-cache"))).analyze(options, assets)
    remote = RayExecutor(ray_address, str(tmp_path / "ray-cache")).analyze(options, assets)
    by_path = {}
    for name, results in (("local", local), ("ray", remote)):
        analyses = [r for _, r, _ in sorted(results, key=lambda t: t[0])]
        assert not any(isinstance(a, Exception) for a in analyses), analyses
        by_path[name] = analyses
    script = load_script(demo_scene.script_path)
    cuts = {name: RoughCutPipeline(options).assemble(script, analyses).cut for name, analyses in by_path.items()}
    assert cut_fingerprint(cuts["local"]), "no decisions in the local cut"
    assert cut_fingerprint(cuts["ray"]) == cut_fingerprint(cuts["local"])
    assert list((tmp_path / "ray-cache").rglob("*.json")), "the Ray workers did not analyse"
