"""A show's taste: does the learned per-show ranker pick up a consistent editor's preference?

Contract (used by ``roughcut bench quality``):
- A :class:`ShowScene` is one scene of a show: script, takes, readings (with signals), and two
  truths per (path, line id): ``acceptable`` (the editor would use the reading at all) and
  ``intended`` (the take the script or the ground truth asks for).
- A simulated editor (:data:`TASTES`) has a consistent taste over a *measured* quantity of the
  reading (not over our score terms): ``tight`` the shortest reading (seconds from the first
  to the last word), ``loud`` the loudest (``loudness_db``, mean speech level in dBFS),
  ``face`` the most face on screen (``face_size``), the performance tastes ``deliberate`` the
  slowest read (``rate_wps``, words per second), ``intimate`` the quietest (``loudness_db``),
  ``energetic`` the widest pitch range (``pitch_range_st``), or ``none`` (no taste: only the
  intended take). The editor notices a difference only from 0.1 s, 1 dB, a tenth of the face
  size, 5 % of the rate or 1 semitone across the options (below that, the options are alike
  to that editor). Among the options the cut offered for a line (its choice and ranked
  alternates) that are acceptable, the editor takes the one with the highest
  ``INTENDED_BONUS x intended + z(taste)`` (the taste standardised over those options): the
  scripted take, unless another one is clearly more to the editor's taste. Where nothing beats
  the cut's choice it stays. Options whose shot does not show the line's speaker are passed
  over when one does (:func:`_showing_speaker`).
- A show's scenes have distinct scene numbers (:func:`renumbered`); :func:`scenegen_show`
  makes a show of full-size generated scenes, :func:`demo_show` one of demo scenes (whose
  takes differ in performance; a generated scene's takes of a character do not).
- :func:`show_benchmark` cuts the feedback scenes with the hand-set weights, lets the editor
  correct them, learns through the real path (OTIO written and diffed: ``learn.diff_timelines``;
  pairs logged, trained, registered and promoted only when they win on the show's held-out
  lines: ``learn.learn_from_feedback``), then cuts the *other* scenes of the show with the
  hand-set and with the learned weights and reports each cut's agreement with that editor
  (share of lines whose chosen reading is the editor's pick), its ranking's agreement (the
  ranking's favourite among the editor's options is the pick, whatever the assembly then
  played: :func:`ranking_agrees`) and its agreement with the intended takes.
  Nothing is fitted to the held-out scenes.
"""
from __future__ import annotations

import dataclasses
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

INTENDED_BONUS = 1.0


@dataclass(frozen=True)
class ShowScene:
    name: str
    script: object
    takes: dict
    readings: tuple
    acceptable: Callable[[str, str], bool]
    intended: Callable[[str, str], bool]


def _duration(r) -> Optional[float]:
    return -(r.end - r.start)


def _signal(key: str, sign: float = 1.0) -> Callable:
    def value(r) -> Optional[float]:
        v = r.signals.get(key)
        return sign * float(v) if isinstance(v, (int, float)) and v == v else None
    return value


# name -> (what the editor keeps choosing, value of a reading: higher is more to the taste,
#          the smallest difference the editor notices: (absolute, relative to the median))
TASTES: dict = {
    "none": ("no taste: the intended take", None, (0.0, 0.0)),
    "tight": ("the tighter reading (shortest)", _duration, (0.1, 0.0)),
    "loud": ("the louder reading (speech level)", _signal("loudness_db"), (1.0, 0.0)),
    "face": ("more face on screen (face size)", _signal("face_size"), (0.0, 0.1)),
    # Performance tastes, each on one measured quantity of the reading; the smallest noticed
    # difference is about a listener's: 5 % of the speech rate, 1 dB of level, 1 semitone of
    # pitch range.
    "deliberate": ("the slower, more deliberate read (words per second)", _signal("rate_wps", -1.0), (0.0, 0.05)),
    "intimate": ("the quieter, intimate read (speech level)", _signal("loudness_db", -1.0), (1.0, 0.0)),
    "energetic": ("the livelier read (pitch range)", _signal("pitch_range_st"), (1.0, 0.0)),
}


def _noticed(taste: str, values) -> bool:
    """Whether the editor hears or sees a difference among ``values`` at all (:data:`TASTES`'
    smallest noticed difference: 0.1 s, 1 dB, a tenth of the face size)."""
    absolute, relative = TASTES[taste][2]
    values = list(values)
    return len(values) >= 2 and max(values) - min(values) >= max(absolute, relative * abs(statistics.median(values)))


def renumbered(scene: ShowScene, scene_id: str) -> ShowScene:
    """``scene`` with its script scene numbered ``scene_id`` (``<scene_id>.<old id>`` when it
    has several) and every line id, in the script and the readings, ``<scene number>-<n>``;
    ``acceptable`` / ``intended`` are still asked with the original ids. A show's scenes have
    distinct numbers, and the feedback log, the held-out split of the promotion gate and the
    learner's folds all key on line ids: generated scenes all numbered "1" would otherwise
    share their lines across scenes."""
    script = scene.script
    several = len(script.scenes) > 1
    new_of, scenes = {}, []
    for sc in script.scenes:
        sid = f"{scene_id}.{sc.id}" if several else str(scene_id)
        lines = []
        for ln in sc.lines:
            new_of[ln.id] = f"{sid}-{ln.id.rsplit('-', 1)[-1]}"
            lines.append(dataclasses.replace(ln, id=new_of[ln.id], scene_id=sid))
        scenes.append(dataclasses.replace(sc, id=sid, lines=tuple(lines)))
    old_of = {v: k for k, v in new_of.items()}
    readings = tuple(dataclasses.replace(r, line_id=new_of.get(r.line_id, r.line_id)) for r in scene.readings)
    return ShowScene(scene.name, dataclasses.replace(script, scenes=tuple(scenes)), scene.takes, readings,
                     lambda p, lid: scene.acceptable(p, old_of.get(lid, lid)),
                     lambda p, lid: scene.intended(p, old_of.get(lid, lid)))


def _reading_of(scene: ShowScene, path: str, lid: str):
    rs = [r for r in scene.readings if r.path == path and r.line_id == lid]
    return max(rs, key=lambda r: r.score) if rs else None


def _showing_speaker(scene: ShowScene, lid: str, paths: list) -> list:
    """The ``paths`` whose shot shows the line's speaker (the take's cast), when there are any:
    an editor chooses a performance among the shots that keep the speaker on screen; taking
    the listener's close-up for a reading's pace or level is no taste, it loses the speaker."""
    who = next((ln.character for sc in scene.script.scenes for ln in sc.lines if ln.id == lid), None)
    shown = [p for p in paths if p in scene.takes and who in (getattr(scene.takes[p], "characters", ()) or ())]
    return shown or paths


def editor_options(scene: ShowScene, decision) -> list:
    """The paths the editor chooses among for ``decision``'s line: the cut's choice and its
    alternates that are acceptable, those showing the speaker when any do."""
    lid = decision.line_ids[0]
    paths = list(dict.fromkeys([decision.path, *(a.path for a in decision.alternates)]))
    ok = [p for p in paths if scene.acceptable(p, lid)]
    return _showing_speaker(scene, lid, ok) if ok else []


def ranking_agrees(scene: ShowScene, decision, taste: str) -> bool:
    """Whether the ranking's favourite among the editor's options (:func:`editor_options`, by
    the scores the cut gave them) is as much to the editor's taste as the editor's pick (an
    option the editor cannot tell from the pick counts as the pick). The cut itself may still
    play another reading (the assembly's idioms: the speaker's single over the wide, no jump
    cut); this says whether the ranker has learned the taste."""
    util = _utilities(scene, decision, taste)
    if not util:
        return True
    score = {a.path: a.score for a in decision.alternates}
    score[decision.path] = decision.score
    top = max(util, key=lambda p: (score.get(p, float("-inf")), p == decision.path))
    return util[top] >= util[editor_pick(scene, decision, taste)] - 1e-9


def _utilities(scene: ShowScene, decision, taste: str) -> dict:
    """path -> the editor's utility over :func:`editor_options` (module doc); {} when none."""
    lid = decision.line_ids[0]
    value = TASTES[taste][1]
    ok = editor_options(scene, decision)
    vals = {}
    if value is not None:
        for p in ok:
            r = _reading_of(scene, p, lid)
            v = value(r) if r is not None else None
            if v is not None:
                vals[p] = v
    if not _noticed(taste, vals.values()):
        vals = {}
    mu = statistics.fmean(vals.values()) if vals else 0.0
    sd = statistics.pstdev(vals.values()) if len(vals) >= 2 else 0.0

    def util(p: str) -> float:
        z = (vals[p] - mu) / sd if sd > 1e-9 and p in vals else 0.0
        return INTENDED_BONUS * float(scene.intended(p, lid)) + z

    return {p: util(p) for p in ok}


def editor_pick(scene: ShowScene, decision, taste: str) -> str:
    """The path the editor wants for ``decision``'s line among the options the cut offered."""
    util = _utilities(scene, decision, taste)
    if not util:
        return decision.path
    best = max(util, key=lambda p: (util[p], p == decision.path))
    return decision.path if decision.path in util and util[best] <= util[decision.path] + 1e-9 else best


def _clips(cut):
    return [d for d in cut.decisions if not d.gap and d.video_track == 1 and d.line_ids]


def editor_fixes(scene: ShowScene, cut, taste: str) -> list:
    """The cut's decisions with each clip swapped to the editor's pick (the same source range
    as the alternate the cut offered)."""
    out = []
    for d in cut.decisions:
        if d.gap or d.video_track != 1 or not d.line_ids:
            out.append(d)
            continue
        want = editor_pick(scene, d, taste)
        alt = next((a for a in d.alternates if a.path == want), None)
        out.append(d if alt is None or want == d.path else
                   dataclasses.replace(d, path=alt.path, src_in=alt.src_in, src_out=alt.src_out))
    return out


def agreement(scene: ShowScene, cut, taste: str) -> tuple[int, int, int, int]:
    """(lines where the cut chose the editor's pick, lines where it chose an intended take,
    lines, lines where the ranking's favourite is as good as the editor's pick: :func:`ranking_agrees`)."""
    clips = _clips(cut)
    return (sum(editor_pick(scene, d, taste) == d.path for d in clips),
            sum(bool(scene.intended(d.path, d.line_ids[0])) for d in clips), len(clips),
            sum(ranking_agrees(scene, d, taste) for d in clips))


def _cut(scene: ShowScene, weights: Optional[dict]):
    from ..edit import EditOptions, build_cut

    return build_cut(scene.script, scene.takes, scene.readings,
                     EditOptions(weights=weights, alternates=8, reaction_shots=False))


def learn_taste(work: Path, show: str, scenes: Sequence[ShowScene], taste: str) -> tuple[dict, dict]:
    """(weights now current for ``show``, the promotion decision with ``feedback_replaced``: the
    lines the editor swapped) after the editor corrected the hand-set cuts of ``scenes``,
    through the real feedback path (see module doc)."""
    from ..edit import write_otio
    from ..learn import PreferenceStore, diff_timelines
    from ..learn.registry import learn_from_feedback

    import shutil

    folder = work / "taste" / show
    shutil.rmtree(folder, ignore_errors=True)  # a rerun in the same work dir starts the show afresh
    folder.mkdir(parents=True, exist_ok=True)
    prefs, ops = folder / "prefs", folder / "ops"
    pairs, replaced = [], 0
    for k, s in enumerate(scenes):
        cut = _cut(s, None)
        gen = write_otio(cut, folder / f"{k}_generated.otio")
        edited = write_otio(dataclasses.replace(cut, decisions=tuple(editor_fixes(s, cut, taste))),
                            folder / f"{k}_edited.otio")
        diff = diff_timelines(gen, edited)
        pairs.extend(diff.pairs)
        replaced += len(diff.replaced)
    decision = learn_from_feedback(show, pairs, root=ops, preferences_dir=prefs, when=0.0)
    return PreferenceStore(prefs).load(show).weights, {**decision, "feedback_replaced": replaced}


def show_benchmark(work: Path, show: str, feedback: Sequence[ShowScene], held_out: Sequence[ShowScene],
                   tastes: Sequence[str] = ("none", "tight", "loud")) -> dict:
    """Per taste: the learned weights' changed terms, the promotion decision, and on the
    held-out scenes the hand-set and learned cuts' agreement with the editor and with the
    intended takes (module doc)."""
    from ..edit.ranking import HAND_WEIGHTS

    out = {"feedback_scenes": [s.name for s in feedback], "held_out_scenes": [s.name for s in held_out],
           "feedback_lines": sum(len(_clips(_cut(s, None))) for s in feedback)}
    hand_cuts = {s.name: _cut(s, None) for s in held_out}
    for taste in tastes:
        weights, decision = learn_taste(work, f"{show}-{taste}", feedback, taste)
        changed = {k: round(v, 3) for k, v in weights.items() if abs(v - HAND_WEIGHTS.get(k, 0.0)) > 1e-3}
        hand = [0, 0, 0, 0]
        learned = [0, 0, 0, 0]
        overrides = 0
        for s in held_out:
            lc = _cut(s, weights)
            for acc, cut in ((hand, hand_cuts[s.name]), (learned, lc)):
                for i, v in enumerate(agreement(s, cut, taste)):
                    acc[i] += v
            overrides += sum(not s.intended(editor_pick(s, d, taste), d.line_ids[0]) for d in _clips(lc))
        n = max(1, hand[2])
        out[taste] = {"editor": TASTES[taste][0], "changed_weights": changed,
                      "promoted": bool(decision.get("promoted")), "reason": decision.get("reason"),
                      "feedback_replaced": decision["feedback_replaced"],
                      "pairs": decision.get("heldout_pairs"), "lines": hand[2],
                      "gate_learned": decision.get("candidate_accuracy"), "gate_hand": decision.get("current_accuracy"),
                      "gate_lines_won": decision.get("lines_won"),
                      "gate_lines_lost": decision.get("lines_lost"),
                      "hand_agreement": round(hand[0] / n, 4), "learned_agreement": round(learned[0] / max(1, learned[2]), 4),
                      "hand_intended": round(hand[1] / n, 4), "learned_intended": round(learned[1] / max(1, learned[2]), 4),
                      "hand_ranking_agreement": round(hand[3] / n, 4),
                      "learned_ranking_agreement": round(learned[3] / max(1, learned[2]), 4),
                      "editor_off_intended": round(overrides / max(1, learned[2]), 4)}
    return out


def scenegen_scene(work: Path, pipeline, seed: int, model) -> ShowScene:
    """Generated scene ``seed`` at full size (two takes per setup) as a scene of a show, numbered
    ``seed`` (:func:`renumbered`): built under ``work/scenegen<seed>`` (a complete folder, i.e.
    one holding its ground truth, which is written last, is reused), analysed through the real
    pipeline (``pipeline``'s analysis cache) with performance signals from ``model`` (the
    emotion model; None: DSP only). ``acceptable``: the truth's reading has no defect and its
    speaker is on camera; ``intended``: the same (generated scenes carry no direction, so the
    no-taste editor only replaces unusable picks)."""
    from ..pipeline import describe_takes
    from ..scenegen import build_scene, load_truth
    from ..scenegen.build import GeneratedScene
    from .cutquality import _truth_index
    from .quality import _analyse, _with_performance

    root = Path(work) / f"scenegen{seed}"
    truth_path = root / "ground_truth.json"
    truth = load_truth(truth_path) if truth_path.exists() else None
    if truth is None or truth.get("seed") != seed or truth.get("small"):
        sc = build_scene(root, seed=seed)
        truth = load_truth(sc.ground_truth_path)
    else:
        sc = GeneratedScene(root, root / truth["script"], tuple(root / t["path"] for t in truth["takes"]), truth_path)
    script, analyses = _analyse(sc.media_paths, sc.script_path, pipeline)
    readings = _with_performance(pipeline, script, analyses, model)
    takes = describe_takes([a for a in analyses if a.asset.has_video and a.transcript is not None], readings)
    index = _truth_index(truth, root)

    def usable(path: str, lid: str) -> bool:
        t = index.get(str(Path(path).resolve()))
        r = (t["readings"].get(lid) if t else None) or {}
        return bool(r.get("acceptable")) and bool(r.get("on_camera", True))

    return renumbered(ShowScene(f"scenegen seed {seed}", script, takes, tuple(readings), usable, usable), str(seed))


def scenegen_show(work: Path, pipeline, feedback_seeds: Sequence[int], held_seeds: Sequence[int], model,
                  tastes: Sequence[str] = tuple(TASTES)) -> dict:
    """:func:`show_benchmark` on a show of generated scenes (:func:`scenegen_scene`): the editor
    corrects the cuts of ``feedback_seeds``; agreement is reported on ``held_seeds``."""
    return _seeded_show(work, "bench-scenegen", scenegen_scene, pipeline, feedback_seeds, held_seeds, model, tastes)


def _seeded_show(work: Path, name: str, make_scene: Callable, pipeline, feedback_seeds: Sequence[int],
                 held_seeds: Sequence[int], model, tastes: Sequence[str]) -> dict:
    """:func:`show_benchmark` on the scenes ``make_scene(work, pipeline, seed, model)`` makes; a
    seed may not be both feedback and held out."""
    overlap = set(feedback_seeds) & set(held_seeds)
    if overlap:
        raise ValueError(f"seeds {sorted(overlap)} are both feedback and held out")
    feedback = [make_scene(work, pipeline, s, model) for s in feedback_seeds]
    held = [make_scene(work, pipeline, s, model) for s in held_seeds]
    return show_benchmark(work, name, feedback, held, tastes=tastes)


def demo_scene(work: Path, pipeline, seed: int, model) -> ShowScene:
    """Demo scene ``seed`` (``roughcut demo-scene --seed``) as a scene of a show, numbered
    ``9<seed>`` (:func:`renumbered`), built under ``work/demo<seed>`` and analysed through the
    real pipeline as :func:`scenegen_scene`. Its takes differ in performance (each take's
    speech rate, the matched / flat / wrong deliveries of directed lines), which the generated
    scenes' takes do not (a character's takes are one TTS voice at one rate): a performance
    taste shows here. ``acceptable``: the truth's reading is acceptable; ``intended``: also the
    editor's pick of the truth where it names one for the line."""
    from ..demo import build_demo_scene, load_ground_truth
    from ..pipeline import describe_takes
    from .cutquality import _truth_index
    from .quality import _analyse, _with_performance

    sc = build_demo_scene(Path(work) / f"demo{seed}", seed=seed)
    truth = load_ground_truth(sc.root)
    script, analyses = _analyse(sc.media_paths, sc.script_path, pipeline)
    readings = _with_performance(pipeline, script, analyses, model)
    takes = describe_takes([a for a in analyses if a.asset.has_video and a.transcript is not None], readings)
    index = _truth_index(truth, Path(sc.root))
    picks = {p["line_id"]: set(p["takes"]) for p in truth.get("editor_picks", ())}

    def truth_of(path: str, lid: str):
        t = index.get(str(Path(path).resolve()))
        return t, ((t["readings"].get(lid) if t else None) or {})

    def acceptable(path: str, lid: str) -> bool:
        return bool(truth_of(path, lid)[1].get("acceptable"))

    def intended(path: str, lid: str) -> bool:
        t, r = truth_of(path, lid)
        return bool(r.get("acceptable")) and (lid not in picks or t["name"] in picks[lid])

    return renumbered(ShowScene(f"demo seed {seed}", script, takes, tuple(readings), acceptable, intended), f"9{seed}")


def demo_show(work: Path, pipeline, feedback_seeds: Sequence[int], held_seeds: Sequence[int], model,
              tastes: Sequence[str] = tuple(TASTES)) -> dict:
    """:func:`show_benchmark` on a show of demo scenes (:func:`demo_scene`)."""
    return _seeded_show(work, "bench-demo-show", demo_scene, pipeline, feedback_seeds, held_seeds, model, tastes)
