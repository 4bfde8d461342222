"""Media ingest: probe files, key them for caching, and find them in folders.

Public API: :func:`probe`, :func:`probe_many`, :func:`content_key`,
:func:`discover_media` (:func:`scan_media` also counts the sidecars it skipped),
:data:`MEDIA_EXTENSIONS`. PyAV is imported only when a file is
probed, so importing this package is cheap.
"""
from __future__ import annotations

from .discover import MEDIA_EXTENSIONS, MediaScan, discover_media, drop_duplicates, scan_media
from .keys import content_key
from .probe import probe, probe_many

__all__ = ["MEDIA_EXTENSIONS", "MediaScan", "content_key", "discover_media", "drop_duplicates", "probe", "probe_many",
           "scan_media"]
