"""Job records in SQLite (stdlib ``sqlite3``, WAL journal, one connection per thread).

Tables:

- ``jobs``: id, state (queued | running | done | failed | cancelled), stage, progress (0..1),
  eta_s, request (JSON as submitted), result (JSON summary), error, cancel flag, timestamps.
- ``assets``: one row per job media item: index, path, state (pending | running | done |
  failed), ``attempts`` (analysis starts; a resumed job does not restart a done asset, so a
  done asset keeps its count), seconds spent, error, content key.

Every write is its own transaction, so a ``kill -9`` leaves the last committed state. On
startup :meth:`JobStore.requeue_interrupted` turns ``running`` jobs and assets back into
``queued`` / ``pending``; finished assets stay done.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Optional

TERMINAL = ("done", "failed", "cancelled")
STATES = ("queued", "running", *TERMINAL)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    state TEXT NOT NULL,
    stage TEXT NOT NULL DEFAULT 'queued',
    progress REAL NOT NULL DEFAULT 0,
    eta_s REAL,
    message TEXT NOT NULL DEFAULT '',
    request TEXT NOT NULL,
    result TEXT,
    error TEXT,
    cancel INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    started REAL,
    finished REAL
);
CREATE TABLE IF NOT EXISTS assets (
    job_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    path TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    seconds REAL,
    error TEXT,
    content_key TEXT,
    PRIMARY KEY (job_id, idx)
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, seq);
"""

_JOB_FIELDS = ("state", "stage", "progress", "eta_s", "message", "result", "error", "cancel",
               "started", "finished")
_ASSET_FIELDS = ("state", "attempts", "seconds", "error", "content_key")


class JobStore:
    """Thread-safe access to the job database: each thread gets its own connection."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._seq_lock = threading.Lock()
        with self._conn() as conn:
            conn.executescript(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    def create_job(self, request: dict, paths: list[str]) -> str:
        job_id = uuid.uuid4().hex[:16]
        now = time.time()
        conn = self._conn()
        with self._seq_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs").fetchone()[0]
                conn.execute("INSERT INTO jobs (id, seq, state, request, created, updated) VALUES (?,?,?,?,?,?)",
                             (job_id, seq, "queued", json.dumps(request), now, now))
                conn.executemany("INSERT INTO assets (job_id, idx, path) VALUES (?,?,?)",
                                 [(job_id, i, p) for i, p in enumerate(paths)])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return job_id

    def get(self, job_id: str) -> Optional[dict]:
        row = self._conn().execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def list(self, state: Optional[str] = None, limit: int = 100) -> list[dict]:
        if state:
            rows = self._conn().execute("SELECT * FROM jobs WHERE state = ? ORDER BY seq DESC LIMIT ?",
                                        (state, limit)).fetchall()
        else:
            rows = self._conn().execute("SELECT * FROM jobs ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()
        return [_job(r) for r in rows]

    def update(self, job_id: str, **fields: Any) -> None:
        bad = set(fields) - set(_JOB_FIELDS)
        if bad:
            raise ValueError(f"unknown job fields {sorted(bad)}")
        if "result" in fields and fields["result"] is not None:
            fields["result"] = json.dumps(fields["result"])
        cols = ", ".join(f"{k} = ?" for k in fields)
        self._conn().execute(f"UPDATE jobs SET {cols}, updated = ? WHERE id = ?",
                             (*fields.values(), time.time(), job_id))

    def request_cancel(self, job_id: str) -> Optional[dict]:
        """Flag a job for cancellation; a queued job is cancelled at once. Returns the job."""
        conn = self._conn()
        now = time.time()
        conn.execute("UPDATE jobs SET cancel = 1, updated = ? WHERE id = ? AND state NOT IN ('done','failed','cancelled')",
                     (now, job_id))
        conn.execute("UPDATE jobs SET state = 'cancelled', stage = 'cancelled', finished = ?, eta_s = NULL "
                     "WHERE id = ? AND state = 'queued'", (now, job_id))
        return self.get(job_id)

    def assets(self, job_id: str) -> list[dict]:
        rows = self._conn().execute("SELECT * FROM assets WHERE job_id = ? ORDER BY idx", (job_id,)).fetchall()
        return [dict(r) for r in rows]

    def update_asset(self, job_id: str, idx: int, **fields: Any) -> None:
        bad = set(fields) - set(_ASSET_FIELDS)
        if bad:
            raise ValueError(f"unknown asset fields {sorted(bad)}")
        cols = ", ".join(f"{k} = ?" for k in fields)
        self._conn().execute(f"UPDATE assets SET {cols} WHERE job_id = ? AND idx = ?",
                             (*fields.values(), job_id, idx))

    def start_asset(self, job_id: str, idx: int) -> None:
        self._conn().execute("UPDATE assets SET state = 'running', attempts = attempts + 1 "
                             "WHERE job_id = ? AND idx = ?", (job_id, idx))

    def requeue_interrupted(self) -> list[str]:
        """After a restart: running → queued (done assets stay done). Returns jobs to run, oldest first."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("UPDATE assets SET state = 'pending' WHERE state = 'running'")
            conn.execute("UPDATE jobs SET state = 'queued', message = 'resumed after a bridge restart', "
                         "updated = ? WHERE state = 'running'", (time.time(),))
            ids = [r[0] for r in conn.execute("SELECT id FROM jobs WHERE state = 'queued' ORDER BY seq")]
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return ids

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def _job(row: sqlite3.Row) -> dict:
    job = dict(row)
    job["request"] = json.loads(job["request"])
    job["result"] = json.loads(job["result"]) if job["result"] else None
    job["cancel"] = bool(job["cancel"])
    return job
