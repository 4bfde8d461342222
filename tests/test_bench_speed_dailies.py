"""The day-of-dailies Ray bench's bookkeeping (bench/speed_dailies.py, bench/speed_procs.py) and
the thread share a Ray worker gives its compute libraries (roughcut_core/cputhreads.py).

The Ray run itself is a benchmark (`roughcut bench speed dailies`); here: how resumed sessions
are summed (a take counted once, a killed session's wall up to its last finished take, cache
reads not counted as work), the same-cut check per scene, the process monitor on a real child
process, and OMP_NUM_THREADS honoured."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from roughcut_core.bench.speed_dailies import _seed_of, summarize, table
from roughcut_core.bench.speed_procs import ProcessMonitor, process_kind
from roughcut_core.cputhreads import cpu_threads


def test_cpu_threads_honours_omp_num_threads():
    cores = len(os.sched_getaffinity(0))
    assert cpu_threads({"OMP_NUM_THREADS": "1"}) == 1
    assert cpu_threads({"OMP_NUM_THREADS": " 3 "}) == 3
    for bad in ("", "0", "-2", "two", "1.5"):
        assert cpu_threads({"OMP_NUM_THREADS": bad}) == cores
    assert cpu_threads({}) == cores


def _task(session, file, media, task_s, finished, computed=True, error=None, cpu=None):
    return {"session": session, "file": file, "media_s": media, "task_s": task_s, "finished_s": finished,
            "computed": computed, "error": error, "cpu_s": cpu if cpu is not None else task_s / 2,
            "peak_rss_mb": 600.0, "omp_num_threads": "1", "torch_threads": 1}


def _session(name, computed, again, load):
    return {"session": name, "cluster_start_s": 20.0, "empty_task_ms": 3.0, "slots": 2, "wall_s": 0.0,
            "computed_wall_s": 0.0, "computed_takes": computed, "cache_read_takes": again, "assemble_s": 5.0,
            "driver_cpu_s": 1.0, "failed": [],
            "processes": {"kinds": {"ray worker": {"processes": 2, "peak_rss_mb_max": 650.0, "cpu_s": 40.0}},
                          "processes": [], "load": [[0.0, load, load, load]]}}


def test_resumed_sessions_are_summed_once(tmp_path):
    # session A was killed after two takes (no sessions.jsonl line); B analysed the rest and read
    # A's takes back from the cache; one take failed in B
    tasks = [_task("A", "s0_W_T1.mp4", 20.0, 30.0, 31.0), _task("A", "s0_W_T2.mp4", 10.0, 15.0, 33.0),
             _task("B", "s1_W_T1.mp4", 30.0, 40.0, 41.0), _task("B", "s1_W_T2.mp4", 40.0, 44.0, 50.0),
             _task("B", "s1_CU_T1.mp4", 5.0, 0.0, 51.0, error="MediaError: s1_CU_T1.mp4: no video"),
             _task("B", "s0_W_T1.mp4", 20.0, 0.2, 52.0, computed=False),
             _task("B", "s0_W_T2.mp4", 10.0, 0.2, 52.5, computed=False)]
    (tmp_path / "tasks.jsonl").write_text("".join(json.dumps(t) + "\n" for t in tasks) + '{"cut sho',
                                          encoding="utf-8")
    (tmp_path / "sessions.jsonl").write_text(json.dumps(_session("B", 3, 2, 9.0)) + "\n", encoding="utf-8")
    (tmp_path / "cut_ray.json").write_text(json.dumps({"0": [["s0_W_T1.mp4", 0, 10, 0, ["1"], 1]],
                                                       "1": [["s1_W_T2.mp4", 5, 9, 0, ["2"], 1]]}))
    local = {"takes": 2, "media_s": 30.0, "analyse_s": 20.0, "assemble_s": 1.0, "cpu_s": 15.0, "peak_rss_mb": 500.0,
             "cold_cache": True, "cuts": {"0": [["s0_W_T1.mp4", 0, 10, 0, ["1"], 1]],
                                          "1": [["s1_W_T2.mp4", 5, 10, 0, ["2"], 1]]}}
    r = summarize(tmp_path, 105.0, 5, local, [0, 1])
    assert r["takes_analysed"] == 4 and r["media_s_analysed"] == 100.0
    assert r["wall_s"] == 33.0 + 50.0  # A up to its last take, B up to its last computed take
    assert r["sessions"] == 2 and r["sessions_with_work"] == 2
    assert abs(r["x_real_time"] - 100.0 / 83.0) < 1e-9
    assert abs(r["overhead_per_task_s"] - (83.0 * 2 - 129.0) / 4) < 1e-9
    assert r["failed"] == 1 and r["worker_task_cpu_s"] == 64.5
    assert r["same_cut"] == {"0": True, "1": False}  # scene 1's out point differs
    text = table(r)
    assert "NO (1/2 scenes: seeds 0, 1; the local path ran on these only)" in text
    assert "| ray worker | 2 |" in text


def test_bin_names_carry_the_seed():
    assert _seed_of("/x/bin/media/s12_CU_ALICE_T3.mp4") == 12 and _seed_of("s0_WIDE_T1.mp4") == 0


def test_process_monitor_sees_a_child_and_the_load(tmp_path):
    assert process_kind("ray::_analyze_on_worker --raylet-name=x") == "ray worker"
    assert process_kind("/x/raylet --node_ip_address=1") == "raylet"
    log = tmp_path / "load.log"
    mon = ProcessMonitor(interval=0.1, load_every=0.0, load_log=log).start()
    busy = "import time\nx = bytearray(40 * 1024 * 1024)\nt = time.process_time()\n" \
           "while time.process_time() - t < 0.3: pass\ntime.sleep(0.5)"
    child = subprocess.Popen([sys.executable, "-c", busy])
    try:
        deadline = time.monotonic() + 20
        while child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        mon.sample()
    finally:
        child.kill()
        mon.stop()
    rec = mon.procs.get(child.pid)
    assert rec is not None, "the child process was never sampled"
    assert rec["peak_rss_mb"] >= 40 and rec["cpu_s"] >= 0.2
    assert mon.summary()["kinds"]["driver"]["processes"] == 1
    assert mon.load and "load average:" in log.read_text()


def test_serve_ray_cpus_per_task_reaches_the_config(tmp_path, monkeypatch):
    import argparse

    import pytest

    from bridge_server.__main__ import add_serve_args, config_from_args
    from roughcut_core._cli.cmd_serve import _forwarded

    monkeypatch.setenv("ROUGHCUT_BRIDGE_HOME", str(tmp_path))
    p = argparse.ArgumentParser()
    add_serve_args(p)
    args = p.parse_args(["--ray-address", "head:6379", "--ray-cpus-per-task", "4", "--ray-gpus-per-task", "0.5"])
    cfg = config_from_args(args)
    assert cfg.ray_cpus_per_task == 4.0 and cfg.ray_gpus_per_task == 0.5
    assert _forwarded(args)[-4:] == ["--ray-gpus-per-task", "0.5", "--ray-cpus-per-task", "4.0"]
    assert config_from_args(p.parse_args([])).ray_cpus_per_task == 1.0
    with pytest.raises(ValueError, match="--ray-cpus-per-task must be above 0"):
        config_from_args(p.parse_args(["--ray-cpus-per-task", "0"]))


def test_a_seed_the_generator_refuses_is_skipped_and_remembered(tmp_path, monkeypatch):
    """Demo seeds 34, 36 and 38 have no defect placement that keeps a perfect cut: the day goes
    on with the next seeds, and a resumed run does not generate the refused ones again."""
    from roughcut_core.bench import speed_dailies

    asked = []

    def fake_ensure(material, seeds, log=None):
        (seed,) = seeds
        asked.append(seed)
        if seed in (1, 3):
            raise RuntimeError(f"no defect placement keeps a perfect cut for seed {seed}")
        if seed == 5:
            raise RuntimeError("espeak-ng is missing")
        (material / f"seed{seed}" / "media").mkdir(parents=True, exist_ok=True)
        (material / f"seed{seed}" / "media" / "take.mp4").touch()
        return {seed: material / f"seed{seed}"}

    monkeypatch.setattr(speed_dailies, "ensure_scenes", fake_ensure)
    monkeypatch.setattr(speed_dailies, "media_seconds", lambda p: 600.0)  # 10 min a scene
    logged = []
    scenes = speed_dailies.choose_scenes(tmp_path, 0.5, logged.append)
    assert sorted(scenes) == [0, 2, 4] and asked == [0, 1, 2, 3, 4]
    assert any("seed 1 skipped" in m for m in logged)
    assert (tmp_path / "seed3.refused").is_file()
    asked.clear()
    assert sorted(speed_dailies.choose_scenes(tmp_path, 0.5, logged.append)) == [0, 2, 4]
    assert asked == [0, 2, 4]  # the refused seeds are not tried again
    try:  # any other fault of the generator stops the run
        speed_dailies.choose_scenes(tmp_path, 1.0, logged.append)
        raise AssertionError("expected the generator's fault to propagate")
    except RuntimeError as exc:
        assert "espeak-ng" in str(exc)
