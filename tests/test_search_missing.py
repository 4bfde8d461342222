"""The acoustic search for readings the recogniser missed (roughcut_core.align.search), on real
espeak-ng speech with known word times (the bank and take builder of test_defects)."""
from __future__ import annotations

import numpy as np
import pytest

from roughcut_core.model import Transcript
from test_defects import LINE, NEXT, _reading, _script, _take, bank  # noqa: F401  (bank: fixture)


def test_a_take_the_recogniser_stopped_hearing_is_searched_past_its_truncated_line(bank):
    """The recogniser heard the first three words of a take and nothing after (generated scene
    93: six words in a 14-s take). The text aligner labels that line ``truncated``, but the take
    goes on sounding: the next line is searched for and found where it is said."""
    from roughcut_core.align.evidence import apply_evidence

    rng = np.random.default_rng(3)
    takes = {}
    for name in ("a", "b"):
        audio, tr, n = _take(bank, LINE.split(), path=name, rng=rng)
        takes[name] = (audio, tr, [_reading(tr, n, "1-1"), _reading(tr, n, "1-2")])
    audio, full, n = _take(bank, LINE.split(), path="stopped", rng=rng)
    heard = Transcript("stopped", "en", full.words[:3], duration=full.duration)
    cut = _reading(heard, 3, "1-1", ("truncated",))
    readings = [r for _, _, rs in takes.values() for r in rs] + [cut]
    transcripts = {**{k: v[1] for k, v in takes.items()}, "stopped": heard}
    sound = {**{k: v[0] for k, v in takes.items()}, "stopped": audio}
    out = {r.line_id: r for r in apply_evidence(_script(), readings, transcripts, sound) if r.path == "stopped"}
    assert "1-2" in out, out
    nxt = full.words[n:]
    assert abs(out["1-2"].start - nxt[0].start) < 0.3 and abs(out["1-2"].end - nxt[-1].end) < 0.3
    assert out["1-2"].signals["defect_evidence"] == "search"


def test_a_take_cut_after_its_truncated_line_is_not_searched_further(bank):
    from roughcut_core.align.evidence import apply_evidence

    rng = np.random.default_rng(4)
    takes = {}
    for name in ("a", "b"):
        audio, tr, n = _take(bank, LINE.split(), path=name, rng=rng)
        takes[name] = (audio, tr, [_reading(tr, n, "1-1"), _reading(tr, n, "1-2")])
    audio, tr, n = _take(bank, LINE.split(), path="cut", rng=rng, cut_after=3)
    readings = [r for _, _, rs in takes.values() for r in rs] + [_reading(tr, n, "1-1", ("truncated",))]
    transcripts = {**{k: v[1] for k, v in takes.items()}, "cut": tr}
    sound = {**{k: v[0] for k, v in takes.items()}, "cut": audio}
    out = [r for r in apply_evidence(_script(), readings, transcripts, sound) if r.path == "cut"]
    assert [r.line_id for r in out] == ["1-1"] and "truncated" in out[0].defects


def _unheard_take(bank, first, rng, path):
    """A take saying ``first`` (words, may be empty: the line dropped) then NEXT; the
    transcript has only NEXT's words (the recogniser heard nothing of the first line)."""
    room = lambda n: (rng.standard_normal(n) * 10 ** (-62 / 20)).astype(np.float32)  # noqa: E731
    parts, t = [room(int(0.5 * 16000))], 0.5
    for w in first:
        parts += [0.3 * bank[w], room(int(0.05 * 16000))]
        t += bank[w].size / 16000 + 0.05
    parts.append(room(int(0.8 * 16000)))
    t += 0.8
    from roughcut_core.model import Word

    words = []
    for w in NEXT.split():
        parts += [0.3 * bank[w], room(int(0.05 * 16000))]
        words.append(Word(w, t, t + bank[w].size / 16000, 0.95))
        t += bank[w].size / 16000 + 0.05
    parts.append(room(int(0.6 * 16000)))
    audio = np.concatenate(parts)
    tr = Transcript(path, "en", tuple(words), duration=audio.size / 16000)
    return audio, tr, _reading(tr, 0, "1-2")


def _decide(bank, firsts):
    from roughcut_core.align.scene_pass import decide_and_measure

    rng = np.random.default_rng(5)
    takes = {f"t{k}": _unheard_take(bank, first, rng, f"t{k}") for k, first in enumerate(firsts)}
    out = decide_and_measure(_script(), [v[2] for v in takes.values()], {k: v[1] for k, v in takes.items()},
                             audio_of=lambda p: takes[p][0])
    return {(r.path, r.line_id): r for r in out}


def test_a_line_heard_in_no_take_is_found_where_the_takes_agree(bank):
    """Generated scene 20: one line heard as nonsense or nothing in all six takes had no
    reference for the search and was never found. Its place in each take is the sound between
    its script neighbours; two takes that sound alike there are two readings of it."""
    got = _decide(bank, [LINE.split()] * 3)
    for k in range(3):
        r = got.get((f"t{k}", "1-1"))
        assert r is not None, got
        assert r.signals["defect_evidence"] == "order" and r.end <= got[(f"t{k}", "1-2")].start
        assert abs(r.start - 0.5) < 0.3


def test_a_line_dropped_in_every_take_or_said_differently_is_not_placed(bank):
    silent = _decide(bank, [[], []])
    assert not [k for k in silent if k[1] == "1-1"]
    differ = _decide(bank, [["kitchen"] * 4, "then we walked".split()])
    assert not [k for k in differ if k[1] == "1-1"]


def test_a_reference_that_ran_over_its_neighbour_is_not_searched_with():
    """Seen scene 90: one take's reading of a 1.6 s line ran 2.5 s, into the next line; the
    search matched it best, and the found reading swallowed the next line in two takes."""
    from roughcut_core.align.search import _references_by_level
    from roughcut_core.model import LineReading

    def rd(path, dur, score=1.0):
        return LineReading(path=path, line_id="1-4", start=1.0, end=1.0 + dur, score=score, take_id=path,
                           character="VERA", word_span=(0, 5), defects=(), text="some things are easier")

    audio = {p: np.zeros(16000 * 5, dtype=np.float32) for p in ("a", "b", "c", "d")}
    readings = [rd("a", 1.35), rd("b", 1.66), rd("c", 2.51, score=1.0), rd("d", 1.5)]
    refs = _references_by_level("1-4", readings, audio, {}, "x", None)
    assert [r.path for r in refs] == ["a", "b", "d"]
    # with only two others there is no typical length to judge by: both are kept
    two = _references_by_level("1-4", readings[1:3], audio, {}, "x", None)
    assert sorted(r.path for r in two) == ["b", "c"]


def test_a_take_is_searched_only_for_its_own_scenes_lines(bank):
    """In a bin of two scenes, a take with readings of scene 1 only is not searched for scene 2's
    lines (their sound is in it here, so the old search found them there)."""
    from roughcut_core.align.evidence import apply_evidence
    from roughcut_core.model import Scene, Script, ScriptLine

    from test_defects import _take as take

    script = Script((Scene("1", "INT. STATION", (ScriptLine("1-1", "1", "ANNA", LINE),)),
                     Scene("2", "EXT. ROAD", (ScriptLine("2-1", "2", "BEN", NEXT),))))
    rng = np.random.default_rng(5)
    readings, transcripts, sound = [], {}, {}
    for name, line_id in (("s1a", "1-1"), ("s1b", "1-1"), ("s2a", "2-1"), ("s2b", "2-1")):
        audio, tr, n = take(bank, LINE.split(), path=name, rng=rng)
        transcripts[name], sound[name] = tr, audio
        readings.append(_reading(tr, n, line_id))
    out = apply_evidence(script, readings, transcripts, sound)
    found = {(r.path, r.line_id) for r in out if r.signals.get("defect_evidence") == "search"}
    assert ("s1a", "2-1") not in found and ("s1b", "2-1") not in found, found


def _cut_next_take(bank, rng, path, stop, after):
    """A take: LINE (heard), then NEXT unheard: "then we walked", ``stop`` s of room tone,
    ``after`` (words), the file cut in the middle of the last one, still sounding."""
    from roughcut_core.model import Word

    sr = 16000
    room = lambda s: (rng.standard_normal(int(s * sr)) * 10 ** (-62 / 20)).astype(np.float32)  # noqa: E731
    parts, t, words = [room(0.5)], 0.5, []
    for w in LINE.split():
        parts += [0.3 * bank[w], room(0.05)]
        words.append(Word(w, t, t + bank[w].size / sr, 0.95))
        t += bank[w].size / sr + 0.05
    parts.append(room(0.6))
    t += 0.6
    said = [0.3 * bank[w] for w in ("then", "we", "walked")]
    for clip in said:
        parts += [clip, room(0.05)]
    parts.append(room(stop))
    for k, w in enumerate(after):
        clip = 0.3 * bank[w]
        parts += [clip[:clip.size // 2]] if k == len(after) - 1 else [clip, room(0.05)]
    audio = np.concatenate(parts)
    tr = Transcript(path, "en", tuple(words), duration=audio.size / sr)
    return audio, tr, [_reading(tr, len(words), "1-1")], t


def _found_next(bank, stop, after):
    from roughcut_core.align.evidence import apply_evidence

    rng = np.random.default_rng(11)
    takes = {}
    for name in ("a", "b"):
        audio, tr, n = _take(bank, LINE.split(), path=name, rng=rng)
        takes[name] = (audio, tr, [_reading(tr, n, "1-1"), _reading(tr, n, "1-2")])
    audio, tr, rs, next_start = _cut_next_take(bank, rng, "cut", stop, after)
    takes["cut"] = (audio, tr, rs)
    out = apply_evidence(_script(), [r for _, _, rs in takes.values() for r in rs], {k: v[1] for k, v in takes.items()},
                         {k: v[0] for k, v in takes.items()})
    found = [r for r in out if r.path == "cut" and r.line_id == "1-2"]
    assert len(found) == 1, out
    return found[0], next_start, audio.size / 16000


def test_a_found_line_that_goes_on_after_a_short_stop_into_the_cut_is_truncated(bank):
    """A line the recogniser did not hear, said with a short stop inside and cut by the file's
    end while still sounding: the found reading is ``truncated`` (evidence's rule for heard
    readings; generated scenes 90, 146: "Fine. I am le-", found, judged clean, and a clean
    reference for the other takes; here it was judged ``missing_words``)."""
    r, start, duration = _found_next(bank, 0.18, ("home", "in", "the"))
    assert "truncated" in r.defects, (r.defects, r.start, r.end, duration)
    assert abs(r.start - start) < 0.3 and r.end == pytest.approx(duration, abs=0.1)


@pytest.mark.parametrize("stop,cut", [(0.18, True), (0.6, False)])
def test_sound_after_a_match_is_the_rest_of_its_line_only_after_a_short_stop(stop, cut):
    """``search._rest_cut_off``: after a match ending at 1.0 s, sound comes back after ``stop`` s
    and runs into the file's end; a stop inside a line (under ``restart.PAUSE_S``) keeps it the
    line's, a pause between deliveries does not."""
    from roughcut_core.align.search import _rest_cut_off
    from roughcut_core.audio.reading_sound import FileLevels

    rng = np.random.default_rng(2)
    sr = 16000
    room = lambda s: rng.standard_normal(int(s * sr)) * 10 ** (-62 / 20)  # noqa: E731
    voice = lambda s: rng.standard_normal(int(s * sr)) * 0.05  # noqa: E731
    audio = np.concatenate([room(0.3), voice(0.7), room(stop), voice(0.3)]).astype(np.float32)
    assert _rest_cut_off(FileLevels.of(audio, sr), 1.0, rest=0.8) is cut
    # the rest of the line cannot be longer than what the match lacks against its reference
    assert not _rest_cut_off(FileLevels.of(audio, sr), 1.0, rest=0.05)
