"""``python -m bridge_server [--port N] [--host H] [--allow-remote] [--ray-address ADDR] ...``."""
from __future__ import annotations

import argparse
import logging
import sys


def build_parser(prog: str = "python -m bridge_server") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Run the roughcut bridge for NLE hosts.")
    add_serve_args(p)
    return p


def add_serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=0, help="TCP port (default 0: a free port, written to bridge.json)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; others need --allow-remote)")
    p.add_argument("--allow-remote", action="store_true", help="allow binding a non-loopback address")
    p.add_argument("--ray-address", default=None, help="run per-asset analysis as tasks on this Ray cluster")
    p.add_argument("--ray-gpus-per-task", type=float, default=None,
                   help="GPUs each Ray analysis task asks for (default: 1 when the cluster has GPUs)")
    p.add_argument("--ray-cpus-per-task", type=float, default=None,
                   help="CPUs each Ray analysis task asks for (default 1); its ASR, torch and OpenCV "
                        "threads follow (Ray sets OMP_NUM_THREADS to it)")
    p.add_argument("--workers", type=int, default=None, help="local analyses at once (default 1)")
    p.add_argument("--model-idle", type=float, default=None, metavar="SECONDS",
                   help="unload models unused for this long (default 600)")
    p.add_argument("--cache-dir", default=None, help="analysis cache folder (default: <data dir>/analysis)")
    p.add_argument("--allow", action="append", default=None, metavar="DIR",
                   help="a folder whose media and scripts the bridge may read (repeatable; also "
                        "settings.json allowed_roots; default when none is given: your home folder)")
    p.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))


def config_from_args(args):
    from .config import load_config

    return load_config(host=args.host, port=args.port, allow_remote=args.allow_remote,
                       ray_address=args.ray_address, ray_gpus_per_task=args.ray_gpus_per_task,
                       ray_cpus_per_task=getattr(args, "ray_cpus_per_task", None),
                       workers=args.workers, model_idle_s=args.model_idle, cache_dir=args.cache_dir,
                       allow=getattr(args, "allow", None))


def run_server(args, who: str = "roughcut bridge") -> int:
    """Serve in the foreground with parsed ``add_serve_args`` options (2 on bad options)."""
    from .server import serve

    try:
        config = config_from_args(args)
    except ValueError as exc:
        print(f"{who}: {exc}", file=sys.stderr)
        return 2
    return serve(config, log_level=args.log_level)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run_server(args)


if __name__ == "__main__":
    sys.exit(main())
