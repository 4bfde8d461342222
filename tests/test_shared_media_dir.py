"""Every benchmark, test and the scene generator find the shared media through one function.

Contract of :func:`roughcut_core.paths.shared_media_dir`: ``$ROUGHCUT_SHARED_MEDIA`` when set (a
worktree or an installed package elsewhere), else ``../shared/media`` beside the repository.
"""
import subprocess
import sys
from pathlib import Path

from roughcut_core import paths
from roughcut_core.bench import blinks, emotion

REPO = Path(__file__).resolve().parents[1]


def test_default_is_beside_the_repository(monkeypatch):
    monkeypatch.delenv("ROUGHCUT_SHARED_MEDIA", raising=False)
    assert paths.shared_media_dir() == REPO.parent / "shared" / "media"


def test_the_environment_names_another_folder_and_the_benches_follow_it(monkeypatch, tmp_path):
    monkeypatch.setenv("ROUGHCUT_SHARED_MEDIA", str(tmp_path))
    assert paths.shared_media_dir() == tmp_path
    # these two ignored the variable before (a worktree's bench read the wrong folder)
    assert blinks._media() == tmp_path / "video_faces_speaking"
    assert emotion._default_data() == tmp_path / "emotion_takes"
    # bench quality's acted-takes default is fixed at import: read it in a fresh process
    out = subprocess.run([sys.executable, "-c", "from roughcut_core.bench import quality; print(quality.SHARED)"],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == str(tmp_path / "emotion_takes")


def test_bench_align_real_follows_the_environment(monkeypatch, tmp_path):
    """``bench align --only real`` found RAVDESS beside the repository whatever the variable said:
    from a worktree it skipped, "shared media not available"."""
    monkeypatch.setenv("ROUGHCUT_SHARED_MEDIA", str(tmp_path))
    out = subprocess.run([sys.executable, "-c", "from roughcut_core.bench import align_real; print(align_real.RAVDESS)"],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == str(tmp_path / "emotion_takes" / "ravdess")
