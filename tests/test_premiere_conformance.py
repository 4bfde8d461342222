"""The shared Premiere conformance checkers (../shared/hosts) against our adapters.

check_premiere.js drives hosts/premiere_cep/jsx/roughcut.jsx in its strict ES3 ExtendScript fake
(plain and with --strict-alternates); check_premiere_uxp.js drives hosts/premiere_uxp in its
strict fake of require("premierepro") 25.6/26.3. Each must end with its score line at N/N.
acorn (for check_premiere.js) is installed the way ../shared/hosts/README.md says: the shared
package files copied to a temporary folder and `npm ci` there (the shared folder is read-only).
Skips with a reason when ../shared/hosts or node/npm is absent.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "hosts"
NODE = shutil.which("node")
NPM = shutil.which("npm")

pytestmark = [
    pytest.mark.skipif(not (SHARED / "check_premiere.js").is_file(), reason="../shared/hosts is absent (the shared conformance checkers)"),
    pytest.mark.skipif(NODE is None, reason="node is not installed: the Premiere checkers run in node"),
]


@pytest.fixture(scope="module")
def acorn_dir(tmp_path_factory) -> Path:
    if NPM is None:
        pytest.skip("npm is not installed: check_premiere.js needs acorn from `npm ci`")
    dest = tmp_path_factory.mktemp("host-deps")
    for name in ("package.json", "package-lock.json"):
        shutil.copy(SHARED / name, dest / name)
    ci = subprocess.run([NPM, "ci", "--no-audit", "--no-fund", "--prefer-offline"], cwd=dest, capture_output=True,
                        text=True, timeout=300)
    assert ci.returncode == 0, f"npm ci for the shared checkers failed:\n{ci.stdout[-2000:]}\n{ci.stderr[-2000:]}"
    return dest / "node_modules"


def _score(args: list[str], label: str) -> tuple[int, int, str]:
    proc = subprocess.run([NODE, *args], cwd=ROOT, capture_output=True, text=True, timeout=180)
    out = proc.stdout + proc.stderr
    lines = [line for line in out.strip().splitlines() if line.strip()]
    m = re.fullmatch(rf"{label} checks_passed=(\d+)/(\d+)", lines[-1] if lines else "")
    assert m, f"no score line:\n{out[-4000:]}"
    failed = "\n".join(line for line in lines if line.startswith("FAIL"))
    return int(m.group(1)), int(m.group(2)), failed


@pytest.mark.parametrize("extra", [[], ["--strict-alternates"]], ids=["default", "strict-alternates"])
def test_extendscript_adapter_passes_every_check(acorn_dir, extra):
    passed, total, failed = _score([str(SHARED / "check_premiere.js"), "hosts/premiere_cep/jsx/roughcut.jsx", *extra,
                                    "--node-modules", str(acorn_dir)], "PREMIERE")
    assert total >= 100 and passed == total, f"PREMIERE checks_passed={passed}/{total}\n{failed}"


def test_uxp_plugin_passes_every_check():
    passed, total, failed = _score([str(SHARED / "check_premiere_uxp.js"), "hosts/premiere_uxp"], "PREMIERE_UXP")
    assert total >= 100 and passed == total, f"PREMIERE_UXP checks_passed={passed}/{total}\n{failed}"
