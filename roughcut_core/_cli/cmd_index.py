"""`roughcut index PATH... [--db URL] [--script FILE] [--json]`: analyse and index media for search.

Files already indexed (same content) are skipped without any model work; moved files keep
their entries; files gone from an indexed folder are dropped. Documents carry the camera
motion and sound events of ``roughcut analyze`` (cached; ``--no-picture``: sound only), and
non-speech regions (room tone, music...) are documents too. The index is ``--db URL``,
else ``$ROUGHCUT_INDEX_URL``, else the embedded store in the user data dir; an unreachable
server gets one stderr line and the embedded store is used instead. ``--json`` prints
``{"index": url, "indexed": [...], "unchanged": [...], "moved": [...], "removed": [...],
"errors": [...], "utterances": n}``. Exit 0 when something was indexed or up to date,
2 when no input was usable.
"""
from __future__ import annotations

import sys

from ._common_args import add_analysis_args, add_json_flag
from .common import print_json, sidecar_summary


def register(sub) -> None:
    p = sub.add_parser("index", help="analyse media and add it to the search index")
    p.add_argument("inputs", nargs="+", metavar="PATH")
    p.add_argument("--db", default=None, metavar="URL",
                   help="index to write (postgresql://... or a file path; default $ROUGHCUT_INDEX_URL, "
                        "else the embedded store)")
    p.add_argument("--script", default=None, metavar="FILE",
                   help="screenplay: utterances get the ids of the lines they read")
    p.add_argument("--no-picture", action="store_true", help="skip picture analysis (no shot size, faces)")
    add_json_flag(p)
    add_analysis_args(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.errors import display_path
    from roughcut_core.pipeline import PipelineOptions, RoughCutPipeline
    from roughcut_core.search import index_paths, open_index

    script = None
    if args.script:
        from roughcut_core.script import load_script

        script = load_script(args.script)
    engine, warning = open_index(args.db)
    if warning:
        print(f"roughcut: {warning}", file=sys.stderr)
    options = PipelineOptions(asr_model=args.asr_model, device=args.device, picture=not args.no_picture,
                              cache_dir=args.cache_dir, use_cache=not args.no_cache)

    def tell(status: str, path: str) -> None:
        if not args.json:
            print(f"{status:9s} {display_path(path)}")

    with engine:
        report = index_paths(engine, args.inputs, pipeline=RoughCutPipeline(options), script=script,
                             progress=tell)
        url = engine.url
    for err in report.errors:
        print(f"roughcut: {err}", file=sys.stderr)
    sidecars = sidecar_summary(args.inputs)
    if sidecars:
        print(f"roughcut: {sidecars}", file=sys.stderr)
    if args.json:
        print_json({"index": url, **report.to_json()})
    else:
        print(f"{len(report.indexed)} indexed ({report.utterances} utterances), {len(report.unchanged)} unchanged, "
              f"{len(report.moved)} moved, {len(report.removed)} removed -> {url}")
    if not (report.indexed or report.unchanged or report.moved or report.removed):
        print("roughcut: nothing to index", file=sys.stderr)
        return 2
    return 0
