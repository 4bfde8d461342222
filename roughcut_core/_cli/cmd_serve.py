"""`roughcut serve [--port N] [--host 127.0.0.1] [--ensure] [--ray-address ADDR] [--allow-remote]`.

Runs the bridge (FastAPI + uvicorn) in the foreground. ``--ensure`` instead makes sure one is
running (starting it detached when ``bridge.json`` names no live bridge) and prints its URL:
hosts call this. ``bridge_server`` is imported only when the command runs.
"""
from __future__ import annotations

import logging
import os
import sys


def register(sub) -> None:
    from bridge_server.__main__ import add_serve_args  # argparse only; nothing heavy

    p = sub.add_parser("serve", help="run the bridge server for NLE hosts")
    add_serve_args(p)
    p.add_argument("--ensure", action="store_true",
                   help="start the bridge detached unless one is already running; print its URL")
    p.set_defaults(func=run)


def _forwarded(args) -> list[str]:
    out = ["--port", str(args.port), "--host", args.host, "--log-level", args.log_level]
    if args.allow_remote:
        out.append("--allow-remote")
    for folder in args.allow or ():
        out += ["--allow", os.path.abspath(folder)]
    for flag, value in (("--ray-address", args.ray_address), ("--ray-gpus-per-task", args.ray_gpus_per_task),
                        ("--ray-cpus-per-task", getattr(args, "ray_cpus_per_task", None)),
                        ("--workers", args.workers), ("--model-idle", args.model_idle), ("--cache-dir", args.cache_dir)):
        if value is not None:
            out += [flag, str(value)]
    return out


def run(args) -> int:
    if args.ensure:
        from bridge_server.server import ensure_running

        try:
            url = ensure_running(_forwarded(args))
        except RuntimeError as exc:
            print(f"roughcut: {exc}", file=sys.stderr)
            return 1
        print(url)
        return 0
    from bridge_server.__main__ import run_server

    logging.getLogger().setLevel(args.log_level.upper())
    return run_server(args, who="roughcut")
