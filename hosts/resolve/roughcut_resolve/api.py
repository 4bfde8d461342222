"""A small typed, snake_case wrapper over the Resolve scripting calls roughcut uses (pybmd-style).

Contract: each wrapper holds the raw bridge object in ``.raw`` and turns Resolve's failure
conventions (objects → None, mutators → False, collections → [] / {}, numbers as floats,
``hasattr`` always true, unknown attributes read as None) into plain Python values: ``None``
for a missing object, ``bool`` for mutators, ``list``/``dict`` for collections, ``int`` frames.
No call here raises for a bridge failure; callers check results and report. Stdlib only,
Python 3.6 syntax and library (Resolve runs scripts in its own interpreter, 3.6+ up to 20.x).

Semantics used below are from HOST_API.md (section A); [live] = measured on a running
Resolve by others, [inferred] = from docs or public code only.
"""
from typing import Any, Dict, List, Optional, Sequence

# Allowed colour names (.pyi ClipColor / MarkerColor); anything else returns False [live].
CLIP_COLORS = ("Orange", "Apricot", "Yellow", "Lime", "Olive", "Green", "Teal", "Navy", "Blue",
               "Purple", "Violet", "Pink", "Tan", "Beige", "Brown", "Chocolate")
MARKER_COLORS = ("Blue", "Cyan", "Green", "Yellow", "Red", "Pink", "Purple", "Fuchsia", "Rose",
                 "Lavender", "Sky", "Mint", "Lemon", "Sand", "Cocoa", "Cream")
MEDIA_VIDEO, MEDIA_AUDIO = 1, 2  # AppendToTimeline clipInfo mediaType


def _call(raw: Any, method: str, *args: Any) -> Any:
    """``raw.method(*args)``; None when the method is missing or not callable (bridge objects
    answer every attribute, missing ones read as None)."""
    if raw is None:
        return None
    fn = getattr(raw, method, None)
    if not callable(fn):
        return None
    return fn(*args)


def _int(value: Any) -> Optional[int]:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(round(float(value)))
    except (TypeError, ValueError):
        return None


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _ok(value: Any) -> bool:
    return value is True


def _list(value: Any) -> list:
    if isinstance(value, dict):  # some calls return {1: a, 2: b} (old overloads)
        return [value[k] for k in sorted(value)]
    return list(value) if isinstance(value, (list, tuple)) else []


class _Wrapper:
    __slots__ = ("raw",)

    def __init__(self, raw: Any):
        self.raw = raw

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Wrapper) and other.raw is self.raw

    def __hash__(self) -> int:
        return id(self.raw)


def wrap(cls, raw: Any):
    return None if raw is None or raw is False else cls(raw)


class _Named(_Wrapper):
    """Bridge objects that have a name and a unique id."""
    __slots__ = ()

    def name(self) -> str:
        return _str(_call(self.raw, "GetName"))

    def unique_id(self) -> str:
        return _str(_call(self.raw, "GetUniqueId"))


class Resolve(_Wrapper):
    def project_manager(self) -> Optional["ProjectManager"]:
        return wrap(ProjectManager, _call(self.raw, "GetProjectManager"))

    def current_project(self) -> Optional["Project"]:
        pm = self.project_manager()
        return pm.current_project() if pm else None

    def version(self) -> tuple:
        """(major, minor, patch) or () when unknown; GetVersion → [maj, min, patch, build, suffix]."""
        parts = _list(_call(self.raw, "GetVersion"))
        nums = [_int(p) for p in parts[:3]]
        return tuple(n for n in nums if n is not None)

    def product_name(self) -> str:
        return _str(_call(self.raw, "GetProductName"))

    def is_studio(self) -> Optional[bool]:
        """True/False from IsStudio() on 21.1+ (older builds do not have it, so it is not called
        there), else from the product name ("DaVinci Resolve Studio"); None if unknown."""
        if self.version()[:2] >= (21, 1):
            value = _call(self.raw, "IsStudio")
            if isinstance(value, bool):
                return value
        name = self.product_name()
        return ("Studio" in name) if name else None

    def fusion(self) -> Any:
        return _call(self.raw, "Fusion")


class ProjectManager(_Wrapper):
    def current_project(self) -> Optional["Project"]:
        return wrap(Project, _call(self.raw, "GetCurrentProject"))


class Project(_Wrapper):
    def name(self) -> str:
        return _str(_call(self.raw, "GetName"))

    def media_pool(self) -> Optional["MediaPool"]:
        return wrap(MediaPool, _call(self.raw, "GetMediaPool"))

    def timeline_count(self) -> int:
        return _int(_call(self.raw, "GetTimelineCount")) or 0

    def timeline_by_index(self, index: int) -> Optional["Timeline"]:
        """1-based, like Resolve."""
        return wrap(Timeline, _call(self.raw, "GetTimelineByIndex", int(index)))

    def timelines(self) -> List["Timeline"]:
        found = (self.timeline_by_index(i) for i in range(1, self.timeline_count() + 1))
        return [t for t in found if t is not None]

    def current_timeline(self) -> Optional["Timeline"]:
        return wrap(Timeline, _call(self.raw, "GetCurrentTimeline"))

    def set_current_timeline(self, timeline: "Timeline") -> bool:
        return _ok(_call(self.raw, "SetCurrentTimeline", timeline.raw))

    def get_setting(self, key: str) -> str:
        """Settings come back as str or number by version (.pyi: number); always a str here."""
        return _str(_call(self.raw, "GetSetting", key))


class MediaPool(_Wrapper):
    def root_folder(self) -> Optional["Folder"]:
        return wrap(Folder, _call(self.raw, "GetRootFolder"))

    def current_folder(self) -> Optional["Folder"]:
        return wrap(Folder, _call(self.raw, "GetCurrentFolder"))

    def set_current_folder(self, folder: "Folder") -> bool:
        return _ok(_call(self.raw, "SetCurrentFolder", folder.raw))

    def add_sub_folder(self, parent: "Folder", name: str) -> Optional["Folder"]:
        return wrap(Folder, _call(self.raw, "AddSubFolder", parent.raw, name))

    def create_empty_timeline(self, name: str) -> Optional["Timeline"]:
        """None when the name is taken [unverified] or on failure."""
        return wrap(Timeline, _call(self.raw, "CreateEmptyTimeline", name))

    def append_to_timeline(self, clip_infos: Sequence[Dict[str, Any]]) -> List["TimelineItem"]:
        """AppendToTimeline([clipInfo]) on the CURRENT timeline. Each clipInfo may carry a
        wrapped ``mediaPoolItem``; it is unwrapped here. endFrame is exclusive [live 21.0];
        recordFrame is absolute [live]. Returned items may be ghosts: check them."""
        raw_infos = []
        for info in clip_infos:
            raw = dict(info)
            mpi = raw.get("mediaPoolItem")
            if isinstance(mpi, _Wrapper):
                raw["mediaPoolItem"] = mpi.raw
            raw_infos.append(raw)
        return [TimelineItem(r) for r in _list(_call(self.raw, "AppendToTimeline", raw_infos)) if r is not None]

    def import_media(self, paths: Sequence[str]) -> List["MediaPoolItem"]:
        """Imports into the CURRENT folder [doc]."""
        return [MediaPoolItem(r) for r in _list(_call(self.raw, "ImportMedia", list(paths))) if r is not None]

    def selected_clips(self) -> List["MediaPoolItem"]:
        return [MediaPoolItem(r) for r in _list(_call(self.raw, "GetSelectedClips")) if r is not None]

    def set_selected_clip(self, item: "MediaPoolItem") -> bool:
        return _ok(_call(self.raw, "SetSelectedClip", item.raw))

    def delete_timelines(self, timelines: Sequence["Timeline"]) -> bool:
        return _ok(_call(self.raw, "DeleteTimelines", [t.raw for t in timelines]))

    def delete_clips(self, clips: Sequence["MediaPoolItem"]) -> bool:
        """Removes clips from the Media Pool (MediaPool.DeleteClips([clips]) → Bool)."""
        return _ok(_call(self.raw, "DeleteClips", [c.raw for c in clips]))

    def delete_folders(self, folders: Sequence["Folder"]) -> bool:
        return _ok(_call(self.raw, "DeleteFolders", [f.raw for f in folders]))


class Folder(_Named):
    def clips(self) -> List["MediaPoolItem"]:
        return [MediaPoolItem(r) for r in _list(_call(self.raw, "GetClipList")) if r is not None]

    def sub_folders(self) -> List["Folder"]:
        return [Folder(r) for r in _list(_call(self.raw, "GetSubFolderList")) if r is not None]


class MediaPoolItem(_Named):
    def clip_property(self, key: str) -> str:
        """One property as a string ('' when absent); FPS is a float in 21.1 and a str before."""
        return _str(_call(self.raw, "GetClipProperty", key))

    def clip_properties(self) -> Dict[str, Any]:
        value = _call(self.raw, "GetClipProperty")
        return dict(value) if isinstance(value, dict) else {}

    def metadata(self, key: str) -> str:
        return _str(_call(self.raw, "GetMetadata", key))

    def clip_color(self) -> str:
        return _str(_call(self.raw, "GetClipColor"))

    def flags(self) -> List[str]:
        return [_str(f) for f in _list(_call(self.raw, "GetFlagList"))]


class _Marked(_Named):
    """AddMarker / GetMarkers, alike on Timeline and TimelineItem."""
    __slots__ = ()

    def add_marker(self, frame: int, color: str, name: str, note: str, duration: int,
                   custom_data: str = "") -> bool:
        """On a Timeline, frameId is RELATIVE to the timeline start [live: davinci-resolve-mcp PR #66]."""
        return _ok(_call(self.raw, "AddMarker", float(frame), color, name, note, float(duration), custom_data))

    def markers(self) -> Dict[int, Dict[str, Any]]:
        """{frame: marker info}; {} when the host answers anything but a dict."""
        value = _call(self.raw, "GetMarkers")
        if not isinstance(value, dict):
            return {}
        return {_int(k): dict(v) for k, v in value.items() if _int(k) is not None and isinstance(v, dict)}


class Timeline(_Marked):
    def start_frame(self) -> Optional[int]:
        """Absolute: 01:00:00:00 at 24 fps = 86400 [doc]."""
        return _int(_call(self.raw, "GetStartFrame"))

    def end_frame(self) -> Optional[int]:
        """Inclusivity undocumented (HOST_API A3.8): derive lengths from the items instead."""
        return _int(_call(self.raw, "GetEndFrame"))

    def start_timecode(self) -> str:
        return _str(_call(self.raw, "GetStartTimecode"))

    def set_start_timecode(self, timecode: str) -> bool:
        return _ok(_call(self.raw, "SetStartTimecode", timecode))

    def track_count(self, kind: str) -> int:
        return _int(_call(self.raw, "GetTrackCount", kind)) or 0

    def add_track(self, kind: str) -> bool:
        return _ok(_call(self.raw, "AddTrack", kind))

    def items_in_track(self, kind: str, index: int) -> List["TimelineItem"]:
        """1-based track index."""
        return [TimelineItem(r) for r in _list(_call(self.raw, "GetItemListInTrack", kind, int(index)))
                if r is not None]

    def set_track_enabled(self, kind: str, index: int, enabled: bool) -> bool:
        return _ok(_call(self.raw, "SetTrackEnable", kind, int(index), bool(enabled)))

    def track_enabled(self, kind: str, index: int) -> Optional[bool]:
        value = _call(self.raw, "GetIsTrackEnabled", kind, int(index))
        return value if isinstance(value, bool) else None

    def set_track_name(self, kind: str, index: int, name: str) -> bool:
        return _ok(_call(self.raw, "SetTrackName", kind, int(index), name))

    def get_setting(self, key: str) -> str:
        return _str(_call(self.raw, "GetSetting", key))

    def set_setting(self, key: str, value: str) -> bool:
        """Writable only with useCustomSettings "1" (21_1_0 README)."""
        return _ok(_call(self.raw, "SetSetting", key, str(value)))

    def set_clips_linked(self, items: Sequence["TimelineItem"], linked: bool) -> bool:
        return _ok(_call(self.raw, "SetClipsLinked", [i.raw for i in items], bool(linked)))


class TimelineItem(_Marked):
    def start(self) -> Optional[int]:
        return _int(_call(self.raw, "GetStart"))

    def end(self) -> Optional[int]:
        """Exclusive [live]."""
        return _int(_call(self.raw, "GetEnd"))

    def duration(self) -> Optional[int]:
        return _int(_call(self.raw, "GetDuration"))

    def left_offset(self) -> Optional[int]:
        """Source frames trimmed off the head; exact, unlike GetSourceStartFrame [live: api_truth]."""
        return _int(_call(self.raw, "GetLeftOffset"))

    def media_pool_item(self) -> Optional[MediaPoolItem]:
        return wrap(MediaPoolItem, _call(self.raw, "GetMediaPoolItem"))

    def is_ghost(self) -> bool:
        """A returned item that is not really on the timeline (HOST_API A3.4): empty id or no position."""
        return not self.unique_id() or self.start() is None or self.duration() is None

    def clip_color(self) -> str:
        return _str(_call(self.raw, "GetClipColor"))

    def set_clip_color(self, color: str) -> bool:
        return _ok(_call(self.raw, "SetClipColor", color))

    def set_property(self, key: str, value: Any) -> bool:
        """Inspector property (Pan, Tilt, ZoomX, ZoomY...; README "TimelineItem.SetProperty")."""
        return _ok(_call(self.raw, "SetProperty", key, value))

    def add_take(self, item: MediaPoolItem, start_frame: int, end_frame: int) -> bool:
        """Adds a take (source frames, end exclusive like AppendToTimeline [inferred])."""
        return _ok(_call(self.raw, "AddTake", item.raw, int(start_frame), int(end_frame)))

    def takes_count(self) -> int:
        return _int(_call(self.raw, "GetTakesCount")) or 0

    def selected_take_index(self) -> int:
        return _int(_call(self.raw, "GetSelectedTakeIndex")) or 0

    def select_take(self, index: int) -> bool:
        return _ok(_call(self.raw, "SelectTakeByIndex", int(index)))

    def clip_enabled(self) -> Optional[bool]:
        value = _call(self.raw, "GetClipEnabled")
        return value if isinstance(value, bool) else None

    def set_clip_enabled(self, enabled: bool) -> bool:
        return _ok(_call(self.raw, "SetClipEnabled", bool(enabled)))
