"""The whole-line cost's encoder frames kept across runs (align.linestore, linecost.Frames).

A scene computed again over unchanged files reads the stretches' encoder frames back bit for
bit instead of encoding their windows again (the real tiny.en encoder, a real on-disk
AnalysisCache)."""
from __future__ import annotations

import numpy as np
import pytest

from roughcut_core.align.linecost import Frames
from roughcut_core.align.linestore import ANALYZER, VERSION, WindowStore
from roughcut_core.cache import AnalysisCache
from roughcut_core.speech.transcribe import SpeechTranscriber

SR = 16000


def _audio(seconds: float = 8.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    # a voiced-like buzz with a moving pitch over noise: the encoder sees something to encode
    x = 0.2 * np.sin(2 * np.pi * (140 + 30 * np.sin(t)) * t) + 0.02 * rng.standard_normal(len(t))
    return x.astype(np.float32)


def test_store_round_trip_is_bit_exact_and_keyed_by_samples_rows_and_encoder(tmp_path):
    cache = AnalysisCache(tmp_path)
    x = _audio(2.0)
    frames = np.random.default_rng(1).standard_normal((100, 384)).astype(np.float32)
    store = WindowStore(cache, "tiny.en|cpu|int8")
    assert store.get(x, (10, 110)) is None
    store.put(x, (10, 110), frames)
    back = store.get(x, (10, 110))
    assert back.dtype == np.float32 and np.array_equal(back, frames)
    assert store.get(x, (10, 111)) is None                                      # other rows
    y = x.copy()
    y[5] += 1e-3
    assert store.get(y, (10, 110)) is None                                      # other samples
    assert WindowStore(cache, "tiny.en|cuda|float16").get(x, (10, 110)) is None  # other encoder
    assert WindowStore(None, "tiny.en|cpu|int8").get(x, (10, 110)) is None      # no cache
    off = WindowStore(AnalysisCache(tmp_path / "off", enabled=False), "tiny.en|cpu|int8")
    off.put(x, (10, 110), frames)
    assert off.get(x, (10, 110)) is None and not (tmp_path / "off").exists()


def test_unusable_entry_is_a_miss(tmp_path):
    cache = AnalysisCache(tmp_path)
    x = _audio(2.0)
    store = WindowStore(cache, "e")
    for bad in ({"shape": [3, 4], "f32": "not base64!"}, {"shape": [3, 4], "f32": ""}, {"f32": ""}, [1, 2]):
        cache.put(store._key(x), ANALYZER, VERSION, store._params((0, 3)), bad)
        assert store.get(x, (0, 3)) is None


@pytest.fixture(scope="module")
def transcriber_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("linecache")


def test_scene_again_reads_the_encoder_windows_back(transcriber_cache):
    audio = {"a.wav": _audio(8.0, 0), "b.wav": _audio(6.0, 1)}
    first = SpeechTranscriber(cache=AnalysisCache(transcriber_cache))
    f1 = Frames(audio, "tiny.en", first.whisper)
    got1 = [f1.get("a.wav", 1.0, 4.0), f1.get("b.wav", 0.5, 3.0)]
    assert f1.kind == "encoder" and (f1.encoded, f1.stored) == (2, 0)

    # a new run (new transcriber, same cache): no window encoded again, the same frames
    again = SpeechTranscriber(cache=AnalysisCache(transcriber_cache))
    f2 = Frames(audio, "tiny.en", again.whisper)
    got2 = [f2.get("a.wav", 1.0, 4.0), f2.get("b.wav", 0.5, 3.0)]
    assert (f2.encoded, f2.stored) == (0, 2)
    assert not again.model_loaded          # every stretch read back: the model not even loaded
    for g1, g2 in zip(got1, got2):
        assert g1.shape == g2.shape and g1.shape[0] > 100 and np.array_equal(g1, g2)
    # a stretch not compared before: its window is encoded, the frames those of one encoding
    wider = f2.get("a.wav", 0.5, 4.0)
    assert (f2.encoded, f2.stored) == (1, 2)
    assert np.array_equal(wider, Frames(audio, "tiny.en", SpeechTranscriber(cache=None).whisper).get("a.wav", 0.5, 4.0))

    # a changed file is encoded again; no cache: encoded, nothing read
    changed = {"a.wav": _audio(8.0, 2)}
    f3 = Frames(changed, "tiny.en", again.whisper)
    f3.get("a.wav", 1.0, 4.0)
    assert (f3.encoded, f3.stored) == (1, 0)
    f4 = Frames(audio, "tiny.en", SpeechTranscriber(cache=None).whisper)
    f4.get("a.wav", 1.0, 4.0)
    assert (f4.encoded, f4.stored) == (1, 0)


def test_transcriber_names_its_encoder_before_and_after_loading(tmp_path):
    from roughcut_core.speech.asr_model import choose_device

    t = SpeechTranscriber(cache=AnalysisCache(tmp_path))
    handle = t.whisper
    before = handle.encoder_id
    assert before == "tiny.en|{}|{}".format(*choose_device()) and not t.model_loaded  # loads nothing
    model = handle()
    assert hasattr(model, "encode") and t.model_loaded
    assert handle.encoder_id == before and handle.cache is t.cache


def test_no_encoder_after_all(tmp_path):
    """A store but no model to encode with: every stretch on MFCCs when nothing stored was given
    out; after stored encoder frames, an unstored stretch has none (never MFCCs mixed in)."""
    audio = {"a.wav": _audio(8.0, 0)}
    cache = AnalysisCache(tmp_path)
    donor = Frames(audio, "tiny.en", SpeechTranscriber(cache=cache).whisper)
    stored = donor.get("a.wav", 1.0, 4.0)

    class Unloadable:   # a recogniser that names its encoder but cannot load it
        def __init__(self, eid):
            self.cache, self.encoder_id = cache, eid

        def __call__(self):
            raise RuntimeError("no weights here")

    eid = SpeechTranscriber(cache=cache).whisper.encoder_id
    f = Frames(audio, "tiny.en", Unloadable(eid))
    assert np.array_equal(f.get("a.wav", 1.0, 4.0), stored) and f.stored == 1
    assert f.get("a.wav", 0.5, 4.0).shape == (0, 384)
    g = Frames(audio, "tiny.en", Unloadable(eid))
    assert g.get("a.wav", 0.5, 4.0).shape[1] == 20 and g.kind == "mfcc"
