"""The server engine: PostgreSQL full text (``tsvector``, GIN) plus ``pg_trgm`` for fuzzy terms.

Same layout as the embedded engine (see :mod:`.sqlite_engine`): ``rc_files``, ``rc_docs``
(with a stored ``tsvector`` over ``terms``, ``simple`` configuration so both engines see the
same tokens), ``rc_vocab`` (term, phonetic key; trigram GIN index: spelling variants are
``term % word``), ``rc_script_lines``, ``rc_meta``. ``rc_docs.keys`` holds key tokens
(:func:`~.rows.search_keys`: filter values, word pairs with a common word) under a second GIN
index, so filters and phrases of common words are selective inside the index; a schema-1
store is upgraded in place (new columns, keys filled in). Each file is written in one transaction
holding an advisory lock on its content key; schema creation holds a global advisory lock,
so several editors' processes can index into one archive at once.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional, Sequence

from .engine import STOPWORDS, Candidate, SearchEngine, SearchIndexError
from .model import SCHEMA_VERSION, IndexedFile, ScriptLineRecord, SearchDoc
from .rows import (ADDED_COLUMNS, ADDED_FILE_COLUMNS, DOC_COLUMNS, FILE_COLUMNS, doc_from_values, doc_terms,
                   doc_values, file_from_row, file_values, key_token, pair_tokens, search_keys, unpad)
from .sqlfilters import POSTGRES, filter_sql
from .text import phonetic

_LOCK = 0x52434958  # "RCIX": schema creation
_SCHEMA = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE IF NOT EXISTS rc_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS rc_files(content_key TEXT PRIMARY KEY, path TEXT NOT NULL, size BIGINT,
       mtime DOUBLE PRECISION, duration DOUBLE PRECISION, rate_num INTEGER, rate_den INTEGER,
       start_frame BIGINT, drop_frame BOOLEAN, doc_version TEXT, has_video BOOLEAN NOT NULL DEFAULT TRUE)""",
    "CREATE INDEX IF NOT EXISTS rc_files_path ON rc_files(path text_pattern_ops)",
    """CREATE TABLE IF NOT EXISTS rc_docs(id BIGSERIAL PRIMARY KEY, content_key TEXT NOT NULL, seq INTEGER,
       start_s DOUBLE PRECISION, end_s DOUBLE PRECISION, text TEXT, terms TEXT, words TEXT, speaker TEXT,
       character TEXT, shot_size TEXT, faces INTEGER, face_names TEXT, scene_id TEXT, line_ids TEXT,
       quality TEXT, camera_motion TEXT NOT NULL DEFAULT '', sounds TEXT NOT NULL DEFAULT '',
       keys TEXT NOT NULL DEFAULT '', tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED)""",
    "CREATE INDEX IF NOT EXISTS rc_docs_key ON rc_docs(content_key, seq)",
    "CREATE INDEX IF NOT EXISTS rc_docs_tsv ON rc_docs USING gin(tsv)",
    *(_FILTER_INDEXES := (
        # filter indexes the planner combines with the word bitmap (added in place to older stores)
        "CREATE INDEX IF NOT EXISTS rc_docs_shot ON rc_docs(lower(shot_size))",
        "CREATE INDEX IF NOT EXISTS rc_docs_character ON rc_docs(lower(character))",
        "CREATE INDEX IF NOT EXISTS rc_docs_speaker ON rc_docs(lower(speaker))",
        "CREATE INDEX IF NOT EXISTS rc_docs_faces ON rc_docs USING gin(lower(face_names) gin_trgm_ops)",
        # key tokens (rows.search_keys): filter values and pairs of common words, inside an index
        "CREATE INDEX IF NOT EXISTS rc_docs_keys ON rc_docs USING gin(to_tsvector('simple', keys))",
    )),
    "CREATE TABLE IF NOT EXISTS rc_vocab(term TEXT PRIMARY KEY, phon TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS rc_vocab_phon ON rc_vocab(phon)",
    "CREATE INDEX IF NOT EXISTS rc_vocab_trgm ON rc_vocab USING gin(term gin_trgm_ops)",
    """CREATE TABLE IF NOT EXISTS rc_script_lines(pos INTEGER PRIMARY KEY, line_id TEXT UNIQUE,
       scene_id TEXT, character TEXT, text TEXT)""",
]
_TABLES = ("rc_files", "rc_docs", "rc_vocab", "rc_script_lines")
_FILE_COLS = ", ".join(FILE_COLUMNS)
_DOC_SELECT = ", ".join(f"d.{c}" for c in DOC_COLUMNS if c != "terms")
_SAFE = re.compile(r"^[a-z0-9]+$")
MATCH_CAP = 2000  # most matching utterances one candidate query reads and ranks
# planner settings for one candidate query (SET LOCAL: this transaction only): matches come
# from the GIN bitmap, never from a scan in id order filtered row by row
_BITMAP_ONLY = ("SET LOCAL enable_seqscan = off", "SET LOCAL enable_indexscan = off")


def redact(url: str) -> str:
    """``url`` with any password replaced by ``***`` (for error lines)."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _tsquery(groups, phrases, require_all: bool) -> str:
    def term(t):
        return f"'{t}'" if _SAFE.match(t) else "'" + t.replace("'", "") + "'"

    parts = ["(" + " | ".join(term(t) for t in g) + ")" for g in groups]
    parts += ["(" + " <-> ".join(term(t) for t in p) + ")" for p in phrases]
    return (" & " if require_all else " | ").join(parts)


def _filter_keys(f) -> list[str]:
    """Key tokens every row passing ``f`` has (see :func:`~.rows.search_keys`)."""
    from .query import sound_label

    out = []
    if f.character:
        out.append(key_token("character", f.character))
    if f.shot_size:
        out.append(key_token("shot", f.shot_size))
    if f.camera_motion:
        out.append(key_token("motion", f.camera_motion))
    if f.sound:
        out.append(key_token("sound", sound_label(f.sound)))
    return out


class PostgresEngine(SearchEngine):
    """Server engine at ``url`` (``postgresql://user@host:port/db``)."""

    name = "postgresql"

    def __init__(self, url: str, connect_timeout: int = 5):
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - pinned in requirements
            raise SearchIndexError(f"PostgreSQL index needs psycopg: {exc}") from None
        self._psycopg = psycopg
        self.url = redact(url)
        try:
            self.db = psycopg.connect(url, connect_timeout=connect_timeout, autocommit=True)
            self._migrate()
        except psycopg.Error as exc:
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise SearchIndexError(f"search index {self.url}: cannot connect: {msg}") from None
        self._known_terms: set[str] = set()

    def _migrate(self) -> None:
        """Create or upgrade the schema, under a global advisory lock; a current schema is left
        alone (no DDL: its table locks would meet other processes' writes)."""
        row = self.db.execute("SELECT to_regclass('rc_meta') IS NOT NULL").fetchone()
        if row[0]:
            current = self.db.execute("SELECT value FROM rc_meta WHERE key='schema_version'").fetchone()
            if current and int(current[0]) == SCHEMA_VERSION:
                if self.db.execute("SELECT to_regclass('rc_docs_faces') IS NULL "
                                   "OR to_regclass('rc_docs_keys') IS NULL").fetchone()[0]:
                    with self.db.transaction():  # a store made before the filter indexes
                        self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
                        for stmt in _FILTER_INDEXES:
                            self.db.execute(stmt)
                return
        with self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            self.db.execute("CREATE TABLE IF NOT EXISTS rc_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = self.db.execute("SELECT value FROM rc_meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else None
            if version == SCHEMA_VERSION:  # another process made it while this one waited
                return
            if version is not None and version > SCHEMA_VERSION:
                raise SearchIndexError(f"search index {self.url}: made by a newer roughcut "
                                       f"(schema {version} > {SCHEMA_VERSION}); upgrade roughcut")
            if version is not None and version < SCHEMA_VERSION:
                if version >= 1 and self.db.execute("SELECT to_regclass('rc_docs') IS NOT NULL").fetchone()[0]:
                    # 1 -> 2 in place: the new columns; the indexer re-indexes the older
                    # documents incrementally (their files' doc_version is older)
                    for col, decl in (*ADDED_COLUMNS, ("keys", "TEXT NOT NULL DEFAULT ''")):
                        self.db.execute(f"ALTER TABLE rc_docs ADD COLUMN IF NOT EXISTS {col} {decl}")
                    for col, decl in ADDED_FILE_COLUMNS:
                        self.db.execute(f"ALTER TABLE rc_files ADD COLUMN IF NOT EXISTS {col} {decl}")
                    self._fill_keys()
                else:
                    for t in _TABLES:
                        self.db.execute(f"DROP TABLE IF EXISTS {t}")
            for stmt in _SCHEMA:
                self.db.execute(stmt)
            self.db.execute("INSERT INTO rc_meta VALUES('schema_version', %s) ON CONFLICT (key) "
                            "DO UPDATE SET value=EXCLUDED.value", (str(SCHEMA_VERSION),))

    def _fill_keys(self, batch: int = 5000) -> None:
        """Key tokens of rows stored before they existed (schema 1 -> 2; in the caller's transaction)."""
        last = 0
        while True:
            rows = self.db.execute("SELECT id, character, speaker, face_names, shot_size, terms FROM rc_docs "
                                   "WHERE id > %s ORDER BY id LIMIT %s", (last, batch)).fetchall()
            if not rows:
                return
            with self.db.cursor() as cur:
                cur.executemany("UPDATE rc_docs SET keys=%s WHERE id=%s", [
                    (search_keys(c, sp, unpad(fn), sh, "", (), t or "", STOPWORDS), i)
                    for i, c, sp, fn, sh, t in rows])
            last = rows[-1][0]

    def _run(self, fn, attempts: int = 6):
        """``fn(connection)`` in one transaction; a deadlock or serialization failure (two
        writers meeting in an index) is retried with a short back-off."""
        import random
        import time

        errors = self._psycopg.errors
        for attempt in range(attempts):
            try:
                with self.db.transaction():
                    return fn(self.db)
            except (errors.DeadlockDetected, errors.SerializationFailure) as exc:
                if attempt == attempts - 1:
                    raise SearchIndexError(f"search index {self.url}: {str(exc).strip().splitlines()[0]}") from None
                time.sleep(0.05 * (attempt + 1) + random.random() * 0.05)
            except self._psycopg.Error as exc:
                raise SearchIndexError(f"search index {self.url}: {str(exc).strip().splitlines()[0]}") from None

    @staticmethod
    def _delete_key(db, key: str) -> None:
        db.execute("DELETE FROM rc_docs WHERE content_key=%s", (key,))
        db.execute("DELETE FROM rc_files WHERE content_key=%s", (key,))

    @staticmethod
    def _lock(db, *keys: str) -> None:
        for k in sorted(set(keys)):
            db.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (k,))

    def put_file(self, file: IndexedFile, docs: Sequence[SearchDoc]) -> None:
        terms = doc_terms(docs) - self._known_terms

        def write(db):
            self._lock(db, file.content_key, "path:" + file.path)
            for (other,) in db.execute("SELECT content_key FROM rc_files WHERE path=%s AND content_key<>%s",
                                       (file.path, file.content_key)).fetchall():
                self._delete_key(db, other)
            self._delete_key(db, file.content_key)
            db.execute(f"INSERT INTO rc_files({_FILE_COLS}) VALUES(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", file_values(file))
            cols = ", ".join(DOC_COLUMNS)
            with db.cursor() as cur:
                with cur.copy(f"COPY rc_docs(content_key, {cols}, keys) FROM STDIN") as copy:
                    for doc in docs:
                        values = doc_values(doc)
                        keys = search_keys(doc.character, doc.speaker, doc.face_names, doc.shot_size,
                                           doc.camera_motion, doc.sounds, values[4], STOPWORDS)
                        copy.write_row((file.content_key, *values, keys))
                if terms:
                    cur.executemany("INSERT INTO rc_vocab VALUES(%s, %s) ON CONFLICT DO NOTHING",
                                    sorted((t, phonetic(t)) for t in terms))

        self._run(write)
        self._known_terms |= terms

    def move_file(self, content_key: str, path: str) -> None:
        def write(db):
            self._lock(db, content_key, "path:" + path)
            for (other,) in db.execute("SELECT content_key FROM rc_files WHERE path=%s AND content_key<>%s",
                                       (path, content_key)).fetchall():
                self._delete_key(db, other)
            db.execute("UPDATE rc_files SET path=%s WHERE content_key=%s", (path, content_key))

        self._run(write)

    def remove_file(self, content_key: str) -> None:
        def write(db):
            self._lock(db, content_key)
            self._delete_key(db, content_key)

        self._run(write)

    def put_script_lines(self, lines: Iterable[ScriptLineRecord]) -> None:
        rows = [(i, ln.line_id, ln.scene_id, ln.character, ln.text) for i, ln in enumerate(lines)]

        def write(db):
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK + 1,))
            db.execute("DELETE FROM rc_script_lines")
            with db.cursor() as cur:
                cur.executemany("INSERT INTO rc_script_lines VALUES(%s,%s,%s,%s,%s)", rows)

        self._run(write)

    def get_file(self, content_key: str) -> Optional[IndexedFile]:
        row = self._run(lambda db: db.execute(f"SELECT {_FILE_COLS} FROM rc_files WHERE content_key=%s",
                                              (content_key,)).fetchone())
        return file_from_row(row) if row else None

    def files_under(self, folder: str) -> list[IndexedFile]:
        import os

        if not folder:
            rows = self._run(lambda db: db.execute(f"SELECT {_FILE_COLS} FROM rc_files ORDER BY path").fetchall())
        else:
            base = folder.rstrip(os.sep)
            rows = self._run(lambda db: db.execute(
                f"SELECT {_FILE_COLS} FROM rc_files WHERE path=%s OR left(path, %s)=%s ORDER BY path",
                (base, len(base) + 1, base + os.sep)).fetchall())
        return [file_from_row(r) for r in rows]

    def _candidates(self, groups, phrases, require_all, filters, limit, ranked=True, exact=()) -> list[Candidate]:
        """Matches are read through the GIN indexes only (a bitmap scan, never a walk in id order
        that can cross the whole table for a rare phrase or filter combination), and at most
        :data:`MATCH_CAP` of them are ranked: queries whose words are all common stay bounded.
        The filters and the phrases' word pairs with a common word are key tokens
        (:func:`~.rows.search_keys`) looked up in the second GIN index; when the words are all
        common those keys drive the read and the words are checked row by row."""
        where, args = filter_sql(filters, POSTGRES)
        keys = _filter_keys(filters)
        if require_all:  # word pairs holding a common word, of every phrase that must occur
            keys += [t for p in (*phrases, *exact) for t in pair_tokens(list(p), STOPWORDS)]
        if keys:  # the index of key tokens narrows the rows; the exact clauses still decide
            where.insert(0, "to_tsvector('simple', d.keys) @@ to_tsquery('simple', %s)")
            args.insert(0, " & ".join(f"'{k}'" for k in dict.fromkeys(keys)))
        cols = f"d.content_key, f.path, f.rate_num, f.rate_den, f.start_frame, f.drop_frame, {_DOC_SELECT}"
        join = "FROM rc_docs d JOIN rc_files f ON f.content_key=d.content_key"
        if groups or phrases:
            q = _tsquery(groups, phrases, require_all)
            if not ranked and keys:
                # only common words: their posting lists cost more than the key tokens (filters,
                # pairs of common words), which then drive the bitmap; the words are checked row by row
                where.insert(0, "(d.tsv @@ to_tsquery('simple', %s)) IS TRUE")
            else:
                where.insert(0, "d.tsv @@ to_tsquery('simple', %s)")
            # unranked: the first ``limit`` matches in heap order (≈ index order) end the scan
            cap = MATCH_CAP if ranked else max(1, int(limit))
            sql = (f"SELECT * FROM (SELECT {cols}, ts_rank(d.tsv, to_tsquery('simple', %s)) AS r, d.id AS id "
                   f"{join} WHERE {' AND '.join(where)} LIMIT {cap}) m "
                   f"ORDER BY {'r DESC, id' if ranked else 'id'} LIMIT %s")
            args = [q, q, *args]
            plan = _BITMAP_ONLY
        else:
            sql = f"SELECT {cols}, 0, d.id {join}" + (" WHERE " + " AND ".join(where) if where else "") + \
                " ORDER BY d.id LIMIT %s"
            plan = ()

        def read(db):
            for stmt in plan:
                db.execute(stmt)
            return db.execute(sql, (*args, limit)).fetchall()

        rows = self._run(read)
        return [Candidate(content_key=r[0], path=r[1], rate_num=r[2], rate_den=r[3], start_frame=r[4],
                          drop_frame=bool(r[5]), doc=doc_from_values(*r[6:-2]), rank=float(r[-2]))
                for r in rows]

    def _similar_terms(self, word: str, phon: str) -> set[str]:
        def read(db):
            out = {r[0] for r in db.execute("SELECT term FROM rc_vocab WHERE phon=%s LIMIT 200", (phon,))}
            if len(word) >= 4:
                out |= {r[0] for r in db.execute(
                    "SELECT term FROM rc_vocab WHERE term %% %s ORDER BY similarity(term, %s) DESC LIMIT 200",
                    (word, word))}
            return out

        return self._run(read)

    def script_lines(self) -> list[ScriptLineRecord]:
        rows = self._run(lambda db: db.execute(
            "SELECT line_id, scene_id, character, text FROM rc_script_lines ORDER BY pos").fetchall())
        return [ScriptLineRecord(*r) for r in rows]

    def covered_line_ids(self) -> set[str]:
        rows = self._run(lambda db: db.execute("SELECT DISTINCT line_ids FROM rc_docs WHERE line_ids<>''").fetchall())
        return {i for (ids,) in rows for i in ids.split()}

    def stats(self) -> dict:
        def read(db):
            files = db.execute("SELECT count(*) FROM rc_files").fetchone()[0]
            docs, words = db.execute("SELECT count(*), coalesce(sum(array_length(regexp_split_to_array("
                                     "nullif(terms, ''), ' '), 1)), 0) FROM rc_docs").fetchone()
            size = db.execute("SELECT coalesce(sum(pg_total_relation_size(c)), 0) FROM unnest("
                              "ARRAY['rc_files','rc_docs','rc_vocab','rc_script_lines','rc_meta']::regclass[]) c"
                              ).fetchone()[0]
            return {"files": files, "utterances": docs, "words": int(words), "bytes": int(size)}

        return self._run(read)

    def close(self) -> None:
        try:
            self.db.close()
        except Exception:
            pass
