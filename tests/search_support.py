"""Fixtures shared by the search tests: a real PostgreSQL server started in a temp folder
(skipped, with the reason, only when the server binaries are absent) and a fresh index of
each engine per test, so one suite runs against both engines."""
from __future__ import annotations

import itertools

import pytest

from roughcut_core.search.pgserver import TempPostgres, find_pg_bin

ENGINES = ("sqlite", "postgresql")
_counter = itertools.count()


@pytest.fixture(scope="module")
def pg_server():
    """URL of a real PostgreSQL server for this module (stopped and deleted afterwards)."""
    if find_pg_bin() is None:
        pytest.skip("PostgreSQL server binaries not found (install Debian's postgresql package; .ci/run does)")
    with TempPostgres() as url:
        yield url


def fresh_database(server_url: str) -> str:
    """A new empty database on ``server_url``; its URL."""
    import psycopg

    name = f"rc_test_{next(_counter)}"
    with psycopg.connect(server_url, autocommit=True, connect_timeout=10) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name}")
        db.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=ENGINES)
def index_url(request, tmp_path):
    """An empty index URL: the embedded SQLite file, then a database on the real server."""
    if request.param == "sqlite":
        return str(tmp_path / "index.db")
    return fresh_database(request.getfixturevalue("pg_server"))
