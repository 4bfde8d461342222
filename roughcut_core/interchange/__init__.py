"""Interchange files that NLEs open frame-exact: one small writer interface, one adapter per format.

``export(timeline, out_path, target=None)`` flattens the OTIO cut (``edit.otio_out``) into a
frame-exact :class:`~.model.Sequence` and hands it to the writer picked by the file
extension and the target NLE:

| extension | target | format |
|---|---|---|
| ``.fcpxml`` | any (``fcp``, ``resolve``) | FCPXML 1.10 (own writer) |
| ``.xml`` | ``premiere`` (default), ``resolve`` | FCP7 XML / xmeml v4 (v5 for Resolve) |
| ``.xml`` | ``fcp`` | FCPXML 1.10 (Final Cut Pro X reads no xmeml) |
| ``.edl`` | any | CMX 3600 (split at 999 events; other picture tracks in ``_V2`` files) |
| ``.aaf`` | any (``avid``) | AAF (own pyaaf2 writer) |
| ``.otio`` | any | OpenTimelineIO JSON with file URLs and marker comments |

Every file is written atomically through ``roughcut_core.fileio`` (mode from the umask).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from ..errors import RoughcutError
from .model import Sequence, from_otio

TARGETS = ("resolve", "premiere", "fcp", "avid")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Writer:
    """A format: ``write(seq, out_path, target, timeline)`` writes and returns the files it made."""

    name: str
    suffix: str
    write: Callable[..., list]


def _text_writer(render: Callable[[Sequence, Optional[str]], bytes]):
    def write(seq: Sequence, out: Path, target: Optional[str], timeline) -> list:
        from ..fileio import atomic_write_bytes

        return [atomic_write_bytes(out, render(seq, target))]

    return write


def _write_fcpxml(seq, out, target, timeline):
    from .fcpxml import write_fcpxml

    return _text_writer(write_fcpxml)(seq, out, target, timeline)


def _write_fcp7(seq, out, target, timeline):
    from .fcp7 import write_fcp7

    return _text_writer(write_fcp7)(seq, out, target, timeline)


def _write_edl(seq, out, target, timeline):
    from ..fileio import atomic_write_bytes
    from .edl import write_edl

    files = write_edl(seq, target)
    return [atomic_write_bytes(out.with_name(out.stem + key + out.suffix), data) for key, data in files.items()]


def _write_aaf(seq, out, target, timeline):
    from ..fileio import atomic_output
    from .aaf import write_aaf

    with atomic_output(out) as tmp:
        tmp.unlink()  # pyaaf2 creates the file itself
        write_aaf(seq, tmp, target)
    return [out]


def _write_otio(seq, out, target, timeline):
    from ..fileio import atomic_write_text
    from .otio_json import to_interchange_otio

    import opentimelineio as otio

    return [atomic_write_text(out, otio.adapters.write_to_string(to_interchange_otio(timeline), "otio_json"))]


WRITERS = {
    "fcpxml": Writer("FCPXML 1.10", ".fcpxml", _write_fcpxml),
    "fcp7": Writer("FCP7 XML", ".xml", _write_fcp7),
    "edl": Writer("CMX 3600 EDL", ".edl", _write_edl),
    "aaf": Writer("AAF", ".aaf", _write_aaf),
    "otio": Writer("OpenTimelineIO", ".otio", _write_otio),
}


def pick_format(out_path, target: Optional[str] = None) -> str:
    """The writer key for an output file name and target NLE (a RoughcutError if none fits)."""
    suffix = Path(out_path).suffix.lower()
    if target is not None and target not in TARGETS:
        raise RoughcutError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
    if suffix == ".xml":
        return "fcpxml" if target == "fcp" else "fcp7"
    by_suffix = {w.suffix: key for key, w in WRITERS.items()}
    if suffix not in by_suffix:
        raise RoughcutError(f"{out_path}: unknown export format {suffix or '(no extension)'}; "
                            f"use .fcpxml, .xml, .edl, .aaf or .otio")
    return by_suffix[suffix]


def export(timeline, out_path, target: Optional[str] = None, probe_media: bool = True) -> list[Path]:
    """Write ``timeline`` (an OTIO Timeline) to ``out_path`` in the format its extension and
    ``target`` pick; returns the files written (an EDL may be split into several). With
    ``probe_media`` the source files that exist supply their picture size and sound layout."""
    key = pick_format(out_path, target)
    out = Path(out_path)
    try:
        seq = from_otio(timeline)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise RoughcutError(f"{out}: cannot export this timeline: {exc}") from exc
    if probe_media:
        from .probed import with_probed_media

        seq, warnings = with_probed_media(seq)
        for w in warnings:
            log.warning(w)
    try:
        return WRITERS[key].write(seq, out, target, timeline)
    except RoughcutError:
        raise
    except Exception as exc:  # a writer library's own error: name the file and the format
        raise RoughcutError(f"{out}: {WRITERS[key].name} export failed: {exc}") from exc


__all__ = ["export", "pick_format", "WRITERS", "TARGETS", "Writer", "from_otio", "Sequence"]
