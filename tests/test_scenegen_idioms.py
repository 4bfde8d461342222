"""Idiom scenes (scenegen.idioms) and their scoring (bench.idiomquality): no media needed."""
from __future__ import annotations

from pathlib import Path

from roughcut_core.bench.idiomquality import idiom_metrics
from roughcut_core.model import Cut, EditDecision, ScriptLine
from roughcut_core.scenegen.build import to_fountain
from roughcut_core.scenegen.idioms import PICKUP, QUICK_LINES, plan_idiom_scene
from roughcut_core.scenegen.plan import plan_scene
from roughcut_core.script.intent import parse_intent
from roughcut_core.timebase import Rate


def test_idiom_plans_have_long_speeches_a_beat_and_a_quick_exchange():
    for seed in (12, 30, 77):
        plan, expect = plan_idiom_scene(seed)
        assert plan_idiom_scene(seed) == (plan, expect)  # a pure function of the seed
        kinds = {lid: e["idiom"] for lid, e in expect["lines"].items()}
        assert [ln.id for ln in plan.lines] == list(kinds) == [f"1-{n}" for n in range(1, len(plan.lines) + 1)]
        speakers = [ln.character for ln in plan.lines]
        assert all(a != b for a, b in zip(speakers, speakers[1:]))  # the speaker changes at every line
        slowest = min(c.wpm for c in plan.characters)
        longs = [ln for ln in plan.lines if expect["lines"][ln.id]["why"] == "long speech"]
        assert len(longs) == 2 and all(len(ln.text.split()) / max(c.wpm for c in plan.characters) * 60 > 6.0
                                       for ln in longs)
        beats = [ln for ln in plan.lines if ln.direction]
        assert len(beats) == 1 and kinds[beats[0].id] == "reaction"
        intent = parse_intent(ScriptLine(id=beats[0].id, scene_id="1", character=beats[0].character,
                                         text=beats[0].text, parenthetical=beats[0].direction))
        assert intent.emotion not in (None, "neutral")  # what the engine's beat test reads
        assert f"{beats[0].character}\n{beats[0].direction}\n{beats[0].text}\n" in to_fountain(plan)
        quick = expect["quick_exchange"]
        assert len(quick) == QUICK_LINES and all(kinds[q] == "hold" for q in quick)
        at = [ln.id for ln in plan.lines].index(quick[0])
        assert all(len(plan.lines[at + k].text.split()) <= 3 for k in range(QUICK_LINES))
        assert all(plan.pauses[at + k] <= PICKUP[1] for k in range(QUICK_LINES - 1))
        assert all(p >= 0.5 for i, p in enumerate(plan.pauses) if not at <= i < at + QUICK_LINES - 1)
        assert kinds["1-1"] == "none" and slowest >= 150
        assert all(e["listener"] != ln.character for ln, e in zip(plan.lines, expect["lines"].values()))
        singles = [s for s in plan.setups if len(s.shows) == 1]
        assert {s.shows[0] for s in singles} == {c.name for c in plan.characters}  # the listener's single


def test_default_plans_are_untouched_by_the_variant():
    for seed in (3, 20):
        plan = plan_scene(seed)
        assert plan.pauses is None and all(ln.direction is None for ln in plan.lines)
        assert "(" not in to_fountain(plan).split("face each other.")[1]


def _truth(tmp_path: Path) -> dict:
    lines = [("1-1", "A", "none"), ("1-2", "B", "reaction"), ("1-3", "A", "hold"), ("1-4", "B", "hold"),
             ("1-5", "A", "hold"), ("1-6", "B", "none")]
    spans = {"1-1": (1.0, 2.0), "1-2": (2.6, 10.0), "1-3": (10.6, 11.2), "1-4": (11.35, 11.9),
             "1-5": (12.05, 12.6), "1-6": (13.2, 14.4)}

    def take(name, setup, shows):
        return {"path": f"media/{name}.mp4", "name": name, "setup": setup, "shows": shows,
                "readings": [{"line_id": lid, "character": ch, "start": spans[lid][0], "end": spans[lid][1],
                              "defect": None} for lid, ch, _ in lines]}
    return {"lines": [{"id": lid, "character": ch, "text": "x"} for lid, ch, _ in lines],
            "setups": {"WIDE": {"shows": ["A", "B"]}, "CU_A": {"shows": ["A"]}, "CU_B": {"shows": ["B"]}},
            "takes": [take("WIDE_T1", "WIDE", ["A", "B"]), take("CU_A_T1", "CU_A", ["A"]),
                      take("CU_B_T1", "CU_B", ["B"])],
            "idioms": {"lines": {lid: {"idiom": k, "why": "", "listener": "B" if ch == "A" else "A"}
                                 for lid, ch, k in lines},
                       "quick_exchange": ["1-3", "1-4", "1-5"]}}


def _clip(tmp_path, name, a, b, rec, lid, track=1):
    return EditDecision(id=f"{name}{lid}", path=str(tmp_path / f"media/{name}.mp4"), rate=Rate(25, 1), src_in=a,
                        src_out=b, rec_in=rec, score=1.0, line_ids=(lid,), video_track=track,
                        media_type="video" if track > 1 else "both")


def test_idiom_metrics_count_reactions_their_jl_and_the_exchange(tmp_path):
    truth = _truth(tmp_path)
    # 1-2 (B's long speech) on B's single with A's single over its middle while B talks: a hit
    # with J/L; a cutaway on 1-6 is unexpected; the exchange cuts once (wide, wide, CU_A).
    clips = [_clip(tmp_path, "WIDE_T1", 20, 60, 0, "1-1"), _clip(tmp_path, "CU_B_T1", 60, 255, 40, "1-2"),
             _clip(tmp_path, "WIDE_T1", 255, 292, 235, "1-3"), _clip(tmp_path, "WIDE_T1", 292, 298, 272, "1-4"),
             _clip(tmp_path, "CU_A_T1", 298, 320, 278, "1-5"), _clip(tmp_path, "CU_B_T1", 320, 365, 300, "1-6")]
    away = [_clip(tmp_path, "CU_A_T1", 140, 190, 120, "1-2-r", track=2),
            _clip(tmp_path, "CU_A_T1", 330, 345, 310, "1-6-r", track=2)]
    cut = Cut(name="t", rate=Rate(25, 1), decisions=tuple(clips + away))
    m = idiom_metrics(cut, truth, tmp_path)
    assert (m["reactions_expected"], m["reactions_hit"], m["reactions_unexpected"], m["reactions"]) == (1, 1, 1, 2)
    assert m["reactions_jl"] == 2  # both play A's single, A quiet, inside the speaker's clip
    assert (m["exchange_transitions"], m["exchange_cuts"], m["exchange_setups"]) == (2, 1, ["CU_A", "WIDE"])
    assert m["lines"][1] == ["1-2", "reaction", "reaction"] and m["lines"][0] == ["1-1", "none", "WIDE"]


def test_a_cutaway_showing_the_listener_talking_is_no_jl_reaction(tmp_path):
    truth = _truth(tmp_path)
    clips = [_clip(tmp_path, "CU_B_T1", 60, 255, 0, "1-2")]
    # A's single at 11-12 s: A says 1-3 there, not listening; and one running past the clip's end
    away = [_clip(tmp_path, "CU_A_T1", 270, 300, 80, "1-2-r", track=2)]
    m = idiom_metrics(Cut(name="t", rate=Rate(25, 1), decisions=tuple(clips + away)), truth, tmp_path)
    assert (m["reactions_hit"], m["reactions_jl"]) == (1, 0)
    late = [_clip(tmp_path, "CU_A_T1", 100, 200, 150, "1-2-r", track=2)]
    m = idiom_metrics(Cut(name="t", rate=Rate(25, 1), decisions=tuple(clips + late)), truth, tmp_path)
    assert m["reactions_jl"] == 0  # it does not end before the speaker's clip: no J back


def test_scene_script_lines_parse(tmp_path):  # the variant's fountain reads back with its parenthetical
    from roughcut_core.script import load_script

    plan, _ = plan_idiom_scene(40)
    p = tmp_path / "scene.fountain"
    p.write_text(to_fountain(plan), encoding="utf-8")
    lines = [l for s in load_script(p).scenes for l in s.lines]
    assert [l.text for l in lines] == [ln.text for ln in plan.lines]
    assert [l.parenthetical for l in lines if l.parenthetical] == [ln.direction for ln in plan.lines if ln.direction]


def test_a_through_edit_inside_a_reading_is_no_cut_in_speech(tmp_path):
    """Two clips of one recording meeting at one frame play on: the sound is not cut there, even
    where the meeting point lies inside a reading (the aligner misplaced the line's edge)."""
    from roughcut_core.bench.cutquality import cut_quality

    truth = _truth(tmp_path)
    # 1-3 and 1-4 on CU_A_T1 meet at 11.6 s, inside no gap the truth knows (1-4 runs 11.35-11.9)
    clips = [_clip(tmp_path, "CU_A_T1", 255, 290, 0, "1-3"), _clip(tmp_path, "CU_A_T1", 290, 300, 35, "1-4")]
    q = cut_quality(Cut(name="t", rate=Rate(25, 1), decisions=tuple(clips)), truth, tmp_path)
    assert (q["clipped_speech"], q["sound_cuts_checked"]) == (0, 2)
    apart = [clips[0], _clip(tmp_path, "CU_B_T1", 290, 300, 35, "1-4")]  # a real cut at 11.6 s
    q = cut_quality(Cut(name="t", rate=Rate(25, 1), decisions=tuple(apart)), truth, tmp_path)
    assert q["clipped_speech"] == 2 and q["sound_cuts_checked"] == 4
