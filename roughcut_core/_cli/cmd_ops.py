"""`roughcut ops acceptance|drift`: how roughcut is doing on a show (issue 21).

* ``roughcut ops acceptance --show NAME [--json]`` — shares of decisions kept / trimmed /
  swapped (by alternate rank) / dropped, overall, per style preset and per ISO week, from the
  records ``roughcut feedback`` stores (plus the web app's swaps/drops with ``--web-log``).
* ``roughcut ops drift --show NAME CUT_JSON... [--set-reference] [--json]`` — score the
  readings of ``roughcut cut --json`` outputs against the show's reference distributions
  (PSI/KS); exit 0 with warnings when over the threshold. ``--set-reference`` stores them as the
  reference instead.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ._common_args import add_json_flag
from .common import print_json


def register(sub) -> None:
    p = sub.add_parser("ops", help="operating metrics: acceptance of decisions, input drift")
    ops = p.add_subparsers(dest="ops_command", metavar="WHAT")
    ops.required = True
    a = ops.add_parser("acceptance", help="what editors did with roughcut's decisions")
    a.add_argument("--show", default=None, help="one show (default: every show with records)")
    a.add_argument("--ops-dir", help="where operating records live (default: user data dir / $ROUGHCUT_OPS_DIR)")
    a.add_argument("--web-log", help="also count the web app's swaps/drops from this feedback.jsonl")
    add_json_flag(a)
    a.set_defaults(func=run_acceptance)
    d = ops.add_parser("drift", help="drift of new material against the show's reference")
    d.add_argument("cut_json", nargs="+", help="outputs of `roughcut cut --json` (readings and signals)")
    d.add_argument("--show", required=True)
    d.add_argument("--ops-dir")
    d.add_argument("--set-reference", action="store_true", help="store these as the show's reference")
    add_json_flag(d)
    d.set_defaults(func=run_drift)


def run_acceptance(args) -> int:
    from roughcut_core.ops.acceptance import AcceptanceStore, summarize, web_records

    store = AcceptanceStore(args.ops_dir)
    shows = [args.show] if args.show else store.shows()
    out = {}
    for show in shows:
        records = store.load(show)
        if args.web_log:
            records += web_records(Path(args.web_log), show)
        out[show] = summarize(records)
    if args.json:
        print_json({"shows": out})
        return 0
    if not out:
        print("no acceptance records yet (run `roughcut feedback GENERATED EDITED --show NAME`)")
    for show, s in out.items():
        sh = s["shares"]
        print(f"{show}: {s['decisions']} decisions, acceptance {s['acceptance']:.1%} "
              f"(kept {sh['kept']:.1%}, trimmed {sh['trimmed']:.1%}, swapped {sh['swapped']:.1%}, "
              f"dropped {sh['dropped']:.1%}); swaps by rank {s['swap_ranks'] or '-'}")
        for preset, ps in s["by_preset"].items():
            print(f"  preset {preset}: acceptance {ps['acceptance']:.1%} of {ps['decisions']}")
        for wk in s["over_time"]:
            print(f"  {wk['week']}: acceptance {wk['acceptance']:.1%} of {wk['decisions']}")
    return 0


def _profile_from_cut_json(paths) -> dict:
    """Numeric profile from `roughcut cut --json` readings (alignment score, SNR, speech rate)."""
    from roughcut_core.errors import RoughcutError, display_path

    prof: dict = {"alignment_score": [], "snr_db": [], "speech_rate_wps": []}
    for p in paths:
        try:
            doc = json.loads(Path(p).read_text(encoding="utf-8"))
            readings = doc["readings"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RoughcutError(f"{display_path(p)}: not a `roughcut cut --json` output: {exc}") from None
        for r in readings:
            prof["alignment_score"].append(float(r["score"]))
            sig = r.get("signals") or {}
            if isinstance(sig.get("snr_db"), (int, float)):
                prof["snr_db"].append(float(sig["snr_db"]))
            if isinstance(sig.get("speech_rate_wps"), (int, float)):
                prof["speech_rate_wps"].append(float(sig["speech_rate_wps"]))
    return {k: v for k, v in prof.items() if v}


def run_drift(args) -> int:
    from roughcut_core.ops.drift import DriftStore

    store = DriftStore(args.ops_dir)
    profile = _profile_from_cut_json(args.cut_json)
    if args.set_reference:
        store.set_reference(args.show, profile)
        report = {"reference_set": True, "features": {k: len(v) for k, v in profile.items()}}
    else:
        report = store.check(args.show, profile)
    if args.json:
        print_json({"show": args.show, **report})
        return 0
    for w in report.get("warnings", []):
        print(f"roughcut: {args.show}: {w}", file=sys.stderr)
    print(f"{args.show}: drift score {report.get('max_score', 0.0):.3f}"
          + (" (reference stored)" if report.get("reference_set") or report.get("reference_created") else ""))
    return 0
