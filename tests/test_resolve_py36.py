"""The Resolve adapter runs on the Python Resolve gives it: up to 20.x an installed python.org
3.6+ (HOST_API A1), so every adapter file (package and menu scripts) must be Python 3.6.

Grammar: ``ast.parse(src, feature_version=(3, 6))`` (it rejects the walrus, f-string ``=``,
positional-only parameters...) plus what that grammar check lets through: ``from __future__
import annotations`` (3.7), subscripted builtins or ``X | Y`` in annotations (3.9 / 3.10 at
run time), ``dataclasses`` (3.7) and a list of 3.7+ library calls. When a real Python 3.6 interpreter is on this machine
(pyenv's 3.6.x or ``python3.6``), every module is also imported and the entry points run there.
"""
import ast
import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RESOLVE = REPO / "hosts" / "resolve"
ADAPTER_FILES = sorted(p for p in RESOLVE.rglob("*.py") if "__pycache__" not in p.parts)

BUILTIN_GENERICS = {"list", "dict", "tuple", "set", "frozenset", "type"}
NEWER_MODULES = {"dataclasses", "contextvars", "importlib.resources", "zoneinfo", "graphlib", "tomllib"}
NEWER_TYPING = {"Literal", "Protocol", "TypedDict", "Final", "Annotated", "ParamSpec", "TypeAlias", "Self"}
NEWER_ATTRS = {"removeprefix", "removesuffix", "fromisoformat", "isqrt", "nullcontext", "cached_property",
               "get_running_loop", "create_task", "to_thread", "is_relative_to", "shlex_join", "prod", "dist"}
NEWER_KEYWORDS = {"capture_output", "text"}  # subprocess.run(capture_output=, text=) are 3.7


def _problems(path: Path):
    return _problems_in(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))


def _problems_in(src: str, rel: str):
    try:
        tree = ast.parse(src, rel, feature_version=(3, 6))
    except SyntaxError as exc:
        return ["%s:%s: not Python 3.6 grammar (%s)" % (rel, exc.lineno, exc.msg)]
    out = []

    def bad(node, what):
        out.append("%s:%d: %s" % (rel, getattr(node, "lineno", 0), what))

    def check_annotation(node):
        if node is None:
            return
        for sub in ast.walk(node):
            if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) and sub.value.id in BUILTIN_GENERICS:
                bad(sub, "subscripted builtin %s[...] in an annotation (3.9)" % sub.value.id)
            if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.BitOr):
                bad(sub, "X | Y in an annotation (3.10)")

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.module == "__future__" and any(a.name == "annotations" for a in node.names):
                bad(node, "from __future__ import annotations (3.7)")
            if node.module in NEWER_MODULES:
                bad(node, "imports %s" % node.module)
            if node.module == "typing":
                for a in node.names:
                    if a.name in NEWER_TYPING:
                        bad(node, "typing.%s (3.8+)" % a.name)
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name in NEWER_MODULES:
                    bad(node, "imports %s" % a.name)
        elif isinstance(node, ast.NamedExpr):
            bad(node, "walrus := (3.8)")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            check_annotation(node.returns)
            args = node.args
            for a in args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
                if a is not None:
                    check_annotation(a.annotation)
        elif isinstance(node, ast.AnnAssign):
            check_annotation(node.annotation)
        elif isinstance(node, ast.Attribute) and node.attr in NEWER_ATTRS:
            bad(node, ".%s (3.7+)" % node.attr)
        elif isinstance(node, ast.Name) and node.id in NEWER_ATTRS | {"breakpoint"}:
            bad(node, "%s (3.7+)" % node.id)
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg in NEWER_KEYWORDS:
                    bad(node, "keyword %s= (subprocess 3.7)" % kw.arg)
    return out


def test_adapter_files_exist():
    names = {p.name for p in ADAPTER_FILES}
    assert {"plan_apply.py", "edition.py", "readback.py", "Generate Rough Cut.py"} <= names


@pytest.mark.parametrize("path", ADAPTER_FILES, ids=[str(p.relative_to(RESOLVE)) for p in ADAPTER_FILES])
def test_adapter_file_is_python_36(path):
    assert _problems(path) == []


def test_the_checks_catch_newer_python():
    assert "not Python 3.6 grammar" in " ".join(_problems_in("if (y := 1):\n    pass\n", "walrus.py"))
    assert "not Python 3.6 grammar" in " ".join(_problems_in("y = 1\nz = f'{y=}'\n", "fstring.py"))
    found = " | ".join(_problems_in(
        "from __future__ import annotations\nfrom dataclasses import dataclass\nimport subprocess\n"
        "def f(x: list[int]) -> int | None:\n    return subprocess.run(['x'], capture_output=True)\n", "newer.py"))
    for what in ("__future__", "dataclasses", "list[...]", "X | Y", "capture_output"):
        assert what in found, (what, found)
    assert _problems_in("from typing import List\ndef f(x: List[int]) -> 'int':\n    return f'{x}'\n", "ok.py") == []


def _python36():
    for candidate in sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.6*/bin/python3.6"))) + [
            shutil.which("python3.6") or ""]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.mark.skipif(_python36() is None, reason="no Python 3.6 interpreter on this machine (pyenv 3.6.x or python3.6)")
def test_adapter_imports_and_runs_on_a_real_python_36(tmp_path):
    script = (
        "import sys, glob, os\n"
        "sys.dont_write_bytecode = True\n"
        "assert sys.version_info[:2] == (3, 6), sys.version\n"
        "import roughcut_resolve\n"
        "from roughcut_resolve import api, bin_read, bridge_client, edition, flow, media_map, plan_apply\n"
        "from roughcut_resolve import plan_decorate, rates, readback, ui\n"
        "for f in glob.glob(os.path.join('scripts', '*.py')):\n"
        "    compile(open(f).read(), f, 'exec')\n"
        "assert rates.frames_to_timecode(107892, (30000, 1001), True) == '01:00:00;00'\n"
        "assert plan_apply.start_timecode(108000, (30, 1), (24, 1), False) == (86400, '01:00:00:00')\n"
        "res = roughcut_resolve.main_generate(None, ui=ui.ConsoleUI(stream=open(os.devnull, 'w')))\n"
        "assert not res['ok'] and 'File > Import > Timeline' in res['error'], res\n"
        "print('py36 ok')\n")
    proc = subprocess.run([_python36(), "-c", script], cwd=RESOLVE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120)
    assert proc.returncode == 0 and "py36 ok" in proc.stdout, proc.stderr[-3000:]
