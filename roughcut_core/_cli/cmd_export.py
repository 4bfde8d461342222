"""`roughcut export CUT.otio OUT.{xml,fcpxml,edl,aaf,otio}`: interchange through the OTIO adapters."""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("export", help="convert a cut to FCP7 XML, FCPXML, EDL or AAF")
    p.add_argument("cut", help="a cut written by `roughcut cut` (.otio)")
    p.add_argument("out", help="output file; the suffix picks the format (.xml .fcpxml .edl .aaf .otio)")
    p.set_defaults(func=run)


def run(args) -> int:
    from roughcut_core.edit.export import export_timeline

    print(export_timeline(args.cut, args.out))
    return 0
