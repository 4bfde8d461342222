"""Issue 23 (23d): cold-analysis speed work keeps results and honours CPU shares.

No timings here (those live in ``roughcut bench speed``): these tests check that the faster paths
give the same answers as the plain ones and that thread settings are honoured.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _whisper_threads(omp: str) -> int:
    """Threads a process gains by loading tiny.en and transcribing 1 s of silence."""
    code = textwrap.dedent("""
        import os
        import numpy as np
        from roughcut_core.speech.asr_model import load_whisper
        before = len(os.listdir('/proc/self/task'))
        model, _, _ = load_whisper('tiny.en', 'cpu')
        list(model.transcribe(np.zeros(16000, np.float32))[0])
        print(len(os.listdir('/proc/self/task')) - before)
    """)
    env = {**os.environ, "OMP_NUM_THREADS": omp}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    return int(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux /proc to count threads")
def test_whisper_honours_omp_num_threads():
    """A Ray worker (OMP_NUM_THREADS=1) must not start a CTranslate2 thread per core."""
    pytest.importorskip("faster_whisper")
    one, six = _whisper_threads("1"), _whisper_threads("6")
    assert six - one >= 4, (one, six)


MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media" / "video_faces_speaking"


def test_thread_map_keeps_order_state_per_thread_and_errors_per_item():
    import threading

    from roughcut_core.threadmap import thread_map

    made = []

    def make_state():
        made.append(threading.get_ident())
        return {"thread": threading.get_ident()}

    def work(x, state):
        if x == 3:
            raise ValueError("bad item 3")
        return (x * x, state["thread"])

    for workers in (1, 3):
        made.clear()
        out = thread_map(work, range(8), workers=workers, make_state=make_state)
        assert [o.ok for o in out] == [k != 3 for k in range(8)]
        assert [o.value[0] for o in out if o.ok] == [k * k for k in range(8) if k != 3]
        assert isinstance(out[3].error, ValueError) and "bad item 3" in str(out[3].error)
        # one state per thread that ran items, and each item saw its own thread's state
        assert len(made) == len(set(made)) <= workers
        assert {o.value[1] for o in out if o.ok} <= set(made)
    assert thread_map(work, [], workers=4) == []


def _grid(name):
    clip = MEDIA / name
    if not clip.exists():
        pytest.skip(f"{clip} absent (../shared/media not laid out here)")
    return str(clip)


@pytest.mark.timeout(240)
def test_face_signals_on_threads_equal_one_by_one(tmp_path):
    """picture.expression.reading_face_signals on two threads (each with its own models) gives
    exactly the values of the one-thread loop, a missing file gives {} for its reading only,
    and the eye probe's prefetched windows equal windows probed one at a time."""
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.media import probe
    from roughcut_core.model import LineReading
    from roughcut_core.picture.expression import make_eye_probe, reading_face_signals
    from roughcut_core.timebase import Rate

    a, b = _grid("grid_lbax4n.mpg"), _grid("grid_bbaf2n.mpg")
    assets = {p: probe(p) for p in (a, b)}
    missing = str(tmp_path / "gone.mp4")
    assets[missing] = assets[a].__class__(**{**assets[a].__dict__, "path": missing, "content_key": ""})
    spans = [(a, 0.9, 1.6), (b, 1.0, 1.7), (a, 1.9, 2.5), (missing, 0.5, 1.0), (b, 2.0, 2.4)]
    readings = [LineReading(path=p, line_id=f"1-{k}", start=s, end=e, score=1.0)
                for k, (p, s, e) in enumerate(spans)]
    one = reading_face_signals(readings, assets, workers=1)
    two = reading_face_signals(readings, assets, cache=AnalysisCache(str(tmp_path / "c")), workers=2)
    assert one == two
    assert two[3] == {} and all(two[k] for k in (0, 1, 2, 4))

    windows = [(a, Rate(25), 20, 24), (b, Rate(25), 30, 33), (a, Rate(25), 40, 42)]
    plain = make_eye_probe(workers=1)
    expected = [plain(*w) for w in windows]
    store = {"cache": AnalysisCache(str(tmp_path / "eyes")), "keys": {a: "grid-a", b: "grid-b"}}
    threaded = make_eye_probe(store=store, workers=2)
    threaded.prefetch(windows + [(missing, Rate(25), 1, 2)])  # a failing window is left to probe
    assert [threaded(*w) for w in windows] == expected
    assert store["cache"].get("grid-b", "picture.eyes", "1", {"first": 30, "last": 33, "rate": str(Rate(25))})
    with pytest.raises(Exception):
        threaded(missing, Rate(25), 1, 2)


def test_mouth_activity_of_a_long_take_is_the_windowed_range_and_fast():
    """picture.speaking.mouth_activity on a 10-minute, two-face take at 4 samples a second:
    each face's activity is max - min of its own track's mouth_open within +-WINDOW s (the
    contract, computed here by brute force), with samples exactly on the window's edge in, and
    it costs well under the brute force's quadratic time."""
    import random
    import time

    from roughcut_core.model import FaceBox
    from roughcut_core.picture.speaking import WINDOW, mark_speaking, mouth_activity

    rnd = random.Random(3)
    faces = tuple(FaceBox(t=k * 0.25, box=(0.1, 0.1, 0.2, 0.2), score=0.9, track=tr,
                          mouth_open=None if rnd.random() < 0.05 else rnd.random() * 0.05)
                  for k in range(2400) for tr in (0, 1))
    tick = time.process_time()
    got = mouth_activity(faces)
    took = time.process_time() - tick
    want, tracks = {}, {}
    for fb in faces:
        if fb.mouth_open is not None:
            tracks.setdefault(fb.track, []).append(fb)
    for i, fb in enumerate(faces):
        near = [o.mouth_open for o in tracks[fb.track] if abs(o.t - fb.t) <= WINDOW + 1e-6]
        want[i] = None if fb.mouth_open is None else (max(near) - min(near) if len(near) > 1 else 0.0)
    assert got == want
    assert took < 0.5, took
    marked = mark_speaking(faces, [(k * 2.0, k * 2.0 + 1.2) for k in range(300)])
    assert {fb.speaking for fb in marked} == {None, False, True}


@pytest.mark.timeout(300)
def test_local_executor_analyses_a_step_overlapped_with_the_plain_results(grid_clip, tmp_path):
    """The bridge's LocalExecutor takes two files a step and analyses them with
    ``analyze_assets`` (sound of the second under the picture of the first): each file's
    result, yielded in input order with its seconds, equals ``analyze_asset``'s, and a file
    that is gone yields its own errors while the other is analysed."""
    from bridge_server.executors import LocalExecutor
    from bridge_server.models import ModelPool
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.media import probe
    from roughcut_core.pipeline import PipelineOptions, RoughCutPipeline

    assert LocalExecutor.batch_size == 2
    asset = probe(grid_clip)
    gone = asset.__class__(**{**asset.__dict__, "path": str(tmp_path / "gone.mpg"), "content_key": "gone"})
    options = PipelineOptions(picture=True, performance=False, analyses=False)
    out = list(LocalExecutor(ModelPool(AnalysisCache(tmp_path / "c1"))).analyze(options, [gone, asset]))
    assert [i for i, _, _ in out] == [0, 1] and all(s >= 0 for _, _, s in out)
    (_, bad, _), (_, good, _) = out
    assert bad.errors and bad.transcript is None
    plain = RoughCutPipeline(options, cache=AnalysisCache(tmp_path / "c2")).analyze_asset(asset)
    assert good.errors == plain.errors and good.transcript == plain.transcript
    assert good.picture == plain.picture and good.picture is not None


@pytest.mark.timeout(300)
def test_picture_cache_hit_with_speech_equals_the_analysis_it_stored(grid_clip, tmp_path):
    """A picture cache hit with speech activity (the stored tracks' boxes are not read back:
    assign_speaking rebuilds them from the faces) equals the cold analysis, speaking marks and
    track boxes included."""
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.media import probe
    from roughcut_core.picture import PictureAnalyzer

    asset = probe(grid_clip)
    speech = [(0.4, 1.3), (1.5, 2.6)]
    analyzer = PictureAnalyzer(cache=AnalysisCache(tmp_path / "c"))
    cold = analyzer.analyze(str(grid_clip), asset=asset, speech_activity=speech)
    hit = analyzer.analyze(str(grid_clip), asset=asset, speech_activity=speech)
    assert cold.tracks and all(t.boxes for t in cold.tracks)
    assert any(fb.speaking for fb in cold.faces)
    assert hit == cold
