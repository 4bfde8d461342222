"""Script order in the text aligner's selection (roughcut_core.align.core): hand-built
transcripts shaped like the recogniser's output on generated scenes (no ASR)."""
from __future__ import annotations

from roughcut_core.align import align_transcript
from roughcut_core.model import Scene, Script, ScriptLine, Transcript, Word

LINES = (
    ("IRIS", "How long have you been standing there?"),
    ("OSCAR", "Long enough to hear the whole thing."),
    ("IRIS", "It sounded like you were selling the house."),
    ("IRIS", "I was only asking a price."),
    ("OSCAR", "Nobody asks a price for fun."),
)
SCRIPT = Script((Scene("1", "INT. HALL - DAY", tuple(
    ScriptLine(f"1-{n}", "1", who, text) for n, (who, text) in enumerate(LINES, 1)), "1"),))


def said(text: str) -> Transcript:
    """Words 0.3 s long every 0.4 s; "/" inserts a 1 s pause."""
    words, t = [], 0.0
    for tok in text.split():
        if tok == "/":
            t += 1.0
            continue
        words.append(Word(tok, round(t, 3), round(t + 0.3, 3)))
        t += 0.4
    return Transcript("take.wav", "en", tuple(words), duration=t + 0.5)


def test_a_garbled_next_line_sharing_words_with_the_last_is_that_line_not_a_repeat():
    # generated scene 22, MCU_IRIS_T1: "Nobody asks a price for fun." heard as "No, no, no, no,
    # no. I have a price for burn." The next line (1-5, in order) and a second reading of 1-4
    # matched equally well; the repeat took the order bonus through its own first reading.
    tr = said("How long have you been standing there? / Long enough to hear the whole thing. / "
              "It sounded like you were selling the house. / I was only asking a price. / "
              "No, no, no, no, no. I have a price for burn.")
    readings = align_transcript(SCRIPT, tr, take_id="T")
    assert [r.line_id for r in readings] == ["1-1", "1-2", "1-3", "1-4", "1-5"]
    assert "repeat" not in readings[-1].defects


def test_a_line_said_twice_is_still_two_readings():
    tr = said("I was only asking a price. / I was only asking a price. / Nobody asks a price for fun.")
    readings = align_transcript(SCRIPT, tr, take_id="T")
    assert [r.line_id for r in readings] == ["1-4", "1-4", "1-5"]
    assert readings[1].defects == ("repeat",)
