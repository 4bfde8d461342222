"""Server-side folder browser, limited to the bridge's allowed roots.

Every path is checked with :func:`bridge_server.security.allowed_path` (the same check the
job API uses) before anything is listed or stat'ed; outside the roots the answer is the
same whether or not the folder exists. Listing shows sub-folders, media files (by
extension) and screenplay files; hidden entries are skipped.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Sequence

from ..security import OUTSIDE_ROOTS, allowed_path

MEDIA_EXT = frozenset({".mov", ".mp4", ".m4v", ".mxf", ".avi", ".mkv", ".webm", ".mts", ".m2ts"})
SCRIPT_EXT = frozenset({".fountain", ".fdx", ".pdf", ".txt", ".spmd"})
MAX_ENTRIES = 2000


class BrowseError(ValueError):
    """The folder cannot be listed; the message says why (never what lies outside the roots)."""


def check_path(path: str, roots: Sequence[Path]) -> str:
    """``path`` resolved if under an allowed root, else BrowseError(OUTSIDE_ROOTS)."""
    resolved = allowed_path(path, roots)
    if resolved is None:
        raise BrowseError(f"{path}: {OUTSIDE_ROOTS}")
    return resolved


def list_folder(path: Optional[str], roots: Sequence[Path]) -> dict:
    """``{"path", "parent", "folders": [...], "media": [...], "scripts": [...]}``; with no
    path, the roots themselves as folders (``path`` None)."""
    if not path:
        return {"path": None, "parent": None, "folders": [{"name": str(r), "path": str(r)} for r in roots],
                "media": [], "scripts": [], "roots": [str(r) for r in roots]}
    resolved = check_path(path, roots)
    if not os.path.isdir(resolved):
        raise BrowseError(f"{path}: not a folder")
    folders, media, scripts = [], [], []
    try:
        with os.scandir(resolved) as it:
            entries = sorted(it, key=lambda e: e.name.lower())
    except OSError as exc:
        raise BrowseError(f"{path}: cannot be listed: {exc.strerror or exc}") from None
    for entry in entries[:MAX_ENTRIES]:
        if entry.name.startswith("."):
            continue
        full = os.path.join(resolved, entry.name)
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError:
            continue
        ext = os.path.splitext(entry.name)[1].lower()
        if is_dir and allowed_path(full, roots) is not None:
            folders.append({"name": entry.name, "path": full})
        elif is_file and ext in MEDIA_EXT:
            media.append({"name": entry.name, "path": full})
        elif is_file and ext in SCRIPT_EXT:
            scripts.append({"name": entry.name, "path": full})
    parent = os.path.dirname(resolved)
    parent = parent if parent != resolved and allowed_path(parent, roots) is not None else None
    return {"path": resolved, "parent": parent, "folders": folders, "media": media, "scripts": scripts,
            "roots": [str(r) for r in roots]}


def media_in(folder: str, roots: Sequence[Path]) -> list[str]:
    """The media files directly in ``folder`` (sorted), checked against the roots."""
    listing = list_folder(folder, roots)
    return [m["path"] for m in listing["media"]]
