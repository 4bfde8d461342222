"""Reading screenplay text files whose encoding nobody wrote down.

Contract: :func:`decode_text` turns bytes into ``str`` trying, in order, a byte-order mark
(UTF-8, UTF-16 LE/BE, UTF-32 LE/BE), strict UTF-8, BOM-less UTF-16 (recognised by its NUL
pattern), then cp1252 (Windows "smart quotes") and finally latin-1 for the few bytes cp1252
leaves undefined. Newlines come back as ``\\n``. Bytes that are not text at all (NULs or
control characters in an 8-bit file, e.g. a video or a .docx renamed) raise
``ScriptError(path, ...)``, as do empty files and files over :data:`MAX_SCRIPT_BYTES`.
"""
from __future__ import annotations

import codecs
from pathlib import Path
from typing import Optional, Union

from ..errors import ScriptError

# A 300-page screenplay is well under 1 MiB as text; anything this big is not a script and
# reading it whole would only waste memory.
MAX_SCRIPT_BYTES = 64 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control characters that never appear in a text document (tab, LF, CR, FF are allowed;
# form feed separates pages in printed-to-text screenplays).
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f"}


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return False
    bad = sum(1 for ch in sample if ch < " " and ch not in _ALLOWED_CONTROLS)
    return "\x00" in sample or bad > max(2, len(sample) // 200)


def _utf16_without_bom(data: bytes) -> Optional[str]:
    """UTF-16 text saved without a BOM has a NUL in every other byte of ASCII text."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.6 * half and even_nuls < 0.1 * half:
        encoding = "utf-16-le"
    elif even_nuls > 0.6 * half and odd_nuls < 0.1 * half:
        encoding = "utf-16-be"
    else:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def decode_text(data: bytes, path: Union[str, Path, None] = None) -> str:
    """Decode screenplay bytes (see module docstring); ``path`` only names the file in errors."""
    if not data.strip():
        raise ScriptError(path, "empty file: no screenplay text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise ScriptError(path, f"starts with a {encoding} byte-order mark but is not "
                                        f"valid {encoding}: {exc.reason} at byte {exc.start}")
            break
    else:
        text = _utf16_without_bom(data) if b"\x00" in data[:4096] else None
        if text is None:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = _decode_8bit(data)
    if _looks_binary(text):
        raise ScriptError(path, "not a text file: it contains binary data (control characters "
                                "or NUL bytes); expected a screenplay in Fountain, FDX, sides "
                                "text or PDF")
    return _normalise_newlines(text)


def _decode_8bit(data: bytes) -> str:
    # cp1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined; latin-1 maps every byte.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_bytes(path: Union[str, Path], limit: int = MAX_SCRIPT_BYTES) -> bytes:
    """The whole file, with clear errors for missing, unreadable and oversized files."""
    from ..paths import check_input_file

    p = Path(path)
    # the shared entry-point check: a FIFO, socket, device, symlink loop or folder gets its
    # own reason and is never opened (a FIFO would block the read forever)
    size = check_input_file(p, what="screenplay file", error=ScriptError).st_size
    if size > limit:
        raise ScriptError(p, f"file is {size} bytes; screenplays over {limit} bytes are rejected")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise ScriptError(p, f"cannot read: {exc.strerror or exc}") from None


def read_text_file(path: Union[str, Path]) -> str:
    """Text of a screenplay file with its encoding detected (BOM, UTF-8, UTF-16, cp1252)."""
    return decode_text(read_bytes(path), path)
