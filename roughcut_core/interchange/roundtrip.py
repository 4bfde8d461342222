"""Write a sequence in each format, read it back, and compare clip by clip (tests, report).

Two read-backs per format: our own reader (``read_*``) and the OpenTimelineIO adapter for
that format. A clip round-trips when kind, track, record in/length, media path and the
source range in frames all match; markers are compared by record frame, name and note.

Known limits of the formats themselves (not counted as our errors, reported separately):
- FCPXML holds no audio track number (sound rides in the picture clip or on lanes), so
  sound clips are compared without their track.
- A source at another rate than the sequence is stored with its record length only in
  FCPXML/AAF and with sequence-rate source timecode in an EDL when the nominal rates differ
  (25 in 50): its out point is then recovered as the NLE will play it, which can differ by
  a frame from the cut's own count.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..timebase import convert_frames
from .model import Placement, Sequence, without_alternates

FORMATS = ("fcpxml", "fcp7", "edl", "aaf", "otio")


@dataclass
class Result:
    fmt: str
    reader: str
    exact: int = 0
    total: int = 0
    mismatches: list = field(default_factory=list)
    markers_ok: int = 0
    markers_total: int = 0


def _key(kind, track, rec_in, rec_len, path, src_in, src_out, enabled=True, with_track=True):
    return (kind, track if with_track else None, rec_in, rec_len, str(path), src_in, src_out, bool(enabled))


def expected(seq: Sequence, fmt: str) -> list[Placement]:
    if fmt in ("edl", "aaf"):
        seq = without_alternates(seq)
    if fmt == "edl":
        return [p for p in seq.placements if p.kind == "audio" or p.track == 1]
    return list(seq.placements)


def record_markers(seq: Sequence, fmt: str) -> list[tuple]:
    """(record frame, name, note) of every marker a format should carry."""
    out = [(m.frame, m.name, m.note) for m in seq.markers]
    for p in seq.placements:
        for mk in p.markers:
            off = mk.frame - p.src_in
            if p.media.rate != seq.rate:
                off = convert_frames(off, p.media.rate, seq.rate)
            out.append((p.record_in + off, mk.name, mk.note))
    return sorted(out)


def _compare(res: Result, want: list, got: list, with_audio_track: bool = True) -> Result:
    pool = list(got)
    for p in want:
        wt = with_audio_track or p.kind == "video"
        k = _key(p.kind, p.track, p.record_in, p.record_duration, p.media.path, p.src_in, p.src_out, p.enabled, wt)
        res.total += 1
        match = next((g for g in pool if _key(*g[:8], with_track=wt) == k), None)
        if match is None:
            res.mismatches.append(k)
        else:
            pool.remove(match)
            res.exact += 1
    return res


def own_readback(seq: Sequence, fmt: str, folder: Path) -> Result:
    """Write ``seq`` as ``fmt`` under ``folder`` and read it back with our reader."""
    res = Result(fmt, "own")
    if fmt == "otio":
        return res  # OTIO JSON has no reader of ours: the OTIO library is its reader
    got, markers = _own(seq, fmt, folder)
    _compare(res, expected(seq, fmt), [(c.kind, c.track, c.record_in, c.record_duration, c.path, c.src_in, c.src_out,
                                        c.enabled) for c in got], with_audio_track=fmt != "fcpxml")
    want_m = record_markers(seq, fmt)
    res.markers_total = len(want_m)
    res.markers_ok = sum(1 for m in want_m if m in markers)
    return res


def _own(seq: Sequence, fmt: str, folder: Path):
    if fmt == "fcpxml":
        from .fcpxml import read_fcpxml, write_fcpxml

        info, clips = read_fcpxml(write_fcpxml(seq))
        markers = set((m.frame, m.name, m.note) for m in info["markers"])
        for c in clips:
            for m in c.markers:
                markers.add((c.record_in + _to_rec(seq, c, m.frame - c.src_in), m.name, m.note))
        return clips, markers
    if fmt == "fcp7":
        from .fcp7 import read_fcp7, write_fcp7

        info, clips = read_fcp7(write_fcp7(seq))
        markers = set((m.frame, m.name, m.note) for m in info["markers"])
        for c in clips:
            for m in c.markers:
                markers.add((c.record_in + _to_rec(seq, c, m.frame - c.src_in), m.name, m.note))
        return clips, markers
    if fmt == "edl":
        from .edl import read_edl, write_edl

        rates = {m.path: (m.rate, m.start_frame) for m in seq.media()}
        clips, markers = [], set()
        for key, data in write_edl(seq).items():
            if key.startswith("_V"):
                continue  # upper picture tracks: separate lists, not part of the cut's V/A events
            info, part = read_edl(data.decode("utf-8"), seq.rate, seq.start_frame, rates)
            clips += part
            markers |= {(m.frame, m.name, m.note) for m in info["markers"]}
        return clips, markers
    if fmt == "aaf":
        from .aaf import read_aaf, write_aaf

        path = folder / "roundtrip.aaf"
        if path.exists():
            path.unlink()
        write_aaf(seq, path)
        info, clips = read_aaf(path)
        return clips, {(m.frame, m.name, m.note) for m in info["markers"]}
    raise ValueError(fmt)


def _to_rec(seq: Sequence, clip, offset: int) -> int:
    media = next((m for m in seq.media() if m.path == clip.path), None)
    if media is None or media.rate == seq.rate:
        return offset
    return convert_frames(offset, media.rate, seq.rate)


def table(rates=None) -> list[Result]:
    """Own-reader round trip for every format at every sample rate."""
    from .model import from_otio
    from .samples import RATES, sample_timeline

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in rates or RATES:
            seq = from_otio(sample_timeline(name))
            for fmt in FORMATS[:-1]:
                r = own_readback(seq, fmt, Path(tmp))
                r.reader = f"own@{name}"
                out.append(r)
    return out


__all__ = ["own_readback", "expected", "record_markers", "table", "Result", "FORMATS"]
