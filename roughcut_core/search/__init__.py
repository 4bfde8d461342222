"""Dailies and archive search (issue 18): index analysed media, find any line, person or shot.

Public API: :func:`open_index` / :func:`connect` (pick an engine from a URL), the engines
(:class:`SqliteEngine`, embedded default; :class:`PostgresEngine`, a facility server),
:class:`SearchEngine` (their one interface), :func:`index_paths` (analyse cache-aware and
index files/folders incrementally), :func:`documents_from_analysis`, and the dataclasses in
:mod:`.model`. Query syntax: :mod:`.query`.
"""
from __future__ import annotations

from .documents import documents_from_analysis
from .engine import SearchEngine, SearchIndexError
from .indexer import IndexReport, index_paths
from .model import Filters, IndexedFile, ScriptLineRecord, SearchDoc, SearchHit
from .open import connect, default_index_path, open_index, resolve_url
from .query import QueryError, parse_query

__all__ = ["Filters", "IndexReport", "IndexedFile", "QueryError", "ScriptLineRecord", "SearchDoc",
           "SearchEngine", "SearchHit", "SearchIndexError", "connect", "default_index_path",
           "documents_from_analysis", "index_paths", "open_index", "parse_query", "resolve_url"]


def __getattr__(name):  # engines import their drivers only when asked for
    if name == "SqliteEngine":
        from .sqlite_engine import SqliteEngine

        return SqliteEngine
    if name == "PostgresEngine":
        from .postgres_engine import PostgresEngine

        return PostgresEngine
    raise AttributeError(name)
