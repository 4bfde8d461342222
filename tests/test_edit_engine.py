"""Edit engine on hand-built takes and readings: cut points, assembly idioms, outputs."""
from fractions import Fraction

import opentimelineio as otio
import pytest

from edit_fixtures import make_script, make_take
from roughcut_core.edit import (AssemblyOptions, EditOptions, Handles, TakeInfo, build_cut,
                                clipped_words, cut_range, cut_to_hostplan, cut_to_otio, write_otio)
from roughcut_core.model import LineReading, QualityFlag
from roughcut_core.serialize import from_document, to_document
from roughcut_core.timebase import Rate, convert_frames


def test_cut_range_never_clips_and_respects_neighbours():
    rate = Rate(25)
    a, b = cut_range(1.013, 2.0, rate, handles=Handles(0.5, 0.5), prev_word_end=0.9, next_word_start=2.1)
    assert a / 25 >= 0.9 - 1 / 25 and a / 25 <= 1.013
    assert b / 25 >= 2.0 and b / 25 <= 2.1 + 1 / 25
    # neighbours closer than a frame: own words still inside
    a, b = cut_range(1.0, 2.0, rate, prev_word_end=0.999, next_word_start=2.001)
    assert Fraction(a, 25) <= 1 and Fraction(b, 25) >= 2


@pytest.mark.parametrize("rate", [Rate(24000, 1001), Rate(24), Rate(25), Rate(30000, 1001), Rate(50), Rate(60000, 1001)])
def test_no_clipped_words_at_every_rate(rate):
    take, readings = make_take("/m/a.mov", "WS", ("ALICE", "BOB"), "WS", rate=rate)
    cut = build_cut(make_script(), {take.path: take}, readings)
    for d, r in zip(cut.decisions, readings):
        assert not clipped_words(take.transcript.words, d.src_in, d.src_out, rate, r.word_span)
        assert isinstance(d.src_in, int) and isinstance(d.src_out, int) and d.src_out > d.src_in


def test_through_edits_within_one_take_are_contiguous():
    take, readings = make_take("/m/wide.mov", "WS", ("ALICE", "BOB"), "WS")
    cut = build_cut(make_script(), {take.path: take}, readings)
    ds = cut.decisions
    for a, b in zip(ds, ds[1:]):
        assert a.src_out == b.src_in
        assert a.rec_in + a.duration == b.rec_in


def test_assembly_prefers_speaker_visible_and_avoids_jump_cuts():
    # lines of ~2.2 s: not a quick exchange, so cutting between singles is worth it
    wide, r_w = make_take("/m/WIDE_T1.mov", "wide", ("ALICE", "BOB"), "WS", word_len=0.5)
    ca, r_a = make_take("/m/CU_ALICE_T1.mov", "cu_a", ("ALICE",), "CU", word_len=0.5)
    cb, r_b = make_take("/m/CU_BOB_T1.mov", "cu_b", ("BOB",), "CU", word_len=0.5)
    cb2, r_b2 = make_take("/m/CU_BOB_T2.mov", "cu_b", ("BOB",), "CU", word_len=0.5)
    takes = {t.path: t for t in (wide, ca, cb, cb2)}
    cut = build_cut(make_script(), takes, r_w + r_a + r_b + r_b2,
                    EditOptions(assembly=AssemblyOptions(preset="coverage")))
    paths = [d.path for d in cut.decisions]
    assert paths[0] == wide.path  # establish with the wide shot
    for d, line in zip(cut.decisions[1:], make_script().lines[1:]):
        assert line.character in takes[d.path].characters
    # coverage preset: after the opening two-shot, the cut moves in to singles of the speaker
    assert all(takes[p].characters in (("ALICE",), ("BOB",)) for p in paths[1:])
    setups = [takes[p].setup for p in paths]
    for (p1, s1), (p2, s2) in zip(zip(paths, setups), zip(paths[1:], setups[1:])):
        assert not (s1 == s2 and p1 != p2), "jump cut"


def test_defects_and_noise_steer_the_choice_and_gaps_are_marked():
    t1, r1 = make_take("/m/A_T1.mov", "a", ("ALICE", "BOB"), "WS",
                       flags=[QualityFlag("noise", 0.0, 100.0, 0.9, "loud noise")])
    t2, r2 = make_take("/m/A_T2.mov", "a", ("ALICE", "BOB"), "WS", n=3)
    r2[1] = LineReading(**{**r2[1].__dict__, "defects": ("substitution",), "score": 0.7})
    cut = build_cut(make_script(5), {t1.path: t1, t2.path: t2}, r1 + r2)
    chosen = {d.line_ids[0]: d for d in cut.decisions}
    assert chosen["1-1"].path == t2.path and chosen["1-3"].path == t2.path
    assert chosen["1-5"].gap and chosen["1-5"].markers[0].color == "Red"
    assert cut.coverage["lines_never_captured"] == ["1-5"]
    assert all(d.alternates for d in cut.decisions[:3])


def test_otio_and_hostplan_outputs(tmp_path):
    take, readings = make_take("/m/WIDE_T1.mov", "wide", ("ALICE", "BOB"), "WS")
    take = TakeInfo(**{**take.__dict__, "start_frame": 86400})
    script = make_script()
    cut = build_cut(script, {take.path: take}, readings)
    out = write_otio(cut, tmp_path / "cut.otio", frame_counts={take.path: take.frame_count},
                     line_texts={l.id: l.text for l in script.lines})
    tl = otio.adapters.read_from_file(str(out))
    clips = list(tl.find_clips())
    assert len(clips) == 2 * len(cut.decisions)  # picture + sound
    for clip, d in zip(tl.video_tracks()[0], cut.decisions):
        assert clip.media_reference.target_url == take.path
        sr = clip.source_range
        assert sr.start_time.rate == pytest.approx(24000 / 1001)
        assert sr.start_time.value == 86400 + d.src_in and sr.duration.value == d.duration
        meta = clip.metadata["roughcut"]
        assert list(meta["line_ids"]) == list(d.line_ids) and list(meta["reasons"]) and "score" in meta
    plan = cut_to_hostplan(cut)
    assert plan["schema"] == "roughcut.hostplan/1"
    assert plan["timeline"]["rate"] == [24000, 1001]
    assert [i["src_in"] for i in plan["items"]] == [d.src_in for d in cut.decisions]
    assert all(i["color"] in ("Green", "Yellow", "Orange") for i in plan["items"])


def test_cut_document_round_trip():
    take, readings = make_take("/m/WIDE_T1.mov", "wide", ("ALICE", "BOB"), "WS")
    cut = build_cut(make_script(), {take.path: take}, readings)
    doc = to_document(cut)
    assert doc["schema"] == "roughcut.cut/1"
    assert from_document(doc, type(cut)) == cut


@pytest.mark.parametrize("mode", ["L", "J"])
def test_split_edits_move_picture_only_and_keep_sync(mode):
    # Close-ups only, so the cut alternates setups at every line.
    ca, r_a = make_take("/m/CU_ALICE_T1.mov", "cu_a", ("ALICE",), "CU")
    cb, r_b = make_take("/m/CU_BOB_T1.mov", "cu_b", ("BOB",), "CU")
    takes = {t.path: t for t in (ca, cb)}
    plain = build_cut(make_script(), takes, r_a + r_b)
    split = build_cut(make_script(), takes, r_a + r_b, EditOptions(split_edits=mode))
    moved = 0
    for p, s in zip(plain.decisions, split.decisions):
        a_in = s.audio_in if s.audio_in is not None else s.src_in
        a_out = s.audio_out if s.audio_out is not None else s.src_out
        assert (a_in, a_out) == (p.src_in, p.src_out), "sound keeps the speech-safe cut"
        assert s.rec_in + (a_in - s.src_in) == p.rec_in, "sound stays at its record position"
        moved += s.src_in != p.src_in
        if s.src_in != p.src_in:
            assert (s.src_in < p.src_in) == (mode == "L")
    assert moved == 3
    assert split.duration == plain.duration
    tl = cut_to_otio(split)
    v, a = tl.video_tracks()[0], tl.audio_tracks()[0]
    assert v.duration() == a.duration()


def test_reaction_shot_over_long_speech():
    # Long lines (word_len 1.2 s x 4 words): a listener cutaway lies over each on V2.
    ca, r_a = make_take("/m/CU_ALICE_T1.mov", "cu_a", ("ALICE",), "CU", word_len=1.2)
    cb, r_b = make_take("/m/CU_BOB_T1.mov", "cu_b", ("BOB",), "CU", word_len=1.2)
    takes = {t.path: t for t in (ca, cb)}
    cut = build_cut(make_script(), takes, r_a + r_b, EditOptions(assembly=AssemblyOptions(preset="coverage")))
    main = [d for d in cut.decisions if d.video_track == 1]
    cutaways = [d for d in cut.decisions if d.video_track == 2]
    assert len(main) == 4 and cutaways
    for r in cutaways:
        host = next(d for d in main if d.rec_in <= r.rec_in and r.rec_in + r.duration <= d.rec_in + d.duration)
        assert r.path != host.path and r.media_type == "video" and "reaction" in r.reasons[0]
    tl = cut_to_otio(cut)
    assert [t.name for t in tl.video_tracks()] == ["V1", "V2 cutaways"]
    plan = cut_to_hostplan(cut)
    assert {i["video_track"] for i in plan["items"]} == {1, 2}
    short = build_cut(make_script(), takes, r_a + r_b, EditOptions(reaction_shots=False))
    assert all(d.video_track == 1 for d in short.decisions)


def test_mixed_rates_are_flagged_and_recorded_at_the_timeline_rate():
    a, r_a = make_take("/m/A.mov", "a", ("ALICE",), "CU", rate=Rate(24000, 1001), n=4)
    b, r_b = make_take("/m/B.mov", "b", ("BOB",), "CU", rate=Rate(25), n=4)
    cut = build_cut(make_script(), {a.path: a, b.path: b}, r_a + r_b, EditOptions(reaction_shots=False))
    assert any("mixed frame rates" in w for w in cut.warnings)
    rec = 0
    for d in cut.decisions:
        assert d.rec_in == rec
        rec += d.duration if d.rate == cut.rate else convert_frames(d.duration, d.rate, cut.rate)
    assert {d.rate for d in cut.decisions} == {Rate(24000, 1001), Rate(25)}


def test_single_take_scene():
    t, rs = make_take("/m/ONLY.mov", "only", ("ALICE", "BOB"), "WS", n=4)
    cut = build_cut(make_script(), {t.path: t}, rs)
    assert [d.path for d in cut.decisions] == [t.path] * 4
    assert all(not d.alternates for d in cut.decisions)
    assert cut.coverage["lines_never_captured"] == []


def test_clean_readings_are_matched_against_how_every_take_hears_the_line():
    from roughcut_core.edit import rank_readings
    t1, r1 = make_take("/m/A_T1.mov", "a", ("ALICE", "BOB"), "WS", n=1)
    t2, r2 = make_take("/m/A_T2.mov", "a", ("ALICE", "BOB"), "WS", n=1)
    t3, r3 = make_take("/m/A_T3.mov", "a", ("ALICE", "BOB"), "WS", n=1)
    heard = [LineReading(**{**r.__dict__, "score": 0.67}) for r in (r1[0], r2[0])]
    flub = LineReading(**{**r3[0].__dict__, "score": 0.5, "defects": ("substitution",)})
    ranked = rank_readings(heard + [flub], {t.path: t for t in (t1, t2, t3)})["1-1"]
    clean = [c for c in ranked if not c.reading.defects]
    # Matched against how every take hears the line: the full match term, same raw score and
    # a calibrated usability below 1.00 (no saturation).
    assert all(c.terms["match"] == 1.0 and c.raw == clean[0].raw and 0.8 < c.score < 1.0 for c in clean)
    assert [c.rank for c in ranked] == [1, 2, 3]
    assert ranked[-1].reading is flub and not ranked[-1].acceptable
