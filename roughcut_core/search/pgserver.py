"""A throw-away PostgreSQL server in a temp folder (tests and ``roughcut bench search``).

Contract: :func:`find_pg_bin` returns the folder holding ``initdb``/``pg_ctl``/``postgres``
(``$ROUGHCUT_PG_BIN``, then ``/usr/lib/postgresql/<newest>/bin``, then ``PATH``) or None.
:class:`TempPostgres` runs ``initdb`` + ``pg_ctl start`` on a free localhost TCP port with
trust authentication (no Unix socket) and yields a ``postgresql://`` URL; leaving the
context stops the server (``-m immediate``) and deletes the folder. PostgreSQL refuses to
run as root, so as root the data folder is owned by, and the server run as, the
unprivileged ``nobody`` user (``runuser``). Every step has a timeout.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Optional


def find_pg_bin() -> Optional[Path]:
    candidates = []
    if os.environ.get("ROUGHCUT_PG_BIN"):
        candidates.append(Path(os.environ["ROUGHCUT_PG_BIN"]))
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                      if Path(p).parent.name.isdigit() else 0, reverse=True)
    candidates += [Path(p) for p in versions]
    which = shutil.which("initdb")
    if which:
        candidates.append(Path(os.path.realpath(which)).parent)
    for c in candidates:
        if all((c / exe).exists() for exe in ("initdb", "pg_ctl", "postgres")):
            return c
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempPostgres:
    """``with TempPostgres() as url:`` a fresh empty server (see the module contract)."""

    def __init__(self, timeout: float = 60.0):
        self.bin = find_pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found; "
                               "install Debian's postgresql package")
        self.timeout = timeout
        self.dir: Optional[str] = None
        self.port = 0
        self.url = ""

    def _as_user(self, args: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "nobody", "--", *args]
        return args

    def _run(self, args: list[str]) -> None:
        proc = subprocess.run(self._as_user(args), capture_output=True, text=True, timeout=self.timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {(proc.stderr or proc.stdout).strip()[-500:]}")

    def __enter__(self) -> str:
        self.dir = tempfile.mkdtemp(prefix="roughcut-pg-")
        os.chmod(self.dir, 0o755)
        data = os.path.join(self.dir, "data")
        os.mkdir(data, 0o700)
        if os.geteuid() == 0:
            import pwd

            nobody = pwd.getpwnam("nobody")
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
            os.chown(data, nobody.pw_uid, nobody.pw_gid)
        try:
            self._run([str(self.bin / "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                       "--no-locale", "--no-sync"])
            self.port = _free_port()
            opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
                    f"-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=128MB")
            self._run([str(self.bin / "pg_ctl"), "-D", data, "-l", os.path.join(self.dir, "log"), "-w",
                       "-t", str(int(self.timeout)), "-o", opts, "start"])
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        return self.url

    def __exit__(self, *exc) -> None:
        if self.dir is None:
            return
        data = os.path.join(self.dir, "data")
        if os.path.exists(os.path.join(data, "postmaster.pid")):
            try:
                self._run([str(self.bin / "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"])
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None
