"""Write a pipeline result to disk: OTIO, host plan JSON and the HTML review page.

Every file is written atomically; the returned dict maps kind → path of what was written.
"""
from __future__ import annotations

import logging
from pathlib import Path

from .edit import cut_to_hostplan, write_otio
from .edit.review import render_review_page
from .fileio import atomic_write_json, atomic_write_text

log = logging.getLogger(__name__)


def _thumbnailer():
    try:
        from .picture import extract_thumbnail
    except ImportError:
        return None

    def thumb(path: str, seconds: float):
        try:
            return extract_thumbnail(path, seconds, width=240)
        except Exception as exc:  # a missing thumbnail must not cost the review page
            log.warning("no thumbnail for %s at %.2fs: %s", path, seconds, exc)
            return None

    return thumb


def _lanes(result) -> tuple:
    """Camera-motion and sound-event lanes for the review page (none without file analyses)."""
    fa = getattr(result, "file_analyses", None)
    if not fa:
        return ()
    try:
        from .analyses.lanes import review_lanes

        return review_lanes(result.cut, fa)
    except Exception as exc:  # a lane must not cost the review page
        log.warning("no analysis lanes on the review page: %s", exc)
        return ()


def write_outputs(result, otio_path=None, report_path=None, plan_path=None) -> dict:
    cut, script = result.cut, result.script
    assets = {a.asset.path: a.asset for a in result.analyses}
    written: dict[str, Path] = {}
    if otio_path:
        written["otio"] = write_otio(cut, otio_path, frame_counts={p: a.frame_count for p, a in assets.items()},
                                     line_texts={l.id: l.text for l in script.lines})
    if plan_path:
        written["plan"] = atomic_write_json(plan_path, cut_to_hostplan(cut, assets))
    if report_path:
        written["report"] = atomic_write_text(report_path, render_review_page(cut, script, _thumbnailer(),
                                                                              lanes=_lanes(result)))
    return written
