"""`roughcut probe MEDIA_OR_DIR... [--json]`: what each media file holds.

Prints a table (or, with ``--json``, a list of asset objects including ``path``). Every
file that cannot be used gets one stderr line naming it and the reason; the others are
still probed. Exit 0 when at least one file was usable, 2 when none was.
"""
from __future__ import annotations

import sys

from ._common_args import add_json_flag
from .common import find_media, print_json, progress, report_errors


def register(sub) -> None:
    p = sub.add_parser("probe", help="show rate, frames, timecode and streams of media files")
    p.add_argument("inputs", nargs="+", metavar="MEDIA_OR_DIR")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.media import probe_many

    paths, errors = find_media(args.inputs)
    assets = []
    for path in progress(paths, total=len(paths), desc="probing", unit="file"):
        found, failed = probe_many([path])
        assets += found
        errors += failed
    report_errors(errors)
    if args.json:
        print_json(assets)
    elif assets:
        _print_table(assets)
    if not assets:
        print("roughcut: no usable media", file=sys.stderr)
        return 2
    return 0


def _print_table(assets) -> None:
    from roughcut_core.errors import display_path

    rows = [("FILE", "RATE", "FRAMES", "SECONDS", "START TC", "SIZE", "ROT", "AUDIO", "NOTES")]
    for a in assets:
        audio = ", ".join(f"{s.channels}ch {s.sample_rate / 1000:g}k {s.codec}" for s in a.audio) or "-"
        notes = []
        if a.variable_frame_rate:
            notes.append("VFR")
        if a.field_order and a.field_order != "progressive":
            notes.append(f"interlaced ({a.field_order})")
        if a.hints.get("frame_count_estimated"):
            notes.append("frames estimated")
        rows.append((
            display_path(a.path),  # a newline in a file name must not break the table
            (f"{a.rate.fps:.3f}".rstrip("0").rstrip(".") if a.rate else "audio"),
            str(a.frame_count) if a.rate else "-",
            f"{a.duration:.3f}",
            a.start_timecode or "-",
            f"{a.width}x{a.height} {a.video_codec}" if a.rate else "-",
            str(a.rotation) if a.rate else "-",
            audio,
            ", ".join(notes) or "-",
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
