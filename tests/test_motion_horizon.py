"""Issue 20: slow dollies told from zooms over a longer horizon (``analyses.motion``).

- the tracker carries its points across chunk boundaries: a chunk's ``longer`` part reaches
  back up to ``HORIZON`` chunks for the points followed since, exactly where they were then;
- a slow dolly (near layer scaling 2x the background at 0.12 log-zoom/s, which one 8-pair chunk
  cannot see) held 1-2 s is a dolly, while the same layers zoomed together stay a zoom;
- a chunk part that began before the shot's first pair (across a cut) is not counted.
More clips and speeds: `roughcut bench analyses --only motion`.
"""
from __future__ import annotations

import numpy as np
import pytest
from test_motion_parallax import FACE_BOX, _frames, _points, _similar, needs_media


def _shifted_frames(n, step):
    """``n`` grey frames of a textured picture moving ``step`` pixels right per frame (exact)."""
    import cv2

    rng = np.random.default_rng(3)
    base = cv2.GaussianBlur(rng.uniform(0, 255, (80, 140)).astype(np.float32), (0, 0), 1.5)
    out = []
    for i in range(n):
        m = np.float32([[1, 0, step * i - 20], [0, 1, -10]])
        out.append(np.clip(cv2.warpAffine(base, m, (96, 54), flags=cv2.INTER_LINEAR), 0, 255).astype(np.uint8))
    return out


def test_chunks_reach_back_over_several_chunk_boundaries():
    from roughcut_core.analyses.motion import HORIZON, REFRESH, MotionTracker

    frames = _shifted_frames(REFRESH * (HORIZON + 1) + 1, 0.5)
    tr = MotionTracker()
    chunks = []
    for a, b in zip(frames, frames[1:]):
        m = tr.track(a, b)
        assert m is not None
        if m.chunk is not None:
            chunks.append(m.chunk)
    assert [c.pairs for c in chunks] == [REFRESH] * (HORIZON + 1)
    # the first chunk has nothing before it; later ones reach back 2, 3, ... HORIZON chunks
    assert chunks[0].longer is None
    assert [c.longer.pairs for c in chunks[1:]] == [REFRESH * k for k in range(2, HORIZON + 1)] + [REFRESH * HORIZON]
    for c in chunks[1:]:
        # every point moved the picture's shift over its whole horizon (0.5 px a pair)
        d = c.longer.dst - c.longer.src
        assert np.allclose(np.median(d, axis=0), [0.5 * c.longer.pairs, 0.0], atol=0.15)
        assert len(c.longer.src) >= 24


@needs_media
@pytest.mark.parametrize("kind,n", [("dolly_in", 50), ("dolly_out", 25), ("dolly_out", 50),
                                    ("zoom_in", 25), ("zoom_in", 50), ("zoom_out", 25), ("zoom_out", 50)])
def test_slow_dolly_is_a_dolly_and_a_slow_zoom_a_zoom(kind, n):
    from roughcut_core.analyses.fixtures import layered_crops
    from roughcut_core.analyses.motion import classify_motion, series_motion

    bg, face = _frames()
    g = layered_crops(bg, face, FACE_BOX, kind, n=n, out_w=96, speed=0.12, factor=2.0, seed=5, noise=3.0)
    cm = classify_motion([i / 25 for i in range(len(g))], series_motion(g))
    assert cm.kind == kind, cm


def test_chunk_begun_before_the_shot_is_not_counted():
    from roughcut_core.analyses.motion import Chunk, FrameMotion, classify_motion

    bg, near = _points(60, 1), _points(20, 2) * 0.3 + 30
    src = np.vstack([bg, near])
    # a clear two-layer pan chunk of 8 pairs (the near layer moves 2.5x the background)
    chunk = Chunk(src, np.vstack([_similar(bg, (-2, 0)), _similar(near, (-5, 0))]), 8)
    pan = FrameMotion(-0.01, 0.0, 0.0, 0.0, 50)
    times = [i / 25 for i in range(13)]

    def kind_with_chunk_at(i):
        motions = [pan] * 12
        motions[i] = FrameMotion(-0.01, 0.0, 0.0, 0.0, 50, chunk)
        return classify_motion(times, motions).kind

    assert kind_with_chunk_at(9) == "track_right"   # the chunk's 8 pairs lie inside the shot
    assert kind_with_chunk_at(3) == "pan_right"     # it began 4 pairs before the shot's cut


@needs_media
@pytest.mark.parametrize("kind,rigid", [("dolly_in", "zoom_in"), ("track_right", "pan_right")])
def test_reading_label_follows_the_shots_track_or_dolly_and_the_cut_signals_carry_it(kind, rigid):
    from fractions import Fraction

    from roughcut_core.analyses.analyze import PictureConsumer
    from roughcut_core.analyses.fixtures import layered_crops
    from roughcut_core.analyses.reading import add_analysis_signals
    from roughcut_core.edit.assemble import opposed_motion
    from roughcut_core.edit.signalterms import signal_terms
    from roughcut_core.model import LineReading

    bg, face = _frames()
    c = PictureConsumer(Fraction(25))
    for i, g in enumerate(layered_crops(bg, face, FACE_BOX, kind, n=50, out_w=96, speed=0.3, seed=1, noise=3.0)):
        c.feed_small(i / 25, np.repeat(g[..., None], 3, axis=2))
    res = c.result(50)
    assert [s["camera_motion"]["kind"] for s in res["shots"]] == [kind]
    (r,) = add_analysis_signals([LineReading("/m/a.mov", "1", 0.2, 1.8, 1.0)], {"/m/a.mov": res})
    assert r.signals["camera_motion"] == kind  # the old per-reading label said the rigid move
    # the ranking: the frame still moves at the line's tail; the assembly: a cut into the
    # opposite move is opposed (for a track: the content's pan at the cut)
    assert r.signals["camera_move_out"] > 0.12
    t, said = signal_terms(r.signals)
    assert t["camera"] < 0 and any("still moving at the tail" in w for _, w in said)
    if kind.startswith("track"):
        assert opposed_motion(r.signals, {"camera_pan_in": -r.signals["camera_pan_out"], "camera_tilt_in": 0.0})


def test_reading_label_keeps_its_own_move_outside_a_track_or_dolly():
    from roughcut_core.analyses.reading import analysis_signals, shot_kind
    from roughcut_core.model import LineReading

    rows = [[i / 25, 0.04, 0.0, 0.0, 0.0] for i in range(50)]                # 0-2 s: still
    rows += [[i / 25, 0.04, 0.0, 0.0, 0.012] for i in range(50, 100)]       # 2-4 s: growing
    rows += [[i / 25, 0.04, 0.0, 0.0, -0.012] for i in range(100, 150)]     # 4-6 s: shrinking
    shot = {"start_frame": 50, "end_frame": 150, "camera_motion": {"kind": "dolly_in", "magnitude": 0.3}}
    a = {"rate": "25/1", "motion_track": rows, "shots": [
        {"start_frame": 0, "end_frame": 50, "camera_motion": {"kind": "static", "magnitude": 0.0}}, shot]}

    def label(t0, t1):
        return analysis_signals(LineReading("/m/a.mov", "1", t0, t1, 1.0), a)["camera_motion"]

    assert shot_kind(a, 2.2, 3.8) == "dolly_in" and shot_kind(a, 0.5, 2.2) == "static"
    assert label(2.2, 3.8) == "dolly_in"     # a zoom in inside the dolly-in shot
    assert label(4.2, 5.8) == "zoom_out"     # the same shot, the other way: its own move
    assert label(0.2, 1.8) == "static"
    assert shot_kind(a, 3.0, 12.0) is None   # no shot holds half of it
