"""Pieces every screenplay parser shares: cue and heading recognition, text cleaning, and
:class:`ScriptBuilder`, which turns a stream of parser events into the frozen model.

Id rules (the contract other stages rely on):
- Scene id: the scene number printed with the heading when there is one (``#12A#`` in
  Fountain, ``Number="12A"`` in FDX, ``12A`` in the margins of a PDF), else the 1-based
  ordinal of the heading in the script. Dialogue before the first heading lives in scene
  ``"0"`` (heading ``""``), which exists only when it has dialogue. If two scenes would get
  the same id, later ones get ``_2``, ``_3``... appended.
- Line id: ``<scene id>-<n>``, n counting that scene's dialogue lines from 1. Scene numbers
  may contain ``-`` (``#1-A#``), so split a line id with ``rsplit("-", 1)``.
- A line whose text is empty after cleaning (a cue followed only by a parenthetical) is
  dropped: there is nothing to hear.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..errors import ScriptError
from ..model import Scene, Script, ScriptLine

HEADING_RE = re.compile(r"^(?:INT\.?/EXT|EXT\.?/INT|INT|EXT|EST|I/E|I\.?/E)(?:\.|\s)", re.I)
# Fountain's scene-number syntax: alphanumerics, dashes and dots between hashes.
FOUNTAIN_NUMBER_RE = re.compile(r"\s*#([A-Za-z0-9.\-]+)#\s*$")
# Printed scene numbers in the margins: "12", "12A", "A12", "12.1", "1-A".
PRINTED_NUMBER_RE = re.compile(r"^[A-Z]{0,2}\d+[A-Z]{0,2}(?:[.\-][A-Z0-9]+)*\.?$")
_EXT_RE = re.compile(r"\(([^()]*)\)")
_MARKUP_RE = re.compile(r"(?<!\\)[*_]")
_ESCAPE_RE = re.compile(r"\\([*_\\])")
_SPACE_RE = re.compile(r"\s+")
_LOWER_RE = re.compile(r"[a-z]")

NO_DIALOGUE = ("no dialogue found: expected character cues (a name in capitals on its own "
               "line, or 'NAME: text' in sides) followed by the spoken lines")


def clean_text(text: str) -> str:
    """Spoken/printed text without emphasis markup, on one line with single spaces."""
    text = _ESCAPE_RE.sub(r"\1", _MARKUP_RE.sub("", text))
    return _SPACE_RE.sub(" ", text).strip()


def normalise_extension(ext: str) -> str:
    return _SPACE_RE.sub(" ", ext.replace("\u2019", "'").replace("\u2018", "'")).strip().upper()


@dataclass(frozen=True)
class Cue:
    """A character cue split into its parts: ``ALICE (V.O.) ^`` → ALICE, V.O., dual."""

    character: str
    extension: Optional[str]
    dual: bool = False


def parse_cue(text: str) -> Cue:
    text = clean_text(text)
    dual = text.endswith("^")
    if dual:
        text = text[:-1].rstrip()
    if text.startswith("@"):
        text = text[1:]
    extensions = [normalise_extension(e) for e in _EXT_RE.findall(text)]
    name = _SPACE_RE.sub(" ", _EXT_RE.sub(" ", text)).strip().rstrip(":").rstrip().upper()
    return Cue(name, " ".join(e for e in extensions if e) or None, dual)


def looks_like_cue(text: str) -> bool:
    """All-capitals name (extensions in parentheses may be lower case), at least one letter,
    short, not a scene heading and not a transition."""
    text = text.strip()
    if text.endswith("^"):
        text = text[:-1].rstrip()
    name = _EXT_RE.sub("", text).strip()
    if not name or len(name) > 50 or len(name.split()) > 6:
        return False
    if _LOWER_RE.search(name) or not any(ch.isalpha() for ch in name):
        return False
    if "(" in name or ")" in name or HEADING_RE.match(name):
        return False
    return not is_transition(name)


def is_transition(text: str) -> bool:
    text = text.strip().upper()
    return text.endswith("TO:") or text in {"FADE OUT.", "FADE OUT", "FADE IN:", "FADE TO BLACK.",
                                            "FADE OUT:", "THE END", "THE END."}


def split_parentheticals(text: str) -> tuple[list[str], str]:
    """Leading ``(beat)`` parentheticals of an inline dialogue text, and the rest."""
    parts: list[str] = []
    rest = text.strip()
    while rest.startswith("("):
        close = rest.find(")")
        if close < 0:
            break
        parts.append(rest[: close + 1])
        rest = rest[close + 1:].lstrip()
    return parts, rest


@dataclass
class _LineDraft:
    character: str
    extension: Optional[str]
    dual: bool
    text: list[str] = field(default_factory=list)
    parentheticals: list[str] = field(default_factory=list)
    action_before: Optional[str] = None


@dataclass
class _SceneDraft:
    heading: str
    number: Optional[str]
    ordinal: int
    lines: list[_LineDraft] = field(default_factory=list)
    action: list[str] = field(default_factory=list)


class ScriptBuilder:
    """Collects scenes, dialogue and action in reading order; :meth:`build` freezes them."""

    def __init__(self) -> None:
        self._scenes: list[_SceneDraft] = []
        self._ordinal = 0
        self._line: Optional[_LineDraft] = None
        self._pending_action: Optional[str] = None  # action since the last cue (intent cue)

    def _scene(self) -> _SceneDraft:
        if not self._scenes:
            self._scenes.append(_SceneDraft("", None, 0))
        return self._scenes[-1]

    def start_scene(self, heading: str, number: Optional[str] = None) -> None:
        self._ordinal += 1
        self._line = None
        self._pending_action = None
        self._scenes.append(_SceneDraft(clean_text(heading), (number or "").strip() or None,
                                        self._ordinal))

    def add_action(self, text: str) -> None:
        text = clean_text(text)
        self._line = None
        if text:
            self._scene().action.append(text)
            self._pending_action = text

    def start_line(self, cue: Cue) -> None:
        """A new dialogue line; a dual cue (``^``) also marks the line before it dual."""
        scene = self._scene()
        if cue.dual and scene.lines:
            scene.lines[-1].dual = True
        self._line = _LineDraft(cue.character, cue.extension, cue.dual,
                                action_before=self._pending_action)
        self._pending_action = None
        scene.lines.append(self._line)

    def mark_current_dual(self) -> None:
        if self._line is not None:
            self._line.dual = True

    def end_line(self) -> None:
        self._line = None

    @property
    def in_line(self) -> bool:
        return self._line is not None

    @property
    def last_character(self) -> Optional[str]:
        """Speaker of the most recent line of the current scene (for lyrics, continuations)."""
        scene = self._scenes[-1] if self._scenes else None
        return scene.lines[-1].character if scene and scene.lines else None

    def resume_last_line(self) -> bool:
        """Continue the scene's last line (dialogue split by a page break). False if none."""
        scene = self._scenes[-1] if self._scenes else None
        if not scene or not scene.lines:
            return False
        self._line = scene.lines[-1]
        return True

    def add_dialogue(self, text: str) -> None:
        if self._line is not None and text.strip():
            self._line.text.append(text.strip())

    def add_parenthetical(self, text: str) -> None:
        if self._line is not None and text.strip():
            self._line.parentheticals.append(clean_text(text))

    def build(self, *, source: Optional[str], format: str, title: Optional[str] = None,
              title_page: Optional[dict] = None) -> Script:
        scenes = []
        used: set[str] = set()
        for draft in self._scenes:
            if draft.ordinal == 0:
                base = "0"
            else:
                base = draft.number or str(draft.ordinal)
            scene_id, k = base, 1
            while scene_id in used:
                k += 1
                scene_id = f"{base}_{k}"
            used.add(scene_id)
            lines = []
            for ld in draft.lines:
                text = clean_text(" ".join(ld.text))
                if not text:
                    continue
                lines.append(ScriptLine(
                    id=f"{scene_id}-{len(lines) + 1}", scene_id=scene_id, character=ld.character,
                    text=text, extension=ld.extension,
                    parenthetical=" ".join(ld.parentheticals) or None, dual=ld.dual,
                    action_before=ld.action_before))
            if draft.ordinal == 0 and not lines:
                continue
            scenes.append(Scene(id=scene_id, heading=draft.heading, lines=tuple(lines),
                                number=draft.number, action=tuple(draft.action)))
        script = Script(scenes=tuple(scenes), title=title, source=source, format=format,
                        title_page=dict(title_page or {}))
        if not script.lines:
            raise ScriptError(source, NO_DIALOGUE)
        return script
