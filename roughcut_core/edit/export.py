"""Interchange exports of a cut through the OpenTimelineIO adapters.

``.xml`` → FCP7 XML (fcp_xml), ``.fcpxml`` → FCPXML (fcpx_xml), ``.edl`` → CMX 3600
(cmx_3600), ``.aaf`` → AAF (otio-aaf-adapter), ``.otio`` → OTIO JSON. Format code stays in
those adapters; this module only adapts the timeline to each format's limits (an EDL has one
picture track and 8-character reel names) and writes atomically.
"""
from __future__ import annotations

import copy
from pathlib import Path

from ..errors import RoughcutError
from ..fileio import atomic_output, atomic_write_text

EXPORT_FORMATS = {".xml": "fcp_xml", ".fcpxml": "fcpx_xml", ".edl": "cmx_3600", ".aaf": "AAF", ".otio": "otio_json"}


def _for_edl(timeline):
    import opentimelineio as otio

    tl = copy.deepcopy(timeline)
    # CMX 3600 carries one picture track; sound follows picture in our cuts.
    for track in list(tl.tracks):
        if track.kind != otio.schema.TrackKind.Video:
            tl.tracks.remove(track)
    for clip in tl.find_clips():
        clip.metadata.pop("roughcut", None)
    return tl


# The FCPXML adapter looks frame durations up by these exact float labels only.
_FCPX_LABELS = {24000 / 1001: 23.98, 30000 / 1001: 29.97, 60000 / 1001: 59.94}


def _relabel(rt):
    import opentimelineio as otio

    for exact, label in _FCPX_LABELS.items():
        if abs(rt.rate - exact) < 1e-6:
            return otio.opentime.RationalTime(rt.value, label)
    return rt


def _relabel_range(tr):
    import opentimelineio as otio

    return otio.opentime.TimeRange(_relabel(tr.start_time), _relabel(tr.duration))


def _for_fcpx(timeline):
    """Same frame counts, NTSC rates relabelled the way the FCPXML adapter names them."""
    tl = copy.deepcopy(timeline)
    if tl.global_start_time is not None:
        tl.global_start_time = _relabel(tl.global_start_time)
    for item in tl.find_children():
        if getattr(item, "source_range", None) is not None:
            item.source_range = _relabel_range(item.source_range)
        ref = getattr(item, "media_reference", None)
        if ref is not None and ref.available_range is not None:
            ref.available_range = _relabel_range(ref.available_range)
        for marker in getattr(item, "markers", []):
            marker.marked_range = _relabel_range(marker.marked_range)
    return tl


def export_timeline(source, out_path) -> Path:
    """Read ``source`` (an .otio path or an otio Timeline) and write ``out_path`` by its suffix."""
    import opentimelineio as otio

    out_path = Path(out_path)
    adapter = EXPORT_FORMATS.get(out_path.suffix.lower())
    if adapter is None:
        raise RoughcutError(f"{out_path}: unknown export format; supported: {', '.join(sorted(EXPORT_FORMATS))}")
    if isinstance(source, (str, Path)):
        try:
            timeline = otio.adapters.read_from_file(str(source))
        except Exception as exc:
            raise RoughcutError(f"{source}: cannot read the timeline: {exc}") from exc
    else:
        timeline = source
    if adapter == "cmx_3600":
        timeline = _for_edl(timeline)
    elif adapter == "fcpx_xml":
        timeline = _for_fcpx(timeline)
    if adapter == "AAF":
        # The AAF writer needs a real file path: write beside the target, then rename.
        try:
            with atomic_output(out_path) as tmp:
                tmp.unlink()  # the writer refuses to overwrite
                otio.adapters.write_to_file(timeline, str(tmp), adapter_name=adapter, use_empty_mob_ids=True)
        except Exception as exc:
            raise RoughcutError(f"{out_path}: AAF export failed: {exc}") from exc
        return out_path
    try:
        text = otio.adapters.write_to_string(timeline, adapter_name=adapter)
    except Exception as exc:
        raise RoughcutError(f"{out_path}: {adapter} export failed: {exc}") from exc
    return atomic_write_text(out_path, text)
