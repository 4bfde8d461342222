"""Bridge benchmark (`roughcut bench bridge`): concurrent jobs, status-poll latency, memory.

Starts a real bridge (``python -m bridge_server`` on a free port, ``ROUGHCUT_BRIDGE_HOME`` in a
temp dir, so the real user dirs are never touched), then:

- submits ``--jobs`` (default 20) small jobs at once from as many threads: job *k* cuts clip
  *k mod n* of the demo scene (``--scene DIR``, else one is generated, seed 0) against the
  scene's script, ASR + sound quality (``--picture`` adds picture analysis);
- polls job status round-robin every ``--poll-interval`` s while they run and reports the
  latency percentiles of the polls made while some job was in its ``analyse`` stage (target
  p99 < 50 ms);
- checks nothing is lost: every submitted id is listed and ends ``done``;
- reports the bridge's peak RSS (``VmHWM`` of the server process; target < 2 GB with tiny.en).

Analysis is cached per file in the bridge, so jobs that share a clip analyse it once.
``--json`` prints the raw results.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Optional

from . import markdown_table
from .metrics import percentile

REPO = Path(__file__).resolve().parents[2]
TERMINAL = ("done", "failed", "cancelled")


def _peak_rss_mb(pid: int) -> Optional[float]:
    """Peak resident memory (VmHWM) of a live process, in MiB (Linux /proc)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def start_bridge(home: Path, extra: tuple[str, ...] = ()) -> tuple[subprocess.Popen, dict]:
    """A bridge subprocess with its config/data under ``home``; returns it and its bridge.json."""
    import httpx

    env = dict(os.environ, ROUGHCUT_BRIDGE_HOME=str(home))
    env.pop("ROUGHCUT_BRIDGE_TOKEN", None)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    log = open(home / "server.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "bridge_server", "--port", "0", "--log-level", "warning", *extra],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"bridge exited with {proc.returncode}; see {home / 'server.log'}")
        try:
            info = json.loads((home / "config" / "bridge.json").read_text())
            if info.get("pid") == proc.pid and httpx.get(info["url"] + "/v1/ping", timeout=1).status_code == 200:
                return proc, info
        except (OSError, ValueError, httpx.HTTPError):
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("bridge did not start within 120 s")


def _poll_until_done(client, ids: list[str], interval: float, timeout: float) -> tuple[list[float], list[float], dict]:
    """Poll round-robin; (latencies during analysis, all latencies in ms, final job docs)."""
    during, every = [], []
    final: dict = {}
    analysing: dict = {}
    deadline = time.monotonic() + timeout
    i = 0
    while len(final) < len(ids) and time.monotonic() < deadline:
        job_id = ids[i % len(ids)]
        i += 1
        if job_id in final:
            continue
        tick = time.perf_counter()
        r = client.get(f"/v1/jobs/{job_id}")
        ms = (time.perf_counter() - tick) * 1000
        r.raise_for_status()
        doc = r.json()
        every.append(ms)
        analysing[job_id] = doc["stage"] == "analyse"
        if any(analysing.values()):
            during.append(ms)
        if doc["state"] in TERMINAL:
            final[job_id] = doc
            analysing[job_id] = False
        time.sleep(interval)
    return during, every, final


def run_bench(scene_root: Path, media: list[Path], script: Path, jobs: int, picture: bool,
              poll_interval: float, timeout: float) -> dict:
    import httpx

    home = Path(tempfile.mkdtemp(prefix="roughcut-bench-bridge-"))
    allow = sorted({str(Path(p).resolve().parent) for p in media} | {str(Path(script).resolve().parent)})
    proc, info = start_bridge(home, tuple(a for d in allow for a in ("--allow", d)))  # the bridge reads only allowed roots
    try:
        headers = {"Authorization": f"Bearer {info['token']}"}
        client = httpx.Client(base_url=info["url"], headers=headers, timeout=30)

        def submit(k: int) -> str:
            with httpx.Client(base_url=info["url"], headers=headers, timeout=60) as c:
                r = c.post("/v1/jobs", json={"media": [{"path": str(media[k % len(media)])}],
                                             "script": {"path": str(script)},
                                             "options": {"picture": picture}, "name": f"bench-{k}"})
                r.raise_for_status()
                return r.json()["id"]

        idle = []  # the same poll with nothing running: what this machine's load alone costs
        for _ in range(100):
            t0 = time.perf_counter()
            client.get("/v1/health").raise_for_status()
            idle.append((time.perf_counter() - t0) * 1000)
            time.sleep(poll_interval)
        tick = time.perf_counter()
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            ids = list(pool.map(submit, range(jobs)))
        submit_s = time.perf_counter() - tick
        during, every, final = _poll_until_done(client, ids, poll_interval, timeout)
        wall = time.perf_counter() - tick
        listed = {j["id"] for j in client.get("/v1/jobs", params={"limit": 500}).json()["jobs"]}
        rss = _peak_rss_mb(proc.pid)
        client.close()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(home, ignore_errors=True)
    states = [final[i]["state"] if i in final else "unfinished" for i in ids]
    return {
        "jobs": jobs, "clips": len(media), "picture": picture, "submit_s": submit_s, "wall_s": wall,
        "done": states.count("done"), "failed": states.count("failed"), "unfinished": states.count("unfinished"),
        "lost": len(set(ids) - listed), "errors": sorted({final[i]["error"] for i in final if final[i]["error"]}),
        "polls_during_analysis": len(during), "polls": len(every),
        "poll_p50_ms": percentile(during, 50) if during else None,
        "poll_p99_ms": percentile(during, 99) if during else None,
        "poll_max_ms": max(during) if during else None,
        "poll_p99_all_ms": percentile(every, 99) if every else None,
        "idle_poll_p50_ms": percentile(idle, 50), "idle_poll_p99_ms": percentile(idle, 99),
        "load_average_1m": os.getloadavg()[0], "cpus": os.cpu_count(),
        "peak_rss_mb": rss,
    }


def run(argv=None) -> int:
    p = argparse.ArgumentParser(prog="roughcut bench bridge", description=__doc__.split("\n\n")[0])
    p.add_argument("--jobs", type=int, default=20)
    p.add_argument("--scene", help="an existing demo scene folder (default: generate one, seed 0)")
    p.add_argument("--picture", action="store_true", help="also run picture analysis")
    p.add_argument("--poll-interval", type=float, default=0.02)
    p.add_argument("--timeout", type=float, default=1800)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    tmp = None
    if args.scene:
        root = Path(args.scene)
        media = sorted((root / "media").glob("*.mp4"))
        script = root / "scene.fountain"
    else:
        from roughcut_core.demo import build_demo_scene

        tmp = Path(tempfile.mkdtemp(prefix="roughcut-bench-scene-"))
        scene = build_demo_scene(tmp / "scene", seed=0)
        root, media, script = scene.root, list(scene.media_paths), scene.script_path
    try:
        res = run_bench(root, media, script, args.jobs, args.picture, args.poll_interval, args.timeout)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        ok = res["done"] == res["jobs"] and res["lost"] == 0
        rows = [
            ["jobs done / submitted", f"{res['done']}/{res['jobs']}", "all", "yes" if ok else "NO"],
            ["jobs lost", res["lost"], "0", "yes" if res["lost"] == 0 else "NO"],
            ["wall s (submit → all finished)", res["wall_s"], "-", "-"],
            ["status poll p50 ms (during analysis)", res["poll_p50_ms"], "-", "-"],
            ["status poll p99 ms (during analysis)", res["poll_p99_ms"], "< 50",
             "yes" if res["poll_p99_ms"] is not None and res["poll_p99_ms"] < 50 else "NO"],
            ["status polls measured", res["polls_during_analysis"], "-", "-"],
            ["health poll p99 ms, bridge idle (machine load alone)", res["idle_poll_p99_ms"], "-", "-"],
            ["machine load average (1 min) / CPUs", f"{res['load_average_1m']:.1f} / {res['cpus']}", "-", "-"],
            ["bridge peak RSS MiB", res["peak_rss_mb"], "< 2048",
             "yes" if res["peak_rss_mb"] is not None and res["peak_rss_mb"] < 2048 else "NO"],
        ]
        print(markdown_table(["metric", "value", "target", "met"], rows))
        for err in res["errors"]:
            print(f"- job error: {err}")
    return 0 if res["done"] == res["jobs"] and res["lost"] == 0 else 1
