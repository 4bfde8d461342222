"""FCPXML 1.10 writer and reader (Final Cut Pro; DaVinci Resolve also imports it).

Contract:
- Every time is a rational number of seconds on the frame grid of the thing it belongs to:
  sequence offsets/durations on the sequence rate, clip ``start`` (source time) on the
  clip's media rate, both exact (``1001/24000s`` per frame at 23.976; no float labels).
- ``resources`` holds one ``format`` per (rate, size) with exact ``frameDuration``, and one
  ``asset`` per file with ``start`` = its start timecode and a ``media-rep`` file URL.
- ``library/event/project/sequence/spine``: V1 is the primary storyline (gaps fill holes);
  its sound rides in the same ``asset-clip`` (``audioStart``/``audioDuration`` for split
  edits). Upper picture tracks are connected clips on lanes 1, 2... (cutaways picture only);
  alternates are connected clips with ``enabled="0"``; sound without picture is connected
  below (lane -1...). Markers carry the note in ``note``.
- :func:`read_fcpxml` reads such a file back into placements (frames), for round trips.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

from ..timebase import Rate
from .model import IMarker, Placement, Sequence, file_url, url_to_path

FCPXML_VERSION = "1.10"


def tstr(frames: int, rate: Rate) -> str:
    """``frames`` of ``rate`` as an FCPXML time: ``1001/24000s``, ``5s``, ``0s``."""
    value = Fraction(int(frames)) / rate.fraction
    return f"{value.numerator}s" if value.denominator == 1 else f"{value.numerator}/{value.denominator}s"


def parse_time(text: Optional[str]) -> Fraction:
    if not text:
        return Fraction(0)
    text = text.strip()
    if not text.endswith("s"):
        raise ValueError(f"not an FCPXML time: {text!r}")
    return Fraction(text[:-1])


def _frame_duration(rate: Rate) -> str:
    return tstr(1, rate)


def _fmt_key(rate: Rate, width: int, height: int) -> tuple:
    return (rate.num, rate.den, width, height)


class _Ids:
    def __init__(self) -> None:
        self.n = 0

    def next(self) -> str:
        self.n += 1
        return f"r{self.n}"


def write_fcpxml(seq: Sequence, dialect: Optional[str] = None) -> bytes:
    """The whole document as UTF-8 bytes (``<!DOCTYPE fcpxml>``, version 1.10)."""
    ids = _Ids()
    root = ET.Element("fcpxml", version=FCPXML_VERSION)
    resources = ET.SubElement(root, "resources")
    formats: dict[tuple, str] = {}

    def fmt(rate: Rate, width: int, height: int) -> str:
        key = _fmt_key(rate, width, height)
        if key not in formats:
            formats[key] = ids.next()
            ET.SubElement(resources, "format", id=formats[key], frameDuration=_frame_duration(rate),
                          width=str(width), height=str(height), colorSpace="1-1-1 (Rec. 709)")
        return formats[key]

    seq_fmt = fmt(seq.rate, seq.width, seq.height)
    for m in seq.media():
        if m.has_video:
            fmt(m.rate, m.width, m.height)
    assets: dict[str, str] = {}
    for m in seq.media():
        attrs = {"id": ids.next(), "name": m.stem, "start": tstr(m.start_frame, m.rate),
                 "hasVideo": "1" if m.has_video else "0", "hasAudio": "1" if m.has_audio else "0"}
        if m.duration:
            attrs["duration"] = tstr(m.duration, m.rate)
        if m.has_video:
            attrs["format"] = fmt(m.rate, m.width, m.height)
            attrs["videoSources"] = "1"
        if m.has_audio:
            attrs.update(audioSources="1", audioChannels=str(m.audio_channels), audioRate=str(m.audio_rate))
        asset = ET.SubElement(resources, "asset", attrs)
        ET.SubElement(asset, "media-rep", kind="original-media", src=file_url(m.path))
        assets[m.path] = attrs["id"]
    library = ET.SubElement(root, "library")
    event = ET.SubElement(library, "event", name="roughcut")
    project = ET.SubElement(event, "project", name=seq.name)
    sequence = ET.SubElement(project, "sequence", format=seq_fmt, duration=tstr(seq.duration, seq.rate),
                             tcStart=tstr(seq.start_frame, seq.rate), tcFormat="DF" if seq.drop_frame else "NDF",
                             audioLayout="stereo", audioRate=_audio_hz(seq.audio_rate))
    spine = ET.SubElement(sequence, "spine")
    _Spine(seq, spine, assets).build()
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n\n' + body + "\n").encode("utf-8")


def _audio_hz(rate: int) -> str:
    return {32000: "32k", 44100: "44.1k", 48000: "48k", 88200: "88.2k", 96000: "96k"}.get(rate, "48k")


@dataclass
class _Item:
    element: ET.Element
    record_in: int
    record_out: int
    local_start: Fraction  # parent-local time of record_in
    pending: list  # anchored children, written in record order


class _Spine:
    def __init__(self, seq: Sequence, spine: ET.Element, assets: dict) -> None:
        self.seq, self.spine, self.assets = seq, spine, assets

    def _t(self, frames: int) -> str:
        return tstr(frames, self.seq.rate)

    def _clip(self, p: Placement, audio: Optional[Placement], lane: Optional[int] = None,
              offset: Optional[str] = None) -> ET.Element:
        m = p.media
        attrs = {"ref": self.assets[m.path], "name": p.name}
        if lane is not None:
            attrs["lane"] = str(lane)
        attrs["offset"] = offset if offset is not None else self._t(self.seq.start_frame + p.record_in)
        attrs["duration"] = self._t(p.record_duration)
        attrs["start"] = tstr(m.start_frame + p.src_in, m.rate)
        if not p.enabled:
            attrs["enabled"] = "0"
        if p.kind == "audio":
            attrs["srcEnable"] = "audio"
        elif audio is None:
            attrs["srcEnable"] = "video"
        elif (audio.src_in, audio.src_out) != (p.src_in, p.src_out):
            attrs["audioStart"] = tstr(m.start_frame + audio.src_in, m.rate)
            attrs["audioDuration"] = self._t(audio.record_duration)
        attrs["tcFormat"] = "DF" if m.drop_frame else "NDF"
        el = ET.Element("asset-clip", attrs)
        if p.transform and p.kind == "video":  # a cut-down's crop (issue 19), keyframed when it moves
            _adjust_transform(el, p, m)
        return el

    def _markers(self, el: ET.Element, p: Placement) -> None:
        for mk in sorted(p.markers, key=lambda x: x.frame):
            _marker(el, tstr(p.media.start_frame + mk.frame, p.media.rate), tstr(mk.duration, p.media.rate), mk)

    def build(self) -> None:
        seq = self.seq
        video1 = seq.on_track("video", 1)
        audio_by_link = {p.link: p for p in seq.placements if p.kind == "audio" and p.link is not None}
        used_audio: set[int] = set()
        items: list[_Item] = []
        cursor = 0
        for p in video1:
            if p.record_in > cursor:
                items.append(self._gap(cursor, p.record_in))
            audio = audio_by_link.get(p.link) if p.link is not None else None
            if audio is not None:
                used_audio.add(id(audio))
            el = self._clip(p, audio)
            items.append(_Item(el, p.record_in, p.record_out, parse_time(el.get("start")), [(p, None)]))
            cursor = p.record_out
        if cursor < seq.duration or not items:
            items.append(self._gap(cursor, max(seq.duration, cursor + 1)))
        for p in sorted(seq.placements, key=lambda x: (x.kind != "video", x.record_in, x.track)):
            if (p.kind == "video" and p.track == 1) or id(p) in used_audio:
                continue
            if p.kind == "video":
                audio = audio_by_link.get(p.link) if p.alternate and p.link is not None else None
                if audio is not None:
                    used_audio.add(id(audio))
                lane = p.track - 1
            else:
                audio, lane = None, -p.track
            parent = next(it for it in items if it.record_in <= p.record_in < it.record_out
                          or it is items[-1])
            offset = parent.local_start + Fraction(p.record_in - parent.record_in) / seq.rate.fraction
            el = self._clip(p, audio, lane=lane, offset=_fs(offset))
            parent.pending.append((p, el))
        for mk in seq.markers:
            parent = next(it for it in items if it.record_in <= mk.frame < it.record_out or it is items[-1])
            start = parent.local_start + Fraction(mk.frame - parent.record_in) / seq.rate.fraction
            parent.pending.append((mk, None))
            parent.pending[-1] = (mk, (_fs(start), tstr(mk.duration, seq.rate)))
        for it in items:
            self.spine.append(it.element)
            clips = [(p, el) for p, el in it.pending if isinstance(p, Placement) and el is not None]
            for p, el in clips:
                self._markers(el, p)
                it.element.append(el)
            for p, el in it.pending:
                if isinstance(p, Placement) and el is None:
                    self._markers(it.element, p)
            for mk, times in it.pending:
                if isinstance(mk, IMarker):
                    _marker(it.element, times[0], times[1], mk)

    def _gap(self, rec_in: int, rec_out: int) -> _Item:
        start = self._t(self.seq.start_frame + rec_in)
        el = ET.Element("gap", name="Gap", offset=start, start=start, duration=self._t(rec_out - rec_in))
        return _Item(el, rec_in, rec_out, parse_time(start), [])


def _adjust_transform(el: ET.Element, p: Placement, m) -> None:
    """``<adjust-transform>`` from ``p.transform`` [(source frame, {"scale", "position"})]."""
    def pair(v):
        return f"{float(v[0]):g} {float(v[1]):g}"
    first = p.transform[0][1]
    sc = float(first["scale"])
    at = ET.SubElement(el, "adjust-transform", position=pair(first["position"]), scale=pair((sc, sc)))
    if len(p.transform) > 1:
        anim = ET.SubElement(ET.SubElement(at, "param", name="position"), "keyframeAnimation")
        for frame, t in p.transform:
            ET.SubElement(anim, "keyframe", time=tstr(m.start_frame + frame, m.rate), value=pair(t["position"]))


def _fs(value: Fraction) -> str:
    return f"{value.numerator}s" if value.denominator == 1 else f"{value.numerator}/{value.denominator}s"


def _marker(parent: ET.Element, start: str, duration: str, mk: IMarker) -> None:
    attrs = {"start": start, "duration": duration, "value": mk.name or "marker"}
    if mk.note:
        attrs["note"] = mk.note
    ET.SubElement(parent, "marker", attrs)


# ---------------------------------------------------------------- reader

@dataclass(frozen=True)
class ReadClip:
    kind: str
    track: Optional[int]
    record_in: int
    record_duration: int
    path: str
    src_in: int
    src_out: int
    enabled: bool
    markers: tuple[IMarker, ...] = ()


def _exact(value: Fraction, what: str) -> int:
    if value.denominator != 1:
        raise ValueError(f"{what} is off the frame grid: {value}")
    return int(value)


def read_fcpxml(data: bytes) -> tuple[dict, list[ReadClip]]:
    """(sequence info, clips) from an FCPXML document written by :func:`write_fcpxml`.

    Frames are recovered exactly from the rationals; a time off the grid raises ValueError.
    """
    root = ET.fromstring(data)
    formats = {f.get("id"): f for f in root.iter("format")}
    assets = {}
    for a in root.iter("asset"):
        rep = a.find("media-rep")
        fmt = formats.get(a.get("format"))
        rate = Rate.from_fraction(1 / parse_time(fmt.get("frameDuration"))) if fmt is not None else None
        assets[a.get("id")] = (url_to_path(rep.get("src")), parse_time(a.get("start")), rate)
    seq_el = root.find("./library/event/project/sequence")
    seq_rate = Rate.from_fraction(1 / parse_time(formats[seq_el.get("format")].get("frameDuration")))
    tc_start = parse_time(seq_el.get("tcStart"))
    info = {"rate": seq_rate, "start_frame": _exact(tc_start * seq_rate.fraction, "tcStart"),
            "drop_frame": seq_el.get("tcFormat") == "DF", "version": root.get("version"),
            "markers": []}
    clips: list[ReadClip] = []

    def clip_of(el, record_in: int, kind: str, track: Optional[int]) -> ReadClip:
        path, astart, arate = assets[el.get("ref")]
        rate = arate or seq_rate
        start = parse_time(el.get("start"))
        dur = _exact(parse_time(el.get("duration")) * seq_rate.fraction, "duration")
        src_in = _exact((start - astart) * rate.fraction, "start")
        src_len = dur if rate == seq_rate else round(Fraction(dur) / seq_rate.fraction * rate.fraction)
        if kind == "audio" and el.get("audioStart"):
            src_in = _exact((parse_time(el.get("audioStart")) - astart) * rate.fraction, "audioStart")
            dur = _exact(parse_time(el.get("audioDuration")) * seq_rate.fraction, "audioDuration")
            record_in += round((src_in - _exact((start - astart) * rate.fraction, "start")) * seq_rate.fraction
                               / rate.fraction)
            src_len = dur if rate == seq_rate else round(Fraction(dur) / seq_rate.fraction * rate.fraction)
        markers = tuple(IMarker(frame=_exact((parse_time(m.get("start")) - astart) * rate.fraction, "marker"),
                                name=m.get("value", ""), note=m.get("note", ""),
                                duration=_exact(parse_time(m.get("duration")) * rate.fraction, "marker duration"))
                        for m in el.findall("marker")) if kind == "video" or el.get("srcEnable") == "audio" else ()
        return ReadClip(kind, track, record_in, dur, path, src_in, src_in + src_len, el.get("enabled", "1") == "1",
                        markers)

    for item in seq_el.find("spine"):
        rec_in = _exact((parse_time(item.get("offset")) - tc_start) * seq_rate.fraction, "offset")
        local0 = parse_time(item.get("start"))
        if item.tag == "asset-clip":
            for kind in _kinds(item):
                clips.append(clip_of(item, rec_in, kind, 1 if kind == "video" else None))
        for child in item:
            if child.tag == "marker" and item.tag == "gap":
                info["markers"].append(IMarker(
                    frame=rec_in + _exact((parse_time(child.get("start")) - local0) * seq_rate.fraction, "marker"),
                    name=child.get("value", ""), note=child.get("note", "")))
            if child.tag != "asset-clip":
                continue
            lane = int(child.get("lane", "0"))
            c_in = rec_in + _exact((parse_time(child.get("offset")) - local0) * seq_rate.fraction, "offset")
            for kind in _kinds(child):
                track = (lane + 1 if kind == "video" else (-lane if lane < 0 else None))
                clips.append(clip_of(child, c_in, kind, track))
    return info, clips


def _kinds(el) -> tuple[str, ...]:
    src = el.get("srcEnable", "all")
    return ("video", "audio") if src == "all" else (src,)


def validate_dtd(data: bytes, dtd_path) -> list[str]:
    """Errors from validating ``data`` against the DTD at ``dtd_path`` (empty = valid). Needs lxml."""
    from lxml import etree

    with open(dtd_path, "rb") as fh:
        dtd = etree.DTD(fh)
    doc = etree.fromstring(data)
    if dtd.validate(doc):
        return []
    return [str(e) for e in dtd.error_log.filter_from_errors()]


__all__ = ["write_fcpxml", "read_fcpxml", "validate_dtd", "tstr", "parse_time", "ReadClip"]
