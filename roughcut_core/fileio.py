"""Atomic file writes: write a temp file beside the target, fsync, then rename.

A reader never sees a half-written file, and a crash leaves the previous version intact.

Permissions: ``mkstemp`` creates its temp file 0600; unless a ``mode`` is given, the file is
given ``0666 & ~umask`` before the rename, i.e. exactly what ``open(path, "w")`` would have
created (0644 with the usual umask 022), so another account (the NLE, a render node, a Ray
worker on shared storage) can read outputs and cache entries when the umask allows it.
Secrets (token, ``bridge.json``) pass ``mode=0o600`` explicitly.
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar, Union

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process umask, read without changing it where the OS allows (Linux /proc);
    elsewhere set-and-restore under a lock (the umask is process-wide)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def default_file_mode() -> int:
    """What a plain ``open(path, "w")`` would create: ``0666 & ~umask``."""
    return 0o666 & ~current_umask()


def _final_mode(mode: int | None) -> int:
    return default_file_mode() if mode is None else mode


@contextmanager
def atomic_output(path: Union[str, Path], suffix: str = "", mode: int | None = None) -> Iterator[Path]:
    """For writers that want a file name (encoders, adapters): yields a temp path beside
    ``path`` (with ``suffix`` so format sniffing works), renamed onto ``path`` only if the
    block succeeds; removed otherwise. ``mode`` None: honour the umask (see module doc)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or path.suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _final_mode(mode))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write_bytes(path: Union[str, Path], data: bytes, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically (temp file, fsync, rename); ``mode`` None:
    honour the umask."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _final_mode(mode))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path: Union[str, Path], text: str, mode: int | None = None) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def atomic_write_json(path: Union[str, Path], data: Any, mode: int | None = None) -> Path:
    return atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", mode=mode)


T = TypeVar("T")


def read_jsonl(path: Union[str, Path], make: Callable[[dict], T], what: str) -> list[T]:
    """``make(record)`` for each non-blank line of a JSON-lines file (``[]`` when it does not
    exist). A line that is not JSON or that ``make`` rejects (``ValueError``/``TypeError``)
    raises ``RoughcutError`` naming the file, the line number and ``what`` it should be."""
    from .errors import RoughcutError

    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            out.append(make(json.loads(raw)))
        except (ValueError, TypeError) as exc:
            raise RoughcutError(f"{path}:{n}: unreadable {what}: {exc}") from exc
    return out


@contextmanager
def exclusive_lock(path: Union[str, Path]) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` (created if missing, never removed) for the
    ``with`` block, waiting for any other process holding it: the read-modify-write of a shared
    file (a show's model index, its pair log) is then one step. POSIX ``flock``; Windows
    ``msvcrt.locking`` on the first byte. Not re-entrant: do not nest on the same path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(path, "a+b")
    try:
        try:
            import fcntl
        except ImportError:  # Windows
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    finally:
        fh.close()
