"""The motion bench keeps clips over flat plates (nothing to track) out of its variant tables
(``bench.analyses_variants.plate_is_flat``): variant 2's pyscenedetect (12 s) and autoeditor
(20 s) plates are uniform where the crops look, so every move over them was scored as wrong."""
from __future__ import annotations

import numpy as np
from test_motion_parallax import needs_media


def test_flat_and_textured_plates():
    from roughcut_core.bench.analyses_variants import plate_is_flat

    rng = np.random.default_rng(0)
    card = np.full((360, 640, 3), 20, np.uint8)
    card[330:350, 20:300] = 255  # a caption at the bottom, outside the crops' view
    assert plate_is_flat(card)
    assert not plate_is_flat(rng.integers(0, 255, (360, 640, 3), dtype=np.uint8))


@needs_media
def test_variant_2_flat_plates_are_the_title_cards():
    from roughcut_core.bench.analyses import SHARED
    from roughcut_core.bench.analyses_variants import VARIANTS, frame_at, plate_is_flat

    flat = [plate_is_flat(frame_at(SHARED / rel, t0)) for rel, t0 in VARIANTS[2].plates]
    assert flat == [True, True, False, False]
