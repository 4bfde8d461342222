"""Demo performances: which take delivers a directed line as scripted (plan only, no media)."""
import pytest

from roughcut_core.demo.audio import scene_deliveries
from roughcut_core.demo.dialogue import scene_for_seed
from roughcut_core.demo.performance import (OPPOSITE, STYLES, delivery_style, editor_picks,
                                            scripted_style)
from roughcut_core.demo.plan import SETUP_WIDE, acceptable_readings, plan_takes


@pytest.mark.parametrize("seed", range(8))
def test_each_directed_line_has_one_matched_single_and_the_wide_alone_is_not_enough(seed):
    scene = scene_for_seed(seed)
    takes = plan_takes(scene, seed)
    deliveries = scene_deliveries(scene, seed)
    good = acceptable_readings(scene, takes)
    directed = [l for l in scene.lines if scripted_style(l)]
    assert len(directed) >= 3
    picks = {p["line_id"]: p for p in editor_picks(scene, takes, deliveries)}
    for line in directed:
        ok = good[line.id]
        singles = [t for t in ok if t.setup.name == f"CU_{line.character}"]
        matched = [t for t in singles if deliveries[(t.index, line.id)] == "matched"]
        assert len(matched) == 1, line.id
        first_wide = next(t for t in ok if t.setup.name == SETUP_WIDE)
        assert deliveries[(first_wide.index, line.id)] != "matched"
        assert matched[0].name in picks[line.id]["single_takes"]
        assert set(picks[line.id]["takes"]) == {t.name for t in ok if deliveries[(t.index, line.id)] == "matched"}
    for line in scene.lines:
        if not scripted_style(line):
            assert all((t.index, line.id) not in deliveries for t in takes)


def test_styles_differ_in_sound_parameters():
    scene = scene_for_seed(0)
    line = next(l for l in scene.lines if scripted_style(l) == "angry")
    matched, flat, wrong = (delivery_style(line, d) for d in ("matched", "flat", "wrong"))
    assert matched is STYLES["angry"] and wrong is STYLES[OPPOSITE["angry"]] and flat is STYLES["flat"]
    assert matched.gain > flat.gain > wrong.gain
    assert matched.pitch_range > flat.pitch_range and matched.rate > wrong.rate


def test_cut_quality_reports_intent_match_and_shot_shares(tmp_path):
    from roughcut_core.bench.cutquality import cut_quality
    from roughcut_core.model import Cut, EditDecision
    from roughcut_core.timebase import Rate

    rate = Rate(24)

    def reading(lid, start, delivery=None):
        return {"line_id": lid, "start": start, "end": start + 1.0, "acceptable": True, "delivery": delivery,
                "words": [{"text": "w", "start": start, "end": start + 1.0}]}

    truth = {
        "lines": [{"id": "1-1", "character": "A", "style": None}, {"id": "1-2", "character": "B", "style": "angry"}],
        "setups": {"WIDE": {"shows": ["A", "B"]}, "CU_B": {"shows": ["B"]}},
        "takes": [{"path": "media/WIDE_T1.mp4", "name": "WIDE_T1", "setup": "WIDE",
                   "readings": [reading("1-1", 1.0), reading("1-2", 3.0, "flat")]},
                  {"path": "media/CU_B_T1.mp4", "name": "CU_B_T1", "setup": "CU_B",
                   "readings": [reading("1-1", 1.0), reading("1-2", 3.0, "matched")]}],
        "editor_picks": [{"line_id": "1-1", "takes": ["WIDE_T1", "CU_B_T1"]}, {"line_id": "1-2", "takes": ["CU_B_T1"]}],
    }
    wide, cu = str(tmp_path / "media/WIDE_T1.mp4"), str(tmp_path / "media/CU_B_T1.mp4")

    def cut(second):
        return Cut(name="x", rate=rate, decisions=(
            EditDecision(id="d1", path=wide, rate=rate, src_in=12, src_out=60, rec_in=0, score=0.9, line_ids=("1-1",)),
            EditDecision(id="d2", path=second, rate=rate, src_in=60, src_out=108, rec_in=48, score=0.9,
                         line_ids=("1-2",))))
    good, bad = cut_quality(cut(cu), truth, tmp_path), cut_quality(cut(wide), truth, tmp_path)
    assert good["intent_match"] == 1.0 and good["pick_accuracy"] == 1.0 and good["single_share"] == 0.5
    assert good["intent_chance"] == 0.5 and good["directed_lines"] == 1
    assert bad["intent_match"] == 0.0 and bad["pick_accuracy"] == 0.5 and bad["wide_share"] == 1.0
    assert good["clipped_speech"] == 0 and good["sound_cuts_checked"] == 4
    # A sound in-point 0.5 s into a reading clips it, even where the truth has no word times
    # (the scene generator's); a split edit is judged on its sound range, not its picture's.
    for t in truth["takes"]:
        for r in t["readings"]:
            r["words"] = []
    late = Cut(name="x", rate=rate, decisions=(
        EditDecision(id="d1", path=wide, rate=rate, src_in=36, src_out=60, rec_in=0, score=0.9, line_ids=("1-1",)),
        EditDecision(id="d2", path=cu, rate=rate, src_in=84, src_out=108, rec_in=24, score=0.9,
                     line_ids=("1-2",), audio_in=60, audio_out=108)))
    q = cut_quality(late, truth, tmp_path)
    assert q["clipped_words"] == 0 and q["words_checked"] == 0
    assert q["clipped_speech"] == 1 and q["sound_cuts_checked"] == 4
