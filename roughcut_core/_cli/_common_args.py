"""Argument groups shared by several commands."""
from __future__ import annotations


def add_json_flag(p) -> None:
    p.add_argument("--json", action="store_true", help="print machine-readable JSON on stdout")


def add_analysis_args(p) -> None:
    g = p.add_argument_group("analysis")
    g.add_argument("--asr-model", default="tiny.en", type=_asr_model,
                   help="faster-whisper model name or local CTranslate2 folder (default: bundled tiny.en); "
                        "checked before any analysis, a folder is resolved against the current folder")
    g.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"), help="where models run")
    g.add_argument("--gpu", action="store_true",
                   help="GPU path: ASR on CUDA with large-v3-turbo (optional download) unless --asr-model "
                        "names another; fails with a clear message without CUDA or the model")
    g.add_argument("--cache-dir", default=None, help="analysis cache folder (default: user cache dir)")
    g.add_argument("--no-cache", action="store_true", help="analyse again, do not read or write the cache")


def _asr_model(value: str) -> str:
    from roughcut_core.modelcheck import asr_model_arg

    return asr_model_arg(value)


def apply_gpu_flag(args) -> None:
    """After parsing: ``--gpu`` sets ``args.device``/``args.asr_model`` (roughcut_core.gpu_path);
    RoughcutError says why the GPU path cannot run."""
    if getattr(args, "gpu", False):
        from roughcut_core.gpu_path import gpu_settings

        args.device, args.asr_model = gpu_settings(getattr(args, "asr_model", None))
