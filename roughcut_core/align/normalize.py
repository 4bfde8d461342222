"""Text normalisation for alignment: words → comparable tokens.

Contract: ``normalize_words(text)`` lowercases, folds typographic apostrophes/quotes, splits on
whitespace, hyphens and dashes, strips punctuation around and inside tokens (keeping the
apostrophe of contractions: "don't", "light's"), and spells numbers as words ("12" → "twelve",
"1961" → "nineteen sixty one", "3rd" → "third", "2.5" → "two point five"). Empty input gives [].
Both the script and the transcript go through the same function, so "12" said by the ASR and
"twelve" written in the script compare equal. ``homophone_key(token)`` maps words the ear cannot
tell apart ("four"/"for", "two"/"too"/"to", "there"/"their"/"they're") to one key, so an ASR
homophone is not taken for a flub.
"""
from __future__ import annotations

import re
import unicodedata

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10 ** 9, "billion"), (10 ** 6, "million"), (1000, "thousand"), (100, "hundred"))
_ORDINAL_EXCEPTIONS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                       "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
# Hyphens and dashes separate words; so do slashes and ellipses.
_SPLIT = re.compile(r"[\s\-\u2010-\u2015/…]+|\.\.+")
_NUMBER = re.compile(r"^(\d+(?:,\d{3})*)(?:\.(\d+))?(st|nd|rd|th|s)?$")
_KEEP = re.compile(r"[^\w']+")


def _under_thousand(n: int) -> list[str]:
    words: list[str] = []
    if n >= 100:
        words += [_ONES[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        words.append(_TENS[n // 10])
        if n % 10:
            words.append(_ONES[n % 10])
    elif n or not words:
        words.append(_ONES[n])
    return words


def number_to_words(n: int) -> list[str]:
    """Cardinal words for a non-negative integer; years 1100-1999/2010-2099 read as pairs."""
    if n < 100:
        return _under_thousand(n)
    if 1100 <= n <= 1999 or 2010 <= n <= 2099:
        hi, lo = divmod(n, 100)
        tail = _under_thousand(lo) if lo >= 10 else (["oh", _ONES[lo]] if lo else ["hundred"])
        return _under_thousand(hi) + tail
    words: list[str] = []
    for scale, name in _SCALES:
        if n >= scale:
            head, n = divmod(n, scale)
            words += number_to_words(head) + [name]
    if n:
        words += _under_thousand(n)
    return words


def _ordinal(words: list[str]) -> list[str]:
    last = words[-1]
    if last in _ORDINAL_EXCEPTIONS:
        last = _ORDINAL_EXCEPTIONS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last = last + "th"
    return words[:-1] + [last]


def _number_token(token: str) -> list[str] | None:
    m = _NUMBER.match(token)
    if not m:
        return None
    whole = int(m.group(1).replace(",", ""))
    words = number_to_words(whole)
    if m.group(2):
        words = words + ["point"] + [_ONES[int(d)] for d in m.group(2)]
    suffix = m.group(3)
    if suffix in ("st", "nd", "rd", "th"):
        words = _ordinal(words)
    elif suffix == "s":  # "1960s" -> "nineteen sixties"
        words = words[:-1] + [_ordinal(words[-1:])[0][:-2] + "s" if words[-1].endswith("y")
                              else words[-1] + "s"]
    return words


def normalize_token(raw: str) -> list[str]:
    """Normalise one whitespace-free chunk (may give 0, 1 or several tokens)."""
    out: list[str] = []
    for piece in _SPLIT.split(raw):
        if not piece:
            continue
        stripped = piece.strip(".,;:!?\"'()[]{}<>*_")
        if not stripped:
            continue
        numeric = _number_token(stripped.replace("$", "").replace("%", ""))
        if numeric is not None:
            out += numeric
            continue
        cleaned = _KEEP.sub("", stripped).strip("'_")
        if not cleaned:
            continue
        if any(ch.isdigit() for ch in cleaned):
            # mixed tokens such as "b12": spell the digit runs
            for part in re.findall(r"\d+|[^\d]+", cleaned):
                out += number_to_words(int(part)) if part.isdigit() else [part]
        else:
            out.append(cleaned)
    return out


def normalize_words(text: str) -> list[str]:
    """Lowercased comparable word tokens of ``text`` (see module docstring)."""
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    tokens: list[str] = []
    for chunk in text.split():
        tokens += normalize_token(chunk)
    return tokens


_HOMOPHONE_SETS = (
    "for four fore", "to two too", "there their they're", "your you're", "its it's",
    "no know", "right write rite", "one won", "eight ate", "hear here", "by buy bye",
    "new knew", "whole hole", "our hour", "wait weight", "way weigh", "week weak",
    "where wear ware", "which witch", "whose who's", "we'll wheel", "through threw",
    "sea see", "son sun", "meet meat", "made maid", "piece peace", "aloud allowed",
    "break brake", "cell sell", "dear deer", "flour flower", "knight night", "knot not",
    "mail male", "pair pear", "plain plane", "red read", "road rode", "sale sail", "tail tale",
    "then than", "okay ok", "alright all right",
)
_HOMOPHONES = {w: ws.split()[0] for ws in _HOMOPHONE_SETS for w in ws.split()}


def homophone_key(token: str) -> str:
    """A key shared by homophones (the token itself when it has none)."""
    return _HOMOPHONES.get(token, token)
