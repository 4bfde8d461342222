"""Words for the index and for queries: normalisation, a phonetic key, edit distance.

Contract: :func:`tokens` turns any text into lowercase ASCII-folded word tokens (letters,
digits; an inner apostrophe is dropped: ``"Beauty's"`` → ``"beautys"``), the same on the indexing
and the query side, so both engines see identical terms. :func:`phonetic` maps a word to
a coarse sound key (a Metaphone-style consonant skeleton: ``thomas``/``tomas`` → ``TMS``,
``stephen``/``steven`` → ``STFN``, ``sean``/``shawn`` → ``SN``) so that misheard names
and spelling variants meet. :func:`edit_distance` is Levenshtein with an early cut-off.
"""
from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
_VOWELS = set("aeiouy")
# the phonetic key's consonant classes: two letters read as one sound, c/g before e/i/y, the rest
_DIGRAPHS = {"ph": "F", "th": "T", "sh": "S", "zh": "S", "ch": "S", "ck": "K", "gh": ""}  # gh: night, though
_SOFT = {"c": "S", "g": "J"}
_LETTERS = {**dict.fromkeys("bp", "P"), **dict.fromkeys("fv", "F"), **dict.fromkeys("dt", "T"),
            **dict.fromkeys("sz", "S"), **dict.fromkeys("cgkq", "K"), "j": "J", "x": "KS",
            **{c: c.upper() for c in "lmnr"}}


def fold(text: str) -> str:
    """Lowercase, accents removed (``Tomás`` → ``tomas``), curly apostrophes made straight."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("\u2018", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def tokens(text: str) -> list[str]:
    """The word tokens of ``text`` in order (see the module contract)."""
    return [w.replace("'", "") for w in _WORD.findall(fold(text))]


def phonetic(word: str) -> str:
    """A coarse sound key for one word; '' for a word with no letters (digits keep themselves)."""
    w = "".join(c for c in fold(word) if c.isalnum())
    if not w:
        return ""
    if w.isdigit():
        return w
    for a, b in (("kn", "n"), ("gn", "n"), ("pn", "n"), ("wr", "r"), ("ps", "s")):
        if w.startswith(a):
            w = b + w[2:]
            break
    if w.startswith("x"):
        w = "s" + w[1:]
    out: list[str] = []
    i, n = 0, len(w)
    while i < n:
        c, pair, step = w[i], w[i:i + 2], 1
        if c in _VOWELS:
            code = "A" if i == 0 else ""
        elif pair in _DIGRAPHS:
            code, step = _DIGRAPHS[pair], 2
        elif c in _SOFT and w[i + 1:i + 2] in ("e", "i", "y"):
            code = _SOFT[c]
        else:
            code = _LETTERS.get(c, "")  # h, w and the rest carry no consonant of their own
        if code and not (out and out[-1] == code):
            out.append(code)
        i += step
    return "".join(out) or "A"


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance of ``a`` and ``b``; any value above ``limit`` is ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        best = i
        for j, cb in enumerate(b, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            best = min(best, cur[j])
        if best > limit:
            return limit + 1
        prev = cur
    return min(prev[-1], limit + 1)


def max_typos(word: str) -> int:
    """How many edits a fuzzy match of ``word`` may take: 0 for short words, 1 up to 7 letters, else 2."""
    n = len(word)
    return 0 if n < 4 else (1 if n < 8 else 2)


def deletes(word: str) -> set[str]:
    """``word`` and every string made by deleting one character (the symmetric-delete keys)."""
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}
