"""Real bridge processes in tests: wait until one answers, and stop a child process cleanly."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path


def wait_for_bridge(home: Path, proc: subprocess.Popen, timeout: float = 90.0, poll: float = 0.2) -> dict:
    """``home/config/bridge.json`` of the bridge ``proc`` once it answers ``/v1/ping``.

    AssertionError with the end of ``home/server.log`` when ``proc`` exits first or nothing
    answers within ``timeout`` s (``proc`` is then killed)."""
    import httpx

    log = home / "server.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"bridge exited with {proc.returncode}: {_tail(log)}"
        try:
            info = json.loads((home / "config" / "bridge.json").read_text())
            if info.get("pid") == proc.pid and httpx.get(info["url"] + "/v1/ping", timeout=1).status_code == 200:
                return info
        except (OSError, ValueError, httpx.HTTPError):
            pass
        time.sleep(poll)
    proc.kill()
    raise AssertionError(f"bridge pid {proc.pid} did not come up in {timeout:.0f} s: {_tail(log)}")


def stop_process(proc: subprocess.Popen, sig: int = signal.SIGTERM, wait: float = 20.0,
                 kill_wait: float = 10.0) -> None:
    """Send ``sig`` to ``proc`` if it still runs and wait ``wait`` s; past that, kill it and
    wait ``kill_wait`` s more."""
    if proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(kill_wait)


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-3000:]
    except OSError:
        return "(no server.log)"


def wait_for_job(client, job_id: str, pred, timeout: float = 30.0, poll: float = 0.05) -> dict:
    """``GET /v1/jobs/<id>`` through ``client`` until ``pred(job)``; the job then. AssertionError
    naming the last state seen after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    job = None
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if pred(job):
            return job
        time.sleep(poll)
    raise AssertionError(f"job {job_id} never reached the expected state: {job}")


def stop_pid(pid: int, wait: float = 20.0) -> None:
    """SIGTERM process ``pid`` (a detached bridge, not necessarily our child) and wait up to
    ``wait`` s for it to vanish (reaping it when it is our child); SIGKILL it if it is still there."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
