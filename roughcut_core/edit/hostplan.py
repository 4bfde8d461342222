"""Cut → host plan (``roughcut.hostplan/1``, DESIGN §4): the small JSON hosts turn into calls.

Positions: ``src_in``/``src_out`` are file-relative frames at the clip's own rate (exclusive
out); ``rec_in`` is relative to the timeline start at the timeline rate. Hosts add the start
timecode (``media.start_frame``) and the timeline start frame themselves. Item markers are
at frames relative to the item's record start; timeline markers are timeline-relative.
Rates are ``[num, den]``. Gap decisions (lines with no usable reading) become timeline
markers only, so hosts never have to place empty items.
"""
from __future__ import annotations

from typing import Optional

from ..model import Cut, EditDecision, Marker

HOSTPLAN_SCHEMA = "roughcut.hostplan/1"

# Clip colours every host accepts (Resolve's list; Premiere maps them to label indices).
CONFIDENCE_COLORS = ((0.8, "Green"), (0.6, "Yellow"), (0.0, "Orange"))


def confidence_color(score: float) -> str:
    for threshold, color in CONFIDENCE_COLORS:
        if score >= threshold:
            return color
    return "Orange"


def _marker(m: Marker) -> dict:
    return {"frame": m.frame, "color": m.color, "name": m.name, "note": m.note, "duration": m.duration}


def _media(path: str, host_id: Optional[str], assets: dict) -> dict:
    asset = assets.get(path)
    out = {"path": path, "host_id": host_id}
    if asset is not None:
        out.update({"rate": asset.rate.as_pair() if asset.rate else None,
                    "start_frame": asset.start_frame, "frames": asset.frame_count})
    return out


def _item(d: EditDecision, assets: dict) -> dict:
    item = {
        "id": d.id, "media": _media(d.path, d.host_id, assets),
        "src_in": d.src_in, "src_out": d.src_out, "rec_in": d.rec_in,
        "rate": d.rate.as_pair(), "video_track": d.video_track, "audio_track": 1, "media_type": d.media_type,
        "color": confidence_color(d.score), "score": round(d.score, 4),
        "why": "; ".join(d.reasons), "line_ids": list(d.line_ids), "setup": d.setup,
        "alternates": [
            {"media": _media(a.path, a.host_id, assets), "src_in": a.src_in, "src_out": a.src_out,
             "score": round(a.score, 4), "why": a.why}
            for a in d.alternates
        ],
        "markers": [_marker(m) for m in d.markers],
    }
    if d.audio_in is not None and (d.audio_in, d.audio_out) != (d.src_in, d.src_out):
        item["audio"] = {"src_in": d.audio_in, "src_out": d.audio_out}
    return item


def cut_to_hostplan(cut: Cut, assets: Optional[dict] = None) -> dict:
    """The host plan for ``cut``; ``assets`` maps path → MediaAsset (adds rates/start TC)."""
    assets = assets or {}
    items, markers = [], [_marker(m) for m in cut.markers]
    for d in sorted(cut.decisions, key=lambda x: x.rec_in):
        if d.gap:
            markers.extend(_marker(Marker(frame=d.rec_in + m.frame, name=m.name, note=m.note,
                                          color=m.color, duration=m.duration)) for m in d.markers)
            continue
        items.append(_item(d, assets))
    return {
        "schema": HOSTPLAN_SCHEMA,
        "timeline": {"name": cut.name, "rate": cut.rate.as_pair(), "start_frame": cut.start_frame,
                     "drop_frame": cut.drop_frame},
        "items": items,
        "markers": sorted(markers, key=lambda m: m["frame"]),
        "coverage": cut.coverage,
        "warnings": list(cut.warnings),
    }
