"""One path check for every entry point (CLI commands, bridge routes, job steps).

Contract of :func:`check_input_file`: given a path the user named (media, screenplay, OTIO,
model file), either return its ``os.stat_result`` (a regular, readable file) or raise the
caller's error type (``MediaError``/``ScriptError``/``InputFileError``, all ``(path, reason)``)
with one reason per failure kind:

=========================  =====================================================================
missing                    ``file not found``
dangling symlink           ``broken link: its target does not exist``
symlink loop               ``symbolic link loop: the link resolves back to itself``
folder                     ``is a folder, not a <what>`` (a folder named ``x.mov`` included)
named pipe                 ``is a named pipe (FIFO), not a regular file``
socket / device            ``is a socket ...`` / ``is a character/block device ...``
no permission              ``cannot read: permission denied``
empty (when refused)       ``empty file (0 bytes)`` (regular files only: never said of a FIFO)
=========================  =====================================================================

It never opens anything but a regular file, and opens that with ``O_NONBLOCK`` and checks
the opened descriptor again, so a file swapped for a FIFO between the checks cannot hang it.
:func:`display_path` renders a path on one line (control characters such as a newline in a
file name are escaped), for error lines and tables. :func:`shared_media_dir` is where the shared
reference media (tests, benchmarks, the scene generator's faces) are read from.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Callable, Union

from .errors import RoughcutError, display_path

PathLike = Union[str, Path]


def shared_media_dir() -> Path:
    """``$ROUGHCUT_SHARED_MEDIA``, else ``../shared/media`` beside the repository (read-only; it
    may be absent, and callers skip or stop with a reason then)."""
    env = os.environ.get("ROUGHCUT_SHARED_MEDIA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "media"


class InputFileError(RoughcutError):
    """A file named as input that cannot be used: ``path`` and ``reason``."""

    def __init__(self, path: PathLike, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{display_path(self.path)}: {reason}")


def file_kind(mode: int) -> str:
    """A person's name for a non-regular file type."""
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISREG(mode):
        return "regular file"
    return "special file"


def _stat_reason(path: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop: the link resolves back to itself"
    if exc.errno == errno.ENOENT:
        if os.path.islink(path):
            return "broken link: its target does not exist"
        return "file not found"
    if exc.errno == errno.ENOTDIR:
        return "file not found (a part of the path is not a folder)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot read: permission denied"
    if exc.errno == errno.ENAMETOOLONG:
        return "path too long"
    return f"cannot read: {exc.strerror or exc}"


def check_input_file(path: PathLike, what: str = "file", error: Callable[[str, str], Exception] = InputFileError,
                     allow_empty: bool = True, check_read: bool = True) -> os.stat_result:
    """The stat of a regular readable file at ``path``, else ``error(path, reason)`` raised
    (see the module contract). ``what`` names the expected thing in the folder reason."""
    spath = os.fspath(path)
    if "\x00" in spath:
        raise error(spath, "invalid path: it contains a NUL character")
    try:
        info = os.stat(spath)
    except OSError as exc:
        raise error(spath, _stat_reason(spath, exc)) from None
    except ValueError as exc:  # e.g. embedded NUL on some platforms
        raise error(spath, f"invalid path: {exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(spath, f"is a folder, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise error(spath, f"is a {file_kind(info.st_mode)}, not a regular file; roughcut reads only regular files")
    if check_read:
        try:
            fd = os.open(spath, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise error(spath, _stat_reason(spath, exc)) from None
        try:
            opened = os.fstat(fd)
        finally:
            os.close(fd)
        if not stat.S_ISREG(opened.st_mode):  # swapped between stat and open
            raise error(spath, f"is a {file_kind(opened.st_mode)}, not a regular file")
        info = opened
    if not allow_empty and info.st_size == 0:
        raise error(spath, "empty file (0 bytes)")
    return info


def check_input_dir(path: PathLike, error: Callable[[str, str], Exception] = InputFileError) -> os.stat_result:
    """The stat of an existing folder at ``path``, else ``error(path, reason)``."""
    spath = os.fspath(path)
    try:
        info = os.stat(spath)
    except OSError as exc:
        raise error(spath, _stat_reason(spath, exc)) from None
    if not stat.S_ISDIR(info.st_mode):
        raise error(spath, f"is a {file_kind(info.st_mode)}, not a folder")
    return info


def check_output_file(path: PathLike, error: Callable[[str, str], Exception] = InputFileError) -> Path:
    """Refuse an output path that cannot become a regular file, before any work is done:
    an existing folder, FIFO, socket or device, or a parent that is not a folder. Returns
    the absolute path (the parent folder is created later by the writer)."""
    spath = os.fspath(path)
    target = Path(os.path.abspath(spath))
    try:
        info = os.stat(spath)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise error(spath, f"cannot write here: {_stat_reason(spath, exc)}") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise error(spath, "is an existing folder; give a file name for the output")
        if not stat.S_ISREG(info.st_mode):
            raise error(spath, f"is a {file_kind(info.st_mode)}; give a regular file name for the output")
    parent = target.parent
    while not parent.exists():
        if parent.is_symlink():
            raise error(spath, f"cannot write here: {parent} is a broken link")
        parent = parent.parent
    if not parent.is_dir():
        raise error(spath, f"cannot write here: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise error(spath, f"cannot write here: no permission to write in {parent}")
    return target
