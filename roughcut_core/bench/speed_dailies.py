"""A day of dailies on Ray: `roughcut bench speed dailies --work DIR [--hours 2]`.

Issue 23, item 4, measured instead of extrapolated. The material is demo scenes (the demo
generator's default 640x360 H.264/AAC takes, about 2.5-3 minutes of takes per seed), seeds
0, 1, 2, ... until ``--hours`` of takes, linked into one bin. Every take is analysed through
the bridge's :class:`~bridge_server.executors.RayExecutor` on a local Ray cluster: a head node
with no task slots plus ``--worker-nodes`` nodes of one CPU each (real raylets; two worker
processes by default). Each scene is then cut from the Ray analyses with its own screenplay
(a day of dailies is cut scene by scene).

Resumable: everything lives in ``--work``. The analysis cache there keeps every finished take,
and ``tasks.jsonl`` records each task as it finishes (session, file, media seconds, task
seconds, the worker's CPU seconds and peak RSS). A killed run started again with the same
``--work`` submits the takes no earlier session finished first (so its throughput is measured
on real work), then the finished ones, which are cache reads. Throughput is summed over the
sessions that did real work.

Ray starts its workers 15 nice levels below the raylet (``RAY_worker_niceness``, default 15); on
a shared machine that starves them, so give ``RAY_worker_niceness=0`` in the environment to run
them at the driver's level (the workers' nice level is reported).

Reported: media seconds per wall second, takes per minute, per-task overhead
``(wall x slots - sum of task s) / tasks``, CPU seconds (workers, Ray's own processes, the
driver) beside wall seconds, peak RSS per process kind, the load average during the run (also
written to ``load.log`` as ``uptime`` prints it), and whether the cut equals the local path's.
The local path (``RoughCutPipeline.analyze_assets`` in one fresh process, empty cache, as
`roughcut cut` runs it) is measured on the first ``--compare-seeds`` scenes only (the whole
day in one process would take as long again); the report names them. Results go to
``DIR/result.json``; ``--from-json`` re-prints a saved table.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Optional

from . import markdown_table
from .speed_material import build_bin, ensure_scenes, media_seconds

REPO = Path(__file__).resolve().parents[2]


def choose_scenes(material: Path, hours: float, log: Callable[[str], None]) -> dict[int, Path]:
    """Demo scenes of seeds 0, 1, ... (generated when missing) until ``hours`` of takes. A seed
    the generator refuses (it found no defect placement that keeps a perfect cut) is skipped,
    logged, and remembered in ``material/seed<N>.refused`` so a resumed run does not try again."""
    scenes: dict[int, Path] = {}
    total, seed = 0.0, 0
    while total < hours * 3600:
        refused = Path(material) / f"seed{seed}.refused"
        if refused.is_file():
            seed += 1
            continue
        try:
            scenes.update(ensure_scenes(material, [seed], log=log))
        except RuntimeError as exc:
            if "no defect placement" not in str(exc):
                raise  # only the generator's refusal of a seed is skipped; anything else is a fault
            log(f"seed {seed} skipped: {exc}")
            refused.write_text(str(exc) + "\n", encoding="utf-8")
            seed += 1
            continue
        total += sum(media_seconds(p) for p in sorted((scenes[seed] / "media").glob("*.mp4")))
        seed += 1
    return scenes


def _seed_of(path) -> int:
    return int(Path(path).name.split("_", 1)[0][1:])


def cut_per_scene(pipeline, scenes: dict[int, Path], analyses) -> tuple[dict, float]:
    """Each scene cut with its own screenplay from the analyses of its takes (bin names
    ``s<seed>_<take>.mp4``); ``({seed: cut fingerprint}, seconds)``."""
    from roughcut_core.script import load_script

    from .speed_run import cut_fingerprint

    tick = time.perf_counter()
    cuts = {}
    for seed in sorted(scenes):
        mine = [a for a in analyses if _seed_of(a.asset.path) == seed]
        if mine:
            result = pipeline.assemble(load_script(scenes[seed] / "scene.fountain"), mine)
            cuts[str(seed)] = cut_fingerprint(result.cut)
    return cuts, time.perf_counter() - tick


def _read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:  # a line cut short by a kill
            continue
    return out


def _append(path: Path, record: dict) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


def _pipeline_options(options: dict, cache_dir: Path):
    from roughcut_core.pipeline import PipelineOptions

    return PipelineOptions(asr_model=options.get("asr_model", "tiny.en"), device=options.get("device", "cpu"),
                           picture=bool(options.get("picture", True)), cache_dir=str(cache_dir))


def ray_session(b, scenes: dict[int, Path], work: Path, options: dict, worker_nodes: int, log) -> dict:
    """One session of the Ray run (see the module docstring); appends to ``tasks.jsonl``."""
    import ray

    from roughcut_core.cache import AnalysisCache
    from roughcut_core.media import probe_many
    from roughcut_core.pipeline import RoughCutPipeline

    from bridge_server.executors import RayExecutor

    from .speed_procs import ProcessMonitor
    from .speed_ray import _empty_task_ms, start_local_cluster

    session = time.strftime("%Y%m%dT%H%M%S")
    done_before = {r["file"] for r in _read_jsonl(work / "tasks.jsonl") if not r.get("error") and r.get("computed")}
    assets, errors = probe_many(b.media)
    if errors:
        log(f"ray: {len(errors)} files could not be probed: {errors[:3]}")
    todo = [a for a in assets if Path(a.path).name not in done_before]
    again = [a for a in assets if Path(a.path).name in done_before]
    ordered = todo + again
    monitor = ProcessMonitor(interval=5.0, load_every=30.0, load_log=work / "load.log").start()
    cpu0 = time.process_time()
    log(f"ray: session {session}: {len(todo)} takes to analyse, {len(again)} finished earlier (cache reads); "
        f"starting head + {worker_nodes} worker nodes ...")
    tick = time.perf_counter()
    cluster = start_local_cluster(worker_nodes=worker_nodes)
    start_s = time.perf_counter() - tick
    pipe_options = _pipeline_options(options, work / "cache-ray")
    try:
        empty_ms = _empty_task_ms(ray)
        slots = int(ray.cluster_resources().get("CPU", 0))
        executor = RayExecutor(cluster.address, str(work / "cache-ray"), gpus_per_task=0)
        results: dict[int, object] = {}
        computed_wall = 0.0
        tick = time.perf_counter()
        for n, (idx, result, seconds) in enumerate(executor.analyze(pipe_options, ordered), start=1):
            a = ordered[idx]
            computed = idx < len(todo)
            stats = executor.task_stats.get(idx, {})
            err = str(result) if isinstance(result, Exception) else None
            _append(work / "tasks.jsonl", {"session": session, "file": Path(a.path).name, "media_s": a.duration,
                                            "task_s": seconds, "computed": computed, "error": err,
                                            "finished_s": time.perf_counter() - tick, **stats})
            if computed:
                computed_wall = time.perf_counter() - tick
            results[idx] = result
            if n % 10 == 0 or n == len(ordered):
                log(f"ray: {n}/{len(ordered)} takes done, {time.perf_counter() - tick:.0f} s, "
                    f"load {os.getloadavg()[0]:.1f}")
        wall = time.perf_counter() - tick
        monitor.sample()  # the workers' CPU time before the cluster goes
        analyses = [results[i] for i in sorted(results) if not isinstance(results[i], Exception)]
        pipeline = RoughCutPipeline(pipe_options, cache=AnalysisCache(work / "cache-ray"))
        cuts, assemble_s = cut_per_scene(pipeline, scenes, analyses)
        executor.close()
    finally:
        ray.shutdown()
        monitor.sample()
        cluster.shutdown()
        monitor.stop()
    record = {"session": session, "cluster_start_s": start_s, "empty_task_ms": empty_ms, "slots": slots,
              "driver_nice": os.nice(0), "ray_worker_niceness": os.environ.get("RAY_worker_niceness"),
              "wall_s": wall, "computed_wall_s": computed_wall, "computed_takes": len(todo),
              "cache_read_takes": len(again), "assemble_s": assemble_s, "driver_cpu_s": time.process_time() - cpu0,
              "processes": monitor.summary(), "failed": [str(r) for r in results.values() if isinstance(r, Exception)]}
    _append(work / "sessions.jsonl", record)
    (work / "cut_ray.json").write_text(json.dumps(cuts), encoding="utf-8")
    return record


def run_local(b, scenes: dict[int, Path], seeds: list[int], work: Path, options: dict, timeout: float) -> dict:
    """The local path on the takes of ``seeds`` in a fresh process (``--local-child``)."""
    spec = {"media": [str(p) for p in b.media if _seed_of(p) in seeds],
            "scenes": {str(s): str(scenes[s]) for s in seeds}, "options": options,
            "cache_dir": str(work / "cache-local")}
    spec_path = work / "spec-local.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-m", "roughcut_core.bench.speed_dailies", "--local-child", str(spec_path)],
                          capture_output=True, text=True, env=env, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"local path run failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _local_child(spec_path: str) -> int:
    import resource

    from roughcut_core.media import probe_many
    from roughcut_core.pipeline import RoughCutPipeline

    from .speed_run import _vm_hwm_mb

    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    cache = Path(spec["cache_dir"])
    fresh = not cache.exists()
    tick = time.perf_counter()
    pipeline = RoughCutPipeline(_pipeline_options(spec["options"], cache))
    assets, _errors = probe_many([Path(p) for p in spec["media"]])
    analyses = list(pipeline.analyze_assets(assets))
    analyse_s = time.perf_counter() - tick
    cuts, assemble_s = cut_per_scene(pipeline, {int(k): Path(v) for k, v in spec["scenes"].items()}, analyses)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"takes": len(assets), "media_s": sum(a.duration for a in assets), "analyse_s": analyse_s,
                      "assemble_s": assemble_s, "cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_mb": _vm_hwm_mb(),
                      "cold_cache": fresh, "cuts": cuts}))
    return 0


def summarize(work: Path, b_media_s: float, takes: int, local: Optional[dict], seeds: list[int]) -> dict:
    """The run's figures from ``tasks.jsonl`` and ``sessions.jsonl`` (all sessions)."""
    tasks = _read_jsonl(work / "tasks.jsonl")
    sessions = _read_jsonl(work / "sessions.jsonl")
    real = [t for t in tasks if t.get("computed") and not t.get("error")]
    latest = {t["file"]: t for t in real}  # a take analysed twice (a killed session) counts once
    # wall of a session = when its last take that needed analysis finished; a killed session
    # (no sessions.jsonl line) counts up to its last finished take, so its lost tail is not counted
    session_wall: dict[str, float] = {}
    for t in real:
        session_wall[t["session"]] = max(session_wall.get(t["session"], 0.0), t["finished_s"])
    wall = sum(session_wall.values())
    worked = [s for s in sessions if s["session"] in session_wall]
    slots = max((s["slots"] for s in sessions), default=0)
    task_s = [t["task_s"] for t in latest.values()]
    media = sum(t["media_s"] for t in latest.values())
    kinds: dict[str, dict] = {}
    for s in worked:
        for kind, k in s["processes"]["kinds"].items():
            agg = kinds.setdefault(kind, {"processes": 0, "peak_rss_mb_max": 0.0, "cpu_s": 0.0})
            agg["processes"] += k["processes"]
            agg["peak_rss_mb_max"] = max(agg["peak_rss_mb_max"], k["peak_rss_mb_max"])
            agg["cpu_s"] += k["cpu_s"]
    loads = [l for s in worked for l in s["processes"]["load"]]
    last = sessions[-1] if sessions else {}
    ray_cuts = json.loads((work / "cut_ray.json").read_text()) if (work / "cut_ray.json").is_file() else {}
    same = None
    if local:
        same = {s: ray_cuts.get(s) == c for s, c in local["cuts"].items()}
    n = len(task_s)
    return {
        "takes": takes, "media_s": b_media_s, "takes_analysed": n, "media_s_analysed": media,
        "sessions": len(set(session_wall) | {s["session"] for s in sessions}),
        "sessions_with_work": len(session_wall), "slots": slots,
        "wall_s": wall, "x_real_time": media / wall if wall else None,
        "takes_per_min": n / wall * 60 if wall else None,
        "task_s_median": statistics.median(task_s) if task_s else None, "task_s_sum": sum(task_s),
        "x_real_time_per_slot": media / sum(task_s) if task_s else None,
        "overhead_per_task_s": (wall * slots - sum(task_s)) / n if n else None,
        "worker_task_cpu_s": sum(t.get("cpu_s") or 0.0 for t in latest.values()),
        "worker_peak_rss_mb": max((t.get("peak_rss_mb") or 0.0 for t in latest.values()), default=None),
        "omp_num_threads": sorted({str(t.get("omp_num_threads")) for t in latest.values()}),
        "torch_threads": sorted({str(t.get("torch_threads")) for t in latest.values()}),
        "worker_nice": sorted({str(t.get("nice")) for t in latest.values()}),
        "process_kinds": kinds, "load": loads,
        "load_max": max((l[1] for l in loads), default=None),
        "load_mean": statistics.fmean(l[1] for l in loads) if loads else None,
        "cluster_start_s": last.get("cluster_start_s"), "empty_task_ms": last.get("empty_task_ms"),
        "assemble_s": last.get("assemble_s"), "scenes_cut": len(ray_cuts),
        "failed": sum(1 for t in tasks if t.get("error")),
        "local": local, "local_seeds": seeds, "same_cut": same,
    }


def table(r: dict) -> str:
    """The run as markdown tables."""
    local = r.get("local") or {}
    same = r.get("same_cut")
    same_txt = "not compared" if same is None else (
        f"{'yes' if all(same.values()) else 'NO'} ({sum(same.values())}/{len(same)} scenes: seeds "
        f"{', '.join(sorted(same, key=int))}; the local path ran on these only)")
    rows = [
        ["takes / hours of takes", f"{r['takes_analysed']} of {r['takes']} / {r['media_s_analysed'] / 3600:.2f}"],
        ["worker slots (head with 0 CPUs + worker nodes of 1 CPU)", r["slots"]],
        ["sessions (resumed runs) / with analysis work", f"{r['sessions']} / {r['sessions_with_work']}"],
        ["analysis wall s on Ray", r["wall_s"]],
        ["throughput, media s per wall s (x real time)", r["x_real_time"]],
        ["throughput, takes per minute", r["takes_per_min"]],
        ["task s, median (measured in the worker)", r["task_s_median"]],
        ["media s per task s, per worker slot", r["x_real_time_per_slot"]],
        ["overhead per task s ((wall x slots - sum of task s) / tasks)", r["overhead_per_task_s"]],
        ["empty task round trip ms", r["empty_task_ms"]],
        ["cluster start s", r["cluster_start_s"]],
        ["worker CPU s in tasks (sum) / media s per CPU s", f"{r['worker_task_cpu_s']:.0f} / "
         f"{r['media_s_analysed'] / r['worker_task_cpu_s']:.2f}" if r["worker_task_cpu_s"] else "-"],
        ["OMP_NUM_THREADS / torch threads / nice level seen in the workers", f"{', '.join(r['omp_num_threads'])} / "
         f"{', '.join(r['torch_threads'])} / {', '.join(r.get('worker_nice') or ['-'])}"],
        ["cut of every scene from the Ray analyses s (scenes)", f"{r['assemble_s']:.1f} ({r['scenes_cut']})"
         if r.get("assemble_s") is not None else "-"],
        ["failed tasks", r["failed"]],
        ["load average (1 min) during the run, mean / max (2 CPUs)",
         f"{r['load_mean']:.1f} / {r['load_max']:.1f}" if r.get("load") else "-"],
        ["same cut as the local path", same_txt],
    ]
    if local:
        rows += [["local path on the compared scenes: takes, media s", f"{local['takes']}, {local['media_s']:.0f}"],
                 ["local path analysis wall s / CPU s / x real time",
                  f"{local['analyse_s']:.1f} / {local['cpu_s']:.1f} / {local['media_s'] / local['analyse_s']:.2f}"],
                 ["local path peak RSS MiB", local["peak_rss_mb"]]]
    out = [f"Day of dailies on Ray ({r['media_s_analysed'] / 3600:.2f} h of takes):\n",
           markdown_table(["metric", "value"], rows), "\nPer process kind (all sessions with work):\n"]
    kind_rows = [[k, v["processes"], v["peak_rss_mb_max"], v["cpu_s"]]
                 for k, v in sorted(r["process_kinds"].items(), key=lambda kv: -kv[1]["cpu_s"])]
    out.append(markdown_table(["process", "count", "peak RSS MiB (largest)", "CPU s (sum)"], kind_rows))
    return "\n".join(out)


def run(argv=None) -> int:
    p = argparse.ArgumentParser(prog="roughcut bench speed dailies", description=__doc__.split("\n\n")[0])
    p.add_argument("--work", help="run folder: cache, task log, results (reuse it to resume)")
    p.add_argument("--hours", type=float, default=2.0, help="hours of takes (default 2)")
    p.add_argument("--material-dir", help="demo scenes (default WORK/scenes; generated when missing)")
    p.add_argument("--worker-nodes", type=int, default=2)
    p.add_argument("--compare-seeds", type=int, default=2, help="scenes also cut by the local path (0: none)")
    p.add_argument("--skip-ray", action="store_true", help="only the local comparison and the table")
    p.add_argument("--no-picture", action="store_true")
    p.add_argument("--asr-model", default="tiny.en")
    p.add_argument("--timeout", type=float, default=4 * 3600)
    p.add_argument("--from-json", metavar="FILE", help="print the table of a saved result.json")
    p.add_argument("--json", action="store_true")
    p.add_argument("--local-child", metavar="SPEC", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.local_child:
        return _local_child(args.local_child)
    if args.from_json:
        print(table(json.loads(Path(args.from_json).read_text(encoding="utf-8"))))
        return 0
    if not args.work:
        p.error("--work DIR is required (the run is resumable from it)")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    log = (lambda msg: print(f"{time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True))
    options = {"picture": not args.no_picture, "asr_model": args.asr_model, "device": "cpu"}
    scenes = choose_scenes(Path(args.material_dir) if args.material_dir else work / "scenes", args.hours, log)
    b = build_bin(work / "bin", scenes)
    log(f"{len(scenes)} scenes, {len(b.media)} takes, {b.media_seconds / 3600:.2f} h of takes")
    if not args.skip_ray:
        ray_session(b, scenes, work, options, args.worker_nodes, log)
    seeds = sorted(scenes)[:max(0, args.compare_seeds)]
    local = None
    if seeds:
        saved = work / "local.json"
        if saved.is_file():
            local = json.loads(saved.read_text(encoding="utf-8"))
        else:
            log(f"local path on seeds {seeds} (fresh process, empty cache) ...")
            local = run_local(b, scenes, seeds, work, options, args.timeout)
            saved.write_text(json.dumps(local), encoding="utf-8")
    res = summarize(work, b.media_seconds, len(b.media), local, seeds)
    (work / "result.json").write_text(json.dumps(res, indent=2), encoding="utf-8")
    print(json.dumps(res, indent=2) if args.json else table(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
