"""Runs the Premiere host's node tests (hosts/premiere_cep/test, `node --test`).

They cover roughcut.jsx in a strict fake ExtendScript DOM (ES3 context, acorn ES3 parse,
persistent master-clip marks, seconds-or-Time marks, markers set in seconds), the CEP panel in
headless Chromium against a real bridge started from this interpreter, the UXP panel
(hosts/premiere_uxp: build, read-back, bin read, flow against a real bridge) in a strict fake of
require("premierepro"), and the fake Pymiere Link server.
`npm ci` runs first when node_modules is missing (the lock file pins acorn and playwright-core).
Panel tests skip inside node, with their reason, when /usr/bin/chromium is absent.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TEST_DIR = Path(__file__).resolve().parent.parent / "hosts" / "premiere_cep" / "test"
NODE = shutil.which("node")
NPM = shutil.which("npm")

pytestmark = pytest.mark.skipif(NODE is None or NPM is None, reason="node/npm not installed: the Premiere host tests run in node")


def test_premiere_node_suite():
    if not (TEST_DIR / "node_modules" / "acorn").is_dir() or not (TEST_DIR / "node_modules" / "playwright-core").is_dir():
        ci = subprocess.run([NPM, "ci", "--no-audit", "--no-fund"], cwd=TEST_DIR, capture_output=True, text=True, timeout=600)
        assert ci.returncode == 0, f"npm ci failed:\n{ci.stdout[-3000:]}\n{ci.stderr[-3000:]}"
    env = {**os.environ, "ROUGHCUT_PYTHON": sys.executable}
    files = sorted(p.name for p in TEST_DIR.glob("*.test.js"))
    proc = subprocess.run([NODE, "--test", "--test-concurrency=1", *files], cwd=TEST_DIR, capture_output=True, text=True,
                          timeout=900, env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-12000:]
    skipped = [line for line in out.splitlines() if "# SKIP" in line]
    if skipped:
        print("node tests skipped:\n" + "\n".join(skipped))
    assert "# fail 0" in out
