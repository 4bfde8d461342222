"""Issue 20: dolly/track told from zoom/pan by parallax (``analyses.motion``).

- the depth layer on exactly known point displacements: two rigid layers moving the same way at
  different rates are parallax, one layer or layers moving against each other are not;
- two-layer clips from real frames (``analyses.fixtures.layered_crops``: a Chaplin frame as the
  background plate, a GRID speaker's face cut out as the near layer): the near layer moving
  2x the background is a track/dolly, the same layers moved together a pan/zoom/static;
- the pipeline path (``PictureConsumer``) reports the new kinds, and the signals the ranking and
  assembly read (pan rate at the cut, opposed moves) carry a track like a pan;
- search: ``motion:track`` finds both directions, on both engines.
More clips and speeds: `roughcut bench analyses --only motion`.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from search_support import index_url, pg_server  # noqa: F401 (fixtures)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "media"
needs_media = pytest.mark.skipif(not SHARED.exists(), reason="../shared/media not present")
FACE_BOX = (0.22, 0.12, 0.62, 0.78)  # the speaker's head in grid_bbaf2n's frame at 1 s


def _points(n, seed):
    return np.random.default_rng(seed).uniform([5, 5], [90, 50], (n, 2)).astype(np.float32)


def _similar(p, shift=(0.0, 0.0), scale=1.0, centre=(48.0, 27.0)):
    c = np.float32(centre)
    return ((p - c) * scale + c + np.float32(shift)).astype(np.float32)


def test_depth_layer_on_known_displacements():
    from roughcut_core.analyses.motion import PARALLAX_PX, coherent_gap

    bg, near = _points(70, 1), _points(20, 2) * 0.3 + np.float32([55, 25])
    src = np.vstack([bg, near])
    # a track: both layers move left, the near one 2.5x as far: 3 px left over by the pan
    gap = coherent_gap(src, np.vstack([_similar(bg, (-2, 0)), _similar(near, (-5, 0))]), "pan")
    assert gap == pytest.approx(3.0, abs=1e-3)
    # one rigid picture (a pan): no layer
    assert coherent_gap(src, _similar(src, (-2, 0)), "pan") == 0.0
    # something moving against the pan is not parallax
    assert coherent_gap(src, np.vstack([_similar(bg, (-2, 0)), _similar(near, (3, 0))]), "pan") == 0.0
    # a dolly: both layers grow about the centre, the near one faster; radial, not sideways
    dolly = np.vstack([_similar(bg, scale=1.03), _similar(near, scale=1.25)])
    assert coherent_gap(src, dolly, "zoom", (48.0, 27.0)) >= PARALLAX_PX
    # a rigid zoom about the centre: none
    assert coherent_gap(src, _similar(src, scale=1.1), "zoom", (48.0, 27.0)) == 0.0
    # a near layer only 1.1x the background's move is within PARALLAX_RATIO: not counted
    assert coherent_gap(src, np.vstack([_similar(bg, (-10, 0)), _similar(near, (-11, 0))]), "pan") == 0.0
    # too few points for two layers: nothing is made up
    assert coherent_gap(bg[:8], _similar(bg[:8], (-2, 0)), "pan") is None


def _frames():
    from roughcut_core.picture.decode import iter_sampled_frames

    def at(rel, t0):
        for t, rgb in iter_sampled_frames(str(SHARED / rel), 1.0, max_width=640):
            if t >= t0:
                return rgb
        raise AssertionError(rel)

    return at("archival_film/moviepy_chaplin.mp4", 1.0), at("video_faces_speaking/grid_bbaf2n.mpg", 1.0)


@needs_media
@pytest.mark.parametrize("kind,speed", [("track_left", 0.12), ("track_right", 0.06), ("dolly_in", 0.4),
                                        ("dolly_out", 0.4), ("pan_right", 0.12), ("pan_left", 0.3),
                                        ("zoom_in", 0.4), ("zoom_out", 0.4), ("static", 0.12)])
def test_two_layer_clips(kind, speed):
    from roughcut_core.analyses.fixtures import layered_crops
    from roughcut_core.analyses.motion import classify_motion, series_motion

    bg, face = _frames()
    g = layered_crops(bg, face, FACE_BOX, kind, n=25, out_w=96, speed=speed, factor=2.0, seed=5, noise=3.0)
    cm = classify_motion([i / 25 for i in range(len(g))], series_motion(g))
    assert cm.kind == kind, cm
    if kind.startswith("track"):
        assert cm.parallax >= 0.5 and abs(cm.magnitude) > 0.5 * speed


@needs_media
def test_pipeline_path_and_the_signals_ranking_and_assembly_read():
    from roughcut_core.analyses.analyze import PictureConsumer
    from roughcut_core.analyses.fixtures import layered_crops
    from roughcut_core.analyses.reading import add_analysis_signals
    from roughcut_core.edit.assemble import opposed_motion
    from roughcut_core.model import LineReading

    bg, face = _frames()
    out = {}
    for kind in ("track_right", "track_left"):
        c = PictureConsumer(Fraction(25))
        for i, g in enumerate(layered_crops(bg, face, FACE_BOX, kind, n=50, out_w=96, speed=0.3, seed=1, noise=3.0)):
            c.feed_small(i / 25, np.repeat(g[..., None], 3, axis=2))
        res = c.result(50)
        assert [s["camera_motion"]["kind"] for s in res["shots"]] == [kind]
        (out[kind],) = add_analysis_signals([LineReading("/m/a.mov", "1", 0.2, 1.8, 1.0)], {"/m/a.mov": res})
    right, left = out["track_right"].signals, out["track_left"].signals
    # the camera travelling right moves the content left, at the head and the tail of the line
    assert right["camera_pan_out"] < -0.1 and left["camera_pan_in"] > 0.1
    assert opposed_motion(right, left) and not opposed_motion(right, right)


def test_search_motion_family_track(index_url):  # noqa: F811
    from roughcut_core.search import IndexedFile, SearchDoc, connect

    e = connect(index_url)
    try:
        docs = [SearchDoc(seq=i, start=float(i), end=i + 0.5, text="walk with me", words=(("walk", i, i + 0.2),),
                          camera_motion=m) for i, m in enumerate(("track_left", "track_right", "pan_left"))]
        e.put_file(IndexedFile(content_key="k", path="/a.mov", size=1, mtime=1.0, duration=9.0, doc_version=1), docs)
        assert sorted(h.utterance_start for h in e.search("walk motion:track")) == [0.0, 1.0]
        assert [h.utterance_start for h in e.search("walk motion:track_right")] == [1.0]
        assert [h.utterance_start for h in e.search("walk motion:pan")] == [2.0]
    finally:
        e.close()


def test_consumer_runs_opencv_single_threaded_and_restores_the_count(monkeypatch):
    """PictureConsumer: OpenCV on one thread during the analysers' work (a run of held frames,
    analysed by ``result`` at the latest), the caller's thread count back afterwards, also when
    the work raises."""
    import cv2

    from roughcut_core.analyses import motion
    from roughcut_core.analyses.analyze import PictureConsumer

    seen = []
    real = motion.MotionTracker.track

    def spy(self, prev, grey):
        seen.append(cv2.getNumThreads())
        return real(self, prev, grey)

    monkeypatch.setattr(motion.MotionTracker, "track", spy)
    before = cv2.getNumThreads()
    try:
        cv2.setNumThreads(3)
        c = PictureConsumer(Fraction(25))
        rng = np.random.default_rng(0)
        for i in range(3):
            c.feed_small(i / 25, rng.integers(0, 255, (54, 96, 3), dtype=np.uint8))
        assert seen == [] and c.frames == 3  # held (fewer than BATCH)
        c.result(3)
        assert seen == [1, 1] and cv2.getNumThreads() == 3
        c.feed_small(0.2, np.zeros((54, 96), np.float64))  # not an RGB frame
        with pytest.raises(Exception):
            c.result(4)
        assert cv2.getNumThreads() == 3
    finally:
        cv2.setNumThreads(before)


@needs_media
def test_analyze_cli_on_encoded_two_layer_videos(tmp_path):
    """`roughcut analyze --json` on H.264 files of two-layer clips (320 px, decoded and scaled to
    the analysis width like any footage): parallax reads as track/dolly, the rigid composite as pan/zoom.
    Each clip is 2 s, so the shot's class is a vote over several chunks (the decode skips
    non-reference frames: a 1 s clip gave one chunk of 12 pairs, and one borderline chunk
    flipped it), and x264 runs on one thread (its frame types and output then do not depend on
    the machine's core count)."""
    import json
    import subprocess
    import sys

    import av

    from roughcut_core.analyses.fixtures import layered_crops

    bg, face = _frames()
    plan = {"track_right": (50, 0.3), "pan_right": (50, 0.3), "dolly_in": (50, 0.4), "zoom_in": (50, 0.4)}
    paths = []
    for kind, (n, speed) in plan.items():
        frames = layered_crops(bg, face, FACE_BOX, kind, n=n, out_w=320, speed=speed, seed=1)
        paths.append(tmp_path / f"{kind}.mp4")
        with av.open(str(paths[-1]), "w") as out:
            st = out.add_stream("libx264", rate=25)
            st.width, st.height, st.pix_fmt, st.options = 320, frames[0].shape[0] // 2 * 2, "yuv420p", {"crf": "18", "threads": "1"}
            for g in frames:
                rgb = np.repeat(g[: st.height, :, None], 3, axis=2)
                for pkt in st.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                    out.mux(pkt)
            for pkt in st.encode():
                out.mux(pkt)
    r = subprocess.run([sys.executable, "-m", "roughcut_core._cli.main", "analyze", *map(str, paths), "--json",
                        "--no-cache"], cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True,
                       timeout=240)
    assert r.returncode == 0, r.stderr
    got = {Path(f["path"]).stem: [s["camera_motion"]["kind"] for s in f["shots"]] for f in json.loads(r.stdout)["files"]}
    assert got == {k: [k] for k in plan}
