"""Search results → host plan (``roughcut.hostplan/1``, see :mod:`roughcut_core.edit.hostplan`).

:func:`results_plan` lays the hits of a query end to end, in result order, on a "search
results" timeline that the Resolve and Premiere adapters build like any other plan. Each item
is the matched words' span plus ``handle_s`` seconds either side (clamped to the file), as
integer frames at the clip's own rate with an exclusive out point (DESIGN §3); the timeline
runs at the rate most hits' files have (ties: the first hit's), each item starting where the
previous one ends. Hits in files at another rate are left out with a line in ``warnings``:
a host places such a clip on whole timeline frames and moves its out point off the source's
frames (seen on the Premiere fakes), so its in and out points could not be kept exactly. Every
item carries one marker at its first frame naming the query and the hit's text.
"""
from __future__ import annotations

from collections import Counter
from typing import Optional, Sequence

from ..edit.hostplan import HOSTPLAN_SCHEMA, confidence_color
from ..timebase import Rate, seconds_to_frame_ceil, seconds_to_frame_floor
from .model import IndexedFile, SearchHit

DEFAULT_HANDLE_S = 0.5
MARKER_COLOR = "Blue"


def results_plan(query: str, hits: Sequence[SearchHit], files: dict, handle_s: float = DEFAULT_HANDLE_S,
                 name: Optional[str] = None) -> dict:
    """The host plan for ``hits`` (best first); ``files`` maps content key → :class:`IndexedFile`
    (rate, start timecode, duration). Hits whose file is unknown or whose span is empty are
    left out with a line in ``warnings``."""
    items, warnings = [], []
    rates = Counter(Rate(f.rate_num, f.rate_den) for f in (files.get(h.content_key) for h in hits) if f is not None)
    tl_rate: Optional[Rate] = max(rates, key=lambda r: rates[r]) if rates else None  # first of the most common
    tl_drop = False
    rec = 0
    for i, hit in enumerate(hits, 1):
        f: Optional[IndexedFile] = files.get(hit.content_key)
        if f is None:
            warnings.append(f"result {i}: {hit.path} is no longer in the index; left out")
            continue
        rate = Rate(f.rate_num, f.rate_den)
        if rate != tl_rate:
            warnings.append(f"result {i}: {hit.path} at {hit.timecode} is at {rate.num}/{rate.den} fps, the timeline "
                            f"at {tl_rate.num}/{tl_rate.den}; left out (its in and out points would not stay exact)")
            continue
        total = seconds_to_frame_floor(max(0.0, f.duration), rate) if f.duration else None
        src_in = max(0, seconds_to_frame_floor(max(0.0, hit.start - handle_s), rate))
        src_out = seconds_to_frame_ceil(hit.end + handle_s, rate)
        if total:
            src_out = min(src_out, total)
        if src_out <= src_in:
            warnings.append(f"result {i}: {hit.path} at {hit.timecode} has no frames; left out")
            continue
        if not items:
            tl_drop = bool(f.drop_frame) and rate.supports_drop_frame
        length = src_out - src_in
        items.append({
            "id": f"search-{i}",
            "media": {"path": hit.path, "host_id": None, "rate": rate.as_pair(), "start_frame": f.start_frame,
                      "frames": total},
            "src_in": src_in, "src_out": src_out, "rec_in": rec, "rate": rate.as_pair(),
            "video_track": 1, "audio_track": 1, "media_type": "both" if f.has_video else "audio",
            "color": confidence_color(min(1.0, hit.score)), "score": round(hit.score, 4),
            "why": f"search: {query}", "line_ids": list(hit.line_ids), "setup": None, "alternates": [],
            "markers": [{"frame": 0, "color": MARKER_COLOR, "name": f"Search: {query}"[:80],
                         "note": f"{hit.timecode} {hit.speaker + ': ' if hit.speaker else ''}{hit.text}",
                         "duration": 1}],
        })
        rec += length
    tl_rate = tl_rate or Rate(25, 1)
    return {
        "schema": HOSTPLAN_SCHEMA,
        "timeline": {"name": name or f"Search results - {query}"[:120], "rate": tl_rate.as_pair(),
                     "start_frame": 0, "drop_frame": tl_drop},
        "items": items,
        "markers": [],
        "coverage": {},
        "warnings": warnings,
    }


def plan_for_hits(engine, query: str, hits: Sequence[SearchHit], handle_s: float = DEFAULT_HANDLE_S) -> dict:
    """:func:`results_plan` of ``hits`` (from ``engine``), reading their files from ``engine``."""
    files = {}
    for h in hits:
        if h.content_key and h.content_key not in files:
            f = engine.get_file(h.content_key)
            if f is not None:
                files[h.content_key] = f
    return results_plan(query, hits, files, handle_s=handle_s)
