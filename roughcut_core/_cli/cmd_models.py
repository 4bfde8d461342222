"""`roughcut models list|show|promote|rollback --show NAME`: the show's learned ranker versions.

``promote VERSION`` evaluates VERSION against the current one on the show's held-out feedback
lines and refuses (exit 1, with both numbers) unless it is better; ``rollback`` returns to the
version current before the last promotion. Both write the weights ``roughcut cut --show`` uses.
"""
from __future__ import annotations

from ._common_args import add_json_flag
from .common import print_json


def register(sub) -> None:
    p = sub.add_parser("models", help="versions of the show's learned ranker (list, show, promote, rollback)")
    p.add_argument("action", choices=("list", "show", "promote", "rollback"))
    p.add_argument("version", nargs="?", type=int, help="version (show, promote)")
    p.add_argument("--show", default="default")
    p.add_argument("--ops-dir", help="where models and feedback live (default: user data dir / $ROUGHCUT_OPS_DIR)")
    p.add_argument("--preferences-dir", help="where the weights `roughcut cut --show` uses live")
    add_json_flag(p)
    p.set_defaults(func=run)


def _row(mv, current: int) -> dict:
    return {"version": mv.version, "current": mv.version == current, "parent": mv.parent, "created": mv.created,
            "training": mv.training, "heldout": mv.heldout, "note": mv.note}


def run(args) -> int:
    from dataclasses import asdict

    from roughcut_core.errors import RoughcutError
    from roughcut_core.learn.registry import ModelRegistry, PairLog, split_heldout

    reg = ModelRegistry(args.ops_dir, args.preferences_dir)
    current = reg.current(args.show).version
    if args.action == "list":
        rows = [_row(m, current) for m in reg.list(args.show)]
        if args.json:
            print_json({"show": args.show, "current": current, "versions": rows})
        else:
            for r in rows:
                acc = r["heldout"].get("accuracy")
                print(f"{'*' if r['current'] else ' '} v{r['version']}  parent={r['parent']}  "
                      f"held-out={acc if acc is not None else '-'}  {r['note']}")
        return 0
    if args.action == "show":
        mv = reg.get(args.show, current if args.version is None else args.version)
        print_json({**asdict(mv), "current": mv.version == current})
        return 0
    if args.action == "promote":
        if args.version is None:
            raise RoughcutError("roughcut models promote: give the VERSION to promote")
        _, test = split_heldout([p for _, p in PairLog(args.ops_dir).load(args.show)])
        result = reg.promote(args.show, args.version, test)
    else:
        result = {"promoted": True, **reg.rollback(args.show)}
    if args.json:
        print_json({"show": args.show, **result})
    else:
        print(("" if result.get("promoted") else "refused: ") + str(result.get("reason") or
              f"rolled back from v{result['from']} to v{result['to']}"))
    return 0 if result.get("promoted") else 1
