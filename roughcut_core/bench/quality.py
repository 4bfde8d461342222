"""`roughcut bench quality`: editorial quality of the rough cut, and what feedback teaches it.

1. Generated scenes (demo seeds, plus scene-generator seeds with ``--scenegen`` (small
   two-handers, one take per setup) and ``--scenegen-full`` (full size: six or more lines,
   several takes per setup, built under ``scenegen<seed>-full``) and ``--scenegen-idioms`` (long
   speeches, an emotional beat, a quick exchange: ``scenegen.idioms``, its idioms scored by
   ``idiomquality``)): each scene is
   generated (cached in the work dir), analysed through the real pipeline (analysis cached),
   given the picture, face and performance signals ``roughcut cut`` gives (``_with_performance``): with
   the emotion model that ships in the package (``perform.emotion.SHIPPED_MODEL``, loaded by
   path so a user's own trained model cannot change the numbers), cut with the default preset and scored
   with ``cutquality``: take accuracy, editor-pick accuracy, intent match on directed lines,
   share of lines on the speaker's single / on a wider shot, jump cuts, clipped words, blinks
   at cut points ("shut/measured": the eye probe of ``picture.expression`` on the frame shown
   at each cut of the cut as ``roughcut cut`` makes it, i.e. with cut frames moved off blinks;
   ``blinks_at_cuts_speech_only`` in the JSON is the same count for cut points on speech
   alone; "-" when no frame could be measured). Beside it, the same scene cut on DSP signals
   only (no emotion model, ``ROUGHCUT_EMOTION_MODEL=none``): editor-pick accuracy and intent
   match (``dsp_only`` in the JSON).
2. Acted takes (``../shared/media/emotion_takes``, see ``emotion_scenes``): an emotion model is
   trained with ``roughcut_core.perform.train`` on RAVDESS ``--train-actors`` (in the work dir,
   never the user's install); scenes with parentheticals are built for the held-out actors
   (``--eval-actors``) and TESS; the cut's intent-match rate is reported with DSP signals only,
   with the shipped model (the default install) and with the model trained on RAVDESS, against
   chance. Nothing here was tuned on the evaluated actors.
3. Learned vs hand-set: a simulated editor corrects the cut of some scenes (demo: the second
   seed, swapping to the ground truth's editor pick, learned with ``PreferenceStore.update``;
   acted takes: ``--feedback-actors`` (default the tuning actors 01-08), swapping to the take
   with the scripted emotion, with the shipped model, DSP only and the trained model, the last
   only when the feedback actors did not train it); the edited timelines go through the real
   ``roughcut feedback`` path (OTIO diff → preference pairs → ``learn_from_feedback``: trained,
   promoted only when it wins on the show's held-out feedback lines); the show's current
   weights then cut the held-out scenes (``--eval-actors``, default 09-16, and TESS), compared
   with the hand-set weights.
   A show's taste (``bench/taste.py``): a simulated editor who keeps choosing the tighter,
   the louder or the more-face-on-screen reading (or has no taste: the intended take only)
   corrects the cuts of some scenes of a show (generated: the full-size scene-generator seeds
   ``--taste-feedback``, held out ``--taste-held``; without them every other generated scene
   from the second; acted: ``--feedback-actors``, held out ``--eval-actors`` and TESS); the
   learned weights (promoted only when they win on the show's held-out feedback lines) and the
   hand-set ones then cut the *other* scenes, and each cut's agreement with that editor is
   reported.
4. Blink detection on hand-labelled real blinks (``bench/blinks.py``: GRID clips; in-sample)
   and labelled shut frames as cut frames before / after moving them.
5. Regeneration speed on a synthetic 10-minute scene.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

from ..paths import shared_media_dir
from . import markdown_table

SHARED = shared_media_dir() / "emotion_takes"


def _analyse(media_paths, script_path, pipeline):
    from ..media import probe_many
    from ..script import load_script

    assets, _errors = probe_many(media_paths)
    return load_script(script_path), [pipeline.analyze_asset(a) for a in assets]


def _shipped_model():
    """The emotion model of the default install: the one shipped in the package."""
    from ..perform.emotion import SHIPPED_MODEL, EmotionModel

    return EmotionModel.load(SHIPPED_MODEL)


def _with_performance(pipeline, script, analyses, model):
    """The aligned readings with the signals ``roughcut cut`` gives them (``pipeline._scene_signals``):
    the picture's (on/off camera, lip sync: ``add_picture_signals`` over the scene's cast binding),
    then performance and face signals (``perform.performance_signals``) with ``model`` for the
    emotion model (None: DSP only) instead of the pipeline's own choice."""
    from ..perform import performance_signals
    from ..pipeline import add_picture_signals, bind_scene_cast, scene_characters

    usable = [a for a in analyses if a.asset.has_video and a.transcript is not None]
    # Drop what the pipeline's own model choice (a user's trained model) may have added.
    readings = [dataclasses.replace(r, signals={k: v for k, v in r.signals.items()
                                                if not k.startswith(("emotion", "arousal", "intent_"))})
                for r in pipeline.align(script, usable)]
    cast = scene_characters(script, readings)
    readings = add_picture_signals(usable, readings, characters=cast,
                                   binding=bind_scene_cast(usable, readings, cast))
    return performance_signals(script, readings, {a.asset.path: a.transcript for a in usable},
                               {a.asset.path: a.asset for a in usable}, cache=pipeline.cache, model=model,
                               pictures={a.asset.path: a.picture for a in usable if a.picture is not None})


def _blinks(cut, readings) -> object:
    """Cut points on a blink, from the chosen readings' eye signals (None when unmeasured)."""
    by = {(r.path, r.line_id): r.signals for r in readings}
    measured = blinks = 0
    for d in cut.decisions:
        if d.gap or d.video_track != 1:
            continue
        s = by.get((d.path, d.line_ids[0]), {})
        ends = [s.get(k) for k in ("eyes_open_in", "eyes_open_out") if isinstance(s.get(k), (int, float))]
        measured += bool(ends)
        blinks += sum(v < 0.35 for v in ends)
    return blinks if measured else None


def _ranking_stats(script, readings, takes, truth, root) -> dict:
    """How the ranking itself reads against the truth: Brier score of the usability against
    the truth's acceptable flag, the share of lines whose best two clean readings show
    different scores (two decimals, as on the review page), and the share whose clean
    readings all do."""
    from ..edit import rank_readings
    from ..edit.engine import script_judges
    from .cutquality import _truth_index

    idx = _truth_index(truth, Path(root))
    judges, quiet, _beats, pauses = script_judges(script)
    ranked = rank_readings(readings, takes, intents=judges, quiet_lines=quiet, pause_lines=pauses)
    top_two = 0
    brier, n, distinct, lines = 0.0, 0, 0, 0
    for lid, cands in ranked.items():
        clean = []
        for c in cands:
            t = idx.get(str(Path(c.take.path).resolve()))
            r = t["readings"].get(lid) if t else None
            if r is None:
                continue
            brier += (c.score - float(bool(r["acceptable"]))) ** 2
            n += 1
            if r["acceptable"]:
                clean.append(round(c.score, 2))
        if len(clean) >= 2:
            lines += 1
            distinct += len(set(clean)) == len(clean)
            top_two += clean[0] != clean[1]
    return {"usability_brier": round(brier / max(1, n), 4),
            "clean_top_two_differ": round(top_two / max(1, lines), 4) if lines else None,
            "clean_scores_distinct": round(distinct / max(1, lines), 4) if lines else None}


def _editor_fix(cut, truth, root):
    """The demo's simulated editor: swap each clip not among the truth's picks for the
    best-ranked alternate that is (preferring the speaker's single)."""
    from .cutquality import _truth_index

    idx = _truth_index(truth, Path(root))
    picks = {p["line_id"]: p for p in truth.get("editor_picks", ())}
    out = []
    for d in cut.decisions:
        if d.gap or d.video_track != 1:
            out.append(d)
            continue
        want = picks.get(d.line_ids[0])
        name = lambda path: (idx.get(str(Path(path).resolve())) or {}).get("name")  # noqa: E731
        if want is None or name(d.path) in want["takes"]:
            out.append(d)
            continue
        alts = [a for a in d.alternates if name(a.path) in want["takes"]]
        alts.sort(key=lambda a: name(a.path) not in want["single_takes"])
        out.append(dataclasses.replace(d, path=alts[0].path, src_in=alts[0].src_in, src_out=alts[0].src_out)
                   if alts else d)
    return out


def _brisk_fix(cut, truth, root):
    """A second simulated editor with a taste the hand-set weights lack: among the options we
    offered that the truth calls acceptable, the briskest reading."""
    from .cutquality import _truth_index

    idx = _truth_index(truth, Path(root))
    out = []
    for d in cut.decisions:
        if d.gap or d.video_track != 1:
            out.append(d)
            continue
        ok = []
        for path, a, b in [(d.path, d.src_in, d.src_out)] + [(x.path, x.src_in, x.src_out) for x in d.alternates]:
            take = idx.get(str(Path(path).resolve()))
            r = take["readings"].get(d.line_ids[0]) if take else None
            if r and r["acceptable"]:
                ok.append((r["end"] - r["start"], path, a, b))
        if ok:
            _, path, a, b = min(ok)
            out.append(dataclasses.replace(d, path=path, src_in=a, src_out=b))
        else:
            out.append(d)
    return out


def _agreement(cut, fixed) -> float:
    clips = [(d.path, e.path) for d, e in zip(cut.decisions, fixed) if not d.gap and d.video_track == 1]
    return round(sum(a == b for a, b in clips) / max(1, len(clips)), 4)


def _learn(work: Path, show: str, cuts_and_fixes) -> dict:
    """Weights learned through the real feedback path from (generated cut, edited decisions)."""
    from ..edit import write_otio
    from ..learn import PreferenceStore, diff_timelines

    store = PreferenceStore(work / "prefs")
    store.reset(show)
    pairs = []
    for k, (cut, fixed) in enumerate(cuts_and_fixes):
        gen = write_otio(cut, work / f"{show}_{k}_generated.otio")
        edited = write_otio(dataclasses.replace(cut, decisions=tuple(fixed)), work / f"{show}_{k}_edited.otio")
        pairs.extend(diff_timelines(gen, edited).pairs)
    return store.update(show, pairs).weights


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


def _generated(args, work, pipeline) -> tuple[list, dict, dict]:
    rows, results, state = [], {}, {}
    scenes = [("demo", s) for s in args.seeds] + [("scenegen", s) for s in args.scenegen] + \
        [("scenegen-full", s) for s in args.scenegen_full] + [("scenegen-idioms", s) for s in args.scenegen_idioms]
    for kind, seed in scenes:
        try:
            row = _one_scene(kind, seed, work, pipeline, results, state)
        except Exception as exc:  # one scene's failure is reported; the others go on
            results[f"{kind} seed {seed}"] = {"error": f"{type(exc).__name__}: {exc}"}
            print(f"roughcut bench quality: {kind} seed {seed} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        rows.append(row)
    return rows, results, state


def _scenegen(work: Path, seed: int, full: bool):
    """(scene, truth) of scene-generator seed ``seed`` under ``work/scenegen<seed>`` (small) or
    ``work/scenegen<seed>-full``: a complete folder (its ground truth, written last, names the
    same seed, size and generator version) is reused, anything else is built afresh."""
    from ..scenegen import build_scene, load_truth
    from ..scenegen.build import GENERATOR_VERSION, GeneratedScene

    root = work / f"scenegen{seed}{'-full' if full else ''}"
    path = root / "ground_truth.json"
    truth = load_truth(path) if path.exists() else {}
    if (truth.get("seed") == seed and bool(truth.get("small")) != full
            and (truth.get("generator") or {}).get("version") == GENERATOR_VERSION):
        return GeneratedScene(root, root / truth["script"], tuple(root / t["path"] for t in truth["takes"]), path), truth
    sc = build_scene(root, seed=seed, small=not full)
    return sc, load_truth(sc.ground_truth_path)


def _one_scene(kind, seed, work, pipeline, results, state) -> list:
    from ..demo import build_demo_scene, load_ground_truth
    from ..edit import EditOptions, build_cut
    from .cutquality import cut_quality
    from .idiomquality import idiom_metrics, idiom_scene

    if kind == "demo":
        sc = build_demo_scene(work / f"demo{seed}", seed=seed)
        media, script_path, root, truth = sc.media_paths, sc.script_path, sc.root, load_ground_truth(sc.root)
    else:
        sc, truth = idiom_scene(work, seed) if kind == "scenegen-idioms" else _scenegen(work, seed, full=kind == "scenegen-full")
        media, script_path, root = sc.media_paths, sc.script_path, sc.root
    tick = time.perf_counter()
    script, analyses = _analyse(media, script_path, pipeline)
    readings = _with_performance(pipeline, script, analyses, _shipped_model())
    analyse_s = time.perf_counter() - tick
    usable = [a for a in analyses if a.asset.has_video and a.transcript is not None]
    from ..pipeline import describe_takes
    takes = describe_takes(usable, readings)
    tick = time.perf_counter()
    plain = build_cut(script, takes, readings, EditOptions(alternates=8))
    regen_s = time.perf_counter() - tick
    # The cut as `roughcut cut` makes it: cut frames moved off blinks by the face-mesh probe.
    from ..edit.blinkcuts import blinks_at_cuts
    from ..picture.expression import make_eye_probe

    probe = make_eye_probe()
    cut = build_cut(script, takes, readings, EditOptions(alternates=8, eye_probe=probe))
    q = cut_quality(cut, truth, root)
    b_plain, m_plain = blinks_at_cuts(plain, probe)
    b_cut, m_cut = blinks_at_cuts(cut, probe)
    q.update(analyse_s=round(analyse_s, 2), regenerate_s=round(regen_s, 3),
             blinks_at_cuts=f"{b_cut}/{m_cut}" if m_cut else _blinks(cut, readings),
             blinks_at_cuts_speech_only=f"{b_plain}/{m_plain}" if m_plain else None,
             **_ranking_stats(script, readings, takes, truth, root))
    if "idioms" in truth:
        q["idioms"] = idiom_metrics(cut, truth, root)
    # Beside the default install: the same scene on DSP signals only (no emotion model).
    dsp_readings = _with_performance(pipeline, script, analyses, None)
    dsp_cut = build_cut(script, describe_takes(usable, dsp_readings), dsp_readings,
                        EditOptions(alternates=8, eye_probe=probe))
    qd = cut_quality(dsp_cut, truth, root)
    q["dsp_only"] = {k: qd.get(k) for k in ("pick_accuracy", "intent_match", "take_accuracy", "single_share")}
    name = f"{kind} seed {seed}"
    results[name] = q
    state[name] = (script, takes, readings, truth, root, cut)
    return [name, q["line_coverage"], q["take_accuracy"], q["take_chance"], q.get("pick_accuracy"), q["dsp_only"]["pick_accuracy"],
            q.get("intent_match"), q["dsp_only"]["intent_match"], q.get("intent_chance"), q["single_share"], q["wide_share"],
            q["speaker_visible"], q["jump_cuts"], f"{q['clipped_words']} / {q['clipped_speech']}", q["blinks_at_cuts"], q["clean_top_two_differ"],
            q["clean_scores_distinct"], q["usability_brier"], q["analyse_s"]]


def _demo_learning(args, work, state) -> dict:
    from ..edit import EditOptions, build_cut
    from .cutquality import cut_quality

    demo = [n for n in state if n.startswith("demo")]
    if len(demo) < 3:
        return {}
    train, tests = demo[1:2], [demo[0]] + demo[2:]
    fixes = []
    for n in train:
        script, takes, readings, truth, root, cut = state[n]
        fixes.append((cut, _editor_fix(cut, truth, root)))
    weights = _learn(work, "bench-demo", fixes)
    out = {"trained_on": train, "held_out": tests, "weights": weights}
    for n in tests:
        script, takes, readings, truth, root, cut = state[n]
        learned = build_cut(script, takes, readings, EditOptions(alternates=8, weights=weights))
        a, b = cut_quality(cut, truth, root), cut_quality(learned, truth, root)
        out[n] = {"hand": {k: a.get(k) for k in ("pick_accuracy", "intent_match", "single_share")},
                  "learned": {k: b.get(k) for k in ("pick_accuracy", "intent_match", "single_share")}}
    # A show whose editor likes brisk reads: agreement with that editor on the held-out scenes.
    brisk = _learn(work, "bench-brisk", [(state[n][5], _brisk_fix(state[n][5], state[n][3], state[n][4]))
                                         for n in train])
    out["brisk"] = {"pace_weight": brisk.get("pace")}
    for n in tests:
        script, takes, readings, truth, root, cut = state[n]
        learned = build_cut(script, takes, readings, EditOptions(alternates=8, weights=brisk))
        out["brisk"][n] = {"hand": _agreement(cut, _brisk_fix(cut, truth, root)),
                           "learned": _agreement(learned, _brisk_fix(learned, truth, root))}
    return out


def _generated_shows(state) -> list:
    """The generated scenes as ``taste.ShowScene``, each numbered by its name (``taste.renumbered``;
    acceptable / intended from the truth: the truth's acceptable readings; the editor picks'
    takes, any acceptable one on a line the truth names no pick for)."""
    from .cutquality import _truth_index
    from .taste import ShowScene, renumbered

    out = []
    for name, (script, takes, readings, truth, root, _cut) in state.items():
        idx = _truth_index(truth, Path(root))
        picks = {p["line_id"]: set(p["takes"]) for p in truth.get("editor_picks", ())}

        def truth_of(path, lid, idx=idx):
            t = idx.get(str(Path(path).resolve()))
            return t, (t["readings"].get(lid) if t else None)

        def acceptable(path, lid, truth_of=truth_of):
            return bool((truth_of(path, lid)[1] or {}).get("acceptable"))

        def intended(path, lid, truth_of=truth_of, picks=picks):
            t, r = truth_of(path, lid)
            return bool(r and r.get("acceptable") and (lid not in picks or t["name"] in picks[lid]))

        scene = ShowScene(name, script, takes, tuple(readings), acceptable, intended)
        out.append(renumbered(scene, name.replace(" seed ", "")))
    return out


def _generated_taste(work, state) -> dict:
    from .taste import show_benchmark

    shows = _generated_shows(state)
    if len(shows) < 2:
        return {}
    feedback, held = shows[1::2], shows[0::2]
    return show_benchmark(work, "bench-generated", feedback, held, tastes=("none", "tight", "loud", "face"))


def _acted_show(scenes) -> list:
    """Acted scenes as ``taste.ShowScene``: every take usable; intended = the scripted emotion."""
    from .taste import ShowScene

    return [ShowScene(s.name, s.script, s.takes, s.readings, lambda p, l: True,
                      lambda p, l, s=s: s.emotion_of.get(p) == s.target[l]) for s in scenes]


def _acted(args, work) -> dict:
    """Part 2 and the acted half of part 3 (module doc). Learned vs hand-set goes through the
    real feedback path with its promotion gate (``taste.learn_taste``, the no-taste editor: the
    take with the scripted emotion), per signal set; with the model trained on RAVDESS it is
    left out when the feedback actors are among its training actors (it heard their takes)."""
    from ..perform.train import extract, load_dataset, train
    from .emotion_scenes import attach_signals, evaluate_scene, ravdess_scenes, tess_scenes
    from .taste import learn_taste, show_benchmark

    root = Path(args.emotion_takes)
    if not (root / "ravdess" / "labels.tsv").exists():
        return {"skipped": f"{root}: no emotion_takes here"}
    tick = time.perf_counter()
    examples = [e for e in load_dataset(root / "ravdess") if e.speaker.split(":")[-1] in set(args.train_actors)]
    model = train(examples, extract(examples), data_dir=str(root / "ravdess"))
    train_s = time.perf_counter() - tick
    held = ravdess_scenes(root / "ravdess", set(args.eval_actors)) + (tess_scenes(root) if not args.no_tess else [])
    feedback = ravdess_scenes(root / "ravdess", set(args.feedback_actors))

    def rate(scenes, weights=None):
        rows = [r for s in scenes for r in evaluate_scene(s, weights)[1]]
        return (round(sum(h for _, h, _ in rows) / max(1, len(rows)), 4),
                round(sum(c for *_, c in rows) / max(1, len(rows)), 4), len(rows))

    out = {"train_actors": args.train_actors, "eval_actors": args.eval_actors,
           "feedback_actors": args.feedback_actors, "train_files": len(examples), "train_s": round(train_s, 1)}
    models = {"dsp": None, "shipped": _shipped_model(), "model": model}
    signals = {k: [attach_signals(s, model=m) for s in held] for k, m in models.items()}
    groups = {"RAVDESS held-out": lambda s: s.name.startswith("ravdess"), "TESS YAF": lambda s: s.name.startswith("tess")}
    for label, keep in groups.items():
        if any(keep(s) for s in held):
            out[label] = {k: rate([s for s in v if keep(s)]) for k, v in signals.items()}
    if not feedback:
        return out
    seen = set(args.feedback_actors) & set(args.train_actors)
    for k, m in models.items():
        if k == "model" and seen:
            out["learned_model"] = {"skipped": f"feedback actors {sorted(seen)} trained the model"}
            continue
        fb = [attach_signals(s, model=m) for s in feedback]
        weights, decision = learn_taste(work, f"bench-acted-{k}", _acted_show(fb), "none")
        out[f"learned_{k}"] = {"promoted": bool(decision.get("promoted")), "reason": decision.get("reason"),
                               "feedback_replaced": decision["feedback_replaced"], "weights": weights,
                               **{label: rate([s for s in signals[k] if keep(s)], weights)
                                  for label, keep in groups.items() if any(keep(s) for s in held)}}
        if k == "shipped":  # the show's tastes on the default install
            out["taste"] = show_benchmark(work, "bench-acted", _acted_show(fb), _acted_show(signals[k]),
                                          tastes=("none", "tight", "loud"))
    return out


def _print_taste(label: str, taste) -> None:
    if not taste:
        return
    print(f"\nA show's taste ({label}): feedback from {', '.join(taste['feedback_scenes'])} "
          f"({taste['feedback_lines']} lines); agreement with that editor on the held-out "
          f"{', '.join(taste['held_out_scenes'])}:")
    rows = [[t, v["editor"], v["feedback_replaced"], v["lines"], v["editor_off_intended"], v["hand_agreement"],
             v["learned_agreement"], v.get("hand_ranking_agreement"), v.get("learned_ranking_agreement"),
             v["hand_intended"], v["learned_intended"],
             f"{'yes' if v['promoted'] else 'no'} ({v['gate_learned']} vs {v['gate_hand']} on {v['pairs']} pairs)"
             if v.get("gate_hand") is not None else f"no ({v['reason']})",
             ", ".join(f"{k} {w}" for k, w in v["changed_weights"].items()) or "-"]
            for t, v in taste.items() if isinstance(v, dict) and "editor" in v]
    print(markdown_table(["taste", "editor keeps choosing", "feedback lines swapped", "held-out lines",
                          "editor off the intended take",
                          "agreement hand-set", "agreement learned", "ranking agrees, hand-set",
                          "ranking agrees, learned", "intended hand-set", "intended learned",
                          "promoted (gate: learned vs current on held-out feedback pairs)",
                          "learned weights (changed)"], rows))


def run(argv) -> int:
    from ..pipeline import PipelineOptions, RoughCutPipeline
    from .idiomquality import print_idioms

    p = argparse.ArgumentParser(prog="roughcut bench quality")
    p.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2], help="demo scene seeds")
    p.add_argument("--scenegen", type=int, nargs="*", default=[], help="scene-generator seeds (small scenes)")
    p.add_argument("--scenegen-full", type=int, nargs="*", default=[],
                   help="scene-generator seeds built at full size (several takes per setup)")
    p.add_argument("--scenegen-idioms", type=int, nargs="*", default=[],
                   help="idiom scenes of these seeds (long speeches, a beat, a quick exchange; scenegen.idioms)")
    p.add_argument("--taste-feedback", type=int, nargs="*", default=[],
                   help="full-size scene-generator seeds of a show whose cuts the taste editor corrects")
    p.add_argument("--taste-held", type=int, nargs="*", default=[],
                   help="full-size scene-generator seeds of the same show, held out for the taste agreement")
    p.add_argument("--taste-demo", type=int, nargs=2, action="append", metavar=("FEEDBACK", "HELD"), default=[],
                   help="a show of demo scenes (taste.demo_show): a feedback seed and a held-out seed; repeat")
    p.add_argument("--emotion-takes", default=str(SHARED), help="the emotion_takes folder")
    p.add_argument("--no-acted", action="store_true", help="skip the acted-takes scenes")
    p.add_argument("--no-tess", action="store_true")
    p.add_argument("--train-actors", nargs="*", default=[f"{i:02d}" for i in range(1, 9)])
    p.add_argument("--feedback-actors", nargs="*", default=[f"{i:02d}" for i in range(1, 9)])
    p.add_argument("--eval-actors", nargs="*", default=[f"{i:02d}" for i in range(9, 17)])
    p.add_argument("--workdir", default=None, help="where scenes, caches and models go (default: a temp dir)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="roughcut-bench-quality-"))
    work.mkdir(parents=True, exist_ok=True)
    pipeline = RoughCutPipeline(PipelineOptions(cache_dir=str(work / "cache")))
    rows, results, state = _generated(args, work, pipeline)
    results["learning_demo"] = _demo_learning(args, work, state)
    if args.taste_feedback and args.taste_held:
        from .taste import scenegen_show

        results["taste_generated"] = scenegen_show(work, pipeline, args.taste_feedback, args.taste_held,
                                                   _shipped_model())
    else:
        results["taste_generated"] = _generated_taste(work, state)
    if args.taste_demo:
        from .taste import demo_show

        results["taste_demo"] = demo_show(work, pipeline, [f for f, _ in args.taste_demo], [h for _, h in args.taste_demo],
                                          _shipped_model())
    if not args.no_acted:
        results["acted"] = _acted(args, work)
    from .blinks import blink_validation

    results["blinks"] = blink_validation()
    results["synthetic_10min_regenerate_s"] = round(_synthetic_regen_seconds(), 3)
    (work / "quality.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    if args.json:
        print(json.dumps(results, indent=2, default=str))
        return 0
    print("Generated scenes, the default install (shipped emotion model), DSP only beside it:")
    print(markdown_table(["scene", "line coverage", "take accuracy", "take chance", "editor-pick accuracy",
                          "editor-pick accuracy, DSP only", "intent match", "intent match, DSP only",
                          "intent chance", "on speaker's single", "on wider shot", "speaker visible", "jump cuts", "clipped words / cuts in speech",
                          "blinks at cuts", "best two clean differ", "all clean differ", "usability Brier", "analyse s"],
                         rows))
    print_idioms(results)
    wrong = [f"{n}: " + "; ".join(f"{e['line_id']} {e['take'] or '-'} ({', '.join(e['errors'])})" for e in v["line_errors"])
             for n, v in results.items() if isinstance(v, dict) and v.get("line_errors")]
    print("\nWrong lines (defect by the truth, speaker off screen, ...):\n" + ("\n".join(wrong) or "none"))
    learning = results["learning_demo"]
    if learning:
        print(f"\nLearned vs hand-set (demo; feedback from {', '.join(learning['trained_on'])}):")
        print(markdown_table(["held-out scene", "pick acc hand", "pick acc learned", "intent hand", "intent learned"],
                             [[n, v["hand"]["pick_accuracy"], v["learned"]["pick_accuracy"], v["hand"]["intent_match"],
                               v["learned"]["intent_match"]] for n, v in learning.items() if isinstance(v, dict) and "hand" in v]))
        brisk = learning.get("brisk") or {}
        print(f"\nA show whose editor prefers brisk reads (learned pace weight {brisk.get('pace_weight')}): "
              "agreement with that editor on held-out scenes")
        print(markdown_table(["held-out scene", "hand-set", "learned"],
                             [[n, v["hand"], v["learned"]] for n, v in brisk.items() if isinstance(v, dict)]))
    acted = results.get("acted") or {}
    if "skipped" in acted:
        print(f"\nActed takes: skipped ({acted['skipped']})")
    elif acted:
        arow = []
        for label in ("RAVDESS held-out", "TESS YAF"):
            if label in acted:
                d, sh, m = acted[label]["dsp"], acted[label]["shipped"], acted[label]["model"]
                lr = (acted.get("learned_model") or {}).get(label, (None,))
                ls = (acted.get("learned_shipped") or {}).get(label, (None,))
                ld = (acted.get("learned_dsp") or {}).get(label, (None,))
                arow.append([label, m[2], d[1], sh[0], ls[0], d[0], ld[0], m[0], lr[0]])
        print(f"\nActed takes, intent match of the cut (shipped model: EmoDB, the default install; "
              f"RAVDESS model trained on actors {' '.join(acted['train_actors'])}; feedback from {' '.join(acted['feedback_actors'])}; "
              f"held out {' '.join(acted['eval_actors'])} + TESS):")
        print(markdown_table(["scenes", "directed lines", "chance", "hand-set, shipped model (default install)",
                              "learned after feedback, shipped model", "hand-set, DSP only",
                              "learned after feedback, DSP only", "hand-set, model trained on RAVDESS",
                              "learned after feedback, RAVDESS model"], arow))
        for k in ("shipped", "dsp", "model"):
            v = acted.get(f"learned_{k}") or {}
            print(f"- learned, {k}: " + (v["skipped"] if "skipped" in v else
                  f"promoted {'yes' if v.get('promoted') else 'no'} ({v.get('reason')}); "
                  f"the editor swapped {v.get('feedback_replaced')} feedback lines"))
    _print_taste("generated scenes", results.get("taste_generated"))
    _print_taste("demo scenes", results.get("taste_demo"))
    _print_taste("acted takes, shipped model", (results.get("acted") or {}).get("taste"))
    bl = results.get("blinks") or {}
    if "skipped" in bl:
        print(f"\nBlinks: skipped ({bl['skipped']})")
    elif bl:
        print("\nBlink detection on hand-labelled real blinks (GRID, 5 clips; in-sample, see bench/blinks.py):")
        print(markdown_table(["detector", "precision (frames)", "recall (frames)", "tp", "fp", "fn"],
                             [[k, v["precision"], v["recall"], v["tp"], v["fp"], v["fn"]]
                              for k, v in bl.items() if isinstance(v, dict)]))
        print(f"closures with a detected shut frame: {bl['closures_detected']}/{bl['closures']}; "
              f"labelled shut frames as planned cut frames on a blink: {bl['cut_frames_on_blink_before']} -> "
              f"{bl['cut_frames_on_blink_after']} after moving within +-{6} frames")
    print(f"\nRegenerate a synthetic 10-minute scene (150 lines x 8 takes): {results['synthetic_10min_regenerate_s']} s")
    return 0
