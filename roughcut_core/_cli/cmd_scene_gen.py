"""`roughcut scene-gen OUT --seed N`: write a generated two-hander scene with ground truth."""
from __future__ import annotations

from ._common_args import add_json_flag
from .common import print_json


def register(sub) -> None:
    p = sub.add_parser("scene-gen", help="generate a two-hander test scene (real faces, script, takes, ground truth)")
    p.add_argument("out_dir", help="folder to write scene.fountain, media/ and ground_truth.json into")
    p.add_argument("--seed", type=int, default=0, help="scene number (faces, voices, rate, framing, defects)")
    p.add_argument("--small", action="store_true", help="3 lines, one take per setup (quick tests)")
    p.add_argument("--hard", action="store_true",
                   help="the same scene in harder conditions: sizes MS to ECU, an extra, grades, handheld, "
                        "over-the-shoulder singles, listener reactions (scenegen.hard)")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.scenegen import build_scene

    scene = build_scene(args.out_dir, seed=args.seed, small=args.small, hard=args.hard)
    if args.json:
        print_json({"root": str(scene.root), "script": str(scene.script_path),
                    "media": [str(p) for p in scene.media_paths],
                    "ground_truth": str(scene.ground_truth_path)})
    else:
        print(f"scene {args.seed} written to {scene.root}: {len(scene.media_paths)} takes, "
              f"script {scene.script_path.name}, truth {scene.ground_truth_path.name}")
    return 0
