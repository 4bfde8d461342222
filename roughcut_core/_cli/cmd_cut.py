"""`roughcut cut MEDIA_OR_DIR... --script FILE --out OUT.otio [--report OUT.html]`.

Writes an OTIO timeline whose clips reference the source files with frame-exact source
ranges and carry ``metadata["roughcut"]`` (line ids, score, reasons); optionally the host
plan JSON and the HTML review page. Bad files get one stderr line each and are skipped;
exit 2 only when nothing usable remains.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ._common_args import add_analysis_args, add_json_flag
from .common import find_media, print_json, progress, report_errors


def register(sub) -> None:
    p = sub.add_parser("cut", help="generate a rough cut of a scene")
    p.add_argument("inputs", nargs="+", metavar="MEDIA_OR_DIR")
    p.add_argument("--script", help="screenplay (.fountain, .fdx, .pdf, sides .txt); without it, a "
                                    "selects cut of the repeated content, in order of first appearance")
    p.add_argument("--out", required=True, help="output .otio file")
    p.add_argument("--report", help="also write the HTML review page here")
    p.add_argument("--plan", help="also write the host plan JSON (roughcut.hostplan/1) here")
    p.add_argument("--preset", default="performance", choices=("performance", "coverage", "tight", "wide"))
    p.add_argument("--favour", metavar="CHARACTER", help="favour shots of this character")
    p.add_argument("--target-duration", type=float, metavar="SECONDS")
    p.add_argument("--handles", nargs=2, type=float, metavar=("PRE", "POST"), default=(0.25, 0.35),
                   help="seconds of pre/post roll around speech (default 0.25 0.35)")
    p.add_argument("--split-edits", choices=("L", "J"),
                   help="cut picture before (L) or after (J) the sound between setups")
    p.add_argument("--no-reactions", action="store_true", help="no listener cutaways over long speeches")
    p.add_argument("--no-picture", action="store_true", help="skip picture analysis")
    p.add_argument("--show", help="use the preferences learned for this show (`roughcut feedback`)")
    p.add_argument("--preferences-dir", help="where learned preferences live (default: user data dir)")
    add_analysis_args(p)
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.edit import AssemblyOptions, EditOptions, Handles
    from roughcut_core.outputs import write_outputs
    from roughcut_core.pipeline import PipelineOptions, RoughCutPipeline
    from roughcut_core.script import load_script

    import os

    from roughcut_core.media import drop_duplicates
    from roughcut_core.paths import check_output_file

    # outputs first: a bad --out (an existing folder, a FIFO...) fails before any analysis
    for target in (args.out, args.report, args.plan):
        if target:
            check_output_file(target)
    paths, bad = find_media(args.inputs)
    # absolute paths: the OTIO's target URLs must not depend on this working directory
    paths, duplicates = drop_duplicates([Path(os.path.abspath(p)) for p in paths])
    for line in duplicates:
        print(f"roughcut: {line}", file=sys.stderr)
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.probecache import probe_many_cached

    # a re-cut of unchanged files opens no container (probes kept by content key)
    assets, probe_errors = probe_many_cached(paths, AnalysisCache(args.cache_dir, enabled=not args.no_cache))
    n_bad = report_errors([*bad, *probe_errors]) + len(duplicates)
    usable = [a for a in assets if a.has_video and a.has_audio]
    for a in assets:
        if a not in usable:
            what = "no video stream" if not a.has_video else "no audio stream"
            print(f"roughcut: {a.path}: skipped: {what}", file=sys.stderr)
    if not usable:
        print("roughcut: no usable media (need video with sound)", file=sys.stderr)
        return 2
    script = load_script(args.script) if args.script else None
    weights = None
    if args.show:
        from roughcut_core.learn import PreferenceStore

        weights = PreferenceStore(args.preferences_dir).load(args.show).weights
    options = PipelineOptions(
        asr_model=args.asr_model, device=args.device, picture=not args.no_picture,
        cache_dir=args.cache_dir, use_cache=not args.no_cache, keep_audio_for_scene=True,
        edit=EditOptions(assembly=AssemblyOptions(preset=args.preset, favour_character=args.favour,
                                                  target_duration=args.target_duration),
                         handles=Handles(*args.handles), weights=weights, split_edits=args.split_edits,
                         reaction_shots=not args.no_reactions,
                         eye_probe=None if args.no_picture else _eye_probe(args, usable)))
    pipeline = RoughCutPipeline(options)
    bar = progress(total=len(usable), desc="analysing", unit="file")
    # sound of the next file overlaps this file's picture (two cores; see analysis_overlap)
    analyses = pipeline.analyze_assets(usable, on_done=lambda i, a: bar.update(1))
    bar.close()
    if not any(a.transcript is not None for a in analyses):
        # nothing was heard in any clip because analysis failed: a failure, not an empty cut
        report_errors(e for a in analyses for e in a.errors)
        print("roughcut: no clip could be analysed; nothing written", file=sys.stderr)
        return 1
    result = pipeline.assemble(script, analyses)
    from roughcut_core.ops.provenance import model_versions, with_model_versions  # issue 21: what made the cut

    result = with_model_versions(result, model_versions(args.show, args.asr_model, args.preferences_dir))
    report_errors(result.errors)
    written = write_outputs(result, otio_path=args.out, report_path=args.report, plan_path=args.plan)
    if args.json:
        print_json({"outputs": {k: str(v) for k, v in written.items()},
                    "decisions": len([d for d in result.cut.decisions if not d.gap]),
                    "coverage": result.cut.coverage, "warnings": list(result.cut.warnings),
                    "errors": list(result.errors), "skipped": n_bad,
                    # every reading of every line with its measurements (roughcut_core/signals.py)
                    "readings": [{"path": r.path, "line_id": r.line_id, "take_id": r.take_id,
                                  "start": r.start, "end": r.end, "score": r.score,
                                  "defects": list(r.defects), "signals": dict(r.signals)}
                                 for r in result.readings]})
    else:
        for kind, path in written.items():
            print(f"{kind}: {Path(path).resolve()}")
        cov = result.cut.coverage
        print(f"{cov.get('lines_in_cut', 0)}/{cov.get('lines', 0)} lines in the cut")
    return 0


def _eye_probe(args, assets):
    """Cut frames off blinks (issue 14): the face-mesh eye probe, or None without it. Its
    windows are kept in the analysis cache (content keys), so a re-cut decodes nothing there."""
    try:
        from roughcut_core.cache import AnalysisCache
        from roughcut_core.picture.expression import make_eye_probe
    except ImportError:
        return None
    return make_eye_probe(store={"cache": AnalysisCache(args.cache_dir, enabled=not args.no_cache),
                                 "keys": {a.path: a.content_key for a in assets}})
