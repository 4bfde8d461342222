"""Hand-built cuts that exercise the interchange writers (tests, golden files, `bench`).

Each cut starts at 10:00:00:00 (a long timecode), uses file names with spaces and non-ASCII
letters, one source at another rate than the sequence, a split (J/L) edit, a cutaway on V2,
a gap, clip and sequence markers, and alternates (one of them from a file not in the cut).
"""
from __future__ import annotations

from ..model import Alternate, Cut, EditDecision, Marker
from ..timebase import Rate, timecode_to_frames

# name → (sequence rate, drop frame, the other source rate in the cut)
RATES = {
    "23.976": (Rate(24000, 1001), False, Rate(24)),
    "24": (Rate(24), False, Rate(24000, 1001)),
    "25": (Rate(25), False, Rate(50)),
    "29.97DF": (Rate(30000, 1001), True, Rate(30)),
    "50": (Rate(50), False, Rate(25)),
    "59.94DF": (Rate(60000, 1001), True, Rate(30000, 1001)),
}

MEDIA_A = "/Volumes/Rushes/Day 1/A001_C003 scène 1.mov"
MEDIA_B = "/Volumes/Rushes/Day 1/B002 Çamera take 2.mov"
MEDIA_C = "/Volumes/Rushes/Day 2/C003 Zoë wide.mov"


def _tc(label: str, rate: Rate, df: bool) -> int:
    if df:
        label = label[:8] + ";" + label[9:]
    return timecode_to_frames(label, rate, drop_frame=df)


def sample_cut(name: str) -> tuple[Cut, dict]:
    """The sample cut at rate ``name`` (a key of RATES) and its frame counts per file."""
    rate, df, other = RATES[name]
    fps = rate.nominal
    odf = df and other.supports_drop_frame
    a_start = _tc("14:23:11:05", rate, df)
    b_start = _tc("20:00:00:00", other, odf)
    s = fps  # one second of frames at the sequence rate
    so = other.nominal
    decisions = (
        EditDecision(id="d1", path=MEDIA_A, rate=rate, src_in=3 * s + 1, src_out=6 * s + 5, rec_in=0, score=0.9,
                     line_ids=("1-1",), start_frame=a_start,
                     markers=(Marker(frame=2, name="1-1 ALICE", note="Best reading: clean, on mic"),),
                     alternates=(Alternate(path=MEDIA_A, src_in=40 * s, src_out=43 * s + 3, score=0.7, why="late"),
                                 Alternate(path=MEDIA_C, src_in=7, src_out=2 * s + 11, score=0.6,
                                           why="wide, überbelichtet"))),
        EditDecision(id="d2", path=MEDIA_B, rate=other, src_in=10 * so + 3, src_out=13 * so + 9,
                     rec_in=3 * s + 4, score=0.8, line_ids=("1-2",), start_frame=b_start,
                     audio_in=10 * so + 3, audio_out=12 * so + 9,
                     markers=(Marker(frame=0, name="1-2 BOB", note="Only take with the line; mixed rate", color="Red"),)),
    )
    d2_len = round((decisions[1].src_out - decisions[1].src_in) * rate.fraction / other.fraction)
    d3_rec = decisions[1].rec_in + d2_len
    decisions += (
        EditDecision(id="d3", path=MEDIA_A, rate=rate, src_in=120 * s + 7, src_out=124 * s, rec_in=d3_rec,
                     score=0.85, line_ids=("1-3",), start_frame=a_start,
                     audio_in=120 * s + 7 - 12, audio_out=124 * s,
                     markers=(Marker(frame=5, name="1-3 ALICE", note="J-cut: sound leads by 12 frames",
                                     color="Green", duration=3),)),
        EditDecision(id="d4", path=MEDIA_A, rate=rate, src_in=300 * s, src_out=301 * s + 2,
                     rec_in=d3_rec + s, score=0.5, start_frame=a_start, video_track=2, media_type="video",
                     reasons=("reaction cutaway",)),
        EditDecision(id="d5", path=MEDIA_A, rate=rate, src_in=200 * s, src_out=202 * s + 13,
                     rec_in=d3_rec + 4 * s - 7 + s, score=0.75, line_ids=("1-4",), start_frame=a_start,
                     alternates=(Alternate(path=MEDIA_A, src_in=210 * s, src_out=212 * s, score=0.5, why="flat"),)),
    )
    counts = {MEDIA_A: 400 * s, MEDIA_B: 30 * so}
    cut = Cut(name=f"Scène 1 rough cut {name}", rate=rate, decisions=decisions,
              start_frame=_tc("10:00:00:00", rate, df), drop_frame=df,
              markers=(Marker(frame=s + 2, name="Scene 1", note="Seq marker: start of scene 1", color="Yellow"),))
    return cut, counts


def sample_timeline(name: str):
    """The OTIO timeline ``roughcut cut`` would write for :func:`sample_cut`."""
    from ..edit.otio_out import cut_to_otio

    cut, counts = sample_cut(name)
    return cut_to_otio(cut, frame_counts=counts)
