"""A difference two takes share is not a slip of either (issue 13): real espeak-ng speech.

The line's clean references can be wrong alike (generated scene 90: a first word the recogniser
heard in no close-up take, missing from every close-up reading; scene 93: both close-up
readings of a line started 1.9 s early); both wide takes then differed from them at the same
place, matched each other closely, and were flagged together. An actor's slip is
one take's: it differs from every other take, its sibling included.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from roughcut_core.model import WORD_DEFECTS

from test_defects import LINE, _reading, _script, _take, _train_misheard, bank  # noqa: F401 (bank: fixture)


def _scene(bank):
    rng = np.random.default_rng(31)
    clean = LINE.split()
    readings, transcripts, audio = [], {}, {}
    for name in ("ref0", "ref1", "wide0", "wide1", "flub"):
        spoken = [("kitchen" if w == "train" else w) for w in clean] if name == "flub" else clean
        a, tr, n = _take(bank, spoken, path=name, rng=rng, next_line=False,
                         heard=_train_misheard("rain" if name == "wide0" else "brain") if name.startswith("wide") else None)
        r = _reading(tr, n, "1-1", () if name.startswith("ref") else ("substitution",))
        if name.startswith("ref"):   # the references' bounds missed the line's first two words
            r = replace(r, start=tr.words[2].start, word_span=(2, n))
        readings.append(r)
        transcripts[name], audio[name] = tr, a
    return readings, transcripts, audio


def test_two_takes_alike_that_differ_alike_from_the_references_are_not_flagged(bank):
    from roughcut_core.align.evidence import EvidenceOptions, apply_evidence

    readings, transcripts, audio = _scene(bank)
    out = {r.path: r for r in apply_evidence(_script(), readings, transcripts, audio, EvidenceOptions(line_rel=None))}
    for name in ("wide0", "wide1"):
        assert out[name].defects == (), (name, out[name].signals)
    # the slip of one take differs from its sibling as well: still flagged (its kind read
    # against these references, which lack nothing it has, is beside the point here)
    assert set(out["flub"].defects) & set(WORD_DEFECTS), out["flub"].signals


def test_shared_difference_needs_the_twin_alike_and_spiking_too():
    from roughcut_core.align.twins import shared_difference
    from roughcut_core.model import LineReading

    def rd(path):
        return LineReading(path, "1-1", 0.0, 1.0, 1.0, take_id=path)

    r, q, a, b = rd("r"), rd("q"), rd("a"), rd("b")
    cost = {("a", "r"): (3.0, 1.0), ("b", "r"): (3.0, 1.0), ("q", "r"): (1.1, 1.0),
            ("a", "q"): (3.0, 1.0), ("b", "q"): (2.8, 1.0)}

    def pair_of(o, x):
        return cost.get((o.path, x.path)) or cost.get((x.path, o.path))

    def call(**kw):
        args = dict(pair_of=pair_of, spikes=lambda p: p is not None and p[0] > 1.5 * p[1],
                    other_mic=lambda x, y: False, spike_ratio=1.5, same_spot=lambda x, y: True)
        args.update(kw)
        return shared_difference(r, [a, b], [pair_of(a, r), pair_of(b, r)], [r, q, a, b], **args)

    assert call() == q
    assert call(other_mic=lambda x, y: {x.path, y.path} == {"r", "q"}) is None   # another mic's take
    assert call(same_spot=lambda x, y: False) is None   # the recogniser heard them off at other words
    cost["q", "r"] = (1.4, 1.0)                                  # under the spike, not alike
    assert call() is None
    cost["q", "r"] = (1.1, 1.0)
    cost["a", "q"] = cost["b", "q"] = (1.1, 1.0)                 # the twin matches the references
    assert call() is None
