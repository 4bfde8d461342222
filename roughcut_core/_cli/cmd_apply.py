"""`roughcut apply --host premiere PLAN.json [--link-url http://127.0.0.1:3000]`.

Builds a host plan (``roughcut.hostplan/1``, from the bridge's ``/v1/jobs/{id}/plan``) as a
new sequence in a running Premiere Pro, through the Pymiere Link panel and the same
ExtendScript the CEP panel uses. Prints the summary (``--json`` for the raw document).
Exit 0 when the sequence was built, 1 when Premiere or the link is down or nothing was built.
"""
from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser("apply", help="build a host plan as a new timeline in a running NLE")
    p.add_argument("plan", help="a roughcut.hostplan/1 JSON file")
    p.add_argument("--host", choices=["premiere"], required=True, help="the NLE to build in")
    p.add_argument("--link-url", default=None, help="Pymiere Link URL (default http://127.0.0.1:3000)")
    p.add_argument("--jsx", default=None, help="use this roughcut.jsx instead of the bundled one")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.install.premiere_link import DEFAULT_LINK_URL, apply_plan_premiere
    from roughcut_core.paths import InputFileError, check_input_file

    try:
        check_input_file(args.plan, what="host plan file", allow_empty=False)  # never block on a FIFO
    except InputFileError as exc:
        raise InputFileError(exc.path, "plan file not found" if exc.reason == "file not found" else exc.reason) from None
    if args.jsx:
        check_input_file(args.jsx, what="ExtendScript file", allow_empty=False)
    summary = apply_plan_premiere(args.plan, link_url=args.link_url or DEFAULT_LINK_URL, jsx_path=args.jsx)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return 0
    seq = summary.get("sequence") or {}
    print(f"built sequence {seq.get('name')!r} (timebase {seq.get('timebase')} ticks/frame): "
          f"{summary.get('placed')} clips, {summary.get('alternates')} alternates, {summary.get('markers')} markers")
    for label in ("mismatches", "skipped", "warnings"):
        for line in summary.get(label) or []:
            print(f"  {label[:-1] if label != 'mismatches' else 'mismatch'}: {line}")
    return 0
