"""espeak-ng synthesis is reproducible: the same request list gives the same samples on every run.

Variant voices (``+f2``...) add noise from a generator espeak-ng seeds from the clock; without
reseeding, two builds of one generated scene differed (audio and word times), so benchmarks on
generated scenes changed from run to run with the same code.
"""
import time

import numpy as np
import pytest

pytest.importorskip("espeakng_loader")

from roughcut_core.demo.tts import Voice, synthesize_many  # noqa: E402


def test_a_variant_voice_gives_the_same_samples_in_separate_runs():
    requests = [("The boat leaves at dawn.", Voice("en-us+m3", rate=170, pitch=45, pitch_range=55)),
                ("I already told you that.", Voice("en+f2", rate=180, pitch=60, pitch_range=55))]
    first = synthesize_many(requests)
    time.sleep(1.1)  # a clock seed in whole seconds would otherwise repeat by chance
    second = synthesize_many(requests)
    for a, b in zip(first, second):
        assert a.size > 4800 and a.size == b.size
        assert np.array_equal(a, b)
