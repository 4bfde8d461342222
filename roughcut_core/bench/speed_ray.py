"""Ray scale-out for `roughcut bench speed --ray`: a day of dailies through the bridge's
:class:`~bridge_server.executors.RayExecutor` on a local Ray cluster of a head node (no task
slots) and two worker nodes of one CPU each, i.e. two worker processes doing the analysis.

The dailies are the demo scenes of seeds ``0..n-1`` joined into one bin (the issue asks for
2 hours of takes; ``--ray-seeds`` sets how many scenes, about 2.5-3 minutes of takes each).
Reported: wall seconds, throughput (media seconds per wall second, and takes per minute),
the per-task seconds the workers measured, and the per-task overhead
``(wall x slots - sum of task seconds) / tasks`` (scheduling, argument and result transfer,
model loading on a fresh worker, and the idle tail when fewer tasks than slots remain), plus
the round trip of an empty task. The cut assembled from the Ray analyses is compared with
the cut of the same bin analysed by the local path in a fresh process (``same cut``).
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Optional

from . import markdown_table


def start_local_cluster(worker_nodes: int = 2, cpus_per_worker: int = 1):
    """A head node without task slots plus ``worker_nodes`` nodes on this machine; the
    ``ray.cluster_utils.Cluster`` (call ``shutdown()``), connected from this process."""
    import ray
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, connect=False,
                      head_node_args={"num_cpus": 0, "num_gpus": 0, "include_dashboard": False,
                                      "object_store_memory": 150 * 1024 * 1024})
    for _ in range(worker_nodes):
        cluster.add_node(num_cpus=cpus_per_worker, num_gpus=0, object_store_memory=150 * 1024 * 1024)
    ray.init(address=cluster.address, log_to_driver=False)
    cluster.wait_for_nodes()
    return cluster


def _empty_task_ms(ray, n: int = 20) -> float:
    """Median round trip of a task that does nothing, in ms (after one warm-up)."""
    noop = ray.remote(num_cpus=1)(lambda: None)
    ray.get(noop.remote())
    times = []
    for _ in range(n):
        tick = time.perf_counter()
        ray.get(noop.remote())
        times.append((time.perf_counter() - tick) * 1000)
    return statistics.median(times)


def run_ray_bench(material: Path, work: Path, seeds: int, files_per_seed: Optional[int], options: dict,
                  timeout: float, log=print, local: Optional[dict] = None) -> dict:
    """The Ray run (see the module docstring); ``local``: the local path's cold result for the
    same bin when the caller has it (:mod:`.speed_run`), else it is measured here first."""
    import ray

    from roughcut_core.media import probe_many
    from roughcut_core.pipeline import PipelineOptions, RoughCutPipeline
    from roughcut_core.script import load_script

    from bridge_server.executors import RayExecutor

    from .speed import _bin_for, run_child
    from .speed_run import cut_fingerprint

    work.mkdir(parents=True, exist_ok=True)
    b = _bin_for(material, work, seeds, files_per_seed, log)
    if local is None:
        log(f"ray: {len(b.media)} takes, {b.media_seconds / 60:.1f} min: local cut first (for the same-cut check) ...")
        local = run_child({"mode": "cold", "media": [str(p) for p in b.media], "script": str(b.script),
                           "cache_dir": str(work / "cache-local"), "out_dir": str(work / "out-local"),
                           "options": options}, work / "run-local", timeout)
    log("ray: starting head + 2 worker nodes ...")
    tick = time.perf_counter()
    cluster = start_local_cluster()
    start_s = time.perf_counter() - tick
    try:
        empty_ms = _empty_task_ms(ray)
        slots = int(ray.cluster_resources().get("CPU", 0))
        pipe_options = PipelineOptions(asr_model=options.get("asr_model", "tiny.en"),
                                       device=options.get("device", "cpu"),
                                       picture=bool(options.get("picture", True)),
                                       cache_dir=str(work / "cache-ray"))
        executor = RayExecutor(cluster.address, str(work / "cache-ray"), gpus_per_task=0)
        assets, _errors = probe_many(b.media)
        log(f"ray: analysing {len(assets)} takes on {slots} worker slots ...")
        tick = time.perf_counter()
        results = list(executor.analyze(pipe_options, assets))
        wall = time.perf_counter() - tick
        failed = [str(r) for _, r, _ in results if isinstance(r, Exception)]
        analyses = [r for _, r, _ in sorted(results, key=lambda t: t[0]) if not isinstance(r, Exception)]
        task_s = [s for _, r, s in results if not isinstance(r, Exception)]
        pipeline = RoughCutPipeline(pipe_options)
        result = pipeline.assemble(load_script(b.script), analyses)
        fingerprint = cut_fingerprint(result.cut)
        executor.close()
    finally:
        ray.shutdown()
        cluster.shutdown()
    n = len(task_s)
    return {
        "takes": len(b.media), "media_s": b.media_seconds, "seeds": list(b.seeds), "slots": slots,
        "cluster_start_s": start_s, "wall_s": wall, "failed": failed,
        "x_real_time": b.media_seconds / wall, "takes_per_min": len(b.media) / wall * 60,
        "task_s_median": statistics.median(task_s) if task_s else None,
        "task_s_sum": sum(task_s),
        "x_real_time_per_slot": b.media_seconds / sum(task_s) if task_s else None,
        "overhead_per_task_s": (wall * slots - sum(task_s)) / n if n else None,
        "empty_task_ms": empty_ms,
        "local_total_s": local["total_s"], "local_analyse_s": local["analyse_s"],
        "local_x_real_time": local["media_s"] / local["total_s"],
        "speedup_vs_local_analysis": local["analyse_s"] / wall,
        "same_cut": fingerprint == local["cut"],
        "cut_decisions": len(fingerprint), "local_cut_decisions": len(local["cut"]),
        "lines_in_cut": (result.cut.coverage or {}).get("lines_in_cut"),
    }


def ray_table(r: dict) -> str:
    """The Ray run as a markdown table."""
    hours = r["media_s"] / 3600
    rows = [
        ["takes / minutes of takes", f"{r['takes']} / {r['media_s'] / 60:.1f}"],
        ["worker slots (head + 2 worker nodes, 1 CPU each)", r["slots"]],
        ["cluster start s", r["cluster_start_s"]],
        ["analysis wall s on Ray", r["wall_s"]],
        ["throughput, x real time (Ray)", r["x_real_time"]],
        ["throughput, takes per minute (Ray)", r["takes_per_min"]],
        ["local path analysis s, same takes (one process)", r["local_analyse_s"]],
        ["Ray speed-up over the local analysis", r["speedup_vs_local_analysis"]],
        ["task seconds, median (measured in the worker)", r["task_s_median"]],
        ["x real time per worker slot (media s / sum of task s)", r.get("x_real_time_per_slot")],
        ["overhead per task s ((wall x slots - sum of task s) / tasks)", r["overhead_per_task_s"]],
        ["empty task round trip ms", r["empty_task_ms"]],
        ["failed tasks", len(r["failed"])],
        ["same cut as the local path", "yes" if r["same_cut"] else
         f"NO ({r['cut_decisions']} vs {r['local_cut_decisions']} decisions)"],
        ["2 h of takes at this throughput, h (extrapolated, not measured)", 2.0 / r["x_real_time"]],
    ]
    return f"Ray scale-out ({hours * 60:.1f} min of takes):\n\n" + markdown_table(["metric", "value"], rows)
