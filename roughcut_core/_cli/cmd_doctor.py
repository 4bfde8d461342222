"""`roughcut doctor [--quick] [--json]`: check the install and say what to fix.

Checks models (present and loadable), FFmpeg features (PyAV decoders/encoders), the cache,
preferences and bridge folders (writable), the bridge (running and answering) and the host
integrations (Resolve menu scripts, Premiere panel). Prints one line per check with the fix;
``--json`` prints ``{"ok", "counts": {"ok", "warn", "fail"}, "python", "checks": [{"name",
"status", "detail", "fix", "seconds"}]}``. Exit 0 when nothing failed (warnings allowed), 1
otherwise.
"""
from __future__ import annotations

from ._common_args import add_json_flag
from .common import print_json


def register(sub) -> None:
    p = sub.add_parser("doctor", help="check the install (models, ffmpeg, folders, bridge, hosts) and say what to fix")
    p.add_argument("--quick", action="store_true", help="check model files are present without loading them")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.doctor import run_checks, summary

    checks = run_checks(quick=args.quick)
    result = summary(checks)
    if args.json:
        print_json(result)
    else:
        marks = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}
        for c in checks:
            print(f"[{marks[c.status]}] {c.name}: {c.detail}")
            if c.fix and c.status != "ok":
                print(f"       fix: {c.fix}")
        n = result["counts"]
        print(f"{n['ok']} ok, {n['warn']} warnings, {n['fail']} failed")
    return 0 if result["ok"] else 1
