"""Content-addressed analysis cache (DESIGN §2).

A result is stored under a key made of (content key of the file, analyzer name, analyzer
version, params). An unchanged file analysed with the same analyzer and options is served from
disk without any model work; any change to the file, the analyzer version or an option gives a
new key. Entries are JSON documents written atomically, so a crash never leaves a half entry;
they are written compactly (no indentation: about half the bytes of an indented entry, and
``json`` encodes them in C), and an entry of either layout reads back the same.

The cache root is, in order: the ``root`` argument, ``$ROUGHCUT_CACHE_DIR``, or the user cache
dir (platformdirs) + ``/analysis``. ``AnalysisCache(None)`` with ``enabled=False`` never stores.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any, Callable, Optional, Union

from .fileio import atomic_write_text

log = logging.getLogger(__name__)

CACHE_FORMAT = 1


def default_cache_dir() -> Path:
    env = os.environ.get("ROUGHCUT_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("roughcut")) / "analysis"


def cache_key(content_key: str, analyzer: str, version: str, params: Optional[dict] = None) -> str:
    """Stable key for one analysis of one file (params are canonicalised JSON)."""
    blob = json.dumps(
        {"f": CACHE_FORMAT, "c": content_key, "a": analyzer, "v": version, "p": params or {}},
        sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.blake2b(blob.encode(), digest_size=20).hexdigest()


class AnalysisCache:
    """JSON entries under ``<root>/<analyzer>/<key[:2]>/<key>.json``."""

    def __init__(self, root: Union[str, Path, None] = None, enabled: bool = True):
        self.enabled = enabled
        self.root = Path(root) if root is not None else default_cache_dir()

    def _path(self, analyzer: str, key: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in analyzer)
        return self.root / safe / key[:2] / f"{key}.json"

    def get(self, content_key: str, analyzer: str, version: str, params: Optional[dict] = None) -> Any:
        """The stored value, or None when absent, disabled or unreadable."""
        if not self.enabled:
            return None
        path = self._path(analyzer, cache_key(content_key, analyzer, version, params))
        try:
            return json.loads(path.read_bytes())["value"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:  # TypeError: JSON, but not an entry
            log.warning("ignoring unreadable cache entry %s: %s", path, exc)
            return None

    def put(self, content_key: str, analyzer: str, version: str, params: Optional[dict], value: Any) -> None:
        if not self.enabled:
            return
        key = cache_key(content_key, analyzer, version, params)
        entry = {"schema": "roughcut.cache-entry/1", "analyzer": analyzer, "version": version,
                 "params": params or {}, "content_key": content_key, "value": value}
        atomic_write_text(self._path(analyzer, key),
                          json.dumps(entry, separators=(",", ":"), ensure_ascii=False) + "\n")

    def get_or_compute(self, content_key: str, analyzer: str, version: str, params: Optional[dict],
                       compute: Callable[[], Any]) -> Any:
        """Cached value, or ``compute()`` stored then returned (compute must return JSON data)."""
        value = self.get(content_key, analyzer, version, params)
        if value is None:
            value = compute()
            self.put(content_key, analyzer, version, params, value)
        return value
