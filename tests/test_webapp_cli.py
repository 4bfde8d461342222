"""`roughcut app` without --no-open: starts the bridge detached, opens the browser (here a
$BROWSER command that records the URL) on a one-time login link, and exits; a second run
finds the same bridge and gives a new link. The link signs in once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(240)


def _roughcut() -> list[str]:
    exe = Path(sys.executable).with_name("roughcut")
    return [str(exe)] if exe.exists() else [sys.executable, "-c",
                                            "import sys; from roughcut_core._cli.main import main; sys.exit(main())"]


def _post(url: str, body: dict) -> tuple[int, dict, str]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read()), resp.headers.get("set-cookie", "")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), ""


def test_roughcut_app_starts_bridge_and_opens_one_time_link(tmp_path):
    opened = tmp_path / "opened.txt"
    recorder = tmp_path / "record-url"
    recorder.write_text(f"#!/bin/sh\necho \"$1\" >> {opened}\n")
    recorder.chmod(0o755)
    env = {**os.environ, "ROUGHCUT_BRIDGE_HOME": str(tmp_path / "home"), "BROWSER": str(recorder),
           "ROUGHCUT_PREFERENCES_DIR": str(tmp_path / "prefs")}
    env.pop("ROUGHCUT_BRIDGE_TOKEN", None)
    env.pop("DISPLAY", None)
    pid = None
    try:
        r = subprocess.run([*_roughcut(), "app", "--allow", str(tmp_path)], env=env, capture_output=True,
                           text=True, timeout=150)
        assert r.returncode == 0, r.stderr
        info = json.loads((tmp_path / "home" / "config" / "bridge.json").read_text())
        pid = info["pid"]
        deadline = time.monotonic() + 10
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        urls = opened.read_text().split()
        assert len(urls) == 1 and urls[0].startswith(info["url"] + "/app/login#code=")
        assert urls[0] in r.stdout
        # a second run finds the same bridge and opens a new link
        r2 = subprocess.run([*_roughcut(), "app"], env=env, capture_output=True, text=True, timeout=60)
        assert r2.returncode == 0, r2.stderr
        assert json.loads((tmp_path / "home" / "config" / "bridge.json").read_text())["pid"] == pid
        deadline = time.monotonic() + 10
        while len(opened.read_text().split()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        first, second = opened.read_text().split()
        assert first != second
        code = first.split("#code=")[1]
        status, body, cookie = _post(info["url"] + "/app/api/session", {"code": code})
        assert status == 200 and "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
        status, body, _ = _post(info["url"] + "/app/api/session", {"code": code})
        assert status == 401 and "already used" in body["error"]
    finally:
        if pid:
            os.kill(pid, signal.SIGTERM)
