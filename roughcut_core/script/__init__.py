"""Screenplay parsers: Fountain, Final Draft (.fdx), plain-text sides and PDF → ``Script``.

Public API (stable; other stages code against it)::

    SUPPORTED_FORMATS = ("fountain", "fdx", "sides", "pdf")
    load_script(path, format=None) -> Script
    parse_script_text(text, format="fountain", source=None) -> Script
    parse_fountain(text, source=None) -> Script
    parse_fdx(data: bytes, source=None) -> Script
    parse_sides(text, source=None) -> Script
    parse_pdf(path) -> Script
    read_text_file(path) -> str

Every parser returns scenes with stable ids (scene number, else ordinal; ``"0"`` for
dialogue before the first heading) and lines ``<scene id>-<n>`` (see ``common``), and raises
``ScriptError(path, reason)`` on bad input: empty or binary files, unknown formats (the
message lists the supported ones), XML entity declarations, PDFs without text, scripts
without dialogue. Nothing here writes files.
"""
from __future__ import annotations

from .fdx import parse_fdx
from .fountain import parse_fountain
from .loader import SUPPORTED_FORMATS, load_script, parse_script_text, sniff_format
from .pdf import parse_pdf
from .sides import parse_sides
from .textio import read_text_file

__all__ = ["SUPPORTED_FORMATS", "load_script", "parse_fdx", "parse_fountain", "parse_pdf",
           "parse_script_text", "parse_sides", "read_text_file", "sniff_format"]
