"""`roughcut bench AREA [options]`: run a benchmark and print its markdown table (or --json).

Areas are modules of ``roughcut_core.bench`` with ``run(argv) -> int``; ``all`` runs every
area in turn with default options.
"""
from __future__ import annotations

import argparse
import importlib
import sys

AREAS = ("speech", "audio", "align", "picture", "quality", "bridge", "emotion", "perception", "reliability", "search", "cutdown", "analyses", "ops", "speed")


def register(sub) -> None:
    p = sub.add_parser("bench", help="run benchmarks (speech, audio, align, picture, quality, bridge, emotion, perception, reliability, search, cutdown, analyses, ops, speed, all)")
    p.add_argument("area", choices=(*AREAS, "all"))
    p.add_argument("rest", nargs=argparse.REMAINDER, help="options passed to the area's benchmark")
    p.set_defaults(func=run)


def run(args) -> int:
    areas = AREAS if args.area == "all" else (args.area,)
    status = 0
    for area in areas:
        try:
            module = importlib.import_module(f"roughcut_core.bench.{area}")
        except ImportError as exc:
            print(f"roughcut bench {area}: not available: {exc}", file=sys.stderr)
            status = 1
            continue
        if len(areas) > 1:
            print(f"\n## {area}\n")
            sys.stdout.flush()
        status = max(status, int(module.run(list(args.rest)) or 0))
    return status
