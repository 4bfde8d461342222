"""Generated scenes in harder shooting conditions (``scenegen.hard``, issue 13): the same scene
re-framed over the whole size range, with a silent extra, per-setup grades, handheld sway,
over-the-shoulder singles and listener reactions; default scenes unchanged."""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from roughcut_core.scenegen import plan_scene
from roughcut_core.scenegen.hard import Grade, SINGLE_RANGES, WIDE_RANGES, grade_frame, reaction_levels, sway


def test_hard_plan_keeps_the_scene_and_reframes_it():
    sizes, extras = set(), 0
    for seed in range(12, 36):
        plain, hard = plan_scene(seed), plan_scene(seed, hard=True)
        assert plain.hard is None and plain == plan_scene(seed)  # the default draw is untouched
        assert hard == plan_scene(seed, hard=True)
        assert (hard.characters, hard.lines, hard.rate) == (plain.characters, plain.lines, plain.rate)
        assert [(t.take, t.index, t.defect, t.defect_line, t.setup.shows) for t in hard.takes] == \
               [(t.take, t.index, t.defect, t.defect_line, t.setup.shows) for t in plain.takes]
        names = [s.name for s in hard.setups]
        assert names == ["CAM_A", "CAM_B", "CAM_C"]  # no file name gives the framing away
        for s in hard.setups:
            ranges = WIDE_RANGES if len(s.shows) == 2 else SINGLE_RANGES
            lo, hi = next((lo, hi) for size, lo, hi in ranges if size == s.shot_size)
            assert lo <= s.face_height <= hi
            sizes.add((len(s.shows), s.shot_size))
        if hard.hard.extra:
            extras += 1
            assert hard.hard.extra not in {c.actor for c in hard.characters}
            assert hard.setups[0].shot_size == "WS"  # a three-shot only in a wide of small figures
        assert -7.0 <= hard.hard.off_camera_db <= -3.0
    assert sizes == {(2, "WS"), (2, "MS"), (1, "MS"), (1, "MCU"), (1, "CU"), (1, "ECU")}
    assert extras >= 4


def test_reactions_only_where_the_character_is_quiet():
    rate = Fraction(25)
    levels = np.zeros(500, np.float32)
    levels[100:200] = 0.8  # speaking
    out = reaction_levels(levels, rate, (1, 2, 3))
    assert np.array_equal(out[100:200], levels[100:200])
    assert not out[88:100].any() and not out[200:212].any()  # none within half a second of speech
    bursts = np.flatnonzero(np.diff((out > 0.12).astype(int)) == 1)
    assert len(bursts) >= 2  # about one reaction per five quiet seconds
    assert out.max() <= 0.8 and np.array_equal(out, reaction_levels(levels, rate, (1, 2, 3)))
    silent = reaction_levels(np.zeros(500, np.float32), rate, (4,), always=True)
    assert silent.max() > 0.12


def test_grade_and_sway_are_reproducible_and_change_the_picture():
    rgb = np.full((90, 160, 3), 120, np.uint8)
    rgb[30:60, 60:100] = 200
    g = Grade(0.7, 1.2, (1.1, 1.0, 0.9), 3.0)
    a, b = grade_frame(rgb, g, (1, 2, 3)), grade_frame(rgb, g, (1, 2, 3))
    assert np.array_equal(a, b) and a.mean() < rgb.mean() and a[..., 0].mean() > a[..., 2].mean()
    assert np.array_equal(sway(rgb, 0.0, 1.0, 5), rgb)
    moved = sway(rgb, 0.015, 1.0, 5)
    assert not np.array_equal(moved, rgb) and np.array_equal(moved, sway(rgb, 0.015, 1.0, 5))



def test_scene_gen_command_takes_hard(tmp_path):
    from roughcut_core._cli.main import build_parser

    args = build_parser().parse_args(["scene-gen", str(tmp_path), "--seed", "14", "--hard"])
    assert args.hard is True and args.seed == 14
    assert build_parser().parse_args(["scene-gen", str(tmp_path)]).hard is False
