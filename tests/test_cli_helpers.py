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
