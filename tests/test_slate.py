"""Spoken slates: parsing of timed words, and one end-to-end run (espeak-ng speech ->
faster-whisper tiny.en words -> detect_slates)."""
from __future__ import annotations

import wave

import numpy as np
import pytest

from roughcut_core.model import Word
from roughcut_core.speech.slate import Slate, detect_slates


def words(text: str, t0: float = 0.0, dur: float = 0.3, gap: float = 0.05) -> list[Word]:
    """Timed words; "|" in the text is a 0.6 s pause."""
    out, t = [], t0
    for tok in text.split():
        if tok == "|":
            t += 0.6
            continue
        out.append(Word(tok, t, t + dur))
        t += dur + gap
    return out


@pytest.mark.parametrize("text, scene, take", [
    ("scene twelve take three", "12", "3"),
    ("Scene twelve, take three.", "12", "3"),
    ("twelve apple take two", "12A", "2"),
    ("twelve a take two", "12A", "2"),
    ("Scene 12A, take 3.", "12A", "3"),
    ("sc 12 tk 3", "12", "3"),
    ("twenty three charlie take eleven", "23C", "11"),
    ("scene one hundred and five take twelve", "105", "12"),
    ("one oh five baker take one", "105B", "1"),
    ("scene twelve dash four take one", "12-4", "1"),
    ("scene forty two", "42", None),
    ("take four", None, "4"),
])
def test_scene_and_take_are_parsed(text, scene, take):
    (slate,) = detect_slates(words(text))
    assert (slate.scene, slate.take) == (scene, take)
    assert slate.start == 0.0 and slate.end > slate.start and not slate.mark


def test_mark_joins_the_slate_and_times_span_its_words():
    ws = words("and | scene seven take two | mark | action")
    (slate,) = detect_slates(ws)
    assert slate == Slate("7", "2", ws[1].start, ws[5].end, "scene seven take two mark", True)


@pytest.mark.parametrize("text", ["marker", "second sticks", "soft sticks"])
def test_bare_mark_is_a_slate_of_its_own(text):
    (slate,) = detect_slates(words("| " + text + " |"))
    assert slate.mark and slate.scene is None and slate.take is None


@pytest.mark.parametrize("text", [
    "I want to go for a walk", "I'll take two of those please", "we made our mark on history",
    "twelve people came", "and action",
])
def test_ordinary_dialogue_is_not_a_slate(text):
    assert detect_slates(words(text)) == ()


def test_tail_slate_and_several_slates():
    ws = words("scene four take two | mark | lines lines | tail slate scene four take three")
    first, tail = detect_slates(ws)
    assert (first.scene, first.take, first.mark, first.tail) == ("4", "2", True, False)
    assert (tail.scene, tail.take, tail.tail) == ("4", "3", True)


def test_slate_from_real_speech_through_asr(tmp_path):
    from roughcut_core.demo.tts import SAMPLE_RATE, Voice, synthesize_many
    from roughcut_core.speech.transcribe import AsrOptions, transcribe

    voice = Voice("en-us", rate=150)
    slate, mark, line = synthesize_many([("Scene twelve apple, take three.", voice),
                                         ("Mark.", voice), ("We can't stay here.", voice)])
    pause = np.zeros(SAMPLE_RATE // 2, np.float32)
    audio = np.concatenate([pause, slate, pause, mark, pause, pause, line, pause])
    path = tmp_path / "slate.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    transcript = transcribe(path, AsrOptions(refine=False))
    found = detect_slates(transcript.words)
    assert [(s.scene, s.take) for s in found] == [("12A", "3")], transcript.text
    assert found[0].mark and 0.0 <= found[0].start < 1.0 < found[0].end < 5.0


def test_take_metadata_picks_the_head_slate_or_the_tail_slate():
    from roughcut_core.speech.slate import take_metadata

    ws = words("scene nine take one | mark") + words("tail slate scene nine take two", t0=60.0)
    slates = detect_slates(ws)
    head = take_metadata(slates, 3.0, 30.0)
    assert (head["scene"], head["take_number"], head["mark"], head["tail"]) == ("9", "1", True, False)
    tail = take_metadata(slates, 35.0, 58.0)
    assert (tail["scene"], tail["take_number"], tail["tail"]) == ("9", "2", True)
    assert take_metadata(slates, 100.0, 120.0)["scene"] is None
