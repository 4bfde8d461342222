"""Issue 20 speed: the shot detector's cheaper statistics are PySceneDetect's own, bit for bit.

``picture.shots`` feeds the RGB frame as is: the content detector's score comes from one
RGB->HSV conversion and exact L1 norms, the fade detector's frame mean from an exact integer sum,
and the dissolve detector's pixel changes from uint8 L1 norms. Each is compared here with what
the library (or numpy) computes on the same frames: real frames with a hard cut, a fade to black
and a cross-dissolve between them, and noise frames.
"""
from __future__ import annotations

import numpy as np

from test_motion_parallax import SHARED, needs_media


def _clip():
    """96x54 RGB frames: real frames (or noise without the shared media) cut, faded, dissolved."""
    import cv2

    from roughcut_core.analyses.transitions import transition_clip

    if SHARED.exists():
        from test_motion_parallax import _frames

        a, b = _frames()
    else:
        rng = np.random.default_rng(0)
        a, b = (cv2.GaussianBlur(rng.uniform(0, 255, (360, 640, 3)).astype(np.uint8), (0, 0), 3) for _ in range(2))
    frames = []
    for kind in ("cut", "fade", "dissolve"):
        clip, _ = transition_clip(a, b, kind, length=12, shot_len=20, seed=3)
        frames += [cv2.resize(f, (96, 54), interpolation=cv2.INTER_AREA) for f in clip]
    return frames


def test_content_score_and_frame_mean_are_the_librarys():
    import cv2
    from scenedetect.common import FrameTimecode
    from scenedetect.detectors import AdaptiveDetector

    from roughcut_core.picture.shots import _frame_mean, _rgb_adaptive

    frames = _clip()
    ours, lib = _rgb_adaptive(3.0, 12), AdaptiveDetector(adaptive_threshold=3.0, min_scene_len=12)
    cuts_ours, cuts_lib = [], []
    for i, rgb in enumerate(frames):
        tc = FrameTimecode(i, fps=25.0)
        cuts_ours += [c.frame_num for c in ours.process_frame(tc, rgb)]
        cuts_lib += [c.frame_num for c in lib.process_frame(tc, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))]
        assert ours._frame_score == lib._frame_score  # exactly, every frame
        assert _frame_mean(rgb) == np.mean(rgb)
    assert cuts_ours == cuts_lib and cuts_lib  # the clip's cut is found, at the same frame


def test_dissolve_pixel_change_is_the_float_mean():
    """The dissolve detector's pixel changes (uint8 L1 norms) are the float64 means of its grey
    frames, exactly, and its uint8 ring holds the same grey levels as the float one."""
    from roughcut_core.picture.dissolve import DissolveDetector, _mean_abs_rows

    d = DissolveDetector()
    for i, f in enumerate(_clip()):
        d.feed(i, f)
        assert np.array_equal(d._g8.astype(np.float64), d._grey)
        rows = np.array([1, 4, 13])
        c = d._cap
        want = np.abs(d._grey[c - rows] - d._grey[c]).mean(axis=1)
        assert np.array_equal(_mean_abs_rows(d._g8[c - rows], d._g8[c]), want)
        assert np.array_equal(_mean_abs_rows(d._g8[c - rows], d._g8[c - rows - 1]),
                              np.abs(d._grey[c - rows] - d._grey[c - rows - 1]).mean(axis=1))
    assert d.boundaries()  # the clip's dissolve is found


@needs_media
def test_real_file_boundaries_unchanged():
    """The shared shot-cut video keeps its three detected boundaries (bench analyses --only shots)."""
    from fractions import Fraction

    from roughcut_core.analyses.analyze import picture_analysis
    from roughcut_core.media.probe import probe

    p = SHARED / "shot_cuts" / "pyscenedetect_testvideo.mp4"
    a = probe(p)
    res = picture_analysis(str(p), Fraction(a.rate.num, a.rate.den), a.frame_count)
    assert [s["start_frame"] for s in res["shots"][1:]] == [198, 377, 544]
