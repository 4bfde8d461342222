"""A show's taste (bench/taste.py): from about 20 of an editor's choices, through the real
feedback path (OTIO diff -> pairs -> registry with held-out promotion), the learned ranker
picks that editor's reading more often than the hand-set weights on other scenes of the show;
with no taste to learn, the show keeps the hand-set weights. Hand-built scenes, no models."""
from __future__ import annotations

import random
import statistics

from roughcut_core.edit import TakeInfo
from roughcut_core.edit.ranking import HAND_WEIGHTS
from roughcut_core.edit.signalterms import TASTE_TERMS
from roughcut_core.model import LineReading, Scene, Script, ScriptLine, Transcript, Word
from roughcut_core.timebase import Rate
from roughcut_core.bench.taste import ShowScene, agreement, show_benchmark

R = Rate(25)


def _scene(name: str, seed: int, lines: int = 7, takes: int = 5) -> ShowScene:
    """One actor's scene, as the acted-take scenes are built: every line read ``takes`` times,
    each reading its own file (one setup: the assembly's choice is the ranking's alone), each
    with its own pace and level (drawn at random); one reading per line is the "intended" one."""
    rnd = random.Random(seed)
    script = Script(scenes=(Scene(id=name, heading="INT. ROOM", lines=tuple(
        ScriptLine(id=f"{name}-{i + 1}", scene_id=name, character="ANN", text="one two three four")
        for i in range(lines))),), title=name)
    tk, readings, paths = {}, [], {}
    for i in range(lines):
        level = [rnd.uniform(-32.0, -14.0) for _ in range(takes)]
        med = statistics.median(level)
        want = rnd.randrange(takes)
        for k in range(takes):
            path = f"/show/{name}_L{i + 1}_T{k}.mov"
            paths[path] = k == want
            wl, t = rnd.uniform(0.2, 0.45), 0.5
            words = []
            for w in "one two three four".split():
                words.append(Word(w, round(t, 3), round(t + wl, 3)))
                t += wl + 0.05
            readings.append(LineReading(path=path, line_id=f"{name}-{i + 1}", start=words[0].start,
                                        end=words[-1].end, score=1.0, word_span=(0, len(words)), character="ANN",
                                        signals={"loudness_db": round(level[k], 2),
                                                 "loudness_rel_db": round(level[k] - med, 2)}))
            tr = Transcript(path=path, language="en", words=tuple(words), duration=t + 0.5)
            tk[path] = TakeInfo(path=path, rate=R, frame_count=int((t + 0.5) * 25), transcript=tr,
                                setup="CU_ANN", shot_size="CU", characters=("ANN",))
    return ShowScene(name, script, tk, tuple(readings), lambda p, l: True, lambda p, l: paths[p])


def test_taste_terms_do_not_change_the_hand_set_ranking():
    assert all(HAND_WEIGHTS[t] == 0.0 for t in (*TASTE_TERMS, "pace"))


def test_a_show_editor_s_taste_is_learned_from_about_twenty_choices(tmp_path):
    feedback = [_scene(f"f{k}", k) for k in range(3)]        # 21 lines
    held = [_scene(f"h{k}", 100 + k) for k in range(4)]       # other scenes of the show
    out = show_benchmark(tmp_path, "t", feedback, held, tastes=("loud", "tight", "none"))
    assert out["feedback_lines"] == 21
    for taste in ("loud", "tight"):
        v = out[taste]
        assert v["promoted"], v["reason"]
        # the learned ranker agrees with the editor clearly more often on scenes it never saw
        assert v["learned_agreement"] >= v["hand_agreement"] + 0.25, v
    assert out["loud"]["changed_weights"].get("loudness", 0.0) > 0.0
    assert out["tight"]["changed_weights"].get("pace", 0.0) > 0.0
    # no taste to learn (the editor only wants the intended take, which no signal shows):
    # nothing gets worse. (The gate may still promote: every swap away from the hand-set
    # favourite, random or not, says "less of what the ranker liked", on held-out lines too.)
    none = out["none"]
    assert none["learned_agreement"] >= none["hand_agreement"]
    assert not none["promoted"] or none["gate_learned"] > none["gate_hand"]


def test_agreement_counts_the_editor_s_pick():
    from roughcut_core.edit import EditOptions, build_cut

    s = _scene("a", 7)
    cut = build_cut(s.script, s.takes, s.readings, EditOptions(alternates=8, reaction_shots=False))
    hits, intended, n, ranked = agreement(s, cut, "loud")
    loudest = 0
    for d in cut.decisions:
        if d.gap or d.video_track != 1:
            continue
        rs = [r for r in s.readings if r.line_id == d.line_ids[0]]
        loudest += max(rs, key=lambda r: r.signals["loudness_db"]).path == d.path
    # the intended take outweighs a z of up to 1: the editor's pick is the loudest or the intended
    assert n == 7 and loudest <= hits + intended
    # one setup: the assembly plays the ranking's favourite, so the two agreements are one
    assert ranked == hits


def test_a_taste_reweights_but_never_makes_a_fault_a_virtue():
    """Tighter reads that happen to be heard with a word less: the fit raises pace, and may
    weigh the line match less, but keeps at least half of it (and no hand-set term below 0)."""
    from roughcut_core.learn.feedback import FeedbackPair
    from roughcut_core.learn.ranker import KEEP_USABILITY, fit_weights

    pairs = [FeedbackPair(f"s{k % 4}-{k}", {"match": 0.7, "pace": 0.2, "clarity": -0.2},
                          {"match": 1.0, "pace": -0.1, "clarity": 0.1}) for k in range(24)]
    w = fit_weights(HAND_WEIGHTS, pairs, l2=0.001)
    assert w["pace"] > 0.5
    assert w["match"] >= KEEP_USABILITY * HAND_WEIGHTS["match"] - 1e-9
    assert min(w[t] for t, v in HAND_WEIGHTS.items() if v > 0) >= 0.0


def test_an_intent_fit_is_never_learned_as_a_fault():
    """The intent components say how well a delivery fits the script's direction. Picks that
    happen to fit it less on pitch (an editor after tighter reads) may leave them unused, never
    make a misfit a virtue: on other actors that taught the ranking to pick against the script
    (RAVDESS feedback 01-08, cut of 09-16: intent match 0.446 -> 0.312 after learning)."""
    from roughcut_core.edit.ranking import INTENT_PARTS
    from roughcut_core.learn.feedback import FeedbackPair
    from roughcut_core.learn.ranker import fit_weights, lower_bounds

    assert all(lower_bounds()[t] == 0.0 for t in INTENT_PARTS)
    pairs = [FeedbackPair(f"s{k % 4}-{k}", {"pace": 0.3, "intent_pitch": -0.4},
                          {"pace": -0.1, "intent_pitch": 0.3}) for k in range(24)]
    w = fit_weights(HAND_WEIGHTS, pairs, l2=0.001)
    assert w["pace"] > 0.3 and min(w[t] for t in INTENT_PARTS) >= 0.0


def test_scenes_of_a_show_get_their_own_line_ids():
    """Generated scenes are all numbered 1: renumbered, their lines are distinct for the
    feedback log, the held-out split and the folds, and the truths still answer."""
    from roughcut_core.bench.taste import renumbered
    from roughcut_core.learn.ranker import _scene_of

    import dataclasses

    s = dataclasses.replace(_scene("1", 3, lines=3), intended=lambda p, lid: lid == "1-2")
    r = renumbered(s, "7")
    assert [ln.id for ln in r.script.lines] == ["7-1", "7-2", "7-3"]
    assert {x.line_id for x in r.readings} == {"7-1", "7-2", "7-3"} and _scene_of("7-2") == "7"
    assert r.intended("any", "7-2") and not r.intended("any", "7-1")


def test_the_editor_ignores_differences_below_notice():
    """Readings 0.05 s apart are alike to the tight editor: the cut's choice stays; 0.5 s apart
    the tighter one is taken."""
    import dataclasses

    from roughcut_core.bench.taste import editor_pick
    from roughcut_core.edit import EditOptions, build_cut

    s = _scene("n", 5, lines=1, takes=2)
    s = dataclasses.replace(s, intended=lambda p, l: False)
    cut = build_cut(s.script, s.takes, s.readings, EditOptions(alternates=8, reaction_shots=False))
    d = next(d for d in cut.decisions if not d.gap and d.video_track == 1)
    other = next(a.path for a in d.alternates)
    for gap, want in ((0.05, d.path), (0.5, other)):
        rs = tuple(dataclasses.replace(x, end=x.start + (1.0 if x.path == d.path else 1.0 - gap)) for x in s.readings)
        assert editor_pick(dataclasses.replace(s, readings=rs), d, "tight") == want


def test_the_editor_keeps_the_speaker_on_screen():
    """A louder reading on the listener's close-up is no pick for the loud editor while a shot
    showing the speaker is offered; with none offered, taste decides among what there is."""
    import dataclasses
    from types import SimpleNamespace

    from roughcut_core.bench.taste import editor_pick

    s = _scene("s", 7, lines=1, takes=3)
    paths = sorted(s.takes)
    listener = paths[0]
    louder = tuple(dataclasses.replace(r, signals={**r.signals, "loudness_db": -10.0 if r.path == listener else -30.0})
                   for r in s.readings)
    s = dataclasses.replace(s, readings=louder, intended=lambda p, l: False,
                            takes={**s.takes, listener: dataclasses.replace(s.takes[listener], setup="CU_BOB",
                                                                             characters=("BOB",))})
    d = SimpleNamespace(line_ids=("s-1",), path=paths[1], alternates=[SimpleNamespace(path=p) for p in paths if p != paths[1]])
    assert editor_pick(s, d, "loud") != listener
    alone = dataclasses.replace(s, takes={p: dataclasses.replace(t, characters=("BOB",)) for p, t in s.takes.items()})
    assert editor_pick(alone, d, "loud") == listener


def test_performance_editors_choose_by_a_measured_quantity():
    """The deliberate editor takes the slowest read (words per second), the intimate one the
    quietest, the energetic one the widest pitch range."""
    import dataclasses
    from types import SimpleNamespace

    from roughcut_core.bench.taste import editor_pick

    s = dataclasses.replace(_scene("p", 3, lines=1, takes=3), intended=lambda p, l: False)
    paths = sorted(s.takes)
    vals = {paths[0]: (2.0, -30.0, 2.0), paths[1]: (3.0, -20.0, 6.0), paths[2]: (4.0, -25.0, 4.0)}
    rs = tuple(dataclasses.replace(r, signals={**r.signals, "rate_wps": vals[r.path][0], "loudness_db": vals[r.path][1],
                                               "pitch_range_st": vals[r.path][2]}) for r in s.readings)
    s = dataclasses.replace(s, readings=rs)
    d = SimpleNamespace(line_ids=("p-1",), path=paths[2], alternates=[SimpleNamespace(path=p) for p in paths[:2]])
    assert editor_pick(s, d, "deliberate") == paths[0]
    assert editor_pick(s, d, "intimate") == paths[0]
    assert editor_pick(s, d, "energetic") == paths[1]


def test_the_ranking_agrees_when_its_favourite_is_the_editor_s_pick_or_alike():
    """The ranking's favourite among the editor's options counts as agreeing when it is the
    pick, or alike to the pick for that editor (no noticed difference), whatever the cut played."""
    import dataclasses
    from types import SimpleNamespace

    from roughcut_core.bench.taste import ranking_agrees

    s = dataclasses.replace(_scene("r", 4, lines=1, takes=3), intended=lambda p, l: False)
    paths = sorted(s.takes)
    rate = {paths[0]: 2.0, paths[1]: 3.0, paths[2]: 4.0}
    s = dataclasses.replace(s, readings=tuple(dataclasses.replace(r, signals={**r.signals, "rate_wps": rate[r.path]})
                                              for r in s.readings))

    def decision(scores):
        return SimpleNamespace(line_ids=("r-1",), path=paths[2], score=scores[2],
                               alternates=[SimpleNamespace(path=p, score=v) for p, v in zip(paths[:2], scores)])

    assert ranking_agrees(s, decision([0.9, 0.5, 0.4]), "deliberate")      # slowest ranked first
    assert not ranking_agrees(s, decision([0.5, 0.9, 0.4]), "deliberate")  # the cut's choice stays, the ranking is off
    assert ranking_agrees(s, decision([0.5, 0.9, 0.4]), "none")            # no taste: all alike


def test_the_livelier_read_is_a_taste_term_on_every_line():
    """``pitch_range`` (the pitch range against the line's median, 4 semitones = 1) is a term
    the learned ranker can weigh on directed lines too (``lively`` counts only on undirected
    ones); the hand-set ranking gives it no weight."""
    from roughcut_core.edit.ranking import reading_terms
    from roughcut_core.edit.signalterms import taste_terms

    assert taste_terms({"pitch_range_rel_st": 2.0})["pitch_range"] == 0.5
    assert taste_terms({"pitch_range_rel_st": -9.0})["pitch_range"] == -1.0
    assert taste_terms({})["pitch_range"] == 0.0 and HAND_WEIGHTS["pitch_range"] == 0.0
    s = _scene("v", 2, lines=1, takes=1)
    r = dataclasses_replace_signals(s.readings[0], {"pitch_range_rel_st": 1.0})
    terms, _, _ = reading_terms(r, s.takes[r.path])
    assert terms["pitch_range"] == 0.25


def dataclasses_replace_signals(reading, extra: dict):
    import dataclasses

    return dataclasses.replace(reading, signals={**reading.signals, **extra})
