"""Script intent: parentheticals, the action before a line, punctuation and CAPS → expected
delivery; intent_match ranks a matching read above a flat one and says so in words."""
from __future__ import annotations

import pytest

from roughcut_core.model import ScriptLine
from roughcut_core.script.fountain import parse_fountain
from roughcut_core.script.intent import EMOTIONS, CUES, intent_match, parse_intent, script_intents

SCENE = """INT. KITCHEN - NIGHT

Bob slams the door, furious.

BOB
(angrily)
Get OUT of here!

ALICE
(through tears)
I thought... you loved me.

BOB
Fine.

ALICE
(whispering)
Go? (beat) Now?

The dogs bark. Bob laughs.

BOB
What?

Alice laughs.

BOB
Why?
"""


def _signals(label: str, arousal: float, p: float = 0.7) -> dict:
    rest = (1.0 - p) / (len(EMOTIONS) - 1)
    return {"arousal": arousal, **{f"emotion_{e}": (p if e == label else rest) for e in EMOTIONS}}


@pytest.fixture(scope="module")
def intents():
    return script_intents(parse_fountain(SCENE))


def test_parser_keeps_the_action_just_before_a_line():
    script = parse_fountain(SCENE)
    lines = script.lines
    assert lines[0].action_before == "Bob slams the door, furious."
    assert lines[1].action_before is None and lines[2].action_before is None
    assert lines[4].action_before == "The dogs bark. Bob laughs."


def test_parenthetical_action_punctuation_and_caps(intents):
    angry = intents["1-1"]
    assert angry.emotion == "angry" and angry.directed == "(angrily)"
    assert angry.loudness == "loud" and angry.arousal >= 0.85
    assert "!" in angry.cues and any(c.startswith("CAPS OUT") for c in angry.cues)
    assert abs(sum(p for _, p in angry.emotions) - 1.0) < 1e-3
    sad = intents["1-2"]
    assert sad.emotion == "sad" and sad.arousal < 0.4 and sad.pauses and sad.pace == "slow"
    plain = intents["1-3"]
    assert plain.emotion is None and not plain.has_direction and plain.cues == ()
    whisper = intents["1-4"]
    assert whisper.emotion is None and whisper.loudness == "soft" and whisper.pauses
    assert whisper.directed == "(whispering)"
    # The action paragraph alone implies a read, from its sentences that name the speaker:
    # "Bob laughs." makes BOB's line happy, "The dogs bark." does not make it angry...
    assert intents["1-5"].emotion == "happy" and intents["1-5"].directed is None
    assert intents["1-5"].distribution()["angry"] < 0.1
    # ...and "Alice laughs." says nothing about how BOB says his next line.
    assert intents["1-6"].emotion is None and not intents["1-6"].has_direction


def test_every_emotion_has_a_cue_and_sarcastic_does_not_invent_one():
    assert {c.emotion for c in CUES if c.emotion} == set(EMOTIONS)
    line = ScriptLine(id="1-1", scene_id="1", character="A", text="Great.", parenthetical="(sarcastic)")
    intent = parse_intent(line)
    assert intent.emotion is None and intent.arousal is not None


def test_intent_match_prefers_the_scripted_read_and_says_why(intents):
    angry = intents["1-1"]
    good, words_good = intent_match(_signals("angry", 0.9), angry)
    flat, words_flat = intent_match(_signals("neutral", 0.2), angry)
    assert good > 0.8 > 0.3 > flat
    assert words_good == "angry read, as scripted"
    assert words_flat == "flat for (angrily)"
    sad = intents["1-2"]
    s_sad, _ = intent_match(_signals("sad", 0.2), sad)
    s_happy, words = intent_match(_signals("happy", 0.7), sad)
    assert s_sad > s_happy and words == "happy read for (through tears)"


def test_intent_match_on_arousal_alone_and_no_direction(intents):
    whisper = intents["1-4"]
    quiet, w_quiet = intent_match({"arousal": 0.15}, whisper)
    big, w_big = intent_match({"arousal": 0.9}, whisper)
    assert quiet > big and "as scripted" in w_quiet and w_big.startswith("too big")
    # Nothing scripted, or nothing measured: a neutral vote with no words.
    assert intent_match(_signals("angry", 0.9), intents["1-3"]) == (0.5, "")
    assert intent_match({}, intents["1-1"]) == (0.5, "")
    assert intent_match({"arousal": 0.5}, None) == (0.5, "")


def test_a_scripted_beat_asks_for_a_pause():
    beat = parse_intent(ScriptLine(id="1-1", scene_id="1", character="A", text="Fine.", parenthetical="(beat)"))
    assert beat.pauses and beat.beat == "(beat)" and beat.directed == "(beat)" and beat.emotion is None
    assert intent_match({"pause_count": 1}, beat) == (1.0, "pause played, as scripted")
    assert intent_match({"pause_count": 0}, beat) == (0.2, "no pause for (beat)")
    dots = parse_intent(ScriptLine(id="1-2", scene_id="1", character="A", text="I... know."))
    assert dots.beat == '"..."' and dots.directed is None
    assert intent_match({"pause_count": 0}, dots)[1] == 'no pause for "..."'
    # With an emotion direction too, the pause is a small part and the words speak of the emotion.
    both = parse_intent(ScriptLine(id="1-3", scene_id="1", character="A", text="Go.", parenthetical="(angrily) (beat)"))
    assert both.directed == "(angrily)" and both.beat == "(beat)"
    with_pause, words = intent_match({**_signals("angry", 0.9), "pause_count": 1}, both)
    without, _ = intent_match({**_signals("angry", 0.9), "pause_count": 0}, both)
    assert with_pause > without and words == "angry read, as scripted"


def test_without_an_emotion_model_the_delivery_profile_decides(intents):
    """DSP only: the same arousal, but one read is louder, higher, wider and faster than the
    line's other readings (an angry profile), the other quieter, lower, flatter and slower."""
    hot = {"arousal": 0.6, "loudness_rel_db": 5.0, "pitch_mean_rel_st": 2.0, "pitch_range_rel_st": 3.0, "rate_rel": 1.15}
    cold = {"arousal": 0.6, "loudness_rel_db": -5.0, "pitch_mean_rel_st": -1.5, "pitch_range_rel_st": -3.0, "rate_rel": 0.85}
    assert intent_match(hot, intents["1-1"])[0] > intent_match(cold, intents["1-1"])[0]  # (angrily)
    assert intent_match(cold, intents["1-2"])[0] > intent_match(hot, intents["1-2"])[0]  # (through tears)
