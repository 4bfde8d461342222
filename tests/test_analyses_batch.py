"""Issue 20 speed: ``PictureConsumer`` analyses the frames it is fed in runs of ``BATCH``.

No timings here (``roughcut bench analyses --only speed`` measures them): the runs must give
exactly what frame-by-frame analysis gives, count the frames they hold, and analyse the held
rest when the result is asked for.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from test_motion_parallax import SHARED, needs_media


def _fed(frames, batch, monkeypatch):
    from roughcut_core.analyses import analyze

    monkeypatch.setattr(analyze, "BATCH", batch)
    c = analyze.PictureConsumer(Fraction(25))
    counts = []
    for t, small in frames:
        c.feed_small(t, small)
        counts.append(c.frames)
    return c.result(len(frames)), counts


def _real_frames():
    from roughcut_core.picture.decode import iter_decoded

    # OpenMPF's face video is stored rotated (-90) and its 390 frames are not a whole number of runs
    return [(fr.t, fr.small) for fr in iter_decoded(
        str(SHARED / "video_faces_speaking" / "openmpf_new_face_video-90.mp4"), 0.0)][:150]


@needs_media
def test_runs_give_the_frame_by_frame_result(monkeypatch):
    frames = _real_frames()
    one, counts1 = _fed(frames, 1, monkeypatch)
    for batch in (7, 32):
        got, counts = _fed(frames, batch, monkeypatch)
        assert got == one, batch
        assert counts == counts1 == list(range(1, len(frames) + 1))  # held frames count as fed
    assert len(one["motion_track"]) > 100 and one["decoded_frames"] == 150


def test_held_frames_are_analysed_by_result(monkeypatch):
    """Fewer frames than a run: nothing is analysed until ``result``, which analyses them all;
    a consumer fed nothing has no result."""
    from roughcut_core.analyses import analyze

    rng = np.random.default_rng(1)
    base = rng.integers(0, 255, (70, 120, 3), dtype=np.uint8)
    frames = [(i / 25, np.ascontiguousarray(base[i:i + 54, i:i + 96])) for i in range(10)]
    c = analyze.PictureConsumer(Fraction(25))
    assert c.result(0) is None
    for t, small in frames:
        c.feed_small(t, small)
    assert analyze.BATCH > 10 and c.frames == 10 and c._times == []
    res = c.result(10)
    assert res["decoded_frames"] == 10 and c.result(10) == res  # a second call adds nothing
    one, _ = _fed(frames, 1, monkeypatch)
    assert res == one
