"""A reading the acoustic search found is judged on the same evidence rules as a heard one
(issue 13): real espeak-ng speech, known edits, known word times.

Generated scene 130: both close-up takes of a line were found by the search, judged against
one reference whose bounds held the previous line's last words, and flagged ``missing_words``
together; scene 132: a found reading was judged against a reading that held an undetected
restart. The search's own judgement has no twin and no mic test; the heard readings' step has
both (``evidence``, ``twins.shared_difference``, ``mic.Mics``).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from roughcut_core.model import WORD_DEFECTS

from test_defects import LINE, _reading, _script, _take, _train_misheard, bank  # noqa: F401 (bank: fixture)


def _scene(bank):
    """Two references whose bounds miss the line's first two words; two takes ("wide0",
    "wide1") and a flubbed one whose reading of the line the recogniser did not give (only
    the next line's): the search finds them."""
    rng = np.random.default_rng(31)
    clean = LINE.split()

    readings, transcripts, audio = [], {}, {}
    for name in ("ref0", "ref1", "wide0", "wide1", "flub"):
        spoken = [("kitchen" if w == "train" else w) for w in clean] if name == "flub" else clean
        heard = _train_misheard("rain" if name == "wide0" else "brain") if name.startswith("wide") else None
        a, tr, n = _take(bank, spoken, path=name, rng=rng, heard=heard)
        if name.startswith("ref"):   # the references' bounds missed the line's first two words
            r = _reading(tr, n, "1-1")
            readings.append(replace(r, start=tr.words[2].start, word_span=(2, n)))
        readings.append(_reading(tr, n, "1-2"))
        transcripts[name], audio[name] = tr, a
    return readings, transcripts, audio


def test_found_readings_that_differ_alike_from_the_references_are_not_flagged(bank):
    from roughcut_core.align.evidence import EvidenceOptions, apply_evidence

    readings, transcripts, audio = _scene(bank)
    out = [r for r in apply_evidence(_script(), readings, transcripts, audio, EvidenceOptions(line_rel=None))
           if r.line_id == "1-1"]
    found = {r.path: r for r in out if r.signals.get("defect_evidence") == "search"}
    assert set(found) == {"wide0", "wide1", "flub"}, [(r.path, r.signals) for r in out]
    for name in ("wide0", "wide1"):
        # alike on one mic, both off the references at the same word the recogniser was
        # unsure of: the difference lies with the references, as for heard readings
        assert found[name].defects == (), (name, found[name].signals)
    # the actor's slip differs from the twins too, and the recogniser was sure of it: stands
    assert set(found["flub"].defects) & set(WORD_DEFECTS), found["flub"].signals


def test_a_reading_far_longer_than_the_lines_others_is_no_reference():
    """Generated scene 132: a reading that held a restart nobody caught ("I am. ... I am saying
    it now.", 2.2 s against 1.2-1.3 s) was every other reading's one clean reference on the
    mic, and the clean readings were flagged ``missing_words`` against it."""
    from roughcut_core.align.evidence import _references
    from roughcut_core.align.search import OVERLONG
    from roughcut_core.model import LineReading

    def rd(path, length, score=0.9):
        return LineReading(path, "1-1", 1.0, 1.0 + length, score, take_id=path, character="ANNA")

    r = rd("judged", 1.2)
    long_one = rd("restart", 2.2, score=1.0)   # heard best: first in line as a reference
    others = [rd("a", 1.25), rd("b", 1.3), rd("c", 1.2)]
    assert _references(r, [r, long_one, *others], 1)[0].path != "restart"
    assert {o.path for o in _references(r, [r, long_one, *others], 4)} == {"a", "b", "c"}
    # with fewer than three readings there is no typical length to hold it against
    assert _references(r, [r, long_one, others[0]], 1)[0].path == "restart"
    from roughcut_core.align.search import not_overlong

    just = rd("just", OVERLONG * 1.25 - 0.01)
    assert just in not_overlong([just, *others])
