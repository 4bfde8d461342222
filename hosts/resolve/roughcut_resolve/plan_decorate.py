"""What goes on the new timeline after the clips: confidence colours, alternates, markers.

- Clip colours: the plan's colour when Resolve allows it, else one from the score.
- Alternates: first as takes of the chosen item (``AddTake``: a take selector, the chosen
  reading stays selected). If Resolve refuses the first take, every alternate goes instead on
  upper tracks that are DISABLED before anything lands there (rank 1 on the first extra
  track...), cut to the chosen item's length, so what plays is exactly the chosen cut.
- Markers: timeline markers (frames RELATIVE to the timeline start [live]) at each item's
  record start plus the plan marker's offset, with the plan's name, colour, duration and note
  exactly (the note is the line text). The item's reason ("why") goes in ``customData``:
  ``roughcut:{"job": ..., "items": [...], "why": {item id: why}}``, so the note stays what the
  plan says and feedback can name the job. An item without plan markers gets one at its start
  named after its line ids, with the reason as its note (there is no plan note to keep).
  Markers that fall on the same frame are merged (Resolve keeps one marker per frame).
"""
import json
from typing import Any, Dict, List

from .api import CLIP_COLORS, MARKER_COLORS, MEDIA_AUDIO, MEDIA_VIDEO, Timeline
from .rates import frames_at_rate_floor, frames_at_rate_round, rate_from_fps, same_rate

MARKER_PREFIX = "roughcut:"
ALT_TRACK_NAME = "roughcut alternates %d (disabled)"


def score_color(score: Any) -> str:
    try:
        s = float(score)
    except (TypeError, ValueError):
        return "Orange"
    return "Green" if s >= 0.8 else "Yellow" if s >= 0.6 else "Orange"


def item_color(item: Dict[str, Any]) -> str:
    """The plan's clip colour when Resolve has it, else one from the score."""
    color = item.get("color")
    return color if color in CLIP_COLORS else score_color(item.get("score"))


def color_items(plan: Dict[str, Any], by_item: Dict[Any, List[Dict[str, Any]]], warnings: List[str]) -> int:
    done = failed = 0
    for item in plan["items"]:
        color = item_color(item)
        for p in by_item.get(item.get("id"), []):
            if "found" in p:
                if p["found"].set_clip_color(color):
                    done += 1
                else:
                    failed += 1
    if failed:
        warnings.append("Resolve refused %d clip colour(s)" % failed)
    return done


def apply_transforms(plan: Dict[str, Any], by_item: Dict[Any, List[Dict[str, Any]]], warnings: List[str]) -> int:
    """A cut-down's crop per item (``item["transform"]["resolve"]``: ZoomX/ZoomY/Pan/Tilt) set on
    its picture with SetProperty. The API has no keyframes: a window that moves within a clip
    keeps its first position (a warning says how many). Returns the items transformed."""
    done = refused = moving = 0
    for item in plan["items"]:
        tr = (item.get("transform") or {}).get("resolve")
        if not tr:
            continue
        moving += len(item.get("transform_keys") or ()) > 1
        for p in by_item.get(item.get("id"), []):
            if p.get("kind") == "video" and "found" in p:
                ok = all(p["found"].set_property(k, float(tr[k])) for k in ("ZoomX", "ZoomY", "Pan", "Tilt") if k in tr)
                done, refused = done + ok, refused + (not ok)
    if refused:
        warnings.append("Resolve refused the crop (Zoom/Pan/Tilt) of %d clip(s)" % refused)
    if moving:
        warnings.append("%d clip(s) have a moving crop; Resolve's API sets one Zoom/Pan/Tilt per clip, so they "
                        "hold their first framing (the FCPXML export keeps the keyframes)" % moving)
    return done


def _target(placements: List[Dict[str, Any]]):
    found = [p for p in placements if "found" in p]
    video = [p for p in found if p["kind"] == "video"]
    return (video or found or [None])[0]


def add_alternates(tl: Timeline, pool, plan: Dict[str, Any], by_item, index, tl_rate, warnings: List[str]) -> Dict[str, Any]:
    mode, added, failed, pending = "takes", 0, 0, []
    for item in plan["items"]:
        target = _target(by_item.get(item.get("id"), []))
        alts = [(a, index.find(a.get("media") or {})) for a in item.get("alternates") or []]
        alts = [(a, m) for a, m in alts if m is not None]
        if target is None or not alts:
            continue
        took = 0
        for rank, (alt, mpi) in enumerate(alts, 1):
            if mode == "takes":
                if target["found"].add_take(mpi, int(alt["src_in"]), int(alt["src_out"])):
                    added += 1
                    took += 1
                    continue
                if added == 0:
                    mode = "disabled track"
                else:
                    failed += 1
                    continue
            pending.append((target, rank, alt, mpi))
        if took and target["found"].selected_take_index() not in (0, 1):
            if not target["found"].select_take(1):
                warnings.append("item %s: could not keep the chosen take selected" % item.get("id"))
    if pending:
        added += _place_on_disabled_tracks(tl, pool, pending, tl_rate, warnings)
    if failed:
        warnings.append("Resolve refused %d alternate take(s)" % failed)
    return {"mode": mode if added else "none", "added": added, "failed": failed}


def _place_on_disabled_tracks(tl: Timeline, pool, pending, tl_rate, warnings: List[str]) -> int:
    base = {"video": tl.track_count("video"), "audio": tl.track_count("audio")}
    placed = 0
    for kind in ("video", "audio"):
        ranks = sorted({rank for target, rank, _, _ in pending if target["kind"] == kind})
        for rank in ranks:
            track = base[kind] + rank
            while tl.track_count(kind) < track:
                if not tl.add_track(kind):
                    warnings.append("could not add a %s track for alternates" % kind)
                    return placed
            # disabled BEFORE anything lands there, so nothing extra ever plays
            if not tl.set_track_enabled(kind, track, False):
                warnings.append("could not disable %s track %d: alternates not placed" % (kind, track))
                return placed
            tl.set_track_name(kind, track, ALT_TRACK_NAME % rank)
    for target, rank, alt, mpi in pending:
        kind = target["kind"]
        track = base[kind] + rank
        clip_rate = rate_from_fps(mpi.clip_property("FPS")) or tl_rate
        slot = target["found"].duration() or target["frames"]
        room = slot if same_rate(clip_rate, tl_rate) else frames_at_rate_floor(slot, tl_rate, clip_rate)
        src_in = int(alt["src_in"])
        info = {"mediaPoolItem": mpi, "startFrame": src_in, "endFrame": min(int(alt["src_out"]), src_in + room),
                "trackIndex": track, "recordFrame": target["record"],
                "mediaType": MEDIA_VIDEO if kind == "video" else MEDIA_AUDIO}
        pool.append_to_timeline([info])
        # verify by reading the track back: the returned list may hold ghosts (HOST_API A3.4)
        if any(ti.start() == target["record"] and ti.unique_id() for ti in tl.items_in_track(kind, track)):
            placed += 1
        else:
            warnings.append("alternate %d of item %s could not be placed" % (rank, target["item_id"]))
    return placed


def _merge_marker(markers: Dict[int, Dict[str, Any]], frame: int, m: Dict[str, Any], note: str, item_id,
                  why: str = "") -> None:
    color = m.get("color") if m.get("color") in MARKER_COLORS else "Blue"
    entry = markers.setdefault(frame, {"color": color, "names": [], "notes": [], "duration": 1, "items": [],
                                       "why": {}})
    if item_id is not None and why:
        entry["why"].setdefault(str(item_id), why)
    if m.get("name") and m["name"] not in entry["names"]:
        entry["names"].append(str(m["name"]))
    if note and note not in entry["notes"]:
        entry["notes"].append(note)
    entry["duration"] = max(entry["duration"], int(m.get("duration") or 1))
    if item_id is not None and item_id not in entry["items"]:
        entry["items"].append(item_id)


def add_markers(tl: Timeline, plan, by_item, tl_start: int, plan_rate, tl_rate, job_id, warnings: List[str]) -> Dict[str, int]:
    markers: Dict[int, Dict[str, Any]] = {}
    for item in plan["items"]:
        if not any("found" in p for p in by_item.get(item.get("id"), [])):
            continue
        rec = frames_at_rate_round(int(item["rec_in"]), plan_rate, tl_rate)
        why = str(item.get("why") or "")
        item_markers = item.get("markers") or [{"frame": 0, "color": "Blue", "duration": 1, "note": why,
                                                "name": ", ".join(item.get("line_ids") or []) or str(item.get("id"))}]
        for n, m in enumerate(item_markers):
            frame = rec + frames_at_rate_round(int(m.get("frame") or 0), plan_rate, tl_rate)
            _merge_marker(markers, frame, m, str(m.get("note") or ""), item.get("id"), why if n == 0 else "")
    for m in plan.get("markers") or []:
        _merge_marker(markers, frames_at_rate_round(int(m.get("frame") or 0), plan_rate, tl_rate), m,
                      str(m.get("note") or ""), None)
    line_ids = {item.get("id"): list(item.get("line_ids") or []) for item in plan["items"]}
    expected = []
    added = failed = 0
    for frame in sorted(markers):
        e = markers[frame]
        expected.append({"items": list(e["items"]), "frame": frame, "color": e["color"],
                         "line_ids": [lid for i in e["items"] for lid in line_ids.get(i, [])],
                         "name": " / ".join(e["names"]) or "roughcut", "note": "\n".join(e["notes"]),
                         "duration": e["duration"]})
        custom = MARKER_PREFIX + json.dumps({"job": job_id, "items": e["items"], "why": e["why"]})
        if tl.add_marker(frame, e["color"], " / ".join(e["names"]) or "roughcut", "\n".join(e["notes"]),
                         e["duration"], custom):
            added += 1
        else:
            failed += 1
    present = set(tl.markers())
    missing = [f for f in markers if f not in present]
    if failed or missing:
        warnings.append("%d marker(s) were not added" % max(failed, len(missing)))
    return {"added": added, "failed": max(failed, len(missing)), "expected": expected}
