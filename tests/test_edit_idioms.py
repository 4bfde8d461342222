"""Editing idioms and ranking calibration on hand-built takes (issue 14, item 4): a quick
exchange needs what defines it, noise and restarts weigh as an editor weighs them, and a
reading the sound cleared does not raise the bar for the clean readings beside it."""
from dataclasses import replace

from edit_fixtures import make_script, make_take
from roughcut_core.edit import AssemblyOptions, EditOptions, build_cut, rank_readings
from roughcut_core.edit.assemble import quick_exchanges


def _coverage(n=4, gap=1.0, word_len=0.3):
    wide, r_w = make_take("/m/WIDE_T1.mov", "wide", ("ALICE", "BOB"), "WS", n=n, gap=gap, word_len=word_len)
    ca, r_a = make_take("/m/CU_ALICE_T1.mov", "cu_a", ("ALICE",), "CU", n=n, gap=gap, word_len=word_len)
    cb, r_b = make_take("/m/CU_BOB_T1.mov", "cu_b", ("BOB",), "CU", n=n, gap=gap, word_len=word_len)
    return {t.path: t for t in (wide, ca, cb)}, r_w + r_a + r_b, wide


def _lines(script):
    return [(l.id, l.character) for l in script.lines]


def test_short_lines_with_ordinary_pauses_are_no_quick_exchange():
    # lines of 1.35 s, pauses of 0.8 s (a scene played at an ordinary pace): the cut moves in
    # to the speakers' singles after establishing; the old rule (both lines under 1.6 s) held
    # the wide for line 2 and called it "keeping the setup through the quick exchange"
    takes, readings, wide = _coverage(gap=0.8)
    script = make_script(n=4)
    cut = build_cut(script, takes, readings, EditOptions(reaction_shots=False))
    ds = cut.decisions
    assert ds[0].path == wide.path and ds[0].reasons[0].startswith("establishing")
    assert not any("quick exchange" in r for d in ds for r in d.reasons)
    for d, line in zip(ds[1:], script.lines[1:]):
        assert takes[d.path].characters == (line.character,), d.reasons


def test_a_rapid_back_and_forth_keeps_the_setup():
    # BOB has no single: with pickups of 0.15 s the cut holds a setup through the exchange
    # (the wide after establishing, then ALICE's close-up with BOB heard off screen) and says
    # so; with ordinary pauses (0.8 s) every line goes where its speaker is seen
    def cut(gap):
        wide, r_w = make_take("/m/WIDE_T1.mov", "wide", ("ALICE", "BOB"), "WS", n=6, gap=gap)
        ca, r_a = make_take("/m/CU_ALICE_T1.mov", "cu_a", ("ALICE",), "CU", n=6, gap=gap)
        return build_cut(make_script(n=6), {t.path: t for t in (wide, ca)}, r_w + r_a,
                         EditOptions(reaction_shots=False)).decisions

    quick = cut(0.15)
    assert quick[0].reasons[0].startswith("establishing")
    assert quick[1].path == "/m/WIDE_T1.mov"
    assert quick[1].reasons[0] == "holding the two-shot through the quick exchange"
    ordinary = cut(0.8)
    assert not any("quick exchange" in r for d in ordinary for r in d.reasons)
    assert [d.path for d in ordinary[1::2]] == ["/m/WIDE_T1.mov"] * 3   # BOB seen on every line
    assert sum(d.path == "/m/WIDE_T1.mov" for d in ordinary) <= 4


def test_quick_exchange_needs_short_lines_tight_pickups_and_several_speaker_changes():
    script = make_script(n=4)
    lines = _lines(script)
    takes, readings, _ = _coverage(gap=0.15)
    ranked = rank_readings(readings, takes)
    assert quick_exchanges(lines, ranked) == frozenset({0, 1, 2})
    # two lines are a pair, not an exchange
    assert quick_exchanges(lines[:2], ranked) == frozenset()
    assert quick_exchanges(lines[:2], ranked, AssemblyOptions(quick_min_lines=2)) == frozenset({0})
    # one character speaking on: no back-and-forth
    same = [(lid, "ALICE") for lid, _ in lines]
    assert quick_exchanges(same, ranked) == frozenset()
    # ordinary pauses, or long lines with tight pickups: no exchange
    takes, readings, _ = _coverage(gap=0.8)
    assert quick_exchanges(lines, rank_readings(readings, takes)) == frozenset()
    takes, readings, _ = _coverage(gap=0.15, word_len=0.5)   # lines of 2.15 s
    assert quick_exchanges(lines, rank_readings(readings, takes)) == frozenset()


def test_noise_over_the_words_makes_a_reading_unusable():
    takes, readings, _ = _coverage()
    noisy = [replace(r, defects=("noise",)) if r.path == "/m/CU_BOB_T1.mov" else r for r in readings]
    ranked = rank_readings(noisy, takes)
    bob = {c.take.path: c for c in ranked["1-2"]}
    assert not bob["/m/CU_BOB_T1.mov"].acceptable
    assert bob["/m/CU_BOB_T1.mov"].terms["sound"] < 0
    assert "noise over the words" in bob["/m/CU_BOB_T1.mov"].reasons
    assert bob["/m/WIDE_T1.mov"].acceptable and bob["/m/CU_BOB_T1.mov"].rank == 3
    # the cut plays BOB's lines on the wide rather than his noisy single
    cut = build_cut(make_script(n=4), takes, noisy, EditOptions(reaction_shots=False))
    assert all(d.path != "/m/CU_BOB_T1.mov" for d in cut.decisions)


def test_a_restarted_wide_does_not_outweigh_a_clean_single_for_the_opening():
    takes, readings, wide = _coverage(gap=0.8)
    restarted = [replace(r, defects=("restart",)) if r.path == wide.path and r.line_id == "1-1" else r
                 for r in readings]
    cut = build_cut(make_script(n=4), takes, restarted, EditOptions(reaction_shots=False))
    first = cut.decisions[0]
    assert first.path == "/m/CU_ALICE_T1.mov"
    assert first.reasons[0] == "opening on ALICE's single (no clean reading in a wide)"
    # with no clean reading elsewhere the restart's clean part still opens the scene
    only = [r for r in restarted if not (r.line_id == "1-1" and r.path != wide.path)]
    assert build_cut(make_script(n=4), takes, only, EditOptions(reaction_shots=False)).decisions[0].path == wide.path


def test_a_reading_the_sound_cleared_does_not_raise_the_bar_for_clean_ones():
    # line 1-1: the wide was heard at 0.57 but cleared on the sound (complete); the single was
    # heard at 0.86 with no defect at all: both said the line, so both match fully
    takes, readings, wide = _coverage()
    out = []
    for r in readings:
        if r.line_id == "1-1" and r.path == "/m/CU_BOB_T1.mov":
            continue
        if r.line_id == "1-1" and r.path == wide.path:
            r = replace(r, score=0.57, signals={**r.signals, "defect_evidence": "acoustic"})
        elif r.line_id == "1-1" and r.path == "/m/CU_ALICE_T1.mov":
            r = replace(r, score=0.86)
        out.append(r)
    ranked = {c.take.path: c for c in rank_readings(out, takes)["1-1"]}
    assert ranked[wide.path].terms["match"] == 1.0
    assert ranked["/m/CU_ALICE_T1.mov"].terms["match"] == 1.0


def _flag(r, defect, score, worst):
    return replace(r, defects=(defect,), score=score,
                   signals={**r.signals, "defect_evidence": "acoustic", "acoustic_worst": worst})


def test_a_flag_the_sound_cannot_lay_on_the_on_camera_reading_keeps_the_speaker_on_screen():
    # line 1-1 (ALICE): the wide and ALICE's single were compared with each other and flagged on
    # the same word spike; the recogniser heard the wide nearer the script, so its flag is
    # disputed and the cut stays on ALICE rather than playing BOB's close-up over her line
    takes, readings, wide = _coverage(gap=0.8)

    def scene(worst_single):
        out = []
        for r in readings:
            if r.line_id == "1-1" and r.path == wide.path:
                r = _flag(r, "substitution", 0.83, 2.918)
            elif r.line_id == "1-1" and r.path == "/m/CU_ALICE_T1.mov":
                r = _flag(r, "missing_words", 0.67, worst_single)
            out.append(r)
        return out

    ranked = {c.take.path: c for c in rank_readings(scene(2.918), takes)["1-1"]}
    assert ranked[wide.path].acceptable and not ranked["/m/CU_ALICE_T1.mov"].acceptable
    assert any(r.startswith("flubbed words? (disputed") for r in ranked[wide.path].reasons)
    cut = build_cut(make_script(n=4), takes, scene(2.918), EditOptions(reaction_shots=False))
    assert cut.decisions[0].path == wide.path
    assert cut.decisions[0].reasons[0].startswith("establishing")
    # each flagged on its own spike: both flags stand, the clean off-camera reading plays
    cut = build_cut(make_script(n=4), takes, scene(2.5), EditOptions(reaction_shots=False))
    assert cut.decisions[0].path == "/m/CU_BOB_T1.mov"
    assert cut.decisions[0].reasons[0].startswith("reaction: BOB listens")
