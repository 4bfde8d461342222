"""`roughcut retrain --show NAME [--json]`: train the show's ranker from accumulated feedback,
evaluate it on held-out lines against the current version, register it and promote it only if
it is better (exit 0 promoted, 1 refused — the numbers are printed either way)."""
from __future__ import annotations

from ._common_args import add_json_flag
from .common import print_json


def register(sub) -> None:
    p = sub.add_parser("retrain", help="retrain the show's ranker from feedback; promote only if better")
    p.add_argument("--show", default="default")
    p.add_argument("--ops-dir")
    p.add_argument("--preferences-dir")
    p.add_argument("--no-promote", action="store_true", help="register and evaluate only")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.learn.registry import retrain

    r = retrain(args.show, root=args.ops_dir, preferences_dir=args.preferences_dir, promote=not args.no_promote)
    if args.json:
        print_json(r)
    else:
        verdict = "promoted" if r["promoted"] else "not promoted"
        print(f"{args.show}: v{r['registered']} (parent v{r['parent']}) {verdict}: {r['reason']} "
              f"[{r['heldout_pairs']} held-out pairs on {r['heldout_lines']} lines]")
    return 0 if r["promoted"] else 1
