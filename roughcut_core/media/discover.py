"""Find the media files in what the user selected (files and folders).

Contract of :func:`discover_media`:
- A file named explicitly is always returned (``probe`` decides whether it is usable);
  a missing input is an error "file not found".
- A folder is walked recursively in sorted order. Hidden files and folders (``.DS_Store``,
  ``.git``...) and our own sidecars (``*.json``, ``*.otio``, ``*.html``, ``*.fountain``,
  ``*.fdx``, ``*.pdf``, ``*.txt``) are skipped quietly; files with a media extension
  (:data:`MEDIA_EXTENSIONS`) are returned; every other file yields one MediaError
  "not a media file (...)" so the user sees what was left out. A folder holding no media
  at all is itself an error.
- Each path is returned once, in input order, even when inputs overlap.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Union

from ..errors import MediaError

VIDEO_EXTENSIONS = frozenset({
    ".mov", ".mp4", ".m4v", ".mxf", ".mkv", ".avi", ".mts", ".m2ts", ".ts", ".mpg", ".mpeg",
    ".m2v", ".webm", ".wmv", ".flv", ".3gp", ".dv", ".vob", ".ogv", ".y4m",
})
AUDIO_EXTENSIONS = frozenset({
    ".wav", ".bwf", ".aif", ".aiff", ".aifc", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".oga",
    ".opus", ".wma", ".caf", ".ac3", ".mka", ".w64", ".rf64",
})
MEDIA_EXTENSIONS: frozenset[str] = VIDEO_EXTENSIONS | AUDIO_EXTENSIONS
SIDECAR_EXTENSIONS = frozenset({".json", ".otio", ".html", ".fountain", ".fdx", ".pdf", ".txt"})
# Camera raw formats FFmpeg cannot decode: worth a specific hint rather than "not media".
_CAMERA_RAW = frozenset({".r3d", ".braw", ".ari", ".arx", ".crm", ".cine"})


def is_media_name(path: Union[str, Path]) -> bool:
    return Path(path).suffix.lower() in MEDIA_EXTENSIONS


def discover_media(inputs: Iterable[Union[str, Path]]) -> tuple[list[Path], list[MediaError]]:
    """(media paths to probe, one MediaError per input or folder entry left out)."""
    found: list[Path] = []
    errors: list[MediaError] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        ident = os.path.realpath(path)
        if ident not in seen:
            seen.add(ident)
            found.append(path)

    for item in inputs:
        path = Path(item)
        if path.is_dir():
            before = len(found)
            for child, error in _walk(path):
                if error is not None:
                    errors.append(error)
                else:
                    add(child)
            if len(found) == before and not any(_within(e.path, path) for e in errors):
                errors.append(MediaError(path, "no media files found in this folder"))
        elif path.exists():
            add(path)
        elif path.is_symlink():
            errors.append(MediaError(path, "broken link: its target does not exist"))
        else:
            errors.append(MediaError(path, "file not found"))
    return found, errors


def _walk(root: Path):
    """(path, None) for media and (path, MediaError) for other files, sorted, recursive."""
    unreadable: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable.append, followlinks=False):
        yield from _folder_errors(unreadable, dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            ext = path.suffix.lower()
            if ext in SIDECAR_EXTENSIONS:
                continue
            if ext in MEDIA_EXTENSIONS:
                yield path, None
            elif ext in _CAMERA_RAW:
                yield path, MediaError(path, f"camera raw format ({ext}) that FFmpeg cannot "
                                             "decode; transcode it (e.g. to ProRes) first")
            else:
                kind = f"extension '{ext}'" if ext else "no file extension"
                yield path, MediaError(path, f"not a media file ({kind})")
    yield from _folder_errors(unreadable, root)


def _folder_errors(errors: list[OSError], fallback):
    while errors:
        exc = errors.pop(0)
        where = exc.filename or fallback
        yield Path(where), MediaError(where, f"cannot read folder: {exc.strerror or exc}")


def _within(path: str, folder: Path) -> bool:
    try:
        Path(path).relative_to(folder)
        return True
    except ValueError:
        return False
