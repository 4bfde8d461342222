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
