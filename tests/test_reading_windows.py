"""Issue 23 (23g): the per-reading signals stop decoding each reading's window on its own.

- Sound: every reading is a slice of its file's 16 kHz mix (``SharedAudio.window``), so a file
  is decoded once however many readings it has (before: one seek + decode per reading).
- Picture: the face signals' frames come from one decode pass per run of nearby readings of a
  file (``picture.windows.sampled_windows``), the very frames of one decode per reading.
No timings here (``roughcut bench speed`` and the 23g report measure them)."""
from __future__ import annotations

import threading

import numpy as np
import pytest


def _count_calls(monkeypatch, module, name, pred=lambda *a, **k: True) -> list:
    calls: list = []
    real = getattr(module, name)

    def counting(*a, **k):
        if pred(*a, **k):
            calls.append((a, k))
        return real(*a, **k)

    monkeypatch.setattr(module, name, counting)
    return calls


def _take(demo_scene, stem="CU_ALICE_T2"):
    from roughcut_core.media import probe

    path = next(p for p in demo_scene.media_dir.glob("*.mp4") if p.stem == stem)
    return probe(str(path))


def test_window_is_a_slice_of_the_mix_and_one_decode_serves_all(grid_clip, monkeypatch):
    from roughcut_core.speech import audio_io
    from roughcut_core.speech.shared_audio import SharedAudio

    whole = audio_io.decode_audio(grid_clip, 16000)
    store = SharedAudio()
    got = store.window(grid_clip, "k", 0.5, 1.25)
    assert np.array_equal(got, whole[8000:20000]) and store.decodes == 1
    assert store.window(grid_clip, "k", 2.9, 9.0).size == whole.size - int(round(2.9 * 16000))
    assert store.decodes == 1
    # a file over the budget: each window is decoded on its own, never the whole file
    windows_only = _count_calls(monkeypatch, audio_io, "decode_audio")
    small = SharedAudio(max_bytes=whole.nbytes - 1)
    part = small.window(grid_clip, "k", 0.5, 1.25, duration=whole.size / 16000)
    assert small.decodes == 0 and windows_only[-1][1] == {"start": 0.5, "end": 1.25}
    assert abs(part.size - 12000) <= 1
    # unknown duration: one whole decode finds it too big, then windows only
    small.window(grid_clip, "k", 0.5, 1.25), small.window(grid_clip, "k", 1.5, 2.0)
    assert small.decodes == 1 and small.kept_bytes == 0


def test_threads_asking_for_one_file_share_its_decode(grid_clip):
    from roughcut_core.speech.shared_audio import SharedAudio

    store = SharedAudio()
    barrier = threading.Barrier(4)
    out = []

    def ask():
        barrier.wait()
        out.append(store.get(grid_clip, "k"))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert store.decodes == 1 and all(a is out[0] for a in out)


@pytest.mark.timeout(240)
def test_reading_signals_decode_each_file_once(demo_scene, monkeypatch):
    """Eight readings of one take: one decode with no store, none with the pipeline's store
    holding the mix (the scene pass made it); the values do not depend on which."""
    from roughcut_core.perform.reading import attach_performance, measure
    from roughcut_core.model import LineReading
    from roughcut_core.speech import audio_io
    from roughcut_core.speech.shared_audio import SharedAudio

    asset = _take(demo_scene)
    readings = [LineReading(path=asset.path, line_id=f"L{k}", start=0.3 + 2.2 * k, end=2.2 + 2.2 * k, score=1.0)
                for k in range(8)]
    calls = _count_calls(monkeypatch, audio_io, "decode_audio")
    alone = attach_performance(readings, {}, assets={asset.path: asset}, model=None)
    assert len(calls) == 1 and calls[0][1].get("start") is None  # the whole file, once
    shared = SharedAudio()
    shared.get(asset.path, asset.content_key)
    calls.clear()
    lent = attach_performance(readings, {}, assets={asset.path: asset}, model=None, shared=shared)
    assert calls == []
    assert [r.signals for r in lent] == [r.signals for r in alone]
    assert all("loudness_db" in r.signals and "arousal" in r.signals for r in lent)
    # against the old per-reading decode: the resampler's cold start and grid shift only
    for r in readings[:4]:
        t0, t1 = r.start - 0.05, r.end + 0.05
        old = measure(audio_io.decode_audio(r.path, 16000, start=t0, end=t1), 16000, t0, [])
        new = measure(shared.window(r.path, asset.content_key, t0, t1), 16000, t0, [])
        assert abs(old["loudness_db"] - new["loudness_db"]) < 0.05
        assert abs(old["energy_dyn_db"] - new["energy_dyn_db"]) < 0.1


@pytest.mark.timeout(240)
def test_sampled_windows_are_each_windows_own_frames(demo_scene, grid_clip, monkeypatch):
    from roughcut_core.picture import decode
    from roughcut_core.picture.windows import SEEK_GAP_S, run_count, sampled_frames, sampled_windows

    asset = _take(demo_scene)
    d = asset.duration
    # overlapping, touching, a long gap (a second run), the file's first and last frames, past the end
    windows = [(0.0, 0.6), (0.4, 2.5), (2.5, 3.1), (3.3, 5.0), (5.0 + SEEK_GAP_S + 2.0, 12.5),
               (d - 0.5, d + 1.0), (d + 2.0, d + 3.0)]
    opens = _count_calls(monkeypatch, decode, "_open")
    got = dict(sampled_windows(asset.path, windows, asset.rate))
    assert len(opens) == run_count(windows) == 3
    for i, (s, e) in enumerate(windows):
        want = sampled_frames(asset.path, s, e, asset.rate)
        assert [t for t, _ in got[i]] == [t for t, _ in want]
        assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(got[i], want))
    assert got[6] == [] and len(got[1]) >= 10
    # MPEG-PS (seeks land past the start): the same frames too
    grid = [(0.2, 0.9), (1.0, 1.8), (1.6, 2.9)]
    from roughcut_core.media import probe

    rate = probe(str(grid_clip)).rate
    for i, frames in sampled_windows(str(grid_clip), grid, rate):
        want = sampled_frames(str(grid_clip), *grid[i], rate)
        assert [t for t, _ in frames] == [t for t, _ in want]
        assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(frames, want))
    missing = dict(sampled_windows("/nonexistent/clip.mp4", [(0.0, 1.0), (1.0, 2.0)], rate))
    assert all("file not found" in str(e) for e in missing.values())


@pytest.mark.timeout(300)
def test_face_signals_open_a_file_once_per_run_of_readings(demo_scene, monkeypatch):
    """Six nearby readings of one take: one decoder opened (before: six), and each reading's
    signals equal ``face_signals`` decoding its own window."""
    from roughcut_core.model import LineReading
    from roughcut_core.picture import decode
    from roughcut_core.picture.expression import _LazyModels, face_signals, reading_face_signals

    asset = _take(demo_scene)
    readings = [LineReading(path=asset.path, line_id=f"L{k}", start=0.2 + 2.0 * k, end=1.9 + 2.0 * k, score=1.0)
                for k in range(6)]
    opens = _count_calls(monkeypatch, decode, "_open")
    got = reading_face_signals(readings, {asset.path: asset}, workers=1)
    assert len(opens) == 1
    models = _LazyModels().get()
    want = [face_signals(r.path, r.start, r.end, asset.rate, models) for r in readings]
    assert got == want and all("face_size" in g for g in got)
