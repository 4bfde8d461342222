"""Spoken slates from transcript words -> take metadata (issue 3, part 6).

Contract: ``detect_slates(words)`` scans timed words (any ASR output, punctuation and case
ignored) for what an AC/2nd AC says at the board and returns ``Slate``s sorted by start:

- "scene twelve take three", "sc 12 tk 3", "twelve apple take two" (12A, take 2),
  "twelve a take two", "scene 12A take 3", "twelve dash four take one" (12-4);
- "take three" alone (scene None; only when said apart, with pauses around it, so "I'll take
  two" is not a slate), "scene twelve" alone (take None);
- "mark", "marker", "second sticks", "sticks", "soft sticks" -> ``mark=True`` on the slate
  they follow (within ``MARK_WINDOW`` s), or a slate of their own when said apart;
- "tail slate"/"end board"/"tail sticks" set ``tail=True`` (the board at the end of a take).

Spoken numbers become digits ("twenty three" -> "23", "one oh five" -> "105"); film letters
(apple, baker, charlie, david/dog, easy/echo, frank/fox... and NATO words, or a single letter)
become A, B, C... ``start``/``end`` span the slate's words (seconds).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from ..model import Word

MARK_WINDOW = 4.0
MAX_GAP = 1.5  # seconds between words of one slate phrase
PAUSE = 0.25  # a bare "take three" or "mark" must stand apart from other speech

ONES = {"zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
        "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
        "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
        "nineteen": 19, "won": 1, "to": 2, "too": 2, "for": 4, "ate": 8}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
# homophones only count as numbers right after "take"/"scene" (see _number)
WEAK_NUMBERS = {"won", "to", "too", "for", "ate", "o", "oh"}
LETTERS = {
    "apple": "A", "alpha": "A", "adam": "A", "baker": "B", "bravo": "B", "boy": "B",
    "charlie": "C", "david": "D", "dog": "D", "delta": "D", "easy": "E", "echo": "E",
    "edward": "E", "frank": "F", "fox": "F", "foxtrot": "F", "george": "G", "golf": "G",
    "how": "H", "henry": "H", "hotel": "H", "item": "I", "india": "I", "ida": "I",
    "jig": "J", "john": "J", "juliet": "J", "king": "K", "kilo": "K", "love": "L", "lima": "L",
    "mike": "M", "mary": "M", "nan": "N", "nora": "N", "november": "N", "oboe": "O",
    "oscar": "O", "peter": "P", "papa": "P", "queen": "Q", "quebec": "Q", "roger": "R",
    "romeo": "R", "robert": "R", "sugar": "S", "sierra": "S", "sam": "S", "tare": "T",
    "tango": "T", "tom": "T", "uncle": "U", "uniform": "U", "victor": "V", "william": "W",
    "whiskey": "W", "x-ray": "X", "xray": "X", "yoke": "Y", "yankee": "Y", "zebra": "Z",
    "zulu": "Z",
}
SCENE_WORDS = {"scene", "sc", "seen", "scenes"}
TAKE_WORDS = {"take", "tk", "takes", "tape"}
MARK_WORDS = {"mark", "marker", "marked", "sticks"}
TAIL_WORDS = {"tail", "end", "board", "slate"}


@dataclass(frozen=True)
class Slate:
    scene: Optional[str]
    take: Optional[str]
    start: float
    end: float
    text: str
    mark: bool
    tail: bool = False


def _tokens(words: Sequence[Word]) -> list[tuple[str, Word]]:
    """Lower-case tokens, ASR punctuation removed; "12A," -> "12a"; "12-4" kept."""
    out = []
    for w in words:
        for piece in re.split(r"[\s,;:!?\"()]+", w.text.lower()):
            piece = piece.strip(".'")
            if piece:
                out.append((piece, w))
    return out


def _number(tokens: list[str], i: int, strong: bool) -> tuple[Optional[str], int]:
    """Parse a spoken or written number at tokens[i:]; (digits, tokens used)."""
    if i >= len(tokens):
        return None, 0
    tok = tokens[i]
    m = re.fullmatch(r"(\d+)([a-z]?)", tok)
    if m:
        return tok.upper(), 1
    m = re.fullmatch(r"(\d+)-(\d+)", tok)
    if m:
        return tok, 1
    if tok in WEAK_NUMBERS and not strong:
        return None, 0
    digits: list[str] = []
    used = 0
    j = i
    while j < len(tokens):
        t = tokens[j]
        if t in TENS:
            value = TENS[t]
            if j + 1 < len(tokens) and tokens[j + 1] in ONES and 0 < ONES[tokens[j + 1]] < 10:
                value += ONES[tokens[j + 1]]
                j += 1
            digits.append(str(value))
        elif t in ONES and (t not in WEAK_NUMBERS or strong or digits):
            digits.append(str(ONES[t]))
        elif t == "hundred" and digits:
            digits[-1] = str(int(digits[-1]) * 100)
            if j + 1 < len(tokens) and tokens[j + 1] == "and":
                j += 1
            nxt, n_used = _number(tokens, j + 1, True)
            if nxt and nxt.isdigit() and int(nxt) < 100:
                digits[-1] = str(int(digits[-1]) + int(nxt))
                j += n_used
        elif re.fullmatch(r"\d+", t) and digits:
            digits.append(t)
        else:
            break
        j += 1
        used = j - i
        # "one oh five" style: keep reading single digits; stop after a multi-digit group
        if len(digits[-1]) > 1 and (j >= len(tokens) or tokens[j] not in ONES):
            break
    if not digits:
        return None, 0
    return "".join(digits), used


def _letter(tokens: list[str], i: int) -> tuple[Optional[str], int]:
    if i >= len(tokens):
        return None, 0
    tok = tokens[i]
    if tok in LETTERS:
        return LETTERS[tok], 1
    if len(tok) == 1 and tok.isalpha() and tok not in ("a",):
        return tok.upper(), 1
    if tok == "a" and i + 1 < len(tokens) and tokens[i + 1] in TAKE_WORDS:
        return "A", 1  # "twelve a take two"
    return None, 0


def _scene_id(tokens: list[str], i: int, strong: bool) -> tuple[Optional[str], int]:
    num, used = _number(tokens, i, strong)
    if not num:
        return None, 0
    letter, lu = _letter(tokens, i + used)
    if letter and not num[-1].isalpha():
        return num + letter, used + lu
    if i + used < len(tokens) and tokens[i + used] in ("dash", "-"):
        second, su = _number(tokens, i + used + 1, True)
        if second:
            return f"{num}-{second}", used + 1 + su
    return num, used


def detect_slates(words: Sequence[Word]) -> tuple[Slate, ...]:
    """Spoken slates found in ``words`` (see module doc)."""
    toks = _tokens(words)
    tokens = [t for t, _ in toks]
    slates: list[Slate] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        scene = take = None
        start_i = i
        end_i = i
        if tok in SCENE_WORDS:
            scene, used = _scene_id(tokens, i + 1, True)
            if scene:
                end_i = i + used
        elif tok not in TAKE_WORDS:
            # "twelve apple take two": a scene id only counts when "take" follows
            cand, used = _scene_id(tokens, i, False)
            if cand and i + used < len(tokens) and tokens[i + used] in TAKE_WORDS:
                scene, end_i = cand, i + used - 1
        j = end_i + 1 if scene else i
        if j < len(tokens) and tokens[j] in TAKE_WORDS and _close(toks, end_i, j):
            num, used = _number(tokens, j + 1, True)
            if num:
                take = num
                end_i = j + used
        if take and not scene and not _isolated(toks, start_i, end_i):
            take = None  # "I'll take two of those": a bare take needs pauses around it
        if scene or take:
            new = _make(toks, start_i, end_i, scene, take)
            if (slates and slates[-1].tail and slates[-1].scene is None and slates[-1].take is None
                    and new.start - slates[-1].end <= MARK_WINDOW):
                # "tail slate ... scene twelve take three": one tail board
                placeholder = slates.pop()
                new = Slate(scene, take, placeholder.start, new.end, f"{placeholder.text} {new.text}",
                            False, True)
            slates.append(new)
            i = end_i + 1
            continue
        if tok in MARK_WORDS or (tok in ("second", "soft") and i + 1 < len(tokens) and tokens[i + 1] == "sticks"):
            last = i + (1 if tok in ("second", "soft") else 0)
            w = toks[i][1]
            if slates and not slates[-1].mark and w.start - slates[-1].end <= MARK_WINDOW:
                prev = slates[-1]
                slates[-1] = Slate(prev.scene, prev.take, prev.start, round(float(toks[last][1].end), 3),
                                   f"{prev.text} {' '.join(tokens[i:last + 1])}", True, prev.tail)
            elif tok != "marked" and _isolated(toks, i, last):
                slates.append(_make(toks, i, last, None, None, mark=True))
            i = last + 1
            continue
        if tok == "tail" and i + 1 < len(tokens) and tokens[i + 1] in ("slate", "sticks", "board"):
            _mark_tail(slates, toks, i)
        elif tok == "end" and i + 1 < len(tokens) and tokens[i + 1] == "board":
            _mark_tail(slates, toks, i)
        i += 1
    return tuple(slates)


def _isolated(toks, a: int, b: int) -> bool:
    """Words a..b said on their own: a pause (or the transcript edge) on both sides."""
    before = a == 0 or toks[a][1].start - toks[a - 1][1].end >= PAUSE
    after = b == len(toks) - 1 or toks[b + 1][1].start - toks[b][1].end >= PAUSE
    return before and after


def _close(toks, a: int, b: int) -> bool:
    return toks[b][1].start - toks[a][1].end <= MAX_GAP


def _make(toks, a: int, b: int, scene, take, mark: bool = False) -> Slate:
    text = " ".join(t for t, _ in toks[a:b + 1])
    return Slate(scene, take, round(float(toks[a][1].start), 3), round(float(toks[b][1].end), 3), text, mark)


def _mark_tail(slates: list[Slate], toks, i: int) -> None:
    """A "tail slate" announcement marks the next slate (said after it) or the previous one."""
    w = toks[i][1]
    if slates and 0 <= w.start - slates[-1].end <= MAX_GAP:
        p = slates[-1]
        slates[-1] = Slate(p.scene, p.take, p.start, p.end, p.text, p.mark, True)
    else:
        slates.append(Slate(None, None, round(float(w.start), 3),
                            round(float(toks[min(i + 1, len(toks) - 1)][1].end), 3),
                            " ".join(t for t, _ in toks[i:i + 2]), False, True))


def take_metadata(slates: Sequence[Slate], start: float, end: float, lead: float = 10.0) -> dict:
    """Take fields from the slate that belongs to the take [start, end): a head slate said
    inside it or up to ``lead`` seconds before it, else a tail slate near its end.
    Returns ``{"scene", "take_number", "slate_start", "mark", "tail"}`` (values None when no
    slate matches), ready for ``Take(scene=..., take_number=...)``."""
    heads = [s for s in slates if not s.tail and start - lead <= s.start < end]
    tails = [s for s in slates if s.tail and start <= s.start <= end + lead]
    pick = heads[0] if heads else (tails[-1] if tails else None)
    if pick is None:
        return {"scene": None, "take_number": None, "slate_start": None, "mark": False, "tail": False}
    return {"scene": pick.scene, "take_number": pick.take, "slate_start": pick.start,
            "mark": pick.mark, "tail": pick.tail}
