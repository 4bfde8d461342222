"""Which index to use: ``--db URL``, else ``$ROUGHCUT_INDEX_URL``, else the embedded store.

URLs: ``postgresql://user@host:port/db`` (or ``postgres://``) → :class:`PostgresEngine`;
``sqlite:///path/index.db`` or a plain file path → :class:`SqliteEngine`. The embedded
default lives in the user data dir (``<user data dir>/roughcut/search/index.db``).
:func:`open_index` with ``fallback=True`` never fails on an unreachable server: it returns
the embedded store plus a one-line warning saying so.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from .engine import SearchEngine, SearchIndexError

ENV = "ROUGHCUT_INDEX_URL"


def default_index_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("roughcut")) / "search" / "index.db"


def resolve_url(url: Optional[str] = None) -> str:
    """The index URL in effect: ``url``, else ``$ROUGHCUT_INDEX_URL``, else the embedded default."""
    return url or os.environ.get(ENV) or f"sqlite:///{default_index_path()}"


def connect(url: str) -> SearchEngine:
    """The engine for ``url``; :class:`SearchIndexError` when it cannot be opened."""
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres_engine import PostgresEngine

        return PostgresEngine(url)
    if url.startswith("sqlite://"):
        path = url[len("sqlite://"):]
        path = path[1:] if path.startswith("//") else path  # sqlite:////abs and sqlite:///abs
    elif "://" in url:
        raise SearchIndexError(f"search index {url}: unknown kind of URL (use postgresql://... or a file path)")
    else:
        path = url
    from .sqlite_engine import SqliteEngine

    return SqliteEngine(os.path.expanduser(path))


def open_index(url: Optional[str] = None, fallback: bool = True) -> tuple[SearchEngine, Optional[str]]:
    """(engine, warning): the engine for :func:`resolve_url`; when that fails and ``fallback``,
    the embedded default and a one-line warning naming the failure."""
    target = resolve_url(url)
    try:
        return connect(target), None
    except SearchIndexError as exc:
        default = f"sqlite:///{default_index_path()}"
        if not fallback or target == default:
            raise
        engine = connect(default)
        return engine, f"{exc}; using the embedded index at {default_index_path()}"
