"""Speech stage: streamed decoding, whisper transcription (real tiny.en), boundary refinement,
cache behaviour, bad input, CLI. Shared media is read in place through conftest fixtures."""
from __future__ import annotations

import importlib
import json
import os
import tracemalloc
import wave
from pathlib import Path

import numpy as np
import pytest

from roughcut_core import MediaError, RoughcutError, Word
from roughcut_core.bench.metrics import boundary_errors, normalize_words, percentile, word_error_rate
from roughcut_core.bench.speech import read_grid_align
from roughcut_core.cache import AnalysisCache
from roughcut_core.speech import (AsrOptions, SpeechTranscriber, decode_audio, iter_audio_blocks,
                                  refine_word_boundaries)


def write_wav(path: Path, samples: np.ndarray, sample_rate: int = 16000) -> Path:
    """PCM16 WAV; ``samples`` is (n,) or (channels, n) float in -1..1."""
    data = np.atleast_2d(samples)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(data.shape[0])
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes((np.clip(data.T, -1, 1) * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture(scope="module")
def transcriber():
    """One real tiny.en model shared by this module's tests (no cache)."""
    t = SpeechTranscriber(AsrOptions())
    t.load()
    return t


# -- decoding ---------------------------------------------------------------------------------

def test_decode_16k_wav_is_exact_and_ranges_slice(sphinx_digits_wav):
    with wave.open(str(sphinx_digits_wav)) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768
    audio = decode_audio(sphinx_digits_wav)
    assert audio.dtype == np.float32 and audio.shape == pcm.shape
    assert np.max(np.abs(audio - pcm)) < 1e-4
    part = decode_audio(sphinx_digits_wav, start=2.0, end=3.5)
    assert part.shape == (24000,)
    assert np.max(np.abs(part - pcm[32000:56000])) < 1e-4


def test_blocks_are_contiguous_and_match_full_decode(jfk_flac):
    full = decode_audio(jfk_flac)
    assert abs(full.size / 16000 - 11.0) < 0.01
    blocks = list(iter_audio_blocks(jfk_flac, 16000, 4.0, "mix"))
    assert [t0 for t0, _ in blocks] == [0.0, 4.0, 8.0]
    assert np.array_equal(np.concatenate([b for _, b in blocks]), full)
    both = list(iter_audio_blocks(jfk_flac, 16000, 4.0, "all"))
    assert both[0][1].shape == (2, 64000)
    left = decode_audio(jfk_flac, channel=0)
    assert np.array_equal(both[0][1][0], left[:64000])


def test_decoding_streams_in_bounded_memory(tmp_path):
    seconds = 240
    path = tmp_path / "long.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        tone = (0.1 * np.sin(np.arange(16000) * 0.3) * 32767).astype("<i2").tobytes()
        for _ in range(seconds):
            out.writeframes(tone)
    tracemalloc.start()
    total = 0
    try:
        for _, block in iter_audio_blocks(path, 16000, 10.0):
            total += block.size
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == seconds * 16000
    # The whole file as float32 would be 15 MB; streaming holds about one 10 s block (0.6 MB).
    assert peak < 4 * 1024 * 1024


@pytest.mark.parametrize("kind", ["missing", "empty", "text", "no_audio"])
def test_decode_bad_input_names_the_file(tmp_path, kind):
    path = tmp_path / f"bad_{kind}.mov"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("this is not a movie\n" * 50)
    elif kind == "no_audio":
        from roughcut_core.synth import write_test_video

        path = write_test_video(tmp_path / "silent_picture.mp4", rate=25, seconds=0.4, width=64, height=48,
                                audio_channels=0)
    with pytest.raises(MediaError) as err:
        decode_audio(path)
    assert str(path) in str(err.value)
    if kind == "no_audio":
        assert "no audio stream" in str(err.value)


def test_channel_out_of_range(sphinx_digits_wav):
    with pytest.raises(MediaError, match="channel 3"):
        decode_audio(sphinx_digits_wav, channel=3)


# -- refinement on controlled signals ---------------------------------------------------------

def _bursts(spans, total=4.0, sr=16000, seed=1):
    """Noise-like 'words' at exact spans over a quiet noise floor (about 40 dB below)."""
    rng = np.random.default_rng(seed)
    audio = 0.003 * rng.standard_normal(int(total * sr)).astype(np.float32)
    for s, e in spans:
        n = int(round((e - s) * sr))
        env = np.ones(n, np.float32)
        audio[int(round(s * sr)):int(round(s * sr)) + n] += 0.3 * env * rng.standard_normal(n).astype(np.float32)
    return audio


def test_refinement_snaps_late_whisper_times_to_onsets_and_offsets():
    truth = [("one", 0.50, 0.90), ("two", 1.20, 1.55), ("three", 2.30, 2.80)]
    audio = _bursts([(s, e) for _, s, e in truth])
    late = [Word(t, s + d, e + d) for (t, s, e), d in zip(truth, (0.12, 0.25, 0.35))]
    refined = refine_word_boundaries(late, audio, 16000)
    for (_, s, e), w in zip(truth, refined):
        assert abs(w.start - s) <= 0.015 and abs(w.end - e) <= 0.015, (w, s, e)
    before = boundary_errors(truth, late)
    after = boundary_errors(truth, refined)
    assert after["clipped"] == 0 and before["clipped"] == 3
    assert max(after["start"] + after["end"]) < min(before["start"])


def test_refinement_keeps_joined_words_adjacent_at_the_dip():
    # Two words with no pause: a 30 ms dip (20 dB down) between them, whisper 0.1 s late.
    sr = 16000
    audio = _bursts([(0.5, 1.0), (1.03, 1.6)])
    audio[int(1.0 * sr):int(1.03 * sr)] *= 0.1
    words = [Word("hello", 0.6, 1.12), Word("there", 1.12, 1.72)]
    a, b = refine_word_boundaries(words, audio, sr)
    assert a.end <= b.start
    assert 0.99 <= a.end <= 1.04 and 0.99 <= b.start <= 1.04
    assert abs(a.start - 0.5) < 0.015 and abs(b.end - 1.6) < 0.015


def test_refinement_never_moves_more_than_max_shift_and_keeps_unmatched_words():
    audio = _bursts([(0.2, 2.8)])  # one long region; words deep inside it
    words = [Word("a", 1.5, 1.7)]
    (w,) = refine_word_boundaries(words, audio, 16000)
    assert 1.1 - 1e-6 <= w.start <= 1.5 and 1.7 <= w.end <= 2.1 + 1e-6
    quiet = np.zeros(32000, np.float32)
    assert refine_word_boundaries(words, quiet, 16000) == tuple(words)


# -- transcription (real tiny.en) -------------------------------------------------------------

@pytest.mark.slow
def test_transcribe_jfk_words_text_and_times(transcriber, jfk_flac):
    result = transcriber.transcribe_detailed(jfk_flac)
    t = result.transcript
    ref = (Path(jfk_flac).with_suffix(".txt")).read_text()
    assert word_error_rate(ref, t.text)["wer"] <= 0.1
    assert t.language == "en" and abs(t.duration - 11.0) < 0.05
    assert t.analyzer.name == "speech.transcribe" and t.analyzer.params["model"] == "tiny.en"
    starts = [w.start for w in t.words]
    assert starts == sorted(starts)
    for a, b in zip(t.words, t.words[1:]):
        assert a.start <= a.end <= b.start
    assert 0 <= t.words[0].start and t.words[-1].end <= t.duration
    assert len(result.raw_words) == len(t.words)
    assert set(result.timings) == {"decode", "asr", "refine"}


@pytest.mark.slow
def test_refinement_improves_grid_word_boundaries(transcriber, grid_clip):
    truth = read_grid_align(Path(grid_clip).with_suffix(".align"))
    result = transcriber.transcribe_detailed(grid_clip)
    before = boundary_errors(truth, result.raw_words)
    after = boundary_errors(truth, result.transcript.words)
    assert after["matched"] >= 2
    assert percentile(after["start"] + after["end"], 50) <= 0.04
    assert percentile(after["start"] + after["end"], 50) < percentile(before["start"] + before["end"], 50)
    assert after["clipped"] <= before["clipped"]


@pytest.mark.slow
def test_second_run_is_served_from_cache_without_loading_a_model(tmp_path, sphinx_digits_wav, monkeypatch):
    cache = AnalysisCache(tmp_path / "cache")
    first = SpeechTranscriber(AsrOptions(), cache=cache)
    t1 = first.transcribe(sphinx_digits_wav)
    assert first.model_loaded and t1.words

    import faster_whisper

    def no_model(*args, **kwargs):
        raise AssertionError("the model must not be loaded on a cache hit")

    monkeypatch.setattr(faster_whisper, "WhisperModel", no_model)
    second = SpeechTranscriber(AsrOptions(), cache=cache)
    t2 = second.transcribe(sphinx_digits_wav)
    assert not second.model_loaded
    assert t2 == t1
    # Same bytes and mtime under another name (a moved file): same content key, served from
    # cache, with the new path.
    copy = tmp_path / "renamed.wav"
    copy.write_bytes(Path(sphinx_digits_wav).read_bytes())
    stat = Path(sphinx_digits_wav).stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    t3 = second.transcribe(copy)
    assert t3.path == str(copy) and t3.words == t1.words and not second.model_loaded
    # An option that changes results is a different key: that needs the model.
    with pytest.raises(RoughcutError, match="must not be loaded"):
        SpeechTranscriber(AsrOptions(refine=False), cache=cache).transcribe(sphinx_digits_wav)


@pytest.mark.slow
def test_bad_inputs_give_per_file_results(transcriber, tmp_path, jfk_flac, sphinx_digits_wav):
    # Digital silence: a clear empty result.
    silent = transcriber.transcribe(write_wav(tmp_path / "silence.wav", np.zeros(3 * 16000)))
    assert silent.words == () and silent.language is None and abs(silent.duration - 3.0) < 0.01

    # 8 channels at 96 kHz: speech on channel 5 only.
    speech = decode_audio(sphinx_digits_wav, sample_rate=96000)
    planes = np.zeros((8, speech.size), np.float32)
    planes[5] = speech
    multi = write_wav(tmp_path / "eight.wav", planes, 96000)
    assert np.allclose(decode_audio(multi, channel=5, sample_rate=16000)[:16000],
                       decode_audio(sphinx_digits_wav)[:16000], atol=2e-3)
    t = transcriber.transcribe(multi)
    assert "zero" in " ".join(normalize_words(t.text))

    # Corrupt bytes in the middle of a FLAC: the bad frames are skipped or concealed, the
    # timeline stays exact, and words come out on both sides of the damage (~5.5 s).
    data = bytearray(Path(jfk_flac).read_bytes())
    mid = len(data) // 2
    data[mid:mid + 4000] = bytes((i * 37) % 256 for i in range(4000))
    corrupt = tmp_path / "corrupt.flac"
    corrupt.write_bytes(bytes(data))
    t = transcriber.transcribe(corrupt)
    assert abs(t.duration - 11.0) < 0.05
    assert any(w.start < 4.0 for w in t.words) and any(w.start > 7.0 for w in t.words)

    # Non-English speech (espeak-ng German) on an English-only model: a result, not a crash.
    from roughcut_core.demo.tts import Voice, synthesize_many

    (german,) = synthesize_many([("Guten Morgen, wie geht es Ihnen heute? Das Wetter ist schön.", Voice("de"))])
    t = transcriber.transcribe(write_wav(tmp_path / "german.wav", german, 48000))
    assert t.language == "en" and t.duration > 1.0

    # No audio stream: MediaError naming the file.
    from roughcut_core.synth import write_test_video

    picture_only = write_test_video(tmp_path / "no_audio.mp4", rate=25, seconds=0.4, width=64, height=48,
                                    audio_channels=0)
    with pytest.raises(MediaError, match="no audio stream"):
        transcriber.transcribe(picture_only)


@pytest.mark.slow
def test_long_input_is_windowed_without_losing_or_repeating_words(transcriber, tmp_path, jfk_flac, monkeypatch):
    transcribe_module = importlib.import_module("roughcut_core.speech.transcribe")

    # Small windows so a 50 s file crosses several window joins.
    monkeypatch.setattr(transcribe_module, "WINDOW_S", 15.0)
    monkeypatch.setattr(transcribe_module, "SPLIT_SEARCH_S", 4.0)
    clip = decode_audio(jfk_flac)
    gap = np.zeros(8000, np.float32)
    path = write_wav(tmp_path / "jfk_x4.wav", np.concatenate([clip, gap] * 4))
    t = transcriber.transcribe(path)
    assert abs(t.duration - 46.0) < 0.05
    text = normalize_words(t.text)
    assert text.count("country") == 8 and text.count("americans") == 4
    starts = [w.start for w in t.words]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert t.words[-1].end > 44.0


# -- CLI ----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_cli_transcribe_json_contract(tmp_path, capsys, sphinx_digits_wav):
    from roughcut_core._cli.main import main

    bad = tmp_path / "notes.mov"
    bad.write_text("not media")
    rc = main(["transcribe", str(sphinx_digits_wav), str(bad), "--json", "--cache-dir", str(tmp_path / "c")])
    out, err = capsys.readouterr()
    assert rc == 0
    data = json.loads(out)
    assert [d["path"] for d in data] == [str(sphinx_digits_wav)]
    assert data[0]["language"] == "en"
    word = data[0]["words"][0]
    assert set(word) == {"text", "start", "end", "probability"} and 0 <= word["start"] < word["end"] < 8.4
    assert "notes.mov" in err and err.count("\n") == 1
    rc = main(["transcribe", str(bad), "--json", "--no-cache"])
    assert rc == 2


@pytest.mark.slow
def test_refinement_meets_boundary_targets_on_the_demo_scene(transcriber, demo_scene):
    from roughcut_core.demo import load_ground_truth

    truth = load_ground_truth(demo_scene.ground_truth_path)
    before, after, clipped_before, clipped_after = [], [], 0, 0
    for take in truth["takes"]:
        if take["setup"] == "WIDE" or take["truncated_at"]:
            continue  # the close-up takes are enough here; the benchmark covers every take
        words = sorted(((w["text"], w["start"], w["end"]) for r in take["readings"] for w in r["words"]),
                       key=lambda w: w[1])
        result = transcriber.transcribe_detailed(demo_scene.root / take["path"])
        b = boundary_errors(words, result.raw_words)
        a = boundary_errors(words, result.transcript.words)
        assert a["matched"] >= 0.8 * a["ref_words"]
        before += b["start"] + b["end"]
        after += a["start"] + a["end"]
        clipped_before += b["clipped"]
        clipped_after += a["clipped"]
    assert len(after) > 100
    assert percentile(after, 50) <= 0.030 and percentile(after, 95) <= 0.080
    assert percentile(before, 50) > 0.06  # whisper alone is far off: the test can tell
    assert clipped_after * 4 < clipped_before


def test_model_resolution_is_offline_and_errors_are_clear(tmp_path, monkeypatch):
    import huggingface_hub.constants

    from roughcut_core.speech.asr_model import load_whisper, resolve_model

    # An empty hub cache, so "not downloaded" holds whatever this machine has cached.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))

    bundled = resolve_model("tiny.en")
    assert Path(bundled.source, "model.bin").is_file() and bundled.identity == "tiny.en"
    folder = resolve_model(bundled.source)  # a local CTranslate2 folder is taken as is
    assert folder.source == bundled.source and folder.identity.startswith("dir:")
    with pytest.raises(RoughcutError, match="no model.bin"):
        resolve_model(str(tmp_path))
    with pytest.raises(RoughcutError, match="not available offline"):
        load_whisper("large-v3-turbo", device="cpu")
    with pytest.raises(RoughcutError, match="unknown ASR model"):
        load_whisper("no-such-model", device="cpu")


def test_wer_normalisation_and_counts():
    assert normalize_words("Bin blue at F2, now!") == ["bin", "blue", "at", "f", "two", "now"]
    assert normalize_words("It's 1,042 - 15%") == ["it's", "one", "thousand", "forty", "two", "fifteen", "percent"]
    r = word_error_rate("alpha bravo charlie delta", "alpha xray charlie delta echo")
    assert (r["substitutions"], r["deletions"], r["insertions"], r["ref_words"]) == (1, 0, 1, 4)
    assert abs(r["wer"] - 0.5) < 1e-9
    assert word_error_rate("alpha bravo charlie", "alpha charlie")["deletions"] == 1
    assert word_error_rate("One zero zero", "1 0 0")["wer"] == 0.0
    errs = boundary_errors([("hello", 1.0, 1.5), ("world", 1.6, 2.0)], [Word("Hello,", 1.1, 1.45), Word("world", 1.6, 2.0)])
    assert errs["matched"] == 2 and errs["clipped"] == 1
    assert sorted(round(e, 3) for e in errs["start"]) == [0.0, 0.1]


def test_boundary_guess_past_the_audio_end_still_splits():
    """A recogniser's word boundary guessed past the end of the audio (seen on a generated
    scene) used to give an empty search window and crash the take's analysis."""
    import numpy as np

    from roughcut_core.speech.refine import RefineOptions, _region_splits

    energy = np.linspace(-60.0, -20.0, 100)
    raw = np.ones(100, dtype=bool)
    splits = _region_splits(energy, raw, (10, 100), [150.0], RefineOptions())
    assert len(splits) == 1 and 0 <= splits[0][0] < 100
