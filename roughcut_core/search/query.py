"""Query text → a plan, and the engine-independent scoring of candidate utterances.

Query syntax (``roughcut search``): plain words match fuzzily (exact words score highest;
a word sounding alike — :func:`~.text.phonetic` — or a typo away also matches), ``"a phrase"``
in double quotes matches exactly and in order, and ``key:value`` tokens filter:
``character:`` / ``speaker:``, ``shot:`` (shot size), ``file:`` (path substring), ``bin:``
(folder), ``line:`` / ``scene:`` (script ids), ``after:`` / ``before:`` (dates, YYYY-MM-DD),
``min:`` / ``max:`` (utterance seconds), ``quality:clean`` or ``-flag:KIND``, ``motion:`` /
``camera:`` (camera move of the shot: ``static``, ``pan``, ``pan_left``, ``handheld``...) and
``sound:`` (``music``, ``applause``, ``noise``, ``silence``, ``room_tone``; ``sound:"room tone"``).
Non-speech sound regions are documents too, with the text ``[room tone]``, ``[music]``,
``[applause]`` or ``[noise]``: the plain query ``room tone`` finds the room tone of a take.

Scoring (:func:`score_doc`) is the same for every engine: the query words are laid over the
utterance's words at the best offset (each may slip one word), exact words count 1, fuzzy
ones 0.8; 70 % of the score is that ordered match, 30 % the words found anywhere, plus a
small bonus for utterances that are mostly the query. Scores are in 0..1.05. The hit's span
runs from where the query's first word falls (counting back over leading query words that
were misheard) to where its last word falls.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Optional

from .model import Filters
from .text import tokens

FUZZY_WEIGHT = 0.8
_FILTER = re.compile(r"^(-?)([a-z_]+):(.+)$", re.IGNORECASE)
_KEYS = {"character": "character", "speaker": "character", "who": "character", "shot": "shot_size",
         "file": "path", "bin": "bin", "line": "line_id", "scene": "scene_id", "motion": "camera_motion",
         "camera": "camera_motion"}
SOUND_LABELS = ("music", "applause", "noise", "silence", "room_tone", "speech")


def sound_label(value: str) -> str:
    """A sound filter value in the stored spelling: lower case, ``room tone`` / ``room-tone`` /
    ``roomtone`` → ``room_tone``."""
    v = re.sub(r"[\s\-]+", "_", value.strip().lower())
    return "room_tone" if v == "roomtone" else v


@dataclass(frozen=True)
class QueryPlan:
    """``words``: free words (fuzzy); ``phrases``: quoted token runs (exact, in order)."""

    text: str
    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]
    filters: Filters

    @property
    def all_tokens(self) -> tuple[str, ...]:
        out: list[str] = []
        for p in self.phrases:
            out.extend(p)
        out.extend(self.words)
        return tuple(out)


class QueryError(ValueError):
    """A query that cannot be understood (bad date, bad number, unbalanced quote)."""


def _date(value: str, key: str) -> float:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=timezone.utc).timestamp() \
            if "T" not in value else datetime.fromisoformat(value).timestamp()
    except ValueError:
        raise QueryError(f"{key}: {value!r} is not a date (YYYY-MM-DD)") from None


def _number(value: str, key: str) -> float:
    try:
        return float(value.rstrip("s"))
    except ValueError:
        raise QueryError(f"{key}: {value!r} is not a number of seconds") from None


def parse_query(text: str, filters: Optional[Filters] = None) -> QueryPlan:
    """Split ``text`` into words, quoted phrases and ``key:value`` filters (merged over ``filters``)."""
    try:
        parts = shlex.split(text.replace("'", "\u0001"), posix=True)
    except ValueError as exc:
        raise QueryError(f"cannot read the query: {exc}") from None
    # shlex drops the quotes; find which parts were quoted from the raw text
    quoted = set(m.group(1).replace("'", "\u0001") for m in re.finditer(r'"([^"]*)"', text))
    f = filters or Filters()
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    exclude = list(f.exclude_flags)
    for raw in parts:
        part = raw.replace("\u0001", "'")
        m = _FILTER.match(part) if raw not in quoted else None
        if m:
            neg, key, value = m.group(1), m.group(2).lower(), m.group(3)
            if neg and key == "flag":
                exclude.append(value.lower())
                continue
            if key in _KEYS:
                f = replace(f, **{_KEYS[key]: value})
                continue
            if key == "sound":
                f = replace(f, sound=sound_label(value))
                continue
            if key == "quality" and value.lower() == "clean":
                f = replace(f, clean=True)
                continue
            if key in ("after", "since"):
                f = replace(f, after=_date(value, key))
                continue
            if key in ("before", "until"):
                f = replace(f, before=_date(value, key))
                continue
            if key in ("min", "max"):
                f = replace(f, **{f"{key}_duration": _number(value, key)})
                continue
        toks = tokens(part)
        if raw in quoted and toks:
            phrases.append(tuple(toks))
        else:
            words.extend(toks)
    f = replace(f, exclude_flags=tuple(dict.fromkeys(exclude)))
    return QueryPlan(text=text, words=tuple(words), phrases=tuple(phrases), filters=f)


def doc_tokens(words) -> tuple[list[str], list[int]]:
    """(tokens, owner): the stored words' tokens in order, as the engines index them (a word of
    several tokens, "well-known", gives each; a word with none gives ''), and for each token the
    index of the word it came from, so a run of tokens maps back to word times."""
    toks: list[str] = []
    owner: list[int] = []
    for i, w in enumerate(words):
        text = w[0]
        if text.isascii() and text.isalnum():  # the common case: tokens() would give text.lower()
            toks.append(text.lower())
            owner.append(i)
            continue
        parts = tokens(text) or [""]
        toks.extend(parts)
        owner.extend([i] * len(parts))
    return toks, owner


def score_doc(query: tuple[str, ...], expansions: dict, words) -> tuple[float, int, int]:
    """(score 0..1.05, first matched word, last matched word + 1) of ``query`` over ``words``
    (``(text, start, end)`` tuples); ``expansions`` maps a query token to its fuzzy terms. The
    query is laid over the words' tokens (:func:`doc_tokens`); the span is in words."""
    toks, owner = doc_tokens(words)
    if not query or not toks:
        return (1.0 if not query else 0.0), 0, len(words)

    def m(q: str, d: str) -> float:
        if not d:
            return 0.0
        if q == d:
            return 1.0
        return FUZZY_WEIGHT if d in expansions.get(q, ()) else 0.0

    n, size = len(query), len(toks)
    match = [[m(q, d) for d in toks] for q in query]  # match[k][j]: query word k on doc word j
    bag = sum(max(row) for row in match) / n
    best, span = 0.0, (0, size)
    offsets = {j - k for k in range(n) for j in range(size) if match[k][j] > 0}
    for o in sorted(offsets):
        total, first, last, used = 0.0, None, None, set()
        for k in range(n):
            row = match[k]
            pick, val = None, 0.0
            for p in (o + k, o + k - 1, o + k + 1):  # its own place first, then a one-word slip
                if 0 <= p < size and p not in used and row[p] > val:
                    pick, val = p, row[p]
            if pick is None:
                continue
            used.add(pick)
            total += val
            if first is None:  # query words before the first match were misheard: the run starts earlier
                first = max(0, pick - k)
            last = min(size - 1, pick + (n - 1 - k))
        if total > best:
            best, span = total, (first, last + 1)
    ordered = best / n
    matched = span[1] - span[0]
    precision = min(1.0, n / max(1, len([t for t in toks if t])))
    score = 0.7 * ordered + 0.3 * bag + 0.05 * precision * (1.0 if matched else 0.0)
    return score, owner[span[0]], owner[span[1] - 1] + 1
