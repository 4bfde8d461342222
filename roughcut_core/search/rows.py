"""Column values for a stored utterance, the same for every engine.

``terms`` is the token stream the full-text index reads (:func:`~.text.tokens` of the
words, space-joined); ``words`` is compact JSON ``[[text, start_ms, end_ms], ...]``;
list fields are stored space-padded (``" 1-2 1-3 "``) so ``LIKE '% id %'`` finds one.
"""
from __future__ import annotations

import json

from .model import SearchDoc
from .text import tokens

DOC_COLUMNS = ("seq", "start_s", "end_s", "text", "terms", "words", "speaker", "character",
               "shot_size", "faces", "face_names", "scene_id", "line_ids", "quality")


def padded(items) -> str:
    return (" " + " ".join(items) + " ") if items else ""


def unpad(value: str) -> tuple[str, ...]:
    return tuple(value.split()) if value else ()


def doc_values(doc: SearchDoc) -> tuple:
    """The :data:`DOC_COLUMNS` values of ``doc``."""
    words = [[w[0], int(round(w[1] * 1000)), int(round(w[2] * 1000))] for w in doc.words]
    terms = " ".join(t for w in doc.words for t in tokens(w[0])) if doc.words else " ".join(tokens(doc.text))
    return (doc.seq, doc.start, doc.end, doc.text, terms, json.dumps(words, separators=(",", ":")),
            doc.speaker, doc.character, doc.shot_size, doc.faces, padded(doc.face_names), doc.scene_id,
            padded(doc.line_ids), padded(doc.quality))


def doc_from_values(seq, start, end, text, words, speaker, character, shot_size, faces, face_names,
                    scene_id, line_ids, quality) -> SearchDoc:
    return SearchDoc(seq=seq, start=start, end=end, text=text,
                     words=tuple((w[0], w[1] / 1000.0, w[2] / 1000.0) for w in json.loads(words or "[]")),
                     speaker=speaker or "", character=character or "", shot_size=shot_size or "unknown",
                     faces=faces or 0, face_names=unpad(face_names), scene_id=scene_id or "",
                     line_ids=unpad(line_ids), quality=unpad(quality))


def doc_terms(docs) -> set[str]:
    """Every distinct token of ``docs`` (for the vocabulary)."""
    out: set[str] = set()
    for d in docs:
        for w in d.words:
            out.update(tokens(w[0]))
        if not d.words:
            out.update(tokens(d.text))
    return out
