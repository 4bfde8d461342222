"""Errors the core raises. Each names the file (when there is one) and the problem."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Union


class RoughcutError(Exception):
    """Base class for errors with a message meant for the user."""


def display_path(path: Union[str, Path]) -> str:
    """``path`` on one printable line: control characters (a newline in a file name...) are
    escaped as ``\\n``, ``\\x1b``..., so an error stays one line and tables keep their rows."""
    text = str(path)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


class MediaError(RoughcutError):
    """A media file that cannot be used: missing, empty, corrupt, no usable stream..."""

    def __init__(self, path: Union[str, Path], reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{display_path(self.path)}: {reason}")


class ScriptError(RoughcutError):
    """A screenplay that cannot be read."""

    def __init__(self, path: Optional[Union[str, Path]], reason: str):
        self.path = str(path) if path is not None else None
        self.reason = reason
        super().__init__(f"{display_path(self.path)}: {reason}" if self.path else reason)


class SchemaError(RoughcutError):
    """A persisted document with a missing or unsupported schema version."""
