"""Read the clips the editor chose: the selected clips of the current bin, else the whole bin.

Contract (acceptance): :func:`read_selected_bin` returns one dict per *media* clip of the
current Media Pool folder (no timelines, compound clips, generators, titles, fusion clips),
each with at least ``path`` and ``host_id`` (= ``GetUniqueId()``), and changes nothing in
the project: it only calls getters (no SetCurrentFolder, no selection change).

Each dict: ``path, host_id, name, type, rate [num, den] | None, fps, frames, start_tc,
start_frame, drop_frame, audio_channels, online, clip_color, flags, hints``. ``hints`` carry
preferred-take signals for the bridge: clip colour, flags and Resolve's "Good Take" metadata.
"""
import os
from typing import Any, Dict, List, Optional

from .api import Folder, MediaPoolItem, Resolve
from .errors import ResolveFlowError
from .rates import rate_from_fps, timecode_to_frames

# 'Type' values of clips that are media files; others (Timeline, Compound, Generator, Fusion
# Title, Multicam...) are skipped. A clip with no Type but a File Path also counts.
MEDIA_TYPES = ("Video", "Audio", "Video + Audio", "Still", "Image")
# A green clip colour or flag is the usual "circled take" convention; Resolve's own
# "Good Take" metadata field is the explicit one.
PREFERRED_COLORS = ("Green",)


def _as_resolve(resolve: Any) -> Resolve:
    return resolve if isinstance(resolve, Resolve) else Resolve(resolve)


def current_folder(resolve: Any) -> Folder:
    project = _as_resolve(resolve).current_project()
    if project is None:
        raise ResolveFlowError("no project is open in Resolve")
    pool = project.media_pool()
    folder = pool.current_folder() if pool else None
    if folder is None:
        raise ResolveFlowError("cannot read the current Media Pool bin")
    return folder


def is_media_clip(item: MediaPoolItem) -> bool:
    kind = item.clip_property("Type").strip()
    if kind:
        return kind in MEDIA_TYPES
    return bool(item.clip_property("File Path"))


def _int(text: str) -> Optional[int]:
    try:
        return int(round(float(text)))
    except (TypeError, ValueError):
        return None


def clip_info(item: MediaPoolItem) -> Dict[str, Any]:
    """Everything roughcut needs about one Media Pool clip (getters only)."""
    path = item.clip_property("File Path")
    fps_text = item.clip_property("FPS")
    rate = rate_from_fps(fps_text) if fps_text else None
    drop = item.clip_property("Drop frame").strip() in ("1", "True", "true")
    start_tc = item.clip_property("Start TC")
    start_frame = None
    if start_tc and rate:
        try:
            start_frame = timecode_to_frames(start_tc, rate, drop if ";" not in start_tc else None)
        except ValueError:
            start_frame = None
    color = item.clip_color() or item.clip_property("Clip Color")
    flags = item.flags()
    good_take = item.metadata("Good Take").strip().lower() in ("1", "true", "yes")
    status = item.clip_property("Online Status").strip().lower()
    online = bool(path) and os.path.isfile(path) and status not in ("offline", "media offline")
    return {
        "path": path, "host_id": item.unique_id(), "name": item.name(),
        "type": item.clip_property("Type"), "rate": list(rate) if rate else None,
        "fps": float(fps_text) if _int(fps_text) is not None else None,
        "frames": _int(item.clip_property("Frames")), "start_tc": start_tc, "start_frame": start_frame,
        "drop_frame": drop, "audio_channels": _int(item.clip_property("Audio Ch")) or 0,
        "online": online, "clip_color": color, "flags": flags,
        "hints": {"clip_color": color or None, "flags": flags, "good_take": good_take,
                  "preferred": good_take or color in PREFERRED_COLORS
                  or any(f in PREFERRED_COLORS for f in flags)},
    }


def read_selected_bin(resolve: Any) -> List[Dict[str, Any]]:
    """The media clips of the current bin (only the selected ones when the editor selected
    some there), as :func:`clip_info` dicts, in bin order. Changes nothing in the project."""
    resolve = _as_resolve(resolve)
    folder = current_folder(resolve)
    clips = [c for c in folder.clips() if is_media_clip(c)]
    pool = resolve.current_project().media_pool()
    in_bin = {c.unique_id() for c in clips}
    selected = {c.unique_id() for c in pool.selected_clips()} & in_bin
    if selected:
        clips = [c for c in clips if c.unique_id() in selected]
    return [clip_info(c) for c in clips]
