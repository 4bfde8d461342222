"""`roughcut cutdown CUT.otio --duration 30 [--duration 15] --aspect 9:16 [--aspect 1:1] --out DIR`.

Writes, per (duration, aspect), ``cutdown_<seconds>s_<w>x<h>.otio`` (e.g. ``cutdown_30s_9x16.otio``)
with its host plan (``.plan.json``), captions (``.srt``, ``.vtt``) and, unless ``--no-preview``,
a preview MP4 with the crop and burned-in captions. Prints each OTIO path (or, with ``--json``,
the ``roughcut.cutdown/1`` document). Exit 2 for bad arguments.
"""
from __future__ import annotations

import json
import sys

from ._common_args import add_json_flag


def register(sub) -> None:
    p = sub.add_parser("cutdown", help="social cut-downs: short vertical/square versions of a cut, reframed")
    p.add_argument("cut", help="a cut written by `roughcut cut` (.otio)")
    p.add_argument("--duration", type=float, action="append", required=True,
                   help="target length in seconds (repeat for several: --duration 15 --duration 30)")
    p.add_argument("--aspect", action="append", default=None,
                   help="W:H (repeat for several; default 9:16), e.g. 9:16, 1:1, 4:5")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--no-preview", action="store_true", help="skip the preview MP4s")
    p.add_argument("--preview-width", type=int, default=540,
                   help="preview width in pixels (default 540; 0 = the delivery size)")
    p.add_argument("--cache-dir", default=None, help="analysis cache folder (default: user cache dir)")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.cutdown import make_cutdowns
    from roughcut_core.cutdown.reframe import parse_aspect
    from roughcut_core.paths import check_input_file

    aspects = args.aspect or ["9:16"]
    try:
        for a in aspects:
            parse_aspect(a)
        for d in args.duration:
            if not 1 <= d <= 3600:
                raise ValueError(f"--duration {d:g}: give seconds between 1 and 3600")
        if args.preview_width and not 64 <= args.preview_width <= 4096:
            raise ValueError(f"--preview-width {args.preview_width}: give 64..4096 (or 0)")
    except ValueError as exc:
        print(f"roughcut cutdown: {exc}", file=sys.stderr)
        return 2
    check_input_file(args.cut, what="timeline file", allow_empty=False)
    run_ = make_cutdowns(args.cut, args.duration, aspects, args.out, cache=AnalysisCache(args.cache_dir),
                         preview=not args.no_preview, preview_width=args.preview_width)
    for w in run_.warnings:
        print(f"roughcut cutdown: {w}", file=sys.stderr)
    for o in run_.outputs:
        for w in o["warnings"]:
            print(f"roughcut cutdown: {o['otio']}: {w}", file=sys.stderr)
    if args.json:
        print(json.dumps(run_.to_json(), indent=2))
    else:
        for o in run_.outputs:
            print(o["otio"])
    return 0
