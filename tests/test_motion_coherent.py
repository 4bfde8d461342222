"""Issue 20: a dolly over archival film is a dolly (``analyses.motion.coherent_gap``).

The two-layer split it replaced read most dollies over a Chaplin frame as zooms (variant 1's
Chaplin plate: 0 of 4 dolly-ins): the film's drifting points broke the near layer's RANSAC fit
and its compactness rule. The depth-layer test asks each point only whether its residual from
the picture's similarity stands out of the tracking noise and agrees with its neighbours'.
The same layers zoomed or panned together stay a zoom or pan. More clips:
`roughcut bench analyses --only motion --heldout-variant 1` (and 2).
"""
from __future__ import annotations

import pytest
from test_motion_parallax import needs_media


def _clip(kind, speed, n, seed):
    from roughcut_core.analyses.fixtures import layered_crops
    from roughcut_core.bench.analyses import SHARED
    from roughcut_core.bench.analyses_variants import GRID_BOX, frame_at

    bg = frame_at(SHARED / "archival_film/moviepy_chaplin.mp4", 6.0)
    fg = frame_at(SHARED / "video_faces_speaking/grid_brbk7n.mpg", 1.5)
    return layered_crops(bg, fg, GRID_BOX, kind, n=n, out_w=96, speed=speed, factor=1.8, seed=seed, noise=3.0,
                         place=(0.2, -0.05), size=0.3)


@needs_media
@pytest.mark.parametrize("kind,speed,n", [("dolly_in", 0.09, 50), ("dolly_in", 0.2, 25), ("zoom_in", 0.09, 50),
                                          ("zoom_in", 0.2, 25), ("pan_right", 0.09, 50)])
def test_archival_dolly_is_a_dolly_and_rigid_moves_stay_rigid(kind, speed, n):
    from roughcut_core.analyses.motion import classify_motion, series_motion

    g = _clip(kind, speed, n, seed=7)
    cm = classify_motion([i / 25 for i in range(n)], series_motion(g))
    assert cm.kind == kind, cm
