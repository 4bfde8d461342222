"""Synthetic script + transcript pairs for speed checks (deterministic per seed).

Contract: ``long_script(n_lines, seed)`` builds a screenplay-sized :class:`Script` (one scene
per ~25 lines, two to four characters, lines of 1–20 words drawn Zipf-like from real function
words plus ~4000 pronounceable pseudo-words). ``noisy_transcript(script, n_words, seed)`` reads
consecutive runs of its lines (several takes) with ASR-like noise: misspelled words, dropped
words, fillers, restarts and chatter between lines, timed at ~2.5 words per second — about 1500
words for a 10-minute take. Returned with the list of (line id, first word, last word) read.
"""
from __future__ import annotations

import random

from ..model import Scene, Script, ScriptLine, Transcript, Word

_FUNCTION = ("the a and to of i you it that in is was he she we they me my your not what this "
             "for on be have do are with but at so no yes just can don't know all there here "
             "out up if about right now like one well get go how why who when then would could "
             "should did said tell think want see come back look time never always again").split()
_ONSETS = "b c d f g h j k l m n p r s t v w br cl dr fl gr pl st tr sh ch th".split()
_VOWELS = "a e i o u ai ea oo ou ie".split()
_CODAS = ["", "", "n", "r", "s", "t", "l", "nd", "st", "ck", "m"]


def _pseudo_words(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set(_FUNCTION)
    out: list[str] = []
    while len(out) < n:
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                       for _ in range(rng.choice((1, 2, 2, 3))))
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out


def long_script(n_lines: int = 1500, seed: int = 0) -> Script:
    rng = random.Random(seed)
    content = _pseudo_words(rng, 4000)
    weights = [1.0 / (k + 1) for k in range(len(content))]
    scenes = []
    line_no = 0
    scene_no = 0
    while line_no < n_lines:
        scene_no += 1
        chars = rng.sample(["ALICE", "BOB", "CAROL", "DAVE", "ERIN"], rng.choice((2, 3, 4)))
        lines = []
        for n in range(1, min(25, n_lines - line_no) + 1):
            length = rng.choice((1, 2, 3)) if rng.random() < 0.12 else rng.randint(4, 20)
            words = [rng.choice(_FUNCTION) if rng.random() < 0.45 else
                     rng.choices(content, weights)[0] for _ in range(length)]
            text = " ".join(words).capitalize() + rng.choice((".", ".", "?", "!"))
            lines.append(ScriptLine(f"{scene_no}-{n}", str(scene_no), chars[n % len(chars)], text))
            line_no += 1
        scenes.append(Scene(str(scene_no), f"INT. PLACE {scene_no} - DAY", tuple(lines), str(scene_no)))
    return Script(tuple(scenes), title="Synthetic", format="synthetic")


def _misspell(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    k = rng.randrange(1, len(word) - 1)
    return word[:k] + rng.choice("aeiou") + word[k + 1:]


def noisy_transcript(script: Script, n_words: int = 1500, seed: int = 0,
                     path: str = "synthetic.wav") -> tuple[Transcript, list[tuple[str, int, int]]]:
    rng = random.Random(seed)
    lines = script.lines
    words: list[str] = []
    truth: list[tuple[str, int, int]] = []
    k = rng.randrange(len(lines))
    while len(words) < n_words:
        if rng.random() < 0.03:           # a new take somewhere else in the script
            k = rng.randrange(len(lines))
            words += ["take", str(rng.randint(1, 9))]
        line = lines[k % len(lines)]
        said = line.text.rstrip(".?!").split()
        if rng.random() < 0.05 and len(said) > 3:          # restart
            words += said[:rng.randint(1, 2)]
        first = len(words)
        for w in said:
            r = rng.random()
            if r < 0.03:
                continue                                     # dropped word
            words.append(_misspell(rng, w) if r < 0.10 else w)
            if rng.random() < 0.02:
                words.append(rng.choice(("um", "uh", "like")))
        truth.append((line.id, first, len(words)))
        if rng.random() < 0.05:
            words += "okay hold on let me get some water first".split()[:rng.randint(2, 8)]
        k += 1
    t = 0.0
    timed = []
    for w in words:
        timed.append(Word(w, round(t, 3), round(t + 0.3, 3)))
        t += 0.4
    return Transcript(path, "en", tuple(timed), duration=t + 1.0), truth
