"""Column values for a stored utterance, the same for every engine.

``terms`` is the token stream the full-text index reads (:func:`~.text.tokens` of the
words, space-joined); ``words`` is compact JSON ``[[text, start_ms, end_ms], ...]``;
list fields are stored space-padded (``" 1-2 1-3 "``) so ``LIKE '% id %'`` finds one.
"""
from __future__ import annotations

import json
import re

from .model import IndexedFile, SearchDoc
from .text import tokens

# Key tokens (PostgreSQL's ``rc_docs.keys``, a second GIN index): what the filters ask for, and
# adjacent word pairs that hold a common word, so a filter or a phrase with common words is
# selective inside the index instead of being checked row by row. They start with "0" and a
# letter, which no word token does; the exact filter clauses are still applied to every row.
KEY_PREFIX = {"character": "0c", "shot": "0s", "motion": "0m", "sound": "0a", "pair": "0p"}


def key_norm(value: str) -> str:
    """A filter value as it appears inside a key token (lower case; other characters → 0)."""
    return re.sub(r"[^a-z0-9]+", "0", (value or "").lower())


def key_token(kind: str, value: str) -> str:
    return KEY_PREFIX[kind] + key_norm(value)


def pair_tokens(toks, common) -> list[str]:
    """Key tokens of adjacent token pairs with at least one ``common`` token, in order (a
    phrase's rare word is selective by itself; its common neighbours are not)."""
    return [key_token("pair", f"{a}0{b}") for a, b in zip(toks, toks[1:]) if a in common or b in common]


def search_keys(character, speaker, face_names, shot_size, camera_motion, sounds, terms: str, common) -> str:
    """The key tokens of one stored utterance (see :data:`KEY_PREFIX`), space-separated."""
    out = [key_token("character", v) for v in (character, speaker, *face_names) if v]
    if shot_size:
        out.append(key_token("shot", shot_size))
    if camera_motion:
        out.append(key_token("motion", camera_motion))
        if "_" in camera_motion:  # the family too: motion:pan finds pan_left and pan_right
            out.append(key_token("motion", camera_motion.split("_", 1)[0]))
    out += [key_token("sound", s) for s in sounds]
    out += pair_tokens(terms.split(), common)
    return " ".join(dict.fromkeys(out))

DOC_COLUMNS = ("seq", "start_s", "end_s", "text", "terms", "words", "speaker", "character",
               "shot_size", "faces", "face_names", "scene_id", "line_ids", "quality", "camera_motion", "sounds")
# columns added to an older store in place (schema 1 -> 2), with their SQL type and default
ADDED_COLUMNS = (("camera_motion", "TEXT NOT NULL DEFAULT ''"), ("sounds", "TEXT NOT NULL DEFAULT ''"))


FILE_COLUMNS = ("content_key", "path", "size", "mtime", "duration", "rate_num", "rate_den", "start_frame",
                "drop_frame", "doc_version", "has_video")  # the order of the file rows' columns
# file columns added to an older store in place (schema 1 -> 2)
ADDED_FILE_COLUMNS = (("has_video", "BOOLEAN NOT NULL DEFAULT TRUE"),)


def file_values(f: IndexedFile) -> tuple:
    """The :data:`FILE_COLUMNS` values of ``f``."""
    return (f.content_key, f.path, f.size, f.mtime, f.duration, f.rate_num, f.rate_den, f.start_frame,
            bool(f.drop_frame), f.doc_version, bool(f.has_video))


def file_from_row(row) -> IndexedFile:
    """The :class:`IndexedFile` of a row read as ``SELECT <FILE_COLUMNS>``."""
    return IndexedFile(content_key=row[0], path=row[1], size=row[2], mtime=row[3], duration=row[4],
                       rate_num=row[5], rate_den=row[6], start_frame=row[7], drop_frame=bool(row[8]),
                       doc_version=row[9], has_video=bool(row[10]) if len(row) > 10 and row[10] is not None else True)


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
            padded(doc.line_ids), padded(doc.quality), doc.camera_motion, padded(doc.sounds))


def doc_from_values(seq, start, end, text, words, speaker, character, shot_size, faces, face_names,
                    scene_id, line_ids, quality, camera_motion="", sounds="") -> SearchDoc:
    return SearchDoc(seq=seq, start=start, end=end, text=text,
                     words=tuple((w[0], w[1] / 1000.0, w[2] / 1000.0) for w in json.loads(words or "[]")),
                     speaker=speaker or "", character=character or "", shot_size=shot_size or "unknown",
                     faces=faces or 0, face_names=unpad(face_names), scene_id=scene_id or "",
                     line_ids=unpad(line_ids), quality=unpad(quality), camera_motion=camera_motion or "",
                     sounds=unpad(sounds))


def doc_terms(docs) -> set[str]:
    """Every distinct token of ``docs`` (for the vocabulary)."""
    out: set[str] = set()
    for d in docs:
        for w in d.words:
            out.update(tokens(w[0]))
        if not d.words:
            out.update(tokens(d.text))
    return out
