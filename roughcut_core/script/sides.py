"""Plain-text "sides" → :class:`~roughcut_core.model.Script`.

Accepts what actors and editors get as text: a screenplay printed to text (cues and
dialogue indented with spaces, form feeds between pages, page numbers, ``(MORE)`` /
``(CONT'D)``), typed sides with the name on its own line above the dialogue, and the
``NAME: dialogue`` form (``ALICE (V.O.): (softly) We can't stay.``). Tabs count as 8
columns. Classification is :mod:`.layout`'s, on character columns.
"""
from __future__ import annotations

import re
from typing import Optional

from ..model import Script
from .layout import LayoutLine, parse_layout

_WORD_RE = re.compile(r"\S+")


def text_layout_lines(text: str) -> list[LayoutLine]:
    """One LayoutLine per non-blank line; form feeds start a new page."""
    out: list[LayoutLine] = []
    for page_number, page in enumerate(text.replace("\r\n", "\n").replace("\r", "\n")
                                       .lstrip("\ufeff").split("\f")):
        page_lines: list[LayoutLine] = []
        gap = True
        for raw in page.split("\n"):
            words = tuple((float(m.start()), m.group()) for m in
                          _WORD_RE.finditer(raw.expandtabs(8)))
            if not words:
                gap = True
                continue
            page_lines.append(LayoutLine(words, page_number, gap, first_on_page=not page_lines))
            gap = False
        if page_lines:
            last = page_lines[-1]
            page_lines[-1] = LayoutLine(last.words, last.page, last.gap_before,
                                        last.first_on_page, last_on_page=True)
        out.extend(page_lines)
    return out


def parse_sides(text: str, source: Optional[str] = None) -> Script:
    """Parse sides text; raises ScriptError when no dialogue is recognised."""
    return parse_layout(text_layout_lines(text), source=source, format="sides", colon_cues=True)
