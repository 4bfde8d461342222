"""The shared host checkers (../shared/hosts) run against our adapters; every variant must score N/N.

Resolve part: ``check_resolve.py hosts/resolve`` on its synthetic clips, with
``--strict-current`` (CreateEmptyTimeline does not switch the current timeline), with
``--edition Free`` (scenario B on 21.0.2, the last Free with Python), and with ``--media`` on
three real 23.976 fps files written here with ``roughcut_core.synth`` (probed with PyAV by the
checker, so it runs under this interpreter). Skips with a reason when ../shared is absent.
"""
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_HOSTS = REPO.parent / "shared" / "hosts"
RESOLVE_CHECKER = SHARED_HOSTS / "check_resolve.py"
SCORE = re.compile(r"^RESOLVE checks_passed=(\d+)/(\d+)$")

pytestmark = pytest.mark.skipif(not RESOLVE_CHECKER.is_file(),
                                reason="../shared/hosts/check_resolve.py is absent (shared folder not mounted)")


def _run_resolve_checker(*args: str):
    proc = subprocess.run([sys.executable, str(RESOLVE_CHECKER), "hosts/resolve", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    lines = proc.stdout.strip().splitlines()
    match = SCORE.match(lines[-1]) if lines else None
    failures = [line for line in lines if line.startswith("FAIL")]
    return proc, match, failures


@pytest.fixture(scope="module")
def resolve_media(tmp_path_factory):
    """Three 23.976 fps clips (30, 25 and 20 s, the checker's base lengths) with a start TC."""
    from roughcut_core.synth import write_test_video

    out = tmp_path_factory.mktemp("resolve_media")
    paths = []
    for name, seconds in (("A001_C001.mov", 30.03), ("A001_C002.mov", 25.025), ("A002_C001.mov", 20.02)):
        paths.append(str(write_test_video(out / name, rate="24000/1001", seconds=seconds, width=96, height=54,
                                          timecode="01:00:00:00", audio_channels=1)))
    return paths


@pytest.mark.parametrize("variant", [[], ["--strict-current"], ["--edition", "Free"],
                                     ["--edition", "Free", "--strict-current"]],
                         ids=["default", "strict-current", "free", "free-strict-current"])
def test_resolve_checker_scores_n_of_n(variant):
    proc, match, failures = _run_resolve_checker(*variant)
    assert match, "no score line:\n" + proc.stdout[-3000:] + proc.stderr[-2000:]
    passed, total = int(match.group(1)), int(match.group(2))
    assert total > 50 and passed == total and proc.returncode == 0, "\n".join(failures) or proc.stdout[-3000:]


def test_resolve_checker_scores_n_of_n_on_real_media(resolve_media):
    proc, match, failures = _run_resolve_checker("--media", *resolve_media)
    assert match, "no score line:\n" + proc.stdout[-3000:] + proc.stderr[-2000:]
    passed, total = int(match.group(1)), int(match.group(2))
    assert "skipping" not in proc.stdout, proc.stdout[-2000:]
    assert total > 50 and passed == total and proc.returncode == 0, "\n".join(failures) or proc.stdout[-3000:]
