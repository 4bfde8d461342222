"""`roughcut bench quality`: rough-cut quality on generated demo scenes, cut regeneration
speed, and learning from a simulated editor.

For each seed a demo scene is generated (cached in the work dir), analysed through the real
pipeline (analysis cached), cut, and scored with ``cutquality``. Then:
- regeneration: time to rebuild the cut from cached analysis, and to assemble a synthetic
  10-minute scene (150 lines x 8 takes);
- learning: on the first extra seed a simulated editor swaps each clip for the briskest
  acceptable option we offered; the preferences learned from that diff are applied to the
  next seed, and agreement with the same editor is compared before and after.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
import time
from pathlib import Path

from . import markdown_table


def _analyse(scene, pipeline):
    from ..media import probe_many
    from ..script import load_script

    assets, errors = probe_many(scene.media_paths)
    analyses = [pipeline.analyze_asset(a) for a in assets]
    return load_script(scene.script_path), analyses


def _editor_choice(decision, truth_takes):
    """The simulated editor: the briskest option (chosen or alternate) that the ground truth
    calls acceptable."""
    options = [(decision.path, decision.src_in, decision.src_out)] + [
        (a.path, a.src_in, a.src_out) for a in decision.alternates]
    ok = []
    for path, a, b in options:
        take = truth_takes.get(str(Path(path).resolve()))
        r = take["readings"].get(decision.line_ids[0]) if take else None
        if r and r["acceptable"]:
            ok.append((r["end"] - r["start"], path, a, b))
    return min(ok)[1:] if ok else options[0]


def _agreement(cut, truth_takes) -> float:
    clips = [d for d in cut.decisions if not d.gap]
    hits = sum(_editor_choice(d, truth_takes)[0] == d.path for d in clips)
    return hits / max(1, len(clips))


def _synthetic_regen_seconds(lines: int = 150, takes: int = 8) -> float:
    from ..edit import TakeInfo, build_cut
    from ..model import LineReading, Scene, Script, ScriptLine, Transcript, Word
    from ..timebase import Rate

    rate = Rate(24000, 1001)
    script = Script(scenes=(Scene(id="1", heading="INT. X", lines=tuple(
        ScriptLine(id=f"1-{i + 1}", scene_id="1", character=("A", "B")[i % 2], text="w w w w")
        for i in range(lines))),))
    tk, readings = {}, []
    for k in range(takes):
        path = f"/synthetic/T{k}.mov"
        words, t = [], 0.0
        for i in range(lines):
            first = len(words)
            for _ in range(4):
                words.append(Word("w", t, t + 0.3))
                t += 0.35
            readings.append(LineReading(path=path, line_id=f"1-{i + 1}", start=words[first].start,
                                        end=words[-1].end, score=0.8 + 0.02 * ((i * 7 + k) % 10),
                                        word_span=(first, len(words))))
            t += 0.6
        tk[path] = TakeInfo(path=path, rate=rate, frame_count=int(t * 24), setup=f"s{k % 4}",
                            transcript=Transcript(path=path, language="en", words=tuple(words)),
                            shot_size=("WS", "CU", "CU", "MS")[k % 4], characters=(("A", "B"), ("A",), ("B",), ("A", "B"))[k % 4])
    tick = time.perf_counter()
    build_cut(script, tk, readings)
    return time.perf_counter() - tick


def run(argv) -> int:
    from ..demo import build_demo_scene, load_ground_truth
    from ..edit import EditOptions, write_otio
    from ..learn import PreferenceStore, diff_timelines
    from ..pipeline import PipelineOptions, RoughCutPipeline
    from .cutquality import _truth_index, cut_quality

    p = argparse.ArgumentParser(prog="roughcut bench quality")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--workdir", default=None, help="where scenes and caches go (default: a temp dir)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="roughcut-bench-quality-"))
    pipeline = RoughCutPipeline(PipelineOptions(cache_dir=str(work / "cache")))
    rows, results, scenes = [], {}, {}
    for seed in args.seeds:
        scene = build_demo_scene(work / f"scene{seed}", seed=seed)
        truth = load_ground_truth(scene.ground_truth_path)
        tick = time.perf_counter()
        script, analyses = _analyse(scene, pipeline)
        analyse_s = time.perf_counter() - tick
        tick = time.perf_counter()
        result = pipeline.assemble(script, analyses)
        regen_s = time.perf_counter() - tick
        q = cut_quality(result.cut, truth, scene.root)
        q.update({"analyse_s": round(analyse_s, 2), "regenerate_s": round(regen_s, 3)})
        results[f"seed{seed}"] = q
        scenes[seed] = (scene, truth, script, analyses, result)
        rows.append([f"demo seed {seed}", q["line_coverage"], q["take_accuracy"], q["clipped_words"],
                     q["speaker_visible"], q["jump_cuts"], q["analyse_s"], q["regenerate_s"]])
    results["synthetic_10min_regenerate_s"] = round(_synthetic_regen_seconds(), 3)
    learning = None
    if len(args.seeds) >= 3:
        (sa, ta, _, _, ra), (sb, tb, script_b, analyses_b, rb) = scenes[args.seeds[1]], scenes[args.seeds[2]]
        idx_a, idx_b = _truth_index(ta, sa.root), _truth_index(tb, sb.root)
        generated = write_otio(ra.cut, work / "learn_generated.otio")
        edited_decisions = []
        for d in ra.cut.decisions:
            if d.gap:
                continue
            path, a, b = _editor_choice(d, idx_a)
            edited_decisions.append(dataclasses.replace(d, path=path, src_in=a, src_out=b))
        edited = write_otio(dataclasses.replace(ra.cut, decisions=tuple(edited_decisions)), work / "learn_edited.otio")
        store = PreferenceStore(work / "prefs")
        store.reset("bench")
        prefs = store.update("bench", diff_timelines(generated, edited).pairs)
        learned = RoughCutPipeline(dataclasses.replace(pipeline.options, edit=EditOptions(weights=prefs.weights)),
                                   cache=pipeline.cache).assemble(script_b, analyses_b).cut
        learning = {"before": round(_agreement(rb.cut, idx_b), 4), "after": round(_agreement(learned, idx_b), 4),
                    "pace_weight": prefs.weights.get("pace"),
                    "quality_after": cut_quality(learned, tb, sb.root)}
        results["learning"] = learning
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(markdown_table(["scene", "line_coverage", "take_accuracy", "clipped_words", "speaker_visible",
                          "jump_cuts", "analyse s", "regenerate s"], rows))
    print(f"\nRegenerate a synthetic 10-minute scene (150 lines x 8 takes): {results['synthetic_10min_regenerate_s']} s")
    if learning:
        print(f"Learning (editor prefers brisk acceptable readings): agreement on an unseen scene "
              f"{learning['before']} before -> {learning['after']} after feedback (pace weight {learning['pace_weight']})")
    return 0
