"""The flat, frame-exact timeline every interchange writer works from.

Contract:
- Every position is an integer frame; out points are exclusive (DESIGN §3).
- ``Placement.record_in``/``record_duration`` count frames of the sequence rate from the
  sequence start (0 = first frame of the sequence, whatever its start timecode).
- ``Placement.src_in``/``src_out`` count frames of the clip's own media rate from the first
  frame of the file (file-relative); the media's start timecode is ``Media.start_frame``.
- Clip marker frames are file-relative source frames; sequence marker frames are record frames.
- Alternates (from ``metadata["roughcut"]["alternates"]``) become disabled placements on
  tracks above the cut, each on the lowest such track where it does not overlap another.
"""
from __future__ import annotations

import urllib.parse
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Optional

from ..timebase import Rate, convert_frames

AUDIO_SUFFIXES = frozenset({".wav", ".aif", ".aiff", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".bwf", ".opus"})


@dataclass(frozen=True)
class Media:
    """One source file: its rate, start timecode (as a frame count) and stream layout."""

    path: str
    rate: Rate
    start_frame: int = 0
    duration: Optional[int] = None
    drop_frame: bool = False
    has_video: bool = True
    has_audio: bool = True
    width: int = 1920
    height: int = 1080
    audio_rate: int = 48000
    audio_channels: int = 2

    @property
    def name(self) -> str:
        return PurePosixPath(self.path.replace("\\", "/")).name

    @property
    def stem(self) -> str:
        return PurePosixPath(self.path.replace("\\", "/")).stem


@dataclass(frozen=True)
class IMarker:
    frame: int
    name: str
    note: str = ""
    color: str = "BLUE"
    duration: int = 1


@dataclass(frozen=True)
class Placement:
    """One clip on one track; ``link`` groups the picture and sound of one edit decision."""

    kind: str  # "video" | "audio"
    track: int  # 1-based within its kind
    record_in: int
    record_duration: int
    media: Media
    src_in: int
    src_out: int
    name: str
    enabled: bool = True
    link: Optional[str] = None
    alternate: bool = False
    markers: tuple[IMarker, ...] = ()
    # cut-downs (issue 19): FCPXML adjust-transform [(source frame, {"scale", "position"})], else ()
    transform: tuple = ()

    @property
    def record_out(self) -> int:
        return self.record_in + self.record_duration


@dataclass(frozen=True)
class Sequence:
    name: str
    rate: Rate
    start_frame: int = 0
    drop_frame: bool = False
    width: int = 1920
    height: int = 1080
    audio_rate: int = 48000
    placements: tuple[Placement, ...] = ()
    markers: tuple[IMarker, ...] = ()

    @property
    def duration(self) -> int:
        return max((p.record_out for p in self.placements), default=0)

    def media(self) -> tuple[Media, ...]:
        """Each file once, in order of first use (one asset / master mob per file)."""
        seen: dict[str, Media] = {}
        for p in self.placements:
            seen.setdefault(p.media.path, p.media)
        return tuple(seen.values())

    def track_count(self, kind: str) -> int:
        return max((p.track for p in self.placements if p.kind == kind), default=0)

    def on_track(self, kind: str, track: int) -> list[Placement]:
        return sorted((p for p in self.placements if p.kind == kind and p.track == track), key=lambda p: p.record_in)


def url_to_path(url: str) -> str:
    """A ``file://`` URL (with or without ``localhost``) or a bare path → a local path string."""
    if not url.startswith("file:"):
        return url
    parsed = urllib.parse.urlparse(url)
    return urllib.request.url2pathname(parsed.path)


def file_url(path: str, localhost: bool = False) -> str:
    """``Path.as_uri()`` for an absolute path; ``file://localhost/...`` when asked (Premiere)."""
    p = Path(path)
    uri = p.as_uri() if p.is_absolute() else "file://" + urllib.parse.quote(str(p).replace("\\", "/"))
    return "file://localhost" + uri[len("file://"):] if localhost else uri


def _frames(rt, rate: Rate) -> int:
    return round(rt.rescaled_to(rate.fps).value)


def _rate_of(rt) -> Rate:
    return Rate.parse(float(rt.rate))


def _note(marker) -> str:
    md = marker.metadata.get("roughcut") if hasattr(marker.metadata, "get") else None
    if md and md.get("note"):
        return str(md["note"])
    return str(getattr(marker, "comment", "") or "")


def from_otio(timeline) -> Sequence:
    """Flatten an OTIO timeline (as written by ``edit.otio_out``) into a :class:`Sequence`."""
    import opentimelineio as otio

    tmd = dict(timeline.metadata.get("roughcut", {}) or {})
    if tmd.get("rate"):
        rate = Rate(*tmd["rate"])
    elif timeline.global_start_time is not None:
        rate = _rate_of(timeline.global_start_time)
    else:
        rate = _rate_of(timeline.duration()) if timeline.tracks else Rate(24)
    start = int(tmd["start_frame"]) if "start_frame" in tmd else (
        _frames(timeline.global_start_time, rate) if timeline.global_start_time is not None else 0)
    drop = bool(tmd.get("drop_frame", False))
    media_by_path: dict[str, Media] = {}
    kinds_by_path: dict[str, set] = {}
    raw: list[dict] = []
    counters = {"video": 0, "audio": 0}
    for track in timeline.tracks:
        kind = "audio" if track.kind == otio.schema.TrackKind.Audio else "video"
        counters[kind] += 1
        cursor = 0
        for item in track:
            if isinstance(item, otio.schema.Transition):
                continue
            md = dict(item.metadata.get("roughcut", {}) or {}) if hasattr(item, "metadata") else {}
            if isinstance(item, otio.schema.Gap) or not isinstance(item, otio.schema.Clip):
                cursor += _frames(item.duration(), rate)
                continue
            sr = item.source_range or item.available_range()
            mrate = Rate(*md["rate"]) if md.get("rate") else _rate_of(sr.start_time)
            ref = item.media_reference
            path = url_to_path(getattr(ref, "target_url", "") or "")
            avail = getattr(ref, "available_range", None)
            mstart = int(md["start_frame"]) if "start_frame" in md else (_frames(avail.start_time, mrate) if avail else 0)
            length = _frames(sr.duration, mrate)
            rec_len = length if mrate == rate else max(1, convert_frames(length, mrate, rate))
            src_in = _frames(sr.start_time, mrate) - mstart
            if path not in media_by_path:
                rmd = dict(ref.metadata.get("roughcut", {}) or {}) if ref is not None else {}
                media_by_path[path] = Media(
                    path=path, rate=mrate, start_frame=mstart,
                    duration=_frames(avail.duration, mrate) if avail else None,
                    drop_frame=bool(rmd.get("drop_frame", drop and mrate.supports_drop_frame)),
                    width=int(rmd.get("width", 1920)), height=int(rmd.get("height", 1080)),
                    audio_rate=int(rmd.get("audio_rate", 48000)), audio_channels=int(rmd.get("audio_channels", 2)))
            kinds_by_path.setdefault(path, set()).add(kind)
            markers = tuple(IMarker(frame=_frames(m.marked_range.start_time, mrate) - mstart, name=m.name, note=_note(m),
                                    color=str(m.color or "BLUE").upper(),
                                    duration=max(1, _frames(m.marked_range.duration, mrate))) for m in item.markers)
            raw.append(dict(kind=kind, track=counters[kind], record_in=cursor, record_duration=rec_len, path=path,
                            src_in=src_in, src_out=src_in + length, name=item.name or Path(path).stem,
                            enabled=bool(item.enabled), link=md.get("id"), markers=markers,
                            transform=_transform_keys(md) if kind == "video" else (),
                            alternates=tuple(md.get("alternates") or ()) if kind == "video" and counters[kind] == 1 else ()))
            cursor += rec_len
    for path, kinds in kinds_by_path.items():
        m = media_by_path[path]
        is_audio_file = Path(path).suffix.lower() in AUDIO_SUFFIXES
        media_by_path[path] = replace(m, has_video=not is_audio_file, has_audio="audio" in kinds or not is_audio_file)
    video_links = {r["link"] for r in raw if r["kind"] == "video" and r["link"] is not None}
    for r in raw:  # a decision's markers live on its picture; its sound repeats them in OTIO
        if r["kind"] == "audio" and r["link"] in video_links:
            r["markers"] = ()
    placements = [Placement(kind=r["kind"], track=r["track"], record_in=r["record_in"],
                            record_duration=r["record_duration"], media=media_by_path[r["path"]], src_in=r["src_in"],
                            src_out=r["src_out"], name=r["name"], enabled=r["enabled"], link=r["link"],
                            markers=r["markers"], transform=r["transform"]) for r in raw]
    placements += _alternates(raw, media_by_path, rate, counters)
    seq_markers = tuple(IMarker(frame=_frames(m.marked_range.start_time, rate), name=m.name, note=_note(m),
                                color=str(m.color or "BLUE").upper(),
                                duration=max(1, _frames(m.marked_range.duration, rate)))
                        for m in timeline.tracks.markers)
    size = dict(tmd.get("cutdown") or {})  # a cut-down (issue 19) plays at its delivery size
    return Sequence(name=timeline.name or "roughcut", rate=rate, start_frame=start, drop_frame=drop,
                    placements=tuple(placements), markers=seq_markers,
                    **({"width": int(size["width"]), "height": int(size["height"])} if "width" in size else {}))


def _transform_keys(md: dict) -> tuple:
    """A cut-down clip's FCPXML transforms per crop key (``metadata.roughcut.transform_keys``)."""
    keys = md.get("transform_keys") or ()
    return tuple((int(k["frame"]), dict(k["fcpxml"])) for k in keys if "fcpxml" in k)


def _alternates(raw: list, media_by_path: dict, rate: Rate, counters: dict) -> list[Placement]:
    """Alternates as disabled clips (picture and sound) on the lowest free tracks above the cut."""
    out: list[Placement] = []
    lanes: list[list[tuple[int, int]]] = []
    for r in raw:
        for k, alt in enumerate(r["alternates"]):
            path = str(alt.get("path", ""))
            if not path or "src_in" not in alt or "src_out" not in alt:
                continue
            base = media_by_path[r["path"]]
            media = media_by_path.get(path) or replace(base, path=path, duration=None)
            length = int(alt["src_out"]) - int(alt["src_in"])
            if length <= 0:
                continue
            rec_len = length if media.rate == rate else max(1, convert_frames(length, media.rate, rate))
            span = (r["record_in"], r["record_in"] + rec_len)
            lane = next((i for i, used in enumerate(lanes) if all(span[1] <= a or span[0] >= b for a, b in used)), None)
            if lane is None:
                lanes.append([])
                lane = len(lanes) - 1
            lanes[lane].append(span)
            for kind in ("video", "audio") if media.has_audio else ("video",):
                out.append(Placement(kind=kind, track=counters[kind] + 1 + lane, record_in=span[0], record_duration=rec_len,
                                     media=media, src_in=int(alt["src_in"]), src_out=int(alt["src_out"]),
                                     name=f"ALT {k + 1} {media.stem}", enabled=False,
                                     link=f"{r['link'] or r['name']}-alt{k + 1}", alternate=True))
    return out


def without_alternates(seq: Sequence) -> Sequence:
    return replace(seq, placements=tuple(p for p in seq.placements if not p.alternate))


__all__ = ["Media", "IMarker", "Placement", "Sequence", "from_otio", "url_to_path", "file_url", "without_alternates"]
