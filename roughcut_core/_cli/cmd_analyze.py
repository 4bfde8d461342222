"""`roughcut analyze MEDIA_OR_DIR... [--json]`: shots, camera motion, sound events per file.

``--json`` prints ``{"files": [{"path", "shots": [{"start_frame", "end_frame" (exclusive),
"camera_motion": {"kind", "magnitude"}, ...}], "sound_events": [{"start", "end", "label",
"score"}], "room_tone", "music_under_dialogue", ...}]}`` (see ``roughcut_core.analyses.analyze``).
Every file that cannot be used gets one stderr line naming it and the reason; the others go on.
Results are cached by content (``--cache-dir``, ``--no-cache``). Exit 0 when at least one file
was analysed, 2 when none was.
"""
from __future__ import annotations

import sys

from ._common_args import add_json_flag
from .common import find_media, print_json, progress, report_errors


def register(sub) -> None:
    p = sub.add_parser("analyze", help="shots, camera motion per shot and sound events of media files")
    p.add_argument("inputs", nargs="+", metavar="MEDIA_OR_DIR")
    p.add_argument("--cache-dir", default=None, help="analysis cache folder (default: user cache dir)")
    p.add_argument("--no-cache", action="store_true", help="analyse again, do not read or write the cache")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.analyses.analyze import analyze_asset
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.errors import MediaError, display_path
    from roughcut_core.media import probe_many

    cache = AnalysisCache(args.cache_dir, enabled=not args.no_cache)
    paths, errors = find_media(args.inputs)
    report_errors(errors)
    files = []
    for path in progress(paths, total=len(paths), desc="analysing", unit="file"):
        found, failed = probe_many([path])
        report_errors(failed)
        for asset in found:
            try:
                files.append(analyze_asset(asset, cache))
            except MediaError as exc:
                report_errors([exc])
            except Exception as exc:  # one bad file must not stop the others
                report_errors([MediaError(asset.path, f"analysis failed: {type(exc).__name__}: {exc}")])
    if args.json:
        print_json({"files": files})
    else:
        for f in files:
            print(display_path(f["path"]))
            for s in f["shots"]:
                cm = s["camera_motion"]
                print(f"  shot {s['start_frame']}-{s['end_frame']}  {cm['kind']} ({cm['magnitude']:g})")
            for e in f["sound_events"]:
                print(f"  sound {e['start']:.2f}-{e['end']:.2f}s  {e['label']} ({e['score']:.2f})")
    if not files:
        print("roughcut: no usable media", file=sys.stderr)
        return 2
    return 0
