"""Read an (editor-modified) Resolve timeline into OpenTimelineIO JSON, stdlib only.

The document is plain OTIO (Timeline.1 / Stack.1 / Track.1 / Clip.2 / Gap.1 / Marker.2,
readable by ``opentimelineio.adapters.read_from_string``). Each clip's ``source_range``
follows roughcut's OTIO convention: start = clip start timecode frame + file-relative frame
(``GetLeftOffset``, exact [live: api_truth]) at the clip's rate; duration in timeline frames.
``metadata["roughcut"]`` holds the file-relative ``src_in``/``src_out``, the record position
relative to the timeline start, host id, clip colour, take count, track/clip enabled state.
Getters only: reading back changes nothing.
"""
import json
from typing import Any, Dict, List, Optional

from .api import Timeline
from .bin_read import clip_info
from .plan_decorate import MARKER_PREFIX
from .rates import frames_at_rate_floor, rate_from_fps, same_rate


def _rt(value: float, rate) -> dict:
    return {"OTIO_SCHEMA": "RationalTime.1", "rate": float(rate[0]) / rate[1], "value": float(value)}


def _range(start: float, duration: float, rate, start_rate=None) -> dict:
    return {"OTIO_SCHEMA": "TimeRange.1", "start_time": _rt(start, start_rate or rate), "duration": _rt(duration, rate)}


def _marker(frame: int, m: Dict[str, Any], rate) -> dict:
    meta = {}
    custom = str(m.get("customData") or "")
    if custom.startswith(MARKER_PREFIX):
        try:
            meta["roughcut"] = json.loads(custom[len(MARKER_PREFIX):])
        except ValueError:
            pass
    return {"OTIO_SCHEMA": "Marker.2", "metadata": meta, "name": str(m.get("name") or ""),
            "color": str(m.get("color") or "").upper() or "RED", "comment": str(m.get("note") or ""),
            "marked_range": _range(frame, max(1, int(m.get("duration") or 1)), rate)}


def job_id_from_markers(timeline: Timeline) -> Optional[str]:
    """The roughcut job id stored in the markers' customData by apply_plan, if any."""
    for _, m in sorted(timeline.markers().items()):
        custom = str(m.get("customData") or "")
        if custom.startswith(MARKER_PREFIX):
            try:
                job = json.loads(custom[len(MARKER_PREFIX):]).get("job")
            except (ValueError, AttributeError):
                continue
            if job:
                return str(job)
    return None


def _clip(item, tl_rate, tl_start: int, kind: str, track: int, enabled: Optional[bool]) -> dict:
    mpi = item.media_pool_item()
    info = clip_info(mpi) if mpi is not None else {}
    clip_rate = rate_from_fps(info.get("rate")) or tl_rate
    offset = item.left_offset() or 0
    dur = item.duration() or 0
    src_frames = dur if same_rate(clip_rate, tl_rate) else frames_at_rate_floor(dur, tl_rate, clip_rate)
    tc_start = info.get("start_frame") or 0
    ref = {"OTIO_SCHEMA": "ExternalReference.1", "metadata": {}, "name": "", "available_range": None,
           "available_image_bounds": None, "target_url": info.get("path") or ""}
    meta = {"host_id": info.get("host_id"), "src_in": offset, "src_out": offset + src_frames,
            "record_in": (item.start() or 0) - tl_start, "rate": list(clip_rate), "clip_color": item.clip_color(),
            "takes": item.takes_count(), "selected_take": item.selected_take_index(),
            "clip_enabled": item.clip_enabled(), "track": [kind, track], "track_enabled": enabled}
    markers = [_marker(f, m, tl_rate) for f, m in sorted(item.markers().items())]
    return {"OTIO_SCHEMA": "Clip.2", "metadata": {"roughcut": meta}, "name": item.name(),
            "source_range": _range(tc_start + offset, dur, tl_rate, clip_rate), "effects": [], "markers": markers,
            "enabled": item.clip_enabled() is not False, "media_references": {"DEFAULT_MEDIA": ref},
            "active_media_reference_key": "DEFAULT_MEDIA"}


def _gap(frames: int, rate) -> dict:
    return {"OTIO_SCHEMA": "Gap.1", "metadata": {}, "name": "", "source_range": _range(0, frames, rate),
            "effects": [], "markers": [], "enabled": True}


def _track(tl: Timeline, kind: str, index: int, tl_rate, tl_start: int) -> dict:
    enabled = tl.track_enabled(kind, index)
    children: List[dict] = []
    cursor = tl_start
    items = sorted((i for i in tl.items_in_track(kind, index) if i.start() is not None), key=lambda i: i.start())
    for item in items:
        start, dur = item.start(), item.duration() or 0
        if start < cursor:  # overlapping read-back (should not happen): keep the earlier item
            continue
        if start > cursor:
            children.append(_gap(start - cursor, tl_rate))
        children.append(_clip(item, tl_rate, tl_start, kind, index, enabled))
        cursor = start + dur
    return {"OTIO_SCHEMA": "Track.1", "metadata": {"resolve": {"enabled": enabled}},
            "name": "%s%d" % (kind[0].upper(), index), "source_range": None, "effects": [], "markers": [],
            "enabled": enabled is not False, "children": children, "kind": kind.capitalize()}


def timeline_to_otio(timeline: Timeline, project_rate=None) -> Dict[str, Any]:
    """The timeline as an OTIO JSON dict (see the module docstring)."""
    rate = rate_from_fps(timeline.get_setting("timelineFrameRate")) or project_rate or (24, 1)
    start = timeline.start_frame() or 0
    tracks = [_track(timeline, kind, i, rate, start)
              for kind in ("video", "audio") for i in range(1, timeline.track_count(kind) + 1)]
    stack = {"OTIO_SCHEMA": "Stack.1", "metadata": {}, "name": "tracks", "source_range": None, "effects": [],
             "markers": [_marker(f, m, rate) for f, m in sorted(timeline.markers().items())],
             "enabled": True, "children": tracks}
    return {"OTIO_SCHEMA": "Timeline.1", "metadata": {"roughcut": {"host": "resolve", "job": job_id_from_markers(timeline),
                                                                   "timeline_id": timeline.unique_id()}},
            "name": timeline.name(), "global_start_time": _rt(start, rate), "tracks": stack}


def _problem(expect: Dict[str, Any], what: str, problem: str) -> Dict[str, Any]:
    return {"item": expect["item"] if "item" in expect else ", ".join(str(i) for i in expect.get("items") or [])
            or None, "line_ids": list(expect.get("line_ids") or []), "what": what,
            "problem": problem}


def check_timeline(timeline: Timeline, clips: List[Dict[str, Any]], markers: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Read the finished timeline back (through :func:`timeline_to_otio`, the same reader the
    feedback uses) and compare it with what was planned. Returns one problem per planned thing
    that is missing or wrong, each with the plan item id and its line ids:
    ``{"item", "line_ids", "what": "video"|"audio"|"colour"|"marker", "problem"}``.

    ``clips``: ``{"item", "line_ids", "kind", "track", "record_in" (relative), "frames",
    "src_in" (None: not checked), "host_id", "color" (None: not checked)}``.
    ``markers``: ``{"items", "line_ids", "frame" (relative), "name", "color", "note", "duration"}``.
    Getters only."""
    doc = timeline_to_otio(timeline)
    placed: Dict[Any, Dict[int, Dict[str, Any]]] = {}
    for track in doc["tracks"]["children"]:
        for child in track["children"]:
            if child["OTIO_SCHEMA"] != "Clip.2":
                continue
            meta = child["metadata"]["roughcut"]
            placed.setdefault(tuple(meta["track"]), {})[meta["record_in"]] = dict(
                meta, frames=int(child["source_range"]["duration"]["value"]))
    problems: List[Dict[str, Any]] = []
    for want in clips:
        what = want["kind"]
        got = placed.get((want["kind"], want["track"]), {}).get(want["record_in"])
        where = "%s track %d at %+d" % (what, want["track"], want["record_in"])
        if got is None:
            problems.append(_problem(want, what, "missing: nothing starts on %s" % where))
            continue
        if want.get("host_id") and got.get("host_id") and got["host_id"] != want["host_id"]:
            problems.append(_problem(want, what, "a different clip is on %s" % where))
        if got["frames"] != want["frames"]:
            problems.append(_problem(want, what, "%s is %d frames long, planned %d" % (where, got["frames"],
                                                                                       want["frames"])))
        if want.get("src_in") is not None and got["src_in"] != want["src_in"]:
            problems.append(_problem(want, what, "%s starts at source frame %d, planned %d" % (
                where, got["src_in"], want["src_in"])))
        if want.get("color") and got.get("clip_color") != want["color"]:
            problems.append(_problem(want, "colour", "%s is %r, planned %r" % (
                where, got.get("clip_color") or "no colour", want["color"])))
    found = {}
    for m in doc["tracks"]["markers"]:
        found[int(m["marked_range"]["start_time"]["value"])] = m
    for want in markers:
        got = found.get(want["frame"])
        label = "marker %r at %+d" % (want["name"], want["frame"])
        if got is None:
            problems.append(_problem(want, "marker", label + " is missing"))
            continue
        wrong = [key for key, have in (("name", got["name"]), ("note", got["comment"]),
                                       ("color", got["color"].capitalize()),
                                       ("duration", int(got["marked_range"]["duration"]["value"])))
                 if have != want[key]]
        if wrong:
            problems.append(_problem(want, "marker", "%s has the wrong %s" % (label, ", ".join(wrong))))
    return problems
