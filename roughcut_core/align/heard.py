"""What the recogniser heard in a reading, set against the script's line (for ``evidence``).

Contract: pure functions of a reading, its transcript and the line's text; none decides a
defect, each is one sign ``align.evidence`` weighs with the sound:
``_deviating_prob`` (the recogniser's confidence in the words it heard that are not the
line's), ``_script_distance`` (how many heard words differ from the line's),
``_replaced_slots`` / ``_misheard_elsewhere`` (script words heard as other words, and whether
another take was misheard at the same ones: the recogniser's trouble spot in that voice),
``_heard_kind`` / ``_heard_more`` (the word-level kind its word count points to; more words
heard than the line has), ``_sure_insert`` (a word heard between the line's words, none of them
replaced, and the recogniser sure of it).
"""
from __future__ import annotations

from typing import Mapping, Optional, Sequence

import numpy as np

from ..model import WORD_DEFECTS, LineReading, Transcript


def _deviating_prob(r: LineReading, tr: Optional[Transcript], line_tokens: set,
                    lowest: bool = False) -> Optional[float]:
    """Mean (or lowest) recogniser probability of the reading's words not in the line."""
    from .normalize import homophone_key, normalize_words

    if tr is None:
        return None
    a, b = r.word_span
    probs = [w.probability for w in tr.words[a:b]
             if any(homophone_key(t) not in line_tokens for t in normalize_words(w.text))]
    if not probs:
        return None
    return float(min(probs) if lowest else np.mean(probs))


def _script_distance(r: LineReading, tr: Optional[Transcript], line_text: str) -> int:
    """How many words the recogniser heard in ``r`` differ from the line's (a word alignment of
    the two, homophones alike: each changed, missing or extra word counts once)."""
    from difflib import SequenceMatcher

    from .normalize import homophone_key, normalize_words

    if tr is None:
        return 0
    a, b = r.word_span
    heard = [homophone_key(t) for w in tr.words[a:b] for t in normalize_words(w.text)]
    script = [homophone_key(t) for t in normalize_words(line_text)]
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2
               in SequenceMatcher(None, script, heard, autojunk=False).get_opcodes() if op != "equal")


def _replaced_slots(r: LineReading, tr: Optional[Transcript], line_text: str) -> set[int]:
    """Positions of the line's script words the recogniser heard as other words in ``r`` (the
    ``replace`` stretches of a word alignment of its words with the script's, homophones alike)."""
    from difflib import SequenceMatcher

    from .normalize import homophone_key, normalize_words

    if tr is None:
        return set()
    a, b = r.word_span
    heard = [homophone_key(t) for w in tr.words[a:b] for t in normalize_words(w.text)]
    script = [homophone_key(t) for t in normalize_words(line_text)]
    return {i for op, i1, i2, _, _ in SequenceMatcher(None, script, heard, autojunk=False).get_opcodes()
            if op == "replace" for i in range(i1, i2)}


def _misheard_elsewhere(r: LineReading, pool: Sequence[LineReading], transcripts: Mapping[str, Transcript],
                        line_text: str) -> bool:
    """Another take's reading of the line was heard with other words in place of a script word
    that ``r``'s words replace too: a spot the recogniser mishears in this voice (e.g. "fuse box"
    heard as "few bucks" in one take, "few sparks" in another), not one actor's slip. Only
    readings the recogniser heard as the line count: not those under noise or cut short (their
    words are no evidence), found by the search or placed by order (words not heard as it)."""
    mine = _replaced_slots(r, transcripts.get(r.path), line_text)

    def heard_as_line(o: LineReading) -> bool:
        return o.signals.get("defect_evidence") not in ("search", "order", "noise") \
            and not any(d in ("noise", "truncated") for d in o.defects)

    return bool(mine) and any(
        o.line_id == r.line_id and (o.path, o.take_id) != (r.path, r.take_id) and heard_as_line(o)
        and mine & _replaced_slots(o, transcripts.get(o.path), line_text) for o in pool)


def _heard_kind(r: LineReading, tr: Optional[Transcript], line_size: Optional[int]) -> Optional[str]:
    """The word-level kind the recogniser gave ``r`` (it compared the words it heard with the
    script), for a reading kept on its whole-line cost alone: its one word-level label; of
    several, the one its word count points to (fewer words than the line: ``missing_words``,
    more: ``ad_lib``, as many: ``substitution``) when that is among them, else the first. None
    when it gave none."""
    from .normalize import normalize_words

    kinds = list(dict.fromkeys(d for d in r.defects if d in WORD_DEFECTS))
    if len(kinds) <= 1 or tr is None or not line_size:
        return kinds[0] if kinds else None
    a, b = r.word_span
    n = sum(len(normalize_words(w.text)) for w in tr.words[a:b])
    want = "missing_words" if n < line_size else "ad_lib" if n > line_size else "substitution"
    return want if want in kinds else kinds[0]


def _heard_more(r: LineReading, tr: Optional[Transcript], line_size: Optional[int]) -> bool:
    """The recogniser heard more words in the reading than the line has."""
    from .normalize import normalize_words

    if tr is None or not line_size:
        return False
    a, b = r.word_span
    return sum(len(normalize_words(w.text)) for w in tr.words[a:b]) > line_size


def _sure_insert(r: LineReading, tr: Optional[Transcript], line_text: str, sure: float) -> bool:
    """The recogniser heard a word the line does not have where no script word is missing or
    replaced around it (an ``insert`` stretch of the word alignment of its words with the
    script's, homophones alike, next to no ``replace``/``delete`` stretch), and was sure of every
    word in it (probability >= ``sure``): an added word, which the sound alone tells badly from a
    short word replaced by a longer one (``kinds.deviation_kind``)."""
    from difflib import SequenceMatcher

    from .normalize import homophone_key, normalize_words

    if tr is None:
        return False
    a, b = r.word_span
    heard = [(homophone_key(t), w.probability) for w in tr.words[a:b] for t in normalize_words(w.text)]
    script = [homophone_key(t) for t in normalize_words(line_text)]
    ops = SequenceMatcher(None, script, [k for k, _ in heard], autojunk=False).get_opcodes()
    for n, (op, _, _, j1, j2) in enumerate(ops):
        if op != "insert" or any(heard[j][1] < sure for j in range(j1, j2)):
            continue
        near = [ops[m][0] for m in (n - 1, n + 1) if 0 <= m < len(ops)]
        if all(o == "equal" for o in near):
            return True
    return False
