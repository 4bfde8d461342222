"""Where per-asset analysis runs: in the bridge process, or as tasks on a Ray cluster.

Both executors have one interface::

    executor.batch_size                      # assets the runner hands over per step
    executor.analyze(options, assets)        # -> iterator of (index, AssetAnalysis | Exception, seconds)
    executor.describe() -> dict              # for /v1/health
    executor.close()

``analyze`` yields results as they finish (any order); an exception is yielded, not raised,
so one bad file never stops the others. Both run the same options on the same files and
produce the same analyses: :class:`RayExecutor` ``RoughCutPipeline.analyze_asset`` per task,
:class:`LocalExecutor` ``analyze_assets`` (its per-file results equal ``analyze_asset``'s). ``import ray`` happens only inside :class:`RayExecutor`.
:class:`RayExecutor` also keeps ``task_stats`` (index -> the worker's pid, CPU seconds, peak
RSS and thread settings for that task) of its last ``analyze`` call, for benchmarks; its
workers give torch/OpenCV (and CTranslate2, via ``roughcut_core.cputhreads``) their CPU share.
"""
from __future__ import annotations

import functools
import time
from typing import Iterator, Optional, Sequence

from .models import ModelPool


class LocalExecutor:
    """Analyses in this process with the pool's shared models, ``batch_size`` assets per step
    through ``RoughCutPipeline.analyze_assets``, so the next file's sound (ASR releases the
    GIL) overlaps this file's picture, as in `roughcut cut`. The pipeline's lock is held for the
    step's analysis only; results are yielded after it, in input order, each with the seconds
    since the previous one finished. Should the batch call raise, the assets it left unanalysed
    are analysed one by one, each failure yielded for its own asset."""

    batch_size = 2  # two files per step: sound of the second runs under the picture of the first

    def __init__(self, pool: ModelPool):
        self.pool = pool

    def analyze(self, options, assets: Sequence) -> Iterator[tuple[int, object, float]]:
        pipeline, lock = self.pool.acquire(options)
        done: dict[int, tuple[object, float]] = {}
        with lock:
            tick = [time.perf_counter()]

            def finished(i, result):
                now = time.perf_counter()
                done[i] = (result, now - tick[0])
                tick[0] = now

            try:
                pipeline.analyze_assets(list(assets), on_done=finished)
            except Exception:  # reported per asset below; the job goes on
                for i, asset in enumerate(assets):
                    if i in done:
                        continue
                    try:
                        finished(i, pipeline.analyze_asset(asset))
                    except Exception as exc:
                        finished(i, exc)
        self.pool.touch(options)
        for i in sorted(done):
            yield i, done[i][0], done[i][1]

    def describe(self) -> dict:
        return {"kind": "local"}

    def close(self) -> None:
        self.pool.clear()


def _limit_worker_threads() -> int:
    """Give torch and OpenCV this worker's CPU share (:func:`roughcut_core.cputhreads.cpu_threads`:
    ``$OMP_NUM_THREADS``, which Ray sets to the task's ``num_cpus``), so N one-CPU workers on a
    node run N x 1 compute threads, not N x every core. CTranslate2 reads the same value in
    ``speech.asr_model.load_whisper``. Returns the thread count."""
    from roughcut_core.cputhreads import cpu_threads

    n = cpu_threads()
    try:
        import torch

        if torch.get_num_threads() != n:
            torch.set_num_threads(n)
    except ImportError:
        pass
    try:
        import cv2

        cv2.setNumThreads(n)
    except ImportError:
        pass
    return n


@functools.lru_cache(maxsize=2)
def _worker_pipeline(options, cache_dir: str):
    """One pipeline per option set per Ray worker process, so a worker loads its models once."""
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.pipeline import RoughCutPipeline

    _limit_worker_threads()
    return RoughCutPipeline(options, cache=AnalysisCache(cache_dir, enabled=options.use_cache))


def _worker_stats(cpu0: float) -> dict:
    """What one task cost its worker process: CPU seconds (all threads), peak RSS (VmHWM) and
    the thread settings it ran with."""
    import os

    stats = {"pid": os.getpid(), "cpu_s": time.process_time() - cpu0, "peak_rss_mb": None,
             "omp_num_threads": os.environ.get("OMP_NUM_THREADS"), "nice": os.nice(0)}
    try:
        for line in open("/proc/self/status", encoding="ascii", errors="replace"):
            if line.startswith("VmHWM:"):
                stats["peak_rss_mb"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import sys

        if "torch" in sys.modules:
            stats["torch_threads"] = sys.modules["torch"].get_num_threads()
    except Exception:  # statistics only
        pass
    return stats


def _analyze_on_worker(options, cache_dir: str, asset):
    tick, cpu0 = time.perf_counter(), time.process_time()
    pipeline = _worker_pipeline(options, cache_dir)
    _limit_worker_threads()  # again per task: a library may have raised it since
    result = pipeline.analyze_asset(asset)
    return result, time.perf_counter() - tick, _worker_stats(cpu0)


class RayExecutor:
    """Runs each asset's analysis as a Ray task on an existing cluster (``address``).

    Tasks ask for ``gpus_per_task`` GPUs (default: 1 when the cluster has GPUs and the
    options do not force the CPU, else 0) and ``cpus_per_task`` CPUs (default 1; Ray sets a
    worker's OMP_NUM_THREADS to its share, and CTranslate2, torch and OpenCV follow it unless
    the node's environment already sets OMP_NUM_THREADS). The analysis cache directory must be
    reachable by the workers (same machine, or a shared file system) for cache hits to count.
    """

    def __init__(self, address: str, cache_dir: str, gpus_per_task: Optional[float] = None,
                 batch_size: int = 8, runtime_env: Optional[dict] = None, cpus_per_task: float = 1.0):
        import ray

        self._ray = ray
        self._owns_connection = not ray.is_initialized()
        if self._owns_connection:
            ray.init(address=address, ignore_reinit_error=True, log_to_driver=False,
                     runtime_env=runtime_env)
        self.address = address
        self.cache_dir = str(cache_dir)
        self.batch_size = batch_size
        cluster_gpus = float(ray.cluster_resources().get("GPU", 0))
        self.cluster_gpus = cluster_gpus
        self._gpus = gpus_per_task
        self.cpus_per_task = float(cpus_per_task)
        self._remote = ray.remote(_analyze_on_worker)
        self.task_stats: dict = {}  # index -> worker stats (_worker_stats) of the last analyze call

    def gpus_for(self, options) -> float:
        if self._gpus is not None:
            return float(self._gpus)
        return 1.0 if self.cluster_gpus > 0 and options.device != "cpu" else 0.0

    def analyze(self, options, assets: Sequence) -> Iterator[tuple[int, object, float]]:
        ray = self._ray
        task = self._remote.options(num_cpus=self.cpus_per_task, num_gpus=self.gpus_for(options), max_retries=1)
        pending = {task.remote(options, self.cache_dir, a): i for i, a in enumerate(assets)}
        self.task_stats = {}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            ref = done[0]
            idx = pending.pop(ref)
            try:
                result, seconds, self.task_stats[idx] = ray.get(ref)
            except Exception as exc:  # a failed task is one asset's error
                cause = getattr(exc, "cause", None)
                result, seconds = (cause if isinstance(cause, Exception) else exc), 0.0
            yield idx, result, seconds

    def describe(self) -> dict:
        return {"kind": "ray", "address": self.address, "cluster_gpus": self.cluster_gpus,
                "cpus_per_task": self.cpus_per_task}

    def close(self) -> None:
        if self._owns_connection:  # leave a connection someone else made (e.g. a test) alone
            self._ray.shutdown()
