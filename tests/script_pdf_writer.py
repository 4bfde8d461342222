"""Test helper: lays out screenplay elements as a real-looking PDF with reportlab.

Industry layout on US Letter, Courier 12 at 6 lines per inch: action and headings at 1.5",
dialogue at 2.5" (35 characters wide), parentheticals at 3.1", character cues at 3.7",
transitions right-aligned to 7.5", scene numbers at 0.75" and 7.4", page numbers "N." at the
top right from page 2. Dialogue that does not fit on a page is split with "(MORE)" at the
bottom and "NAME (CONT'D)" on the next page, and continued pages get "CONTINUED:".

Elements: ("heading", text, number or None), ("action", text), ("transition", text),
("dialogue", character, [("paren", text) | ("text", text), ...]),
("dual", (character, parts), (character, parts)) printed side by side in two columns.
"""
from __future__ import annotations

import textwrap

INCH = 72.0
LINE = 12.0
TOP = 10.0 * INCH
BOTTOM = 1.0 * INCH


class _Pages:
    def __init__(self, path, title: str | None):
        from reportlab.lib.pagesizes import letter
        from reportlab.pdfgen import canvas

        self.canvas = canvas.Canvas(str(path), pagesize=letter)
        if title:
            self.canvas.setTitle(title)
        self.page = 1
        self.y = TOP
        self._font()

    def _font(self):
        self.canvas.setFont("Courier", 12)

    def new_page(self, continued: bool = False):
        self.canvas.showPage()
        self._font()
        self.page += 1
        self.canvas.drawString(7.0 * INCH, 10.5 * INCH, f"{self.page}.")
        self.y = TOP
        if continued:
            self.draw(1.5, "CONTINUED:")
            self.y -= LINE

    def room(self) -> int:
        return int((self.y - BOTTOM) // LINE) + 1

    def draw(self, inches: float, text: str):
        self.canvas.drawString(inches * INCH, self.y, text)
        self.y -= LINE

    def blank(self):
        self.y -= LINE

    def save(self):
        self.canvas.save()


def write_screenplay_pdf(path, elements, title: str | None = None, title_page: bool = False):
    pages = _Pages(path, title)
    if title_page and title:
        pages.y = 6.5 * INCH
        pages.draw(4.25 - len(title) * 0.05, title)
        pages.blank()
        pages.draw(3.95, "Written by")
        pages.blank()
        pages.draw(3.75, "Test Writer")
        pages.canvas.showPage()
        pages._font()
        pages.y = TOP
    first = True
    for element in elements:
        kind = element[0]
        if not first:
            pages.blank()
        first = False
        if kind == "heading":
            if pages.room() < 4:
                pages.new_page()
            _, text, number = element
            if number:
                pages.canvas.drawString(0.75 * INCH, pages.y, number)
                pages.canvas.drawString(7.4 * INCH, pages.y, number)
            pages.draw(1.5, text.upper())
        elif kind in ("action", "transition"):
            wrapped = textwrap.wrap(element[1], 60)
            if pages.room() < min(len(wrapped), 3):
                pages.new_page(continued=True)
            for line in wrapped:
                if pages.room() < 1:
                    pages.new_page(continued=True)
                x = 1.5 if kind == "action" else 7.5 - len(line) * 0.1
                pages.draw(x, line)
        elif kind == "dual":
            _write_dual(pages, element[1], element[2])
        else:
            _write_dialogue(pages, element[1], element[2])
    pages.save()


def _write_dialogue(pages: _Pages, character: str, parts):
    rows = []
    for part_kind, text in parts:
        if part_kind == "paren":
            rows += [(3.1, row) for row in textwrap.wrap(text, 25)]
        else:
            rows += [(2.5, row) for row in textwrap.wrap(text, 35)]
    if pages.room() < 3:
        pages.new_page(continued=True)
    pages.draw(3.7, character)
    for i, (x, row) in enumerate(rows):
        remaining = len(rows) - i
        # Leave a line for (MORE) when the rest does not fit; never orphan a single line.
        if pages.room() <= 1 and remaining > 0:
            pages.draw(3.7, "(MORE)")
            pages.new_page(continued=True)
            pages.draw(3.7, f"{character} (CONT'D)")
        pages.draw(x, row)


def _column_rows(character, parts, left: float):
    rows = [(left + 1.1, character)]
    for part_kind, text in parts:
        if part_kind == "paren":
            rows += [(left + 0.5, row) for row in textwrap.wrap(text, 22)]
        else:
            rows += [(left, row) for row in textwrap.wrap(text, 28)]
    return rows


def _write_dual(pages: _Pages, first, second):
    left, right = _column_rows(*first, 1.5), _column_rows(*second, 4.5)
    if pages.room() < max(len(left), len(right)):
        pages.new_page(continued=True)
    for i in range(max(len(left), len(right))):
        for column in (left, right):
            if i < len(column):
                pages.canvas.drawString(column[i][0] * INCH, pages.y, column[i][1])
        pages.y -= LINE
