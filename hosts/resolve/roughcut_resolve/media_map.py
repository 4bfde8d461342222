"""Map the host plan's media to Media Pool items: by ``host_id`` first, then by file path.

Files the pool does not hold are imported (only when they exist on disk) into a "roughcut"
bin, created only if needed and reused when it exists; the current bin is restored after.
Nothing is imported when a required file is missing, and :meth:`Imports.undo` removes what a
run imported (and the bin, if the run created it) when the apply fails later, so a failed
apply leaves the Media Pool as it was.
"""
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


class Imports:
    """What one run added to the Media Pool: the imported clips and the bin it created (if any)."""

    def __init__(self, pool: MediaPool):
        self.pool = pool
        self.paths: List[str] = []
        self.clips: List[MediaPoolItem] = []
        self.created_bin: Optional[Folder] = None

    def undo(self) -> List[str]:
        """Removes the imported clips, then the bin this run created; returns what could not be
        removed (as text for the editor), [] when everything was."""
        left: List[str] = []
        if self.clips and not self.pool.delete_clips(self.clips):
            left.append("imported clips %s" % ", ".join(os.path.basename(p) for p in self.paths))
        if self.created_bin is not None and not self.pool.delete_folders([self.created_bin]):
            left.append("the %r bin" % IMPORT_BIN)
        if not left:
            self.paths, self.clips, self.created_bin = [], [], None
        return left


def import_missing(pool: MediaPool, index: MediaIndex, paths: List[str], imports: Optional[Imports] = None) -> Imports:
    """Import ``paths`` into the "roughcut" bin; returns the :class:`Imports` record.
    Raises ResolveFlowError (after removing what it imported and a bin it created) when the
    import fails."""
    imports = imports or Imports(pool)
    root = pool.root_folder()
    previous = pool.current_folder()
    if root is None:
        raise ResolveFlowError("cannot read the Media Pool to import media")
    target = _find_bin(root, IMPORT_BIN)
    if target is None:
        target = pool.add_sub_folder(root, IMPORT_BIN)
        if target is None:
            raise ResolveFlowError("cannot create the %r bin to import media" % IMPORT_BIN)
        imports.created_bin = target
    try:
        if not pool.set_current_folder(target):
            imports.undo()
            raise ResolveFlowError("cannot open the %r bin to import media" % IMPORT_BIN)
        items = pool.import_media(paths)
        imports.clips.extend(items)
        got = {_norm(c.clip_property("File Path")) for c in items}
        missing = [p for p in paths if _norm(p) not in got]
        if missing:
            imports.paths = [p for p in paths if _norm(p) in got]
            left = imports.undo()
            raise ResolveFlowError("Resolve could not import: " + ", ".join(missing)
                                   + ("" if not left else " (could not remove %s: delete by hand)" % "; ".join(left)))
        for clip in items:
            index.add(clip)
        imports.paths.extend(paths)
    finally:
        if previous is not None:
            pool.set_current_folder(previous)
    return imports


def resolve_media(pool: MediaPool, plan: Dict[str, Any], allow_import: bool = True) -> Tuple[MediaIndex, Imports, List[str]]:
    """Index the pool and import what the plan needs; returns (index, imports, warnings).
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
    imports = Imports(pool)
    if to_import:
        import_missing(pool, index, to_import, imports)
        warnings.append("imported %d file(s) into the %r bin: %s" % (
            len(imports.paths), IMPORT_BIN, ", ".join(os.path.basename(p) for p in imports.paths)))
    return index, imports, warnings
