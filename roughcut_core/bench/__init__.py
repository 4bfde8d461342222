"""Benchmarks (`roughcut bench <area>`): each area module has ``run(argv) -> int`` printing a
markdown table (or JSON with ``--json``). Shared helpers here: peak memory and step timing.

Numbers are ratios measured in one run where possible (these machines are noisy): real-time
factor = media seconds / wall seconds, so higher is faster.
"""
from __future__ import annotations

import resource
import sys
import time
from contextlib import contextmanager
from typing import Iterator, Sequence


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@contextmanager
def timed(into: dict, key: str) -> Iterator[None]:
    """Add the wall seconds spent in the block to ``into[key]``."""
    tick = time.perf_counter()
    try:
        yield
    finally:
        into[key] = into.get(key, 0.0) + time.perf_counter() - tick


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    """A GitHub markdown table; floats get 3 significant decimals, None becomes '-'."""
    def cell(v):
        if v is None:
            return "-"
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 100 else f"{v:.1f}"
        return str(v)

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
