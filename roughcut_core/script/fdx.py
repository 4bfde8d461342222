"""Final Draft ``.fdx`` (XML) → :class:`~roughcut_core.model.Script`.

Parsed with defusedxml: any entity declaration (billion-laughs bombs, external entities)
is rejected with ``ScriptError(..., "rejected: XML entities are not allowed ...")``; a plain
DOCTYPE without entities is accepted. Reads ``<FinalDraft><Content><Paragraph Type=...>``:
``Scene Heading`` (``Number`` attribute → scene number), ``Character``, ``Parenthetical``,
``Dialogue`` (and ``Lyrics``/``Singing`` as sung dialogue), everything else (Action,
Transition, Shot, General...) as action or ignored. The text of a paragraph is the
concatenation of its ``<Text>`` runs. ``<DualDialogue>`` blocks mark their lines dual.
Title page: ``<TitlePage><Content>`` paragraphs; the first non-empty one is the title, the
one after a "by"/"written by" line is the author, all of them are kept in ``"text"``.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Iterator, Optional

from ..errors import ScriptError
from ..model import Script
from .common import ScriptBuilder, clean_text, parse_cue

_ACTION_TYPES = {"action", "general", "shot", "cast list", "outline", "outline body"}
_SUNG_TYPES = {"lyrics", "singing", "lyric"}


def _paragraph_text(paragraph: ET.Element) -> str:
    return "".join(run.text or "" for run in paragraph.iter("Text"))


def _paragraphs(content: ET.Element) -> Iterator[tuple[ET.Element, bool]]:
    """Paragraphs in reading order, flattening DualDialogue blocks (flagged True). Final
    Draft wraps the block in a Paragraph; some converters put it directly in Content."""
    for child in content:
        dual = child if child.tag == "DualDialogue" else child.find("DualDialogue")
        if dual is not None:
            for inner in dual.iter("Paragraph"):
                yield inner, True
        elif child.tag == "Paragraph":
            yield child, False


def _load_xml(data: bytes, source: Optional[str]) -> ET.Element:
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    if not data.strip():
        raise ScriptError(source, "empty file: no Final Draft XML")
    try:
        return DET.fromstring(data, forbid_dtd=False, forbid_entities=True,
                              forbid_external=True)
    except DefusedXmlException as exc:
        raise ScriptError(source, "rejected: XML entities are not allowed in a Final Draft "
                                  f"file (entity bomb / external entity protection: {exc})")
    except (ET.ParseError, ValueError, LookupError) as exc:
        raise ScriptError(source, f"not well-formed XML: {exc}")


def _title_page(root: ET.Element) -> dict:
    texts = []
    for paragraph in root.findall("./TitlePage/Content/Paragraph"):
        text = clean_text(_paragraph_text(paragraph))
        if text:
            texts.append(text)
    if not texts:
        return {}
    page = {"title": texts[0], "text": "\n".join(texts)}
    for i, text in enumerate(texts[:-1]):
        if text.lower() in {"by", "written by", "screenplay by", "story by", "teleplay by"}:
            page["credit"] = text
            page["author"] = texts[i + 1]
            break
    return page


def parse_fdx(data: bytes, source: Optional[str] = None) -> Script:
    """Parse Final Draft XML bytes; raises ScriptError on unsafe, malformed or empty input."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    root = _load_xml(data, source)
    if root.tag != "FinalDraft":
        raise ScriptError(source, f"not a Final Draft document: root element <{root.tag}>, "
                                  "expected <FinalDraft>")
    content = root.find("Content")
    if content is None:
        raise ScriptError(source, "Final Draft document has no <Content> element")
    builder = ScriptBuilder()
    for paragraph, dual in _paragraphs(content):
        kind = (paragraph.get("Type") or "").strip().lower()
        text = _paragraph_text(paragraph)
        if kind == "scene heading":
            builder.start_scene(text, paragraph.get("Number"))
        elif kind == "character":
            cue = parse_cue(text)
            builder.start_line(cue)
            if dual:
                # Mark the line dual directly; the Fountain "^ marks the previous line" rule
                # does not apply, both partners sit inside the same DualDialogue element.
                builder.mark_current_dual()
        elif kind == "parenthetical":
            builder.add_parenthetical(text)
        elif kind == "dialogue" or kind in _SUNG_TYPES:
            builder.add_dialogue(text)
        elif kind in _ACTION_TYPES:
            builder.add_action(text)
        else:
            builder.end_line()  # transitions, and types we do not know
    title_page = _title_page(root)
    return builder.build(source=source, format="fdx", title=title_page.get("title"),
                         title_page=title_page)
