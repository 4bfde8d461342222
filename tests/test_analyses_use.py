"""Issue 20, using the analyses: cross-dissolves in the shot detector (synthetic transitions made
from real frames, known boundaries), per-reading camera/music signals, the ranking's camera term,
the assembly's opposed-motion cost, room-tone markers and the review page lanes.
Heavier accuracy numbers: `roughcut bench analyses`."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

SHARED = Path(os.environ.get("ROUGHCUT_SHARED_MEDIA", Path(__file__).resolve().parents[1].parent / "shared" / "media"))
needs_media = pytest.mark.skipif(not SHARED.exists(), reason="../shared/media not present")


def _frames():
    from roughcut_core.picture.decode import iter_sampled_frames

    out = []
    for rel in ("archival_film/moviepy_chaplin.mp4", "video_faces_speaking/openmpf_video_01.mp4",
                "video_speech_timecode/autoeditor_example.mp4"):
        for t, rgb in iter_sampled_frames(str(SHARED / rel), 1.0, max_width=640):
            if t >= 1.0:
                out.append(rgb)
                break
    return out


def _detect(clip):
    import cv2

    from roughcut_core.picture.shots import ShotBoundaries

    sb = ShotBoundaries(25.0)
    for k, f in enumerate(clip):
        sb.feed(k / 25.0, cv2.resize(f, (96, 54), interpolation=cv2.INTER_AREA))
    return [int(round(c * 25)) for c in sb.boundaries()]


@needs_media
def test_dissolves_fades_and_cuts_at_their_known_boundaries():
    from roughcut_core.analyses.transitions import transition_clip

    fr = _frames()
    for i, j in ((0, 1), (1, 2), (2, 0)):
        for kind, length in (("dissolve", 6), ("dissolve", 16), ("fade", 12), ("cut", 1)):
            clip, ref = transition_clip(fr[i], fr[j], kind, length=length, seed=i + 3 * j)
            got = _detect(clip)
            assert len(got) == 1 and abs(got[0] - ref) <= 2, (kind, length, i, j, got, ref)


@needs_media
def test_no_dissolve_in_one_continuous_shot():
    from roughcut_core.analyses.transitions import transition_clip

    fr = _frames()
    for i in range(3):  # a "transition" from a frame to itself: one shot slowly panning
        clip, _ = transition_clip(fr[i], fr[i], "dissolve", length=12, seed=i)
        assert _detect(clip) == []



# DissolveDetector's exact output (boundaries, candidate windows): the candidates as measured by
# the plain per-window loop the vectorised ring buffer replaced (it must reproduce them frame for
# frame); the boundaries as placed since 48-frame dissolves go to the middle of their mixed span
# (57 / 63 / 69 before).
# (i, j, kind, length) -> (reference boundary, detected dissolve boundaries, candidate windows)
DISSOLVE_GOLDEN = {
    (0, 1, "dissolve", 6): (43, [43], 57), (0, 1, "dissolve", 24): (52, [51], 62),
    (0, 1, "dissolve", 48): (64, [62], 61), (0, 1, "fade", 12): (55, [], 0), (0, 1, "cut", 1): (40, [], 0),
    (1, 2, "dissolve", 6): (43, [43], 97), (1, 2, "dissolve", 24): (52, [52], 92),
    (1, 2, "dissolve", 48): (64, [66], 78), (1, 2, "fade", 12): (55, [], 0), (1, 2, "cut", 1): (40, [], 0),
    (2, 0, "dissolve", 6): (43, [43], 69), (2, 0, "dissolve", 24): (52, [53], 87),
    (2, 0, "dissolve", 48): (64, [63], 100), (2, 0, "fade", 12): (55, [], 0), (2, 0, "cut", 1): (40, [40], 1),
}


@needs_media
def test_dissolve_detector_output_is_the_golden_one():
    """picture.dissolve on synthetic transitions and on a real file with a cross-dissolve gives
    exactly the boundaries and the number of candidate windows of the reference loop."""
    import cv2

    from roughcut_core.analyses.transitions import transition_clip
    from roughcut_core.picture.decode import iter_decoded
    from roughcut_core.picture.dissolve import DissolveDetector

    fr = _frames()
    got = {}
    for i, j, kind, length in DISSOLVE_GOLDEN:
        clip, ref = transition_clip(fr[i], fr[j], kind, length=length, seed=i + 3 * j)
        d = DissolveDetector()
        for k, f in enumerate(clip):
            d.feed(k, cv2.resize(f, (96, 54), interpolation=cv2.INTER_AREA))
        got[(i, j, kind, length)] = (ref, d.boundaries(), len(d._cands))
    assert got == DISSOLVE_GOLDEN
    d = DissolveDetector()
    for f in iter_decoded(str(SHARED / "shot_cuts" / "pyscenedetect_testvideo.mp4"), 0.0):
        d.feed(f.index, f.small)
    # the leaf-to-grating cross-dissolve (decoded reference frames 174-180), 129 candidate windows
    assert d.boundaries() == [178] and len(d._cands) == 129
    assert (174, 180, 178) in [c[:3] for c in d._cands]

def _analysis():
    """A file analysis with a known motion track: 0-4 s shaky, 4-8 s static, 8-10 s pan right
    (content moving left), music under 4-6 s, room tone 6-8 s."""
    rng = np.random.default_rng(0)
    track, t = [], 0.0
    while t < 10.0 - 1e-9:
        if t < 4.0:
            dx, dy = rng.normal(0, 0.01, 2)
        elif t < 8.0:
            dx, dy = 0.0, 0.0
        else:
            dx, dy = -0.3 / 25, 0.0
        track.append([round(t, 4), 0.04, float(dx), float(dy), 0.0])
        t += 0.04
    return {"path": "/m/a.mov", "shots": [{"start_frame": 0, "end_frame": 250,
                                           "camera_motion": {"kind": "handheld", "magnitude": 0.01}}],
            "sound_events": [{"start": 0.0, "end": 4.0, "label": "speech", "score": 0.9},
                             {"start": 4.0, "end": 6.0, "label": "speech", "score": 0.8},
                             {"start": 6.0, "end": 8.0, "label": "silence", "score": 0.9},
                             {"start": 8.0, "end": 10.0, "label": "speech", "score": 0.9}],
            "room_tone": [{"start": 6.0, "end": 8.0}], "music_under_dialogue": [{"start": 4.0, "end": 6.0}],
            "motion_track": track}


def test_reading_signals_camera_term_and_opposed_motion():
    from roughcut_core.analyses.reading import add_analysis_signals
    from roughcut_core.edit.assemble import opposed_motion
    from roughcut_core.edit.signalterms import signal_terms
    from roughcut_core.model import LineReading
    from roughcut_core.signals import known

    a = _analysis()
    shaky, still, music, pan = add_analysis_signals([
        LineReading("/m/a.mov", "1", 0.5, 3.5, 1.0), LineReading("/m/a.mov", "2", 4.2, 5.8, 1.0),
        LineReading("/m/a.mov", "3", 4.0, 6.0, 1.0), LineReading("/m/a.mov", "4", 8.2, 9.8, 1.0)], {"/m/a.mov": a})
    for r in (shaky, still, music, pan):
        assert all(known(k) for k in r.signals)
    assert shaky.signals["camera_motion"] == "handheld" and shaky.signals["camera_shake"] > 0.5
    assert still.signals["camera_motion"] == "static" and still.signals["camera_shake"] == 0.0
    assert music.signals["music_under"] == 1.0 and shaky.signals["music_under"] == 0.0
    assert pan.signals["camera_motion"] == "pan_right" and pan.signals["camera_pan_out"] < -0.2
    t_shaky, said = signal_terms(shaky.signals)
    t_still, _ = signal_terms(still.signals)
    assert t_shaky["camera"] < -0.05 and t_still["camera"] == 0.0
    assert any("shaky" in w for _, w in said)
    assert any("music under" in w for _, w in signal_terms(music.signals)[1])
    # a cut from a pan right into a pan left is opposed; into a static shot or the same pan, not
    left = {"camera_pan_in": 0.3, "camera_tilt_in": 0.0}
    assert opposed_motion(pan.signals, left)
    assert not opposed_motion(pan.signals, {"camera_pan_in": -0.3, "camera_tilt_in": 0.0})
    assert not opposed_motion(pan.signals, {"camera_pan_in": still.signals.get("camera_pan_in", 0.0),
                                            "camera_tilt_in": 0.0})
    assert not opposed_motion({}, left)  # unmeasured: no cost


def test_room_tone_markers_and_review_lanes():
    from roughcut_core.analyses.lanes import review_lanes
    from roughcut_core.analyses.reading import room_tone_markers
    from roughcut_core.edit.review import render_review_page
    from roughcut_core.model import Cut, EditDecision, Marker, Scene, Script, ScriptLine
    from roughcut_core.timebase import Rate

    r = Rate(25)
    d1 = EditDecision("d1", "/m/a.mov", r, 100, 225, 0, 0.9, line_ids=("1",))   # 4-9 s of the source
    d2 = EditDecision("d2", "/m/b.mov", r, 0, 50, 125, 0.9, line_ids=("2",))    # not analysed
    cut = Cut("scene", r, (d1, d2), markers=(Marker(10, "continuity: jump (ALICE)", "moves", "Yellow"),))
    fa = {"/m/a.mov": _analysis()}
    marks = room_tone_markers(cut, fa)
    assert len(marks) == 1 and marks[0].frame == 50 and marks[0].duration == 50  # 6-8 s -> rec 50-100
    lanes = {l.name: l for l in review_lanes(cut, fa)}
    assert [(s.rec_in, s.rec_out, s.label) for s in lanes["camera"].segments] == [(0, 125, "handheld")]
    snd = [(s.rec_in, s.rec_out, s.label) for s in lanes["sound"].segments]
    assert snd == [(0, 50, "speech"), (50, 100, "silence"), (100, 125, "speech")]
    script = Script(scenes=(Scene("s1", "INT. ROOM", (ScriptLine("1", "s1", "ALICE", "Hi."),
                                                     ScriptLine("2", "s1", "BOB", "Yo."))),))
    page = render_review_page(Cut("scene", r, (d1, d2), markers=cut.markers + marks), script, None,
                              lanes=tuple(lanes.values()))
    assert page.count('class="lane"') == 2 and ">handheld<" in page and ">silence<" in page
    assert "room tone 2.0 s" in page and "continuity: jump" in page


@needs_media
def test_laughter_on_synthetic_laughs_and_not_on_real_speech():
    """Laughter cues (DSP) on SYNTHETIC "ha" bouts (seeds not used to set the floors) against real
    speech from the shared media: most laugh windows found, few speech windows taken for laughs."""
    from roughcut_core.analyses.fixtures import _norm, laughter, room_tone
    from roughcut_core.analyses.sound import sound_events
    from roughcut_core.speech.audio_io import decode_audio

    rng = np.random.default_rng(1234)
    x = np.concatenate([_norm(laughter(3.0, rng), -22) + room_tone(3.0, rng) for _ in range(4)])
    res = sound_events(x)
    laugh_s = sum(e.end - e.start for e in res.events if e.label == "laughter")
    assert laugh_s >= 0.35 * len(x) / 16000, res.events
    speech = decode_audio(SHARED / "speech_transcribed" / "jfk.flac", 16000)
    res = sound_events(speech)
    false_s = sum(e.end - e.start for e in res.events if e.label == "laughter")
    assert false_s <= 0.1 * len(speech) / 16000
    assert any(e.label == "speech" for e in res.events)
