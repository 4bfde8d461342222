"""Fountain (https://fountain.io/syntax) → :class:`~roughcut_core.model.Script`.

Handled: title page (``Key: value`` block at the top, indented continuation lines; keys are
lower-cased, multi-line values joined with ``\\n``), boneyard ``/* */`` and notes ``[[ ]]``
(removed, even across lines; a line that held only them disappears, so it does not split a
dialogue block), scene headings (INT/EXT/EST/INT./EXT/I/E, or forced with ``.``) with
``#12A#`` scene numbers, character cues (all-capitals line after a blank line with dialogue
right under it, or forced with ``@``) with extensions ``(V.O.)``/``(O.S.)``/``(CONT'D)`` and
``^`` dual dialogue, parentheticals, two-space lines inside dialogue, lyrics ``~`` (sung
dialogue: kept as dialogue; a lyric block outside dialogue belongs to the scene's last
speaker), transitions (``... TO:`` or forced ``>``), centred text ``> <`` and forced action
``!`` (action), sections ``#``, synopses ``=`` and page breaks ``===`` (ignored).
Emphasis ``*``/``_`` is stripped (``\\*`` keeps a literal star).
Unclosed ``/*`` or ``[[`` are kept as text rather than swallowing the rest of the script.
"""
from __future__ import annotations

import re
from typing import Optional

from ..model import Script
from .common import (FOUNTAIN_NUMBER_RE, HEADING_RE, ScriptBuilder, clean_text, looks_like_cue,
                     parse_cue)

_BONEYARD_RE = re.compile(r"/\*.*?\*/", re.S)
_NOTE_RE = re.compile(r"\[\[.*?\]\]", re.S)
_REMOVED = "\x00"  # marks where a note/boneyard was, so now-empty lines can be dropped
_TITLE_KEY_RE = re.compile(r"^([A-Za-z][A-Za-z0-9 _\-]{0,40}):(.*)$")
_KNOWN_TITLE_KEYS = {"title", "credit", "author", "authors", "source", "draft date", "date",
                     "contact", "copyright", "notes", "revision", "episode", "format"}
_PAGE_BREAK_RE = re.compile(r"^={3,}\s*$")


def _remove_hidden(text: str) -> list[str]:
    text = _BONEYARD_RE.sub(_REMOVED, text)
    text = _NOTE_RE.sub(_REMOVED, text)
    lines = []
    for line in text.split("\n"):
        if _REMOVED in line:
            line = line.replace(_REMOVED, "")
            if not line.strip():
                continue
        lines.append(line)
    return lines


def _parse_title_page(lines: list[str]) -> tuple[dict, int]:
    """The title page block and the index of the first body line (0 when there is none)."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    first = _TITLE_KEY_RE.match(lines[start]) if start < len(lines) else None
    if not first or HEADING_RE.match(lines[start]):
        return {}, 0
    page: dict[str, list[str]] = {}
    key = None
    i = start
    while i < len(lines) and lines[i].strip():
        line = lines[i]
        match = _TITLE_KEY_RE.match(line)
        if match and not line[:1].isspace():
            key = match.group(1).strip().lower()
            page[key] = [match.group(2).strip()] if match.group(2).strip() else []
        elif key is not None:
            page[key].append(line.strip())
        i += 1
    if not _KNOWN_TITLE_KEYS & set(page):
        return {}, 0
    return {k: "\n".join(clean_text(v) for v in vals) for k, vals in page.items()}, i


def parse_fountain(text: str, source: Optional[str] = None) -> Script:
    """Parse Fountain text; raises ScriptError when it holds no dialogue."""
    lines = _remove_hidden(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    title_page, i = _parse_title_page(lines)
    builder = ScriptBuilder()
    action: list[str] = []
    prev_blank = True
    n = len(lines)

    def flush_action() -> None:
        if action:
            builder.add_action(" ".join(action))
            action.clear()

    while i < n:
        raw = lines[i]
        s = raw.strip()
        next_filled = i + 1 < n and bool(lines[i + 1].strip())
        i += 1
        if not s or _PAGE_BREAK_RE.match(s):
            # A line of two spaces is Fountain's blank line *inside* a dialogue block.
            if builder.in_line and len(raw) >= 2 and not s:
                continue
            builder.end_line()
            flush_action()
            prev_blank = True
            continue
        was_blank, prev_blank = prev_blank, False
        if builder.in_line:
            if s.startswith("(") and s.endswith(")"):
                builder.add_parenthetical(s)
            else:
                builder.add_dialogue(s[1:] if s.startswith("~") else s)
            continue
        if s.startswith("#") or (s.startswith("=") and not s.startswith("===")):
            flush_action()  # section or synopsis: outline only
            continue
        if s.startswith(">"):
            flush_action()
            if s.endswith("<"):
                builder.add_action(s[1:-1])  # centred text
            continue  # transition
        if s.startswith("!"):
            action.append(s[1:])
            continue
        if s.startswith("~"):
            speaker = builder.last_character
            if speaker is None:
                action.append(s[1:])
                continue
            flush_action()
            builder.start_line(parse_cue(speaker))
            builder.add_dialogue(s[1:])
            continue
        forced_heading = was_blank and s.startswith(".") and not s.startswith("..")
        if forced_heading or (was_blank and HEADING_RE.match(s)):
            flush_action()
            heading = s[1:] if forced_heading else s
            number = None
            match = FOUNTAIN_NUMBER_RE.search(heading)
            if match:
                number = match.group(1)
                heading = heading[: match.start()]
            builder.start_scene(heading.strip(), number)
            continue
        if was_blank and not next_filled and s.isupper() and s.endswith("TO:"):
            flush_action()  # transition
            continue
        if next_filled and (s.startswith("@") or (was_blank and looks_like_cue(s))):
            flush_action()
            builder.start_line(parse_cue(s))
            continue
        action.append(s)
    flush_action()
    title = title_page.get("title")
    return builder.build(source=source, format="fountain",
                         title=" ".join(title.split("\n")) if title else None,
                         title_page=title_page)
