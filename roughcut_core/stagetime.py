"""Per-stage wall-clock seconds of one file's analysis (issue 23).

Contract: ``StageTimer()`` is a small, per-call recorder (no global state). ``with
timer.stage("picture"): ...`` adds that block's wall seconds (``time.perf_counter``) to the
stage, also when the block raises; ``as_dict()`` returns ``{stage: seconds}`` rounded to the
millisecond, in first-use order. ``RoughCutPipeline.analyze_asset`` records "speech", "sound"
and "picture" on ``AssetAnalysis.timings``; stages run on other threads time themselves, so the
seconds of overlapped stages may add up to more than the file's wall time.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator


class StageTimer:
    """Accumulates wall seconds per named stage."""

    def __init__(self) -> None:
        self._seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        tick = time.perf_counter()
        try:
            yield
        finally:
            self._seconds[name] = self._seconds.get(name, 0.0) + time.perf_counter() - tick

    def add(self, name: str, seconds: float) -> None:
        self._seconds[name] = self._seconds.get(name, 0.0) + float(seconds)

    def as_dict(self) -> dict:
        return {k: round(v, 3) for k, v in self._seconds.items()}
