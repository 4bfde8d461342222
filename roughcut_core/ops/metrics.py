"""Prometheus metrics of one bridge process, on a per-instance ``CollectorRegistry``.

:class:`BridgeMetrics` owns the registry (never the global default one) and observes the
bridge by wrapping the methods of *its own instances* (the job store, the analysis cache,
the model pool) once :meth:`BridgeMetrics.attach` is called — no module or class is
patched. Instruments:

* ``roughcut_jobs{state}`` — jobs by state (read from the job store at scrape time)
* ``roughcut_queue_length`` / ``roughcut_workers_busy``
* ``roughcut_stage_seconds{stage}`` — histogram of stage durations (probe/analyse/assemble/write)
* ``roughcut_stage_realtime_factor{stage}`` — last stage seconds ÷ seconds of media in the job
* ``roughcut_model_load_seconds`` — histogram of model-pipeline set-up times
* ``roughcut_process_resident_bytes``, ``roughcut_gpu_memory_bytes{device}`` (torch.cuda only
  when torch is already imported and CUDA is available)
* ``roughcut_errors_total{kind}`` — failed jobs by the stage they failed in
* ``roughcut_cache_requests_total{result}`` and ``roughcut_cache_hit_ratio``
* ``roughcut_acceptance_ratio{show,outcome}`` and ``roughcut_drift_score{show}`` — from the
  stores of :mod:`roughcut_core.ops.acceptance` and :mod:`roughcut_core.ops.drift`, if given.
"""
from __future__ import annotations

import sys
import threading
import time
from typing import Callable, Optional

STAGES = ("probe", "analyse", "assemble", "write")
STAGE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)


def resident_bytes() -> int:
    """Resident set size of this process (Linux /proc; else ru_maxrss as an upper bound)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            import os

            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return rss if sys.platform == "darwin" else rss * 1024


def gpu_memory() -> dict:
    """device index → bytes allocated by torch, only when torch is loaded and CUDA present."""
    torch = sys.modules.get("torch")
    try:
        if torch is None or not torch.cuda.is_available():
            return {}
        return {str(i): int(torch.cuda.memory_allocated(i)) for i in range(torch.cuda.device_count())}
    except Exception:
        return {}


def media_seconds(paths) -> float:
    """Summed container durations of ``paths`` (PyAV; unreadable files count 0)."""
    total = 0.0
    for p in paths:
        try:
            import av

            with av.open(str(p)) as c:
                if c.duration:
                    total += c.duration / 1_000_000
        except Exception:
            continue
    return total


class BridgeMetrics:
    """The metrics of one bridge app (``app.state.metrics``)."""

    def __init__(self, acceptance: Optional[Callable[[], dict]] = None,
                 drift: Optional[Callable[[], dict]] = None):
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.stage_seconds = Histogram("roughcut_stage_seconds", "Duration of a job stage", ["stage"],
                                       buckets=STAGE_BUCKETS, registry=r)
        self.rtf = Gauge("roughcut_stage_realtime_factor",
                         "Last job's stage seconds per second of media (lower is faster)", ["stage"], registry=r)
        self.model_load = Histogram("roughcut_model_load_seconds", "Time to set up a model pipeline",
                                    buckets=STAGE_BUCKETS, registry=r)
        self.errors = Counter("roughcut_errors", "Failed jobs by kind (the stage they failed in)", ["kind"],
                              registry=r)
        self.cache_requests = Counter("roughcut_cache_requests", "Analysis-cache look-ups", ["result"], registry=r)
        self.jobs = Gauge("roughcut_jobs", "Jobs by state", ["state"], registry=r)
        self.queue = Gauge("roughcut_queue_length", "Jobs waiting for a worker", registry=r)
        self.busy = Gauge("roughcut_workers_busy", "Workers running a job", registry=r)
        self.memory = Gauge("roughcut_process_resident_bytes", "Resident memory of the bridge", registry=r)
        self.gpu = Gauge("roughcut_gpu_memory_bytes", "GPU memory allocated by torch", ["device"], registry=r)
        self.hit_ratio = Gauge("roughcut_cache_hit_ratio", "Analysis-cache hits / look-ups", registry=r)
        self.acceptance_ratio = Gauge("roughcut_acceptance_ratio", "Share of decisions by editor outcome",
                                      ["show", "outcome"], registry=r)
        self.drift_score = Gauge("roughcut_drift_score", "Largest drift score of the show's last material",
                                 ["show"], registry=r)
        self._acceptance, self._drift = acceptance, drift
        self._store = self._runner = None
        self._stage_started: dict = {}
        self._media_s: dict = {}
        self._lock = threading.Lock()
        self._hits = self._lookups = 0

    # -- observation ----------------------------------------------------------------------
    def attach(self, store=None, runner=None, cache=None, pool=None) -> None:
        """Observe these instances (wrapping their own bound methods; idempotent per instance)."""
        self._store, self._runner = store, runner
        if store is not None and not getattr(store, "_rc_metrics", False):
            store.update = self._wrap_update(store.update)
            store._rc_metrics = True
        if cache is not None and not getattr(cache, "_rc_metrics", False):
            cache.get = self._wrap_cache_get(cache.get)
            cache._rc_metrics = True
        if pool is not None and not getattr(pool, "_rc_metrics", False):
            pool.acquire = self._wrap_acquire(pool, pool.acquire)
            pool._rc_metrics = True

    def _wrap_update(self, update):
        def observed(job_id, **fields):
            update(job_id, **fields)
            try:
                self.on_job_update(job_id, fields)
            except Exception:  # metrics never break a job
                pass
        return observed

    def on_job_update(self, job_id: str, fields: dict, now: Optional[float] = None) -> None:
        """Close the previous stage of ``job_id`` when its stage changes; count failures."""
        now = time.monotonic() if now is None else now
        stage, state = fields.get("stage"), fields.get("state")
        with self._lock:
            prev = self._stage_started.get(job_id)
            if stage is not None and (prev is None or prev[0] != stage):
                if prev is not None and prev[0] in STAGES:
                    secs = now - prev[1]
                    self.stage_seconds.labels(prev[0]).observe(secs)
                    self._stage_rtf(job_id, prev[0], secs)
                self._stage_started[job_id] = (stage, now)
            if state == "failed":
                self.errors.labels(str(fields.get("stage") or "unknown")).inc()
            if state in ("done", "failed", "cancelled"):
                self._stage_started.pop(job_id, None)
                self._media_s.pop(job_id, None)

    def _stage_rtf(self, job_id: str, stage: str, secs: float) -> None:
        if self._store is None:
            return
        media = self._media_s.get(job_id)
        if media is None:
            media = media_seconds(a["path"] for a in self._store.assets(job_id))
            self._media_s[job_id] = media
        if media > 0:
            self.rtf.labels(stage).set(secs / media)

    def _wrap_cache_get(self, get):
        def observed(*args, **kwargs):
            value = get(*args, **kwargs)
            self.on_cache_lookup(value is not None)
            return value
        return observed

    def on_cache_lookup(self, hit: bool) -> None:
        self.cache_requests.labels("hit" if hit else "miss").inc()
        with self._lock:
            self._lookups += 1
            self._hits += int(hit)

    def _wrap_acquire(self, pool, acquire):
        def observed(options):
            before = len(getattr(pool, "_entries", {}))
            t0 = time.monotonic()
            out = acquire(options)
            if len(getattr(pool, "_entries", {})) > before:
                self.model_load.observe(time.monotonic() - t0)
            return out
        return observed

    # -- exposition ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the live gauges (job counts, queue, memory, acceptance, drift)."""
        if self._store is not None:
            from collections import Counter as _C

            counts = _C(j["state"] for j in self._store.list(limit=100000))
            for state in ("queued", "running", "done", "failed", "cancelled"):
                self.jobs.labels(state).set(counts.get(state, 0))
        if self._runner is not None:
            self.queue.set(self._runner.queued())
            self.busy.set(getattr(self._runner, "busy", 0))
        self.memory.set(resident_bytes())
        for dev, used in gpu_memory().items():
            self.gpu.labels(dev).set(used)
        with self._lock:
            self.hit_ratio.set(self._hits / self._lookups if self._lookups else 0.0)
        for source, apply in ((self._acceptance, self._apply_acceptance), (self._drift, self._apply_drift)):
            if source is not None:
                try:
                    apply(source())
                except Exception:
                    pass

    def _apply_acceptance(self, per_show: dict) -> None:
        for show, summary in per_show.items():
            for outcome, share in (summary.get("shares") or {}).items():
                self.acceptance_ratio.labels(show, outcome).set(share)

    def _apply_drift(self, per_show: dict) -> None:
        for show, report in per_show.items():
            self.drift_score.labels(show).set(float(report.get("max_score", 0.0)))

    def exposition(self) -> bytes:
        from prometheus_client import generate_latest

        self.refresh()
        return generate_latest(self.registry)

    def snapshot(self) -> dict:
        """The same numbers as a JSON-able dict (for the status page)."""
        self.refresh()
        out: dict = {}
        for family in self.registry.collect():
            for s in family.samples:
                if s.name.endswith("_created"):
                    continue
                key = s.name + ("{" + ",".join(f"{k}={v}" for k, v in sorted(s.labels.items())) + "}"
                                if s.labels else "")
                out[key] = s.value
        return out
