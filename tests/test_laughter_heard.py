"""Laughter the recogniser heard words in is speech (analyses.sound.speech_where_heard).

The DSP laughter cues are rhythm cues; a steady synthetic voice has the rhythm too: the demo's
wide takes were labelled "laughter" over a spoken line on the review page."""
from roughcut_core.analyses.sound import speech_where_heard
from roughcut_core.model import Word


def _analysis():
    return {"path": "a.mp4", "sound_events": [
        {"start": 18.0, "end": 19.0, "label": "speech", "score": 1.0},
        {"start": 19.0, "end": 20.0, "label": "laughter", "score": 0.68},
        {"start": 20.0, "end": 21.0, "label": "laughter", "score": 0.8},
        {"start": 21.0, "end": 21.5, "label": "silence", "score": 1.0}]}


def test_laughter_over_surely_heard_words_is_speech():
    words = [Word("you", 19.05, 19.3, 0.9), Word("know", 19.3, 19.6, 0.8), Word("I", 19.6, 19.9, 0.95),
             Word("hm", 20.1, 20.3, 0.2)]  # an unsure word in the second event
    before = _analysis()
    out = speech_where_heard(before, words)
    labels = [(e["start"], e["label"]) for e in out["sound_events"]]
    assert labels == [(18.0, "speech"), (19.0, "speech"), (20.0, "laughter"), (21.0, "silence")]
    assert out["sound_events"][1]["score"] == 0.85
    assert before["sound_events"][1]["label"] == "laughter"  # the cached analysis is not changed


def test_without_words_laughter_stays():
    a = _analysis()
    assert speech_where_heard(a, ()) is a
    assert [e["label"] for e in speech_where_heard(a, [Word("ha", 19.2, 19.4, 0.9)])["sound_events"]][1] == "laughter"
