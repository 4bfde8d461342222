"""The Resolve fake's Timeline, TimelineItem and AppendToTimeline placement (see resolve_fake)."""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Optional

from .resolve_fake_base import CLIP_COLORS, MARKER_COLORS, Bridge, api, frames_to_tc, is_num, snap_rate, tc_to_frames

RATE_SETTINGS = ("16", "18", "23.976", "24", "25", "29.97", "29.97 DF", "30", "47.952", "48", "50",
                 "59.94", "59.94 DF", "60", "72", "95.904", "96", "100", "119.88", "120")
TRACK_KINDS = ("video", "audio", "subtitle")
AUDIO_TRACK_TYPES = ("mono", "stereo", "5.1", "5.1film", "7.1", "7.1film", "adaptive")


def add_marker(markers: dict, frame, color, name, note, duration, custom) -> bool:
    """AddMarker on a timeline or an item: False for a bad argument or a frame that has one already."""
    if not (is_num(frame) and color in MARKER_COLORS and isinstance(name, str) and isinstance(note, str)
            and is_num(duration) and duration >= 1 and float(frame) not in markers):
        return False
    markers[float(frame)] = {"color": color, "name": name, "note": note, "duration": float(duration),
                             "customData": custom}
    return True


class FakeTimeline(Bridge):
    _kind = "timeline"

    def __init__(self, world, project, name: str):
        super().__init__(world)
        self.project, self.name = project, name
        self.settings = {"useCustomSettings": "0"}
        self.tracks = {"video": [[]], "audio": [[]], "subtitle": []}
        self.enabled = {}
        self.track_names = {}
        self.markers = {}
        self.start_frame = tc_to_frames(project.settings["timelineStartTimecode"], self.rate)

    def _owner(self):
        return ("timeline", self._uid)

    @property
    def rate(self) -> Fraction:
        custom = self.settings.get("timelineFrameRate") if self.settings["useCustomSettings"] == "1" else None
        return snap_rate(custom or self.project.settings["timelineFrameRate"])

    def items(self):
        return [i for kind in ("video", "audio") for track in self.tracks[kind] for i in track]

    def _track(self, kind, index):
        if kind not in TRACK_KINDS or not is_num(index) or int(index) != index:
            return None
        tracks = self.tracks[kind]
        return tracks[int(index) - 1] if 1 <= index <= len(tracks) else None

    @api()
    def GetName(self):
        return self.name

    @api(fail=False, mutates=True)
    def SetName(self, name):
        if not isinstance(name, str) or not name or any(t.name == name for t in self.project.timelines):
            return False
        self.name = name
        return True

    @api()
    def GetStartFrame(self):
        return self.start_frame

    @api()
    def GetEndFrame(self):
        return max([i.start + i.duration for i in self.items()] + [self.start_frame])

    def drop_frame(self) -> bool:
        key = "timelineDropFrameTimecode"
        value = self.settings.get(key) if self.settings["useCustomSettings"] == "1" and key in self.settings \
            else self.project.settings.get(key)
        return value == "1"

    @api(fail="")
    def GetStartTimecode(self):
        return frames_to_tc(self.start_frame, self.rate, self.drop_frame())

    @api(fail=False, mutates=True)
    def SetStartTimecode(self, tc):
        try:
            new = tc_to_frames(tc, self.rate)
        except (AttributeError, ValueError):
            return False
        for item in self.items():
            item.start += new - self.start_frame
        self.start_frame = new
        return True

    @api(fail=0)
    def GetTrackCount(self, kind):
        return len(self.tracks[kind]) if kind in TRACK_KINDS else 0

    @api(fail=False, mutates=True)
    def AddTrack(self, kind, sub_type=None):
        if kind not in TRACK_KINDS:
            return False
        if isinstance(sub_type, dict):
            sub_type = sub_type.get("audioType")
        if sub_type is not None and (kind != "audio" or not str(sub_type).startswith(AUDIO_TRACK_TYPES)):
            return False
        self.tracks[kind].append([])
        return True

    @api(fail=list)
    def GetItemListInTrack(self, kind, index):
        track = self._track(kind, index)
        return sorted(track, key=lambda i: i.start) if track is not None else []

    @api(fail=False, mutates=True)
    def SetTrackEnable(self, kind, index, enabled):
        if self._track(kind, index) is None or not isinstance(enabled, bool):
            return False
        self.enabled[(kind, int(index))] = enabled
        return True

    @api()
    def GetIsTrackEnabled(self, kind, index):
        return self.enabled.get((kind, int(index)), True) if self._track(kind, index) is not None else None

    @api(fail=False, mutates=True)
    def SetTrackName(self, kind, index, name):
        if self._track(kind, index) is None or not isinstance(name, str):
            return False
        self.track_names[(kind, int(index))] = name
        return True

    @api(fail=False, mutates=True)
    def AddMarker(self, frame, color, name, note, duration, custom=""):
        # frameId is RELATIVE to the timeline start and echoed back unchecked (HOST_API A3.6)
        return isinstance(custom, str) and add_marker(self.markers, frame, color, name, note, duration, custom)

    @api(fail=dict)
    def GetMarkers(self):
        return {k: dict(v) for k, v in self.markers.items()}

    @api(fail="")
    def GetSetting(self, key=None):
        if key == "timelineFrameRate":
            value = self.settings.get(key) if self.settings["useCustomSettings"] == "1" else None
            return self._w.rate_value(value or self.project.settings[key])
        if self.settings["useCustomSettings"] == "1" and key in self.settings:
            return self.settings[key]
        return self.project.settings.get(key, "") if key != "useCustomSettings" else self.settings[key]

    @api(fail=False, mutates=True)
    def SetSetting(self, key, value):
        if not isinstance(key, str) or not isinstance(value, str):
            return False
        if key == "useCustomSettings":
            if value not in ("0", "1"):
                return False
            self.settings[key] = value
            return True
        if self.settings["useCustomSettings"] != "1" or key not in self.project.settings:
            return False  # writable only with custom settings, and only settings Resolve has
        if key == "timelineFrameRate":
            if value not in RATE_SETTINGS or self.items() or not self._w.allow_custom_rate:
                return False
            old = self.rate
            self.settings[key] = value
            if value.endswith(" DF"):  # "29.97 DF" sets drop-frame timecode too (HOST_API A3.8)
                self.settings["timelineDropFrameTimecode"] = "1"
            # [modelling choice] the start keeps its timecode label at the new rate
            self.start_frame = int(self.start_frame * round(self.rate) / round(old))
            return True
        self.settings[key] = value
        return True

    @api(fail=False, mutates=True)
    def DeleteClips(self, items, ripple=False):
        """Needs the Edit page (HOST_API A3.9); leaves linked audio behind."""
        if self._w.page != "edit" or not isinstance(items, list) or not isinstance(ripple, bool):
            return False
        if not all(isinstance(i, FakeTimelineItem) and i.timeline is self and not i.ghost for i in items):
            return False
        for i in items:
            track = self.tracks[i.kind][i.track - 1]
            if i in track:
                track.remove(i)
        return True

    @api(fail=False, mutates=True)
    def SetClipsLinked(self, items, linked):
        return isinstance(items, list) and all(isinstance(i, FakeTimelineItem) for i in items) \
            and isinstance(linked, bool)


class FakeTimelineItem(Bridge):
    _kind = "item"

    def __init__(self, world, timeline, clip, kind: str, track: int, start: int, duration: int,
                 src_in: int, src_out: int, ghost: bool = False):
        super().__init__(world)
        self.timeline, self.clip, self.kind, self.track = timeline, clip, kind, track
        self.start, self.duration, self.src_in, self.src_out = start, duration, src_in, src_out
        self.ghost = ghost
        self.serial = next(world.item_serials)
        self.color, self.markers, self.takes, self.selected_take, self.clip_enabled = "", {}, [], 0, True

    def _owner(self):
        return ("timeline", self.timeline._uid)

    def _get(self, value):
        return None if self.ghost else value

    @api(fail="")
    def GetUniqueId(self):
        return "" if self.ghost else self._uid

    @api()
    def GetName(self):
        return self._get(self.clip.name)

    @api()
    def GetStart(self, subframe=False):
        return self._get(float(self.start) if subframe else self.start)

    @api()
    def GetEnd(self, subframe=False):
        return self._get(self.start + self.duration)

    @api()
    def GetDuration(self, subframe=False):
        return self._get(self.duration)

    @api()
    def GetLeftOffset(self, subframe=False):
        return self._get(self.src_in)

    @api()
    def GetSourceStartFrame(self):
        # documented as off by one on some items (A3.3): every third one reads a frame late here
        return self._get(self.src_in + (1 if self.serial % 3 == 0 else 0))

    @api()
    def GetSourceEndFrame(self):
        return self._get(self.src_out)

    @api()
    def GetMediaPoolItem(self):
        return self._get(self.clip)

    @api()
    def GetTrackTypeAndIndex(self):
        return self._get([self.kind, float(self.track)])

    @api(fail="")
    def GetClipColor(self):
        return self._get(self.color) or ""

    @api(fail=False, mutates=True)
    def SetClipColor(self, color):
        if self.ghost or color not in CLIP_COLORS:
            return False
        self.color = color
        return True

    @api(fail=False, mutates=True)
    def SetProperty(self, key, value):
        """Inspector values (scripting README, TimelineItem.SetProperty): Pan/Tilt within +-4x the
        timeline size, ZoomX/ZoomY 0..100; anything else (or a non-number) is refused."""
        if self.ghost or not isinstance(value, (int, float)) or isinstance(value, bool):
            return False
        w = float(self.timeline.GetSetting("timelineResolutionWidth") or 1920)
        h = float(self.timeline.GetSetting("timelineResolutionHeight") or 1080)
        limits = {"Pan": 4.0 * w, "Tilt": 4.0 * h}
        if key in ("ZoomX", "ZoomY"):
            ok = 0.0 <= value <= 100.0
        elif key in limits:
            ok = abs(value) <= limits[key]
        else:
            ok = False
        if ok:
            self.__dict__.setdefault("properties", {})[key] = float(value)
        return ok

    @api(fail=False, mutates=True)
    def AddMarker(self, frame, color, name, note, duration, custom=""):
        return not self.ghost and add_marker(self.markers, frame, color, name, note, duration, custom)

    @api(fail=dict)
    def GetMarkers(self):
        return {} if self.ghost else {k: dict(v) for k, v in self.markers.items()}

    @api(fail=False, mutates=True)
    def AddTake(self, clip, start=None, end=None):
        from .resolve_fake import FakeMediaPoolItem

        if self.ghost or not isinstance(clip, FakeMediaPoolItem):
            return False
        if start is None and end is None:
            start, end = 0, clip.frames
        if not (is_num(start) and is_num(end) and 0 <= start < end <= clip.frames):
            return False
        if not self.takes:  # the selector starts with the placed clip, which stays selected
            self.takes.append({"mediaPoolItem": self.clip, "startFrame": self.src_in, "endFrame": self.src_out})
            self.selected_take = 1
        self.takes.append({"mediaPoolItem": clip, "startFrame": int(start), "endFrame": int(end)})
        return True

    @api(fail=0)
    def GetTakesCount(self):
        return len(self.takes)

    @api(fail=0)
    def GetSelectedTakeIndex(self):
        return self.selected_take

    @api(fail=False, mutates=True)
    def SelectTakeByIndex(self, index):
        if not is_num(index) or not 1 <= index <= len(self.takes):
            return False
        self.selected_take = int(index)
        return True

    @api()
    def GetTakeByIndex(self, index):
        return dict(self.takes[int(index) - 1]) if is_num(index) and 1 <= index <= len(self.takes) else None

    @api(fail=False)
    def GetClipEnabled(self):
        return self._get(self.clip_enabled)

    @api(fail=False, mutates=True)
    def SetClipEnabled(self, enabled):
        if self.ghost or not isinstance(enabled, bool):
            return False
        self.clip_enabled = enabled
        return True


def _check_info(world, tl, info, pool_clips) -> Optional[dict]:
    """A normalised clipInfo, or None when Resolve would refuse it."""
    from .resolve_fake import FakeMediaPoolItem

    if not isinstance(info, dict) or not isinstance(info.get("mediaPoolItem"), FakeMediaPoolItem):
        return None
    clip = info["mediaPoolItem"]
    if clip not in pool_clips:
        return None
    start, end = info.get("startFrame", 0), info.get("endFrame", clip.frames)
    media_type, track = info.get("mediaType"), info.get("trackIndex", 1)
    record = info.get("recordFrame")
    if not all(is_num(v) for v in (start, end, track)) or (record is not None and not is_num(record)):
        return None
    if media_type is not None and media_type not in (1, 2):
        return None
    length = end - start + (1 if world.end_frame_inclusive else 0)
    if start < 0 or length <= 0 or start + length > clip.frames or int(track) != track or track < 1:
        return None
    kinds = {1: ["video"], 2: ["audio"], None: ["video", "audio"]}[media_type]
    kinds = [k for k in kinds if (clip.has_video if k == "video" else clip.has_audio)]
    if not kinds:
        return None
    for k in kinds:
        limit = len(tl.tracks["video"]) if (k == "audio" and media_type == 2 and world.version < (20, 2, 2)) \
            else len(tl.tracks[k])
        if track > limit:
            return None
    return {"clip": clip, "src_in": int(start), "src_out": int(start + length), "kinds": kinds,
            "track": int(track), "record": None if record is None else int(record)}


def place_clip_infos(world, tl: FakeTimeline, infos: list, pool_clips: set) -> list:
    """Place each valid clipInfo (an invalid one is left out of the result); returns one item per
    placed clipInfo (the picture when both sides land), or all of them with ``append_returns_linked``."""
    out = []
    for info in infos:
        c = _check_info(world, tl, info, pool_clips)
        if c is None:
            continue
        placed = _place_one(world, tl, c)
        out.extend(placed if world.append_returns_linked else placed[:1])
    return out


def _place_one(world, tl: FakeTimeline, c: dict) -> list:
    """Both sides of one clipInfo land, or neither: on an overlap the earlier item wins and this
    one is dropped silently (or comes back as a ghost)."""
    clip, n = c["clip"], c["src_out"] - c["src_in"]
    frames = n if clip.rate == tl.rate else math.floor(n * tl.rate / clip.rate)  # floored (A3.3)
    plan = []
    for kind in c["kinds"]:
        track = tl.tracks[kind][c["track"] - 1]
        record = c["record"]
        if record is None:  # append after the last item of the track
            record = max([i.start + i.duration for i in track] + [tl.start_frame])
        duration = 0 if record < tl.start_frame else frames  # absolute recordFrame: 0 → ~0 frames
        if any(i.duration and duration and i.start < record + duration and record < i.start + i.duration
               for i in track):
            if world.ghost_on_collision:
                return [FakeTimelineItem(world, tl, clip, kind, c["track"], record, duration,
                                         c["src_in"], c["src_out"], ghost=True)]
            return []
        plan.append((kind, track, record, duration))
    out = []
    for kind, track, record, duration in plan:
        item = FakeTimelineItem(world, tl, clip, kind, c["track"], record, duration, c["src_in"], c["src_out"])
        track.append(item)
        out.append(item)
    return out
