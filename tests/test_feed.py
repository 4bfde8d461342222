"""One decode per file, adaptive face sampling and overlapped analysis (issue 23, area 23a)."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from roughcut_core.media.feed import SampleSchedule, merge_ranges, speech_ranges


def _instants(schedule, until):
    out, t = [], -1.0
    while True:
        t = schedule.next_after(t)
        if t > until:
            return out
        out.append(t)


def test_uniform_schedule_is_the_fixed_rate_grid():
    assert _instants(SampleSchedule.uniform(4), 2.0) == [k / 4 for k in range(9)]
    assert SampleSchedule.uniform(4).period_at(123.0) == 0.25


def test_adaptive_schedule_is_dense_in_speech_and_sparse_elsewhere():
    s = SampleSchedule(4, 1, dense=[(2.0, 3.0)])
    got = _instants(s, 6.0)
    assert got == [0.0, 1.0, 2.0, 2.25, 2.5, 2.75, 3.0, 4.0, 5.0, 6.0]
    assert s.period_at(2.4) == 0.25 and s.period_at(3.5) == 1.0
    s.add_dense(4.5, 5.0)  # e.g. after a detected cut
    assert _instants(s, 6.0)[-4:] == [4.5, 4.75, 5.0, 6.0]
    with pytest.raises(ValueError):
        SampleSchedule(4, 3)


def test_speech_ranges_pad_and_merge():
    class W:
        def __init__(self, a, b):
            self.start, self.end = a, b

    assert speech_ranges([W(1.0, 1.5), W(1.8, 2.0), (5.0, 6.0)], pad=0.5) == [(0.5, 2.5), (4.5, 6.5)]
    assert merge_ranges([(3, 4), (0, 1), (1, 2), (5, 5)]) == [(0.0, 2.0), (3.0, 4.0)]


def test_decode_follows_the_adaptive_schedule(chaplin_clip):
    from roughcut_core.picture.decode import iter_decoded

    frames = list(iter_decoded(chaplin_clip, 4.0, max_width=160))
    uniform = [f.t for f in frames if f.rgb is not None]
    sched = SampleSchedule(4, 1, dense=[(2.0, 4.0)])
    adaptive = list(iter_decoded(chaplin_clip, 4.0, max_width=160, schedule=sched))
    got = [f.t for f in adaptive if f.rgb is not None]
    # every decoded frame still comes through (shot detection sees them all), proxies only at samples
    assert len(adaptive) == len(frames) and len(got) < len(uniform)
    dense = [t for t in got if 2.0 <= t < 4.0]
    assert dense == [t for t in uniform if 2.0 <= t < 4.0] and len(dense) >= 8
    sparse = [t for t in got if t >= 4.5]
    decoded = [f.t for f in adaptive]
    # one proxy a second, the decoded frame nearest to it (the last frame closes the file)
    assert len(sparse) >= 4 and all(min(abs(d - round(t)) for d in decoded) == abs(t - round(t))
                                    for t in sparse if t < decoded[-1])
    # the uniform schedule object gives exactly the old fixed-rate sampling
    again = [f.t for f in iter_decoded(chaplin_clip, 4.0, max_width=160, schedule=SampleSchedule.uniform(4))
             if f.rgb is not None]
    assert again == uniform


def test_adaptive_picture_keeps_speech_samples_and_finds_every_face(grid_clip):
    from roughcut_core.picture import PictureAnalyzer

    pa = PictureAnalyzer()
    speech = [(1.4, 1.6)]  # a short stretch of the GRID sentence: dense 0.65-2.35 s once padded
    full = pa.analyze(grid_clip)
    adaptive = pa.analyze(grid_clip, speech_activity=speech)
    assert len(adaptive.sample_times) < len(full.sample_times)
    dense = [t for t in full.sample_times if 0.65 <= t <= 2.35]
    assert [t for t in adaptive.sample_times if 0.65 <= t <= 2.35] == dense
    boxes = {f.t: f.box for f in full.faces}
    for f in adaptive.faces:
        if f.t in boxes and 0.65 <= f.t <= 2.35:
            assert f.box == boxes[f.t]
    assert adaptive.tracks and all(fp for fp in adaptive.track_faceprints)  # identity work still per track
    assert adaptive.shot_size == full.shot_size and adaptive.people == full.people
    assert any(f.speaking for f in adaptive.faces)


def test_overlapped_analysis_equals_one_by_one(tmp_path, grid_clip):
    from roughcut_core.media import probe_many
    from roughcut_core.pipeline import PipelineOptions, RoughCutPipeline

    others = sorted(Path(grid_clip).parent.glob("grid_*.mpg"))[:2]
    assets, errors = probe_many(others)
    assert len(assets) == 2 and not errors
    seq = RoughCutPipeline(PipelineOptions(cache_dir=str(tmp_path / "a"), performance=False))
    one_by_one = [seq.analyze_asset(a) for a in assets]
    par = RoughCutPipeline(PipelineOptions(cache_dir=str(tmp_path / "b"), performance=False))
    done = []
    overlapped = par.analyze_assets(assets, workers=2, on_done=lambda i, a: done.append(i))
    assert done == [0, 1]
    for a, b in zip(one_by_one, overlapped):
        assert a.asset.path == b.asset.path and a.errors == b.errors
        assert [w.text for w in a.transcript.words] == [w.text for w in b.transcript.words]
        assert a.picture.sample_times == b.picture.sample_times
        assert [f.box for f in a.picture.faces] == [f.box for f in b.picture.faces]
        assert set(b.timings) >= {"speech", "sound", "picture"}
        assert all(isinstance(v, float) and v >= 0 and math.isfinite(v) for v in b.timings.values())


def test_identity_work_per_face_location_backs_off():
    from roughcut_core.picture.analyzer import _PerPlace

    place = _PerPlace(3.0)
    box = (0.4, 0.3, 0.2, 0.3)
    times = [k * 0.25 for k in range(int(60 / 0.25))]  # one face, 4 samples a second, 60 s
    worked = [t for t in times if place.due(t, box)]
    assert worked[:4] == [0.0, 3.0, 9.0, 21.0] and len(worked) <= 6  # 3, 6, 12, 24 s apart
    other = (0.05, 0.3, 0.2, 0.3)  # a second face elsewhere is due at once
    assert place.due(60.0, other)
    moving = [(0.4 + 0.01 * k, 0.3, 0.2, 0.3) for k in range(8)]  # the face drifts: still one place
    assert not any(place.due(60.0 + 0.25 * k, b) for k, b in enumerate(moving))
    assert place.due(70.0, box)  # unseen for more than FORGET_S: a new place
    place.clear()  # a cut: every face is new
    assert place.due(70.25, box)
