"""`roughcut feedback GENERATED.otio EDITED.otio --show NAME`: learn from the editor's changes.

Diffs the editor-modified timeline against ours, turns swaps into preference pairs, logs
them, trains a candidate ranker and promotes it through the show's model registry only when
it beats the current version on the show's held-out pairs (``--force``: the operator's
override, recorded as such). The JSON's ``model`` gives the decision and its numbers;
``version``/``weights`` are the preferences ``roughcut cut --show`` ranks with afterwards.
``--reset`` returns them to the hand-set ones.
"""
from __future__ import annotations

import sys

from ._common_args import add_json_flag
from .common import print_json


def register(sub) -> None:
    p = sub.add_parser("feedback", help="learn per-show preferences from an edited timeline")
    p.add_argument("generated", nargs="?", help="the .otio written by `roughcut cut`")
    p.add_argument("edited", nargs="?", help="the editor's version (.otio, or any format OTIO reads)")
    p.add_argument("--show", default="default", help="preference profile to update (default: default)")
    p.add_argument("--reset", action="store_true", help="reset the show's preferences to the defaults")
    p.add_argument("--force", action="store_true",
                   help="promote the new model even if it does not beat the current one on held-out "
                        "feedback (recorded as an operator override)")
    p.add_argument("--preferences-dir", help="where preferences are stored (default: user data dir)")
    p.add_argument("--ops-dir", help="where acceptance records and feedback pairs accumulate "
                                     "(default: user data dir / $ROUGHCUT_OPS_DIR)")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.learn import PreferenceStore, diff_timelines

    store = PreferenceStore(args.preferences_dir)
    if args.reset:
        prefs = store.reset(args.show)
        from roughcut_core.learn.registry import ModelRegistry

        ModelRegistry(_ops_dir(args), args.preferences_dir).note_reset(args.show)  # v0 current again
        result = {"show": prefs.show, "version": prefs.version, "reset": True, "weights": prefs.weights}
    else:
        if not (args.generated and args.edited):
            print("roughcut feedback: give GENERATED.otio and EDITED.otio (or --reset)", file=sys.stderr)
            return 2
        from .common import read_timeline

        # read (and check) both files here: one-line errors for FIFOs, other OTIO schemas, JSON lists
        from roughcut_core.errors import RoughcutError, display_path

        generated, edited = read_timeline(args.generated), read_timeline(args.edited)
        try:
            diff = diff_timelines(generated, edited)
        except RoughcutError as exc:
            if "not a roughcut timeline" in str(exc):  # name the file, not the in-memory object
                raise RoughcutError(f"{display_path(args.generated)}: not a roughcut timeline "
                                    "(no roughcut metadata on its clips)") from None
            raise
        _record_acceptance(args, generated, edited)  # acceptance records (issue 21)
        from roughcut_core.learn.registry import learn_from_feedback

        model = learn_from_feedback(args.show, diff.pairs, root=_ops_dir(args),
                                    preferences_dir=args.preferences_dir, force=args.force)
        prefs = store.load(args.show)
        result = {"show": prefs.show, "version": prefs.version, "pairs": len(diff.pairs),
                  "kept": list(diff.kept), "replaced": list(diff.replaced), "removed": list(diff.removed),
                  "weights": prefs.weights, "model": model}
    if args.json:
        print_json(result)
    else:
        if args.reset:
            print(f"preferences for {prefs.show!r} reset (version {prefs.version})")
        else:
            print(f"{len(result['replaced'])} lines swapped, {len(result['kept'])} kept, "
                  f"{len(result['removed'])} removed; preferences for {prefs.show!r} now version {prefs.version}")
            m = result["model"]
            verb = "promoted" if m["promoted"] else "not promoted"
            print(f"model {m.get('registered')} {verb}: {m['reason']}"
                  + (f" ({m['heldout_pairs']} held-out pairs)" if "heldout_pairs" in m else ""))
    return 0


def _ops_dir(args):
    from pathlib import Path

    ops_dir = getattr(args, "ops_dir", None)
    if ops_dir is None and args.preferences_dir:
        ops_dir = Path(args.preferences_dir).parent / "ops"
    return ops_dir


def _record_acceptance(args, generated, edited) -> None:
    """Keep what the editor did (acceptance records); learning goes on if this fails."""
    from roughcut_core.errors import RoughcutError
    from roughcut_core.ops.acceptance import AcceptanceStore, decisions_from_timelines

    try:
        AcceptanceStore(_ops_dir(args)).add(decisions_from_timelines(generated, edited, show=args.show))
    except (OSError, RoughcutError) as exc:
        print(f"roughcut: acceptance records not written: {exc}", file=sys.stderr)
