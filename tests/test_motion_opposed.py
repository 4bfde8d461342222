"""Issue 20 (assembly): a cut from a move in (zoom or dolly in) into a move out, or the other
way, counts as opposed motion, like a pan right into a pan left (``edit.assemble.opposed_motion``
on the ``camera_zoom_in`` / ``camera_zoom_out`` signals of ``analyses.reading``)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from test_motion_parallax import FACE_BOX, _frames, needs_media


def _reading_signals(frames):
    """A reading's signals over 0.2-1.8 s of grey ``frames`` at 25 fps, through the picture
    stage's consumer (as ``roughcut analyze`` and ``cut`` do)."""
    from roughcut_core.analyses.analyze import PictureConsumer
    from roughcut_core.analyses.reading import add_analysis_signals
    from roughcut_core.model import LineReading

    c = PictureConsumer(Fraction(25))
    for i, g in enumerate(frames):
        c.feed_small(i / 25, np.repeat(g[..., None], 3, axis=2))
    res = c.result(len(frames))
    (r,) = add_analysis_signals([LineReading("/m/a.mov", "1", 0.2, 1.8, 1.0)], {"/m/a.mov": res})
    return res, r.signals


@needs_media
@pytest.mark.parametrize("layers", [False, True])
def test_move_in_into_move_out_is_opposed(layers):
    """Zoom (single layer) or dolly (two layers) in and out, 0.3 log-zoom/s, 2 s each: in->out
    and out->in are opposed, in->in and out->out are not, nor a move into a still frame."""
    from roughcut_core.analyses.fixtures import layered_crops, moving_crops
    from roughcut_core.edit.assemble import MOVING, opposed_motion
    from roughcut_core.signals import known

    bg, face = _frames()
    sig = {}
    for way in ("in", "out", "static"):
        if layers:
            kind = "static" if way == "static" else f"dolly_{way}"
            g = layered_crops(bg, face, FACE_BOX, kind, n=50, out_w=96, speed=0.3, seed=2, noise=3.0)
        else:
            kind = "static" if way == "static" else f"zoom_{way}"
            g = moving_crops(bg, kind, n=50, out_w=96, speed=0.3, seed=2, noise=3.0)
        res, sig[way] = _reading_signals(g)
        assert [s["camera_motion"]["kind"] for s in res["shots"]] == [kind]
        assert all(known(k) for k in sig[way])
    assert sig["in"]["camera_zoom_out"] > MOVING and sig["in"]["camera_zoom_in"] > MOVING
    assert sig["out"]["camera_zoom_out"] < -MOVING and sig["out"]["camera_zoom_in"] < -MOVING
    assert abs(sig["static"]["camera_zoom_in"]) < 0.05
    assert opposed_motion(sig["in"], sig["out"]) and opposed_motion(sig["out"], sig["in"])
    assert not opposed_motion(sig["in"], sig["in"]) and not opposed_motion(sig["out"], sig["out"])
    assert not opposed_motion(sig["in"], sig["static"]) and not opposed_motion(sig["static"], sig["out"])


def test_opposed_zoom_needs_both_ends_moving():
    """The zoom rule on the signals alone: below MOVING at either end, unmeasured, or a reading
    not classed zoom/dolly, no cost; the pan rule is unchanged alongside it."""
    from roughcut_core.edit.assemble import MOVING, opposed_motion

    fast, slow = 2 * MOVING, 0.5 * MOVING
    zin, zout = {"camera_motion": "zoom_in"}, {"camera_motion": "dolly_out"}
    assert opposed_motion({**zin, "camera_zoom_out": fast}, {**zout, "camera_zoom_in": -fast})
    assert not opposed_motion({**zin, "camera_zoom_out": fast}, {**zout, "camera_zoom_in": -slow})
    assert not opposed_motion({**zin, "camera_zoom_out": slow}, {**zout, "camera_zoom_in": -fast})
    assert not opposed_motion({**zin, "camera_zoom_out": fast}, {})
    assert not opposed_motion({**zin, "camera_zoom_out": "n/a"}, {**zout, "camera_zoom_in": -fast})
    # the scale rates of readings not classed zoom/dolly (a track's spurious scale) are not a zoom
    track = {"camera_motion": "track_right"}
    assert not opposed_motion({**track, "camera_zoom_out": fast}, {**track, "camera_zoom_in": -fast})
    # a pan into the opposite pan stays opposed whatever the zoom does
    pan_r = {"camera_pan_out": -fast, "camera_tilt_out": 0.0, "camera_zoom_out": fast}
    assert opposed_motion(pan_r, {"camera_pan_in": fast, "camera_tilt_in": 0.0, "camera_zoom_in": fast})
