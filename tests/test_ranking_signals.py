"""Ranking that discriminates (signals, intent, calibrated usability, ranks) and the dialogue
idioms of the assembly, on hand-built takes (no models)."""
from dataclasses import replace

from edit_fixtures import make_script, make_take
from roughcut_core.edit import AssemblyOptions, EditOptions, build_cut, rank_readings
from roughcut_core.edit.ranking import HAND_WEIGHTS, TERMS
from roughcut_core.model import Scene, Script, ScriptLine


def _with(readings, **signals):
    return [replace(r, signals=dict(signals)) for r in readings]


def test_clean_readings_are_ordered_by_their_signals_without_saturating():
    t1, r1 = make_take("/m/A_T1.mov", "a", ("ALICE",), "CU", n=1)
    t2, r2 = make_take("/m/A_T2.mov", "a", ("ALICE",), "CU", n=1)
    t3, r3 = make_take("/m/A_T3.mov", "a", ("ALICE",), "CU", n=1)
    readings = (_with(r1, snr_db=38.0, on_camera=0.95, lip_sync=0.6)
                + _with(r2, snr_db=9.0, on_camera=0.9, lip_sync=0.5)
                + _with(r3, snr_db=36.0, on_camera=0.1, lip_sync=-0.2))
    ranked = rank_readings(readings, {t.path: t for t in (t1, t2, t3)})["1-1"]
    assert [c.take.path for c in ranked] == [t1.path, t3.path, t2.path]
    scores = [c.score for c in ranked]
    assert len(set(scores)) == 3 and all(0.5 < s < 1.0 for s in scores)
    assert [c.rank for c in ranked] == [1, 2, 3]
    assert ranked[0].terms["snr"] == 0.0 and ranked[2].terms["snr"] < -0.1
    assert any("noisy sound (SNR 9 dB)" in r for r in ranked[2].reasons)
    assert any("off screen" in r for r in ranked[1].reasons)
    # each lower-ranked reading says what put it behind the best one
    assert any(r.startswith("behind take A_T1") for r in ranked[1].reasons)


def test_missing_signals_contribute_nothing():
    t, r = make_take("/m/A_T1.mov", "a", ("ALICE",), "CU", n=1)
    c = rank_readings(r, {t.path: t})["1-1"][0]
    assert all(c.terms[k] == 0.0 for k in ("on_camera", "lip_sync", "snr", "level", "intent", "blink", "overlap"))
    assert c.reasons == ("complete line",) and c.acceptable and c.score < 1.0
    assert set(TERMS) <= set(HAND_WEIGHTS)


def test_blink_on_the_cut_frame_costs_and_says_so():
    t1, r1 = make_take("/m/A_T1.mov", "a", ("ALICE",), "CU", n=1)
    t2, r2 = make_take("/m/A_T2.mov", "a", ("ALICE",), "CU", n=1)
    ranked = rank_readings(_with(r1, eyes_open_in=0.05, eyes_open_out=0.9) + _with(r2, eyes_open_in=0.8, eyes_open_out=0.9),
                           {t1.path: t1, t2.path: t2})["1-1"]
    assert ranked[0].take.path == t2.path
    assert ranked[1].terms["blink"] < 0 and "blink at the head of the line" in ranked[1].reasons


def _directed_script(parenthetical="angrily"):
    lines = (ScriptLine(id="1-1", scene_id="1", character="ALICE", text="line number 1 here",
                        parenthetical=parenthetical),)
    return Script(scenes=(Scene(id="1", heading="INT. ROOM - DAY", lines=lines, number="1"),), title="T")


def test_intent_match_ranks_the_scripted_delivery_first_with_an_editors_reason():
    t1, r1 = make_take("/m/A_T1.mov", "a", ("ALICE",), "CU", n=1)
    t2, r2 = make_take("/m/A_T2.mov", "a2", ("ALICE",), "CU", n=1)
    flat = _with(r1, arousal=0.2, loudness_rel_db=-5.0, emotion_neutral=0.8, emotion_angry=0.05, emotion_sad=0.05,
                 emotion_happy=0.03, emotion_fear=0.03, emotion_disgust=0.02, emotion_surprise=0.02)
    angry = _with(r2, arousal=0.9, loudness_rel_db=5.0, emotion_angry=0.8, emotion_neutral=0.05, emotion_sad=0.03,
                  emotion_happy=0.04, emotion_fear=0.04, emotion_disgust=0.02, emotion_surprise=0.02)
    takes = {t1.path: t1, t2.path: t2}
    cut = build_cut(_directed_script(), takes, flat + angry, EditOptions(reaction_shots=False))
    d = cut.decisions[0]
    assert d.path == t2.path and d.rank == 1
    assert any("as scripted" in r for r in d.reasons)
    assert d.terms["intent"] > 0
    alt = d.alternates[0]
    assert alt.path == t1.path and alt.rank == 2 and "flat for (angrily)" in alt.why
    assert alt.terms["intent"] < 0


def test_default_cut_establishes_then_plays_the_singles():
    # Short lines (a quick exchange) with a perfect wide: the default still moves in to singles
    # for at least half the lines; the wide preset stays on the master.
    wide, r_w = make_take("/m/WIDE_T1.mov", "wide", ("ALICE", "BOB"), "WS", n=6)
    ca, r_a = make_take("/m/CU_ALICE_T1.mov", "cu_a", ("ALICE",), "CU", n=6)
    cb, r_b = make_take("/m/CU_BOB_T1.mov", "cu_b", ("BOB",), "CU", n=6)
    takes = {t.path: t for t in (wide, ca, cb)}
    script = make_script(n=6)
    cut = build_cut(script, takes, r_w + r_a + r_b, EditOptions(reaction_shots=False))
    ds = cut.decisions
    assert ds[0].path == wide.path and ds[0].reasons[0].startswith("establishing")
    on_wide = sum(d.path == wide.path for d in ds[1:])
    assert on_wide <= (len(ds) - 1) / 2
    for d, line in zip(ds[1:], script.lines[1:]):
        if d.path != wide.path:
            assert takes[d.path].characters == (line.character,)
            assert d.reasons[0] == f"{line.character}'s single"
    master = build_cut(script, takes, r_w + r_a + r_b,
                       EditOptions(reaction_shots=False, assembly=AssemblyOptions(preset="wide")))
    assert sum(d.path == wide.path for d in master.decisions) > len(ds) / 2


def test_a_new_scene_is_established_again():
    wide, r_w = make_take("/m/WIDE_T1.mov", "wide", ("ALICE", "BOB"), "WS", n=4, word_len=0.5)
    ca, r_a = make_take("/m/CU_ALICE_T1.mov", "cu_a", ("ALICE",), "CU", n=4, word_len=0.5)
    cb, r_b = make_take("/m/CU_BOB_T1.mov", "cu_b", ("BOB",), "CU", n=4, word_len=0.5)
    base = make_script(n=4).scenes[0]
    s1 = Scene(id="1", heading="INT. ROOM - DAY", lines=base.lines[:2], number="1")
    s2 = Scene(id="2", heading="EXT. STREET - NIGHT", number="2",
               lines=tuple(replace(l, scene_id="2") for l in base.lines[2:]))
    cut = build_cut(Script(scenes=(s1, s2), title="T"), {t.path: t for t in (wide, ca, cb)}, r_w + r_a + r_b,
                    EditOptions(reaction_shots=False))
    ds = cut.decisions
    assert ds[0].path == wide.path and ds[2].path == wide.path
    assert ds[2].reasons[0].startswith("establishing")
    assert ds[1].path == ca.path or ds[1].path == cb.path


def test_reaction_on_an_emotional_beat_names_the_listener():
    ca, r_a = make_take("/m/CU_ALICE_T1.mov", "cu_a", ("ALICE",), "CU", n=2, word_len=0.5)
    cb, r_b = make_take("/m/CU_BOB_T1.mov", "cu_b", ("BOB",), "CU", n=2, word_len=0.5)
    lines = (ScriptLine(id="1-1", scene_id="1", character="ALICE", text="line number 1 here",
                        parenthetical="through tears"),
             ScriptLine(id="1-2", scene_id="1", character="BOB", text="line number 2 here"))
    script = Script(scenes=(Scene(id="1", heading="INT. ROOM", lines=lines, number="1"),), title="T")
    cut = build_cut(script, {ca.path: ca, cb.path: cb}, r_a + r_b)
    cutaways = [d for d in cut.decisions if d.video_track == 2]
    assert len(cutaways) == 1 and cutaways[0].path == cb.path
    assert cutaways[0].reasons == ("reaction: BOB listens (emotional beat)",)


def test_learned_ranker_moves_the_intent_weight_from_feedback():
    from roughcut_core.learn.feedback import FeedbackPair
    from roughcut_core.learn.ranker import fit_weights

    better = dict.fromkeys(TERMS, 0.0) | {"match": 1.0, "intent": 0.2, "snr": -0.05}
    worse = dict.fromkeys(TERMS, 0.0) | {"match": 1.0, "intent": -0.2, "snr": 0.0}
    w = fit_weights(HAND_WEIGHTS, [FeedbackPair("1-1", better, worse)] * 6)
    assert w["intent"] > HAND_WEIGHTS["intent"]


def test_undirected_lines_prefer_the_livelier_read_and_penalise_hesitation():
    takes, readings = {}, []
    for k, (pr, ed, gap) in enumerate(((9.0, 6.0, 0.05), (2.0, 1.0, 0.05), (6.0, 4.0, 0.5))):
        t, r = make_take(f"/m/A_T{k + 1}.mov", "a", ("ALICE",), "CU", n=1)
        takes[t.path] = t
        readings += _with(r, pitch_range_st=pr, energy_dyn_db=ed, pause_max_s=gap)
    ranked = rank_readings(readings, takes)["1-1"]
    assert [c.take.path for c in ranked] == ["/m/A_T1.mov", "/m/A_T3.mov", "/m/A_T2.mov"]
    assert "livelier read than the other takes" in ranked[0].reasons
    assert any(r.startswith("hesitates mid-line") for r in ranked[1].reasons)
    assert "flatter read than the other takes" in ranked[2].reasons
    # a scripted pause is no hesitation
    paused = rank_readings(readings, takes, pause_lines=frozenset({"1-1"}))["1-1"]
    assert all(c.terms["hesitation"] == 0.0 for c in paused)


def test_establishing_reason_names_a_close_two_shot_as_such():
    # a wide framed close (two faces at medium close-up size) is a two-shot to an editor, not "MCU"
    for size, want in (("MCU", "establishing (two-shot, MCU)"), ("WS", "establishing (WS)")):
        two, r_2 = make_take("/m/TWO_T1.mov", "two", ("ALICE", "BOB"), size, n=2)
        ca, r_a = make_take("/m/CU_ALICE_T1.mov", "cu_a", ("ALICE",), "CU", n=2)
        cut = build_cut(make_script(n=2), {t.path: t for t in (two, ca)}, r_2 + r_a,
                        EditOptions(reaction_shots=False))
        assert cut.decisions[0].path == two.path and cut.decisions[0].reasons[0] == want


def test_a_reading_the_evidence_cleared_is_not_ranked_on_the_recognisers_garbled_text():
    # Another take's recogniser heard the line well (score 1.0); this one garbled it (0.35), and
    # align.evidence compared its sound with the other takes and cleared it (no defect left).
    # It is the speaker's on-camera reading; the other is off camera and 10 dB down.
    t1, r1 = make_take("/m/WIDE_T1.mov", "a", ("ALICE", "BOB"), "WS", n=1)
    t2, r2 = make_take("/m/CU_BOB_T1.mov", "a", ("BOB",), "CU", n=1)
    cleared = [replace(r, score=0.35, signals={"defect_evidence": "acoustic", "on_camera": 0.93})
               for r in r1]
    off = [replace(r, signals={"on_camera": 0.0, "level_rel_db": -9.5}) for r in r2]
    ranked = rank_readings(cleared + off, {t1.path: t1, t2.path: t2})["1-1"]
    assert ranked[0].take.path == t1.path
    assert ranked[0].terms["match"] == 1.0 and ranked[0].acceptable
    # without the evidence's verdict the garbled text still counts against the reading
    unchecked = [replace(r, signals={"on_camera": 0.93}) for r in cleared]
    ranked = rank_readings(unchecked + off, {t1.path: t1, t2.path: t2})["1-1"]
    assert ranked[0].take.path == t2.path


def test_the_establishing_line_counts_toward_the_wide_share():
    # Three quick lines; BOB's single of line 2 is as good as the wide, ALICE's single of line 3
    # is weaker than the wide. "No more than half of the scene's lines on a shot showing more
    # than the speaker" counts the establishing line too: wide, single, wide is two of three.
    from roughcut_core.edit.assemble import assemble

    wide, r_w = make_take("/m/WIDE_T1.mov", "wide", ("ALICE", "BOB"), "WS", n=3)
    ca, r_a = make_take("/m/CU_ALICE_T1.mov", "cu_a", ("ALICE",), "CU", n=3)
    cb, r_b = make_take("/m/CU_BOB_T1.mov", "cu_b", ("BOB",), "CU", n=3)
    ranked = rank_readings(r_w + r_a + r_b, {t.path: t for t in (wide, ca, cb)})
    weaker = {"1-1": 0.3, "1-2": 0.0, "1-3": 0.3}
    cands = {lid: [replace(c, raw=c.raw - (0.0 if c.take.path == wide.path else weaker[lid])) for c in cs]
             for lid, cs in ranked.items()}
    script = make_script(n=3)
    lines = [(ln.id, ln.character) for ln in script.lines]
    picks = assemble(lines, cands)
    assert picks[0].take.path == wide.path
    assert sum(c.take.path == wide.path for c in picks) <= len(picks) / 2
