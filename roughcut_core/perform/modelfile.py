"""Checksummed model files: the JSON documents of ``emotion.EmotionModel`` and
``voicemodel.VoiceEmotionModel``, whose ``sha256`` field is the digest of their weights.

Contract:
- ``digest(body) -> str``: sha256 of ``body`` (a dict of JSON values) dumped with sorted keys.
- ``stamp(header, body) -> dict``: the document: ``header``'s keys, ``sha256`` = ``digest(body)``,
  then ``body``'s keys.
- ``save(doc, path) -> str``: writes ``doc`` atomically (its folder made); returns its sha256.
- ``read(path, what) -> dict``: the parsed document; RoughcutError naming ``path`` and ``what``
  when it cannot be read or is not a JSON object.
- ``checked_body(doc, keys, path, what) -> dict``: ``doc``'s ``keys``, verified against its
  ``sha256``; RoughcutError naming ``path`` when a key is missing or the checksum differs.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Sequence

from ..errors import RoughcutError


def digest(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def stamp(header: dict, body: dict) -> dict:
    return {**header, "sha256": digest(body), **body}


def save(doc: dict, path) -> str:
    from ..fileio import atomic_write_json

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_json(Path(path), doc)
    return doc["sha256"]


def read(path, what: str) -> dict:
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RoughcutError(f"{path}: cannot read the {what} ({exc})") from exc
    if not isinstance(doc, dict):
        raise RoughcutError(f"{path}: not a {what} (not a JSON object)")
    return doc


def checked_body(doc: dict, keys: Sequence[str], path, what: str) -> dict:
    try:
        body = {k: doc[k] for k in keys}
    except KeyError as exc:
        raise RoughcutError(f"{path}: {what} lacks {exc}") from exc
    if digest(body) != doc.get("sha256"):
        raise RoughcutError(f"{path}: {what} checksum does not match (file damaged?)")
    return body
