"""Screenplay elements from printed layout: lines with a left indent, as read from a PDF or
from a screenplay printed to plain text ("sides").

Contract: :func:`parse_layout` takes :class:`LayoutLine` records (words with their column,
page, whether a blank line/vertical gap precedes) and classifies them by indentation
relative to the document's own indent clusters, so it does not depend on absolute margins:

- character cues are short all-capitals lines sitting *right of* the line under them; their
  indent cluster C and the dialogue cluster D under them are measured on the document; a
  line is a cue when it is at or right of (C+D)/2, dialogue when it is at or right of D-3;
  parentheticals start with ``(``; capitals far right of C (or ``... TO:``) are transitions;
- documents with no such indent structure (typed sides) fall back to Fountain-like rules:
  a capitals line after a blank line with text right under it is a cue; with
  ``colon_cues=True`` ``NAME: dialogue`` lines are cues too;
- page furniture is dropped: page numbers at the top/bottom of a page (or ``12.``),
  ``CONTINUED:``/``(CONTINUED)``, and ``(MORE)``; a ``(MORE)`` followed by the same
  speaker's ``(CONT'D)`` cue continues the same line across the page break;
- scene headings may carry printed scene numbers in the margins (``12A INT. ... 12A``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median
from typing import Optional

from ..model import Script
from .common import (HEADING_RE, PRINTED_NUMBER_RE, Cue, ScriptBuilder, is_transition,
                     looks_like_cue, parse_cue, split_parentheticals)

_MORE_RE = re.compile(r"^\(\s*MORE\s*\)$", re.I)
_CONTINUED_RE = re.compile(r"^\(?\s*CONT(?:INUED|['\u2019]?D)\s*\)?:?\s*(?:\(\d+\))?$", re.I)
_PAGE_NUMBER_RE = re.compile(r"^(?:page\s+)?\d+\.?$", re.I)
_COLON_CUE_RE = re.compile(r"^(?P<cue>[^:()]{1,40}?(?:\s*\([^()]*\))*)\s*:\s*(?P<text>\S.*)$")
_NOT_SPEAKERS = {"SUPER", "TITLE", "CARD", "INSERT", "NOTE", "CHYRON", "SUBTITLE", "CAPTION",
                 "LEGEND", "SCENE", "PAGE", "SOUND", "SFX", "MUSIC", "ON SCREEN", "BACK TO",
                 "INTERCUT", "LATER", "SETTING", "TIME", "PLACE"}
# A gap this wide (columns) inside a printed line separates side-by-side columns.
_COLUMN_GAP = 3.0
# Columns between a heading's last word and a number after it for the number to count as a
# printed scene number in the right margin rather than part of the heading ("ROOM 12").
_NUMBER_GAP = 3.0


@dataclass(frozen=True)
class LayoutLine:
    """One printed line: ``words`` are (column, text) left to right; a column is a character
    cell of 1/10 inch (Courier 12), so text files and PDFs share the same scale."""

    words: tuple[tuple[float, str], ...]
    page: int = 0
    gap_before: bool = False
    first_on_page: bool = False
    last_on_page: bool = False

    @property
    def text(self) -> str:
        return " ".join(w for _, w in self.words)

    @property
    def indent(self) -> float:
        return self.words[0][0]


def _scene_heading(line: LayoutLine) -> Optional[tuple[str, Optional[str]]]:
    words = list(line.words)
    number = None
    if (len(words) > 2 and PRINTED_NUMBER_RE.match(words[0][1])
            and HEADING_RE.match(words[1][1] + " ")):
        number = words.pop(0)[1].rstrip(".")
    if not HEADING_RE.match(" ".join(w for _, w in words) + " "):
        return None
    if (len(words) > 2 and PRINTED_NUMBER_RE.match(words[-1][1])
            and words[-1][0] - words[-2][0] - len(words[-2][1]) >= _NUMBER_GAP
            and (number is None or words[-1][1].rstrip(".") == number)):
        number = words.pop()[1].rstrip(".")
    return " ".join(w for _, w in words), number


def _is_furniture(line: LayoutLine) -> bool:
    text = line.text
    if _CONTINUED_RE.match(text):
        return True
    if _PAGE_NUMBER_RE.match(text):
        return line.first_on_page or line.last_on_page or text.endswith(".")
    return False


def _segments(words) -> list[list[tuple[float, str]]]:
    """Words split where the gap is wider than a few spaces (side-by-side columns)."""
    segments: list[list[tuple[float, str]]] = [[words[0]]]
    for word in words[1:]:
        last_col, last_text = segments[-1][-1]
        if word[0] - (last_col + len(last_text)) >= _COLUMN_GAP:
            segments.append([word])
        else:
            segments[-1].append(word)
    return segments


def _paren_open_after(text: str) -> bool:
    """Whether a parenthetical row leaves its parenthesis open (it wraps onto the next row)."""
    start = text.rfind("(")
    return ")" not in (text[start:] if start >= 0 else text)


def _dual_cues(line: LayoutLine) -> Optional[float]:
    """For a line holding two cues side by side (dual dialogue), the column that separates
    the left speaker's column from the right one's; else None."""
    segments = _segments(line.words)
    if len(segments) != 2 or not all(looks_like_cue(" ".join(w for _, w in seg))
                                     for seg in segments):
        return None
    return (segments[0][0][0] + segments[1][0][0]) / 2


def _dual_block(rows: list[LayoutLine], boundary: float, builder: ScriptBuilder) -> None:
    """Left then right speaker of a dual-dialogue block, both lines marked dual."""
    columns: list[list[str]] = [[], []]
    for row in rows:
        for segment in _segments(row.words):
            columns[segment[0][0] >= boundary].append(" ".join(w for _, w in segment))
    for column in columns:
        if not column:
            continue
        builder.start_line(parse_cue(column[0]))
        builder.mark_current_dual()
        open_paren = False
        for text in column[1:]:
            if open_paren or text.startswith("("):
                builder.add_parenthetical(text)
                open_paren = _paren_open_after(text)
            else:
                builder.add_dialogue(text)
    builder.end_line()


def _colon_cue(text: str) -> Optional[tuple[Cue, str]]:
    """``NAME (EXT): text`` split into cue and text (labels like SUPER included)."""
    match = _COLON_CUE_RE.match(text)
    if not match or not looks_like_cue(match.group("cue")) or HEADING_RE.match(text):
        return None
    cue = parse_cue(match.group("cue"))
    return cue, match.group("text")


@dataclass(frozen=True)
class _Indents:
    cue: float       # columns from which a capitals line is a cue
    dialogue: float  # columns from which a line continues a dialogue block
    transition: float


def _measure_indents(entries: list[LayoutLine]) -> Optional[_Indents]:
    """Cue/dialogue clusters from capitals lines standing right of the line below them."""
    cues, dialogue = [], []
    loose = 0
    for line, nxt in zip(entries, entries[1:]):
        if not looks_like_cue(line.text) or len(_segments(line.words)) > 1:
            continue
        if nxt.gap_before or nxt.page != line.page:
            continue
        if line.gap_before or line.first_on_page:
            loose += 1
        if nxt.indent < line.indent - 2:
            cues.append(line.indent)
            if not nxt.text.startswith("("):
                dialogue.append(nxt.indent)
    if not cues or not dialogue or 2 * len(cues) < loose:
        return None
    c, d = median(cues), median(dialogue)
    return _Indents(cue=(c + d) / 2, dialogue=d - 3, transition=c + 12)


def parse_layout(lines: list[LayoutLine], *, source: Optional[str], format: str,
                 colon_cues: bool = False, title: Optional[str] = None) -> Script:
    """Classify printed lines into a Script (see module docstring)."""
    entries: list[LayoutLine] = []
    more_before: set[int] = set()  # entry indices preceded by a (MORE) page-break marker
    for line in lines:
        if not line.words:
            continue
        if _MORE_RE.match(line.text):
            more_before.add(len(entries))
        elif not _is_furniture(line):
            entries.append(line)
    indents = _measure_indents(entries)
    builder = ScriptBuilder()
    action: list[str] = []
    open_paren = False
    previous: Optional[LayoutLine] = None

    def flush_action() -> None:
        if action:
            builder.add_action(" ".join(action))
            action.clear()

    skip_until = 0
    for index, line in enumerate(entries):
        if index < skip_until:
            continue
        text = line.text
        nxt = entries[index + 1] if index + 1 < len(entries) else None
        new_page = previous is None or previous.page != line.page
        block_break = line.gap_before or new_page
        previous = line
        if block_break:
            flush_action()
        inside_dialogue = (builder.in_line and not block_break and indents is not None
                           and line.indent >= indents.dialogue)
        heading = None if inside_dialogue else _scene_heading(line)
        if heading:
            flush_action()
            builder.start_scene(*heading)
            continue
        follows = nxt is not None and not nxt.gap_before and nxt.page == line.page
        boundary = _dual_cues(line) if follows else None
        if boundary is not None:
            flush_action()
            skip_until = index + 1
            while (skip_until < len(entries) and not entries[skip_until].gap_before
                   and entries[skip_until].page == line.page):
                skip_until += 1
            _dual_block(entries[index:skip_until], boundary, builder)
            continue
        if indents is not None:
            is_cue = follows and line.indent >= indents.cue and looks_like_cue(text)
            if not is_cue and line.indent >= indents.transition and text.isupper():
                builder.end_line()
                continue
        else:
            is_cue = follows and (block_break or not builder.in_line) and looks_like_cue(text)
        if is_cue:
            flush_action()
            cue = parse_cue(text)
            continued = index in more_before and cue.character == builder.last_character
            if not (continued and builder.resume_last_line()):
                builder.start_line(cue)
            open_paren = False
            continue
        if is_transition(text) and text.isupper():
            builder.end_line()
            continue
        colon = _colon_cue(text) if colon_cues else None
        if colon and colon[0].character in _NOT_SPEAKERS:
            builder.end_line()
            action.append(text)
            continue
        if colon and (indents is None or line.indent < indents.cue):
            flush_action()
            builder.start_line(colon[0])
            parens, spoken = split_parentheticals(colon[1])
            for paren in parens:
                builder.add_parenthetical(paren)
            builder.add_dialogue(spoken)
            open_paren = False
            continue
        in_block = builder.in_line and (not block_break or index in more_before)
        if in_block and (indents is None or line.indent >= indents.dialogue):
            if open_paren or text.startswith("("):
                builder.add_parenthetical(text)
                open_paren = _paren_open_after(text)
            else:
                builder.add_dialogue(text)
            continue
        builder.end_line()
        open_paren = False
        action.append(text)
    flush_action()
    return builder.build(source=source, format=format, title=title)
