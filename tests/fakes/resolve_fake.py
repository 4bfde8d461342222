"""A strict fake of DaVinci Resolve's scripting object model, built from HOST_API.md §A/§C.

Behaviour (each point is a trap the real Resolve has):
- Failure conventions: objects → None, mutators → False, collections → [] / {}; wrong
  argument types fail the same way (never an exception). Enum-ish values are floats.
- Positional arguments only, checked against each method's documented signature: a wrong
  arity or keyword arguments fail like Resolve and are recorded in ``protocol_errors``.
- ``has_attr_always_true``: every attribute exists; an unknown one reads as a callable that
  returns None (``missing_attr="callable"``) or as None (``missing_attr="none"``), recorded in
  ``unknown``. ``IsStudio`` exists only from 21.1 on.
- 1-based indices (timelines, tracks); ``GetTimelineByIndex`` has no by-name twin.
- ``CreateEmptyTimeline`` → None when the name exists; it does NOT make the timeline current
  (knob ``create_sets_current``: some versions do [inferred]).
- ``AppendToTimeline`` works on the CURRENT timeline; ``endFrame`` is EXCLUSIVE (knob
  ``end_frame_inclusive``); ``recordFrame`` is ABSOLUTE (a record before the timeline start
  reads back but has 0 frames); without ``mediaType`` the picture goes to V<trackIndex> and
  the sound to A<trackIndex>; mixed-rate durations are floored to timeline frames;
  overlapping records: the earlier item wins, later ones are silently dropped (or returned
  as ghosts with ``ghost_on_collision``); < 20.2.2 checks an audio trackIndex against the video
  track count; < 20.3.2 fails with no Media Pool clip selected. An invalid clipInfo is left out
  of the result (the others are placed); one item comes back per clipInfo (the picture when
  both are placed) unless ``append_returns_linked``. ``GetSourceStartFrame`` reads one frame
  late on every third item (HOST_API A3.3: use ``GetLeftOffset``).
- Timeline settings are writable only with useCustomSettings "1", and only keys the project
  has; the frame rate only while the timeline is empty; GetSetting returns the rate as a number
  from 21.1, a string before (knob ``frame_rate_setting_type``). Start timecodes are
  drop-frame aware (``;``, ``timelineDropFrameTimecode``).
- ``Timeline.DeleteClips`` works only on the Edit page (A3.9); ``MediaPool.DeleteClips``
  removes clips from their bins.
- Colours: only the .pyi clip / marker colour names; timeline markers at RELATIVE frames,
  one per frame; item takes via AddTake (the selector starts with the placed clip, which
  stays selected).
- Free vs Studio: ``IsStudio`` (21.1+), product name, ``bmd.scriptapp`` returns None on Free;
  Free 21.1+ has no Python at all (:func:`scripting_resolve` → None); the documented
  Studio-only calls, and the emulated ones named in ``studio_only``, return False on Free and
  open a modal that makes every later call fail until :meth:`FakeResolve.dismiss_modal`.
- Every mutating call is recorded in ``FakeResolve.calls`` as ``(owner, method, args)`` where
  owner is ``("timeline", uid)`` for a timeline and its items, else ``(kind, uid)``.
"""
from __future__ import annotations

import itertools
import os
from typing import Callable, Optional

from .resolve_fake_base import CLIP_COLORS, MARKER_COLORS, Bridge, api, is_num, snap_rate, tc_to_frames
from .resolve_fake_timeline import FakeTimeline, FakeTimelineItem, place_clip_infos

class FakeMediaPoolItem(Bridge):
    _kind = "clip"

    def __init__(self, world, path: str, fps: float = 24.0, frames: int = 240, start_tc: str = "01:00:00:00",
                 kind: str = "Video + Audio", audio_ch: int = 2, drop_frame: bool = False, name: Optional[str] = None,
                 clip_color: str = "", flags=(), metadata: Optional[dict] = None, online: bool = True):
        super().__init__(world)
        self.path, self.kind, self.frames, self.clip_color = path, kind, int(frames), clip_color
        self.rate = snap_rate(fps)
        self.fps = float(fps)
        self.name = name or (os.path.basename(path) if path else kind)
        self.flags = list(flags)
        self.metadata = dict(metadata or {})
        self.markers: dict = {}
        self.props = {"File Path": path, "FPS": self.fps, "Frames": str(int(frames)), "Start TC": start_tc,
                      "Type": kind, "Audio Ch": str(audio_ch), "Drop frame": "1" if drop_frame else "0",
                      "Clip Name": self.name, "File Name": os.path.basename(path) if path else "",
                      "Online Status": "Online" if online else "Offline", "Resolution": "640x360"}
        self.start_frame = tc_to_frames(start_tc, self.rate)

    @property
    def has_video(self) -> bool:
        return self.kind != "Audio"

    @property
    def has_audio(self) -> bool:
        return self.kind in ("Audio", "Video + Audio")

    @api()
    def GetName(self):
        return self.name

    @api(fail="")
    def GetClipProperty(self, key=None):
        props = dict(self.props, **{"Clip Color": self.clip_color})
        if self._w.version < (21, 1):
            props["FPS"] = ("%.3f" % self.fps).rstrip("0").rstrip(".")
        if key is None:
            return props
        return props.get(key, "") if isinstance(key, str) else ""

    @api(fail="")
    def GetMetadata(self, key=None):
        if key is None:
            return dict(self.metadata)
        return self.metadata.get(key, "") if isinstance(key, str) else ""

    @api(fail=False, mutates=True)
    def SetMetadata(self, key, value=None):
        if isinstance(key, dict):
            self.metadata.update({str(k): str(v) for k, v in key.items()})
            return True
        if not isinstance(key, str) or not isinstance(value, str):
            return False
        self.metadata[key] = value
        return True

    @api(fail="")
    def GetClipColor(self):
        return self.clip_color

    @api(fail=False, mutates=True)
    def SetClipColor(self, color):
        if color not in CLIP_COLORS:
            return False
        self.clip_color = color
        return True

    @api(fail=list)
    def GetFlagList(self):
        return list(self.flags)

    @api(fail=False, mutates=True)
    def AddFlag(self, color):
        if color not in MARKER_COLORS:
            return False
        self.flags.append(color)
        return True

    @api(fail=dict)
    def GetMarkers(self):
        return {k: dict(v) for k, v in self.markers.items()}

    @api(fail=False, mutates=True)
    def AddMarker(self, frame, color, name, note, duration, custom=""):
        if not (is_num(frame) and color in MARKER_COLORS and isinstance(name, str) and isinstance(note, str)
                and is_num(duration) and duration >= 1 and float(frame) not in self.markers):
            return False
        self.markers[float(frame)] = {"color": color, "name": name, "note": note, "duration": duration,
                                      "customData": custom}
        return True


class FakeFolder(Bridge):
    _kind = "folder"

    def __init__(self, world, name: str, parent: Optional["FakeFolder"] = None):
        super().__init__(world)
        self.name, self.parent, self.clips, self.subfolders = name, parent, [], []

    @api()
    def GetName(self):
        return self.name

    @api(fail=list)
    def GetClipList(self):
        return list(self.clips)

    @api(fail=list)
    def GetSubFolderList(self):
        return list(self.subfolders)


class FakeMediaPool(Bridge):
    _kind = "mediapool"

    def __init__(self, world, project: "FakeProject"):
        super().__init__(world)
        self.project = project
        self.root = FakeFolder(world, "Master")
        self.current = self.root
        self.selected: list = []

    def folders(self):
        out, todo = [], [self.root]
        while todo:
            f = todo.pop()
            out.append(f)
            todo.extend(f.subfolders)
        return out

    def all_clips(self):
        return [c for f in self.folders() for c in f.clips]

    @api()
    def GetRootFolder(self):
        return self.root

    @api()
    def GetCurrentFolder(self):
        return self.current

    @api(fail=False, mutates=True)
    def SetCurrentFolder(self, folder):
        if not isinstance(folder, FakeFolder) or folder not in self.folders():
            return False
        self.current = folder
        return True

    @api(mutates=True)
    def AddSubFolder(self, parent, name):
        if not isinstance(parent, FakeFolder) or not isinstance(name, str) or not name:
            return None
        if any(f.name == name for f in parent.subfolders):
            return None  # undocumented in Resolve; strict here so adapters look the name up first
        folder = FakeFolder(self._w, name, parent)
        parent.subfolders.append(folder)
        return folder

    @api(fail=False, mutates=True)
    def DeleteFolders(self, folders):
        if not isinstance(folders, list) or not all(isinstance(f, FakeFolder) and f.parent for f in folders):
            return False
        for f in folders:
            f.parent.subfolders.remove(f)
            if self.current is f:
                self.current = self.root
        return True

    @api(mutates=True)
    def CreateEmptyTimeline(self, name):
        if not isinstance(name, str) or not name or any(t.name == name for t in self.project.timelines):
            return None
        tl = FakeTimeline(self._w, self.project, name)
        self.project.timelines.append(tl)
        if self._w.create_sets_current:
            self.project.current = tl
        return tl

    @api(fail=False, mutates=True)
    def DeleteTimelines(self, timelines):
        if not isinstance(timelines, list) or not all(t in self.project.timelines for t in timelines):
            return False
        for t in timelines:
            self.project.timelines.remove(t)
            if self.project.current is t:
                self.project.current = self.project.timelines[0] if self.project.timelines else None
        return True

    @api(fail=list, mutates=True)
    def AppendToTimeline(self, *args):
        tl = self.project.current
        if tl is None:
            return []
        if self._w.version < (20, 3, 2) and not self.selected:
            return []  # CHANGELOG: failed with no pool clip selected before 20.3.2
        infos = args[0] if len(args) == 1 and isinstance(args[0], list) else list(args)
        infos = [{"mediaPoolItem": i} if isinstance(i, FakeMediaPoolItem) else i for i in infos]
        return place_clip_infos(self._w, tl, infos, set(self.all_clips()))

    @api(fail=False, mutates=True)
    def DeleteClips(self, clips):
        if not isinstance(clips, list) or not all(isinstance(c, FakeMediaPoolItem) for c in clips):
            return False
        folders = {id(c): f for f in self.folders() for c in f.clips}
        if not all(id(c) in folders for c in clips):
            return False
        for c in clips:
            folders[id(c)].clips.remove(c)
            if c in self.selected:
                self.selected.remove(c)
        return True

    @api(fail=False, mutates=True)
    def MoveClips(self, clips, folder):
        if not isinstance(folder, FakeFolder) or folder not in self.folders() or not isinstance(clips, list):
            return False
        where = {id(c): f for f in self.folders() for c in f.clips}
        if not all(id(c) in where for c in clips):
            return False
        for c in clips:
            where[id(c)].clips.remove(c)
            folder.clips.append(c)
        return True

    @api(fail=list, mutates=True)
    def ImportMedia(self, paths):
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            return []
        out = []
        for p in paths:
            props = self._w.import_probe(p) if (self._w.import_probe and os.path.isfile(p)) else None
            if props:
                clip = FakeMediaPoolItem(self._w, p, **props)
                self.current.clips.append(clip)
                out.append(clip)
        return out

    @api(fail=list)
    def GetSelectedClips(self):
        return list(self.selected)

    @api(fail=False, mutates=True)
    def SetSelectedClip(self, clip):
        if not isinstance(clip, FakeMediaPoolItem):
            return False
        self.selected = [clip]
        return True


class FakeProject(Bridge):
    _kind = "project"

    def __init__(self, world, name: str, rate: str, start_tc: str):
        super().__init__(world)
        self.name, self.timelines, self.current = name, [], None
        self.settings = {"timelineFrameRate": rate, "timelineStartTimecode": start_tc,
                         "timelineDropFrameTimecode": "1" if "DF" in rate else "0",
                         "timelinePlaybackFrameRate": rate.split()[0], "timelineResolutionWidth": "1920",
                         "timelineResolutionHeight": "1080"}
        self.pool = FakeMediaPool(world, self)

    @api()
    def GetName(self):
        return self.name

    @api()
    def GetMediaPool(self):
        return self.pool

    @api(fail=0)
    def GetTimelineCount(self):
        return len(self.timelines)

    @api()
    def GetTimelineByIndex(self, index):
        if not is_num(index) or int(index) != index or not 1 <= index <= len(self.timelines):
            return None
        return self.timelines[int(index) - 1]

    @api()
    def GetCurrentTimeline(self):
        return self.current

    @api(fail=False, mutates=True)
    def SetCurrentTimeline(self, timeline):
        if timeline not in self.timelines:
            return False
        self.current = timeline
        return True

    @api(fail="")
    def GetSetting(self, key=None):
        if key is None:
            return dict(self.settings)
        value = self.settings.get(key, "") if isinstance(key, str) else ""
        return self._w.rate_value(value) if key == "timelineFrameRate" else value


class FakeProjectManager(Bridge):
    _kind = "projectmanager"

    def __init__(self, world, project):
        super().__init__(world)
        self.project = project

    @api()
    def GetCurrentProject(self):
        return self.project


class FakeResolve(Bridge):
    _kind = "resolve"

    def __init__(self, edition: str = "Studio", version=(20, 3, 2), end_frame_inclusive: bool = False,
                 ghost_on_collision: bool = False, has_attr_always_true: bool = True,
                 project_rate: str = "24", start_tc: str = "01:00:00:00", allow_custom_rate: bool = True,
                 studio_only=frozenset(), import_probe: Optional[Callable[[str], Optional[dict]]] = None,
                 missing_attr: str = "callable", create_sets_current: bool = False,
                 frame_rate_setting_type: Optional[str] = None, append_returns_linked: bool = False,
                 page: str = "edit"):
        if missing_attr not in ("callable", "none") or frame_rate_setting_type not in (None, "str", "number"):
            raise ValueError("missing_attr: callable|none; frame_rate_setting_type: None|str|number")
        self.ids = itertools.count(1)
        self.item_serials = itertools.count(1)
        self.calls: list = []
        self.unknown: list = []
        self.protocol_errors: list = []
        self.missing_attr, self.create_sets_current = missing_attr, create_sets_current
        self.frame_rate_setting_type, self.append_returns_linked = frame_rate_setting_type, append_returns_linked
        self.page = page
        self.edition, self.version = edition, tuple(version)
        self.end_frame_inclusive, self.ghost_on_collision = end_frame_inclusive, ghost_on_collision
        self.has_attr_always_true, self.allow_custom_rate = has_attr_always_true, allow_custom_rate
        self.studio_only, self.import_probe, self.modal_open = frozenset(studio_only), import_probe, False
        super().__init__(self)
        self.project = FakeProject(self, "Test project", project_rate, start_tc)
        self.manager = FakeProjectManager(self, self.project)

    # -- test helpers (not part of the Resolve API) --------------------------------------
    @property
    def pool(self) -> FakeMediaPool:
        return self.project.pool

    def add_clip(self, path: str, folder: Optional[FakeFolder] = None, **props) -> FakeMediaPoolItem:
        clip = FakeMediaPoolItem(self, path, **props)
        (folder or self.pool.current).clips.append(clip)
        return clip

    def add_folder(self, name: str, parent: Optional[FakeFolder] = None) -> FakeFolder:
        folder = FakeFolder(self, name, parent or self.pool.root)
        folder.parent.subfolders.append(folder)
        return folder

    def add_timeline(self, name: str, current: bool = True) -> FakeTimeline:
        tl = FakeTimeline(self, self.project, name)
        self.project.timelines.append(tl)
        if current:
            self.project.current = tl
        return tl

    def dismiss_modal(self) -> None:
        self.modal_open = False

    @property
    def python_available(self) -> bool:
        """Free 21.1+ runs no Python scripts (HOST_API A1)."""
        return not (self.edition == "Free" and self.version[:2] >= (21, 1))

    def rate_value(self, value):
        """A frame-rate setting as this version reads it back: a number from 21.1 (.pyi), a string
        before (knob ``frame_rate_setting_type`` overrides)."""
        kind = self.frame_rate_setting_type or ("number" if self.version >= (21, 1) else "str")
        if kind == "str":
            return str(value)
        number = float(str(value).split()[0])
        return int(number) if number == int(number) else number

    def __getattr__(self, name: str):
        if name == "IsStudio" and self.__dict__.get("version", ()) >= (21, 1):
            return self._is_studio  # added in 21.1; older builds do not have it
        return super().__getattr__(name)

    # -- API ---------------------------------------------------------------------------------
    @api()
    def GetProjectManager(self):
        return self.manager

    @api(fail=list)
    def GetVersion(self):
        return [float(v) for v in self.version] + [0.0, ""]

    @api(fail="")
    def GetVersionString(self):
        return ".".join(str(v) for v in self.version)

    @api(fail="")
    def GetProductName(self):
        return "DaVinci Resolve Studio" if self.edition == "Studio" else "DaVinci Resolve"

    @api(fail=False)
    def _is_studio(self):
        return self.edition == "Studio"

    @api()
    def Fusion(self):
        return None

    @api(fail="")
    def GetCurrentPage(self):
        return self.page

    @api(fail=False, mutates=True)
    def OpenPage(self, page):
        if page not in ("media", "cut", "edit", "fusion", "color", "fairlight", "deliver"):
            return False
        self.page = page
        return True


def scripting_resolve(fake: FakeResolve) -> Optional[FakeResolve]:
    """What a Python script gets: the resolve object, or None where Python does not run (Free 21.1+)."""
    return fake if fake.python_available else None


class FakeBmd:
    """The ``bmd`` global: ``scriptapp("Resolve")`` is None on Free (no external scripting)."""

    def __init__(self, resolve: FakeResolve):
        self.resolve = resolve

    def scriptapp(self, name):
        return self.resolve if name == "Resolve" and self.resolve.edition == "Studio" else None


__all__ = ["scripting_resolve", "FakeBmd", "FakeFolder", "FakeMediaPool", "FakeMediaPoolItem", "FakeProject", "FakeResolve",
           "FakeTimeline", "FakeTimelineItem", "CLIP_COLORS", "MARKER_COLORS"]
