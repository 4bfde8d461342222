"""Find the media files in what the user selected (files and folders).

Contract of :func:`discover_media`:
- A file named explicitly is always returned (``probe`` decides whether it is usable);
  a missing input is an error "file not found".
- A folder is walked recursively in sorted order. Hidden files and folders (``.DS_Store``,
  ``.git``...) are skipped quietly; so are known non-media sidecars (:data:`SIDECAR_EXTENSIONS`:
  our own outputs, screenplays, transcripts and word timings such as ``.txt``/``.tsv``/
  ``.align``/``.srt``, diarization ``.rttm``/``.uem``, interchange ``.edl``/``.xml``/``.aaf``,
  camera-card metadata), which :func:`scan_media` counts for a one-line summary
  (:meth:`MediaScan.summary`). Files with a media extension (:data:`MEDIA_EXTENSIONS`) are
  returned; every other file yields one MediaError "not a media file (...)" so the user sees
  what was left out; numbered still frames of one image sequence (``plate.0001.dpx`` ...) give
  one MediaError for the whole sequence, not one per frame. A folder holding no media at all
  is itself an error.
- Each path is returned once, in input order, even when inputs overlap.
- Nothing but a regular readable file is returned: a named pipe, socket, device, symlink
  loop or unreadable file (named or found in a folder) becomes one MediaError with its own
  reason (:func:`roughcut_core.paths.check_input_file`), so no later step can block on it.

:func:`drop_duplicates` removes byte-identical copies (same bytes under another name): a
copy is not a second take. Each dropped copy gives one warning naming both files.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Union

from ..errors import MediaError, display_path
from ..paths import check_input_file

VIDEO_EXTENSIONS = frozenset({
    ".mov", ".mp4", ".m4v", ".mxf", ".mkv", ".avi", ".mts", ".m2ts", ".ts", ".mpg", ".mpeg",
    ".m2v", ".webm", ".wmv", ".flv", ".3gp", ".dv", ".vob", ".ogv", ".y4m",
})
AUDIO_EXTENSIONS = frozenset({
    ".wav", ".bwf", ".aif", ".aiff", ".aifc", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".oga",
    ".opus", ".wma", ".caf", ".ac3", ".mka", ".w64", ".rf64",
})
MEDIA_EXTENSIONS: frozenset[str] = VIDEO_EXTENSIONS | AUDIO_EXTENSIONS
SIDECAR_EXTENSIONS = frozenset({
    # roughcut's own outputs and screenplays
    ".json", ".otio", ".otiod", ".otioz", ".html", ".fountain", ".fdx", ".pdf", ".txt", ".md",
    # transcripts, subtitles, word/phone timings, diarization and annotation files
    ".tsv", ".csv", ".align", ".lab", ".textgrid", ".ctm", ".stm", ".rttm", ".uem", ".srt", ".vtt",
    ".sbv", ".ass", ".ssa", ".xhtml", ".rtf", ".doc", ".docx", ".log",
    # interchange and NLE/camera metadata (XML sidecars, AVCHD/XDCAM card files, thumbnails)
    ".edl", ".xml", ".fcpxml", ".aaf", ".ale", ".xmp", ".thm", ".bim", ".smi", ".cpi", ".mpl", ".bdm",
})
# Camera raw formats FFmpeg cannot decode: worth a specific hint rather than "not media".
_CAMERA_RAW = frozenset({".r3d", ".braw", ".ari", ".arx", ".crm", ".cine"})
# Still-frame formats that VFX plates and film scans arrive in as numbered image sequences.
_STILL_FRAME = frozenset({".dpx", ".exr", ".cin", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".tga",
                          ".bmp", ".hdr", ".webp"})
_FRAME_NUMBER = re.compile(r"^(?P<stem>.*?)(?P<number>\d+)$")


def is_media_name(path: Union[str, Path]) -> bool:
    return Path(path).suffix.lower() in MEDIA_EXTENSIONS


@dataclass(frozen=True)
class MediaScan:
    """What :func:`scan_media` found: media to probe, errors, and the sidecars skipped quietly."""

    found: tuple[Path, ...]
    errors: tuple[MediaError, ...]
    sidecars: tuple[Path, ...] = ()

    def summary(self) -> str:
        """``"5 sidecar files skipped (3 .tsv, 2 .rttm)"``, or "" when none were."""
        if not self.sidecars:
            return ""
        kinds = Counter(p.suffix.lower() for p in self.sidecars).most_common()
        n = len(self.sidecars)
        return (f"{n} sidecar file{'s' if n != 1 else ''} skipped ("
                + ", ".join(f"{k} {ext}" for ext, k in kinds) + ")")


def discover_media(inputs: Iterable[Union[str, Path]]) -> tuple[list[Path], list[MediaError]]:
    """(media paths to probe, one MediaError per input or folder entry left out)."""
    scan = scan_media(inputs)
    return list(scan.found), list(scan.errors)


def scan_media(inputs: Iterable[Union[str, Path]]) -> MediaScan:
    """:func:`discover_media` with the quietly skipped sidecars as well (see the module contract)."""
    found: list[Path] = []
    errors: list[MediaError] = []
    sidecars: list[Path] = []
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
                if error is _SIDECAR:
                    sidecars.append(child)
                elif error is not None:
                    errors.append(error)
                else:
                    add(child)
            if len(found) == before and not any(_within(e.path, path) for e in errors):
                errors.append(MediaError(path, "no media files found in this folder"))
        else:
            try:
                check_input_file(path, what="media file", error=MediaError)
            except MediaError as exc:
                errors.append(exc)
                continue
            add(path)
    return MediaScan(tuple(found), tuple(errors), tuple(sidecars))


_SIDECAR = object()  # _walk's mark for a sidecar skipped quietly


def _walk(root: Path):
    """(path, None) for media, (path, _SIDECAR) for sidecars and (path, MediaError) for other
    files, sorted, recursive."""
    unreadable: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable.append, followlinks=False):
        yield from _folder_errors(unreadable, dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        names = sorted(n for n in filenames if not n.startswith("."))
        sequences = _image_sequences(names)
        in_sequence = {name for frames in sequences.values() for name in frames}
        for name in names:
            path = Path(dirpath) / name
            ext = path.suffix.lower()
            if name in in_sequence:
                frames = sequences.get(name)
                if frames:  # the sequence's first frame stands for all of it
                    yield path, MediaError(path, _sequence_reason(frames))
                continue
            if ext in SIDECAR_EXTENSIONS:
                yield path, _SIDECAR
                continue
            if ext in MEDIA_EXTENSIONS:
                try:
                    check_input_file(path, what="media file", error=MediaError)
                except MediaError as exc:
                    yield path, exc
                    continue
                yield path, None
            elif ext in _CAMERA_RAW:
                yield path, MediaError(path, f"camera raw format ({ext}) that FFmpeg cannot "
                                             "decode; transcode it (e.g. to ProRes) first")
            else:
                kind = f"extension '{ext}'" if ext else "no file extension"
                yield path, MediaError(path, f"not a media file ({kind})")
    yield from _folder_errors(unreadable, root)


def _image_sequences(names: list[str]) -> dict[str, list[str]]:
    """{first frame's name: every frame's name} for each run of 2 or more still frames that share
    a name apart from their frame number (``A001_C003.0001.dpx``, ``A001_C003.0002.dpx``...)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for name in names:
        stem, ext = os.path.splitext(name)
        match = _FRAME_NUMBER.match(stem)
        if ext.lower() in _STILL_FRAME and match:
            groups.setdefault((match["stem"], ext.lower()), []).append(name)
    return {frames[0]: frames for frames in groups.values() if len(frames) > 1}


def _sequence_reason(frames: list[str]) -> str:
    ext = os.path.splitext(frames[0])[1].lower()
    return (f"image sequence of {len(frames)} {ext} frames ({frames[0]} ... {frames[-1]}), not video "
            "or audio; render it to a movie file (e.g. ProRes) to use it")


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


def drop_duplicates(paths: Iterable[Union[str, Path]], chunk: int = 1 << 20) -> tuple[list, list[str]]:
    """(paths without byte-identical copies, one warning per copy dropped).

    Files are compared only when their sizes match, first by a sampled digest, then in full
    (streamed, ``chunk`` bytes at a time), so the cost is nil for a normal bin. The first
    occurrence (input order) is kept. Unreadable files are kept (probe reports them).
    """
    import hashlib

    from .keys import BLOCK_SIZE, sample_offsets

    items = list(paths)
    by_size: dict[int, list[int]] = {}
    for i, p in enumerate(items):
        try:
            by_size.setdefault(os.stat(p).st_size, []).append(i)
        except OSError:
            continue

    def digest(p, full: bool) -> str:
        h = hashlib.blake2b(digest_size=20)
        with open(p, "rb") as fh:
            if full:
                for block in iter(lambda: fh.read(chunk), b""):
                    h.update(block)
            else:
                size = os.fstat(fh.fileno()).st_size
                for off in sample_offsets(size):
                    fh.seek(off)
                    h.update(fh.read(BLOCK_SIZE))
        return h.hexdigest()

    dropped: dict[int, int] = {}
    for size, group in by_size.items():
        if len(group) < 2 or size == 0:
            continue
        try:
            sampled: dict[str, list[int]] = {}
            for i in group:
                sampled.setdefault(digest(items[i], False), []).append(i)
            for same in sampled.values():
                if len(same) < 2:
                    continue
                full: dict[str, int] = {}
                for i in same:
                    d = digest(items[i], True)
                    if d in full:
                        dropped[i] = full[d]
                    else:
                        full[d] = i
        except OSError:
            continue
    warnings = [f"{display_path(items[i])}: skipped: byte-identical copy of {display_path(items[k])} "
                "(a copy is not a second take)" for i, k in sorted(dropped.items())]
    return [p for i, p in enumerate(items) if i not in dropped], warnings
