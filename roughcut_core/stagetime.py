"""Per-stage wall-clock and CPU seconds of one file's analysis or one scene's steps (issue 23).

Contract: ``StageTimer()`` is a small, per-call recorder (no global state). ``with
timer.stage("picture"): ...`` adds that block's wall seconds (``time.perf_counter``) and the
process's CPU seconds over the block (``time.process_time``: every thread of the process, so
a stage's decode, OpenMP and thread-pool helpers count) to the stage, also when the block
raises; ``as_dict()`` returns ``{stage: wall seconds}`` and ``cpu_dict()`` ``{stage: CPU
seconds}``, rounded to the millisecond, in first-use order. ``RoughCutPipeline.analyze_asset``
records "speech", "sound" and "picture" on ``AssetAnalysis.timings`` / ``cpu_timings``, and
``assemble`` its scene steps on ``CutResult.timings`` / ``cpu_timings``. Stages run on other
threads time themselves, so the seconds of overlapped stages may add up to more than the wall
time; and a stage's CPU seconds hold whatever else the process ran meanwhile, so they are a
stage's own only when nothing runs beside it (files analysed one after another:
``analyze_assets(workers=1)``, as ``bench speed --stage-cpu`` does).
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator, Optional


class StageTimer:
    """Accumulates wall and process-CPU seconds per named stage."""

    def __init__(self) -> None:
        self._seconds: dict[str, float] = {}
        self._cpu: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        tick, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - tick, time.process_time() - cpu)

    def add(self, name: str, seconds: float, cpu_seconds: Optional[float] = None) -> None:
        self._seconds[name] = self._seconds.get(name, 0.0) + float(seconds)
        if cpu_seconds is not None:
            self._cpu[name] = self._cpu.get(name, 0.0) + float(cpu_seconds)

    def as_dict(self) -> dict:
        return {k: round(v, 3) for k, v in self._seconds.items()}

    def cpu_dict(self) -> dict:
        return {k: round(v, 3) for k, v in self._cpu.items()}
