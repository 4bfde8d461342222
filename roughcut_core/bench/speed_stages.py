"""Where a cold cut's CPU goes, stage by stage (`roughcut bench speed stages`, and the table of
`roughcut bench speed --stage-cpu`), issue 23.

Each run is a fresh process (:mod:`.speed_run`, mode "stages") that first decodes every frame
of the files with PyAV (the plain-decode bound), then makes the cut as `roughcut cut` does with
an empty cache, but with the files analysed one after another, so that the process CPU seconds
recorded over each stage (``stagetime``) are that stage's own: the file stages (speech, sound,
picture, analyses) summed over the files, the scene steps ("scene: align", "scene:
performance", ..., "scene: cut" with its blink probe), and "other" (imports, glue) so that the
stages add up to the cut's CPU. Per stage: CPU seconds, share of the cut's CPU, and media
seconds per CPU second (the stage's real-time factor on one core). CPU seconds, not wall: on a
shared machine wall seconds are mostly the load's; CPU seconds still rise with the load (cache
and frequency effects), so compare runs made side by side.

Usage: ``roughcut bench speed stages --media DIR --script FILE [--runs N] [--save F] [--json]``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from . import markdown_table


def measure_stages(media: Sequence[Path], script: Path, work: Path, options: dict, runs: int = 1,
                   timeout: float = 3600) -> list[dict]:
    """``runs`` fresh "stages" runs over ``media`` (each with its own empty cache); their results
    (:func:`.speed_run.run_spec`), each with the 1-minute load average met at its start."""
    from .speed import run_child

    out = []
    for k in range(max(1, runs)):
        load = os.getloadavg()[0]
        r = run_child({"mode": "stages", "media": [str(p) for p in media], "script": str(script),
                       "cache_dir": str(work / f"cache-stages{k}"), "out_dir": str(work / f"out-stages{k}"),
                       "options": options}, work / f"run-stages{k}", timeout)
        r["load_average"] = load
        out.append(r)
    return out


def stage_table(runs: Sequence[dict]) -> str:
    """Markdown: per stage the median CPU seconds over ``runs`` (every run's in brackets when
    more than one), share of the cut's CPU, media seconds per CPU second; then the totals."""
    media_s = runs[0]["media_s"]
    total = statistics.median(r["total_cpu_s"] for r in runs)
    stages: dict = {}
    for r in runs:
        for stage, sec in r["stage_cpu_s"].items():
            stages.setdefault(stage, []).append(sec)
    rows = []
    for stage, secs in sorted(stages.items(), key=lambda kv: -statistics.median(kv[1])):
        med = statistics.median(secs)
        each = f" ({', '.join(f'{s:.2f}' for s in secs)})" if len(runs) > 1 else ""
        rows.append([stage, f"{med:.2f}{each}", f"{100 * med / total:.1f} %" if total else "-",
                     media_s / med if med > 0 else None])
    decode = statistics.median(r["decode_cpu_s"] for r in runs)
    wall = statistics.median(r["total_s"] for r in runs)
    rows += [["whole cut (CPU s)", f"{total:.2f}", "100 %", media_s / total if total else None],
             ["plain decode of the same files (CPU s)", f"{decode:.2f}", "-", media_s / decode if decode else None],
             ["cut ÷ decode (CPU)", f"{total / decode:.2f}" if decode else "-", "-", None],
             ["whole cut, wall s (files one after another)", f"{wall:.2f}", "-", media_s / wall if wall else None],
             ["load average at the start of each run",
              ", ".join(f"{r['load_average']:.1f}" for r in runs), "-", None]]
    head = (f"CPU seconds per stage, cold cut of {runs[0]['files']} files ({media_s:.1f} s of media), "
            f"files analysed one after another; median of {len(runs)} fresh process(es):\n")
    return head + "\n" + markdown_table(["stage", "CPU s", "share of the cut", "media s per CPU s"], rows)


def run(argv=None) -> int:
    p = argparse.ArgumentParser(prog="roughcut bench speed stages",
                                description="CPU seconds per stage of a cold cut (files one after another).")
    p.add_argument("--media", required=True, help="folder of takes (its .mp4/.mov/.mxf files)")
    p.add_argument("--script", required=True)
    p.add_argument("--runs", type=int, default=1, help="fresh processes (default 1; the median is shown)")
    p.add_argument("--no-picture", action="store_true")
    p.add_argument("--asr-model", default="tiny.en")
    p.add_argument("--device", default="cpu", choices=("auto", "cpu", "cuda"))
    p.add_argument("--timeout", type=float, default=3600)
    p.add_argument("--save", metavar="FILE", help="also write the raw results (JSON) here")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    folder = Path(args.media)
    media = sorted(f for f in folder.iterdir() if f.suffix.lower() in (".mp4", ".mov", ".mxf", ".mkv")) \
        if folder.is_dir() else []
    if not media:
        print(f"roughcut bench speed stages: {folder}: no .mp4/.mov/.mxf/.mkv files", file=sys.stderr)
        return 2
    if not Path(args.script).is_file():
        print(f"roughcut bench speed stages: {args.script}: script not found", file=sys.stderr)
        return 2
    options = {"picture": not args.no_picture, "asr_model": args.asr_model, "device": args.device}
    work = Path(tempfile.mkdtemp(prefix="roughcut-bench-stages-"))
    try:
        runs = measure_stages(media, Path(args.script), work, options, args.runs, args.timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.save:
        Path(args.save).write_text(json.dumps(runs, indent=2), encoding="utf-8")
    print(json.dumps(runs, indent=2) if args.json else stage_table(runs))
    return 0
