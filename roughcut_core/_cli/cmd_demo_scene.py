"""`roughcut demo-scene OUT_DIR`: write the built-in sample scene (deterministic)."""
from __future__ import annotations

import sys

from ._common_args import add_json_flag
from .common import print_json, progress


def register(sub) -> None:
    p = sub.add_parser("demo-scene", help="generate the built-in sample scene (script, takes, ground truth)")
    p.add_argument("out_dir", help="folder to write scene.fountain, media/ and ground_truth.json into")
    p.add_argument("--seed", type=int, default=0, help="0 is the built-in scene; other seeds vary it")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.demo import build_demo_scene

    bar = progress(total=1, desc="demo scene", unit="file")

    def on_progress(done: int, total: int, label: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix_str(label)
        bar.refresh()

    scene = build_demo_scene(args.out_dir, seed=args.seed, progress=on_progress)
    bar.close()
    if args.json:
        print_json({"root": str(scene.root), "script": str(scene.script_path),
                    "media": [str(p) for p in scene.media_paths],
                    "ground_truth": str(scene.ground_truth_path)})
    else:
        print(f"demo scene written to {scene.root}")
        print(f"  script:       {scene.script_path}")
        print(f"  media:        {len(scene.media_paths)} takes in {scene.media_dir}")
        print(f"  ground truth: {scene.ground_truth_path}", file=sys.stdout)
    return 0
