"""The job runner: a few worker threads that take turns over the queued jobs, one step at a time.

Fairness: ready jobs wait in a FIFO ring. A worker takes the job at the head, runs *one*
step of it (probe; analyse the next ``executor.batch_size`` assets; assemble; write) and puts
it back at the tail, so a 50-clip job cannot starve a 1-clip job submitted after it. With the
default single worker, one analysis runs at a time (per model: see ``ModelPool``).

State is in the :class:`~bridge_server.store.JobStore` after every step; :meth:`start`
re-queues jobs a previous process left queued or running (resume), and a resumed job reloads
its done assets instead of analysing them again. Cancellation is checked between steps (an
analysis already running on one asset finishes first).

Wake-ups: the workers wait on their own condition, which only workers wait on, and
:meth:`submit` wakes *every* waiting worker (``notify_all``), so a submission can never be
absorbed by a thread that does not take jobs; the model reaper sleeps on a separate
``threading.Event`` (the stop signal). A job submitted to an idle runner starts at once.

Job stages: ``probe`` → ``analyse`` → ``assemble`` → ``write``; progress 0..1 with an ETA from
this run's seconds per media second.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Optional

from .jobwork import JobFailed, JobWork
from .store import TERMINAL, JobStore

log = logging.getLogger(__name__)


def _lower_thread_priority(nice: int) -> None:
    """Make this worker thread (and the compute threads it starts, which inherit it) nicer,
    so the HTTP threads stay responsive while analysis saturates the cores. Linux only:
    there ``setpriority`` on a thread id affects just that thread (elsewhere, the process)."""
    if nice <= 0 or not sys.platform.startswith("linux"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except OSError as exc:
        log.debug("could not lower worker priority: %s", exc)


class JobRunner:
    def __init__(self, store: JobStore, executor, cache, jobs_dir: Path, workers: int = 1,
                 pool=None, reap_every_s: float = 30.0, worker_nice: int = 10, allowed_roots=None,
                 search_index: Optional[str] = None):
        self.store = store
        self.executor = executor
        self.cache = cache
        self.jobs_dir = Path(jobs_dir)
        self.workers = max(1, int(workers))
        self.pool = pool
        self.reap_every_s = reap_every_s
        self.worker_nice = worker_nice
        self.allowed_roots = tuple(allowed_roots) if allowed_roots is not None else None
        self.search_index = search_index  # index URL every analysed file is added to (None: off)
        self._ready: deque[str] = deque()
        self._work: dict[str, JobWork] = {}
        self._cond = threading.Condition()  # workers only: the ready ring and busy count
        self._stop_event = threading.Event()  # the reaper sleeps on this, never on _cond
        self._stopping = False
        self._threads: list[threading.Thread] = []
        self.busy = 0

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> list[str]:
        """Re-queue interrupted jobs and start the workers; returns the resumed job ids."""
        resumed = self.store.requeue_interrupted()
        with self._cond:
            for job_id in resumed:
                if job_id not in self._ready:
                    self._ready.append(job_id)
        for n in range(self.workers):
            t = threading.Thread(target=self._loop, name=f"roughcut-job-{n}", daemon=True)
            t.start()
            self._threads.append(t)
        if self.pool is not None:
            t = threading.Thread(target=self._reap_loop, name="roughcut-model-reaper", daemon=True)
            t.start()
            self._threads.append(t)
        return resumed

    def stop(self, timeout: float = 10.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._stop_event.set()
        for t in self._threads:
            t.join(timeout)

    def submit(self, job_id: str) -> None:
        with self._cond:
            self._ready.append(job_id)
            self._cond.notify_all()

    def queued(self) -> int:
        with self._cond:
            return len(self._ready)

    # -- workers ------------------------------------------------------------------------
    def _loop(self) -> None:
        _lower_thread_priority(self.worker_nice)
        while True:
            with self._cond:
                while not self._ready and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                job_id = self._ready.popleft()
                self.busy += 1
            try:
                again = self._step(job_id)
            except Exception:  # never lose the worker; the job records the failure
                log.exception("job %s: unexpected error", job_id)
                again = False
            finally:
                with self._cond:
                    self.busy -= 1
            if again:
                with self._cond:
                    self._ready.append(job_id)
                    self._cond.notify_all()
            else:
                self._work.pop(job_id, None)

    def _reap_loop(self) -> None:
        while not self._stop_event.wait(self.reap_every_s):
            try:
                dropped = self.pool.drop_idle()
            except Exception:  # never lose the reaper
                log.exception("model reaper failed")
                continue
            if dropped:
                log.info("unloaded %d idle model set(s)", dropped)

    def _step(self, job_id: str) -> bool:
        """Run one step of a job; True when it has more to do."""
        job = self.store.get(job_id)
        if job is None or job["state"] in TERMINAL:
            return False
        if job["cancel"]:
            self.store.update(job_id, state="cancelled", stage="cancelled", eta_s=None, finished=time.time(),
                              message="cancelled")
            return False
        work = self._work.get(job_id)
        if work is None:
            work = JobWork(job_id, self.jobs_dir / job_id, job["request"], allowed_roots=self.allowed_roots)
            self._work[job_id] = work
        stage = "?"
        try:
            if not work.probed:
                stage = "probe"
                # a resumed job keeps the progress it had: progress never goes backwards
                self.store.update(job_id, state="running", stage="probe", progress=max(0.01, job["progress"]),
                                  started=job["started"] or time.time(), message="reading media and script")
                work.probe(self.store, str(self.cache.root))
                self.store.update(job_id, stage="analyse", progress=work.analysis_progress(),
                                  message=f"{len(work.pending)} of {len(work.assets)} clips to analyse")
                # the first turn also analyses the first batch, so a newly started job gets
                # its first clip done in its first turn, like every other job in the ring
            if work.pending:
                stage = "analyse"
                self._analyse_batch(work)
                return True
            stage = "assemble"
            self.store.update(job_id, stage="assemble", progress=0.92, eta_s=None,
                              message="aligning takes with the script and assembling")
            result = work.assemble(self.cache)
            stage = "write"
            self.store.update(job_id, stage="write", progress=0.97, message="writing plan, OTIO and review page")
            summary = work.write(result)
            self.store.update(job_id, state="done", stage="done", progress=1.0, eta_s=0.0, result=summary,
                              finished=time.time(), message="done")
            return False
        except JobFailed as exc:
            self._fail(job_id, stage, str(exc))
        except Exception as exc:
            log.exception("job %s failed in %s", job_id, stage)
            self._fail(job_id, stage, f"internal error while {stage}: {type(exc).__name__}: {exc}")
        return False

    def _analyse_batch(self, work: JobWork) -> None:
        batch = work.pending[: self.executor.batch_size]
        for idx in batch:
            self.store.start_asset(work.job_id, idx)
        self.store.update(work.job_id, message=f"analysing {Path(work.assets[batch[0]].path).name}"
                          + (f" and {len(batch) - 1} more" if len(batch) > 1 else ""))
        for pos, result, seconds in self.executor.analyze(work.options, [work.assets[i] for i in batch]):
            idx = batch[pos]
            work.pending.remove(idx)
            work.record_analysis(self.store, idx, result, seconds)
            self._index(work.job_id, result)
            self.store.update(work.job_id, progress=work.analysis_progress(), eta_s=work.eta())

    def _index(self, job_id: str, result) -> None:
        """Add an analysed file to the search index (issue 18); a failure there is logged, never
        fails the job."""
        if self.search_index is None or isinstance(result, BaseException) or result.transcript is None:
            return
        from roughcut_core.search.indexer import index_analysis

        note = index_analysis(result, url=self.search_index, cache=self.cache)
        if note:
            log.warning("job %s: %s", job_id, note)

    def _fail(self, job_id: str, stage: str, message: str) -> None:
        self.store.update(job_id, state="failed", stage=stage, error=message, eta_s=None,
                          finished=time.time(), message="failed")
