"""Hand-built takes and readings for edit-engine tests (no models involved)."""
from roughcut_core.edit import TakeInfo
from roughcut_core.model import LineReading, Scene, Script, ScriptLine, Transcript, Word
from roughcut_core.timebase import Rate

R = Rate(24000, 1001)


def make_script(n=4, title="Test"):
    chars = ["ALICE", "BOB"]
    lines = tuple(ScriptLine(id=f"1-{i + 1}", scene_id="1", character=chars[i % 2],
                             text=f"line number {i + 1} here") for i in range(n))
    return Script(scenes=(Scene(id="1", heading="INT. ROOM - DAY", lines=lines, number="1"),), title=title)


def make_take(path, setup, chars, shot, n=4, gap=1.0, flags=(), focus=None, rate=R, word_len=0.3):
    """A take reading lines 1..n in order, each four words of ``word_len`` seconds."""
    words, readings, t = [], [], 0.5
    for i in range(n):
        first = len(words)
        for w in ["line", "number", str(i + 1), "here"]:
            words.append(Word(w, round(t, 3), round(t + word_len, 3)))
            t += word_len + 0.05
        readings.append(LineReading(path=path, line_id=f"1-{i + 1}", start=words[first].start,
                                    end=words[-1].end, score=1.0, word_span=(first, len(words))))
        t += gap
    tr = Transcript(path=path, language="en", words=tuple(words), duration=t + 1)
    take = TakeInfo(path=path, rate=rate, frame_count=int((t + 1) * rate.fps), transcript=tr, setup=setup,
                    shot_size=shot, characters=chars, flags=tuple(flags), focus=focus)
    return take, readings
