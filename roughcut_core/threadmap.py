"""Per-item work spread over a few threads, each with its own state (models), in input order.

Contract: ``thread_map(fn, items, workers=None, make_state=None) -> list[Outcome]``.
- ``fn(item, state)`` runs once per item; ``state`` is what ``make_state()`` returned for the
  thread running it (called lazily, at most once per worker thread; ``None`` without
  ``make_state``), so a model that is not thread-safe (a TFLite interpreter) is never shared.
- The result list is in input order, one :class:`Outcome` per item: ``ok`` with ``value``, or
  not ``ok`` with the ``error`` the call raised (any ``Exception``: the caller decides what a
  failure means; ``KeyboardInterrupt`` and other ``BaseException`` stop the whole map).
- ``workers``: default :func:`roughcut_core.cputhreads.cpu_threads` (``$OMP_NUM_THREADS`` or the
  cores this process may use), never more than the items; ``workers <= 1`` runs every item on
  the calling thread with one state, exactly as a plain loop would.
- Worth it where the work releases the GIL (TFLite, OpenCV, dlib, PyAV decoding, large numpy
  operations). Each item's result depends only on the item and a fresh-equivalent state, so the
  results equal the plain loop's; only the order in which items *start* changes.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional


@dataclass(frozen=True)
class Outcome:
    ok: bool
    value: Any = None
    error: Optional[BaseException] = None


def default_workers() -> int:
    from .cputhreads import cpu_threads

    return cpu_threads()


def thread_map(fn: Callable[[Any, Any], Any], items: Iterable, workers: Optional[int] = None,
               make_state: Optional[Callable[[], Any]] = None) -> list[Outcome]:
    items = list(items)
    workers = min(default_workers() if workers is None else int(workers), len(items))
    local = threading.local()

    def state():
        if make_state is None:
            return None
        if not hasattr(local, "state"):
            local.state = make_state()
        return local.state

    def one(item) -> Outcome:
        try:
            return Outcome(True, fn(item, state()))
        except Exception as exc:  # reported per item
            return Outcome(False, error=exc)

    if workers <= 1:
        return [one(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="roughcut-map") as pool:
        futures = [pool.submit(one, item) for item in items]
        try:
            return [f.result() for f in futures]
        except BaseException:
            for f in futures:  # Ctrl-C: start no more items
                f.cancel()
            raise
