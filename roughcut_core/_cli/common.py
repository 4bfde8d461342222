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


def progress(iterable=None, total=None, desc: str = "", unit: str = "it"):
    """A tqdm bar on stderr, shown only on a terminal (quiet in pipes and tests)."""
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, unit=unit, file=sys.stderr,
                disable=not sys.stderr.isatty(), leave=False)
