"""Frame <-> timecode <-> seconds arithmetic at every rate we support (roughcut_core.timebase).

Properties (hypothesis) at 23.976, 24, 25, 29.97 DF/NDF, 50, 59.94 DF/NDF, plus known
anchors from SMPTE 12M drop-frame counting and label validation.
"""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roughcut_core.timebase import (
    Rate,
    convert_frames,
    frames_to_seconds,
    frames_to_timecode,
    seconds_to_frame_ceil,
    seconds_to_frame_floor,
    seconds_to_frames,
    timecode_to_frames,
)

R23976 = Rate(24000, 1001)
R24 = Rate(24)
R25 = Rate(25)
R2997 = Rate(30000, 1001)
R50 = Rate(50)
R5994 = Rate(60000, 1001)

# (rate, drop_frame) for every timecode mode the issue lists.
MODES = [
    (R23976, False), (R24, False), (R25, False), (R2997, True), (R2997, False),
    (R50, False), (R5994, True), (R5994, False),
]
MODE_IDS = [f"{r}{'DF' if df else ''}" for r, df in MODES]
DAY_SECONDS = 24 * 3600


def _frames_in_a_day(rate: Rate, drop_frame: bool) -> int:
    """Frames labelled 00:00:00:00 .. 23:59:59:ff (drop-frame days have fewer labels)."""
    if drop_frame:
        return {30: 2589408, 60: 5178816}[rate.nominal]
    return rate.nominal * DAY_SECONDS


mode_strategy = st.sampled_from(MODES)


@st.composite
def mode_and_frame(draw):
    rate, df = draw(mode_strategy)
    frame = draw(st.integers(min_value=0, max_value=_frames_in_a_day(rate, df) - 1))
    return rate, df, frame


@st.composite
def mode_and_boundary_frame(draw):
    """Frames within a few frames of a minute / ten-minute / hour boundary (in label time),
    where drop-frame counting changes."""
    rate, df = draw(mode_strategy)
    hours = draw(st.integers(0, 23))
    minutes = draw(st.integers(0, 59))
    base = timecode_to_frames(f"{hours:02d}:{minutes:02d}:00:00", rate, False)
    if df:
        # The first existing label of the minute, converted through drop-frame counting.
        first = 0 if minutes % 10 == 0 else 2 * (rate.nominal // 30)
        base = timecode_to_frames(f"{hours:02d}:{minutes:02d}:00;{first:02d}", rate, True)
    offset = draw(st.integers(-6, 6))
    return rate, df, min(max(0, base + offset), _frames_in_a_day(rate, df) - 2)


@settings(max_examples=400, deadline=None)
@given(mode_and_frame())
def test_frames_to_timecode_to_frames_is_identity(case):
    rate, df, frame = case
    label = frames_to_timecode(frame, rate, df)
    assert timecode_to_frames(label, rate, df) == frame
    # The separator alone says whether a label is drop-frame.
    assert timecode_to_frames(label, rate) == frame
    assert (";" in label) == df


@settings(max_examples=200, deadline=None)
@given(mode_and_boundary_frame())
def test_identity_across_minute_ten_minute_and_hour_boundaries(case):
    rate, df, frame = case
    for f in (frame, frame + 1):
        assert timecode_to_frames(frames_to_timecode(f, rate, df), rate, df) == f
    # Consecutive frames get consecutive *existing* labels: re-parsing the next label
    # lands exactly one frame later, so no label is skipped or repeated.
    a = timecode_to_frames(frames_to_timecode(frame, rate, df), rate, df)
    b = timecode_to_frames(frames_to_timecode(frame + 1, rate, df), rate, df)
    assert b - a == 1


@settings(max_examples=300, deadline=None)
@given(mode_and_frame())
def test_drop_frame_labels_never_use_dropped_numbers(case):
    rate, df, frame = case
    label = frames_to_timecode(frame, rate, df)
    hh, mm, ss, ff = (int(x) for x in label.replace(";", ":").split(":"))
    assert 0 <= ff < rate.nominal and 0 <= ss < 60 and 0 <= mm < 60 and hh < 24
    if df:
        dropped = 2 * (rate.nominal // 30)
        assert not (ss == 0 and ff < dropped and mm % 10 != 0), label


@settings(max_examples=300, deadline=None)
@given(mode_and_frame())
def test_drop_frame_labels_track_wall_clock(case):
    """Drop-frame exists so the label stays on clock time: within 0.2 s over a whole day
    (SMPTE DF drifts ~86 ms a day, plus up to ~2 frames inside each ten-minute cycle);
    non-drop labels at NTSC rates run 0.1 % slow (3.6 s an hour)."""
    rate, df, frame = case
    label = frames_to_timecode(frame, rate, df)
    hh, mm, ss, ff = (int(x) for x in label.replace(";", ":").split(":"))
    label_seconds = Fraction(hh * 3600 + mm * 60 + ss) + Fraction(ff, rate.nominal)
    real_seconds = frames_to_seconds(frame, rate)
    if df or rate.den == 1:
        assert abs(label_seconds - real_seconds) < Fraction(1, 5)
    else:
        assert label_seconds == Fraction(frame, rate.nominal)


@settings(max_examples=200, deadline=None)
@given(mode_strategy, st.fractions(min_value=0, max_value=DAY_SECONDS, max_denominator=10**6))
def test_seconds_to_frames_to_seconds_within_half_a_frame(mode, seconds):
    rate, _ = mode
    frame = seconds_to_frames(seconds, rate)
    back = frames_to_seconds(frame, rate)
    assert abs(back - seconds) <= Fraction(1, 2) / rate.fraction
    assert seconds_to_frame_floor(seconds, rate) <= frame <= seconds_to_frame_ceil(seconds, rate)


@settings(max_examples=300, deadline=None)
@given(mode_strategy, st.floats(min_value=0, max_value=DAY_SECONDS, allow_nan=False))
def test_float_seconds_round_to_the_nearest_frame(mode, seconds):
    rate, _ = mode
    frame = seconds_to_frames(seconds, rate)
    assert abs(frames_to_seconds(frame, rate) - Fraction(seconds)) <= Fraction(1, 2) / rate.fraction + Fraction(1, 10**9)


@settings(max_examples=300, deadline=None)
@given(mode_and_frame())
def test_frames_to_seconds_to_frames_is_exact(case):
    rate, _, frame = case
    assert seconds_to_frames(frames_to_seconds(frame, rate), rate) == frame
    assert seconds_to_frame_floor(frames_to_seconds(frame, rate), rate) == frame
    assert seconds_to_frame_ceil(frames_to_seconds(frame, rate), rate) == frame
    # Float seconds (what analyzers produce) still land on the same frame.
    assert seconds_to_frames(float(frames_to_seconds(frame, rate)), rate) == frame


@settings(max_examples=150, deadline=None)
@given(mode_and_frame(), mode_strategy)
def test_convert_frames_keeps_time_within_half_a_target_frame(case, target):
    rate, _, frame = case
    dst, _ = target
    converted = convert_frames(frame, rate, dst)
    assert abs(frames_to_seconds(converted, dst) - frames_to_seconds(frame, rate)) <= Fraction(1, 2) / dst.fraction
    if dst == rate:
        assert converted == frame


@pytest.mark.parametrize("label, rate, df, frames", [
    ("01:00:00;00", R2997, True, 107892),
    ("00:01:00;02", R2997, True, 1800),
    ("00:00:59;29", R2997, True, 1799),
    ("00:10:00;00", R2997, True, 17982),
    ("00:09:59;29", R2997, True, 17981),
    ("00:11:00;02", R2997, True, 17982 + 1800),
    ("23:59:59;29", R2997, True, 24 * 107892 - 1),
    ("23:59:59;59", R5994, True, 24 * 215784 - 1),
    ("01:00:00:00", R2997, False, 108000),
    ("01:00:00;00", R5994, True, 215784),
    ("00:01:00;04", R5994, True, 3600),
    ("00:00:59;59", R5994, True, 3599),
    ("00:02:00;04", R5994, True, 3600 + 3596),
    ("00:10:00;00", R5994, True, 35964),
    ("01:00:00:00", R5994, False, 216000),
    ("01:00:00:00", R24, False, 86400),
    ("01:00:00:00", R23976, False, 86400),
    ("01:00:00:00", R25, False, 90000),
    ("01:00:00:00", R50, False, 180000),
    ("10:00:00:00", R25, False, 900000),
    ("00:00:01:00", R23976, False, 24),
])
def test_known_anchors(label, rate, df, frames):
    assert timecode_to_frames(label, rate, df) == frames
    assert frames_to_timecode(frames, rate, df) == label


def test_drop_frame_changes_only_the_label():
    """One hour of 29.97 footage is 107892 frames whether it is labelled DF or NDF."""
    one_hour = seconds_to_frames(3600 * Fraction(1001, 1000), R2997)
    assert one_hour == 108000  # one hour of *labels* at NDF
    assert frames_to_timecode(107892, R2997, True) == "01:00:00;00"
    assert frames_to_timecode(107892, R2997, False) == "00:59:56:12"
    assert seconds_to_frames(3600, R2997) == 107892


def test_negative_frames_get_a_sign():
    assert frames_to_timecode(-1, R24) == "-00:00:00:01"
    assert timecode_to_frames("-00:00:00:01", R24) == -1


@pytest.mark.parametrize("label, rate, df", [
    ("00:01:00;00", R2997, True),    # dropped label
    ("00:01:00;01", R2997, True),    # dropped label
    ("00:02:00;00", R2997, True),
    ("00:01:00;03", R5994, True),    # 59.94 drops four labels
    ("01:01:00;02", R5994, True),
    ("00:00:00:24", R24, False),     # frames >= fps
    ("00:00:00:24", R23976, False),
    ("00:00:00:25", R25, False),
    ("00:00:00;30", R2997, True),
    ("00:00:00:50", R50, False),
    ("00:00:00;60", R5994, True),
    ("00:60:00:00", R25, False),     # minutes out of range
    ("00:00:60:00", R25, False),     # seconds out of range
    ("00:00:01;00", R25, True),      # drop-frame does not exist at 25
    ("00:00:01;00", R24, True),
    ("00:00:01;00", R23976, True),
    ("01:00:00", R25, False),        # no frames field
    ("ab:cd:ef:gh", R25, False),
    ("", R25, False),
])
def test_invalid_labels_are_rejected(label, rate, df):
    with pytest.raises(ValueError):
        timecode_to_frames(label, rate, df)


def test_drop_frame_label_is_refused_at_a_rate_without_drop_frame():
    with pytest.raises(ValueError):
        frames_to_timecode(100, R25, drop_frame=True)
    with pytest.raises(ValueError):
        frames_to_timecode(100, R23976, drop_frame=True)


def test_tenth_minute_keeps_its_labels():
    assert timecode_to_frames("00:10:00;00", R2997, True) == 17982
    assert timecode_to_frames("00:10:00;01", R2997, True) == 17983
    assert timecode_to_frames("00:20:00;03", R5994, True) == 2 * 35964 + 3


@pytest.mark.parametrize("value, expected", [
    (23.976, Rate(24000, 1001)),
    ("23.976", Rate(24000, 1001)),
    (23.98, Rate(24000, 1001)),
    ("29.97", Rate(30000, 1001)),
    (29.97, Rate(30000, 1001)),
    ("29.97 DF", Rate(30000, 1001)),
    ("29.97NDF", Rate(30000, 1001)),
    (59.94, Rate(60000, 1001)),
    ([24000, 1001], Rate(24000, 1001)),
    ((30000, 1001), Rate(30000, 1001)),
    ("25", Rate(25)),
    (25, Rate(25)),
    (24.0, Rate(24)),
    ("30000/1001", Rate(30000, 1001)),
    (Fraction(50), Rate(50)),
    (Rate(48000, 2002), Rate(24000, 1001)),
])
def test_rate_parse(value, expected):
    rate = Rate.parse(value)
    assert rate == expected
    assert (rate.num, rate.den) == (expected.num, expected.den)


@pytest.mark.parametrize("value", [0, -24, "abc", [24], float("nan"), float("inf"), "0/1"])
def test_rate_parse_rejects_nonsense(value):
    with pytest.raises((ValueError, TypeError)):
        Rate.parse(value)


def test_rate_properties():
    assert R2997.nominal == 30 and R2997.supports_drop_frame
    assert R5994.nominal == 60 and R5994.supports_drop_frame
    assert R23976.nominal == 24 and not R23976.supports_drop_frame
    assert not R25.supports_drop_frame and not Rate(30).supports_drop_frame
    assert str(R23976) == "24000/1001" and str(R25) == "25"
    assert Rate(48000, 2002).as_pair() == [24000, 1001]
