"""Map the host plan's media to Media Pool items: by ``host_id`` first, then by file path.

Files the pool does not hold are imported (only when they exist on disk) into a "roughcut"
bin, created only if needed and reused when it exists; the current bin is restored after.
Nothing is imported when a required file is missing, so a failed apply changes nothing.
"""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Tuple

from .api import Folder, MediaPool, MediaPoolItem
from .bin_read import is_media_clip
from .errors import ResolveFlowError

IMPORT_BIN = "roughcut"


def _norm(path: str) -> str:
    return os.path.normcase(os.path.normpath(path)) if path else ""


def walk_folders(root: Folder) -> List[Folder]:
    out, todo, seen = [], [root], set()
    while todo:
        folder = todo.pop()
        key = folder.unique_id() or id(folder.raw)
        if key in seen:
            continue
        seen.add(key)
        out.append(folder)
        todo.extend(folder.sub_folders())
    return out


class MediaIndex:
    """Every media clip of the project's Media Pool, by unique id and by normalised path."""

    def __init__(self, pool: MediaPool):
        self.pool = pool
        self.by_id: Dict[str, MediaPoolItem] = {}
        self.by_path: Dict[str, MediaPoolItem] = {}
        root = pool.root_folder()
        for folder in walk_folders(root) if root else []:
            for clip in folder.clips():
                if is_media_clip(clip):
                    self.add(clip)

    def add(self, clip: MediaPoolItem) -> None:
        uid = clip.unique_id()
        if uid:
            self.by_id.setdefault(uid, clip)
        path = _norm(clip.clip_property("File Path"))
        if path:
            self.by_path.setdefault(path, clip)

    def find(self, media: Dict[str, Any]) -> Optional[MediaPoolItem]:
        host_id = media.get("host_id")
        if host_id and host_id in self.by_id:
            return self.by_id[host_id]
        return self.by_path.get(_norm(media.get("path") or ""))


def plan_media(plan: Dict[str, Any]) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """(media of the chosen items, media of alternates only)."""
    main, alts = [], []
    for item in plan.get("items") or []:
        main.append(item.get("media") or {})
        for alt in item.get("alternates") or []:
            alts.append(alt.get("media") or {})
    return main, alts


def _find_bin(root: Folder, name: str) -> Optional[Folder]:
    for folder in root.sub_folders():
        if folder.name() == name:
            return folder
    return None


def import_missing(pool: MediaPool, index: MediaIndex, paths: List[str]) -> Tuple[List[str], bool]:
    """Import ``paths`` into the "roughcut" bin; returns (imported paths, bin was created).
    Raises ResolveFlowError (after removing a bin it created) when the import fails."""
    root = pool.root_folder()
    previous = pool.current_folder()
    if root is None:
        raise ResolveFlowError("cannot read the Media Pool to import media")
    target = _find_bin(root, IMPORT_BIN)
    created = target is None
    if created:
        target = pool.add_sub_folder(root, IMPORT_BIN)
        if target is None:
            raise ResolveFlowError("cannot create the %r bin to import media" % IMPORT_BIN)
    try:
        if not pool.set_current_folder(target):
            raise ResolveFlowError("cannot open the %r bin to import media" % IMPORT_BIN)
        items = pool.import_media(paths)
        for clip in items:
            index.add(clip)
        got = {_norm(c.clip_property("File Path")) for c in items}
        missing = [p for p in paths if _norm(p) not in got]
        if missing:
            if created:
                pool.delete_folders([target])
            raise ResolveFlowError("Resolve could not import: " + ", ".join(missing))
    finally:
        if previous is not None:
            pool.set_current_folder(previous)
    return list(paths), created


def resolve_media(pool: MediaPool, plan: Dict[str, Any], allow_import: bool = True) -> Tuple[MediaIndex, List[str], List[str]]:
    """Index the pool and import what the plan needs; returns (index, imported, warnings).
    Raises ResolveFlowError naming every chosen clip that is neither in the pool nor on disk."""
    index = MediaIndex(pool)
    main, alts = plan_media(plan)
    warnings: List[str] = []
    to_import: List[str] = []
    unusable: List[str] = []
    for media, required in [(m, True) for m in main] + [(m, False) for m in alts]:
        if index.find(media) is not None:
            continue
        path = media.get("path") or ""
        if path and os.path.isfile(path) and allow_import:
            if path not in to_import:
                to_import.append(path)
        elif required:
            unusable.append("%s (%s)" % (path or media.get("host_id") or "?",
                                         "not in the Media Pool and not on disk" if not os.path.isfile(path)
                                         else "not in the Media Pool"))
        else:
            warnings.append("alternate skipped, media not found: %s" % (path or media.get("host_id")))
    if unusable:
        raise ResolveFlowError("media of the rough cut not found: " + "; ".join(sorted(set(unusable))))
    imported: List[str] = []
    if to_import:
        imported, _ = import_missing(pool, index, to_import)
        warnings.append("imported %d file(s) into the %r bin: %s" % (
            len(imported), IMPORT_BIN, ", ".join(os.path.basename(p) for p in imported)))
    return index, imported, warnings
