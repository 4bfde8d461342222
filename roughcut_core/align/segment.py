"""Take segmentation: one file may hold several takes when the camera kept rolling.

Contract: ``split_points(...)`` finds the transcript words that open a new take:
- a pause of at least ``min_pause`` seconds between two words;
- a slate: an explicit slate time (seconds, e.g. from a clap detector; a word starting at or after
  it opens the take) or a spoken one ("scene twelve take three", "take 2", "take four, mark")
  that is not inside a script line's reading (``dialogue`` word spans);
- a repeated opening: with script placements, a line at or before the current take's first line
  said again after later lines (the actors went back to the top); without a script, the take's
  first five words said again (four of five equal) after a pause of a second or more.
``takes_from_splits`` turns split words into contiguous :class:`Take`s that tile the file from
0 to its duration; a boundary sits at the explicit slate time when that falls in the silence
before the opening word, else in the middle of that silence.
Take ids are ``<file name>#<n>`` (n from 1); spoken slates fill ``scene``/``take_number``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from ..model import Take, Transcript
from .normalize import normalize_words

_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i >= 2}


def _read_number(tokens: Sequence[str], k: int) -> tuple[Optional[int], int]:
    """A number spelled from tokens[k] (up to 99); returns (value, tokens used)."""
    if k >= len(tokens):
        return None, 0
    tok = tokens[k]
    if tok in _TENS:
        nxt = tokens[k + 1] if k + 1 < len(tokens) else ""
        if nxt in _NUMBER_WORDS and 0 < _NUMBER_WORDS[nxt] < 10:
            return _TENS[tok] + _NUMBER_WORDS[nxt], 2
        return _TENS[tok], 1
    if tok in _NUMBER_WORDS:
        return _NUMBER_WORDS[tok], 1
    return None, 0


def spoken_slates(tokens: Sequence[str], word_of: Sequence[int]) -> list[tuple[int, Optional[str], str]]:
    """(first word index, scene label or None, take number) for each spoken "take N"."""
    out = []
    for k, tok in enumerate(tokens):
        if tok != "take":
            continue
        number, used = _read_number(tokens, k + 1)
        if number is None:
            continue
        first, scene = k, None
        for back in range(max(0, k - 5), k):
            if tokens[back] == "scene":
                first = back
                scene = " ".join(tokens[back + 1:k]) or None
                break
        out.append((word_of[first], scene, str(number)))
    return out


def _repeated_openings_by_script(said: Sequence[tuple[int, int]]) -> list[int]:
    """``said`` = (line index, first word index) in time order → words opening a new take."""
    splits: list[int] = []
    first_line = None
    max_line = None
    prev_line = None
    for line, word in said:
        if first_line is None:
            first_line = max_line = line
        elif line <= first_line and max_line > line and prev_line != line:
            splits.append(word)
            first_line = max_line = line
        else:
            max_line = max(max_line, line)
        prev_line = line
    return splits


def _repeated_openings_by_text(transcript: Transcript, tokens, word_of, starts: Sequence[int]) -> list[int]:
    splits = []
    words = transcript.words
    token_of_word = {}
    for k, w in enumerate(word_of):
        token_of_word.setdefault(w, k)
    for take_first in starts:
        k0 = token_of_word.get(take_first)
        if k0 is None or k0 + 5 > len(tokens):
            continue
        opening = tokens[k0:k0 + 5]
        for k in range(k0 + 5, len(tokens) - 4):
            w = word_of[k]
            if w == 0 or w in splits or (k > 0 and word_of[k - 1] == w):
                continue
            if words[w].start - words[w - 1].end < 1.0:
                continue
            if sum(a == b for a, b in zip(opening, tokens[k:k + 5])) >= 4:
                splits.append(w)
                break
    return splits


def split_points(transcript: Transcript, *, slates: Sequence = (), min_pause: float = 4.0,
                 said_lines: Optional[Sequence[tuple[int, int]]] = None,
                 dialogue: Sequence[tuple[int, int]] = ()) -> dict[int, tuple]:
    """word index → (scene, take number, slate time or None) for every word opening a take
    (word 0 appears only when a spoken slate opens the file)."""
    words = transcript.words
    splits: dict[int, tuple] = {}
    for k in range(1, len(words)):
        if words[k].start - words[k - 1].end >= min_pause:
            splits.setdefault(k, (None, None, None))
    for slate in slates:
        t = float(getattr(slate, "start", getattr(slate, "time", slate)))
        k = next((i for i, w in enumerate(words) if w.start >= t), None)
        if k:
            splits[k] = (None, None, t)
    tokens: list[str] = []
    word_of: list[int] = []
    for wi, w in enumerate(words):
        for tok in normalize_words(w.text):
            tokens.append(tok)
            word_of.append(wi)
    for word, scene, number in spoken_slates(tokens, word_of):
        if any(a <= word < b for a, b in dialogue):
            continue        # "Take two of these." is a line, not a slate
        # A spoken slate also absorbs the pause split that usually follows it.
        for k in [k for k in splits if word < k <= word + 8 and splits[k] == (None, None, None)]:
            del splits[k]
        splits[word] = (scene, number, splits.get(word, (None, None, None))[2])
    if said_lines is not None:
        for k in _repeated_openings_by_script(said_lines):
            if not any(abs(k - s) <= 8 for s in splits):
                splits.setdefault(k, (None, None, None))
    else:
        starts = [0] + sorted(k for k in splits if k > 0)
        for k in _repeated_openings_by_text(transcript, tokens, word_of, starts):
            if not any(abs(k - s) <= 8 for s in splits):
                splits.setdefault(k, (None, None, None))
    return splits


def takes_from_splits(transcript: Transcript, splits: dict[int, tuple]) -> tuple[Take, ...]:
    words = transcript.words
    duration = max(transcript.duration, words[-1].end if words else 0.0)
    name = Path(transcript.path).name
    opening = sorted(k for k in splits if k > 0)
    def boundary(k: int) -> float:
        at = splits[k][2]
        if at is not None and words[k - 1].end <= at <= words[k].start:
            return at       # an explicit slate time is more precise than the gap's middle
        return (words[k - 1].end + words[k].start) / 2

    bounds = [0.0] + [boundary(k) for k in opening] + [duration]
    labels = [splits.get(0, (None, None, None))] + [splits[k] for k in opening]
    takes = []
    for n, (start, end, (scene, number, _)) in enumerate(zip(bounds, bounds[1:], labels), 1):
        takes.append(Take(id=f"{name}#{n}", path=transcript.path, start=start, end=end,
                          scene=scene, take_number=number))
    return tuple(takes)
