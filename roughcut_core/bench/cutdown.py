"""Cut-down benchmark (`roughcut bench cutdown`): duration, framing, jitter, cut words, render speed.

Scenes:

- demo scenes (``roughcut demo-scene``, seeds from ``--seeds``, default 0): the scene is cut with
  the real pipeline (``roughcut cut``), then cut down to each ``--duration`` x ``--aspect``.
  References are the scene's ground truth, independent of the analysis: each line's speaker
  and that character's face box in each take (padded by the take's drift), and the true word
  timings (a boundary inside a true word is a cut word);
- real faces (``../shared/media/video_faces_speaking/grid_*.mpg``, GRID talking heads): the
  five clips as a five-line cut (whole clips), cut down to 6 s. Reference faces come from a
  different detector than the one that drives the crop: dlib's HOG frontal detector on every
  decoded frame; cut words are counted against the clips' transcripts (and the GRID word
  alignment for ``grid_bbaf2n``).

Metrics per output: ``duration_err_s`` (|length - target|), ``face_inside`` (share of frames
where the speaking face's box lies wholly inside the crop window in force), ``jitter_px``
(mean frame-to-frame window motion in source pixels within a clip, on still subjects: every
subject here is still), ``cut_words`` (boundaries inside a word; must be 0) and, for rendered
previews, ``render_fps`` (frames per second of the preview render, wall clock, this machine).
``--json`` prints raw rows; ``--scene-dir`` keeps built scenes and cuts; ``--no-render`` skips
previews; ``--cache-dir`` reuses analyses (default a fresh temporary cache).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

from ..paths import shared_media_dir
from . import markdown_table

SHARED = shared_media_dir()


def _clips(otio_path):
    import opentimelineio as otio

    tl = otio.adapters.read_from_file(str(otio_path))
    return tl, [c for c in tl.video_tracks()[0].find_clips()]


def _crop_keys(meta):
    from ..cutdown.reframe import CropKey

    return [CropKey(**k) for k in meta.get("crop", ())]


def _inside(box, k) -> bool:
    x0, y0, x1, y1 = box
    return x0 >= k.x - 0.5 and y0 >= k.y - 0.5 and x1 <= k.x + k.w + 0.5 and y1 <= k.y + k.h + 0.5


def _jitter(keys_by_clip) -> float:
    """Mean per-frame window motion (px) within clips."""
    moves, frames = 0.0, 0
    for keys, f0, f1 in keys_by_clip:
        frames += max(0, f1 - f0 - 1)
        for a, b in zip(keys, keys[1:]):
            moves += abs(b.x - a.x) + abs(b.y - a.y)
    return moves / frames if frames else 0.0


def _cut_words(bounds_t, words) -> int:
    n = 0
    for t in bounds_t:
        n += sum(1 for w in words if w[0] + 1e-3 < t < w[1] - 1e-3)
    return n


def score_output(otio_path, faces_of, words_of) -> dict:
    """Metrics of one cut-down. ``faces_of(path, line_ids, frame)`` -> box (x0,y0,x1,y1) px or None;
    ``words_of(path)`` -> [(start, end)] reference words."""
    from ..cutdown.reframe import crop_at

    tl, clips = _clips(otio_path)
    meta = tl.metadata["roughcut"]["cutdown"]
    inside = total = cut = 0
    keyed = []
    seconds = 0.0
    for c in clips:
        m = c.metadata["roughcut"]
        rate = Fraction(*m["rate"])
        f0, f1 = int(m["src_in"]), int(m["src_out"])
        seconds += float((f1 - f0) / rate)
        keys = _crop_keys(m)
        keyed.append((keys, f0, f1))
        path = c.media_reference.target_url
        cut += _cut_words([float(f0 / rate), float(f1 / rate)], words_of(path))
        for f in range(f0, f1):
            box = faces_of(path, tuple(m["line_ids"]), f)
            if box is None:
                continue
            total += 1
            inside += _inside(box, crop_at(keys, f))
    return {"target_s": meta["target_seconds"], "aspect": meta["aspect"], "seconds": round(seconds, 3),
            "duration_err_s": round(abs(seconds - meta["target_seconds"]), 3),
            "face_frames": total, "face_inside": round(inside / total, 4) if total else None,
            "jitter_px": round(_jitter(keyed), 3), "cut_words": cut, "clips": len(clips)}


# ----------------------------------------------------------------------------- demo scenes
def _demo_refs(root: Path):
    from ..demo import load_ground_truth

    truth = load_ground_truth(root / "ground_truth.json")
    speaker = {ln["id"]: ln["character"] for ln in truth["lines"]}
    W, H = truth["width"], truth["height"]
    boxes, words = {}, {}
    for tk in truth["takes"]:
        path = str((root / tk["path"]).resolve())
        pad = float(tk.get("drift_px") or 0)
        boxes[path] = {f["character"]: (f["box"][0] * W - pad, f["box"][1] * H - pad,
                                        (f["box"][0] + f["box"][2]) * W + pad, (f["box"][1] + f["box"][3]) * H + pad)
                       for f in tk.get("faces", ())}
        words[path] = [(w["start"], w["end"]) for r in tk.get("readings", ()) for w in r.get("words", ())]

    def faces_of(path, line_ids, frame):
        who = speaker.get(line_ids[0]) if line_ids else None
        return boxes.get(str(Path(path).resolve()), {}).get(who)

    def words_of(path):
        return words.get(str(Path(path).resolve()), [])
    return faces_of, words_of


def _demo_cut(seed: int, base: Path, cache_dir: str) -> tuple[Path, Path]:
    from .._cli.main import main as cli
    from ..demo import build_demo_scene

    root = base / f"demo_seed{seed}"
    cut = root / "cut.otio"
    if not cut.exists():
        scene = build_demo_scene(root, seed=seed)
        rc = cli(["cut", str(scene.media_dir), "--script", str(scene.script_path), "--out", str(cut),
                  "--cache-dir", cache_dir])
        if rc != 0:
            raise RuntimeError(f"cut of demo seed {seed} failed ({rc})")
    return root, cut


# ----------------------------------------------------------------------------- GRID talking heads
def _grid_cut(base: Path) -> Path | None:
    from ..edit.otio_out import write_otio
    from ..media import probe
    from ..model import Cut, EditDecision

    folder = SHARED / "video_faces_speaking"
    clips = sorted(folder.glob("grid_*.mpg"))
    if not clips:
        return None
    texts = {}
    tsv = folder / "grid_transcripts.tsv"
    if tsv.exists():
        for line in tsv.read_text().splitlines():
            parts = line.split("\t")
            if len(parts) >= 2 and parts[0].endswith(".mpg"):
                texts[parts[0].strip()] = parts[1].strip()
    decisions, rec, counts = [], 0, {}
    for i, p in enumerate(clips):
        a = probe(p)
        decisions.append(EditDecision(id=f"g{i}", path=str(p), rate=a.rate, src_in=0, src_out=a.frame_count,
                                      rec_in=rec, score=0.7, line_ids=(f"1-{i + 1}",), reasons=("GRID clip",),
                                      start_frame=a.start_frame))
        counts[str(p)] = a.frame_count
        rec += a.frame_count
    cut = Cut("GRID talking heads", decisions[0].rate, tuple(decisions))
    out = base / "grid_cut.otio"
    write_otio(cut, out, frame_counts=counts, line_texts={f"1-{i + 1}": texts.get(p.name, "")
                                                         for i, p in enumerate(clips)})
    return out


def _hog_faces(paths) -> dict:
    """{path: {frame: (x0, y0, x1, y1)}} the largest dlib HOG face on every frame."""
    import av
    import dlib

    det = dlib.get_frontal_face_detector()
    out = {}
    for p in paths:
        per = {}
        with av.open(str(p)) as c:
            for i, f in enumerate(c.decode(video=0)):
                img = f.to_ndarray(format="rgb24")
                rects = det(img, 1)
                if rects:
                    r = max(rects, key=lambda r: r.width() * r.height())
                    per[i] = (r.left(), r.top(), r.right(), r.bottom())
        out[str(p)] = per
    return out


def _grid_refs(cut_path, cache):
    from ..cutdown.sources import load_sources

    _, clips = _clips(cut_path)
    paths = [c.media_reference.target_url for c in clips]
    hog = _hog_faces(paths)
    sources, _ = load_sources(paths, cache, picture=False)
    words = {p: [(w.start, w.end) for w in s.words] for p, s in sources.items()}
    align = SHARED / "video_faces_speaking" / "grid_bbaf2n.align"
    if align.exists():
        ref = []
        for line in align.read_text().split("\n"):
            parts = line.split()
            if len(parts) == 3 and parts[2] != "sil":
                ref.append((int(parts[0]) / 25000, int(parts[1]) / 25000))
        key = str(SHARED / "video_faces_speaking" / "grid_bbaf2n.mpg")
        words[key] = words.get(key, []) + ref

    def faces_of(path, line_ids, frame):
        return hog.get(path, {}).get(frame)
    return faces_of, lambda p: words.get(p, [])


def run(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="roughcut bench cutdown")
    ap.add_argument("--seeds", default="0", help="demo scene seeds, comma-separated (default 0)")
    ap.add_argument("--duration", type=float, action="append", default=None, help="targets (default 10, 15)")
    ap.add_argument("--aspect", action="append", default=None, help="aspects (default 9:16, 1:1)")
    ap.add_argument("--scene-dir", default=None, help="keep built scenes and cuts here")
    ap.add_argument("--cache-dir", default=None, help="analysis cache (default: fresh temporary)")
    ap.add_argument("--no-render", action="store_true", help="skip the preview renders")
    ap.add_argument("--no-grid", action="store_true", help="skip the GRID real-face clips")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    from ..cache import AnalysisCache
    from ..cutdown import make_cutdowns

    durations = args.duration or [10.0, 15.0]
    aspects = args.aspect or ["9:16", "1:1"]
    tmp = tempfile.TemporaryDirectory(prefix="rc-bench-cutdown-")
    base = Path(args.scene_dir or tmp.name)
    base.mkdir(parents=True, exist_ok=True)
    cache_dir = args.cache_dir or str(Path(tmp.name) / "cache")
    cache = AnalysisCache(cache_dir)
    rows = []
    scenes = []
    for seed in [int(s) for s in args.seeds.split(",") if s.strip()]:
        root, cut = _demo_cut(seed, base, cache_dir)
        scenes.append((f"demo seed {seed}", cut, _demo_refs(root), durations))
    if not args.no_grid:
        grid = _grid_cut(base)
        if grid is None:
            print(f"bench cutdown: {SHARED / 'video_faces_speaking'} absent: GRID rows skipped", file=sys.stderr)
        else:
            scenes.append(("GRID real faces", grid, _grid_refs(grid, cache), [6.0]))
    for name, cut, (faces_of, words_of), durs in scenes:
        out = base / f"out_{name.replace(' ', '_')}"
        res = make_cutdowns(cut, durs, aspects, out, cache=cache, preview=not args.no_render)
        for o in res.outputs:
            row = {"scene": name, **score_output(o["otio"], faces_of, words_of)}
            if "render" in o:
                r = o["render"]
                row["render_fps"] = round(r["frames"] / max(1e-6, r["seconds"]), 1)
                row["render_size"] = f"{r['width']}x{r['height']}"
            rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        cols = ["scene", "target_s", "aspect", "seconds", "duration_err_s", "face_frames", "face_inside",
                "jitter_px", "cut_words", "clips", "render_fps", "render_size"]
        print(markdown_table(cols, [[r.get(c, "") for c in cols] for r in rows]))
        ok = [r for r in rows if r["face_inside"] is not None]
        if ok:
            print(f"\nface inside (all frames): {sum(r['face_inside'] * r['face_frames'] for r in ok) / sum(r['face_frames'] for r in ok):.4f}"
                  f"; max duration error {max(r['duration_err_s'] for r in rows):.2f} s"
                  f"; cut words {sum(r['cut_words'] for r in rows)}")
    tmp.cleanup()
    return 0
