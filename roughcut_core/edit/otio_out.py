"""Cut → OpenTimelineIO (DESIGN §4).

V1 and A1 carry the cut (what plays is exactly the cut: split edits give A1 its own cut
points), V2 the reaction cutaways laid over it; alternates live in ``metadata["roughcut"]``,
never on enabled tracks. Each clip has an
``ExternalReference`` to the source file's absolute path whose ``available_range`` starts at
the file's start timecode, and a frame-exact ``source_range`` at the media's own rate in that
timecode space (OTIO's convention: start = start timecode frames + file-relative in point).
File-relative frames are kept in the metadata too (``src_in``/``src_out``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..fileio import atomic_write_text
from ..model import Cut, EditDecision
from ..serialize import to_jsonable
from ..timebase import Rate

OTIO_METADATA_SCHEMA = "roughcut.otio-meta/1"


def _rt(frames: int, rate: Rate):
    import opentimelineio as otio

    return otio.opentime.RationalTime(frames, rate.fps)


def _range(start: int, duration: int, rate: Rate):
    import opentimelineio as otio

    return otio.opentime.TimeRange(_rt(start, rate), _rt(duration, rate))


def decision_metadata(d: EditDecision, line_texts: Optional[dict] = None) -> dict:
    return {
        "id": d.id, "line_ids": list(d.line_ids), "score": round(d.score, 4),
        "reasons": list(d.reasons), "take_id": d.take_id, "setup": d.setup,
        "host_id": d.host_id, "src_in": d.src_in, "src_out": d.src_out,
        "rate": d.rate.as_pair(), "start_frame": d.start_frame,
        "audio_in": d.audio_in, "audio_out": d.audio_out,
        "lines": [line_texts.get(i, "") for i in d.line_ids] if line_texts else [],
        "alternates": to_jsonable(d.alternates),
        "markers": to_jsonable(d.markers),
        "terms": dict(d.terms),
        "rank": d.rank,
    }


def _clip(d: EditDecision, kind: str, frame_counts: dict, line_texts: Optional[dict]):
    import opentimelineio as otio

    src_in, src_out = d.src_in, d.src_out
    if kind == "audio" and d.audio_in is not None:
        src_in, src_out = d.audio_in, d.audio_out
    available = None
    if d.path in frame_counts and frame_counts[d.path]:
        available = _range(d.start_frame, frame_counts[d.path], d.rate)
    ref = otio.schema.ExternalReference(target_url=str(Path(d.path)), available_range=available)
    name = Path(d.path).stem + (" " + " ".join(d.line_ids) if d.line_ids else "")
    clip = otio.schema.Clip(name=name, media_reference=ref,
                            source_range=_range(d.start_frame + src_in, src_out - src_in, d.rate))
    clip.metadata["roughcut"] = {"schema": OTIO_METADATA_SCHEMA, **decision_metadata(d, line_texts)}
    for m in d.markers:
        marker = otio.schema.Marker(name=m.name, marked_range=_range(d.start_frame + src_in + m.frame, m.duration, d.rate),
                                    color=_otio_color(m.color), comment=m.note)
        marker.metadata["roughcut"] = {"note": m.note}
        clip.markers.append(marker)
    return clip


def _otio_color(name: str) -> str:
    import opentimelineio as otio

    return getattr(otio.schema.MarkerColor, name.upper(), otio.schema.MarkerColor.BLUE)


def cut_to_otio(cut: Cut, *, frame_counts: Optional[dict] = None, line_texts: Optional[dict] = None):
    """Build the ``otio.schema.Timeline`` for a cut.

    ``frame_counts`` maps path → frame count (for available ranges); ``line_texts`` maps
    line id → dialogue text (copied into clip metadata for reviewers).
    """
    import opentimelineio as otio

    frame_counts = frame_counts or {}
    tl = otio.schema.Timeline(name=cut.name)
    tl.global_start_time = _rt(cut.start_frame, cut.rate)
    # (record start, length, item) per track; each track is then laid out with gaps between.
    lanes: dict[str, list] = {"V1": [], "V2": [], "A1": []}
    for d in sorted(cut.decisions, key=lambda x: x.rec_in):
        rec_len = _record_length(d, cut.rate)
        if d.gap:
            for lane in ("V1", "A1"):
                gap = otio.schema.Gap(source_range=_range(0, rec_len, cut.rate))
                gap.metadata["roughcut"] = {"schema": OTIO_METADATA_SCHEMA, **decision_metadata(d, line_texts)}
                lanes[lane].append((d.rec_in, rec_len, gap))
            continue
        lanes["V2" if d.video_track >= 2 else "V1"].append((d.rec_in, rec_len, _clip(d, "video", frame_counts, line_texts)))
        if d.media_type != "video":
            a_in = d.audio_in if d.audio_in is not None else d.src_in
            a_out = d.audio_out if d.audio_out is not None else d.src_out
            # Record frames: a source at another rate is converted (offset and length) like picture.
            a_off, a_len = a_in - d.src_in, a_out - a_in
            if d.rate != cut.rate:
                from ..timebase import convert_frames

                a_off, a_len = convert_frames(a_off, d.rate, cut.rate), max(1, convert_frames(a_len, d.rate, cut.rate))
            lanes["A1"].append((d.rec_in + a_off, a_len, _clip(d, "audio", frame_counts, line_texts)))
    for name, kind in (("V1", otio.schema.TrackKind.Video), ("V2", otio.schema.TrackKind.Video),
                       ("A1", otio.schema.TrackKind.Audio)):
        if name == "V2" and not lanes[name]:
            continue
        track = otio.schema.Track(name="V2 cutaways" if name == "V2" else name, kind=kind)
        cursor = 0
        for rec_in, length, item in sorted(lanes[name], key=lambda x: x[0]):
            if rec_in > cursor:
                track.append(otio.schema.Gap(source_range=_range(0, rec_in - cursor, cut.rate)))
            track.append(item)
            cursor = rec_in + length
        tl.tracks.append(track)
    for m in cut.markers:
        marker = otio.schema.Marker(name=m.name, marked_range=_range(m.frame, m.duration, cut.rate),
                                    color=_otio_color(m.color), comment=m.note)
        marker.metadata["roughcut"] = {"note": m.note}
        tl.tracks.markers.append(marker)
    tl.metadata["roughcut"] = {
        "schema": OTIO_METADATA_SCHEMA, "rate": cut.rate.as_pair(), "start_frame": cut.start_frame,
        "drop_frame": cut.drop_frame, "coverage": to_jsonable(cut.coverage),
        "options": to_jsonable(cut.options), "warnings": list(cut.warnings),
    }
    return tl


def _record_length(d: EditDecision, timeline_rate: Rate) -> int:
    """Length on the timeline: source length converted to the timeline rate."""
    if d.rate == timeline_rate:
        return d.duration
    from ..timebase import convert_frames

    return max(1, convert_frames(d.duration, d.rate, timeline_rate))


def write_otio(cut: Cut, path, **kwargs) -> Path:
    import opentimelineio as otio

    text = otio.adapters.write_to_string(cut_to_otio(cut, **kwargs), "otio_json")
    return atomic_write_text(path, text)
