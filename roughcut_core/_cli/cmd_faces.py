"""`roughcut faces MEDIA_OR_DIR... [--json]`: faces, shot size and people in video files.

``--json`` prints a list of ``{"path", "shot_size", "people", "focus", "motion", "shots",
"faces": [{"t", "box": [x, y, w, h] (normalised 0-1), "score", "track", "speaking"}]}``.
``speaking`` says whether that face's mouth moves while speech is heard (speech activity from the
bundled Silero VAD); it is null for files without sound. Every file that cannot be
used gets one stderr line naming it and the reason; the others are still analysed. Exit 0 when
at least one file was analysed, 2 when none was.
"""
from __future__ import annotations

import sys

from ._common_args import add_json_flag
from .common import analysis_error, find_media, print_json, probed, report_errors


def register(sub) -> None:
    p = sub.add_parser("faces", help="detect and track faces, describe shot size and people")
    p.add_argument("inputs", nargs="+", metavar="MEDIA_OR_DIR")
    p.add_argument("--sample-fps", type=float, default=4.0, help="face samples per second (default 4)")
    p.add_argument("--detector", default="auto", choices=("auto", "full", "short"),
                   help="BlazeFace model (default auto = full range)")
    p.add_argument("--no-landmarks", action="store_true", help="skip the face mesh (no mouth/identity cues)")
    p.add_argument("--cache-dir", default=None, help="analysis cache folder (default: user cache dir)")
    p.add_argument("--no-cache", action="store_true", help="analyse again, do not read or write the cache")
    add_json_flag(p)
    p.set_defaults(func=run)


def _row(an) -> dict:
    return {
        "path": an.path, "shot_size": an.shot_size, "people": an.people, "focus": an.focus,
        "motion": an.motion,
        "shots": [{"start": s.start, "end": s.end, "shot_size": s.shot_size, "people": s.people,
                   "motion": s.motion} for s in an.shots],
        "faces": [{"t": f.t, "box": list(f.box), "score": f.score, "track": f.track,
                   "speaking": f.speaking} for f in an.faces],
    }


def _speech(path):
    """Speech regions for the speaking flag; None when the file has no usable sound."""
    from roughcut_core import MediaError
    from roughcut_core.speech.vad import speech_regions

    try:
        return speech_regions(path)
    except MediaError:
        return None


def run(args) -> int:
    from roughcut_core import MediaError
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.picture import PictureAnalyzer, PictureOptions

    paths, errors = find_media(args.inputs)
    cache = None if args.no_cache else AnalysisCache(args.cache_dir)
    analyzer = PictureAnalyzer(PictureOptions(sample_fps=args.sample_fps, detector=args.detector,
                                              landmarks=not args.no_landmarks), cache=cache)
    rows = []
    for path, asset in probed(paths, errors, "faces"):
        if not asset.has_video:
            errors.append(MediaError(path, "no video stream (audio-only file?)"))
            continue
        try:
            speech = _speech(path) if asset.has_audio else None
            rows.append(_row(analyzer.analyze(path, asset=asset, speech_activity=speech)))
        except Exception as exc:  # noqa: BLE001 - one odd file must not stop the batch
            errors.append(analysis_error(path, exc))
    report_errors(errors)
    if args.json:
        print_json(rows)
    else:
        from roughcut_core.errors import display_path

        for r in rows:
            tracks = len({f["track"] for f in r["faces"]})
            print(f"{display_path(r['path'])}\t{r['shot_size']}\tpeople={r['people']}\tfocus={r['focus']}\t"
                  f"motion={r['motion']}\tshots={len(r['shots'])}\tfaces={len(r['faces'])}\ttracks={tracks}")
    if not rows:
        print("roughcut: no usable media", file=sys.stderr)
        return 2
    return 0
