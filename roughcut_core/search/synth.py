"""Synthetic dailies for the scale benchmark: deterministic, streamed file by file.

Contract: :func:`synthetic_files` yields ``(IndexedFile, [SearchDoc, ...])`` for
``hours`` of 10-minute takes at :data:`WORDS_PER_SECOND` (1,000 h ≈ 10 M words), words
drawn Zipf-like from English function words plus 20,000 pronounceable pseudo-words,
utterances of 3–25 words with pauses, 40 character names, shot sizes, a quality flag on
~10 % of utterances, script line ids on ~half, and file dates over 90 days. Nothing is
kept between files, so memory does not grow with ``hours``.
"""
from __future__ import annotations

import bisect
import itertools
import random
from typing import Iterator

from .model import IndexedFile, SearchDoc

WORDS_PER_SECOND = 2.78  # 10 M words in 1,000 hours
TAKE_S = 600.0
SHOTS = ("ECU", "CU", "MCU", "MS", "MWS", "WS")
FLAGS = ("noise", "clipping", "dropout", "soft_focus")
_FUNCTION = ("the a and to of i you it that in is was he she we they me my your not what this for on be "
             "have do are with but at so no yes just can know all there here out up if about right now "
             "like one well get go how why who when then would could should did said tell think want "
             "see come back look time never always again").split()
_ONSETS = "b c d f g h j k l m n p r s t v w br cl dr fl gr pl st tr sh ch th".split()
_VOWELS = "a e i o u ai ea oo ou ie".split()
_CODAS = ["", "", "n", "r", "s", "t", "l", "nd", "st", "ck", "m"]


class Vocabulary:
    """Function words then pseudo-words, drawn with Zipf weights (rank r: 1/r)."""

    def __init__(self, seed: int = 0, size: int = 20000):
        rng = random.Random(seed)
        seen, words = set(_FUNCTION), list(_FUNCTION)
        while len(words) < size:
            w = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                        for _ in range(rng.choice((1, 2, 2, 3))))
            if w not in seen:
                seen.add(w)
                words.append(w)
        self.words = words
        self.cum = list(itertools.accumulate(1.0 / (k + 1) for k in range(len(words))))
        self.names = [w.capitalize() for w in words[-40:]]

    def draw(self, rng: random.Random, n: int) -> list[str]:
        total = self.cum[-1]
        return [self.words[min(len(self.words) - 1, bisect.bisect_left(self.cum, rng.random() * total))]
                for _ in range(n)]


def synthetic_files(hours: float, seed: int = 0, vocab: "Vocabulary | None" = None
                    ) -> Iterator[tuple[IndexedFile, list[SearchDoc]]]:
    """The synthetic archive (see the module contract), one take at a time."""
    vocab = vocab or Vocabulary(seed)
    rng = random.Random(seed + 1)
    n_files = max(1, int(round(hours * 3600 / TAKE_S)))
    per_word = 1.0 / WORDS_PER_SECOND
    for f in range(n_files):
        docs, t, seq = [], rng.uniform(0.5, 3.0), 0
        while t < TAKE_S - 5:
            n = rng.randint(3, 25)
            names = vocab.draw(rng, n)
            if rng.random() < 0.2:
                names[rng.randrange(n)] = rng.choice(vocab.names)
            step = per_word * 0.9
            words = tuple((w, round(t + i * step, 3), round(t + i * step + step * 0.85, 3))
                          for i, w in enumerate(names))
            character = vocab.names[f % 7 + (seq % 3)]
            docs.append(SearchDoc(seq=seq, start=words[0][1], end=words[-1][2], text=" ".join(names),
                                  words=words, speaker=f"SPEAKER_{seq % 3}", character=character,
                                  shot_size=SHOTS[(f + seq // 8) % len(SHOTS)], faces=1 + seq % 2,
                                  scene_id=str(f // 20 + 1),
                                  line_ids=(f"{f // 20 + 1}-{seq % 30 + 1}",) if seq % 2 == 0 else (),
                                  quality=(rng.choice(FLAGS),) if rng.random() < 0.1 else ()))
            seq += 1
            t = words[-1][2] + rng.uniform(0.2, 1.0)
        yield (IndexedFile(content_key=f"synth-{seed}-{f:07d}", path=f"/archive/day{f // 36:03d}/take{f:07d}.mov",
                           size=0, mtime=1.7e9 + (f % 90) * 86400.0, duration=TAKE_S), docs)
