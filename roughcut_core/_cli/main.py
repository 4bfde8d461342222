"""`roughcut` command line. Private: it calls only the public ``roughcut_core`` API.

Each command lives in its own module here exposing ``register(subparsers)``, which adds a
subparser whose ``func(args) -> int`` runs it. Exit codes: 0 success, 1 failure, 2 nothing
usable in the input (bad paths, bad arguments).
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from roughcut_core import RoughcutError, __version__
from roughcut_core.errors import display_path

# One module per command; add new commands here.
COMMAND_MODULES = (
    "probe",
    "demo_scene",
    "cut",
    "serve",
    "app",
    "export",
    "render",
    "feedback",
    "bench",
    "faces",
    "transcribe",
    "align",
    "apply",
    "install",
    "train",
    "scene_gen",
    "doctor",
    "index",
    "search",
    "cutdown",
    "analyze",
    "ops",
    "models",
    "retrain",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="roughcut", description="AI rough-cut assistant.")
    parser.add_argument("--version", action="version", version=f"roughcut {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-vv: debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(f"roughcut_core._cli.cmd_{name}").register(sub)
    return parser


def _quiet_idle_blas_threads() -> None:
    """numpy's OpenBLAS threads spin for a while after each call, taking CPU from the other
    stages on a two-core machine; this asks them to sleep at once (a user's value is kept; the
    results do not change). Read once when numpy is first imported, so it runs before any
    command module is imported."""
    import os

    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")


def main(argv: list[str] | None = None) -> int:
    _quiet_idle_blas_threads()
    parser = build_parser()
    args = parser.parse_args(argv)
    from ._common_args import apply_gpu_flag

    try:
        apply_gpu_flag(args)
    except RoughcutError as exc:
        parser.error(f"--gpu: {exc}")
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except RoughcutError as exc:
        print(f"roughcut: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("roughcut: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `roughcut probe ... | head`: not an error worth a traceback
        return 1
    except OSError as exc:
        where = f"{display_path(exc.filename)}: " if getattr(exc, "filename", None) else ""
        print(f"roughcut: {where}{exc.strerror or _one_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # never a traceback for the user; -vv logs it
        logging.getLogger("roughcut").debug("unexpected error", exc_info=True)
        print(f"roughcut: unexpected error: {type(exc).__name__}: {_one_line(exc)} "
              f"(run with -vv for details)", file=sys.stderr)
        return 1


def _one_line(exc: BaseException) -> str:
    """The first non-empty line of an error message (library errors can span lines)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
