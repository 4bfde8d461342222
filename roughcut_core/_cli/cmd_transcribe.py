"""`roughcut transcribe MEDIA_OR_DIR... [--json]`: words with refined times, per file.

``--json`` prints a list of ``{"path", "language", "duration", "words": [{"text", "start", "end",
"probability"}]}`` with times in seconds from the file start (refined boundaries unless
``--raw``). One model is loaded for the whole batch, and only if some file is not cached.
Every unusable file gets one stderr line; exit 0 when at least one file was transcribed,
2 when none was.
"""
from __future__ import annotations

import sys

from ._common_args import add_analysis_args, add_json_flag
from .common import analysis_error, find_media, print_json, probed, report_errors


def register(sub) -> None:
    p = sub.add_parser("transcribe", help="transcribe speech with word timings (faster-whisper)")
    p.add_argument("inputs", nargs="+", metavar="MEDIA_OR_DIR")
    add_json_flag(p)
    add_analysis_args(p)
    p.add_argument("--compute-type", default="auto", help="CTranslate2 compute type (default: float16 on GPU, int8 on CPU)")
    p.add_argument("--language", default=None, help="language code (default: detect; English-only models say en)")
    p.add_argument("--beam-size", type=int, default=1)
    p.add_argument("--raw", action="store_true", help="whisper's own word times, without boundary refinement")
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.speech import AsrOptions, SpeechTranscriber

    paths, errors = find_media(args.inputs)
    options = AsrOptions(model=args.asr_model, device=args.device, compute_type=args.compute_type,
                         language=args.language, beam_size=args.beam_size, refine=not args.raw)
    cache = None if args.no_cache else AnalysisCache(args.cache_dir)
    transcriber = SpeechTranscriber(options, cache=cache)
    results = []
    for path, asset in probed(paths, errors, "transcribing"):
        try:
            results.append(transcriber.transcribe(path, asset=asset))
        except Exception as exc:  # noqa: BLE001 - one odd file must not stop the batch
            errors.append(analysis_error(path, exc))
    report_errors(errors)
    if args.json:
        print_json([{"path": t.path, "language": t.language, "duration": t.duration,
                     "words": [{"text": w.text, "start": w.start, "end": w.end, "probability": w.probability}
                               for w in t.words]} for t in results])
    else:
        from roughcut_core.errors import display_path

        for t in results:
            print(f"{display_path(t.path)}  [{t.language or '-'}, {len(t.words)} words, {t.duration:.2f} s]")
            print(f"  {t.text}" if t.words else "  (no speech)")
    if not results:
        print("roughcut: no usable media", file=sys.stderr)
        return 2
    return 0
