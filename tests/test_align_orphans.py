"""A reading the text aligner ended before a misheard last word (issue 13): real espeak-ng speech.

The recogniser heard the line's last word as a word the text aligner could not match
(generated scene 85: "That sounds like bad news." heard as "That sounds like Matthew."); the
reading ended before it and was labelled ``missing_words``, and the sound agreed, because the
clip compared with the other takes lacked that word. ``align.orphans`` gives the word back.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from roughcut_core.model import LineReading, Transcript, Word

from test_defects import LINE, SR, _reading, _script, _take, bank  # noqa: F401 (bank: fixture)


def _cut_before_last(tr: Transcript, n: int, heard_as: str = "tonsil") -> tuple[Transcript, LineReading]:
    """The take's transcript with the line's last word heard as ``heard_as``, and the reading
    the text aligner gives then: ended before that word, labelled ``missing_words``."""
    words = list(tr.words)
    last = words[n - 1]
    words[n - 1] = Word(heard_as, last.start, last.end, 0.55)
    tr = replace(tr, words=tuple(words))
    r = _reading(tr, n, "1-1", ("missing_words",))
    return tr, replace(r, end=tr.words[n - 2].end, word_span=(0, n - 1),
                       text=" ".join(w.text for w in tr.words[:n - 1]))


def test_trailing_orphan_words_join_the_reading_only_in_the_same_breath():
    from roughcut_core.align.orphans import absorb_trailing

    words = tuple(Word(w, 0.5 + 0.4 * k, 0.8 + 0.4 * k) for k, w in enumerate("a b c zz".split())) + \
        (Word("next", 3.0, 3.3), Word("line", 3.4, 3.7))
    tr = Transcript("t", "en", words, duration=4.0)
    r = LineReading("t", "1-1", 0.5, 1.6, 1.0, word_span=(0, 3), text="a b c", defects=("missing_words",))
    nxt = LineReading("t", "1-2", 3.0, 3.7, 1.0, word_span=(4, 6), text="next line")
    out = absorb_trailing([r, nxt], {"t": tr}, {"1-1": 5, "1-2": 2})
    assert out[0].word_span == (0, 4) and out[0].end == 2.0 and out[0].text == "a b c zz"
    assert out[0].defects == ("missing_words",)           # the evidence step decides
    assert out[1] == nxt
    # a line heard whole takes nothing; a word after a pause is the next thing said, not this line
    assert absorb_trailing([r, nxt], {"t": tr}, {"1-1": 3, "1-2": 2})[0] == r
    late = replace(tr, words=(*words[:3], Word("zz", 2.5, 2.8), *words[4:]))
    assert absorb_trailing([r, nxt], {"t": late}, {"1-1": 5, "1-2": 2})[0] == r
    # a word another reading holds stays with it
    held = LineReading("t", "1-3", 1.7, 2.0, 1.0, word_span=(3, 4), text="zz")
    assert absorb_trailing([r, held, nxt], {"t": tr}, {"1-1": 5, "1-2": 2, "1-3": 1})[0] == r


def test_a_reading_ended_before_its_misheard_last_word_is_not_a_drop(bank):
    """Three clean takes; in a fourth, also clean, the last word was heard as "tonsil" and the
    reading ended before it. Judged on the whole delivery it is clean, and it ends with its
    last word (an editor cutting on it keeps the word). A real drop of the last word is still
    flagged: its sound stops where the reading does."""
    from roughcut_core.align.evidence import EvidenceOptions, apply_evidence
    from roughcut_core.audio.reading_sound import FileLevels

    rng = np.random.default_rng(21)
    clean = LINE.split()
    readings, transcripts, audio = [], {}, {}
    for name in ("c0", "c1", "c2", "orphan", "drop"):
        spoken = clean[:-1] if name == "drop" else clean
        a, tr, n = _take(bank, spoken, path=name, rng=rng)
        r = _reading(tr, n, "1-1", ("missing_words",) if name == "drop" else ())
        if name == "orphan":
            tr, r = _cut_before_last(tr, n)
            true_end = tr.words[n - 1].end
        readings += [r, _reading(tr, n, "1-2")]
        transcripts[name], audio[name] = tr, a
    out = {(r.path, r.line_id): r for r in apply_evidence(_script(), readings, transcripts, audio,
                                                           EvidenceOptions(line_rel=None))}
    got = out["orphan", "1-1"]
    assert got.defects == (), got.signals
    assert got.end >= true_end - 0.02 and got.word_span == (0, len(clean))
    assert got.end < out["orphan", "1-2"].start
    assert out["drop", "1-1"].defects == ("missing_words",), out["drop", "1-1"].signals
    for name in ("c0", "c1", "c2"):
        assert out[name, "1-1"].defects == ()
    # the sound decides what is one breath: the pause before the next line is not crossed
    from roughcut_core.align.orphans import _pause_between

    levels, ws, n = FileLevels.of(audio["orphan"], SR), transcripts["orphan"].words, len(clean)
    assert not _pause_between(levels, ws[n - 2].end, ws[n - 1].start)
    assert _pause_between(levels, ws[n - 1].end, ws[n].start)
