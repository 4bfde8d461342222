"""`roughcut train emotion --data DIR [--out MODEL.json] [--holdout IDS] [--json]`.

Trains the vocal emotion / arousal model (``roughcut_core.perform``) on labelled acted takes
(data recipe in ``perform/train.py``: RAVDESS ``labels.tsv``, TESS ``lines.tsv`` or any TSV
with file / speaker / emotion) and writes it to the user data dir (``$ROUGHCUT_MODELS_DIR``
overrides), where the analysis picks it up. ``--holdout 13,14,15,16`` keeps those speakers out
of training and reports accuracy on them. ``--json`` prints ``{"model", "sha256", "files",
"speakers", "holdout": {...} | null}``. Exit 2 when the data folder has no labelled takes.
"""
from __future__ import annotations

import sys

from .common import print_json


def register(sub) -> None:
    p = sub.add_parser("train", help="train a local model (emotion: vocal emotion and arousal)")
    p.add_argument("what", choices=("emotion",))
    p.add_argument("--data", required=True, help="folder with labelled takes (labels.tsv / lines.tsv)")
    p.add_argument("--out", help="model file (default: user data dir/models/emotion-v1.json)")
    p.add_argument("--holdout", default="", help="comma-separated speaker ids kept out for evaluation")
    p.add_argument("--l2", type=float, default=30.0, help="L2 penalty (default 30, chosen by "
                                                          "leave-actors-out on RAVDESS actors 1-12)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core import RoughcutError
    from roughcut_core.perform.emotion import default_model_path
    from roughcut_core.perform.train import train_and_save

    def tick(k, n):
        if not args.json and (k % 100 == 0 or k == n):
            print(f"features {k}/{n}", file=sys.stderr)

    holdout = [h.strip() for h in args.holdout.split(",") if h.strip()]
    try:
        res = train_and_save(args.data, args.out or default_model_path(), holdout, l2=args.l2, progress=tick)
    except RoughcutError as exc:
        print(f"roughcut: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print_json(res)
        return 0
    print(f"model: {res['model']}\nsha256: {res['sha256']}\ntrained on {res['files']} takes, "
          f"{len(res['speakers'])} speakers")
    result = res["holdout"]
    if result:
        print(f"held-out speakers ({result['n']} takes): accuracy {result['accuracy']:.3f} "
              f"(chance {result['chance']:.3f}), arousal r={result['arousal_corr']:.2f}")
    print("note: models trained on RAVDESS/TESS are for non-commercial use only")
    return 0
