"""Interchange exports through the OTIO adapters and the PyAV preview render."""
from fractions import Fraction

import av
import opentimelineio as otio
import pytest

from roughcut_core.edit import write_otio
from roughcut_core.edit.export import export_timeline
from roughcut_core.edit.render import render_preview
from roughcut_core.errors import RoughcutError
from roughcut_core.model import Cut, EditDecision, Marker
from roughcut_core.synth import read_frame_index, write_test_video
from roughcut_core.timebase import Rate

R = Rate(24000, 1001)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A 6 s 23.976 clip whose frames carry their own index."""
    path = tmp_path_factory.mktemp("src") / "A001_T1.mp4"
    return write_test_video(path, rate=R, seconds=6)


def _cut(path, ranges, gap_after_first=False):
    decisions, rec = [], 0
    for k, (a, b) in enumerate(ranges):
        decisions.append(EditDecision(id=f"d{k}", path=str(path), rate=R, src_in=a, src_out=b, rec_in=rec,
                                      score=0.9, line_ids=(f"1-{k + 1}",), reasons=("complete line",),
                                      markers=(Marker(0, f"1-{k + 1} ALICE", "a line"),)))
        rec += b - a
        if gap_after_first and k == 0:
            decisions.append(EditDecision(id="gap", path="", rate=R, src_in=0, src_out=12, rec_in=rec,
                                          score=0.0, line_ids=("1-9",), gap=True))
            rec += 12
    return Cut(name="Test cut", rate=R, decisions=tuple(decisions))


def test_render_is_frame_exact(source, tmp_path):
    cut = _cut(source, [(10, 30), (50, 60)])
    otio_path = write_otio(cut, tmp_path / "cut.otio")
    out = render_preview(otio_path, tmp_path / "preview.mp4", width=320)
    with av.open(str(out)) as c:
        assert c.streams.video[0].average_rate == Fraction(24000, 1001)
        idx = [read_frame_index(f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]
        assert c.streams.audio, "preview has sound"
    assert idx == list(range(10, 30)) + list(range(50, 60))


def test_render_fills_gaps_with_black(source, tmp_path):
    cut = _cut(source, [(0, 5), (20, 25)], gap_after_first=True)
    out = render_preview(write_otio(cut, tmp_path / "cut.otio"), tmp_path / "p.mp4", width=320)
    with av.open(str(out)) as c:
        frames = [f.to_ndarray(format="gray") for f in c.decode(video=0)]
    assert len(frames) == 5 + 12 + 5
    assert frames[8].mean() < 25


def test_fcpxml_export_durations(source, tmp_path):
    """The fcpx_xml adapter's reader truncates NTSC rates to integers, so check the written
    durations directly: each clip is within a millisecond of its frame-exact length."""
    import re

    cut = _cut(source, [(10, 30), (50, 60)])
    otio_path = write_otio(cut, tmp_path / "cut.otio", frame_counts={str(source): 144})
    text = export_timeline(otio_path, tmp_path / "cut.fcpxml").read_text()
    assert 'frameDuration="1001/24000s"' in text
    seconds = {Fraction(n) / Fraction(d or 1) for n, d in re.findall(r'<(?:asset-)?clip[^>]* duration="(\d+)/?(\d*)s"', text)}
    frames = sorted({round(s * Fraction(24000, 1001)) for s in seconds})
    assert frames == [10, 20]
    for s in seconds:
        assert abs(s * Fraction(24000, 1001) - round(s * Fraction(24000, 1001))) < Fraction(1, 20)


@pytest.mark.parametrize("suffix", [".xml", ".edl", ".aaf"])
def test_exports_read_back(source, tmp_path, suffix):
    cut = _cut(source, [(10, 30), (50, 60)])
    otio_path = write_otio(cut, tmp_path / "cut.otio", frame_counts={str(source): 144})
    out = export_timeline(otio_path, tmp_path / f"cut{suffix}")
    kwargs = {"rate": 24000 / 1001} if suffix == ".edl" else {}
    back = otio.adapters.read_from_file(str(out), **kwargs)
    clips = list(back.find_clips())
    assert clips, f"{suffix} export has no clips"
    durations = sorted(round(c.source_range.duration.value) for c in clips)
    assert 20 in durations and 10 in durations


def test_unknown_export_format_names_supported(tmp_path, source):
    otio_path = write_otio(_cut(source, [(0, 5)]), tmp_path / "cut.otio")
    with pytest.raises(RoughcutError, match=r"\.edl"):
        export_timeline(otio_path, tmp_path / "cut.mov")
