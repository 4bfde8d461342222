"""How many CPU threads this process should give a compute library (CTranslate2, torch, OpenCV).

Contract: :func:`cpu_threads` is ``$OMP_NUM_THREADS`` when it is set to a positive integer (Ray
sets it to a task's CPU share in its workers; a facility may set it per job), else the number of
cores this process may run on (``sched_getaffinity``), else ``os.cpu_count()``, never below 1.
Without OMP_NUM_THREADS the answer is the same as before this module existed, so the local
path does not change.
"""
from __future__ import annotations

import os
from typing import Mapping, Optional


def cpu_threads(environ: Optional[Mapping[str, str]] = None) -> int:
    """Threads for one compute library in this process (see the module docstring)."""
    env = os.environ if environ is None else environ
    raw = (env.get("OMP_NUM_THREADS") or "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)
