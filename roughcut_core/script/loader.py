"""Choosing the parser: by the ``format`` argument, else the file extension, else content.

Extensions: ``.fountain``/``.spmd`` → fountain, ``.fdx`` → fdx, ``.pdf`` → pdf,
``.sides`` → sides. Text-like names (``.txt``, ``.text``, ``.xml``, ``.md``, none) are
sniffed: ``%PDF-`` → pdf, ``<FinalDraft`` → fdx, printed layout (many lines indented
10+ columns) or ``NAME: text`` lines → sides, otherwise fountain. Any other extension, or a
``format`` not in :data:`SUPPORTED_FORMATS`, is a ScriptError that lists the supported
formats.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional, Union

from ..errors import ScriptError
from ..model import Script
from .fdx import parse_fdx
from .fountain import parse_fountain
from .pdf import parse_pdf
from .sides import parse_sides
from .textio import decode_text, read_bytes

SUPPORTED_FORMATS = ("fountain", "fdx", "sides", "pdf")
_BY_EXTENSION = {".fountain": "fountain", ".spmd": "fountain", ".fdx": "fdx", ".pdf": "pdf",
                 ".sides": "sides"}
_SNIFFED_EXTENSIONS = {"", ".txt", ".text", ".xml", ".md"}
_SUPPORTED_TEXT = ("supported formats: fountain (.fountain, .spmd, .txt), fdx (.fdx), "
                   "sides (.txt, .sides), pdf (.pdf)")
_COLON_LINE_RE = re.compile(r"^[A-Z][A-Z0-9 .'\-]{0,30}(?:\s*\([^)]*\))?:\s*\S")
_INDENTED_RE = re.compile(r"^ {10,}\S")


def _check_format(format: Optional[str], where) -> Optional[str]:
    if format is None:
        return None
    name = format.strip().lower().lstrip(".")
    if name == "auto":
        return None
    if name not in SUPPORTED_FORMATS:
        raise ScriptError(where, f"unknown script format {format!r}; {_SUPPORTED_TEXT}")
    return name


def sniff_text_format(text: str) -> str:
    """'fdx', 'sides' or 'fountain' for screenplay text of unknown kind."""
    head = text.lstrip("\ufeff \n\t")[:4096]
    if head.startswith("<?xml") or "<FinalDraft" in head:
        return "fdx"
    lines = [line.expandtabs(8) for line in text.split("\n") if line.strip()]
    if not lines:
        return "fountain"
    indented = sum(1 for line in lines if _INDENTED_RE.match(line))
    colon = sum(1 for line in lines if _COLON_LINE_RE.match(line))
    if indented >= 0.2 * len(lines) or (colon >= 3 and colon >= 0.2 * len(lines)):
        return "sides"
    return "fountain"


def sniff_format(path: Union[str, Path]) -> str:
    """The format :func:`load_script` would use for ``path`` (reads at most the file head)."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext in _BY_EXTENSION:
        return _BY_EXTENSION[ext]
    if ext not in _SNIFFED_EXTENSIONS:
        raise ScriptError(path, f"unknown script format (extension {ext!r}); {_SUPPORTED_TEXT}")
    data = read_bytes(path)
    if data.lstrip().startswith(b"%PDF-"):
        return "pdf"
    return sniff_text_format(decode_text(data, path))


def load_script(path: Union[str, Path], format: Optional[str] = None) -> Script:
    """Parse the screenplay at ``path``; ScriptError(path, reason) on any bad input."""
    from ..paths import check_input_file

    path = Path(path)
    check_input_file(path, what="screenplay file", error=ScriptError)  # before any open (FIFOs)
    chosen = _check_format(format, path) or sniff_format(path)
    if chosen == "pdf":
        return parse_pdf(path)
    data = read_bytes(path)
    if chosen == "fdx":
        return parse_fdx(data, source=str(path))
    text = decode_text(data, path)
    if chosen == "sides":
        return parse_sides(text, source=str(path))
    return parse_fountain(text, source=str(path))


def parse_script_text(text: str, format: Optional[str] = "fountain",
                      source: Optional[str] = None) -> Script:
    """Parse screenplay text given inline; ``format=None`` (or "auto") sniffs the content."""
    chosen = _check_format(format, source) or sniff_text_format(text)
    if chosen == "pdf":
        raise ScriptError(source, "a PDF script must be given as a file path (load_script), "
                                  "not as text")
    if not text.strip():
        raise ScriptError(source, "empty script text")
    if chosen == "fdx":
        return parse_fdx(text.encode("utf-8"), source=source)
    if chosen == "sides":
        return parse_sides(text, source=source)
    return parse_fountain(text, source=source)
