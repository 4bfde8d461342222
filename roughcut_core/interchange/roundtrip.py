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
    if fmt in ("edl", "aaf", "otio"):  # alternates: not listed / not written / kept in metadata
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


def _compare(res: Result, want: list, got: list, with_audio_track: bool = True, with_enabled: bool = True) -> Result:
    if not with_enabled:
        got = [(*g[:7], True) for g in got]
    pool = list(got)
    for p in want:
        wt = with_audio_track or p.kind == "video"
        k = _key(p.kind, p.track, p.record_in, p.record_duration, p.media.path, p.src_in, p.src_out,
                 p.enabled or not with_enabled, wt)
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


def _otio_read(seq: Sequence, fmt: str, folder: Path):
    import opentimelineio as otio

    from . import export

    out = folder / f"roundtrip{ {'fcpxml': '.fcpxml', 'fcp7': '.xml', 'edl': '.edl', 'aaf': '.aaf', 'otio': '.otio'}[fmt]}"
    if out.exists():
        out.unlink()
    export(_timeline_for(seq), out)
    adapter = {"fcpxml": "fcpx_xml", "fcp7": "fcp_xml", "edl": "cmx_3600", "aaf": "AAF", "otio": "otio_json"}[fmt]
    kwargs = {"rate": seq.rate.fps} if fmt == "edl" else {}
    back = otio.adapters.read_from_file(str(out), adapter_name=adapter, **kwargs)
    if not isinstance(back, otio.schema.Timeline):  # FCPXML: a library → its project's timeline
        back = next(iter(back.find_children(descended_from_type=otio.schema.Timeline)))
    return back


_TIMELINES: dict = {}


def _timeline_for(seq: Sequence):
    return _TIMELINES[id(seq)]


def otio_readback(timeline, fmt: str, folder: Path) -> Result:
    """Export ``timeline`` as ``fmt``, read it back with the OTIO adapter, compare with ours."""
    import opentimelineio as otio

    from .model import from_otio, url_to_path

    seq = from_otio(timeline)
    _TIMELINES[id(seq)] = timeline
    try:
        back = _otio_read(seq, fmt, folder)
    finally:
        _TIMELINES.pop(id(seq), None)
    res = Result(fmt, "otio")
    media = {m.path: m for m in seq.media()}
    got, counters = [], {"video": 0, "audio": 0}
    fps = seq.rate.fps
    for track in back.tracks:
        kind = "audio" if track.kind == otio.schema.TrackKind.Audio else "video"
        counters[kind] += 1
        for clip in track.find_clips(shallow_search=True):
            ref = clip.media_reference
            path = url_to_path(getattr(ref, "target_url", "") or "")
            if fmt == "fcpxml" and not path:  # the 1.8-era adapter ignores media-rep: match by name
                path = max((p for p, m in media.items() if m.stem in clip.name), key=len, default="")
            m = media.get(path)
            if m is None:
                continue
            sr = clip.source_range or clip.available_range()
            if fmt == "edl" and m.rate.nominal == seq.rate.nominal:
                # source timecode labels count the media's own frames, whatever rate OTIO assumed
                src_in, src_len = round(sr.start_time.value), round(sr.duration.value)
            else:
                src_in = round(sr.start_time.rescaled_to(m.rate.fps).value)
                src_len = round(sr.duration.rescaled_to(m.rate.fps).value)
            if m.start_frame and src_in >= m.start_frame:
                src_in -= m.start_frame
            rng = track.range_of_child(clip)
            rec_in = round(rng.start_time.rescaled_to(fps).value)
            if fmt == "fcpxml" and seq.start_frame and rec_in >= seq.start_frame:
                rec_in -= seq.start_frame  # the adapter keeps the sequence's tcStart in positions
            got.append((kind, counters[kind], rec_in, round(rng.duration.rescaled_to(fps).value), path, src_in,
                        src_in + src_len, bool(clip.enabled)))
    want = expected(seq, fmt)
    if fmt == "edl":  # OTIO reads AA as two mono tracks A1+A2: compare A1 (and V)
        got = [g for g in got if g[0] == "video" or g[1] == 1]
    if fmt == "fcpxml":  # the fcpx_xml adapter reads picture only, on lanes, always enabled
        want = [p for p in want if p.kind == "video"]
    # The fcp_xml and fcpx_xml adapters ignore <enabled>/enabled: alternates read back enabled.
    _compare(res, want, got, with_audio_track=fmt != "fcpxml", with_enabled=fmt not in ("fcp7", "fcpxml"))
    return res
