"""Interchange exports of a cut: a thin entry point over ``roughcut_core.interchange``.

``export_timeline(source, out_path, target=None)`` reads ``source`` (an ``.otio`` path or an
OTIO Timeline) and writes ``out_path`` in the format picked by its extension and the target
NLE (``resolve``, ``premiere``, ``fcp``, ``avid``): ``.fcpxml`` FCPXML 1.10, ``.xml`` FCP7 XML
(FCPXML for ``fcp``), ``.edl`` CMX 3600, ``.aaf`` AAF, ``.otio`` OTIO JSON. Returns the main
file written; ``export_files`` returns every file (an EDL past 999 events is split).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..errors import RoughcutError

EXPORT_FORMATS = {".xml": "fcp7", ".fcpxml": "fcpxml", ".edl": "edl", ".aaf": "aaf", ".otio": "otio"}


def _timeline(source):
    import opentimelineio as otio

    if isinstance(source, (str, Path)):
        try:
            return otio.adapters.read_from_file(str(source))
        except Exception as exc:
            raise RoughcutError(f"{source}: cannot read the timeline: {exc}") from exc
    return source


def export_files(source, out_path, target: Optional[str] = None) -> list[Path]:
    """Every file written for ``out_path`` (see the module doc)."""
    from ..interchange import export, pick_format

    pick_format(out_path, target)  # a bad extension or target fails before any reading
    return export(_timeline(source), out_path, target)


def export_timeline(source, out_path, target: Optional[str] = None) -> Path:
    """Write ``source`` to ``out_path``; returns ``out_path`` (the first of the files written)."""
    return export_files(source, out_path, target)[0]
