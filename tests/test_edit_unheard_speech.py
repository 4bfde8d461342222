"""Handles stop at the other actor's line even where the recogniser heard no words of it.

A quick exchange picks each line up 0.1-0.2 s after the last; on a single the other actor's
line is an off-camera voice that the recogniser may not transcribe, and the aligner places its
reading by the sound (no words). The cut's handles (and a cut moved off a blink) must stop at
that reading as at a word: otherwise the clip plays the start of the other line, and the next
clip plays it again (issue 14, idiom scenes seeds 20-21)."""
from roughcut_core.edit import EditOptions, TakeInfo, build_cut
from roughcut_core.model import LineReading, Scene, Script, ScriptLine, Transcript, Word
from roughcut_core.timebase import Rate, seconds_to_frame_floor

R = Rate(25, 1)
PICKUP = 0.15


def _words(t, n=4, length=0.3):
    out = []
    for k in range(n):
        out.append(Word(f"w{k}", round(t, 3), round(t + length, 3)))
        t += length + 0.05
    return out


def _scene():
    script = Script(scenes=(Scene(id="1", heading="INT. ROOM - DAY", number="1", lines=(
        ScriptLine(id="1-1", scene_id="1", character="ALICE", text="w0 w1 w2 w3"),
        ScriptLine(id="1-2", scene_id="1", character="BOB", text="w0 w1"))),), title="t")
    takes, readings = {}, []
    for path, chars, heard_other in (("/m/CU_ALICE.mov", ("ALICE",), False), ("/m/CU_BOB.mov", ("BOB",), True)):
        first = _words(1.0)
        end1 = first[-1].end
        second = _words(end1 + PICKUP, n=2)
        words = first + (second if heard_other or chars == ("BOB",) else [])
        words = tuple(words)
        tr = Transcript(path=path, language="en", words=words, duration=6.0)
        takes[path] = TakeInfo(path=path, rate=R, frame_count=150, transcript=tr, setup=path, shot_size="CU",
                               characters=chars)
        readings.append(LineReading(path=path, line_id="1-1", start=first[0].start, end=end1, score=1.0,
                                    word_span=(0, 4)))
        # ALICE's single: BOB's line placed by the sound, no words of it in the transcript
        span = (4, 6) if len(words) > 4 else (4, 4)
        readings.append(LineReading(path=path, line_id="1-2", start=second[0].start, end=second[-1].end,
                                    score=1.0, word_span=span))
    return script, takes, readings


def test_the_out_handle_stops_at_an_unheard_reading_of_the_next_line():
    script, takes, readings = _scene()
    cut = build_cut(script, takes, readings, EditOptions(reaction_shots=False))
    d1 = cut.decisions[0]
    assert d1.path == "/m/CU_ALICE.mov" and cut.decisions[1].path == "/m/CU_BOB.mov"
    bob_starts = next(r.start for r in readings if r.path == d1.path and r.line_id == "1-2")
    # before: the post-roll (0.35 s) ran 0.2 s into BOB's off-camera line
    assert d1.src_out <= seconds_to_frame_floor(bob_starts, R)
    alice_ends = next(r.end for r in readings if r.path == d1.path and r.line_id == "1-1")
    assert d1.src_out >= alice_ends * 25  # her own last word stays whole


def test_a_cut_moved_off_a_blink_stays_out_of_the_unheard_line():
    script, takes, readings = _scene()
    plain = build_cut(script, takes, readings, EditOptions(reaction_shots=False)).decisions[0]
    last = plain.src_out - 1

    def probe(path, rate, first, lo):  # eyes shut from the out frame back to the words; open after
        return {k: (0.05 if path == plain.path and 20 <= k <= last else 0.95) for k in range(first, lo + 1)}
    d1 = build_cut(script, takes, readings, EditOptions(reaction_shots=False, eye_probe=probe)).decisions[0]
    bob_starts = next(r.start for r in readings if r.path == d1.path and r.line_id == "1-2")
    assert d1.src_out <= seconds_to_frame_floor(bob_starts, R)


def test_speech_neighbours_take_the_nearer_of_words_and_readings():
    from roughcut_core.edit.cutpoints import speech_neighbours

    words = tuple(_words(1.0)) + tuple(_words(3.0, n=1))
    # words[0:4] is the reading; the next word starts at 3.0, another reading at 2.6
    assert speech_neighbours(words, (0, 4), 1.0, 2.35, [(1.0, 2.35), (2.6, 2.9)]) == (None, 2.6)
    assert speech_neighbours(words, (0, 4), 1.0, 2.35, [(0.2, 0.8)]) == (0.8, 3.0)
    # a reading overlapping this one is a misplacement, not a neighbour
    assert speech_neighbours(words, (0, 4), 1.0, 2.35, [(2.0, 2.9)]) == (None, 3.0)
