"""Helpers shared by CLI commands: JSON output, per-file error lines, progress bars."""
from __future__ import annotations

import json
import sys
from typing import Any, Iterable

from roughcut_core.serialize import to_jsonable


def print_json(data: Any) -> None:
    json.dump(to_jsonable(data), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def report_errors(errors: Iterable[Exception]) -> int:
    """One line per bad input on stderr; returns how many there were."""
    n = 0
    for err in errors:
        print(f"roughcut: {err}", file=sys.stderr)
        n += 1
    return n


def find_media(inputs) -> tuple[list, list]:
    """:func:`~roughcut_core.media.discover_media` for a command: (media paths, errors). The
    sidecars a folder held (transcripts, .rttm, .edl...) are skipped quietly: one summary line
    on stderr says how many, instead of one error line each."""
    from roughcut_core.media import scan_media

    scan = scan_media(inputs)
    if scan.sidecars:
        print(f"roughcut: {scan.summary()}", file=sys.stderr)
    return list(scan.found), list(scan.errors)


def sidecar_summary(inputs) -> str:
    """The sidecars line of :func:`find_media` for a command that discovers media elsewhere
    (``roughcut index``): "" when the folders held none. It only lists folders."""
    from roughcut_core.media import scan_media

    return scan_media(inputs).summary()


def probed(paths, errors: list, desc: str):
    """(path, asset) for each of ``paths`` the probe accepts, under one progress bar; each file
    it refuses adds the probe's reason to ``errors`` (never raw FFmpeg errno text)."""
    from roughcut_core.media import probe_many

    for path in progress(paths, total=len(paths), desc=desc, unit="file"):
        assets, failed = probe_many([path])
        errors += failed
        if assets:
            yield path, assets[0]


def analysis_error(path, exc: Exception):
    """The error line of a file whose analysis raised ``exc``: a MediaError as it is, anything
    else as "could not be analysed (Type: first line)" (one odd file must not stop the batch)."""
    from roughcut_core.errors import MediaError

    if isinstance(exc, MediaError):
        return exc
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return MediaError(path, f"could not be analysed ({type(exc).__name__}: {first})")


def progress(iterable=None, total=None, desc: str = "", unit: str = "it"):
    """A tqdm bar on stderr, shown only on a terminal (quiet in pipes and tests)."""
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, unit=unit, file=sys.stderr,
                disable=not sys.stderr.isatty(), leave=False)


def read_timeline(path):
    """The OTIO Timeline at ``path``, checked first (regular readable file: never a FIFO),
    else a one-line RoughcutError naming the file: unreadable, not OTIO, or an OTIO document
    of another kind (a Clip, a collection, a JSON list...)."""
    import opentimelineio as otio

    from roughcut_core.errors import RoughcutError, display_path
    from roughcut_core.paths import check_input_file

    check_input_file(path, what="timeline file", allow_empty=False)
    try:
        obj = otio.adapters.read_from_file(str(path))
    except Exception as exc:  # the adapters raise many types; the reason is what matters
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise RoughcutError(f"{display_path(path)}: cannot read the timeline: {first}") from None
    if not isinstance(obj, otio.schema.Timeline):
        kind = getattr(obj, "schema_name", lambda: type(obj).__name__)()
        kind = "list (JSON array)" if kind == "AnyVector" or isinstance(obj, list) else kind
        raise RoughcutError(f"{display_path(path)}: not a timeline: the file holds an OTIO {kind}, "
                            "expected a Timeline")
    return obj
