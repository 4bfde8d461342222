"""`roughcut export CUT.otio OUT.{xml,fcpxml,edl,aaf,otio} [--for resolve|premiere|fcp|avid]`.

The extension picks the format, ``--for`` the dialect where NLEs differ (``.xml``: xmeml v4 for
Premiere, v5 for Resolve, FCPXML for Final Cut). Prints each file written, one per line.
"""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("export", help="convert a cut to FCP7 XML, FCPXML, EDL or AAF")
    p.add_argument("cut", help="a cut written by `roughcut cut` (.otio)")
    p.add_argument("out", help="output file; the suffix picks the format (.xml .fcpxml .edl .aaf .otio)")
    p.add_argument("--for", dest="target", choices=("resolve", "premiere", "fcp", "avid"), default=None,
                   help="the NLE that will import the file (picks the dialect where they differ)")
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.edit.export import export_files
    from roughcut_core.paths import check_output_file

    from .common import read_timeline

    check_output_file(args.out)
    for path in export_files(read_timeline(args.cut), args.out, getattr(args, "target", None)):
        print(path)
    return 0
