"""`roughcut align --script FILE MEDIA_OR_DIR... [--json] [--asr-model M]`.

Transcribes each media file (cached), aligns it to the screenplay, reconciles the takes
(``reconcile_readings``: a mishearing shared by several takes is not a flub) and lists the line
readings:
take, line, character, start/end (seconds from the file start), score and defects. ``--json``
prints ``{"lines": [{"id", "character", "text"}], "readings": [{"path", "line_id", "start",
"end", "score", "defects", "take_id", "character", "text", "signals"}]}`` where ``signals`` holds
the reading's measurements (``roughcut_core/signals.py``: ``snr_db``, ``level_rel_db``, ...). After
reconciling, defects are decided on the evidence of all takes and the audio and readings the
recogniser missed are searched for (``align.scene_pass``). One stderr line per bad file;
exit 2 only when nothing usable remains (no readable script, or no file with sound).
"""
from __future__ import annotations

import sys

from ._common_args import add_analysis_args, add_json_flag
from .common import find_media, print_json, progress, report_errors


def register(sub) -> None:
    p = sub.add_parser("align", help="find which script line is said where in each take")
    p.add_argument("inputs", nargs="+", metavar="MEDIA_OR_DIR")
    p.add_argument("--script", required=True, help="screenplay (.fountain, .fdx, .pdf, sides .txt)")
    add_analysis_args(p)
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core import MediaError, ScriptError
    from roughcut_core.align import align_transcript, build_script_index, reconcile_readings
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.media import probe_many
    from roughcut_core.script import load_script
    from roughcut_core.speech import AsrOptions, SpeechTranscriber

    try:
        script = load_script(args.script)
    except ScriptError as exc:
        print(f"roughcut: {exc}", file=sys.stderr)
        return 2
    paths, bad = find_media(args.inputs)
    assets, probe_errors = probe_many(paths)
    report_errors([*bad, *probe_errors])
    usable = []
    for asset in assets:
        if asset.has_audio:
            usable.append(asset)
        else:
            print(f"roughcut: {asset.path}: skipped: no audio stream", file=sys.stderr)
    if not usable:
        print("roughcut: no usable media (need files with sound)", file=sys.stderr)
        return 2
    cache = AnalysisCache(args.cache_dir, enabled=not args.no_cache)
    transcriber = SpeechTranscriber(AsrOptions(model=args.asr_model, device=args.device), cache=cache)
    index = build_script_index(script)
    readings = []
    transcribed = 0
    transcripts: dict = {}
    for asset in progress(usable, desc="aligning", unit="file"):
        try:
            transcript = transcriber.transcribe(asset.path, asset)
        except MediaError as exc:
            report_errors([exc])
            continue
        transcribed += 1
        transcripts[transcript.path] = transcript
        readings.extend(align_transcript(script, transcript, index=index))
    if not transcribed:
        print("roughcut: no file could be transcribed", file=sys.stderr)
        return 2
    readings = reconcile_readings(script, readings)
    from roughcut_core.align.scene_pass import decide_and_measure

    sound_errors: list = []
    readings = decide_and_measure(script, readings, transcripts, errors=sound_errors, takes=list(transcripts))
    for line in sound_errors:
        print(f"roughcut: {line}", file=sys.stderr)
    from roughcut_core.perform import performance_signals

    # delivery, arousal (emotion with a trained model), face and intent match per reading
    readings = performance_signals(script, readings, transcripts, {a.path: a for a in usable}, cache=cache)
    if args.json:
        print_json({
            "lines": [{"id": ln.id, "character": ln.character, "text": ln.text} for ln in script.lines],
            "readings": [{"path": r.path, "line_id": r.line_id, "start": r.start, "end": r.end,
                          "score": r.score, "defects": list(r.defects), "take_id": r.take_id,
                          "character": r.character, "text": r.text, "signals": dict(r.signals)}
                         for r in readings],
        })
        return 0
    said = {r.line_id for r in readings}
    for r in readings:
        flags = ", ".join(r.defects) or "clean"
        print(f"{r.take_id}\t{r.line_id}\t{r.character or ''}\t{r.start:8.2f}\t{r.end:8.2f}\t"
              f"{r.score:.2f}\t{flags}\t{r.text}")
    missing = [ln.id for ln in script.lines if ln.id not in said]
    print(f"{len(said)}/{len(script.lines)} lines found in {transcribed} file(s)"
          + (f"; not found: {', '.join(missing)}" if missing else ""))
    return 0
