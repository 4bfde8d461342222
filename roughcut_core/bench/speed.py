"""Speed benchmark (`roughcut bench speed`): the whole cut against a plain decode, per stage,
regeneration from cache, the bridge's memory after 10 jobs, and growth with the material.

Material: demo scenes (``roughcut demo-scene``) of seeds 0, 1, 2, ... joined into one bin per
size (:mod:`.speed_material`); size *m* ("m x") holds the takes of seeds ``0..m-1``
(``--files-per-seed`` keeps only the first takes of each, for short runs). Scenes are kept in
``--material-dir`` when given, so a second run skips generating them.

For each size (``--multiples``, default 1 2 4), a fresh process (:mod:`.speed_run`) first
decodes every frame of the files with PyAV (nothing converted), then makes the cut as
`roughcut cut` does with an empty cache. Reported per size: wall and CPU seconds of both, the
ratio cut ÷ decode, the real-time factor (media seconds ÷ wall seconds; higher is faster) and
the process's peak RSS. Per stage (smallest size): seconds and real-time factor. Then:

- regeneration: the largest size's cut made again from its filled cache, ``--regen-runs`` times
  (default 3), each in a fresh process (target < 1 s for a 10-minute scene; the default 4 x is
  about 11 minutes of takes); the run of median wall time is reported, with every run's wall and
  CPU seconds and the load average it met (:func:`measure_regen`: one run on a loaded machine is
  mostly the load's);
- bridge: a real bridge process (``bench bridge``) runs 10 jobs over the 1 x takes with picture
  analysis; its peak RSS (target < 2 GB);
- growth: seconds per media second and peak RSS at the largest size ÷ the smallest
  (linear time and flat memory give 1.0 and about 1.0).

Wall-clock numbers depend on what else the machine runs, so the load average is reported and
CPU seconds are given beside wall seconds. ``--ray`` adds the Ray scale-out run
(:mod:`.speed_ray`). ``--quick``: 1 x and 2 x of two takes per seed, 4 bridge jobs.
``roughcut bench speed dailies --work DIR``: hours of takes on a local Ray cluster, resumable
(:mod:`.speed_dailies`); not part of ``bench all``. ``--stage-cpu`` adds the CPU seconds per
stage of the smallest size's cold cut, its files analysed one after another
(:mod:`.speed_stages`; also ``roughcut bench speed stages --media DIR --script FILE``).
``--json`` prints the raw results.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

from . import markdown_table
from .speed_material import build_bin, ensure_scenes

REPO = Path(__file__).resolve().parents[2]
TARGET_RTF, TARGET_DECODE_RATIO, TARGET_REGEN_S, TARGET_RSS_MB = 10.0, 1.5, 1.0, 2048.0


def run_child(spec: dict, work: Path, timeout: float) -> dict:
    """Run one :mod:`.speed_run` measurement in a fresh Python process; its JSON result."""
    work.mkdir(parents=True, exist_ok=True)
    spec_path = work / f"spec-{spec['mode']}.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    tick = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "roughcut_core.bench.speed_run", str(spec_path)],
                          capture_output=True, text=True, env=env, timeout=timeout)
    wall = time.perf_counter() - tick
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.strip().splitlines() if l.strip()] or ["no output"]
        raise RuntimeError(f"speed run ({spec['mode']}) failed with {proc.returncode}: {lines[-1]} "
                           f"(spec {spec_path}): {proc.stderr[-2000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["process_wall_s"] = wall
    return res


def measure_regen(spec: dict, work: Path, runs: int, timeout: float) -> dict:
    """The cut made again from ``spec``'s filled cache ``runs`` times (at least once), each in a
    fresh process: the median run (by ``total_s``) with ``runs`` added, a list of every run's
    ``total_s``, ``total_cpu_s``, ``process_wall_s`` and the 1-minute load average before it,
    and ``same_cut_every_run`` (every run's cut fingerprint equals the median run's)."""
    done = []
    for k in range(max(1, runs)):
        load = os.getloadavg()[0]
        r = run_child(dict(spec, mode="regen", out_dir=str(Path(spec["out_dir"]) / f"run{k}")),
                      work / f"run{k}", timeout)
        r["load_average"] = load
        done.append(r)
    median = sorted(done, key=lambda r: r["total_s"])[(len(done) - 1) // 2]
    out = dict(median)
    out["runs"] = [{"total_s": r["total_s"], "total_cpu_s": r["total_cpu_s"], "process_wall_s": r["process_wall_s"],
                    "load_average": r["load_average"]} for r in done]
    out["same_cut_every_run"] = all(r["cut"] == median["cut"] for r in done)
    return out


def _bin_for(material: Path, work: Path, multiple: int, files_per_seed: Optional[int], log) -> object:
    scenes = ensure_scenes(material, range(multiple), log=log)
    if files_per_seed:
        trimmed = {}
        for seed, scene in scenes.items():
            keep = work / f"trim{seed}"
            if keep.exists():
                shutil.rmtree(keep)
            (keep / "media").mkdir(parents=True)
            shutil.copyfile(scene / "scene.fountain", keep / "scene.fountain")
            for src in sorted((scene / "media").glob("*.mp4"))[:files_per_seed]:
                os.symlink(src.resolve(), keep / "media" / src.name)
            trimmed[seed] = keep
        scenes = trimmed
    return build_bin(work / f"bin{multiple}x", scenes)


def run_bench(material: Path, work: Path, multiples: tuple[int, ...], files_per_seed: Optional[int],
              options: dict, bridge_jobs: int, timeout: float, log=print, regen_runs: int = 3) -> dict:
    res: dict = {"multiples": [], "options": options, "cpus": os.cpu_count(),
                 "load_average_start": os.getloadavg()[0]}
    bins = {}
    for m in sorted(set(multiples)):
        b = _bin_for(material, work, m, files_per_seed, log)
        bins[m] = b
        log(f"{m}x: {len(b.media)} files, {b.media_seconds:.0f} s of takes: decode + cold cut ...")
        r = run_child({"mode": "cold", "media": [str(p) for p in b.media], "script": str(b.script),
                       "cache_dir": str(work / f"cache{m}x"), "out_dir": str(work / f"out{m}x"),
                       "options": options}, work / f"run{m}x", timeout)
        r["multiple"] = m
        r["seeds"] = list(b.seeds)
        res["multiples"].append(r)
    largest = max(bins)
    b = bins[largest]
    log(f"regeneration from cache ({b.media_seconds / 60:.1f} min of takes), {regen_runs} fresh processes ...")
    res["regen"] = measure_regen({"media": [str(p) for p in b.media], "script": str(b.script),
                                  "cache_dir": str(work / f"cache{largest}x"), "out_dir": str(work / "out-regen"),
                                  "options": options}, work / "run-regen", regen_runs, timeout)
    res["regen"]["same_cut_as_cold"] = (res["regen"]["cut"] == res["multiples"][-1]["cut"]
                                        and res["regen"].get("same_cut_every_run", True))
    if bridge_jobs:
        from .bridge import run_bench as bridge_bench

        smallest = bins[min(bins)]
        log(f"bridge: {bridge_jobs} jobs over {len(smallest.media)} files ...")
        res["bridge"] = bridge_bench(smallest.root, list(smallest.media), smallest.script, bridge_jobs,
                                     bool(options.get("picture", True)), 0.2, timeout)
    res["load_average_end"] = os.getloadavg()[0]
    return res


def _derived(res: dict) -> dict:
    """Ratios from the raw results (also printed with --json)."""
    rows = res["multiples"]
    for r in rows:
        r["cut_over_decode"] = r["total_s"] / r["decode_s"] if r["decode_s"] else None
        r["cut_over_decode_cpu"] = r["total_cpu_s"] / r["decode_cpu_s"] if r["decode_cpu_s"] else None
        r["x_real_time"] = r["media_s"] / r["total_s"] if r["total_s"] else None
        r["s_per_media_s"] = r["total_s"] / r["media_s"] if r["media_s"] else None
        r["cpu_s_per_media_s"] = r["total_cpu_s"] / r["media_s"] if r["media_s"] else None
        r["media_s_per_cpu_s"] = r["media_s"] / r["total_cpu_s"] if r["total_cpu_s"] else None
    small, big = rows[0], rows[-1]
    growth = {"from": small["multiple"], "to": big["multiple"],
              "media_ratio": big["media_s"] / small["media_s"],
              "time_per_media_s_ratio": big["s_per_media_s"] / small["s_per_media_s"],
              "cpu_per_media_s_ratio": big["cpu_s_per_media_s"] / small["cpu_s_per_media_s"],
              "peak_rss_ratio": big["peak_rss_mb"] / small["peak_rss_mb"]}
    return growth


def _table(res: dict) -> str:
    growth = res["growth"]
    out = []
    rows = []
    for r in res["multiples"]:
        rows.append([f"{r['multiple']}x", r["files"], r["media_s"], r["decode_s"], r["total_s"],
                     r["cut_over_decode"], r["x_real_time"], r["decode_cpu_s"], r["total_cpu_s"],
                     r["cut_over_decode_cpu"], r["media_s"] / r["total_cpu_s"], r["peak_rss_mb"],
                     f"{r['lines_in_cut']}/{r['lines']}"])
    out.append(markdown_table(["size", "files", "media s", "decode s", "cut s", "cut ÷ decode", "x real time",
                               "decode CPU s", "cut CPU s", "cut ÷ decode (CPU)", "media s per CPU s",
                               "peak RSS MiB", "lines cut"],
                              rows))
    first = res["multiples"][0]
    stage_rows = [[stage, sec, first["media_s"] / sec if sec else None, sec / first["analyse_s"] if first["analyse_s"] else None]
                  for stage, sec in sorted(first["stages_s"].items(), key=lambda kv: -kv[1])]
    stage_rows.append(["assemble + write (scene level)", first["assemble_s"],
                       first["media_s"] / first["assemble_s"] if first["assemble_s"] else None, None])
    out.append(f"\nPer stage, {first['multiple']}x ({first['stages_how']}):\n")
    out.append(markdown_table(["stage", "wall s", "x real time", "share of analysis"], stage_rows))
    big, regen = res["multiples"][-1], res["regen"]
    bridge = res.get("bridge") or {}

    def met(ok):
        return "yes" if ok else "NO"

    rtf, ratio = big["x_real_time"], big["cut_over_decode"]
    checks = [
        [f"whole cut, x real time ({big['multiple']}x)", rtf, f">= {TARGET_RTF:g}", met(rtf >= TARGET_RTF)],
        [f"whole cut ÷ plain decode ({big['multiple']}x)", ratio, f"<= {TARGET_DECODE_RATIO:g}",
         met(ratio <= TARGET_DECODE_RATIO)],
        [f"regeneration from cache s ({regen['media_s'] / 60:.1f} min of takes; median of "
         f"{len(regen.get('runs') or [regen])} fresh processes)", regen["total_s"],
         f"< {TARGET_REGEN_S:g}", met(regen["total_s"] < TARGET_REGEN_S)],
        ["regeneration CPU s", regen["total_cpu_s"], "-", "-"],
        ["regeneration, every run: wall s / CPU s (load)", "; ".join(
            f"{r['total_s']:.2f} / {r['total_cpu_s']:.2f} ({r['load_average']:.1f})" for r in regen.get("runs") or ()) or "-",
         "-", "-"],
        ["regeneration: reading the analyses back s / scene-level steps s", f"{regen['analyse_s']:.2f} / "
         f"{regen['assemble_s']:.2f}", "-", "-"],
        ["regeneration: slowest analysis stage (a cache read should be ~0)",
         ", ".join(f"{k} {v:.2f} s" for k, v in sorted((regen.get("stages_s") or {}).items(),
                                                    key=lambda kv: -kv[1])[:1]) or "-", "-", "-"],
        ["regeneration, whole process s (interpreter start included)", regen["process_wall_s"], "-", "-"],
        ["regenerated cut = cold cut", "yes" if regen["same_cut_as_cold"] else "no", "yes",
         met(regen["same_cut_as_cold"])],
    ]
    if bridge:
        rss = bridge.get("peak_rss_mb")
        checks.append([f"bridge peak RSS MiB after {bridge['jobs']} jobs ({bridge['done']} done)", rss,
                       f"< {TARGET_RSS_MB:g}", met(rss is not None and rss < TARGET_RSS_MB)])
    checks += [
        [f"time per media s, {growth['to']}x ÷ {growth['from']}x (media x{growth['media_ratio']:.2f})",
         growth["time_per_media_s_ratio"], "≈ 1 (linear)", met(growth["time_per_media_s_ratio"] < 1.25)],
        [f"CPU per media s, {growth['to']}x ÷ {growth['from']}x", growth["cpu_per_media_s_ratio"], "≈ 1 (linear)",
         met(growth["cpu_per_media_s_ratio"] < 1.25)],
        [f"peak RSS, {growth['to']}x ÷ {growth['from']}x", growth["peak_rss_ratio"], "≈ 1 (flat)",
         met(growth["peak_rss_ratio"] < 1.25)],
        ["machine load average (1 min) start / end, CPUs",
         f"{res['load_average_start']:.1f} / {res['load_average_end']:.1f}, {res['cpus']}", "-", "-"],
    ]
    out.append("\n" + markdown_table(["metric", "value", "target", "met"], checks))
    if res.get("stage_cpu"):
        from .speed_stages import stage_table

        out.append("\n" + stage_table(res["stage_cpu"]))
    if res.get("ray"):
        from .speed_ray import ray_table

        out.append("\n" + ray_table(res["ray"]))
    return "\n".join(out)


def run(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["dailies"]:  # `roughcut bench speed dailies ...`: the day of dailies on Ray
        from .speed_dailies import run as run_dailies

        return run_dailies(argv[1:])
    if argv[:1] == ["stages"]:  # `roughcut bench speed stages ...`: CPU per stage of one cold cut
        from .speed_stages import run as run_stages

        return run_stages(argv[1:])
    p = argparse.ArgumentParser(prog="roughcut bench speed", description=__doc__.split("\n\n")[0],
                                epilog="`roughcut bench speed dailies --work DIR` runs the day of dailies "
                                       "on a local Ray cluster (bench/speed_dailies.py); `roughcut bench speed "
                                       "stages --media DIR --script FILE` the CPU seconds per stage of one cold "
                                       "cut (bench/speed_stages.py).")
    p.add_argument("--multiples", type=int, nargs="+", default=None, help="material sizes (default 1 2 4)")
    p.add_argument("--files-per-seed", type=int, default=None, help="only the first N takes of each scene")
    p.add_argument("--material-dir", help="keep the generated demo scenes here (reused by later runs)")
    p.add_argument("--bridge-jobs", type=int, default=None, help="bridge jobs (default 10; 0 skips)")
    p.add_argument("--no-picture", action="store_true", help="cut without picture analysis")
    p.add_argument("--asr-model", default="tiny.en")
    p.add_argument("--device", default="cpu", choices=("auto", "cpu", "cuda"))
    p.add_argument("--ray", action="store_true", help="also run the Ray scale-out (bench/speed_ray.py)")
    p.add_argument("--ray-seeds", type=int, default=4, help="scenes in the Ray run's day of dailies")
    p.add_argument("--regen-runs", type=int, default=3,
                   help="fresh processes that each regenerate the largest cut from its cache (default 3; "
                        "the median is reported)")
    p.add_argument("--quick", action="store_true", help="short run for development")
    p.add_argument("--stage-cpu", action="store_true",
                   help="also a cold cut of the smallest size with the files one after another: CPU "
                        "seconds per stage (bench/speed_stages.py)")
    p.add_argument("--timeout", type=float, default=7200)
    p.add_argument("--gpu", action="store_true",
                   help="GPU path (roughcut_core.gpu_path): ASR on CUDA with large-v3-turbo unless --asr-model")
    p.add_argument("--save", metavar="FILE", help="also write the raw results (JSON) here")
    p.add_argument("--from-json", metavar="FILE", help="print the table of saved results; measure nothing")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if args.from_json:
        print(_table(json.loads(Path(args.from_json).read_text(encoding="utf-8"))))
        return 0
    if args.gpu:
        from roughcut_core.errors import RoughcutError
        from roughcut_core.gpu_path import gpu_settings

        try:
            args.device, args.asr_model = gpu_settings(args.asr_model)
        except RoughcutError as exc:
            print(f"roughcut bench speed: --gpu: {exc}", file=sys.stderr)
            return 2
    multiples = tuple(args.multiples or ((1, 2) if args.quick else (1, 2, 4)))
    files_per_seed = args.files_per_seed or (2 if args.quick else None)
    bridge_jobs = args.bridge_jobs if args.bridge_jobs is not None else (4 if args.quick else 10)
    options = {"picture": not args.no_picture, "asr_model": args.asr_model, "device": args.device}
    work = Path(tempfile.mkdtemp(prefix="roughcut-bench-speed-"))
    material = Path(args.material_dir) if args.material_dir else work / "scenes"
    log = (lambda msg: print(msg, file=sys.stderr, flush=True))
    try:
        res = run_bench(material, work, multiples, files_per_seed, options, bridge_jobs, args.timeout, log,
                        regen_runs=args.regen_runs)
        if args.stage_cpu:
            from .speed_stages import measure_stages

            smallest = _bin_for(material, work, min(multiples), files_per_seed, log)
            log("CPU per stage: a cold cut with the files one after another ...")
            res["stage_cpu"] = measure_stages(smallest.media, smallest.script, work / "stages", options,
                                              1, args.timeout)
        res["growth"] = _derived(res)
        if args.ray:
            from .speed_ray import run_ray_bench

            same = [r for r in res["multiples"] if r["multiple"] == args.ray_seeds]
            res["ray"] = run_ray_bench(material, work / "ray", args.ray_seeds, files_per_seed, options,
                                       args.timeout, log, local=same[0] if same else None)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.save:
        Path(args.save).write_text(json.dumps(res, indent=2), encoding="utf-8")
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        print(_table(res))
    return 0
