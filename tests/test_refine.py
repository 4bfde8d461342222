"""speech.refine: whisper's stretched words on two-handers (module docstring, rule 3).

Where whisper skips speech it does not transcribe (the other actor's off-mic line), one word's
span reaches back over that speech and the words before it are crammed onto its start. The
real-audio case is built from the shared media: a quiet off-mic sentence (sphinx "green",
about 14 dB under) over the on-mic clip's own room tone, then the GRID clip with its .align
word timings. Skips without ../shared/media."""
from __future__ import annotations

import numpy as np
import pytest

from roughcut_core import Word
from roughcut_core.bench.speech import read_grid_align
from roughcut_core.speech import decode_audio, refine_word_boundaries
from roughcut_core.speech.refine import RefineOptions, syllables

SR = 16000


@pytest.fixture(scope="module")
def two_hander(grid_clip, grid_align, sphinx_green_wav):
    """(audio, on-mic truth words [(text, start, end)], off-mic speech span (start, end))."""
    grid = decode_audio(grid_clip)
    green = decode_audio(sphinx_green_wav)
    rms = lambda x: float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))  # noqa: E731
    bed = np.tile(grid[:int(0.9 * SR)], 1 + len(green) // int(0.9 * SR))[:len(green)]  # the clip's room tone
    off = bed + green * (0.2 * rms(grid) / rms(green))
    audio = np.concatenate([off, grid]).astype(np.float32)
    t0 = len(off) / SR
    truth = [(t, s + t0, e + t0) for t, s, e in read_grid_align(grid_align)]
    return audio, truth, (0.3, 2.0)


def _bursts(spans, seed: int, total: float = 4.0) -> np.ndarray:
    """Noise 'speech' at exact spans over a floor about 40 dB down."""
    rng = np.random.default_rng(seed)
    audio = 0.003 * rng.standard_normal(int(total * SR)).astype(np.float32)
    for s, e in spans:
        a, b = int(round(s * SR)), int(round(e * SR))
        audio[a:b] += 0.3 * rng.standard_normal(b - a).astype(np.float32)
    return audio


def _whisper_like(truth, late=0.1):
    return [Word(t, round(s + late, 4), round(e + late, 4)) for t, s, e in truth]


def test_stretched_word_and_the_words_crammed_before_it_go_to_the_speech_they_were_said_in(two_hander):
    audio, truth, (off0, _) = two_hander
    # Whisper's failure as seen on generated close-ups: "bin" put on the off-mic line's start,
    # "blue" stretched from there to its true end (2.6 s for one syllable), the rest in place.
    words = [Word("Bin", off0 - 0.25, off0 + 0.45), Word("blue", off0 + 0.45, round(truth[1][2] + 0.1, 4))]
    words += _whisper_like(truth[2:])
    refined = refine_word_boundaries(words, audio, SR)
    onset = truth[0][1]
    assert abs(refined[0].start - onset) <= 0.08, refined[0]  # was 0.48: the off-mic line
    assert all(w.start >= onset - 0.08 for w in refined), refined
    assert truth[0][1] < refined[1].start < truth[1][2] and abs(refined[1].end - truth[1][2]) <= 0.1, refined[1]
    # The same words with whisper's usual (unstretched, late) times start at the same onset.
    plain = refine_word_boundaries(_whisper_like(truth), audio, SR)
    assert abs(plain[0].start - refined[0].start) <= 0.02


def test_an_off_mic_word_heard_in_place_stays_on_the_off_mic_line(two_hander):
    # A word recognised on the off-mic line at its own time, not chained to the on-mic words:
    # the fill rule must not move it, even though one word cannot fill that line.
    audio, truth, (off0, off1) = two_hander
    words = [Word("green", off0 + 0.5, off0 + 0.8)] + _whisper_like(truth)
    refined = refine_word_boundaries(words, audio, SR)
    assert off0 <= refined[0].start and refined[0].end <= off1 + 0.1, refined[0]
    assert abs(refined[1].start - truth[0][1]) <= 0.08


def test_a_stretched_word_whose_region_cannot_hold_the_crammed_words_leaves_them():
    # Controlled bursts: a 1.6 s region (A), then a 0.25 s one (B). "then we" are chained to
    # "lastly", stretched back over A; B cannot hold their 4 syllables in 0.25 s.
    audio = _bursts(((0.5, 2.1), (2.6, 2.85)), seed=3)
    words = [Word("then", 0.55, 0.8), Word("we", 0.8, 1.0), Word("lastly", 1.0, 2.9)]
    refined = refine_word_boundaries(words, audio, SR, options=RefineOptions(max_rate=9.0))
    assert refined[0].start < 0.6 and refined[1].end < 2.2, refined  # kept on A
    moved = refine_word_boundaries(words, audio, SR, options=RefineOptions(max_rate=40.0))
    assert moved[0].start >= 2.55, moved  # with room in B they move: the rate cap held them


def test_a_phrase_final_word_stretched_over_a_pause_is_placed_by_its_whole_span():
    audio = _bursts(((0.5, 1.5), (2.2, 3.0)), seed=4)
    # "done." runs 1.2-2.6 s (whisper stretching a sentence end); the next sentence starts at 2.2.
    words = [Word("we", 0.6, 0.9), Word("are", 0.9, 1.2), Word("done.", 1.2, 2.6), Word("Next", 2.6, 3.0)]
    refined = refine_word_boundaries(words, audio, SR)
    assert refined[2].start < 1.5 and refined[2].end < 2.0 and refined[3].start >= 2.15, refined


def test_a_word_stretched_over_a_mid_sentence_pause_stays_where_it_was_said():
    # "I ... went home": whisper runs "I" (said 0.5-0.7 s) to the next word's start, over the
    # pause. Its tail touches the next region, but the span before the tail is mostly silence.
    audio = _bursts(((0.5, 0.7), (1.7, 2.4)), seed=5)
    words = [Word("I", 0.55, 1.8), Word("went", 1.8, 2.1), Word("home", 2.1, 2.5)]
    refined = refine_word_boundaries(words, audio, SR)
    assert refined[0].start < 0.55 and refined[0].end < 1.0, refined
    unguarded = refine_word_boundaries(words, audio, SR, options=RefineOptions(stretch_speech=0.0))
    assert unguarded[0].start >= 1.65, unguarded  # the speech-share guard is what keeps it


def test_syllable_counts_from_spelling():
    counts = {"we": 1, "Then": 1, "already": 3, "decide.": 2, "inside": 2, "the": 1, "little": 2,
              "you": 1, "tomorrow": 3, "1,042": 6, "I": 1, "hmm": 1}
    assert {w: syllables(w) for w in counts} == counts


def test_module_contract_documents_the_stretched_word_rules():
    import roughcut_core.speech.refine as refine

    for name in ("stretch_base", "typical_per_syllable", "stretch_speech", "chain_gap", "fill_per_syllable",
                 "max_rate"):
        assert name in refine.__doc__ and hasattr(RefineOptions(), name)


def test_bench_speech_counts_a_word_outside_every_reading_that_holds_it_as_misplaced():
    from roughcut_core.bench.speech import misplaced_words

    readings = [{"spoken_text": "The boat leaves at dawn.", "start": 1.0, "end": 2.5},
                {"spoken_text": "Then we have one night.", "start": 3.3, "end": 4.9}]
    words = [Word("Then", 1.0, 1.3), Word("we", 1.3, 2.7), Word("have", 3.6, 3.8), Word("zebra", 5.0, 5.2),
             Word("boat,", 1.2, 1.5)]
    assert misplaced_words(readings, words) == (4, 2)  # "zebra" is in no reading: not scored
