"""Cut points off blinks (edit/blinkcuts.py) and the eye-lid blink detector on real blinks."""
from pathlib import Path

import pytest

from edit_fixtures import make_script, make_take
from roughcut_core.edit import EditOptions, build_cut
from roughcut_core.edit.blinkcuts import CLOSED_BELOW
from roughcut_core.timebase import Rate

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media" / "video_faces_speaking"


def _probe_closed(closed: set, calls: list):
    def probe(path, rate, first, last):
        calls.append((path, first, last))
        return {k: (0.05 if (path, k) in closed else 0.95) for k in range(first, last + 1)}
    return probe


def _cut(probe, n=1):
    take, readings = make_take("/m/A_T1.mov", "a", ("ALICE",), "CU", n=n)
    return build_cut(make_script(n), {take.path: take}, readings,
                     EditOptions(eye_probe=probe, reaction_shots=False))


def test_cut_frames_move_off_a_blink_inside_the_handles_and_say_so():
    plain = _cut(None).decisions[0]
    a, b = plain.src_in, plain.src_out
    closed = {("/m/A_T1.mov", k) for k in (a - 1, a, a + 1, b - 1, b)}
    d = _cut(_probe_closed(closed, [])).decisions[0]
    # the nearest open-eyed frame clear of the blink's edges, within the reading's handle zone
    assert d.src_in == a - 3
    assert d.src_out == b - 2
    assert any("in moved 3 frames off a blink" in r for r in d.reasons)
    assert any("out moved 2 frames off a blink" in r for r in d.reasons)
    # the words stay whole: the first word's frame and the last word's end are inside
    take, readings = make_take("/m/A_T1.mov", "a", ("ALICE",), "CU", n=1)
    r = readings[0]
    assert d.src_in <= int(r.start * take.rate.fps) and d.src_out >= r.end * take.rate.fps


def test_no_blink_no_move_and_through_edits_are_not_probed():
    calls: list = []
    cut = _cut(_probe_closed(set(), calls), n=2)
    plain = _cut(None, n=2)
    assert [(d.src_in, d.src_out) for d in cut.decisions] == [(d.src_in, d.src_out) for d in plain.decisions]
    # two consecutive lines of one recording meet at a through edit: only the outer cuts are probed
    assert len(calls) == 2


def test_a_prefetching_probe_is_given_every_window_the_cut_asks_for_first():
    """``move_off_blinks`` hands ``probe.prefetch`` the windows of all visible cuts before the
    loop; the loop then asks for those windows only, and the cut is the plain probe's."""
    closed = {("/m/A_T1.mov", k) for k in range(0, 400, 7)}
    plain_calls: list = []
    plain = _cut(_probe_closed(closed, plain_calls), n=3)
    calls: list = []
    prefetched: list = []
    probe = _probe_closed(closed, calls)
    probe.prefetch = lambda windows: prefetched.extend((p, f, l) for p, _r, f, l in windows)
    cut = _cut(probe, n=3)
    assert [(d.src_in, d.src_out, d.reasons) for d in cut.decisions] == \
        [(d.src_in, d.src_out, d.reasons) for d in plain.decisions]
    assert calls == plain_calls and set(calls) <= set(prefetched) and len(prefetched) == len(calls)


def test_a_blink_inside_the_words_stays_and_is_noted():
    plain = _cut(None).decisions[0]
    # eyes shut over the whole handle zone and the first word: nowhere to go
    closed = {("/m/A_T1.mov", k) for k in range(0, plain.src_in + 40)}
    d = _cut(_probe_closed(closed, [])).decisions[0]
    assert d.src_in == plain.src_in
    assert any("blink on the in frame, no open-eyed frame" in r for r in d.reasons)


@pytest.mark.timeout(120)
def test_eye_lid_detector_sees_a_real_blink_that_the_mesh_contour_misses():
    clip = MEDIA / "grid_lbax4n.mpg"
    if not clip.exists():
        pytest.skip(f"{clip} absent (../shared/media not laid out here)")
    from roughcut_core.picture.expression import eyes_open_frames

    # Hand-labelled: the talker's eyes are shut on frames 28-29 (27 and 30 half shut).
    states = eyes_open_frames(str(clip), 22, 36, Rate(25))
    assert all(states[k] is not None and states[k] < CLOSED_BELOW for k in (28, 29))
    assert all(states[k] is not None and states[k] >= CLOSED_BELOW for k in (22, 23, 24, 25, 33, 34, 35, 36))


@pytest.mark.timeout(120)
def test_eye_probe_windows_are_kept_in_the_analysis_cache(tmp_path):
    clip = MEDIA / "grid_lbax4n.mpg"
    if not clip.exists():
        pytest.skip(f"{clip} absent (../shared/media not laid out here)")
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.picture.expression import make_eye_probe

    store = {"cache": AnalysisCache(str(tmp_path)), "keys": {str(clip): "grid-lbax4n-test"}}
    first = make_eye_probe(store=store)(str(clip), Rate(25), 27, 30)
    cache = store["cache"]
    stored = cache.get("grid-lbax4n-test", "picture.eyes", "1", {"first": 27, "last": 30, "rate": str(Rate(25))})
    assert stored is not None and {int(k): v for k, v in stored} == first
    # a new probe (a re-cut) reads the window back
    assert make_eye_probe(store=store)(str(clip), Rate(25), 27, 30) == first


@pytest.mark.timeout(180)
def test_a_cut_planned_on_a_real_blink_moves_off_it():
    """GRID lbax4n: the eyes are shut on frames 28-29 (27 and 30 half). A reading starting at
    1.37 s has its in point (0.25 s pre-roll) on frame 28; with the real eye probe the cut
    moves to an open-eyed frame clear of the blink, still before the first word."""
    clip = MEDIA / "grid_lbax4n.mpg"
    if not clip.exists():
        pytest.skip(f"{clip} absent (../shared/media not laid out here)")
    from roughcut_core.edit import TakeInfo
    from roughcut_core.model import LineReading, Scene, Script, ScriptLine, Transcript, Word
    from roughcut_core.picture.expression import make_eye_probe

    rate = Rate(25)
    words = tuple(Word(w, 1.37 + 0.3 * k, 1.37 + 0.3 * k + 0.25) for k, w in enumerate("lay blue at x".split()))
    take = TakeInfo(path=str(clip), rate=rate, frame_count=75,
                    transcript=Transcript(path=str(clip), language="en", words=words, duration=3.0),
                    setup="CU", shot_size="CU", characters=("ANN",))
    reading = LineReading(path=str(clip), line_id="1-1", start=words[0].start, end=words[-1].end, score=1.0,
                          word_span=(0, len(words)), character="ANN")
    script = Script(scenes=(Scene(id="1", heading="INT. ROOM", number="1", lines=(
        ScriptLine(id="1-1", scene_id="1", character="ANN", text="lay blue at x"),)),), title="t")
    plain = build_cut(script, {take.path: take}, [reading], EditOptions(reaction_shots=False)).decisions[0]
    assert plain.src_in == 28  # speech-only cut point: on the blink
    d = build_cut(script, {take.path: take}, [reading],
                  EditOptions(reaction_shots=False, eye_probe=make_eye_probe())).decisions[0]
    assert d.src_in not in (27, 28, 29, 30) and d.src_in <= int(1.37 * 25)
    assert any("off a blink" in r for r in d.reasons)
