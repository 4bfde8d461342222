"""A line the recogniser garbled in every take is placed by script order (align.orderfill)."""
from __future__ import annotations

from dataclasses import replace

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
    # two lines missing in one gap, heard as other words altogether: nothing is placed
    tr, rs = _take("a.mp4", ["Your letter came this morning.", "Why write it if you wanted that?",
                             "Nobody reads them anyway.", "Say it to my face instead."], {0: "1-1", 3: "1-4"})
    assert fill_unheard(script, rs, {"a.mp4": tr}) == ()
    # nothing heard in the gap (an off-camera line too quiet for the recogniser)
    tr, rs = _take("a.mp4", ["Your letter came this morning.", "I hoped it would get lost.",
                             "Say it to my face instead."], {0: "1-1", 1: "1-2", 2: "1-4"})
    assert fill_unheard(script, rs, {"a.mp4": tr}) == ()


def test_a_gap_of_several_unheard_lines_is_shared_out_by_likeness():
    script = _script()
    # 1-2 and 1-3 both misheard, in one stretch between 1-1 and 1-4 (1-3 is found in no take)
    tr, rs = _take("a.mp4", ["Your letter came this morning.", "I hope it would lost.", "Something really long paper.",
                             "Say it to my face instead."], {0: "1-1", 3: "1-4"})
    new = sorted(fill_unheard(script, rs, {"a.mp4": tr}), key=lambda r: r.line_id)
    assert [(r.line_id, r.text, r.word_span) for r in new] == [
        ("1-2", "I hope it would lost.", (5, 10)), ("1-3", "Something really long paper.", (10, 14))]
    assert all(r.signals["defect_evidence"] == "order" and 0.25 < r.score <= 0.5 for r in new)
    # at the head of a file: the scene's first two lines heard garbled before the third; and a
    # gap where only the first line was heard (the second off mic) gives that line alone
    tr, rs = _take("b.mp4", ["Your letter came this mourning.", "I hope it would get lost.",
                             "Some things are easier on paper."], {2: "1-3"})
    assert [r.line_id for r in sorted(fill_unheard(script, rs, {"b.mp4": tr}), key=lambda r: r.line_id)] == ["1-1", "1-2"]
    tr, rs = _take("c.mp4", ["Your letter came this mourning.", "Some things are easier on paper."], {1: "1-3"})
    assert [(r.line_id, r.word_span) for r in fill_unheard(script, rs, {"c.mp4": tr})] == [("1-1", (0, 5))]


def test_likeness():
    assert likeness("The Lord lead net on tomorrow.", "The boat leaves at dawn tomorrow.") > 0.6
    assert likeness("Something really long paper.", "Say it to my face instead.") < 0.4
    assert likeness("Hello, THERE!", "hello there") == 1.0


def test_a_line_heard_as_the_head_of_the_next_is_split_off():
    """Real case (generated scene, tiny.en): the off-camera "It is not what it sounded like." was
    heard as "Did it not work? It sounded like" and aligned as the head of the next line."""
    from roughcut_core.align.orderfill import place_by_order, split_swallowed

    lines = ("Long enough to hear the whole thing.", "It is not what it sounded like.",
             "It sounded like you were selling the house.", "I was only asking a price.")
    script = Script(scenes=(Scene("1", "INT. ROOM", tuple(
        ScriptLine(f"1-{n}", "1", "AB"[n % 2], t) for n, t in enumerate(lines, start=1))),))
    timed = [("Long", 3.6), ("enough", 3.8), ("to", 4.1), ("hear", 4.2), ("the", 4.4), ("whole", 4.5),
             ("being.", 4.8), ("Did", 5.8), ("it", 5.9), ("not", 6.0), ("work?", 6.2), ("It", 6.5),
             ("sounded", 6.8), ("like", 6.8), ("it", 8.2), ("was", 8.7), ("in", 9.2), ("the", 9.6),
             ("house.", 9.7), ("I", 10.9), ("was", 11.0), ("only", 11.1), ("asking", 11.4), ("a", 11.6),
             ("price.", 11.9)]
    words = tuple(Word(w, t, t + 0.2) for w, t in timed)
    tr = Transcript(path="a.mp4", language="en", words=words)
    rds = [LineReading("a.mp4", "1-1", 3.6, 5.0, 1.0, character="B", word_span=(0, 7)),
           LineReading("a.mp4", "1-3", 5.9, 9.9, 0.8, character="B", word_span=(8, 19),
                       text="it not work? It sounded like it was in the house."),
           LineReading("a.mp4", "1-4", 10.9, 12.1, 1.0, character="A", word_span=(19, 25))]
    out = place_by_order(script, rds, {"a.mp4": tr})
    assert len(out) == 4
    head = next(r for r in out if r.line_id == "1-2")
    rest = next(r for r in out if r.line_id == "1-3")
    assert head.word_span == (7, 14) and head.start == 5.8 and head.end == 7.0
    assert head.character == "A" and head.signals["defect_evidence"] == "order"
    assert rest.word_span == (14, 19) and rest.start == 8.2 and rest.text == "it was in the house."
    # a reading that is just its own line keeps all its words (the uncovered words before it
    # are line 1-2's); one whose words are all its own is left alone
    clean = [rds[0], LineReading("a.mp4", "1-3", 8.2, 9.9, 1.0, character="B", word_span=(14, 19)), rds[2]]
    out = split_swallowed(script, clean, {"a.mp4": tr})
    assert out[1] == clean[1] and [r.word_span for r in out[3:]] == [(7, 14)]
    own = [rds[0], LineReading("a.mp4", "1-3", 5.8, 9.9, 1.0, character="B", word_span=(7, 19))]
    words2 = words[:7] + tuple(Word(w, 5.8 + 0.4 * i, 6.0 + 0.4 * i) for i, w in
                               enumerate("It sounded like you were selling the house .".split()[:8])) + words[19:]
    tr2 = Transcript(path="a.mp4", language="en", words=words2)
    own = [own[0], replace(own[1], word_span=(7, 15)), replace(rds[2], word_span=(15, 21))]
    assert split_swallowed(script, own, {"a.mp4": tr2}) == tuple(own)
    # the recogniser's alignment had called the swallowed line a first attempt ("restart")
    restart = [rds[0], replace(rds[1], start=6.5, word_span=(11, 19), full_span=(8, 19), defects=("restart",)),
               rds[2]]
    out = place_by_order(script, restart, {"a.mp4": tr})
    rest = next(r for r in out if r.line_id == "1-3")
    assert rest.word_span == (14, 19) and rest.full_span is None and rest.defects == ()
    assert next(r for r in out if r.line_id == "1-2").word_span == (7, 14)


def test_a_long_unclaimed_stretch_is_shared_without_recursion():
    # a take's chatter before the scene (1200 words nobody's line) and then two garbled lines
    from roughcut_core.align.orderfill import share_gap

    heard = ("and so we go again " * 240).split() + "I hope it would lost.".split() + "Some things easier paper.".split()
    assert share_gap([LINES[1], LINES[2]], heard) == [(1200, 1205, likeness("I hope it would lost.", LINES[1])),
                                                      (1205, 1209, likeness("Some things easier paper.", LINES[2]))]


def test_the_neighbour_gains_no_word_heard_across_a_stop():
    """Real case (generated scene 67, tiny.en): the off-camera "Did you check the fuse box?" was
    heard as "Did you get my view marks?" and the next line "There is no fuse box in this
    building." as "There is no view marks ...", 0.7 s later. The split gave "marks?" to the next
    line (both heard "view marks"), which then started 1 s early, over the other actor's line,
    and was flagged as an added word. Words a stop away from the neighbour's stay line k's."""
    from roughcut_core.align.orderfill import split_swallowed

    lines = ("The lights went out on every floor.", "Did you check the fuse box?",
             "There is no fuse box in this building.")
    script = Script(scenes=(Scene("1", "INT. HALL", tuple(
        ScriptLine(f"1-{n}", "1", "AB"[n % 2], t) for n, t in enumerate(lines, start=1))),))
    timed = [("The", 1.08), ("lights", 1.3), ("went", 1.6), ("out", 1.9), ("on", 2.2), ("every", 2.4),
             ("floor.", 2.6), ("Did", 3.77), ("you", 3.91), ("get", 4.05), ("my", 4.37), ("view", 4.5),
             ("marks?", 4.75), ("There", 5.76), ("is", 5.89), ("no", 5.97), ("view", 6.19), ("marks", 6.54),
             ("in", 6.74), ("this", 6.97), ("building.", 7.13)]
    ends = [t for _, t in timed[1:]] + [7.66]
    words = tuple(Word(w, t, min(e, t + 0.33)) for (w, t), e in zip(timed, ends))
    tr = Transcript(path="a.wav", language="en", words=words)
    rds = [LineReading("a.wav", "1-1", 1.08, 2.88, 1.0, character="B", word_span=(0, 7)),
           LineReading("a.wav", "1-3", 5.76, 7.46, 0.8, character="B", word_span=(13, 21),
                       defects=("substitution",))]
    out = split_swallowed(script, rds, {"a.wav": tr})
    assert out[1] == rds[1]
    placed = [r for r in out if r.line_id == "1-2"]
    assert [r.word_span for r in placed] in ([], [(7, 13)])


def _run_on_case():
    """Generated scene 130 (hard, tiny.en): line 1-3 "Why write it if you wanted that?" heard as
    "Why write it if you want a third?", its reading ending at "a"; "third?" runs on from it with
    no stop, then a stop, then line 1-4 "Some things are easier on paper." heard as "Something's
    arena on paper.", then line 1-5 (its reading)."""
    lines = ("I hoped it would get lost.", "Why write it if you wanted that?", "Some things are easier on paper.",
             "Say it to my face instead.")
    script = Script(scenes=(Scene("1", "INT. ROOM", tuple(
        ScriptLine(f"1-{n}", "1", "AB"[n % 2], t) for n, t in enumerate(lines, start=2))),))
    timed = [("Why", 5.19, 5.36), ("write", 5.36, 5.69), ("it", 5.72, 5.79), ("if", 5.88, 5.95),
             ("you", 5.97, 6.12), ("want", 6.15, 6.36), ("a", 6.41, 6.68), ("third?", 6.68, 7.08),
             ("Something's", 7.85, 8.49), ("arena", 8.49, 8.72), ("on", 8.72, 8.96), ("paper.", 9.01, 9.33),
             ("Say", 10.21, 10.49), ("it", 10.49, 10.6), ("to", 10.62, 10.71), ("my", 10.72, 10.82),
             ("face", 10.88, 11.21), ("instead.", 11.21, 11.72)]
    tr = Transcript(path="a.wav", language="en", words=tuple(Word(w, s, e) for w, s, e in timed))
    r3 = LineReading("a.wav", "1-3", 5.19, 6.68, 0.83, character="B", word_span=(0, 7), defects=("substitution",))
    r5 = LineReading("a.wav", "1-5", 10.21, 11.72, 1.0, character="B", word_span=(12, 18))
    return script, tr, r3, r5


def test_words_running_on_from_the_line_before_up_to_a_stop_are_not_the_placed_lines():
    from roughcut_core.align.orderfill import place_by_order

    script, tr, r3, r5 = _run_on_case()
    out = place_by_order(script, [r3, r5], {"a.wav": tr})
    placed = [r for r in out if r.line_id == "1-4"]
    assert len(placed) == 1, out
    assert placed[0].word_span == (8, 12) and placed[0].start == 7.85 and placed[0].end == 9.33
    assert placed[0].text == "Something's arena on paper."
    assert placed[0].score == round(0.5 * likeness("Something's arena on paper.", "Some things are easier on paper."), 4)


def test_the_placed_lines_own_opening_said_right_after_the_line_before_stays():
    # no stop after the running-on words' run, or words that are the line's own opening: kept
    from roughcut_core.align.orderfill import _own_words

    script, tr, r3, r5 = _run_on_case()
    line = "Some things are easier on paper."
    # the line's opening "Some things" heard right after the line before, then a stop
    words = list(tr.words[:7]) + [Word("Some", 6.68, 6.9), Word("things", 6.9, 7.08), Word("are", 7.85, 8.0),
                                   Word("easier", 8.0, 8.49), Word("on", 8.72, 8.96), Word("paper.", 9.01, 9.33)]
    tr2 = Transcript(path="a.wav", language="en", words=tuple(words))
    idx = list(range(7, 13))
    assert _own_words(tr2, idx, r3, None, line) == idx
    # one run with no stop anywhere: nothing to tell the neighbour's words from the line's
    assert _own_words(tr, [7], r3, None, line) == [7]
