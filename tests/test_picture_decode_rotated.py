"""picture.decode fits a rotated file's thumbnails and proxies to its DISPLAYED size (issue 20):
the OpenMPF clip is stored 480x640 with a -90 display matrix, so it shows 640x480."""
from __future__ import annotations

from itertools import islice

from roughcut_core.picture.decode import SMALL_WIDTH, _decode_at, iter_decoded


def test_fit_is_on_the_displayed_size():
    from roughcut_core.picture.decode import _fit_displayed

    assert _fit_displayed(480, 640, -90, 96) == (72, 96)   # stored size; 96x72 once turned
    assert _fit_displayed(480, 640, 90, 96) == (72, 96)
    assert _fit_displayed(480, 640, 180, 96) == (96, 128)  # a half turn keeps the width
    assert _fit_displayed(640, 480, 0, 96) == (96, 72)
    assert _fit_displayed(1080, 1920, -90, 640) == (360, 640)  # a phone clip's proxy: 640 wide shown
    assert _fit_displayed(60, 40, 90, 96) == (60, 40)      # never enlarged


def test_rotated_thumbnails_are_small_width_as_displayed(openmpf_rotated_clip):
    frames = list(islice(iter_decoded(openmpf_rotated_clip, 1.0), 30))
    # the old fit took the stored width: 96x128 stored, 128 wide on screen
    assert {f.small.shape for f in frames} == {(72, SMALL_WIDTH, 3)}
    samples = [f.rgb for f in frames if f.rgb is not None]
    assert samples and all(s.shape == (480, 640, 3) for s in samples)
    narrow = [f.rgb for f in islice(iter_decoded(openmpf_rotated_clip, 1.0, max_width=320), 30)
              if f.rgb is not None]
    assert narrow and all(s.shape == (240, 320, 3) for s in narrow)


def test_rotated_still_is_the_asked_width_as_displayed(openmpf_rotated_clip):
    assert _decode_at(openmpf_rotated_clip, 1.0, 320).shape == (240, 320, 3)
