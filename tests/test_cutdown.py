"""Cut-downs (issue 19): moment choice, reframing, captions and host transforms, without media."""
import math
from fractions import Fraction

import pytest

from roughcut_core.cutdown.captions import MAX_CPS, make_cues, to_srt, to_vtt
from roughcut_core.cutdown.moments import Moment, score_moments
from roughcut_core.cutdown.reframe import CropKey, crop_at, crop_path, parse_aspect, window_size
from roughcut_core.cutdown.select import choose
from roughcut_core.cutdown.transforms import host_transform
from roughcut_core.model import FaceBox, Shot, Word

RATE = Fraction(24000, 1001)
LINES = ["You promised you'd be home by nine.", "The last train never came.", "I called you four times.",
         "My phone died in the tunnel.", "Then why is your coat dry?", "The rain stopped hours ago.",
         "Please don't lie to me.", "I sat in the station, thinking.", "Thinking about what?", "About us, mostly."]


def _scene(pause_every=3):
    """Ten lines read one after the other in one file, some with a long inner pause."""
    moments, words, t = [], [], 0.0
    for i, text in enumerate(LINES):
        ws, tt = [], t + 0.6
        for j, w in enumerate(text.split()):
            ws.append(Word(w, round(tt, 3), round(tt + 0.3, 3)))
            tt += 0.35
            if j == 1 and i % pause_every == 0:
                tt += 0.9
        end = tt + 0.6
        words += ws
        moments.append(Moment(i, "/media/take.mp4", RATE, 0, int(t * RATE), int(end * RATE), (f"1-{i + 1}",),
                              text, 0.5 + 0.02 * i, words=tuple(ws)))
        t = end + 0.4
    return score_moments(moments), {"/media/take.mp4": tuple(words)}


def _cut_words(sel, words):
    n = 0
    for c in sel.chosen:
        for p in c.pieces:
            for edge in (p.src_in / RATE, p.src_out / RATE):
                n += sum(1 for w in words if w.start < edge < w.end)
    return n


@pytest.mark.parametrize("target", [6, 10, 15, 20])
def test_choice_hits_the_target_with_whole_lines_in_story_order(target):
    moments, words = _scene()
    sel = choose(moments, target, words)
    assert abs(sel.seconds - target) <= 1.0, sel
    assert not sel.warnings
    idx = [c.moment.index for c in sel.chosen]
    assert idx == sorted(idx), "the arc stays in story order"
    assert idx[-1] == len(LINES) - 1, "the scene's last line (payoff) is kept"
    assert _cut_words(sel, words["/media/take.mp4"]) == 0
    for c in sel.chosen:
        m = c.moment
        assert all(m.src_in <= p.src_in < p.src_out <= m.src_out for p in c.pieces), "trims only, never extends"
        covered = [w for w in m.words if any(p.src_in <= w.start * RATE and w.end * RATE <= p.src_out for p in c.pieces)]
        assert covered == list(m.words), "every word of a chosen line is kept whole"
    # never sped up: the record length is the sum of the source pieces
    assert sum(c.frames for c in sel.chosen) == pytest.approx(sel.seconds * RATE, abs=1)


def test_choice_prefers_intensity_and_says_why():
    moments, words = _scene()
    hot = [m if m.index != 3 else Moment(**{**m.__dict__, "signals": {"arousal": 1.0}}) for m in moments]
    scored = score_moments(hot)
    assert scored[3].value > moments[3].value
    assert any("intensity" in w for w in scored[3].why)
    assert scored[-1].role == "payoff" and scored[0].role == "setup"
    assert any("later line" in w for w in scored[7].why), "'Thinking about what?' refers back to line 8"


def test_short_cut_uses_everything_and_warns():
    moments, words = _scene()
    sel = choose(moments, 120, words)
    assert len(sel.chosen) == len(LINES) and sel.warnings and "uses all of it" in sel.warnings[0]


def test_still_face_holds_and_stays_inside():
    faces = [FaceBox(t / 4, (0.60 + 0.004 * (t % 2), 0.25, 0.12, 0.22), 0.9, track=1, speaking=True) for t in range(20)]
    faces += [FaceBox(t / 4, (0.10, 0.25, 0.12, 0.22), 0.9, track=2, speaking=False) for t in range(20)]
    keys, notes = crop_path(faces, (), 0.0, 5.0, RATE, (1920, 1080), (9, 16), "9:16")
    assert len(keys) == 1 and notes == ("speaking face",), "a still speaker gives one held window"
    k = keys[0]
    assert (k.w, k.h) == window_size(1920, 1080, (9, 16)) == (606, 1080)
    assert k.x <= 0.60 * 1920 and 0.724 * 1920 <= k.x + k.w, "the speaking face (not the other one) is inside"


def test_moving_face_is_followed_smoothly_and_cut_only_at_shots():
    faces = [FaceBox(t / 8, (0.05 + 0.7 * t / 80, 0.3, 0.1, 0.2), 0.9, track=1, speaking=True) for t in range(81)]
    keys, _ = crop_path(faces, (), 0.0, 10.0, RATE, (1920, 1080), (9, 16), "9:16")
    xs = [crop_at(keys, f).x for f in range(keys[0].frame, int(10 * RATE))]
    steps = [abs(b - a) for a, b in zip(xs, xs[1:])]
    assert max(steps) <= 0.6 * keys[0].w / float(RATE) + 1, "bounded speed"
    acc = [abs(b - a) for a, b in zip(steps, steps[1:])]
    assert max(acc) <= 3, "no jerks"
    for f in faces[4:-4]:
        k = crop_at(keys, int(f.t * RATE))
        assert k.x <= f.box[0] * 1920 and (f.box[0] + f.box[2]) * 1920 <= k.x + k.w
    # a shot boundary: the window may jump there, and only there
    jump = [FaceBox(t / 4, (0.1 if t < 12 else 0.8, 0.3, 0.1, 0.2), 0.9, track=1 if t < 12 else 2, speaking=True)
            for t in range(24)]
    keys, _ = crop_path(jump, (Shot(0.0, 3.0), Shot(3.0, 6.0)), 0.0, 6.0, RATE, (1920, 1080), (9, 16))
    assert len(keys) == 2 and keys[1].frame == math.ceil(3.0 * RATE) and keys[1].x > keys[0].x


def test_two_shot_when_both_fit_square():
    faces = [FaceBox(t / 4, (0.40, 0.3, 0.08, 0.15), 0.9, track=1, speaking=True) for t in range(8)]
    faces += [FaceBox(t / 4, (0.52, 0.3, 0.08, 0.15), 0.9, track=2, speaking=False) for t in range(8)]
    keys, notes = crop_path(faces, (), 0.0, 2.0, RATE, (1920, 1080), (1, 1), "1:1")
    assert notes == ("two-shot: both faces fit",)
    assert keys[0].x <= 0.40 * 1920 and 0.60 * 1920 <= keys[0].x + keys[0].w


def test_portrait_source_to_square_keeps_headroom():
    faces = [FaceBox(t / 4, (0.4, 0.55, 0.2, 0.12), 0.9, track=1, speaking=True) for t in range(8)]
    keys, _ = crop_path(faces, (), 0.0, 2.0, RATE, (1080, 1920), (1, 1), "1:1")
    k = keys[0]
    assert (k.w, k.h) == (1080, 1080) and k.y > 0
    centre = (0.55 + 0.06) * 1920
    assert k.y <= 0.55 * 1920 and centre - k.y == pytest.approx(0.40 * k.h, abs=3), "face centre at 40 % height"


def test_aspect_parsing_and_errors():
    assert parse_aspect("9:16") == (9, 16) and parse_aspect("4x5") == (4, 5)
    for bad in ("916", "0:1", "a:b"):
        with pytest.raises(ValueError, match="aspect"):
            parse_aspect(bad)


def test_captions_break_by_phrase_two_lines_reading_speed():
    text = "I sat in the station, thinking about what you said, and about us, mostly. Then I walked home."
    words, t = [], 0.0
    for w in text.split():
        words.append((w, t, t + 0.22))
        t += 0.25
    cues = make_cues(words + [None] + [("Why?", t + 1, t + 1.3)], max_chars=26)
    assert all(1 <= len(c.lines) <= 2 and all(len(x) <= 26 for x in c.lines) for c in cues)
    joined = " ".join(" ".join(c.lines) for c in cues)
    assert joined.split() == text.split() + ["Why?"], "every word, once, in order"
    assert any(c.lines[-1].endswith((",", ".")) for c in cues), "cues close at phrase ends"
    for a, b in zip(cues, cues[1:]):
        assert a.end <= b.start, "no overlap"
    assert cues[-1].cps <= MAX_CPS and cues[-1].end - cues[-1].start >= 0.8 - 1e-9, "short cue held long enough to read"
    srt, vtt = to_srt(cues), to_vtt(cues)
    assert srt.startswith("1\n00:00:00,000 --> ") and vtt.startswith("WEBVTT\n\n1\n00:00:00.000 --> ")


def test_host_transforms_fill_the_frame():
    k = CropKey(0, 657, 0, 606, 1080)     # centred 9:16 window in a 1920x1080 source
    tr = host_transform(k, (1920, 1080), (1080, 1920))
    r = tr["resolve"]
    assert r["ZoomX"] == pytest.approx((1080 / 606) / (1080 / 1920), rel=1e-3)
    assert abs(r["Pan"]) < 2 and abs(r["Tilt"]) < 1e-6
    p = tr["premiere"]
    assert p["scale"] == pytest.approx(100 * 1080 / 606, rel=1e-3) and p["position"][1] == pytest.approx(960)
    left = host_transform(CropKey(0, 0, 0, 606, 1080), (1920, 1080), (1080, 1920))
    assert left["resolve"]["Pan"] > 0 and left["premiere"]["position"][0] > 540, "image moves right to show its left"


def test_long_lines_that_cannot_land_within_a_second_say_so():
    long = score_moments([Moment(i, "/x.mp4", RATE, 0, int(i * 5.7 * RATE), int((i + 1) * 5.7 * RATE), (f"1-{i + 1}",),
                                 "A long line.", 0.7) for i in range(3)])
    sel = choose(long, 8, {})
    assert sel.seconds <= 9.0 and "closest that fits" in sel.warnings[0]
    assert [c.moment.index for c in sel.chosen] == [2], "the payoff, whole"
