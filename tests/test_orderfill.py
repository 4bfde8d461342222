"""A line the recogniser garbled in every take is placed by script order (align.orderfill)."""
from __future__ import annotations

from roughcut_core.align.orderfill import fill_unheard, likeness
from roughcut_core.model import LineReading, Scene, Script, ScriptLine, Transcript, Word

LINES = ("Your letter came this morning.", "I hoped it would get lost.",
         "Some things are easier on paper.", "Say it to my face instead.")


def _script() -> Script:
    lines = tuple(ScriptLine(f"1-{n}", "1", "AB"[n % 2], t) for n, t in enumerate(LINES, start=1))
    return Script(scenes=(Scene("1", "INT. ROOM", lines),))


def _take(path: str, heard: list[str], found: dict) -> tuple[Transcript, list[LineReading]]:
    """Transcript of ``heard`` phrases, one second each; readings for the phrases in ``found``
    (phrase index -> line id)."""
    words, readings, t = [], [], 0.5
    for k, phrase in enumerate(heard):
        first = len(words)
        for w in phrase.split():
            words.append(Word(w, t, t + 0.25))
            t += 0.3
        if k in found:
            readings.append(LineReading(path, found[k], words[first].start, words[-1].end, 1.0, take_id=path,
                                        character="AB"[int(found[k][2:]) % 2], word_span=(first, len(words)),
                                        text=phrase))
        t += 0.8
    return Transcript(path=path, language="en", words=tuple(words)), readings


def test_garbled_everywhere_is_placed_between_its_neighbours():
    script = _script()
    heard = ["Your letter came this morning.", "I hope it won't get lost.", "Something really long paper.",
             "Say it to my face instead."]
    trs, rds = {}, []
    for path in ("a.mp4", "b.mp4"):
        tr, rs = _take(path, heard, {0: "1-1", 1: "1-2", 3: "1-4"})
        trs[path] = tr
        rds += rs
    new = fill_unheard(script, rds, trs)
    assert sorted(r.path for r in new) == ["a.mp4", "b.mp4"]
    for r in new:
        assert r.line_id == "1-3" and r.character == "B" and r.defects == ()
        assert r.text == "Something really long paper." and r.word_span == (11, 15)
        assert r.signals["defect_evidence"] == "order" and 0.3 < r.score <= 0.5
    # once found in some take, the line is the acoustic search's business, not this one's
    assert fill_unheard(script, rds + list(new[:1]), trs) == ()


def test_unlike_words_or_unbracketed_gaps_are_left_alone():
    script = _script()
    # the words between 1-2 and 1-4 are another text altogether
    tr, rs = _take("a.mp4", ["Your letter came this morning.", "I hoped it would get lost.",
                             "Why write it if you wanted that?", "Say it to my face instead."],
                   {0: "1-1", 1: "1-2", 3: "1-4"})
    assert fill_unheard(script, rs, {"a.mp4": tr}) == ()
    # two lines missing in one gap: which words are whose is unknown
    tr, rs = _take("a.mp4", ["Your letter came this morning.", "I hope it would lost.", "Something really long paper.",
                             "Say it to my face instead."], {0: "1-1", 3: "1-4"})
    assert fill_unheard(script, rs, {"a.mp4": tr}) == ()
    # nothing heard in the gap (an off-camera line too quiet for the recogniser)
    tr, rs = _take("a.mp4", ["Your letter came this morning.", "I hoped it would get lost.",
                             "Say it to my face instead."], {0: "1-1", 1: "1-2", 2: "1-4"})
    assert fill_unheard(script, rs, {"a.mp4": tr}) == ()


def test_likeness():
    assert likeness("The Lord lead net on tomorrow.", "The boat leaves at dawn tomorrow.") > 0.6
    assert likeness("Something really long paper.", "Say it to my face instead.") < 0.4
    assert likeness("Hello, THERE!", "hello there") == 1.0
