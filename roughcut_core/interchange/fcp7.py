"""Final Cut Pro 7 XML (xmeml) writer and reader, as Premiere Pro and DaVinci Resolve import it.

Contract:
- Picture and sound are distinct ``clipitem``s (one per placement, never references back to
  another track's item); the items of one edit decision list each other in ``<link>``s
  (``clipindex`` = position among the track's clipitems, ``groupindex`` on sound).
- Sound items carry ``<sourcetrack>``; every ``<file>`` is written in full once (then by id)
  with a ``file://localhost/`` URL (percent-encoded UTF-8), its rate, duration, start
  timecode (``<frame>``, ``<string>``, ``<displayformat>``) and sample characteristics.
- ``<rate>`` is ``timebase`` + ``ntsc`` (23.976 = 24/TRUE); drop-frame is
  ``<displayformat>DF</displayformat>`` with ``;`` in the timecode string.
- ``clipitem`` ``start``/``end`` are sequence frames; ``in``/``out`` are file-relative
  frames at the clip's own ``<rate>`` (the media's rate); out points exclusive.
- Markers carry the note in ``<comment>``; clip markers count source frames.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Optional

from ..timebase import Rate, frames_to_timecode
from .fcpxml import ReadClip
from .model import IMarker, Media, Placement, Sequence, file_url, url_to_path


def _sub(parent: ET.Element, tag: str, text=None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = str(text)
    return el


def _rate(parent: ET.Element, rate: Rate) -> None:
    r = _sub(parent, "rate")
    _sub(r, "timebase", rate.nominal)
    _sub(r, "ntsc", "TRUE" if rate.den == 1001 else "FALSE")


def _timecode(parent: ET.Element, frames: int, rate: Rate, drop: bool, reel: Optional[str] = None) -> None:
    tc = _sub(parent, "timecode")
    _rate(tc, rate)
    _sub(tc, "string", frames_to_timecode(frames, rate, drop_frame=drop))
    _sub(tc, "frame", frames)
    _sub(tc, "displayformat", "DF" if drop else "NDF")
    if reel is not None:
        _sub(_sub(tc, "reel"), "name", reel)


def _video_chars(parent: ET.Element, rate: Rate, width: int, height: int) -> None:
    sc = _sub(parent, "samplecharacteristics")
    _rate(sc, rate)
    _sub(sc, "width", width)
    _sub(sc, "height", height)
    _sub(sc, "anamorphic", "FALSE")
    _sub(sc, "pixelaspectratio", "square")
    _sub(sc, "fielddominance", "none")


def _audio_chars(parent: ET.Element, rate: int, depth: int = 16) -> None:
    sc = _sub(parent, "samplecharacteristics")
    _sub(sc, "depth", depth)
    _sub(sc, "samplerate", rate)


def _marker(parent: ET.Element, mk: IMarker, frame: int) -> None:
    el = _sub(parent, "marker")
    _sub(el, "comment", mk.note)
    _sub(el, "name", mk.name)
    _sub(el, "in", frame)
    _sub(el, "out", frame + mk.duration if mk.duration > 1 else -1)


def write_fcp7(seq: Sequence, dialect: Optional[str] = None) -> bytes:
    """xmeml version 4 (Premiere's own) or 5 (``dialect="resolve"``, what Resolve writes)."""
    root = ET.Element("xmeml", version="5" if dialect == "resolve" else "4")
    s = _sub(root, "sequence", id="sequence-1")
    _sub(s, "duration", seq.duration)
    _rate(s, seq.rate)
    _sub(s, "name", seq.name)
    media = _sub(s, "media")
    ids: dict[int, str] = {}
    index: dict[int, tuple[int, int]] = {}  # placement → (track, clipindex)
    n = 0
    for kind in ("video", "audio"):
        for t in range(1, seq.track_count(kind) + 1):
            for ci, p in enumerate(seq.on_track(kind, t), start=1):
                n += 1
                ids[id(p)] = f"clipitem-{n}"
                index[id(p)] = (t, ci)
    groups: dict[str, list[Placement]] = {}
    for p in seq.placements:
        if p.link is not None:
            groups.setdefault(p.link, []).append(p)
    masters = {m.path: (f"masterclip-{i}", f"file-{i}") for i, m in enumerate(seq.media(), start=1)}
    written: set[str] = set()
    video = _sub(media, "video")
    _video_chars(_sub(video, "format"), seq.rate, seq.width, seq.height)
    for t in range(1, seq.track_count("video") + 1):
        _track(video, seq, seq.on_track("video", t), ids, index, groups, masters, written)
    audio = _sub(media, "audio")
    _sub(audio, "numOutputChannels", 2)
    _audio_chars(_sub(audio, "format"), seq.audio_rate)
    for t in range(1, seq.track_count("audio") + 1):
        _track(audio, seq, seq.on_track("audio", t), ids, index, groups, masters, written)
    _timecode(s, seq.start_frame, seq.rate, seq.drop_frame)
    for mk in seq.markers:
        _marker(s, mk, mk.frame)
    ET.indent(root, space="\t")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n' + ET.tostring(root, encoding="unicode")
            + "\n").encode("utf-8")


def _track(parent, seq: Sequence, items: list, ids, index, groups, masters, written) -> None:
    track = _sub(parent, "track")
    for p in items:
        _clipitem(track, seq, p, ids, index, groups, masters, written)
    _sub(track, "enabled", "TRUE")
    _sub(track, "locked", "FALSE")


def _clipitem(track, seq: Sequence, p: Placement, ids, index, groups, masters, written) -> None:
    m = p.media
    attrs = {"id": ids[id(p)], "frameBlend": "FALSE"}
    if p.kind == "audio":
        attrs["premiereChannelType"] = "stereo" if m.audio_channels == 2 else "mono"
    ci = _sub(track, "clipitem", **attrs)
    master, file_id = masters[m.path]
    _sub(ci, "masterclipid", master)
    _sub(ci, "name", p.name)
    _sub(ci, "enabled", "TRUE" if p.enabled else "FALSE")
    _sub(ci, "duration", m.duration if m.duration else p.src_out)
    _rate(ci, m.rate)
    _sub(ci, "start", p.record_in)
    _sub(ci, "end", p.record_out)
    _sub(ci, "in", p.src_in)
    _sub(ci, "out", p.src_out)
    if m.path in written:
        _sub(ci, "file", id=file_id)
    else:
        written.add(m.path)
        _file(ci, m, file_id)
    if p.kind == "audio":
        st = _sub(ci, "sourcetrack")
        _sub(st, "mediatype", "audio")
        _sub(st, "trackindex", 1)
    for q in groups.get(p.link, [p]) if p.link is not None else [p]:
        link = _sub(ci, "link")
        _sub(link, "linkclipref", ids[id(q)])
        _sub(link, "mediatype", q.kind)
        _sub(link, "trackindex", index[id(q)][0])
        _sub(link, "clipindex", index[id(q)][1])
        if q.kind == "audio":
            _sub(link, "groupindex", 1)
    for mk in p.markers:
        _marker(ci, mk, mk.frame)


def _file(parent, m: Media, file_id: str) -> None:
    f = _sub(parent, "file", id=file_id)
    _sub(f, "name", m.name)
    _sub(f, "pathurl", file_url(m.path, localhost=True))
    _rate(f, m.rate)
    if m.duration:
        _sub(f, "duration", m.duration)
    _timecode(f, m.start_frame, m.rate, m.drop_frame, reel="")
    fm = _sub(f, "media")
    if m.has_video:
        _video_chars(_sub(fm, "video"), m.rate, m.width, m.height)
    if m.has_audio:
        a = _sub(fm, "audio")
        _audio_chars(a, m.audio_rate)
        _sub(a, "channelcount", m.audio_channels)


# ---------------------------------------------------------------- reader

def _read_rate(el) -> Rate:
    tb = int(el.findtext("rate/timebase"))
    return Rate(tb * 1000, 1001) if el.findtext("rate/ntsc", "FALSE").upper() == "TRUE" else Rate(tb)


def read_fcp7(data: bytes) -> tuple[dict, list[ReadClip]]:
    """(sequence info, clips) from an xmeml document; clips in frames, as written."""
    root = ET.fromstring(data)
    seq = root.find("sequence")
    rate = _read_rate(seq)
    info = {"rate": rate, "start_frame": int(seq.findtext("timecode/frame", "0")),
            "drop_frame": seq.findtext("timecode/displayformat") == "DF",
            "markers": [IMarker(frame=int(mk.findtext("in")), name=mk.findtext("name", ""),
                                note=mk.findtext("comment", "")) for mk in seq.findall("marker")]}
    files: dict[str, str] = {}
    for f in root.iter("file"):
        if f.find("pathurl") is not None:
            files[f.get("id")] = url_to_path(f.findtext("pathurl"))
    clips: list[ReadClip] = []
    for kind in ("video", "audio"):
        for t, track in enumerate(seq.findall(f"media/{kind}/track"), start=1):
            for ci in track.findall("clipitem"):
                markers = tuple(IMarker(frame=int(mk.findtext("in")), name=mk.findtext("name", ""),
                                        note=mk.findtext("comment", "")) for mk in ci.findall("marker"))
                start, end = int(ci.findtext("start")), int(ci.findtext("end"))
                clips.append(ReadClip(kind, t, start, end - start, files[ci.find("file").get("id")],
                                      int(ci.findtext("in")), int(ci.findtext("out")),
                                      ci.findtext("enabled", "TRUE") == "TRUE", markers))
    return info, clips


__all__ = ["write_fcp7", "read_fcp7"]
