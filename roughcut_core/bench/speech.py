"""Speech benchmark (`roughcut bench speech`): WER, boundary accuracy, speed, memory.

- WER against the reference transcripts in ../shared/media (jfk, LibriVox sonnet, Sphinx
  utterances, GRID clips) and against the demo scene's ground truth (every take).
- Word-boundary error (median / p95 of |start| and |end| errors of matched words), before
  refinement (whisper's own times) and after, on the demo scene and the GRID clip with a word
  alignment; plus ``clipped``: words whose span starts late or ends early by more than 20 ms.
- ``--scenegen SEEDS``: word placement on generated two-handers (sound only, built by
  ``bench.align_defects``): a word is misplaced when its midpoint lies outside (by more than
  0.15 s) every reading of that take whose spoken text holds the word - whisper's stretched
  words put a close-up's words on the other actor's off-mic line; before and after refinement.
- Real-time factor (media seconds / wall seconds) of each step: decode, ASR, refinement, total.
- Peak RSS of this process; ``--long`` also transcribes a generated N-minute file (default 30)
  in a fresh subprocess and reports its peak RSS (target < 1.5 GB with tiny.en).

Runs with no cache: every number is real model work. ``--json`` prints the raw results.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Optional

import numpy as np

from ..paths import shared_media_dir
from . import markdown_table, peak_rss_mb
from .metrics import boundary_errors, percentile, word_error_rate



def _shared_media(arg: Optional[str]) -> Optional[Path]:
    root = Path(arg) if arg else shared_media_dir()
    return root if root.is_dir() else None


def read_grid_align(path: Path) -> list[tuple[str, float, float]]:
    """GRID .align word timings (units of 1/25000 s), silences dropped."""
    words = []
    for line in path.read_text().split("\n"):
        parts = line.split()
        if len(parts) == 3 and parts[2] not in ("sil", "sp"):
            words.append((parts[2], int(parts[0]) / 25000, int(parts[1]) / 25000))
    return words


def shared_items(root: Path) -> list[dict]:
    """Benchmark items from the shared media set: name, path, reference text, reference words."""
    items = []
    st = root / "speech_transcribed"
    for name, media, ref in (("jfk", "jfk.flac", "jfk.txt"),
                             ("sonnet001", "librivox_sonnet001.mp3", "librivox_sonnet001.txt"),
                             ("sphinx_digits", "sphinx4_10001-90210-01803.wav", "sphinx4_10001-90210-01803.txt"),
                             ("sphinx_green", "sphinx4_green.wav", "sphinx4_green.txt")):
        if (st / media).is_file() and (st / ref).is_file():
            items.append({"name": name, "path": st / media, "group": "shared",
                          "text": (st / ref).read_text(encoding="utf-8"), "words": None})
    grid = root / "video_faces_speaking"
    tsv = grid / "grid_transcripts.tsv"
    if tsv.is_file():
        for line in tsv.read_text(encoding="utf-8").splitlines()[1:]:
            parts = line.split("\t")
            if len(parts) >= 2 and (grid / parts[0]).is_file():
                align = grid / (Path(parts[0]).stem + ".align")
                items.append({"name": Path(parts[0]).stem, "path": grid / parts[0], "group": "shared",
                              "text": parts[1], "words": read_grid_align(align) if align.is_file() else None})
    return items


def demo_items(out_dir: Path) -> list[dict]:
    """One item per take of the demo scene (seed 0), built into ``out_dir`` unless present."""
    from roughcut_core.demo import build_demo_scene, load_ground_truth

    truth_path = out_dir / "ground_truth.json"
    if not truth_path.is_file():
        build_demo_scene(out_dir, seed=0)
    truth = load_ground_truth(truth_path)
    items = []
    for take in truth["takes"]:
        words = [(w["text"], w["start"], w["end"]) for r in take["readings"] for w in r["words"]]
        words.sort(key=lambda w: w[1])
        items.append({"name": Path(take["path"]).stem, "path": out_dir / take["path"], "group": "demo",
                      "text": " ".join(w[0] for w in words), "words": words})
    return items


def _measure(transcriber, item: dict) -> dict:
    cpu = time.process_time()
    result = transcriber.transcribe_detailed(item["path"])
    cpu = time.process_time() - cpu
    t = result.transcript
    dur = t.duration or 1e-9
    row = {"name": item["name"], "group": item["group"], "duration": t.duration, "language": t.language,
           "hypothesis": t.text, **{f"wall_{k}": v for k, v in result.timings.items()}}
    row["wall_total"] = sum(result.timings.values())
    row.update({f"rtf_{k}": dur / v if v > 0 else None for k, v in result.timings.items()})
    row["rtf_total"] = dur / row["wall_total"] if row["wall_total"] > 0 else None
    # CPU seconds of all threads: on a shared machine wall time mostly measures the neighbours.
    row["cpu_s"] = cpu
    row.update(word_error_rate(item["text"], t.text))
    if item["words"]:
        row["before"] = boundary_errors(item["words"], result.raw_words)
        row["after"] = boundary_errors(item["words"], t.words)
    return row


def _errs(rows, which):
    vals = [v for r in rows if which in r for v in r[which]["start"] + r[which]["end"]]
    clipped = sum(r[which]["clipped"] for r in rows if which in r)
    return vals, clipped


def summarise(rows: list[dict]) -> dict:
    summary: dict = {}
    for group in ("shared", "demo", "all"):
        sel = [r for r in rows if group == "all" or r["group"] == group]
        if not sel:
            continue
        ref = sum(r["ref_words"] for r in sel)
        errors = sum(r["substitutions"] + r["deletions"] + r["insertions"] for r in sel)
        media = sum(r["duration"] for r in sel)
        s = {"files": len(sel), "media_s": media, "wer": errors / ref if ref else None}
        for step in ("decode", "asr", "refine", "total"):
            wall = sum(r[f"wall_{step}"] for r in sel)
            s[f"rtf_{step}"] = media / wall if wall > 0 else None
        cpu = sum(r["cpu_s"] for r in sel)
        s["cpu_rtf"] = media / cpu if cpu > 0 else None
        for which in ("before", "after"):
            vals, clipped = _errs(sel, which)
            if vals:
                s[f"boundary_{which}"] = {"median_ms": 1000 * percentile(vals, 50),
                                          "p95_ms": 1000 * percentile(vals, 95),
                                          "n": len(vals), "clipped_words": clipped}
        summary[group] = s
    return summary


# -- word placement on generated two-handers -----------------------------------------------------

_PLACE_SLACK = 0.15  # a word's midpoint this far outside its reading still counts as placed


def _norm(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalpha() or ch == "'")


def misplaced_words(readings: list[dict], words) -> tuple[int, int]:
    """(words scored, words misplaced): a word is scored when some reading's spoken text holds
    it, misplaced when its midpoint is outside every such reading's [start, end] by more than
    ``_PLACE_SLACK``. ``readings``: ground-truth dicts with spoken_text, start, end."""
    texts = [({_norm(t) for t in r["spoken_text"].split()}, r["start"], r["end"]) for r in readings]
    scored = misplaced = 0
    for w in words:
        spans = [(s, e) for txt, s, e in texts if _norm(w.text) in txt]
        if spans:
            scored += 1
            mid = (w.start + w.end) / 2
            misplaced += not any(s - _PLACE_SLACK <= mid <= e + _PLACE_SLACK for s, e in spans)
    return scored, misplaced


def placement(transcriber, seeds: list[int], scene_dir: Path) -> dict:
    """Misplaced words (see :func:`misplaced_words`) over every take of the generated scenes,
    whisper's own times (before) and refined (after), plus per-scene counts."""
    from .align_defects import build_audio_scene

    total = {"takes": 0, "scored": 0, "before": 0, "after": 0}
    per_seed = {}
    for seed in seeds:
        root = build_audio_scene(scene_dir / f"scene{seed}", seed)
        truth = json.loads((root / "ground_truth.json").read_text())
        row = {"scored": 0, "before": 0, "after": 0}
        for take in truth["takes"]:
            result = transcriber.transcribe_detailed(root / take["path"])
            n, before = misplaced_words(take["readings"], result.raw_words)
            _, after = misplaced_words(take["readings"], result.transcript.words)
            row["scored"] += n
            row["before"] += before
            row["after"] += after
            total["takes"] += 1
        per_seed[seed] = row
        for k in row:
            total[k] += row[k]
    return {**total, "per_seed": per_seed}


# -- long-file memory check --------------------------------------------------------------------

def write_long_speech(path: Path, minutes: float, root: Path) -> float:
    """A WAV (16 kHz mono PCM) of real speech clips from the shared set, repeated with short
    pauses until ``minutes`` long; written block by block. Returns its duration (s)."""
    from roughcut_core.speech import decode_audio

    st = root / "speech_transcribed"
    clips = [decode_audio(p) for p in (st / "librivox_sonnet001.mp3", st / "jfk.flac",
                                        st / "sphinx4_10001-90210-01803.wav") if p.is_file()]
    if not clips:
        raise FileNotFoundError(f"no speech clips in {st}")
    pause = np.zeros(8000, np.float32)
    target = int(minutes * 60 * 16000)
    written = 0
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        k = 0
        while written < target:
            chunk = np.concatenate([clips[k % len(clips)], pause])[:target - written]
            out.writeframes((np.clip(chunk, -1, 1) * 32767).astype("<i2").tobytes())
            written += chunk.size
            k += 1
    return written / 16000


_LONG_CHILD = """
import json, sys, time
from roughcut_core.bench import peak_rss_mb
from roughcut_core.speech import AsrOptions, SpeechTranscriber
opts = AsrOptions(**json.loads(sys.argv[2]))
tr = SpeechTranscriber(opts)
tick = time.perf_counter(); tr.load(); load_s = time.perf_counter() - tick
rss_loaded = peak_rss_mb()
tick = time.perf_counter(); cpu = time.process_time()
r = tr.transcribe_detailed(sys.argv[1])
wall = time.perf_counter() - tick; cpu = time.process_time() - cpu
t = r.transcript
print(json.dumps({"duration": t.duration, "wall": wall, "cpu_s": cpu, "load_s": load_s, "words": len(t.words),
                  "last_word_end": t.words[-1].end if t.words else None, "timings": r.timings,
                  "peak_rss_after_load_mb": rss_loaded, "peak_rss_mb": peak_rss_mb()}))
"""


def measure_long(path: Path, options: dict) -> dict:
    """Transcribe ``path`` in a fresh interpreter; returns its timings and peak RSS."""
    proc = subprocess.run([sys.executable, "-c", _LONG_CHILD, str(path), json.dumps(options)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"long-file run failed: {proc.stderr.strip()[-2000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    data["rtf"] = data["duration"] / data["wall"] if data["wall"] else None
    data["cpu_rtf"] = data["duration"] / data["cpu_s"] if data["cpu_s"] else None
    return data


# -- entry point -------------------------------------------------------------------------------

def run(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="roughcut bench speech", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print raw results as JSON")
    parser.add_argument("--asr-model", default="tiny.en")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--compute-type", default="auto")
    parser.add_argument("--media", help="shared media folder (default ../shared/media)")
    parser.add_argument("--demo-dir", help="use/build the demo scene here (default: a temp folder)")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo scene")
    parser.add_argument("--long", action="store_true", help="also measure a generated long file")
    parser.add_argument("--long-minutes", type=float, default=30.0)
    parser.add_argument("--scenegen", default="", help="generated two-handers (seeds, comma-separated; "
                        "3-19 tune the aligner) for the word-placement check")
    parser.add_argument("--scenegen-dir", help="keep the generated scenes here (default: a temp folder)")
    parser.add_argument("--no-shared", action="store_true", help="skip the shared-media files")
    args = parser.parse_args(argv)

    from roughcut_core.speech import AsrOptions, SpeechTranscriber

    opts = {"model": args.asr_model, "device": args.device, "compute_type": args.compute_type}
    transcriber = SpeechTranscriber(AsrOptions(**opts), cache=None)
    tick = time.perf_counter()
    transcriber.load()
    load_s = time.perf_counter() - tick

    root = _shared_media(args.media)
    items = shared_items(root) if root and not args.no_shared else []
    notes = [] if root else ["shared media not found: shared-media rows skipped"]
    with tempfile.TemporaryDirectory(prefix="roughcut-bench-speech-") as tmp:
        if not args.no_demo:
            try:
                items += demo_items(Path(args.demo_dir) if args.demo_dir else Path(tmp) / "demo")
            except ImportError as exc:
                notes.append(f"demo scene unavailable ({exc})")
        rows = [_measure(transcriber, item) for item in items]
        result = {"model": args.asr_model, "load_s": load_s, "rows": rows, "summary": summarise(rows),
                  "peak_rss_mb": peak_rss_mb(), "notes": notes}
        seeds = [int(x) for x in args.scenegen.split(",") if x.strip()]
        if seeds:
            result["placement"] = placement(transcriber, seeds,
                                            Path(args.scenegen_dir) if args.scenegen_dir else Path(tmp) / "scenegen")
        if args.long:
            if root is None:
                notes.append("--long needs the shared media (speech clips to repeat)")
            else:
                long_path = Path(tmp) / "long_speech.wav"
                write_long_speech(long_path, args.long_minutes, root)
                result["long"] = measure_long(long_path, opts)
    if args.json:
        json.dump(result, sys.stdout, indent=2, default=float)  # numpy scalars -> JSON numbers
        sys.stdout.write("\n")
    else:
        print(render(result))
    return 0


def render(result: dict) -> str:
    def ms(row, which, key):
        if which not in row:
            return None
        vals = row[which]["start"] + row[which]["end"]
        return 1000 * percentile(vals, 50 if key == "median" else 95) if vals else None

    rows = [[r["name"], r["duration"], r["wer"], r["rtf_decode"], r["rtf_asr"], r["rtf_refine"], r["rtf_total"],
             r["duration"] / r["cpu_s"] if r["cpu_s"] else None,
             ms(r, "before", "median"), ms(r, "after", "median"), ms(r, "before", "p95"), ms(r, "after", "p95")]
            for r in result["rows"]]
    out = [f"## Speech benchmark ({result['model']}, model load {result['load_s']:.2f} s)", "",
           markdown_table(["file", "dur s", "WER", "RTF decode", "RTF asr", "RTF refine", "RTF total",
                           "media s / CPU s", "bnd med ms before", "after", "bnd p95 ms before", "after"], rows), ""]
    srows = []
    for group, s in result["summary"].items():
        b, a = s.get("boundary_before", {}), s.get("boundary_after", {})
        srows.append([group, s["files"], s["media_s"], s["wer"], s["rtf_decode"], s["rtf_asr"], s["rtf_refine"],
                      s["rtf_total"], s["cpu_rtf"], b.get("median_ms"), a.get("median_ms"), b.get("p95_ms"), a.get("p95_ms"),
                      b.get("clipped_words"), a.get("clipped_words")])
    out += [markdown_table(["group", "files", "media s", "WER", "RTF decode", "RTF asr", "RTF refine",
                            "RTF total", "media s / CPU s", "bnd med before", "after", "bnd p95 before", "after",
                            "clipped before", "after"], srows), "",
            f"peak RSS (this process): {result['peak_rss_mb']:.0f} MiB"]
    if "placement" in result:
        pl = result["placement"]
        out.append(f"two-hander word placement ({len(pl['per_seed'])} generated scenes, {pl['takes']} takes, "
                   f"{pl['scored']} words): misplaced {pl['before']} before refinement, {pl['after']} after")
    if "long" in result:
        lg = result["long"]
        out.append(f"long file: {lg['duration'] / 60:.1f} min, RTF {lg['rtf']:.1f}x (media s / CPU s "
                   f"{lg['cpu_rtf']:.1f}), {lg['words']} words, "
                   f"last word ends {lg['last_word_end']} s, peak RSS {lg['peak_rss_mb']:.0f} MiB "
                   f"(after model load {lg['peak_rss_after_load_mb']:.0f} MiB)")
    out += [f"note: {n}" for n in result["notes"]]
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
