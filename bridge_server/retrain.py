"""Scheduled retraining in the bridge (issue 21), off by default.

Turn it on with ``"retrain_interval_s": SECONDS`` in the bridge's ``settings.json`` (absent or
0: off). Every interval, each show whose feedback-pair log grew since the last round is
retrained with :func:`roughcut_core.learn.registry.retrain` (train on its lines, evaluate on
held-out lines, register, promote only if better). The outcome of each round per show is kept
in memory (:attr:`RetrainScheduler.last`) for ``/v1/status``. One thread per bridge; ``stop()``
ends it. Errors of one show are recorded and never stop the others.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Optional

log = logging.getLogger(__name__)


def interval_from_settings(config_dir) -> float:
    from .config import read_settings

    try:
        value = float(read_settings(config_dir).get("retrain_interval_s") or 0)
    except (TypeError, ValueError):
        log.warning("settings.json: retrain_interval_s must be a number of seconds; retraining stays off")
        return 0.0
    return max(0.0, value)


class RetrainScheduler:
    def __init__(self, interval_s: float, ops_dir=None, preferences_dir=None):
        self.interval_s = float(interval_s)
        self.ops_dir, self.preferences_dir = ops_dir, preferences_dir
        self.last: dict = {}
        self._seen: dict = {}
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def start(self) -> "RetrainScheduler":
        if self.interval_s > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="roughcut-retrain", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.run_once()

    def run_once(self) -> dict:
        """One round over the shows with new feedback; returns ``show → outcome``."""
        from roughcut_core.learn.registry import PairLog, retrain

        log_ = PairLog(self.ops_dir)
        shows = sorted(p.stem for p in log_.root.glob("*.jsonl")) if log_.root.is_dir() else []
        done = {}
        for show in shows:
            size = (log_.root / f"{show}.jsonl").stat().st_size
            if self._seen.get(show) == size:
                continue
            try:
                r = retrain(show, root=self.ops_dir, preferences_dir=self.preferences_dir)
            except Exception as exc:
                r = {"show": show, "error": str(exc) or type(exc).__name__}
            r["time"] = time.time()
            self._seen[show] = size
            self.last[show] = done[show] = r
            log.info("retrain %s: %s", show, r.get("reason") or r.get("error"))
        return done
