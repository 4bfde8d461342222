"""Turn a ``roughcut.hostplan/1`` document into a NEW Resolve timeline, then verify it.

Contract (acceptance): :func:`apply_plan(resolve, plan) -> dict` creates exactly one new,
uniquely named timeline and never touches an existing one (it only reads their names). It
returns ``{"ok", "timeline", "timeline_id", "placed", "expected", "mismatches", "readback",
"warnings", "imported", "alternates", "markers", "error", "summary"}``. After building, the
whole timeline is read back (:func:`readback.check_timeline`): ``readback`` lists every planned
clip, colour or marker that is missing or wrong, each with its plan item id and line ids, and
``ok`` is true only when that list is empty. Fatal problems (bad plan, media not found,
timeline not created, nothing placed, an unexpected bridge error) leave nothing behind: the
new timeline is deleted and media this run imported is removed again; they come back as
``error``.

Rates: the timeline gets the plan rate, and drop-frame timecode whenever the plan says so (a
custom timeline setting when the project differs). The start timecode is written at the rate
and drop-frame mode the timeline really got (read back after setting them), so a timeline
left at the project rate still starts at the plan's start position.

Frame mapping (DESIGN §3, HOST_API A3):
- ``startFrame = src_in``, ``endFrame = src_out``: file-relative frames at the clip's own
  rate, end EXCLUSIVE [live 21.0]. Resolve counts a clip's source frames from its first frame,
  not from its start timecode [inferred: api_truth, GetLeftOffset], so ``media.start_frame``
  (start TC) is NOT added here.
- ``recordFrame = timeline.GetStartFrame() + rec_in`` (ABSOLUTE [live]); ``rec_in`` is at the
  plan rate and is converted when Resolve keeps the project rate.
- Timeline markers are RELATIVE to the timeline start [live].
- Durations of clips at another rate than the timeline are floored to timeline frames [live].
"""
from typing import Any, Dict, List, Optional, Tuple

from .api import MEDIA_AUDIO, MEDIA_VIDEO, Project, Resolve, Timeline
from .errors import ResolveFlowError
from .media_map import Imports, MediaIndex, resolve_media
from .plan_decorate import add_alternates, add_markers, apply_transforms, color_items, item_color
from .rates import (frames_at_rate_floor, frames_at_rate_round, frames_to_timecode, nominal, rate_from_fps,
                    rate_setting, same_rate, setting_is_drop_frame, supports_drop_frame)
from .readback import check_timeline

SCHEMA = "roughcut.hostplan/1"
DEFAULT_NAME = "Rough cut"


def unique_timeline_name(project: Project, wanted: str) -> str:
    """``wanted``, or ``wanted (2)``, ``(3)``... not used by any timeline (no GetTimelineByName)."""
    taken = {t.name() for t in project.timelines()}
    if wanted not in taken:
        return wanted
    n = 2
    while "%s (%d)" % (wanted, n) in taken:
        n += 1
    return "%s (%d)" % (wanted, n)


def check_plan(plan: Any) -> None:
    if not isinstance(plan, dict) or plan.get("schema") != SCHEMA:
        raise ResolveFlowError("not a %s document" % SCHEMA)
    if not isinstance(plan.get("timeline"), dict) or rate_from_fps(plan["timeline"].get("rate")) is None:
        raise ResolveFlowError("the plan has no timeline rate")
    items = plan.get("items")
    if not isinstance(items, list) or not items:
        raise ResolveFlowError("the plan has no clips to place")
    for item in items:
        try:
            ok = 0 <= int(item["src_in"]) < int(item["src_out"]) and int(item["rec_in"]) >= 0
        except (KeyError, TypeError, ValueError):
            ok = False
        if not ok:
            raise ResolveFlowError("plan item %r has no valid src_in/src_out/rec_in" % (item.get("id"),))


def _is_drop(settings) -> bool:
    """Drop-frame timecode on a project or timeline (either setting says so)."""
    return settings.get_setting("timelineDropFrameTimecode").strip() == "1" \
        or setting_is_drop_frame(settings.get_setting("timelineFrameRate"))


def _set_rate(tl: Timeline, project: Project, rate: Tuple[int, int], drop: bool, warnings: List[str]):
    """Ask for the plan rate (and drop-frame mode) on the new, still empty timeline; returns the
    (rate, drop_frame) it really has, read back."""
    drop = bool(drop) and supports_drop_frame(rate)
    project_rate = rate_from_fps(project.get_setting("timelineFrameRate"))
    if not same_rate(project_rate, rate) or (supports_drop_frame(rate) and _is_drop(project) != drop):
        ok = tl.set_setting("useCustomSettings", "1") and tl.set_setting("timelineFrameRate", rate_setting(rate, drop))
        if ok and supports_drop_frame(rate):
            ok = tl.set_setting("timelineDropFrameTimecode", "1" if drop else "0")
        if not ok:
            warnings.append("Resolve refused the plan's frame rate %s on the timeline" % rate_setting(rate, drop))
    actual = rate_from_fps(tl.get_setting("timelineFrameRate")) or project_rate or rate
    actual_drop = supports_drop_frame(actual) and _is_drop(tl)
    if not same_rate(actual, rate):
        warnings.append("timeline runs at the project rate %s, not the plan's %s: record positions converted"
                        % (rate_setting(actual, actual_drop), rate_setting(rate, drop)))
    elif actual_drop != drop:
        warnings.append("timeline timecode is %s, the plan asked for %s" % (
            "drop-frame" if actual_drop else "non-drop", "drop-frame" if drop else "non-drop"))
    return actual, actual_drop


def start_timecode(start_frame: int, plan_rate, tl_rate, tl_drop: bool) -> Tuple[int, str]:
    """(start frame at the timeline rate, its timecode there) for the plan's ``start_frame``.
    Same nominal rate (23.976 vs 24 included): the same frame count, so the label stays;
    otherwise the same point in time. Drop-frame as the timeline really has it."""
    frames = int(start_frame)
    if nominal(plan_rate) != nominal(tl_rate):
        frames = frames_at_rate_round(frames, plan_rate, tl_rate)
    return frames, frames_to_timecode(frames, tl_rate, tl_drop)


def _ensure_tracks(tl: Timeline, kind: str, count: int) -> bool:
    while tl.track_count(kind) < count:
        if not tl.add_track(kind):
            return False
    return True


def _placements(item: Dict[str, Any], mpi, tl_start: int, plan_rate, tl_rate) -> List[Dict[str, Any]]:
    """The clipInfos for one plan item (picture and sound split, each with mediaType) and what
    each should read back as: track, absolute record frame, length in timeline frames."""
    kind = mpi.clip_property("Type")
    has_video = kind != "Audio"
    has_audio = kind in ("Audio", "Video + Audio") or not kind
    media_type = item.get("media_type") or "both"
    clip_rate = rate_from_fps(item.get("rate") or (item.get("media") or {}).get("rate")) \
        or rate_from_fps(mpi.clip_property("FPS")) or tl_rate
    rec = tl_start + frames_at_rate_round(int(item["rec_in"]), plan_rate, tl_rate)
    src_in, src_out = int(item["src_in"]), int(item["src_out"])
    audio = item.get("audio") or {}
    a_in, a_out = int(audio.get("src_in", src_in)), int(audio.get("src_out", src_out))
    out = []
    if has_video and media_type in ("both", "video"):
        out.append({"kind": "video", "track": int(item.get("video_track") or 1), "record": rec,
                    "src": (src_in, src_out), "media_type": MEDIA_VIDEO, "rate": clip_rate})
    if has_audio and media_type in ("both", "audio"):
        a_rec = rec + frames_at_rate_round(a_in - src_in, clip_rate, tl_rate)
        out.append({"kind": "audio", "track": int(item.get("audio_track") or 1), "record": a_rec,
                    "src": (a_in, a_out), "media_type": MEDIA_AUDIO, "rate": clip_rate})
    for p in out:
        n = p["src"][1] - p["src"][0]
        p["frames"] = n if same_rate(clip_rate, tl_rate) else frames_at_rate_floor(n, clip_rate, tl_rate)
        p["info"] = {"mediaPoolItem": mpi, "startFrame": p["src"][0], "endFrame": p["src"][1],
                     "recordFrame": p["record"], "trackIndex": p["track"], "mediaType": p["media_type"]}
        p["item_id"] = item.get("id")
        p["line_ids"] = list(item.get("line_ids") or [])
        p["host_id"] = mpi.unique_id()
    return out


def spread_overlapping_sound(placements: List[Dict[str, Any]]) -> int:
    """Sound that overlaps earlier sound on its track (J/L cuts extend it past the picture cut)
    moves to the next free audio track (A1/A2 checkerboard), since Resolve would silently drop
    it; returns how many moved. Picture is never moved: an overlap there is a plan error and
    is reported by :func:`verify`."""
    busy: Dict[int, List[Tuple[int, int]]] = {}
    moved = 0
    for p in placements:
        if p["kind"] != "audio":
            continue
        track, lo, hi = p["track"], p["record"], p["record"] + p["frames"]
        while any(s < hi and lo < e for s, e in busy.get(track, [])):
            track += 1
        if track != p["track"]:
            moved += 1
            p["track"] = p["info"]["trackIndex"] = track
        busy.setdefault(track, []).append((lo, hi))
    return moved


def _read_tracks(tl: Timeline, placements) -> Dict[Tuple[str, int], Dict[int, Any]]:
    on_track: Dict[Tuple[str, int], Dict[int, Any]] = {}
    for key in sorted({(p["kind"], p["track"]) for p in placements}):
        on_track[key] = {}
        for ti in tl.items_in_track(*key):
            start = ti.start()
            if start is not None and ti.unique_id():
                on_track[key].setdefault(start, ti)
    return on_track


def _from_returned(placements, returned) -> Dict[Tuple[str, int], Dict[int, Any]]:
    """Fallback when no track can be read back: the returned items that are real (not ghosts),
    keyed like the tracks by where each planned placement expects one."""
    unused = [r for r in returned if not r.is_ghost()]
    on_track: Dict[Tuple[str, int], Dict[int, Any]] = {}
    for p in placements:
        for r in unused:
            if r.start() == p["record"]:
                on_track.setdefault((p["kind"], p["track"]), {})[p["record"]] = r
                unused.remove(r)
                break
    return on_track


def verify(tl: Timeline, placements: List[Dict[str, Any]], returned=()) -> Tuple[List[Dict[str, Any]], str]:
    """Read every track back; returns (mismatches, how it was read) and stores the found item
    under ``placement["found"]``. Catches ghosts and silently dropped overlaps. If no track
    answers at all but Resolve returned real items, those are checked instead (dropped items
    are still caught: they are not in the returned list)."""
    on_track, how = _read_tracks(tl, placements), "tracks"
    if placements and not any(on_track.values()) and any(not r.is_ghost() for r in returned):
        on_track, how = _from_returned(placements, returned), "returned items"
    mismatches = []
    for p in placements:
        ti = on_track.get((p["kind"], p["track"]), {}).get(p["record"])
        problem = None
        if ti is None:
            problem = "missing (dropped or not placed)"
        else:
            mpi = ti.media_pool_item()
            if ti.duration() != p["frames"]:
                problem = "length %s frames, expected %d" % (ti.duration(), p["frames"])
            elif mpi is not None and p["host_id"] and mpi.unique_id() != p["host_id"]:
                problem = "a different clip is there"
        if problem:
            mismatches.append({"item": p["item_id"], "line_ids": p["line_ids"], "kind": p["kind"], "track": p["track"],
                               "record": p["record"], "expected_frames": p["frames"], "problem": problem})
        else:
            p["found"] = ti
    return mismatches, how


def _is_current(project: Project, tl: Timeline) -> bool:
    """AppendToTimeline works on the CURRENT timeline; some versions make a new one current
    themselves [inferred], so a refused SetCurrentTimeline is fine when it already is."""
    current = project.current_timeline()
    return current is not None and (current == tl or (current.name() == tl.name()
                                                       and current.unique_id() == tl.unique_id()))


def _result(**kw) -> Dict[str, Any]:
    out = {"ok": False, "timeline": None, "timeline_id": None, "placed": 0, "expected": 0, "mismatches": [],
           "readback": [],
           "warnings": [], "imported": [], "alternates": {}, "markers": {}, "error": None, "summary": ""}
    out.update(kw)
    return out


def _undo_imports(imports: Optional[Imports], why: str) -> Dict[str, Any]:
    left = imports.undo() if imports is not None else []
    note = " (could not remove %s: delete by hand)" % "; ".join(left) if left else ""
    return _result(error=why + note, summary="No rough cut was made: " + why + note,
                   imported=list(imports.paths) if imports is not None else [])


def _undo_timeline(pool, tl: Timeline, project: Project, previous: Optional[Timeline], why: str,
                   imports: Optional[Imports] = None) -> Dict[str, Any]:
    """Delete the unfinished timeline, restore the current one, remove what this run imported."""
    removed = pool.delete_timelines([tl])
    if previous is not None:
        project.set_current_timeline(previous)
    note = "" if removed else " (Resolve did not delete the unfinished timeline %r: delete it by hand)" % tl.name()
    return _undo_imports(imports, why + note)


def apply_plan(resolve: Any, plan: Dict[str, Any], job_id: Optional[str] = None,
               allow_import: bool = True) -> Dict[str, Any]:
    """Build the plan as a new timeline in the current project; see the module docstring."""
    rv = resolve if isinstance(resolve, Resolve) else Resolve(resolve)
    try:
        check_plan(plan)
        project = rv.current_project()
        pool = project.media_pool() if project else None
        if pool is None:
            raise ResolveFlowError("no project is open in Resolve")
        index, imports, warnings = resolve_media(pool, plan, allow_import)
    except ResolveFlowError as exc:
        return _result(error=str(exc), summary="No rough cut was made: %s" % exc)
    tl_plan = plan["timeline"]
    plan_rate = rate_from_fps(tl_plan["rate"])
    drop = bool(tl_plan.get("drop_frame"))
    name = unique_timeline_name(project, str(tl_plan.get("name") or DEFAULT_NAME))
    previous = project.current_timeline()
    tl = pool.create_empty_timeline(name)
    if tl is None:
        return _undo_imports(imports, "Resolve did not create the timeline %r (name taken or refused)" % name)
    try:
        return _build(rv, project, pool, tl, plan, index, job_id, warnings, imports, previous)
    except Exception as exc:  # a bridge call that raised: leave nothing half-built behind
        return _undo_timeline(pool, tl, project, previous, "Resolve failed while building %r (%s: %s)" % (
            name, type(exc).__name__, exc), imports)


def _build(rv, project, pool, tl, plan, index: MediaIndex, job_id, warnings, imports, previous):
    tl_plan = plan["timeline"]
    name = tl.name()
    plan_rate = rate_from_fps(tl_plan["rate"])
    if not project.set_current_timeline(tl) and not _is_current(project, tl):
        return _undo_timeline(pool, tl, project, previous, "could not make %r the current timeline" % name, imports)
    tl_rate, tl_drop = _set_rate(tl, project, plan_rate, bool(tl_plan.get("drop_frame")), warnings)
    if tl_plan.get("width") and tl_plan.get("height"):  # a cut-down's delivery size (issue 19)
        if not (tl.set_setting("useCustomSettings", "1")
                and tl.set_setting("timelineResolutionWidth", str(int(tl_plan["width"])))
                and tl.set_setting("timelineResolutionHeight", str(int(tl_plan["height"])))):
            warnings.append("Resolve refused the timeline size %sx%s" % (tl_plan["width"], tl_plan["height"]))
    start_frame = tl_plan.get("start_frame")
    if start_frame is not None:
        want, label = start_timecode(int(start_frame), plan_rate, tl_rate, tl_drop)
        if not tl.set_start_timecode(label):
            warnings.append("could not set the start timecode %s; the timeline keeps the project's" % label)
        elif tl.start_frame() != want:
            warnings.append("the timeline starts at frame %s, not %d (%s)" % (tl.start_frame(), want, label))
    tl_start = tl.start_frame()
    if tl_start is None:
        return _undo_timeline(pool, tl, project, previous, "cannot read the new timeline's start frame", imports)
    return _fill(rv, project, pool, tl, plan, index, (plan_rate, tl_rate, tl_start), job_id,
                 warnings, imports, previous)


def _fill(rv, project, pool, tl, plan, index: MediaIndex, rates, job_id, warnings, imports, previous):
    plan_rate, tl_rate, tl_start = rates
    placements: List[Dict[str, Any]] = []
    by_item: Dict[Any, List[Dict[str, Any]]] = {}
    mixed: List[str] = []
    for item in plan["items"]:
        mpi = index.find(item.get("media") or {})
        ps = _placements(item, mpi, tl_start, plan_rate, tl_rate)
        if not ps:
            warnings.append("item %s: clip %s has no %s" % (item.get("id"), mpi.name(), item.get("media_type")))
        placements.extend(ps)
        by_item[item.get("id")] = ps
        if ps and not same_rate(ps[0]["rate"], tl_rate) and mpi.name() not in mixed:
            mixed.append(mpi.name())
    moved = spread_overlapping_sound(placements)
    if moved:
        warnings.append("%d J/L-cut sound clip(s) overlap the sound before them: put on the next audio track" % moved)
    if mixed:
        warnings.append("clips at another frame rate than the timeline (%s), lengths floored to timeline "
                        "frames: %s" % (rate_setting(tl_rate), ", ".join(mixed)))
    old_resolve = rv.version() and rv.version() < (20, 2, 2)
    for kind in ("video", "audio"):
        need = max([p["track"] for p in placements if p["kind"] == kind] or [1])
        if kind == "video" and old_resolve:  # audio trackIndex checked against video tracks (< 20.2.2)
            need = max([need] + [p["track"] for p in placements])
        if not _ensure_tracks(tl, kind, need):
            return _undo_timeline(pool, tl, project, previous, "could not add %s track %d" % (kind, need), imports)
    if rv.version() and rv.version() < (20, 3, 2) and placements:
        pool.set_selected_clip(placements[0]["info"]["mediaPoolItem"])  # Append needs a selection < 20.3.2
    returned = []
    for item in plan["items"]:
        infos = [p["info"] for p in by_item[item.get("id")]]
        if infos:
            returned.extend(pool.append_to_timeline(infos))
    ghosts = sum(1 for r in returned if r.is_ghost())
    mismatches, how = verify(tl, placements, returned)
    if how != "tracks":
        warnings.append("Resolve did not list the timeline's tracks; checked the %s instead" % how)
    placed = sum(1 for p in placements if "found" in p)
    if placed == 0:
        first = mismatches[0] if mismatches else None
        return _undo_timeline(pool, tl, project, previous, "Resolve placed none of the %d clips as planned%s" % (
            len(placements), " (first: item %s %s: %s)" % (first["item"], first["kind"], first["problem"])
            if first else ""), imports)
    for item in plan["items"]:
        found = [p["found"] for p in by_item[item.get("id")] if "found" in p]
        if len(found) == 2:
            tl.set_clips_linked(found, True)
    if ghosts:
        warnings.append("Resolve returned %d ghost item(s) (not on the timeline)" % ghosts)
    colored = color_items(plan, by_item, warnings)
    apply_transforms(plan, by_item, warnings)
    alternates = add_alternates(tl, pool, plan, by_item, index, tl_rate, warnings)
    markers = add_markers(tl, plan, by_item, tl_start, plan_rate, tl_rate, job_id, warnings)
    readback = check_timeline(tl, _expected_clips(plan, by_item, tl_start, tl_rate), markers.pop("expected"))
    ok = not mismatches and not readback
    imported = list(imports.paths)
    summary = "%s timeline %r: %d of %d picture/sound clips placed%s; %d markers; alternates: %s%s." % (
        "Created" if ok else "Created (WITH PROBLEMS)", tl.name(), placed, len(placements),
        "" if ok else ", %d thing(s) missing or wrong on read-back" % max(len(readback), len(mismatches)),
        markers.get("added", 0), alternates.get("mode", "none"), "; %d clip colours" % colored
        + ("; imported %d file(s) into the 'roughcut' bin" % len(imported) if imported else ""))
    return _result(ok=ok, timeline=tl.name(), timeline_id=tl.unique_id(), placed=placed, expected=len(placements),
                   mismatches=mismatches, readback=readback, warnings=warnings, imported=imported,
                   alternates=alternates, markers=markers, summary=summary)


def _expected_clips(plan, by_item, tl_start: int, tl_rate) -> List[Dict[str, Any]]:
    """What the read-back should find for every planned picture/sound placement."""
    out = []
    for item in plan["items"]:
        for p in by_item.get(item.get("id"), []):
            out.append({"item": item.get("id"), "line_ids": list(item.get("line_ids") or []), "kind": p["kind"],
                        "track": p["track"], "record_in": p["record"] - tl_start, "frames": p["frames"],
                        "src_in": p["src"][0] if same_rate(p["rate"], tl_rate) else None,
                        "host_id": p["host_id"], "color": item_color(item)})
    return out
