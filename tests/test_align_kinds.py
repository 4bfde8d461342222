"""The kind of a word-level defect (issue 13): an added word the recogniser heard word for word.

The sound tells an added word badly from a short word replaced by a longer one
(``kinds.deviation_kind``). Where the recogniser heard every word of the line, in order, plus a
word between them it was sure of (generated scene 87: "It is three miles in the honestly cold.",
"honestly" at 0.86), the defect is an added word, whatever the sound's kind said.
"""
from __future__ import annotations

from roughcut_core.model import LineReading, Transcript, Word

LINE = "It is three miles in the cold."


def _heard(text: str, probs: dict) -> tuple[LineReading, Transcript]:
    words = tuple(Word(w, 0.3 * k, 0.3 * k + 0.25, probs.get(w, 0.95)) for k, w in enumerate(text.split()))
    tr = Transcript("t", "en", words, duration=0.3 * len(words) + 0.5)
    return LineReading("t", "1-1", 0.0, words[-1].end, 0.9, word_span=(0, len(words)), text=text), tr


def test_a_sure_word_between_the_lines_words_is_an_insert():
    from roughcut_core.align.heard import _sure_insert

    assert _sure_insert(*_heard("It is three miles in the honestly cold.", {"honestly": 0.86}), LINE, 0.6)
    # unsure of it: the recogniser may have made it up
    assert not _sure_insert(*_heard("It is three miles in the honestly cold.", {"honestly": 0.3}), LINE, 0.6)
    # next to a replaced word: a changed word heard as two as likely as an added one
    assert not _sure_insert(*_heard("It is three miles in really honest cold.", {}), LINE, 0.6)
    # the line as written, or a word changed
    assert not _sure_insert(*_heard("It is three miles in the cold.", {}), LINE, 0.6)
    assert not _sure_insert(*_heard("It is free miles in the cold.", {}), LINE, 0.6)


def test_the_sounds_substitution_is_an_ad_lib_when_the_recogniser_heard_a_sure_insert():
    from roughcut_core.align.evidence import _tie

    assert _tie("substitution", ("ad_lib",), True, sure_add=True) == "ad_lib"
    assert _tie("substitution|ad_lib", (), False, sure_add=True) == "ad_lib"
    assert _tie("substitution", ("ad_lib",), True) == "substitution"
    assert _tie("missing_words", ("ad_lib",), True, sure_add=True) == "missing_words"
