"""Probes kept in the analysis cache, so a re-cut of unchanged media opens no container.

``probe_many_cached(paths, cache)`` is ``media.probe_many`` with each file's ``MediaAsset``
stored under (content key, analyzer ``"media.probe"``, :data:`PROBE_VERSION`, params: the path
and a fingerprint of the ``media`` package's source files). The content key is computed for every
call (size, mtime and sampled blocks of the file: ``media.keys``), so a changed file is probed
again; a missing or odd file falls through to ``probe`` and gets its usual MediaError. An entry
that cannot be read back is ignored and the file probed (never a crash). Cache disabled = plain
``probe_many``.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable

log = logging.getLogger(__name__)

PROBE_VERSION = "1"
ANALYZER = "media.probe"


def probe_many_cached(paths: Iterable, cache) -> tuple[list, list]:
    """(assets, errors) exactly as ``media.probe_many`` gives them, served from ``cache``."""
    from .media import probe_many
    from .media.keys import content_key
    from .scenecache import code_fingerprint
    from .serialize import from_document, to_document
    from .model import MediaAsset

    paths = list(paths)
    if cache is None or not cache.enabled:
        return probe_many(paths)
    code = code_fingerprint(Path(__file__).resolve().parent / "media")
    assets, errors = [], []
    for path in paths:
        params = {"path": str(path), "code": code}
        try:
            key = content_key(path)
            doc = cache.get(key, ANALYZER, PROBE_VERSION, params)
            if doc is not None:
                asset = from_document(doc, MediaAsset)
                if asset.content_key == key:
                    assets.append(asset)
                    continue
        except Exception as exc:  # noqa: BLE001 - fall back to a real probe (its own errors)
            log.debug("probe cache not used for %s: %s", path, exc)
        found, bad = probe_many([path])
        assets.extend(found)
        errors.extend(bad)
        for asset in found:
            try:
                cache.put(asset.content_key, ANALYZER, PROBE_VERSION, params, to_document(asset))
            except Exception as exc:  # noqa: BLE001 - a cache that cannot be written costs nothing
                log.warning("probe of %s not cached: %s", path, exc)
    return assets, errors
