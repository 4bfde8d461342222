"""Picture benchmark (`roughcut bench picture`): faces, shots, shot size, speaking, speed.

- Face recall on ../shared/media/video_faces_speaking: GRID clips hold exactly one frontal face
  in every frame, so recall = samples with a face / samples; the OpenMPF crowd clips have no
  reference boxes, so faces per sample are reported for them.
- Shot boundaries on ../shared/media/shot_cuts vs PySceneDetect's reference scene list: greedy
  one-to-one matching within ``--tolerance`` seconds (default 0.25 s), precision/recall/F1.
  PySceneDetect's own published F1 (benchmark/README.md, frame-exact, AdaptiveDetector) is
  91.6 on BBC Planet Earth and 73.9 on AutoShot — other footage, quoted for scale.
- Demo scene (``roughcut_core.demo``): shot-size accuracy per take against each setup's
  truth, speaking accuracy per face sample (the face matched to a truth face box speaks iff
  its character's reading is playing), and character naming of identities.
- Speed: a generated 1080p H.264 clip (a real face photo over a moving background); whole
  picture stage wall time, the bare PyAV decode of the frames it needs (same decode loop,
  no analysis), their ratio (target <= 1.5; fastest of ``--repeats`` alternated runs, since
  these machines are shared), and a plain decode of every frame for scale.

Runs without the analysis cache. ``--json`` prints the raw results.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import tempfile
from pathlib import Path
from typing import Optional, Sequence

from ..paths import shared_media_dir
from . import markdown_table, peak_rss_mb

PYSCENEDETECT_PUBLISHED_F1 = {"BBC (AdaptiveDetector)": 91.59, "AutoShot (AdaptiveDetector)": 73.86}
SHOT_ORDER = ("ECU", "CU", "MCU", "MS", "FS", "WS")


def read_scene_starts(csv_path) -> list[float]:
    """Scene start times (seconds) from a PySceneDetect ``*_scenes.csv``, first scene included."""
    starts = []
    with open(csv_path, newline="") as fh:
        for row in csv.DictReader(fh):
            ms = (row.get("time (ms)") or "").strip()
            if ms.isdigit():
                starts.append(int(ms) / 1000)
    return starts


def match_boundaries(found: Sequence[float], ref: Sequence[float], tolerance: float) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives), greedy 1-to-1 nearest matching."""
    pairs = sorted((abs(f - r), i, j) for i, f in enumerate(found) for j, r in enumerate(ref)
                   if abs(f - r) <= tolerance)
    used_f, used_r = set(), set()
    for _, i, j in pairs:
        if i not in used_f and j not in used_r:
            used_f.add(i)
            used_r.add(j)
    tp = len(used_f)
    return tp, len(found) - tp, len(ref) - tp


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate_faces(analyzer, media_root: Path) -> list[dict]:
    rows = []
    folder = media_root / "video_faces_speaking"
    for path in sorted(folder.glob("*.mpg")) + sorted(folder.glob("*.mp4")):
        a = analyzer.analyze(path)
        counts = [sum(1 for f in a.faces if f.t == t) for t in a.sample_times]
        single = path.name.startswith("grid_")
        rows.append({"clip": path.name, "samples": len(counts),
                     "recall": (sum(1 for c in counts if c) / len(counts)) if single and counts else None,
                     "faces_per_sample": sum(counts) / max(1, len(counts)), "shot_size": a.shot_size,
                     "people": a.people, "tracks": len(a.tracks)})
    return rows


def evaluate_shots(analyzer, media_root: Path, tolerance: float) -> dict:
    video = media_root / "shot_cuts" / "pyscenedetect_testvideo.mp4"
    ref = read_scene_starts(media_root / "shot_cuts" / "pyscenedetect_testvideo_scenes.csv")[1:]
    a = analyzer.analyze(video)
    found = [s.start for s in a.shots[1:]]
    tp, fp, fn = match_boundaries(found, ref, tolerance)
    p, r, f1 = _prf(tp, fp, fn)
    return {"found": found, "reference": ref, "precision": p, "recall": r, "f1": f1, "tolerance": tolerance}


def _iou(a, b) -> float:
    from roughcut_core.picture.tracks import iou

    return iou(a, b)


def evaluate_demo(scene, analyzer, takes: Optional[Sequence[str]] = None) -> dict:
    """Shot size, speaking and naming accuracy on a built demo scene (see module docstring).

    ``takes``: names of the takes to use (default all); ``per_take`` lists what was found."""
    from roughcut_core.model import LineReading
    from roughcut_core.picture import cluster_identities, name_identities

    # a DemoScene or its folder (a Path also has a ``root`` attribute, so test the other field)
    root = Path(scene.ground_truth_path).parent if hasattr(scene, "ground_truth_path") else Path(scene)
    truth = json.loads((root / "ground_truth.json").read_text())
    setups = truth["setups"]
    size_ok = near_ok = 0
    speak_ok = speak_n = 0
    analyses, readings, track_truth, per_take = [], [], {}, []
    chosen = [t for t in truth["takes"] if takes is None or t["name"] in takes]
    for take in chosen:
        path = root / take["path"]
        spans = [(r["start"], r["end"], r["character"]) for r in take["readings"]]
        words = [(w["start"], w["end"]) for r in take["readings"] for w in r["words"]]
        a = analyzer.analyze(path, speech_activity=words)
        analyses.append(a)
        want = setups[take["setup"]]["shot_size"]
        size_ok += a.shot_size == want
        per_take.append({"take": take["name"], "setup": take["setup"], "want": want, "shot_size": a.shot_size,
                         "people": a.people, "focus": a.focus, "focus_truth": take["focus"]})
        if a.shot_size in SHOT_ORDER and want in SHOT_ORDER:
            near_ok += abs(SHOT_ORDER.index(a.shot_size) - SHOT_ORDER.index(want)) <= 1
        for r in take["readings"]:
            readings.append(LineReading(path=a.path, line_id=r["line_id"], start=r["start"], end=r["end"],
                                        score=1.0, character=r["character"]))
        for f in a.faces:
            best = max(take["faces"], key=lambda tf: _iou(f.box, tf["box"]), default=None)
            if best is None or _iou(f.box, best["box"]) < 0.2:
                continue
            track_truth.setdefault((a.path, f.track), best["character"])
            if f.speaking is None:
                continue
            talking = {ch for s, e, ch in spans if s <= f.t < e}
            speak_n += 1
            speak_ok += f.speaking == (best["character"] in talking)
    ids = cluster_identities(analyses)
    names = name_identities(ids, analyses, readings)
    named = [names.get(ids[k]) == ch for k, ch in track_truth.items() if k in ids]
    n = len(chosen)
    return {"takes": n, "per_take": per_take, "shot_size_accuracy": size_ok / n if n else 0.0,
            "shot_size_within_one": near_ok / n if n else 0.0,
            "speaking_accuracy": speak_ok / speak_n if speak_n else 0.0, "speaking_samples": speak_n,
            "naming_accuracy": sum(named) / len(named) if named else 0.0, "identities": len(set(ids.values())),
            "names": names}


def make_speed_clip(path: Path, seconds: float, fps: int = 25) -> Path:
    from roughcut_core.picture.synthetic import face_frames, write_clip

    n = int(round(seconds * fps))
    return write_clip(path, face_frames(1920, 1080, n, pan_px=4, face_scale=0.7), fps=fps,
                      options={"preset": "veryfast", "bf": "3", "g": "50"})


_SPEED_CHILD = r"""
import json, re, sys, time
import av
from roughcut_core.picture import PictureAnalyzer, PictureOptions
from roughcut_core.picture.decode import iter_decoded
clip, warm = sys.argv[1], sys.argv[2]
analyzer = PictureAnalyzer(PictureOptions())
analyzer.analyze(warm)  # models loaded and imports done before timing
opts = analyzer.options
out = {"bare_runs": [], "stage_runs": []}
for _ in range(int(sys.argv[3])):  # alternate, keep the fastest of each: load spikes only add time
    tick = time.perf_counter()
    out["frames_decoded"] = sum(1 for _ in iter_decoded(clip, opts.sample_fps, max_width=opts.proxy_width))
    out["bare_runs"].append(time.perf_counter() - tick)
    tick = time.perf_counter()
    a = analyzer.analyze(clip)
    out["stage_runs"].append(time.perf_counter() - tick)
out["bare_decode_s"], out["picture_stage_s"] = min(out["bare_runs"]), min(out["stage_runs"])
out["faces"], out["shot_size"] = len(a.faces), a.shot_size
tick = time.perf_counter()
with av.open(clip) as c:
    st = c.streams.video[0]
    st.thread_type = "AUTO"
    out["frames_total"] = sum(1 for _ in c.decode(st))
out["full_decode_s"] = time.perf_counter() - tick
status = open("/proc/self/status").read()
out["peak_rss_mb"] = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
print(json.dumps(out))
"""


def evaluate_speed(seconds: float, workdir: Path, repeats: int = 3) -> dict:
    """Times in a fresh process (its peak memory is the picture stage's, not the encoder's);
    bare decode and stage alternate ``repeats`` times and the fastest run of each counts."""
    import subprocess
    import sys

    from roughcut_core.picture.synthetic import face_frames, write_clip

    clip = make_speed_clip(workdir / "speed_1080p.mp4", seconds)
    warm = write_clip(workdir / "warm.mp4", face_frames(320, 240, 10), options={"preset": "ultrafast"})
    proc = subprocess.run([sys.executable, "-c", _SPEED_CHILD, str(clip), str(warm), str(repeats)],
                          capture_output=True, text=True, check=True)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    stage, bare = out["picture_stage_s"], out["bare_decode_s"]
    out.update({"seconds": seconds, "ratio": stage / bare if bare else None,
                "realtime_factor": seconds / stage if stage else None})
    return out


def run(argv: Optional[Sequence[str]] = None) -> int:
    from roughcut_core.picture import PictureAnalyzer, PictureOptions

    ap = argparse.ArgumentParser(prog="roughcut bench picture", description=__doc__.split("\n")[0])
    ap.add_argument("--media", default=os.environ.get("ROUGHCUT_SHARED_MEDIA"),
                    help="shared media folder (default ../shared/media beside the repo)")
    ap.add_argument("--tolerance", type=float, default=0.25, help="shot boundary match tolerance, seconds")
    ap.add_argument("--seconds", type=float, default=10.0, help="length of the 1080p speed clip")
    ap.add_argument("--repeats", type=int, default=3, help="speed runs (fastest counts)")
    ap.add_argument("--demo", default=None, help="a built demo scene folder (default: build seed 0)")
    ap.add_argument("--skip-demo", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(list(argv) if argv is not None else None)
    media = Path(args.media) if args.media else shared_media_dir()
    analyzer = PictureAnalyzer(PictureOptions())
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="roughcut-bench-picture-") as tmp:
        if media.is_dir():
            results["faces"] = evaluate_faces(analyzer, media)
            results["shots"] = evaluate_shots(analyzer, media, args.tolerance)
        if not args.skip_demo:
            try:
                from roughcut_core.demo import build_demo_scene

                scene = Path(args.demo) if args.demo else build_demo_scene(Path(tmp) / "demo", seed=0).root
                results["demo"] = evaluate_demo(scene, analyzer)
            except ImportError as exc:
                results["demo"] = {"error": str(exc)}
        results["speed"] = evaluate_speed(args.seconds, Path(tmp), args.repeats)
    results["peak_rss_mb"] = peak_rss_mb()
    results["pyscenedetect_published_f1"] = PYSCENEDETECT_PUBLISHED_F1
    if args.json:
        print(json.dumps(results, indent=2, default=str))
        return 0
    print(_markdown(results))
    return 0


def _markdown(res: dict) -> str:
    rows = []
    for f in res.get("faces", []):
        rows.append((f"faces: {f['clip']}", "recall" if f["recall"] is not None else "faces/sample",
                     f["recall"] if f["recall"] is not None else f["faces_per_sample"],
                     f"{f['samples']} samples, {f['shot_size']}, people {f['people']}, tracks {f['tracks']}"))
    if "shots" in res:
        s = res["shots"]
        rows.append(("shots: pyscenedetect_testvideo", "P / R / F1",
                     f"{s['precision']:.2f} / {s['recall']:.2f} / {s['f1']:.2f}",
                     f"found {s['found']} vs {s['reference']} (+-{s['tolerance']} s); "
                     f"PySceneDetect published F1: BBC 91.6, AutoShot 73.9"))
    demo = res.get("demo", {})
    if "takes" in demo:
        rows.append(("demo: shot size", "accuracy", demo["shot_size_accuracy"],
                     f"{demo['takes']} takes; within one class {demo['shot_size_within_one']:.2f}"))
        rows.append(("demo: speaking", "accuracy", demo["speaking_accuracy"], f"{demo['speaking_samples']} face samples"))
        rows.append(("demo: naming", "accuracy", demo["naming_accuracy"],
                     f"{demo['identities']} identities -> {demo['names']}"))
    elif demo:
        rows.append(("demo", "-", None, demo.get("error", "")))
    sp = res["speed"]
    rows.append(("speed: 1080p picture stage", "s", sp["picture_stage_s"],
                 f"{sp['seconds']:.0f} s clip, RTF {sp['realtime_factor']:.2f}, fastest of {len(sp['stage_runs'])}"))
    rows.append(("speed: bare decode of needed frames", "s", sp["bare_decode_s"],
                 f"{sp['frames_decoded']} of {sp['frames_total']} frames decoded"))
    rows.append(("speed: stage / bare decode", "ratio", sp["ratio"], "target <= 1.5"))
    rows.append(("speed: decode every frame", "s", sp["full_decode_s"], "for scale"))
    rows.append(("memory: 1080p picture stage", "peak RSS MiB", sp["peak_rss_mb"], "fresh process: models + decode + analysis"))
    rows.append(("memory: whole benchmark", "peak RSS MiB", res["peak_rss_mb"], "includes the 1080p encoder and demo takes"))
    return markdown_table(("check", "metric", "value", "notes"), rows)


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.exit(run())
