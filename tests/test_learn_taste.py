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
    # the show keeps the hand-set weights, so nothing gets worse
    none = out["none"]
    assert none["learned_agreement"] >= none["hand_agreement"]
    assert not none["promoted"] or none["learned_agreement"] == none["hand_agreement"]


def test_agreement_counts_the_editor_s_pick():
    from roughcut_core.edit import EditOptions, build_cut

    s = _scene("a", 7)
    cut = build_cut(s.script, s.takes, s.readings, EditOptions(alternates=8, reaction_shots=False))
    hits, intended, n = agreement(s, cut, "loud")
    loudest = 0
    for d in cut.decisions:
        if d.gap or d.video_track != 1:
            continue
        rs = [r for r in s.readings if r.line_id == d.line_ids[0]]
        loudest += max(rs, key=lambda r: r.signals["loudness_db"]).path == d.path
    # the intended take outweighs a z of up to 1: the editor's pick is the loudest or the intended
    assert n == 7 and loudest <= hits + intended
