"""Readings the recogniser did not hear as the line (found by the acoustic search, placed by
script order) do not set the bar that the heard readings' match is measured against."""
from dataclasses import replace

import pytest

from edit_fixtures import make_script, make_take
from roughcut_core.edit import EditOptions, build_cut, rank_readings


def _scene(evidence):
    """Line 1-1 (ALICE): her single heard clean but garbled (match 0.6); BOB's single holds a
    reading of it not heard as the line (nominal score 1.0: its length against the reference)."""
    ca, ra = make_take("/m/CU_ALICE_T1.mov", "cu_a", ("ALICE",), "CU", n=1)
    cb, rb = make_take("/m/CU_BOB_T1.mov", "cu_b", ("BOB",), "CU", n=1)
    heard = [replace(ra[0], score=0.6)]
    found = [replace(rb[0], score=1.0, word_span=(0, 0), signals={"defect_evidence": evidence} if evidence else {})]
    return make_script(n=1), {ca.path: ca, cb.path: cb}, heard + found


@pytest.mark.parametrize("evidence", ["search", "order"])
def test_a_found_reading_does_not_raise_the_bar_for_the_heard_ones(evidence):
    script, takes, readings = _scene(evidence)
    ranked = rank_readings(readings, takes)["1-1"]
    alice = next(c for c in ranked if c.take.path == "/m/CU_ALICE_T1.mov")
    # the only clean reading the recogniser heard sets the bar: complete, not 0.6 of the line
    assert alice.terms["match"] == 1.0
    cut = build_cut(script, takes, readings, EditOptions(reaction_shots=False))
    # the speaker's single, not the listener's over a voice off screen
    assert cut.decisions[0].path == "/m/CU_ALICE_T1.mov"


def test_heard_readings_still_set_the_bar_for_each_other():
    from roughcut_core.edit.ranking import heard_by_recogniser

    script, takes, readings = _scene(None)  # both heard by the recogniser
    alice = next(c for c in rank_readings(readings, takes)["1-1"] if c.take.path == "/m/CU_ALICE_T1.mov")
    assert alice.terms["match"] == pytest.approx(0.6)
    assert heard_by_recogniser(readings[0]) and heard_by_recogniser(readings[1])
    assert not heard_by_recogniser(replace(readings[1], signals={"defect_evidence": "search"}))


def test_a_clean_close_up_opens_over_a_restart_in_the_wide_that_saves_a_cut():
    # ALICE's line: restarted in the wide (its clean part usable), clean on her close-up, whose
    # sound is a shade noisier; BOB's next line exists only in the wide. Staying in the wide
    # saves a cut and establishes; an editor still opens on the reading that went through clean.
    wide, rw = make_take("/m/WIDE_T1.mov", "wide", ("ALICE", "BOB"), "WS", n=2)
    ca, ra = make_take("/m/CU_ALICE_T1.mov", "cu_a", ("ALICE",), "CU", n=1)
    rw = [replace(rw[0], defects=("restart",)), rw[1]]
    ra = [replace(ra[0], signals={"snr_db": 24.0})]
    takes = {wide.path: wide, ca.path: ca}
    cut = build_cut(make_script(n=2), takes, rw + ra, EditOptions(reaction_shots=False))
    assert [d.path for d in cut.decisions] == [ca.path, wide.path]
    # with the speaker off screen as the alternative, the restart's clean part still plays
    cb, rb = make_take("/m/CU_BOB_T1.mov", "cu_b", ("BOB",), "CU", n=1)
    cut = build_cut(make_script(n=1), {wide.path: wide, cb.path: cb}, rw[:1] + rb,
                    EditOptions(reaction_shots=False))
    assert cut.decisions[0].path == wide.path
