"""Issue 23 (23f): a file's 16 kHz mix is decoded once per run and shared by the speech stage,
the sound events and the scene pass (``speech.shared_audio``), with the same samples."""
from __future__ import annotations

import numpy as np
import pytest


def test_shared_audio_decodes_once_and_gives_decode_audio_samples(grid_clip, tmp_path):
    from roughcut_core.speech.audio_io import decode_audio
    from roughcut_core.speech.shared_audio import SharedAudio

    want = decode_audio(grid_clip, 16000)
    store = SharedAudio()
    first, again = store.get(grid_clip, "k1"), store.get(grid_clip, "k1")
    assert store.decodes == 1 and again is first and np.array_equal(first, want)
    assert not first.flags.writeable and store.kept_bytes == want.nbytes
    store.get(grid_clip, "k2")  # another content key is another file: decoded again
    assert store.decodes == 2
    store.discard(grid_clip, "k1")
    assert store.peek(grid_clip, "k1") is None and store.peek(grid_clip, "k2") is not None
    # over the budget: nothing is kept, each caller decodes as before
    small = SharedAudio(max_bytes=want.nbytes - 1)
    small.get(grid_clip), small.get(grid_clip)
    assert small.decodes == 2 and small.kept_bytes == 0
    assert small.recorder(grid_clip, duration=want.size / 16000) is None
    # with no key a changed file is not answered with its old sound
    copy = tmp_path / "clip.mpg"
    copy.write_bytes(grid_clip.read_bytes())
    store.get(copy)
    copy.write_bytes(grid_clip.read_bytes()[: copy.stat().st_size // 2])
    assert store.peek(copy) is None


def test_recorder_keeps_only_contiguous_blocks_from_zero():
    from roughcut_core.speech.shared_audio import SharedAudio

    store = SharedAudio()
    rec = store.recorder("a.wav", "k")
    rec.add(0.0, np.ones(16000, np.float32))
    rec.add(1.0, np.zeros(8000, np.float32))
    rec.done()
    got = store.peek("a.wav", "k")
    assert got.shape == (24000,) and got[:16000].all() and not got[16000:].any()
    gap = store.recorder("b.wav", "k")
    gap.add(0.0, np.ones(16000, np.float32))
    gap.add(2.0, np.ones(16000, np.float32))  # a hole: not the file's mix, not kept
    gap.done()
    assert store.peek("b.wav", "k") is None
    assert store.recorder("a.wav", "k") is None  # kept already


@pytest.mark.timeout(300)
def test_transcriber_keeps_the_mix_it_streamed(grid_clip):
    pytest.importorskip("faster_whisper")
    from roughcut_core.speech import SpeechTranscriber
    from roughcut_core.speech.audio_io import decode_audio
    from roughcut_core.speech.shared_audio import SharedAudio

    transcriber = SpeechTranscriber()
    store = SharedAudio()
    shared = transcriber.transcribe(grid_clip, shared=store)
    assert shared == transcriber.transcribe(grid_clip)
    assert np.array_equal(store.peek(grid_clip), decode_audio(grid_clip, 16000))
    assert store.decodes == 0


@pytest.mark.timeout(300)
def test_a_cut_decodes_each_file_once_at_16k(grid_clip, tmp_path, monkeypatch):
    """Speech, the sound events and the scene pass used to decode the file three times."""
    pytest.importorskip("faster_whisper")
    from roughcut_core.media import probe
    from roughcut_core.model import Scene, Script, ScriptLine
    from roughcut_core.pipeline import PipelineOptions, RoughCutPipeline
    from roughcut_core.speech import audio_io

    whole: list[str] = []
    positioned = audio_io._positioned

    def counting(path, sample_rate, start):
        if not start:
            whole.append(str(path))
        return positioned(path, sample_rate, start)

    monkeypatch.setattr(audio_io, "_positioned", counting)
    line = ScriptLine(id="1-1", scene_id="1", character="ANN", text="Bin blue at F two now.")
    script = Script(scenes=(Scene(id="1", heading="INT. ROOM - DAY", lines=(line,)),), title="t")
    options = PipelineOptions(cache_dir=str(tmp_path / "cache"), performance=False, keep_audio_for_scene=True)
    pipeline = RoughCutPipeline(options)
    analyses = [pipeline.analyze_asset(probe(grid_clip))]
    assert pipeline.shared_audio.kept_bytes > 0
    result = pipeline.assemble(script, analyses)
    assert result.readings and "snr_db" in result.readings[0].signals  # the scene pass measured it
    assert analyses[0].transcript.words
    assert whole == [str(grid_clip)]
    assert pipeline.shared_audio.kept_bytes == 0  # let go once the scene is measured
    # a pipeline that only analyses (bridge pool, Ray worker) keeps nothing after the file, and
    # its sound events still take the speech stage's mix
    whole.clear()
    analyst = RoughCutPipeline(PipelineOptions(cache_dir=str(tmp_path / "cache2"), performance=False))
    again = analyst.analyze_asset(probe(grid_clip))
    assert whole == [str(grid_clip)] and analyst.shared_audio.kept_bytes == 0
    assert again.transcript == analyses[0].transcript
