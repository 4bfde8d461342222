"""Analyses benchmark (`roughcut bench analyses`): shot boundaries, camera motion, sound events, speed.

- shots: ``../shared/media/shot_cuts/`` (PySceneDetect's test video and its reference scene list);
  precision/recall of boundaries within +-2 frames (``--tolerance``), and the signed offsets;
- camera motion: known motion made by moving a crop window over real frames (GRID talking heads,
  the OpenMPF event clip, the archival Chaplin film), 9 classes x 3 speeds per frame, at the 96 px the pipeline uses
  (``analyses.fixtures.moving_crops``); per-class accuracy of ``analyses.motion``;
- parallax: two-layer clips (``analyses.fixtures.layered_crops``): each motion source's frame as
  the background plate under a face cut out of another GRID / OpenMPF face video; the near layer
  moving/scaling ``LAYER_FACTOR`` x the background (track_left/right, dolly_in/out) or the two
  moving together (pan_left/right, zoom_in/out, static), 3 speeds; per-class and per-speed accuracy,
  and per speed again with each clip held 2 s instead of 1 s (a slow dolly needs the longer horizon);
  ``--heldout-variant N`` adds the clip variants of ``bench.analyses_variants`` (1-2: seen, 3: held
  out: other frames, faces, layer factors, speeds, durations);
- sound events: ``--seeds`` mixes of the shared speech (JFK, LibriVox, Sphinx digits) with generated
  music, coloured noise, clap bursts, room tone and SYNTHETIC laughter (source-filter "ha" bouts:
  no recorded laughter is available) (``analyses.fixtures.sound_scene``); per-class
  accuracy over 0.5 s windows wholly inside one reference segment; music-under-dialogue recall;
- speed: (decode + analysers) / decode per real file: the streamed 96-px decode alone, then the
  same decode with the analysers riding on it (``PictureConsumer``, as in ``roughcut analyze``
  and ``cut``), in ``--repeats`` interleaved pairs (ratio taken within each pair; min and
  median, wall and CPU); sound: (16 kHz decode + sound analysis) / decode (after a warm-up call:
  the first loads the VAD model); target <= 1.5x; and where the analysers' CPU goes (shots,
  dissolves within them, motion), each over the decode CPU.
``--json`` prints the raw numbers.
"""
from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..paths import shared_media_dir
from . import markdown_table

SHARED = shared_media_dir()
SPEECH = ("speech_transcribed/jfk.flac", "speech_transcribed/librivox_sonnet001.mp3",
          "speech_transcribed/sphinx4_10001-90210-01803.wav")
MOTION_SOURCES = ("video_faces_speaking/grid_bbaf2n.mpg", "video_faces_speaking/openmpf_video_01.mp4",
                  "archival_film/moviepy_chaplin.mp4")
SPEED_FILES = ("shot_cuts/pyscenedetect_testvideo.mp4", "archival_film/moviepy_chaplin.mp4",
               "video_faces_speaking/openmpf_new_face_video-90.mp4", "video_speech_timecode/autoeditor_example.mp4")


def bench_shots(tolerance: int = 2) -> dict:
    from ..analyses.analyze import picture_analysis
    from ..media.probe import probe

    rows = []
    tp = fp = fn = 0
    for ref_csv in sorted((SHARED / "shot_cuts").glob("*_scenes.csv")):
        video = ref_csv.with_name(ref_csv.name.replace("_scenes.csv", ".mp4"))
        with open(ref_csv, newline="") as fh:
            ref = [int(round(float(r["frame"]))) for r in csv.DictReader(fh) if r.get("frame")]
        ref = [f for f in ref if f > 0]
        asset = probe(video)
        fps = Fraction(asset.rate.num, asset.rate.den)
        res = picture_analysis(str(video), fps, asset.frame_count)
        hyp = [s["start_frame"] for s in res["shots"][1:]]
        used, offsets = set(), []
        for r in ref:
            near = [h for h in hyp if abs(h - r) <= tolerance and h not in used]
            if near:
                h = min(near, key=lambda h: abs(h - r))
                used.add(h)
                offsets.append(h - r)
                tp += 1
            else:
                fn += 1
        fp += len(hyp) - len(used)
        nearest = [min(hyp, key=lambda h: abs(h - r)) - r for r in ref] if hyp else []
        fades = _fades(ref_csv.with_name(ref_csv.name.replace("_scenes.csv", "_output.txt")), ref)
        in_fade = [any(a - tolerance <= h <= b + tolerance for h in hyp) for a, b in fades]
        rows.append({"file": video.name, "reference": ref, "detected": hyp, "nearest_offset": nearest,
                     "fades": fades, "in_fade": in_fade, "reference_events": reference_fade_offsets(
                         video, ref_csv.with_name(ref_csv.name.replace("_scenes.csv", "_output.txt")))})
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    return {"tolerance": tolerance, "precision": p, "recall": r, "tp": tp, "fp": fp, "fn": fn, "files": rows}


TRANSITION_SOURCES = MOTION_SOURCES + ("video_speech_timecode/autoeditor_example.mp4",
                                       "shot_cuts/pyscenedetect_testvideo.mp4")
SINGLE_SHOT = ("archival_film/moviepy_chaplin.mp4", "video_faces_speaking/grid_bbaf2n.mpg",
               "video_faces_speaking/openmpf_video_01.mp4")  # documented single-shot clips


def bench_transitions(tolerance: int = 2) -> dict:
    """Synthetic transitions with known boundaries between real frames (``analyses.transitions``):
    every ordered pair of sources x (cut; fade and dissolve of 6/12/24/48 frames), fed to the
    picture stage's ``ShotBoundaries`` at 25 fps; hit = exactly one boundary within ``tolerance``.
    Plus false boundaries on documented single-shot real clips."""
    import cv2

    from ..analyses.transitions import TRANSITION_KINDS, transition_clip
    from ..picture.decode import SMALL_WIDTH, iter_decoded
    from ..picture.shots import ShotBoundaries

    frames = [_frame(SHARED / s) for s in TRANSITION_SOURCES if (SHARED / s).exists()]
    rows = []
    for kind in TRANSITION_KINDS:
        for length in ((0,) if kind == "cut" else (6, 12, 24, 48)):
            hit = extra = n = 0
            offs: list[int] = []
            for i in range(len(frames)):
                for j in range(len(frames)):
                    if i == j:
                        continue
                    clip, ref = transition_clip(frames[i], frames[j], kind, length=max(1, length), seed=i * 7 + j)
                    sb = ShotBoundaries(25.0)
                    for k, f in enumerate(clip):
                        sb.feed(k / 25.0, cv2.resize(f, (SMALL_WIDTH, SMALL_WIDTH * 9 // 16), interpolation=cv2.INTER_AREA))
                    got = [int(round(c * 25)) for c in sb.boundaries()]
                    n += 1
                    near = [g for g in got if abs(g - ref) <= tolerance]
                    hit += bool(near)
                    extra += len(got) - (1 if near else 0)
                    if got:
                        offs.append(min(got, key=lambda g: abs(g - ref)) - ref)
            rows.append({"kind": kind, "length": length, "n": n, "recall": hit / n if n else None,
                         "false": extra, "median_abs_offset": float(np.median(np.abs(offs))) if offs else None})
    single = []
    for rel in SINGLE_SHOT:
        if (SHARED / rel).exists():
            sb = ShotBoundaries(25.0)
            for fr in iter_decoded(str(SHARED / rel), 0.0):
                sb.feed(fr.t, fr.small)
            single.append({"file": Path(rel).name, "false_boundaries": sb.boundaries()})
    return {"tolerance": tolerance, "rows": rows, "single_shot": single}


def reference_fade_offsets(video: Path, listing: Path) -> list[dict]:
    """The reference listing's fade events against this file's own frames: each OUT/IN event
    re-measured with the listing's stated rule (a frame is dark when >= 95 % of its pixels are
    below intensity 8), on every decoded frame. A constant offset means the reference was made
    by a decoder that numbered the frames differently, not a detector error."""
    import av

    if not listing.exists():
        return []
    marks = []
    for line in listing.read_text().splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) >= 3 and parts[0] in ("IN", "OUT") and parts[2].isdigit():
            marks.append((parts[0], int(parts[2])))
    dark = []
    with av.open(str(video)) as c:
        for f in c.decode(video=0):
            a = f.to_ndarray(format="rgb24")[::4, ::4]
            dark.append(float((a.mean(axis=2) < 8).mean()) >= 0.95)
    events = [("OUT" if d else "IN", i) for i, (p, d) in enumerate(zip([False] + dark, dark)) if i and p != d]
    events = [("IN", 0)] + events if dark and not dark[0] else events
    out = []
    for kind, ref in marks:
        same = [i for k, i in events if k == kind]
        if same:
            got = min(same, key=lambda i: abs(i - ref))
            out.append({"event": kind, "reference": ref, "measured": got, "offset": ref - got})
    return out


def _fades(path: Path, ref: list[int]) -> list[tuple[int, int]]:
    """(fade-out frame, next fade-in frame) around each reference cut, from PySceneDetect's
    reference output listing (the scene start is the middle of that black gap)."""
    if not path.exists():
        return []
    marks = []
    for line in path.read_text().splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) >= 3 and parts[0] in ("IN", "OUT") and parts[2].isdigit():
            marks.append((parts[0], int(parts[2])))
    out = []
    for r in ref:
        outs = [f for k, f in marks if k == "OUT" and f <= r]
        ins = [f for k, f in marks if k == "IN" and f >= r]
        if outs and ins:
            out.append((max(outs), min(ins)))
    return out


def _frame(path: Path):
    from ..picture.decode import iter_sampled_frames

    for t, rgb in iter_sampled_frames(str(path), 1.0, max_width=640):
        if t >= 1.0:
            return rgb
    return rgb


def bench_motion() -> dict:
    from ..analyses.analyze import MOTION_WIDTH
    from ..analyses.fixtures import MOTION_KINDS, moving_crops
    from ..analyses.motion import classify_motion, series_motion

    conf: dict = collections.defaultdict(collections.Counter)
    for src in MOTION_SOURCES:
        if not (SHARED / src).exists():
            continue
        rgb = _frame(SHARED / src)
        for kind in MOTION_KINDS:
            for seed, speed in enumerate(MOTION_SPEEDS):
                g = moving_crops(rgb, kind, n=25, out_w=MOTION_WIDTH, speed=speed, seed=seed, noise=3.0)
                t = [i / 25.0 for i in range(len(g))]
                got = classify_motion(t, series_motion(g)).kind
                conf[kind][got] += 1
    per = {k: conf[k][k] / sum(conf[k].values()) for k in MOTION_KINDS if conf[k]}
    total = sum(sum(c.values()) for c in conf.values())
    overall = sum(conf[k][k] for k in conf) / total if total else None
    return {"per_class": per, "overall": overall, "n": total,
            "confusion": {k: dict(v) for k, v in conf.items()}}


FACES = {  # a face video frame and the face's box in it (fractions of the frame), for cut-outs
    "grid": ("video_faces_speaking/grid_bbaf2n.mpg", (0.22, 0.12, 0.62, 0.78)),
    "openmpf": ("video_faces_speaking/openmpf_new_face_video-90.mp4", (0.30, 0.25, 0.72, 0.95)),
}
LAYER_FACE = {MOTION_SOURCES[0]: "openmpf", MOTION_SOURCES[1]: "grid", MOTION_SOURCES[2]: "grid"}
LAYER_FACTOR = 2.0
MOTION_SPEEDS = (0.06, 0.12, 0.3)


def bench_parallax() -> dict:
    """Two-layer clips (module contract): confusion per class and accuracy per class x speed."""
    from ..analyses.analyze import MOTION_WIDTH
    from ..analyses.fixtures import LAYERED_KINDS, layered_crops
    from ..analyses.motion import classify_motion, series_motion

    conf: dict = collections.defaultdict(collections.Counter)
    by_speed: dict = collections.defaultdict(collections.Counter)
    longer: dict = collections.defaultdict(collections.Counter)  # (kind, speed) of the 2 s clips
    faces = {k: (_frame(SHARED / rel), box) for k, (rel, box) in FACES.items() if (SHARED / rel).exists()}
    for src in MOTION_SOURCES:
        if not (SHARED / src).exists() or LAYER_FACE[src] not in faces:
            continue
        bg = _frame(SHARED / src)
        fg, box = faces[LAYER_FACE[src]]
        for kind in LAYERED_KINDS:
            for seed, speed in enumerate(MOTION_SPEEDS):
                g = layered_crops(bg, fg, box, kind, n=25, out_w=MOTION_WIDTH, speed=speed, factor=LAYER_FACTOR,
                                  seed=seed, noise=3.0)
                got = classify_motion([i / 25.0 for i in range(len(g))], series_motion(g)).kind
                conf[kind][got] += 1
                by_speed[(kind, speed)][got == kind] += 1
                # the same move held twice as long (a slow dolly needs a longer horizon)
                g = layered_crops(bg, fg, box, kind, n=2 * 25, out_w=MOTION_WIDTH, speed=speed,
                                  factor=LAYER_FACTOR, seed=seed, noise=3.0)
                got = classify_motion([i / 25.0 for i in range(len(g))], series_motion(g)).kind
                longer[(kind, speed)][got == kind] += 1
    per = {k: conf[k][k] / sum(conf[k].values()) for k in LAYERED_KINDS if conf[k]}
    total = sum(sum(c.values()) for c in conf.values())
    return {"per_class": per, "overall": sum(conf[k][k] for k in conf) / total if total else None, "n": total,
            "factor": LAYER_FACTOR, "confusion": {k: dict(v) for k, v in conf.items()},
            "per_speed": {k: {str(sp): by_speed[(k, sp)][True] / sum(by_speed[(k, sp)].values())
                              for sp in MOTION_SPEEDS if by_speed[(k, sp)]} for k in per},
            "per_speed_2s": {k: {str(sp): longer[(k, sp)][True] / sum(longer[(k, sp)].values())
                                 for sp in MOTION_SPEEDS if longer[(k, sp)]} for k in per}}


def bench_sound(seeds: int = 4, with_laughter: bool = False) -> dict:
    from ..analyses.fixtures import sound_scene
    from ..analyses.sound import block_vad, classify_windows, window_features
    from ..speech.audio_io import decode_audio

    speech = [decode_audio(SHARED / s, 16000) for s in SPEECH if (SHARED / s).exists()]
    conf: dict = collections.defaultdict(collections.Counter)
    under_hit = under_n = clean_flag = clean_n = 0
    for seed in range(seeds):
        x, truth = sound_scene(speech, seed, with_laughter=with_laughter)
        feats = window_features(x, block_vad(x))
        for f, (a, b, lab, _c, tonal) in zip(feats, classify_windows(feats)):
            ref = [t for t in truth if t[0] <= a + 1e-6 and b <= t[1] + 1e-6]
            if not ref:
                continue  # straddles a reference boundary
            conf[ref[0][2]][lab] += 1
            if ref[0][3] and ref[0][2] == "speech":
                under_n += 1
                under_hit += int(lab == "speech" and tonal)
            elif ref[0][2] == "speech" and lab == "speech":
                clean_n += 1
                clean_flag += int(tonal)
    per = {k: v[k] / sum(v.values()) for k, v in conf.items()}
    total = sum(sum(c.values()) for c in conf.values())
    return {"per_class": per, "overall": sum(conf[k][k] for k in conf) / total if total else None,
            "windows": total, "music_under_dialogue_recall": under_hit / under_n if under_n else None,
            "music_under_dialogue_false": clean_flag / clean_n if clean_n else None,
            "confusion": {k: dict(v) for k, v in conf.items()}}


def _timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def bench_speed(repeats: int = 5) -> list[dict]:
    """Per real file, ``repeats`` interleaved pairs (the machine is shared and its load drifts, so
    each ratio is taken within one pair): the plain streamed decode of the 96-px frames the
    analysers need, then the same decode with the analysers riding on it (``PictureConsumer``:
    shot boundaries incl. dissolves, camera motion), as in ``roughcut analyze`` and ``cut``.
    Ratios (decode + analysers) / decode, wall and CPU, min and median over the pairs. Sound:
    the 16 kHz decode, then the sound analysis of that audio, ratio (decode + analysis) / decode,
    wall and CPU. Where the analysers' CPU goes: passes over the frames held in memory
    (``_analyser_split``; the least CPU of up to 3), each part's CPU over the median decode CPU."""
    from ..analyses.analyze import MOTION_WIDTH, PictureConsumer, sound_analysis
    from ..media.probe import probe
    from ..picture.decode import iter_decoded
    from ..speech.audio_io import decode_audio

    rows = []
    for rel in SPEED_FILES:
        path = SHARED / rel
        if not path.exists():
            continue
        asset = probe(path)
        fps = Fraction(asset.rate.num, asset.rate.den)
        counted = []

        def decode_only():
            counted.append(sum(1 for _ in iter_decoded(str(path), 0.0, small_width=MOTION_WIDTH)))

        def decode_and_analyse():
            c = PictureConsumer(fps)
            for fr in iter_decoded(str(path), 0.0, small_width=MOTION_WIDTH):
                c.feed(fr)
            c.result(asset.frame_count)

        decode_and_analyse()  # warm-up: imports, first-call set-up
        if asset.has_audio:  # the same for sound: the first call loads the VAD model
            sound_analysis(path, audio16k=decode_audio(path, 16000))
        pw, pc, sw, sc, dw, aw, dc = [], [], [], [], [], [], []
        for _ in range(repeats):
            (w0, c0), (w1, c1) = _timed(decode_only), _timed(decode_and_analyse)
            dw.append(w0)
            aw.append(w1)
            dc.append(c0)
            pw.append(w1 / w0)
            pc.append(c1 / c0)
            if asset.has_audio:
                audio = []
                ad, adc = _timed(lambda: audio.append(decode_audio(path, 16000)))
                an, anc = _timed(lambda: sound_analysis(path, audio16k=audio[0]))
                sw.append((ad + an) / ad)
                sc.append((adc + anc) / max(adc, 1e-9))
        row = {"file": path.name, "duration_s": asset.duration, "decoded_frames": counted[-1],
               "pairs": repeats, "decode_s_median": float(np.median(dw)), "with_analysers_s_median": float(np.median(aw)),
               "picture_ratio_min": min(pw), "picture_ratio_median": float(np.median(pw)),
               "picture_cpu_ratio_min": min(pc), "picture_cpu_ratio_median": float(np.median(pc))}
        if sw:
            row.update({"sound_ratio_min": min(sw), "sound_ratio_median": float(np.median(sw)),
                        "sound_cpu_ratio_median": float(np.median(sc))})
        frames = [(fr.t, fr.small) for fr in iter_decoded(str(path), 0.0, small_width=MOTION_WIDTH)]
        # the least disturbed of up to 3 passes (one pass read 0.26-0.86 of decode on Chaplin at load 12-16)
        split = min((_analyser_split(frames, fps, asset.frame_count) for _ in range(min(3, repeats))),
                    key=lambda d: d["all"])
        row["analyser_split"] = {k: round(v / float(np.median(dc)), 4) for k, v in split.items()}
        rows.append(row)
    return rows


def _analyser_split(frames, fps, frame_count) -> dict:
    """CPU seconds of one ``PictureConsumer`` pass over frames held in memory (no decode in
    between, so a little less than riding on the decode): ``all``; ``shots`` (the shot detector,
    ``dissolves`` included), ``dissolves`` (its cross-dissolve detector alone), ``motion`` (the
    point tracker); the rest of ``all`` is resizing, grey conversion and the per-shot classes."""
    from ..analyses.analyze import PictureConsumer

    spent = collections.Counter()

    def timed(name, fn):
        def run(*args, **kwargs):
            tick = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - tick
        return run

    c = PictureConsumer(fps)
    c._shots._dissolve.feed = timed("dissolves", c._shots._dissolve.feed)
    c._shots.feed = timed("shots", c._shots.feed)
    c._tracker.track = timed("motion", c._tracker.track)
    tick = time.process_time()
    for t, small in frames:
        c.feed_small(t, small)
    c.result(frame_count)
    spent["all"] = time.process_time() - tick
    return {k: spent[k] for k in ("all", "shots", "dissolves", "motion")}


def run(argv) -> int:
    ap = argparse.ArgumentParser(prog="roughcut bench analyses")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--seeds", type=int, default=4, help="sound mixes (default 4)")
    ap.add_argument("--tolerance", type=int, default=2, help="shot boundary tolerance, frames")
    ap.add_argument("--only", choices=("shots", "motion", "sound", "speed"), action="append")
    ap.add_argument("--repeats", type=int, default=5, help="speed: interleaved decode / analyse pairs per file")
    ap.add_argument("--heldout-variant", type=int, default=None,
                    help="motion: also run this clip variant (bench.analyses_variants: 1-2 seen, 3 held out)")
    args = ap.parse_args(argv)
    if not SHARED.exists():
        print(f"roughcut bench analyses: shared media not found at {SHARED}")
        return 1
    parts = args.only or ["shots", "motion", "sound", "speed"]
    out: dict = {}
    if "shots" in parts:
        out["shots"] = bench_shots(args.tolerance)
        out["transitions"] = bench_transitions(args.tolerance)
    if "motion" in parts:
        out["motion"] = bench_motion()
        out["parallax"] = bench_parallax()
        if args.heldout_variant is not None:
            from .analyses_variants import bench_variant

            out["variant"] = bench_variant(args.heldout_variant, SHARED)
    if "sound" in parts:
        out["sound"] = bench_sound(args.seeds)
        out["sound_laughter"] = bench_sound(args.seeds, with_laughter=True)
    if "speed" in parts:
        out["speed"] = bench_speed(max(1, args.repeats))
    if args.json:
        print(json.dumps(out, indent=2, default=float))
        return 0
    if "shots" in out:
        s = out["shots"]
        print(f"### Shot boundaries (+-{s['tolerance']} frames)\n")
        print(markdown_table(["precision", "recall", "tp", "fp", "fn"],
                             [[s["precision"], s["recall"], s["tp"], s["fp"], s["fn"]]]))
        print(markdown_table(["file", "reference", "detected", "nearest offset (frames)", "reference fade gaps",
                              "detected inside the gap"],
                             [[f["file"], f["reference"], f["detected"], f["nearest_offset"], f["fades"], f["in_fade"]]
                              for f in s["files"]]))
        for f in s["files"]:
            if f.get("reference_events"):
                print(f"\nReference fade events of {f['file']} re-measured on this decode (>= 95 % of pixels < 8):\n")
                print(markdown_table(["event", "reference frame", "measured frame", "reference - measured"],
                                     [[e["event"], e["reference"], e["measured"], e["offset"]] for e in f["reference_events"]]))
        t = out["transitions"]
        print(f"\n### Synthetic transitions between real frames (+-{t['tolerance']} frames, 25 fps)\n")
        print(markdown_table(["kind", "length (frames)", "clips", "recall", "extra boundaries", "median |offset|"],
                             [[r["kind"], r["length"], r["n"], r["recall"], r["false"], r["median_abs_offset"]]
                              for r in t["rows"]]))
        print("\nFalse boundaries on documented single-shot real clips: "
              + ", ".join(f"{x['file']}: {len(x['false_boundaries'])}" for x in t["single_shot"]))
    for key, title in (("motion", "Camera motion (known crops over real frames)"),
                       ("parallax", "Camera motion, two layers from real frames (near layer %gx the background: "
                                    "track/dolly; moved together: pan/zoom/static)" % LAYER_FACTOR),
                       ("sound", "Sound events (0.5 s windows, known mixes; the predecessor's mix plan)"),
                       ("sound_laughter", "Sound events with SYNTHETIC laughter added to the mixes")):
        if key in out:
            m = out[key]
            print(f"\n### {title}\n")
            rows = [[k, v, sum(m["confusion"][k].values()),
                     ", ".join(f"{a}:{b}" for a, b in sorted(m["confusion"][k].items()))] for k, v in m["per_class"].items()]
            rows.append(["overall", m["overall"], m.get("n", m.get("windows")), ""])
            print(markdown_table(["class", "accuracy", "n", "confusion"], rows))
            if key == "parallax":
                print("\nper speed (crop widths or log zoom per second of the background):\n")
                print(markdown_table(["class"] + [str(sp) for sp in MOTION_SPEEDS],
                                     [[k] + [v.get(str(sp)) for sp in MOTION_SPEEDS] for k, v in m["per_speed"].items()]))
                print("\nthe same clips held 2 s (50 frames) instead of 1 s, per speed:\n")
                print(markdown_table(["class"] + [str(sp) for sp in MOTION_SPEEDS] + ["all"],
                                     [[k] + [v.get(str(sp)) for sp in MOTION_SPEEDS] + [sum(v.values()) / len(v)]
                                      for k, v in m["per_speed_2s"].items()]))
            if key.startswith("sound"):
                print(f"\nmusic under dialogue (speech windows): recall {m['music_under_dialogue_recall']:.3f}, "
                      f"flagged on speech without music {m['music_under_dialogue_false']:.3f}")
    if "variant" in out:
        from .analyses_variants import variant_rows

        head, lay, single = variant_rows(out["variant"])
        print(f"\n### Camera motion, clip variant {out['variant']['variant']}: two layers\n")
        print(markdown_table(head, lay))
        print(f"\n### Camera motion, clip variant {out['variant']['variant']}: single layer\n")
        print(markdown_table(["class", "right", "confusion"], single))
        if out["variant"].get("flat_plates"):
            print("\nflat plates (nothing to track; kept out of the tables above): "
                  + ", ".join(f"{k} {v}" for k, v in sorted(out["variant"]["flat_plates"].items())))
    if "speed" in out:
        print("\n### Speed ((decode + analysers) / decode; interleaved pairs, min / median; target <= 1.5)\n")
        print(markdown_table(["file", "s", "frames", "pairs", "decode s (median)", "decode + analysers s (median)",
                              "picture wall min", "picture wall median", "picture CPU min", "picture CPU median",
                              "sound wall min", "sound wall median"],
                             [[r["file"], r["duration_s"], r["decoded_frames"], r["pairs"], r["decode_s_median"],
                               r["with_analysers_s_median"], r["picture_ratio_min"], r["picture_ratio_median"],
                               r["picture_cpu_ratio_min"], r["picture_cpu_ratio_median"], r.get("sound_ratio_min"),
                               r.get("sound_ratio_median")] for r in out["speed"]]))
        print("\nWhere the analysers' CPU goes (least of up to 3 passes over frames held in memory; CPU / median decode CPU;"
              " sound: (decode + analysis) / decode CPU, median)\n")
        print(markdown_table(["file", "analysers", "shots", "of which dissolves", "motion", "sound CPU median"],
                             [[r["file"], *(r["analyser_split"][k] for k in ("all", "shots", "dissolves", "motion")),
                               r.get("sound_cpu_ratio_median")] for r in out["speed"]]))
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0
