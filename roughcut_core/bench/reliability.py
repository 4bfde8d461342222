"""`roughcut bench reliability [--jobs N] [--media DIR] [--json]`: the costs of issue 22's guards.

Measures, on this machine:

- **job start latency** on an idle bridge (in-process app with its model reaper running, an
  executor that analyses nothing): seconds from submission to ``started``, for ``--jobs``
  submissions with idle gaps between them (the bug this guards against made jobs wait up to
  the reaper's 30 s period);
- **bad-input verdicts**: wall time of ``probe`` for each bad-input kind (FIFO, socket,
  device, symlink loop, folder named .mov, empty, text, impossible frame size), i.e. that
  each is refused at once and never blocks;
- **duplicate check**: ``drop_duplicates`` over a folder of media (``--media``, default the
  shared GRID clips), the extra cost ``cut`` pays per run;
- **doctor**: ``roughcut doctor`` with ``--quick`` and with model loading.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import tempfile
import time
from pathlib import Path

from ..paths import shared_media_dir

SCRIPT = "INT. LAB - DAY\n\nJANE\nBin blue at F two now.\n"


class _NoAnalysis:
    batch_size = 1

    def analyze(self, options, assets):
        for i, a in enumerate(assets):
            yield i, RuntimeError(f"{a.path}: benchmark executor analyses nothing"), 0.0

    def describe(self):
        return {"kind": "bench"}

    def close(self):
        pass


def start_latency(jobs: int, workdir: Path) -> list[float]:
    from fastapi.testclient import TestClient

    from bridge_server.app import create_app
    from bridge_server.config import load_config
    from roughcut_core.synth import write_test_video

    clip = workdir / "clip.mov"
    write_test_video(clip, rate=24, seconds=0.25, width=32, height=32)
    config = load_config(config_dir=workdir / "config", data_dir=workdir / "data", token="bench",
                         allowed_roots=(workdir,))
    out = []
    with TestClient(create_app(config, executor=_NoAnalysis()), base_url="http://127.0.0.1") as c:
        c.headers["Authorization"] = "Bearer bench"
        for n in range(jobs):
            time.sleep(0.1 if n % 3 else 0.5)
            job_id = c.post("/v1/jobs", json={"media": [{"path": str(clip)}], "script": {"text": SCRIPT}}).json()["id"]
            deadline = time.monotonic() + 35
            while time.monotonic() < deadline:
                job = c.get(f"/v1/jobs/{job_id}").json()
                if job["state"] in ("done", "failed", "cancelled"):
                    break
                time.sleep(0.01)
            out.append((job["started"] - job["created"]) if job["started"] else float("inf"))
    return out


def bad_input_times(workdir: Path) -> dict:
    from roughcut_core.errors import MediaError
    from roughcut_core.media import probe

    d = workdir / "bad"
    d.mkdir()
    os.mkfifo(d / "pipe.mov")
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(d / "sock.mov"))
    s.close()
    (d / "loop.mov").symlink_to("loop.mov")
    (d / "folder.mov").mkdir()
    (d / "empty.mov").touch()
    (d / "text.mov").write_text("not a movie\n" * 100)
    (d / "huge.y4m").write_bytes(b"YUV4MPEG2 W60000 H60000 F25:1 Ip A1:1 C420jpeg\nFRAME\n" + bytes(range(256)) * 64)
    cases = {"fifo": d / "pipe.mov", "socket": d / "sock.mov", "device": Path("/dev/zero"),
             "symlink loop": d / "loop.mov", "folder named .mov": d / "folder.mov", "empty": d / "empty.mov",
             "text as .mov": d / "text.mov", "impossible frame size": d / "huge.y4m"}
    out = {}
    for name, path in cases.items():
        tick = time.perf_counter()
        try:
            probe(path)
            reason = "ACCEPTED"
        except MediaError as exc:
            reason = exc.reason
        out[name] = {"ms": round((time.perf_counter() - tick) * 1000, 2), "reason": reason}
    return out


def dedupe_time(folder: Path) -> dict:
    from roughcut_core.media import discover_media, drop_duplicates

    paths, _ = discover_media([folder])
    tick = time.perf_counter()
    kept, warnings = drop_duplicates(paths)
    return {"files": len(paths), "ms": round((time.perf_counter() - tick) * 1000, 2),
            "bytes": sum(p.stat().st_size for p in paths), "dropped": len(paths) - len(kept)}


def doctor_times() -> dict:
    from roughcut_core.doctor import run_checks

    out = {}
    for label, quick in (("quick", True), ("full", False)):
        tick = time.perf_counter()
        checks = run_checks(quick=quick)
        out[label] = {"s": round(time.perf_counter() - tick, 2), "fail": sum(c.status == "fail" for c in checks)}
    return out


def run(argv) -> int:
    p = argparse.ArgumentParser(prog="roughcut bench reliability")
    p.add_argument("--jobs", type=int, default=30, help="submissions for the start-latency measure (default 30)")
    p.add_argument("--media", default=str(shared_media_dir() / "video_faces_speaking"),
                   help="folder for the duplicate-check cost (default: the shared GRID clips)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="roughcut-bench-reliability-") as tmp:
        work = Path(tmp)
        lat = start_latency(args.jobs, work)
        bad = bad_input_times(work)
    media = Path(args.media)
    dedupe = dedupe_time(media) if media.is_dir() else None
    doctor = doctor_times()
    result = {"start_latency_s": {"jobs": len(lat), "p50": round(statistics.median(lat), 4),
                                  "p95": round(sorted(lat)[int(0.95 * (len(lat) - 1))], 4), "max": round(max(lat), 4)},
              "bad_inputs": bad, "dedupe": dedupe, "doctor": doctor}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    s = result["start_latency_s"]
    print("| measure | value |\n|---|---|")
    print(f"| job start latency, idle bridge ({s['jobs']} jobs) | p50 {s['p50'] * 1000:.1f} ms, "
          f"p95 {s['p95'] * 1000:.1f} ms, max {s['max'] * 1000:.1f} ms |")
    for name, r in bad.items():
        print(f"| probe refuses {name} | {r['ms']:.2f} ms: {r['reason']} |")
    if dedupe:
        print(f"| duplicate check over {dedupe['files']} files ({dedupe['bytes'] / 1e6:.1f} MB) | {dedupe['ms']:.1f} ms, "
              f"{dedupe['dropped']} dropped |")
    for label, r in doctor.items():
        print(f"| roughcut doctor {'--quick' if label == 'quick' else '(loads models)'} | {r['s']:.2f} s, {r['fail']} failed |")
    return 0
