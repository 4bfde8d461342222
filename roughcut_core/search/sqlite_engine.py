"""The embedded engine: one SQLite file with an FTS5 full-text index (no setup, no server).

Layout (schema :data:`~.model.SCHEMA_VERSION`): ``files`` (one row per content key),
``docs`` (utterances) with ``docs_fts`` (FTS5, external content, over ``terms``), ``vocab``
(term → phonetic key) and ``vocab_del`` (symmetric-delete keys: every term with one letter
removed, so a typo is found with an index lookup), ``script_lines`` and ``meta``.
WAL journal and a 60 s busy timeout: several processes may index and search at once; each
file is written in one ``BEGIN IMMEDIATE`` transaction.
"""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Iterable, Optional, Sequence

from .engine import Candidate, SearchEngine, SearchIndexError
from .model import SCHEMA_VERSION, IndexedFile, ScriptLineRecord, SearchDoc
from .rows import (ADDED_COLUMNS, ADDED_FILE_COLUMNS, DOC_COLUMNS, FILE_COLUMNS, doc_from_values, doc_terms,
                   doc_values, file_from_row, file_values)
from .sqlfilters import SQLITE, filter_sql
from .text import deletes, phonetic

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(content_key TEXT PRIMARY KEY, path TEXT NOT NULL, size INTEGER,
  mtime REAL, duration REAL, rate_num INTEGER, rate_den INTEGER, start_frame INTEGER,
  drop_frame INTEGER, doc_version TEXT, has_video BOOLEAN NOT NULL DEFAULT TRUE);
CREATE INDEX IF NOT EXISTS files_path ON files(path);
CREATE TABLE IF NOT EXISTS docs(id INTEGER PRIMARY KEY, content_key TEXT NOT NULL, seq INTEGER,
  start_s REAL, end_s REAL, text TEXT, terms TEXT, words TEXT, speaker TEXT, character TEXT,
  shot_size TEXT, faces INTEGER, face_names TEXT, scene_id TEXT, line_ids TEXT, quality TEXT,
  camera_motion TEXT NOT NULL DEFAULT '', sounds TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS docs_key ON docs(content_key, seq);
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(terms, content='docs', content_rowid='id',
  tokenize='unicode61');
CREATE TABLE IF NOT EXISTS vocab(term TEXT PRIMARY KEY, phon TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS vocab_phon ON vocab(phon);
CREATE TABLE IF NOT EXISTS vocab_del(del TEXT NOT NULL, term TEXT NOT NULL, PRIMARY KEY(del, term)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS script_lines(pos INTEGER PRIMARY KEY, line_id TEXT UNIQUE, scene_id TEXT,
  character TEXT, text TEXT);
"""
_TABLES = ("files", "docs", "docs_fts", "vocab", "vocab_del", "script_lines")
_FILE_COLS = ", ".join(FILE_COLUMNS)
_DOC_SELECT = ", ".join(f"d.{c}" for c in DOC_COLUMNS if c != "terms")


def _fts_query(groups, phrases, require_all: bool) -> str:
    parts = ["(" + " OR ".join(f'"{t}"' for t in g) + ")" for g in groups]
    parts += ['"' + " ".join(p) + '"' for p in phrases]
    return (" AND " if require_all else " OR ").join(parts)


class SqliteEngine(SearchEngine):
    """Embedded engine over the SQLite file at ``path`` (created on first use)."""

    name = "sqlite"

    def __init__(self, path):
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), timeout=60, isolation_level=None,
                                      check_same_thread=False)
            self.db.execute("PRAGMA busy_timeout=60000")
            self._open_shared()
        except (sqlite3.Error, OSError, ValueError) as exc:
            raise SearchIndexError(f"search index {self.path}: cannot open: {exc}") from None
        self._known_terms: set[str] = set()

    def _open_shared(self) -> None:
        """WAL mode and the schema, retried while another process is creating the same file:
        SQLite answers "database is locked" at once, without waiting, when two connections
        switch a new file to WAL or upgrade a read lock together (it would otherwise deadlock)."""
        for attempt in range(60):
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self._migrate()
                return
            except sqlite3.OperationalError as exc:
                if attempt == 59 or "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                time.sleep(0.1 + 0.01 * attempt)

    def _migrate(self) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else None
            if version is not None and version > SCHEMA_VERSION:
                raise SearchIndexError(f"search index {self.path}: made by a newer roughcut "
                                       f"(schema {version} > {SCHEMA_VERSION}); upgrade roughcut")
            if version is not None and version < SCHEMA_VERSION:
                have = {r[1] for r in db.execute("PRAGMA table_info(docs)")}
                if version >= 1 and have:
                    # 1 -> 2 in place: the new columns; the indexer re-indexes the older
                    # documents incrementally (their files' doc_version is older)
                    for col, decl in ADDED_COLUMNS:
                        if col not in have:
                            db.execute(f"ALTER TABLE docs ADD COLUMN {col} {decl}")
                    have = {r[1] for r in db.execute("PRAGMA table_info(files)")}
                    for col, decl in ADDED_FILE_COLUMNS:
                        if col not in have:
                            db.execute(f"ALTER TABLE files ADD COLUMN {col} {decl}")
                else:
                    for t in _TABLES:  # documents are rebuilt from the analysis cache on the next index
                        db.execute(f"DROP TABLE IF EXISTS {t}")
            for stmt in _SCHEMA.split(";"):
                if stmt.strip():
                    db.execute(stmt)
            db.execute("INSERT OR REPLACE INTO meta VALUES('schema_version', ?)", (str(SCHEMA_VERSION),))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    # ---- writes ----------------------------------------------------------------------------
    def _delete_key(self, key: str) -> None:
        db = self.db
        db.execute("INSERT INTO docs_fts(docs_fts, rowid, terms) SELECT 'delete', id, terms FROM docs "
                   "WHERE content_key=?", (key,))
        db.execute("DELETE FROM docs WHERE content_key=?", (key,))
        db.execute("DELETE FROM files WHERE content_key=?", (key,))

    def _write(self, fn) -> None:
        db = self.db
        for attempt in range(5):
            try:
                db.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError:  # busy beyond the timeout: try again
                if attempt == 4:
                    raise
                time.sleep(0.5)
        try:
            fn(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def put_file(self, file: IndexedFile, docs: Sequence[SearchDoc]) -> None:
        terms = doc_terms(docs) - self._known_terms

        def write(db):
            for (other,) in db.execute("SELECT content_key FROM files WHERE path=? AND content_key<>?",
                                       (file.path, file.content_key)).fetchall():
                self._delete_key(other)
            self._delete_key(file.content_key)
            db.execute(f"INSERT INTO files({_FILE_COLS}) VALUES(?,?,?,?,?,?,?,?,?,?,?)", file_values(file))
            cols = ", ".join(DOC_COLUMNS)
            marks = ", ".join("?" * (len(DOC_COLUMNS) + 1))
            for doc in docs:
                values = doc_values(doc)
                cur = db.execute(f"INSERT INTO docs(content_key, {cols}) VALUES({marks})",
                                 (file.content_key, *values))
                db.execute("INSERT INTO docs_fts(rowid, terms) VALUES(?, ?)", (cur.lastrowid, values[4]))
            if terms:
                db.executemany("INSERT OR IGNORE INTO vocab VALUES(?, ?)", [(t, phonetic(t)) for t in terms])
                db.executemany("INSERT OR IGNORE INTO vocab_del VALUES(?, ?)",
                               [(d, t) for t in terms if len(t) >= 4 for d in deletes(t)])

        self._write(write)
        self._known_terms |= terms

    def move_file(self, content_key: str, path: str) -> None:
        def write(db):
            for (other,) in db.execute("SELECT content_key FROM files WHERE path=? AND content_key<>?",
                                       (path, content_key)).fetchall():
                self._delete_key(other)
            db.execute("UPDATE files SET path=? WHERE content_key=?", (path, content_key))

        self._write(write)

    def remove_file(self, content_key: str) -> None:
        self._write(lambda db: self._delete_key(content_key))

    def put_script_lines(self, lines: Iterable[ScriptLineRecord]) -> None:
        rows = [(i, ln.line_id, ln.scene_id, ln.character, ln.text) for i, ln in enumerate(lines)]

        def write(db):
            db.execute("DELETE FROM script_lines")
            db.executemany("INSERT INTO script_lines VALUES(?,?,?,?,?)", rows)

        self._write(write)

    # ---- reads -----------------------------------------------------------------------------
    def get_file(self, content_key: str) -> Optional[IndexedFile]:
        row = self.db.execute(f"SELECT {_FILE_COLS} FROM files WHERE content_key=?", (content_key,)).fetchone()
        return file_from_row(row) if row else None

    def files_under(self, folder: str) -> list[IndexedFile]:
        if not folder:
            rows = self.db.execute(f"SELECT {_FILE_COLS} FROM files ORDER BY path").fetchall()
        else:
            base = folder.rstrip(os.sep)
            rows = self.db.execute(f"SELECT {_FILE_COLS} FROM files WHERE path=? OR substr(path, 1, ?)=? ORDER BY path",
                                   (base, len(base) + 1, base + os.sep)).fetchall()
        return [file_from_row(r) for r in rows]

    def _candidates(self, groups, phrases, require_all, filters, limit, ranked=True, exact=()) -> list[Candidate]:
        where, args = filter_sql(filters, SQLITE)
        head = (f"SELECT d.content_key, f.path, f.rate_num, f.rate_den, f.start_frame, f.drop_frame, "
                f"{_DOC_SELECT}")
        if groups or phrases:
            sql = (f"{head}, docs_fts.rank FROM docs_fts JOIN docs d ON d.id=docs_fts.rowid "
                   f"JOIN files f ON f.content_key=d.content_key")
            where.insert(0, "docs_fts MATCH ?")
            args.insert(0, _fts_query(groups, phrases, require_all))
            order = " ORDER BY docs_fts.rank LIMIT ?" if ranked else " ORDER BY docs_fts.rowid LIMIT ?"
        else:
            sql = f"{head}, 0 FROM docs d JOIN files f ON f.content_key=d.content_key"
            order = " ORDER BY d.id LIMIT ?"
        if where:
            sql += " WHERE " + " AND ".join(where)
        try:
            rows = self.db.execute(sql + order, (*args, limit)).fetchall()
        except sqlite3.Error as exc:
            raise SearchIndexError(f"search index {self.path}: query failed: {exc}") from None
        return [Candidate(content_key=r[0], path=r[1], rate_num=r[2], rate_den=r[3], start_frame=r[4],
                          drop_frame=bool(r[5]), doc=doc_from_values(*r[6:-1]), rank=-float(r[-1]))
                for r in rows]

    def _similar_terms(self, word: str, phon: str) -> set[str]:
        out = {r[0] for r in self.db.execute("SELECT term FROM vocab WHERE phon=? LIMIT 200", (phon,))}
        if len(word) >= 4:
            keys = sorted(deletes(word))
            marks = ",".join("?" * len(keys))
            out |= {r[0] for r in self.db.execute(
                f"SELECT DISTINCT term FROM vocab_del WHERE del IN ({marks}) LIMIT 500", keys)}
        return out

    def script_lines(self) -> list[ScriptLineRecord]:
        return [ScriptLineRecord(*r) for r in self.db.execute(
            "SELECT line_id, scene_id, character, text FROM script_lines ORDER BY pos")]

    def covered_line_ids(self) -> set[str]:
        out: set[str] = set()
        for (ids,) in self.db.execute("SELECT DISTINCT line_ids FROM docs WHERE line_ids<>''"):
            out.update(ids.split())
        return out

    def stats(self) -> dict:
        files = self.db.execute("SELECT count(*) FROM files").fetchone()[0]
        docs, words = self.db.execute("SELECT count(*), coalesce(sum(length(terms) - length(replace(terms, ' ', '')) "
                                      "+ (terms<>'')), 0) FROM docs").fetchone()
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return {"files": files, "utterances": docs, "words": words, "bytes": size}

    def close(self) -> None:
        try:
            self.db.close()
        except sqlite3.Error:
            pass
