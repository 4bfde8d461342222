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
    from roughcut_core.perform.train import evaluate, extract, load_dataset, split_by_speaker, train

    try:
        examples = load_dataset(args.data)
    except RoughcutError as exc:
        print(f"roughcut: {exc}", file=sys.stderr)
        return 2

    def tick(k, n):
        if not args.json and (k % 100 == 0 or k == n):
            print(f"features {k}/{n}", file=sys.stderr)

    raw = extract(examples, tick)
    holdout = [h.strip() for h in args.holdout.split(",") if h.strip()]
    tr, te = split_by_speaker(examples, holdout)
    if not tr.any():
        print("roughcut: every speaker is held out; nothing to train on", file=sys.stderr)
        return 2
    train_ex = [e for e, keep in zip(examples, tr) if keep]
    model = train(train_ex, raw[tr], l2=args.l2, data_dir=args.data)
    out = args.out or default_model_path()
    sha = model.save(out)
    result = None
    if te.any():
        result = evaluate(model, [e for e, keep in zip(examples, te) if keep], raw[te])
    if args.json:
        print_json({"model": str(out), "sha256": sha, "files": len(train_ex),
                    "speakers": sorted({e.speaker for e in train_ex}), "holdout": result})
    else:
        print(f"model: {out}\nsha256: {sha}\ntrained on {len(train_ex)} takes, "
              f"{len({e.speaker for e in train_ex})} speakers")
        if result:
            print(f"held-out speakers ({result['n']} takes): accuracy {result['accuracy']:.3f} "
                  f"(chance {result['chance']:.3f}), arousal r={result['arousal_corr']:.2f}")
        print("note: models trained on RAVDESS/TESS are for non-commercial use only")
    return 0
