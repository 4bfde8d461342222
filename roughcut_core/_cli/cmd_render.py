"""`roughcut render CUT.otio preview.mp4`: a quick H.264/AAC preview of the cut."""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("render", help="render a preview MP4 of a cut")
    p.add_argument("cut", help="a cut written by `roughcut cut` (.otio)")
    p.add_argument("out", help="output .mp4")
    p.add_argument("--width", type=int, default=640, help="preview width in pixels (default 640)")
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.edit.render import render_preview
    from roughcut_core.paths import check_input_file, check_output_file

    check_input_file(args.cut, what="timeline file", allow_empty=False)  # never open a FIFO
    check_output_file(args.out)

    print(render_preview(args.cut, args.out, width=args.width))
    return 0
