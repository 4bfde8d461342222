"""Interchange writers (issue 16): round trips at every rate, read back with our readers and
with the OpenTimelineIO adapters, compared clip by clip; golden files; file modes; CLI."""
from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest

from roughcut_core.interchange import export, pick_format
from roughcut_core.interchange.edl import MAX_EVENTS, reel_names, write_edl
from roughcut_core.interchange.fcp7 import write_fcp7
from roughcut_core.interchange.fcpxml import parse_time, validate_dtd, write_fcpxml
from roughcut_core.interchange.model import Media, Placement, Sequence, from_otio
from roughcut_core.interchange.roundtrip import expected, otio_readback, own_readback, record_markers
from roughcut_core.interchange.samples import MEDIA_B, RATES, sample_timeline
from roughcut_core.errors import RoughcutError
from roughcut_core.timebase import Rate, frames_to_timecode

GOLDEN = Path(__file__).parent / "golden" / "interchange"
SUBSET_DTD = GOLDEN / "fcpxml-1.10-subset.dtd"
_SEQS: dict = {}


def seq_for(name: str) -> Sequence:
    if name not in _SEQS:
        _SEQS[name] = from_otio(sample_timeline(name))
    return _SEQS[name]


def _inexpressible(seq: Sequence, key: tuple) -> bool:
    """A clip of a source whose frames the format cannot hold: a 50 fps source cut at an odd
    frame in a 25 fps sequence (EDL and AAF count source frames at the sequence rate)."""
    media = next(m for m in seq.media() if m.path == key[4])
    ratio = media.rate.fraction / seq.rate.fraction
    return ratio.denominator == 1 and ratio > 1 and (key[5] % ratio.numerator or key[6] % ratio.numerator)


@pytest.mark.parametrize("fmt", ["fcpxml", "fcp7", "edl", "aaf"])
@pytest.mark.parametrize("rate", list(RATES))
def test_own_reader_round_trip_is_frame_exact(rate, fmt, tmp_path):
    seq = seq_for(rate)
    res = own_readback(seq, fmt, tmp_path)
    assert res.total == len(expected(seq, fmt)) > 0
    bad = [k for k in res.mismatches if not (fmt in ("edl", "aaf") and _inexpressible(seq, k))]
    assert not bad, f"{fmt}@{rate}: {len(bad)} clips changed: {bad}"
    assert res.markers_ok == res.markers_total == 4


@pytest.mark.parametrize("fmt", ["fcp7", "edl", "aaf", "otio"])
@pytest.mark.parametrize("rate", list(RATES))
def test_otio_adapters_read_our_files_frame_exact(rate, fmt, tmp_path):
    seq = seq_for(rate)
    res = otio_readback(sample_timeline(rate), fmt, tmp_path)
    bad = [k for k in res.mismatches if not (fmt in ("edl", "aaf") and _inexpressible(seq, k))]
    assert res.total and not bad, f"{fmt}@{rate} via OTIO: {bad}"


def test_inexpressible_case_is_only_the_odd_50fps_frame():
    seq = seq_for("25")
    b = [p for p in seq.placements if p.media.path == MEDIA_B]
    assert b and all(p.src_in % 2 for p in b)  # the sample deliberately cuts a 50 fps file at an odd frame


@pytest.mark.parametrize("rate", list(RATES))
def test_fcpxml_times_on_the_frame_grid_and_valid(rate):
    seq = seq_for(rate)
    data = write_fcpxml(seq)
    assert validate_dtd(data, SUBSET_DTD) == []
    text = data.decode()
    fd = Fraction(1) / seq.rate.fraction
    assert f'frameDuration="{fd.numerator}/{fd.denominator}s"' in text or f'frameDuration="{fd.numerator}s"' in text
    root = ET.fromstring(data)
    rates = {f.get("id"): Fraction(1) / parse_time(f.get("frameDuration")) for f in root.iter("format")}
    asset_rate = {a.get("id"): rates[a.get("format")] for a in root.iter("asset")}

    def on_grid(value, rate):
        return (parse_time(value) * rate).denominator == 1

    for item in root.find("library/event/project/sequence/spine"):
        assert on_grid(item.get("offset"), seq.rate.fraction) and on_grid(item.get("duration"), seq.rate.fraction)
        for clip in [item, *item.findall("asset-clip")]:
            assert on_grid(clip.get("duration"), seq.rate.fraction)
            if clip.tag == "asset-clip":
                assert on_grid(clip.get("start"), asset_rate[clip.get("ref")]), clip.attrib
                if clip.get("audioStart"):
                    assert on_grid(clip.get("audioStart"), asset_rate[clip.get("ref")])
    times = [v for el in root.iter() for k, v in el.attrib.items()
             if k in ("offset", "duration", "start", "tcStart", "audioStart", "audioDuration", "frameDuration")]
    assert times and all(re.fullmatch(r"\d+(/\d+)?s", v) for v in times)  # rationals, never 23.98-style labels


def test_subset_dtd_rejects_a_wrong_structure():
    data = write_fcpxml(seq_for("24")).decode()
    broken = data.replace("<spine>", "<spine><marker start=\"0s\" value=\"x\"/>", 1)
    assert validate_dtd(broken.encode(), SUBSET_DTD)


def test_fcpxml_validates_against_apples_dtd_when_available():
    dtd = os.environ.get("ROUGHCUT_FCPXML_DTD") or next(
        (p for p in ("/Applications/Final Cut Pro.app/Contents/Frameworks/Interchange.framework/Versions/A/"
                     "Resources/FCPXMLv1_10.dtd",) if Path(p).is_file()), None)
    if not dtd:
        pytest.skip("Apple's FCPXMLv1_10.dtd is not redistributable: set ROUGHCUT_FCPXML_DTD to a copy "
                    "(Final Cut Pro ships it) to validate against it")
    for rate in RATES:
        assert validate_dtd(write_fcpxml(seq_for(rate)), dtd) == [], rate


def _golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("ROUGHCUT_REGEN_GOLDEN"):
        path.write_bytes(data)
    assert path.is_file(), f"missing golden file {path} (ROUGHCUT_REGEN_GOLDEN=1 writes it)"
    assert data == path.read_bytes(), f"{name} differs from its golden file"


@pytest.mark.parametrize("rate", list(RATES))
def test_golden_files(rate):
    seq = seq_for(rate)
    tag = rate.replace(".", "_")
    _golden(f"cut_{tag}.fcpxml", write_fcpxml(seq))
    _golden(f"cut_{tag}.xml", write_fcp7(seq))
    for key, data in write_edl(seq).items():
        _golden(f"cut_{tag}{key}.edl", data)


def test_fcp7_structure_distinct_linked_items_and_drop_frame():
    seq = seq_for("29.97DF")
    root = ET.fromstring(write_fcp7(seq))
    items = {ci.get("id"): ci for ci in root.iter("clipitem")}
    assert len(items) == len(seq.placements)
    audio = root.findall("sequence/media/audio/track/clipitem")
    assert audio and all(ci.find("sourcetrack/mediatype").text == "audio" for ci in audio)
    for ci in items.values():
        refs = [lk.findtext("linkclipref") for lk in ci.findall("link")]
        assert ci.get("id") in refs and all(r in items for r in refs)
        f = ci.find("file")
        assert f is not None and f.get("id")
    assert len([ci for ci in items.values() if len(ci.findall("link")) == 2]) >= 8  # picture + sound pairs
    urls = [p.text for p in root.iter("pathurl")]
    assert urls and all(u.startswith("file://localhost/") for u in urls)
    assert "sc%C3%A8ne%201.mov" in urls[0]
    assert root.findtext("sequence/timecode/displayformat") == "DF"
    assert root.findtext("sequence/timecode/string") == "10:00:00;00"
    assert root.findtext("sequence/rate/ntsc") == "TRUE" and root.findtext("sequence/rate/timebase") == "30"
    fmt = root.find("sequence/media/video/format/samplecharacteristics")
    assert fmt.findtext("width") == "1920" and fmt.findtext("rate/timebase") == "30"
    comments = {m.findtext("comment") for m in root.iter("marker")}
    assert "Best reading: clean, on mic" in comments and "Seq marker: start of scene 1" in comments


def test_edl_reels_sound_events_and_comments():
    seq = seq_for("59.94DF")
    text = write_edl(seq)[""].decode()
    assert "FCM: DROP FRAME" in text
    events = [ln for ln in text.splitlines() if re.match(r"^\d{3}  ", ln)]
    chans = [ln.split()[2] for ln in events]
    assert chans.count("V") == 4 and chans.count("AA") == 4
    reels = {ln.split()[1] for ln in events}
    assert all(re.fullmatch(r"[A-Z0-9_]{1,8}", r) for r in reels)
    assert text.count("* FROM CLIP NAME:") == len(events) == text.count("* SOURCE FILE:")
    a = seq.on_track("video", 1)[0]  # source tc = the media's start timecode + file-relative frame
    assert events[0].split()[4] == frames_to_timecode(a.media.start_frame + a.src_in, a.media.rate, True)
    assert events[0].split()[6] == "10:00:00;00"
    names = reel_names([f"/x/{n}.mov" for n in ("Take one", "Take one!", "TAKEONE2", "é")])
    assert len(set(names.values())) == 4 and all(re.fullmatch(r"[A-Z0-9_]{1,8}", v) for v in names.values())


def test_edl_splits_at_999_events():
    import opentimelineio as otio

    rate = Rate(25)
    m = Media(path="/media/long take.mov", rate=rate, start_frame=90000, duration=10 ** 6, audio_channels=2)
    placements = []
    for i in range(700):
        for kind in ("video", "audio"):
            placements.append(Placement(kind, 1, i * 10, 10, m, i * 20, i * 20 + 10, f"c{i}", link=str(i)))
    seq = Sequence(name="long", rate=rate, start_frame=90000, placements=tuple(placements))
    files = write_edl(seq)
    assert list(files) == ["", "_002"]
    total = 0
    for data in files.values():
        text = data.decode()
        n = len(re.findall(r"(?m)^\d{3}  ", text))
        assert 0 < n <= MAX_EVENTS and re.search(r"(?m)^001  ", text)
        total += n
        tl = otio.adapters.read_from_string(text, "cmx_3600", rate=25)
        assert len(tl.tracks[0].find_clips()) > 0
    assert total == 1400


def test_export_writes_with_the_umask_atomically(tmp_path):
    tl = sample_timeline("24")
    old = os.umask(0o027)
    try:
        written = []
        for suffix in (".fcpxml", ".xml", ".edl", ".aaf", ".otio"):
            written += export(tl, tmp_path / f"cut{suffix}")
    finally:
        os.umask(old)
    assert {p.name for p in written} >= {"cut.fcpxml", "cut.xml", "cut.edl", "cut_V2.edl", "cut.aaf", "cut.otio"}
    for p in written:
        assert (p.stat().st_mode & 0o777) == 0o640, p
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_export_otio_has_file_urls_and_marker_comments(tmp_path):
    import opentimelineio as otio

    (out,) = export(sample_timeline("25"), tmp_path / "cut.otio")
    tl = otio.adapters.read_from_file(str(out))
    urls = [c.media_reference.target_url for c in tl.find_clips()]
    assert urls and all(u.startswith("file:///") for u in urls)
    assert Path("/Volumes/Rushes/Day 1/A001_C003 scène 1.mov").as_uri() in urls
    notes = {m.comment for c in tl.find_clips() for m in c.markers} | {m.comment for m in tl.tracks.markers}
    assert {"Best reading: clean, on mic", "Seq marker: start of scene 1"} <= notes


def test_aaf_one_master_mob_per_file_and_markers(tmp_path):
    from roughcut_core.interchange.aaf import read_aaf

    (out,) = export(sample_timeline("23.976"), tmp_path / "cut.aaf")
    info, clips = read_aaf(out)
    assert info["master_mobs"] == 2  # two files in the cut (alternates are not written)
    assert [(m.name, m.note, m.color) for m in info["markers"]][0] == ("1-1 ALICE", "Best reading: clean, on mic",
                                                                        "BLUE")
    assert {m.color for m in info["markers"]} == {"BLUE", "RED", "GREEN", "YELLOW"}
    assert sorted((m.frame, m.name, m.note) for m in info["markers"]) == record_markers(seq_for("23.976"), "aaf")


def test_format_picking_and_errors(tmp_path):
    assert pick_format("a.xml") == "fcp7" and pick_format("a.xml", "resolve") == "fcp7"
    assert pick_format("a.xml", "fcp") == "fcpxml" and pick_format("a.FCPXML") == "fcpxml"
    assert pick_format("a.edl", "avid") == "edl" and pick_format("a.aaf") == "aaf"
    with pytest.raises(RoughcutError, match=r"\.mov"):
        pick_format(tmp_path / "a.mov")
    with pytest.raises(RoughcutError, match="target"):
        pick_format("a.xml", "vegas")
    assert b'<xmeml version="5">' in write_fcp7(seq_for("25"), "resolve")
    assert b'<xmeml version="4">' in write_fcp7(seq_for("25"), "premiere")


def test_cli_export_for(tmp_path, capsys):
    import opentimelineio as otio

    from roughcut_core._cli.main import main

    cut = tmp_path / "cut.otio"
    otio.adapters.write_to_file(sample_timeline("29.97DF"), str(cut))
    assert main(["export", str(cut), str(tmp_path / "fcp.xml"), "--for", "fcp"]) == 0
    assert (tmp_path / "fcp.xml").read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>')
    assert main(["export", str(cut), str(tmp_path / "r.edl"), "--for", "resolve"]) == 0
    printed = capsys.readouterr().out.split()
    assert printed[-2:] == [str(tmp_path / "r.edl"), str(tmp_path / "r_V2.edl")]


MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media" / "video_faces_speaking"


@pytest.mark.skipif(not (MEDIA / "grid_bbaf2n.mpg").is_file(), reason=f"{MEDIA} is absent (real test media)")
def test_real_media_probed_sizes_and_round_trip(tmp_path):
    """Real files (25 fps 360x288 and 29.97 640x480, 44.1 kHz stereo) in a 25 fps cut."""
    from roughcut_core.edit.otio_out import cut_to_otio
    from roughcut_core.interchange.fcp7 import read_fcp7
    from roughcut_core.interchange.fcpxml import read_fcpxml
    from roughcut_core.media.probe import probe
    from roughcut_core.model import Cut, EditDecision, Marker

    a, b = (probe(MEDIA / n) for n in ("grid_bbaf2n.mpg", "openmpf_video_01.mp4"))
    cut = Cut(name="real", rate=a.rate, start_frame=90000, decisions=(
        EditDecision(id="1", path=a.path, rate=a.rate, src_in=5, src_out=60, rec_in=0, score=1,
                     start_frame=a.start_frame, markers=(Marker(frame=1, name="m", note="real note"),)),
        EditDecision(id="2", path=b.path, rate=b.rate, src_in=10, src_out=70, rec_in=55, score=1,
                     start_frame=b.start_frame)))
    tl = cut_to_otio(cut, frame_counts={a.path: a.frame_count, b.path: b.frame_count})
    (fx,) = export(tl, tmp_path / "real.fcpxml")
    root = ET.parse(fx).getroot()
    sizes = {(f.get("width"), f.get("height")) for f in root.iter("format")}
    assert sizes == {("360", "288"), ("640", "480")}
    assert root.find("library/event/project/sequence").get("format") == next(
        f.get("id") for f in root.iter("format") if f.get("width") == "360")
    assert {a_.get("audioRate") for a_ in root.iter("asset")} == {"44100"}
    assert validate_dtd(fx.read_bytes(), SUBSET_DTD) == []
    _, clips = read_fcpxml(fx.read_bytes())
    assert [(c.path, c.src_in, c.src_out) for c in clips if c.kind == "video"] == [(a.path, 5, 60), (b.path, 10, 70)]
    (x7,) = export(tl, tmp_path / "real.xml")
    info, clips = read_fcp7(x7.read_bytes())
    assert [(c.kind, c.record_in, c.src_in, c.src_out) for c in clips] == [
        ("video", 0, 5, 60), ("video", 55, 10, 70), ("audio", 0, 5, 60), ("audio", 55, 10, 70)]
    assert "<samplerate>44100</samplerate>" in x7.read_text() and "<width>640</width>" in x7.read_text()


def test_unreadable_source_file_is_named_and_the_export_goes_on(tmp_path, caplog):
    from roughcut_core.edit.otio_out import cut_to_otio
    from roughcut_core.model import Cut, EditDecision

    bad = tmp_path / "not media.mov"
    bad.write_text("this is not a movie")
    cut = Cut(name="bad", rate=Rate(24), decisions=(
        EditDecision(id="1", path=str(bad), rate=Rate(24), src_in=0, src_out=10, rec_in=0, score=1),))
    with caplog.at_level("WARNING"):
        (out,) = export(cut_to_otio(cut), tmp_path / "bad.fcpxml")
    assert "not media.mov" in caplog.text and "cannot probe" in caplog.text
    assert validate_dtd(out.read_bytes(), SUBSET_DTD) == []
