"""Thumbnails show the frame asked for, also where the demuxer's seek lands past it.

MPEG-PS (the GRID .mpg clips) seeks to the NEXT keyframe: before the fix a thumbnail at t = 0
showed the frame at 0.48 s. The frames here are compared with the same file decoded from the top
with PyAV, no seek, so the test fails whenever the seek lands anywhere but on the frame asked for.
"""
from __future__ import annotations

import io

import numpy as np
import pytest

from roughcut_core.picture.decode import _decode_at, extract_thumbnail


def _from_the_top(path) -> list[tuple[float, np.ndarray]]:
    import av

    with av.open(str(path)) as c:
        st = c.streams.video[0]
        first = st.start_time or 0
        return [(float((f.pts - first) * st.time_base), f.to_ndarray(format="rgb24")) for f in c.decode(st)]


@pytest.fixture(scope="module")
def grid_frames(grid_clip):
    return _from_the_top(grid_clip)


# 1.0: the seek lands on 1.44 s, t - 1 is near the start: decoded from the top;
# 2.2: the seek lands on 2.4 s, the seek 1 s earlier lands on 1.44 s and decodes on to 2.2 s
@pytest.mark.parametrize("t", [0.0, 0.04, 0.3, 1.0, 2.2])
def test_decode_at_gives_the_first_frame_at_or_after_t(grid_clip, grid_frames, t):
    want = next(rgb for ft, rgb in grid_frames if ft >= t - 1e-6)
    got = _decode_at(grid_clip, t, 10_000)
    assert got.shape == want.shape
    assert np.array_equal(got, want), f"t={t}: not the frame at {t} s"


def test_thumbnail_at_zero_is_the_first_frame(grid_clip, grid_frames, tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setenv("ROUGHCUT_CACHE_DIR", str(tmp_path))
    rgb = np.asarray(Image.open(io.BytesIO(extract_thumbnail(grid_clip, 0.0, width=360))).convert("RGB"), float)
    first, later = grid_frames[0][1].astype(float), grid_frames[12][1].astype(float)  # 0.48 s: the next keyframe
    assert np.abs(rgb - first).mean() < np.abs(rgb - later).mean() / 2

