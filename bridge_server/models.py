"""Loaded models shared by all jobs of one bridge: one pipeline per analysis option set.

A :class:`roughcut_core.pipeline.RoughCutPipeline` holds the speech and picture models once
loaded. The pool hands the same pipeline to every job with the same analysis options
(ASR model, device, picture, sound quality) and a lock that serialises analyses on it (one
analysis at a time per model: on CPU, two at once only compete for the same cores).
:meth:`ModelPool.drop_idle` forgets pipelines unused for ``idle_s`` so their models are freed.
"""
from __future__ import annotations

import gc
import threading
import time
from dataclasses import dataclass, replace
from typing import Optional

from roughcut_core.cache import AnalysisCache


def analysis_key(options) -> tuple:
    """The options that change what analysis computes (edit options do not)."""
    return (options.asr_model, options.device, options.picture, options.audio_quality, options.use_cache)


@dataclass
class _Entry:
    pipeline: object
    lock: threading.Lock
    last_used: float


class ModelPool:
    def __init__(self, cache: AnalysisCache, idle_s: float = 600.0):
        self.cache = cache
        self.idle_s = idle_s
        self._entries: dict[tuple, _Entry] = {}
        self._lock = threading.Lock()

    def acquire(self, options) -> tuple[object, threading.Lock]:
        """The shared pipeline for these analysis options and the lock to hold while using it."""
        from roughcut_core.edit import EditOptions
        from roughcut_core.pipeline import RoughCutPipeline

        key = analysis_key(options)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                base = replace(options, edit=EditOptions(), cache_dir=str(self.cache.root))
                entry = _Entry(RoughCutPipeline(base, cache=self.cache), threading.Lock(), time.monotonic())
                self._entries[key] = entry
            entry.last_used = time.monotonic()
            return entry.pipeline, entry.lock

    def touch(self, options) -> None:
        with self._lock:
            entry = self._entries.get(analysis_key(options))
            if entry is not None:
                entry.last_used = time.monotonic()

    def loaded(self) -> list[dict]:
        """What is held now (for /v1/health): options and seconds since last use."""
        now = time.monotonic()
        with self._lock:
            return [{"asr_model": k[0], "device": k[1], "picture": k[2],
                     "idle_s": round(now - e.last_used, 1),
                     "speech_loaded": getattr(e.pipeline, "_speech", None) is not None,
                     "picture_loaded": getattr(e.pipeline, "_picture", None) is not None}
                    for k, e in self._entries.items()]

    def drop_idle(self, now: Optional[float] = None) -> int:
        """Forget pipelines idle longer than ``idle_s`` and not in use; returns how many."""
        now = time.monotonic() if now is None else now
        dropped = 0
        with self._lock:
            for key, entry in list(self._entries.items()):
                if now - entry.last_used >= self.idle_s and entry.lock.acquire(blocking=False):
                    try:
                        del self._entries[key]
                        dropped += 1
                    finally:
                        entry.lock.release()
        if dropped:
            gc.collect()
        return dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
        gc.collect()
