"""The small helpers the CLI commands share (roughcut_core/_cli/common.py)."""
from __future__ import annotations

from roughcut_core._cli.common import analysis_error, probed
from roughcut_core.errors import MediaError


def test_analysis_error_keeps_media_errors_and_names_anything_else(tmp_path):
    own = MediaError(tmp_path / "a.mov", "no video stream")
    assert analysis_error(tmp_path / "a.mov", own) is own
    other = analysis_error(tmp_path / "b.mov", RuntimeError("decoder blew up\n  at frame 12"))
    assert isinstance(other, MediaError)
    assert str(other).endswith("b.mov: could not be analysed (RuntimeError: decoder blew up)")
    assert str(analysis_error("c.wav", KeyError())) == "c.wav: could not be analysed (KeyError: KeyError)"


def test_probed_yields_usable_files_and_collects_the_probe_reasons(grid_clip, tmp_path):
    text = tmp_path / "notes.mov"
    text.write_text("not a movie, just text\n" * 50)
    errors: list = []
    got = list(probed([text, grid_clip], errors, "test"))
    assert [(p, a.has_video) for p, a in got] == [(grid_clip, True)]
    assert len(errors) == 1 and "notes.mov" in str(errors[0])


def test_cli_asks_numpys_blas_threads_to_sleep_before_numpy_loads(tmp_path):
    """OpenBLAS reads OPENBLAS_THREAD_TIMEOUT once, when numpy is first imported: the command line
    sets it before any command module loads numpy; a user's own value is kept."""
    import json
    import os
    import subprocess
    import sys

    code = ("import json, os, sys\n"
            "from roughcut_core._cli import main as m\n"
            "before = 'numpy' in sys.modules\n"
            "try:\n    m.main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print(json.dumps([before, 'numpy' in sys.modules, os.environ.get('OPENBLAS_THREAD_TIMEOUT')]))\n")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                         check=True, cwd=str(tmp_path))
    before, _, value = json.loads(out.stdout.strip().splitlines()[-1])
    assert before is False and value == "4"  # set before the command modules (and numpy) loaded
    env["OPENBLAS_THREAD_TIMEOUT"] = "7"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                         check=True, cwd=str(tmp_path))
    assert json.loads(out.stdout.strip().splitlines()[-1])[2] == "7"
