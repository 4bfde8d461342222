"""`roughcut search "QUERY" [--json] [--limit N]`: find lines, people and shots in the index.

Query syntax (``roughcut_core.search.query``): words match fuzzily (sound-alike names,
typos), ``"quoted phrases"`` exactly; filters as ``key:value`` in the query or as options
(``--character``, ``--shot``, ``--file``, ``--bin``, ``--after``/``--before`` YYYY-MM-DD,
``--min-duration``/``--max-duration`` seconds, ``--clean``, ``--motion`` camera move,
``--sound`` music/applause/noise/silence/room_tone). The query ``room tone`` finds room tone. ``--line ID`` lists the takes of
a script line; ``--uncovered`` the script lines no indexed take reads.

With ``--json`` stdout is exactly ``{"query": ..., "results": [{"path", "start", "end",
"timecode", "text", "speaker", "score"}, ...]}``, best first (``--uncovered --json``:
``{"uncovered": [{"line_id", "scene_id", "character", "text"}]}``). An unreachable server
gets one stderr line and the embedded index answers. Exit 0 (also with no results), 1 on
a bad query. ``--plan OUT.json`` also writes the results as a host plan
(``roughcut_core.search.hostplan``) that the Resolve/Premiere adapters build as a
"search results" timeline.
"""
from __future__ import annotations

import sys

from ._common_args import add_json_flag
from .common import print_json


def register(sub) -> None:
    p = sub.add_parser("search", help="search the index of analysed media")
    p.add_argument("query", nargs="?", default="", metavar="QUERY")
    add_json_flag(p)
    p.add_argument("--limit", type=int, default=20, metavar="N", help="most results (default 20)")
    p.add_argument("--db", default=None, metavar="URL", help="index to read (default $ROUGHCUT_INDEX_URL, else embedded)")
    p.add_argument("--character", default=None, help="only this character / speaker / face name")
    p.add_argument("--shot", default=None, help="only this shot size (ECU, CU, MCU, MS, WS...)")
    p.add_argument("--file", default=None, help="only files whose path contains this")
    p.add_argument("--bin", default=None, help="only files in this folder")
    p.add_argument("--after", default=None, metavar="DATE", help="files modified on/after (YYYY-MM-DD)")
    p.add_argument("--before", default=None, metavar="DATE", help="files modified before (YYYY-MM-DD)")
    p.add_argument("--min-duration", type=float, default=None, metavar="S")
    p.add_argument("--max-duration", type=float, default=None, metavar="S")
    p.add_argument("--clean", action="store_true", help="only utterances without quality flags")
    p.add_argument("--motion", default=None, help="only shots with this camera move (static, pan, pan_left, tilt, "
                                                   "zoom_in, handheld, complex...)")
    p.add_argument("--sound", default=None, help="only where this is heard (music, applause, noise, silence, room_tone)")
    p.add_argument("--line", default=None, metavar="ID", help="takes of this script line")
    p.add_argument("--uncovered", action="store_true", help="script lines no indexed take reads")
    p.add_argument("--plan", default=None, metavar="OUT.json",
                   help="also write a host plan (roughcut.hostplan/1): a 'search results' timeline, one "
                        "item per result (matched span + handles) in result order, each with a marker")
    p.set_defaults(func=run)


def _filter_query(args) -> str:
    import shlex

    parts = []
    for key, value in (("character", args.character), ("shot", args.shot), ("file", args.file),
                       ("bin", args.bin), ("after", args.after), ("before", args.before),
                       ("min", args.min_duration), ("max", args.max_duration), ("line", args.line),
                       ("motion", args.motion), ("sound", args.sound)):
        if value is not None:
            parts.append(shlex.quote(f"{key}:{value}"))
    if args.clean:
        parts.append("quality:clean")
    return " ".join(parts)


def run(args) -> int:
    from roughcut_core.errors import RoughcutError, display_path
    from roughcut_core.search import QueryError, SearchIndexError, open_index

    if args.limit < 1:
        raise RoughcutError(f"--limit must be at least 1, got {args.limit}")
    engine, warning = open_index(args.db)
    if warning:
        print(f"roughcut: {warning}", file=sys.stderr)
    with engine:
        try:
            if args.uncovered:
                lines = engine.uncovered_lines()
                if args.json:
                    print_json({"uncovered": [{"line_id": ln.line_id, "scene_id": ln.scene_id,
                                               "character": ln.character, "text": ln.text} for ln in lines]})
                else:
                    for ln in lines:
                        print(f"{ln.line_id:8s} {ln.character:12s} {ln.text}")
                    print(f"{len(lines)} line(s) not yet covered", file=sys.stderr)
                return 0
            full = " ".join(p for p in (args.query, _filter_query(args)) if p)
            hits = engine.search(full, limit=args.limit)
            if args.plan:
                from roughcut_core.fileio import atomic_write_json
                from roughcut_core.search.hostplan import plan_for_hits

                plan = plan_for_hits(engine, args.query or full, hits)
                atomic_write_json(args.plan, plan)
                print(f"roughcut: wrote host plan {args.plan} ({len(plan['items'])} item(s))", file=sys.stderr)
        except QueryError as exc:
            raise RoughcutError(f"search: {exc}") from None
        except SearchIndexError as exc:
            raise RoughcutError(str(exc)) from None
    if args.json:
        print_json({"query": args.query, "results": [h.to_json() for h in hits]})
        return 0
    for h in hits:
        who = f" [{h.speaker}]" if h.speaker else ""
        print(f"{h.score:5.2f}  {display_path(h.path)}  {h.timecode}  {h.start:7.2f}-{h.end:.2f}s{who}  {h.text}")
    if not hits:
        print("no results", file=sys.stderr)
    return 0
