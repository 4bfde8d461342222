"""OTIO JSON for interchange: the cut as written by ``edit.otio_out``, with references a
tool can open and markers an NLE shows.

Contract: every ``ExternalReference.target_url`` that is a bare absolute path becomes a
``file://`` URL (``Path.as_uri()``, percent-encoded UTF-8); every marker's ``comment`` is its
note (``metadata["roughcut"]["note"]``) when it has none. Frames and metadata are unchanged.
"""
from __future__ import annotations

import copy

from .model import file_url


def to_interchange_otio(timeline):
    """A copy of ``timeline`` with file URLs and marker comments (the input is not changed)."""
    import opentimelineio as otio

    tl = copy.deepcopy(timeline)
    for clip in tl.find_clips():
        ref = clip.media_reference
        if isinstance(ref, otio.schema.ExternalReference) and ref.target_url and "://" not in ref.target_url:
            ref.target_url = file_url(ref.target_url)
    holders = [tl.tracks, *tl.tracks, *tl.find_clips()]
    for item in holders:
        for marker in item.markers:
            note = (marker.metadata.get("roughcut") or {}).get("note")
            if note and not marker.comment:
                marker.comment = str(note)
    return tl


__all__ = ["to_interchange_otio"]
