"""`roughcut bench ops [--weeks N] [--lines N] [--seed N] [--json]`: issue 21's operating loop.

A simulated season of feedback with known preferences: the show's editor has a hidden
utility over the ranking terms (:data:`TRUE_W`: values ``pace`` and ``expressive``, which the
hand-set weights do not weigh that way). Each week roughcut proposes a cut ranked with the
show's *current* preferences (what ``roughcut cut --show`` would use): a real OTIO with our
metadata (chosen reading + ranked alternates). The editor keeps our choice when it is their
favourite, else swaps to their favourite (every tenth line is dropped). The real
``roughcut feedback`` path then runs on the two OTIO files: acceptance records
(:func:`~roughcut_core.ops.acceptance.decisions_from_timelines`) and
:func:`~roughcut_core.learn.registry.learn_from_feedback` (candidate trained, promoted only
on a held-out win). Reported:

- per week: acceptance (kept + trimmed share), the registered version, promoted or refused,
  held-out agreement of candidate and current, and the seconds learning took;
- ``/metrics`` scrape time: :meth:`BridgeMetrics.exposition` with the season's acceptance
  summary as its source (median of ``--scrapes``);
- drift score (max PSI, :func:`~roughcut_core.ops.drift.drift_report`) of unshifted and
  shifted new material against a reference profile drawn from the same generator.

Everything runs in a temporary folder; nothing touches the user's preferences.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

RATE = 24
TRUE_W = {"pace": 2.0, "expressive": 1.0, "match": 0.2}
SHOW = "bench-season"


def _clip(otio, path: str, a: int, b: int, meta=None):
    ref = otio.schema.ExternalReference(target_url=path, available_range=otio.opentime.TimeRange(
        otio.opentime.RationalTime(0, RATE), otio.opentime.RationalTime(10_000, RATE)))
    c = otio.schema.Clip(name=path, media_reference=ref, source_range=otio.opentime.TimeRange(
        otio.opentime.RationalTime(a, RATE), otio.opentime.RationalTime(b - a, RATE)))
    if meta is not None:
        c.metadata["roughcut"] = meta
    return c


def _score(weights: dict, terms: dict) -> float:
    return sum(weights.get(t, 0.0) * v for t, v in terms.items())


def simulate_week(rng: random.Random, week: int, n_lines: int, weights: dict):
    """(generated, edited) OTIO timelines: ours ranked by ``weights``, the editor's by TRUE_W."""
    import opentimelineio as otio

    gen, ed = otio.schema.Timeline(name=f"w{week}"), otio.schema.Timeline(name=f"w{week}-edited")
    gen.metadata["roughcut"] = {"options": {"preset": "performance"}, "rate": [RATE, 1]}
    gt, et = otio.schema.Track(kind="Video"), otio.schema.Track(kind="Video")
    gen.tracks.append(gt)
    ed.tracks.append(et)
    for k in range(n_lines):
        opts = []
        for take in range(3):  # distinct files, one reading each
            terms = {t: round(rng.random(), 4) for t in TRUE_W}
            opts.append((f"/media/w{week}/line{k}_take{take}.mov", 100 + 10 * take, 160 + 10 * take, terms))
        opts.sort(key=lambda o: -_score(weights, o[3]))  # our ranking: chosen first, then alternates
        meta = {"line_ids": [f"w{week}-l{k}"], "src_in": opts[0][1], "src_out": opts[0][2], "terms": opts[0][3],
                "alternates": [{"path": p, "src_in": a, "src_out": b, "terms": t} for p, a, b, t in opts[1:]]}
        gt.append(_clip(otio, opts[0][0], opts[0][1], opts[0][2], meta))
        if k % 10 == 9:
            continue  # dropped
        best = max(opts, key=lambda o: _score(TRUE_W, o[3]))
        et.append(_clip(otio, best[0], best[1], best[2]))
    return gen, ed


def run_season(root: Path, weeks: int, n_lines: int, seed: int) -> list[dict]:
    from roughcut_core.learn import PreferenceStore, diff_timelines
    from roughcut_core.learn.registry import learn_from_feedback
    from roughcut_core.ops.acceptance import AcceptanceStore, _shares, decisions_from_timelines

    rng = random.Random(seed)
    prefs_dir, ops_dir = root / "prefs", root / "ops"
    rows = []
    for week in range(weeks):
        weights = PreferenceStore(prefs_dir).load(SHOW).weights
        gen, ed = simulate_week(rng, week, n_lines, weights)
        decisions = decisions_from_timelines(gen, ed, show=SHOW, when=time.time() + week * 7 * 86400)
        AcceptanceStore(ops_dir).add(decisions)
        pairs = diff_timelines(gen, ed).pairs
        t0 = time.perf_counter()
        m = learn_from_feedback(SHOW, pairs, root=ops_dir, preferences_dir=prefs_dir)
        rows.append({"week": week + 1, "acceptance": _shares(decisions)["acceptance"], "pairs": len(pairs),
                     "registered": m.get("registered"), "promoted": m["promoted"],
                     "candidate_accuracy": m.get("candidate_accuracy"), "current_accuracy": m.get("current_accuracy"),
                     "heldout_pairs": m.get("heldout_pairs"), "reason": m["reason"],
                     "learn_s": round(time.perf_counter() - t0, 3),
                     "pace_weight": PreferenceStore(prefs_dir).load(SHOW).weights.get("pace")})
    return rows


def scrape_time(ops_dir: Path, scrapes: int) -> dict:
    from roughcut_core.ops.acceptance import AcceptanceStore, summarize
    from roughcut_core.ops.metrics import BridgeMetrics

    store = AcceptanceStore(ops_dir)
    metrics = BridgeMetrics(acceptance=lambda: {s: summarize(store.load(s)) for s in store.shows()})
    times, size = [], 0
    for _ in range(scrapes):
        t0 = time.perf_counter()
        size = len(metrics.exposition())
        times.append(time.perf_counter() - t0)
    return {"scrapes": scrapes, "median_ms": round(1000 * statistics.median(times), 2),
            "max_ms": round(1000 * max(times), 2), "bytes": size,
            "decisions": sum(len(store.load(s)) for s in store.shows())}


def _profile(rng: random.Random, n: int, shift: bool) -> dict:
    """Synthetic per-reading profile; ``shift`` = noisier, faster, worse-recognised material."""
    return {"asr_word_confidence": [min(1.0, rng.gauss(0.78 if shift else 0.9, 0.05)) for _ in range(n)],
            "snr_db": [rng.gauss(12.0 if shift else 25.0, 4.0) for _ in range(n)],
            "speech_rate_wps": [rng.gauss(3.4 if shift else 2.6, 0.4) for _ in range(n)],
            "shot_size": [rng.choice(("CU", "MCU") if shift else ("WS", "MS", "MCU")) for _ in range(n)]}


def drift_scores(seed: int, n: int = 400) -> dict:
    from roughcut_core.ops.drift import drift_report

    rng = random.Random(seed)
    reference = _profile(rng, 2 * n, False)
    out = {}
    for name, shift in (("unshifted", False), ("shifted", True)):
        t0 = time.perf_counter()
        r = drift_report(reference, _profile(rng, n, shift))
        out[name] = {"max_psi": r["max_score"], "warnings": len(r["warnings"]),
                     "seconds": round(time.perf_counter() - t0, 4)}
    return out


def run(argv) -> int:
    ap = argparse.ArgumentParser(prog="roughcut bench ops")
    ap.add_argument("--weeks", type=int, default=6)
    ap.add_argument("--lines", type=int, default=40, help="lines per weekly cut")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--scrapes", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="roughcut-bench-ops-") as tmp:
        root = Path(tmp)
        season = run_season(root, args.weeks, args.lines, args.seed)
        scrape = scrape_time(root / "ops", args.scrapes)
    drift = drift_scores(args.seed)
    result = {"season": season, "promotions": sum(r["promoted"] for r in season),
              "refusals": sum(r["registered"] is not None and not r["promoted"] for r in season),
              "metrics_scrape": scrape, "drift": drift}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"### Simulated season ({args.weeks} weeks x {args.lines} lines, seed {args.seed})\n")
    print("| week | acceptance | pairs | version | promoted | held-out pairs | candidate acc | current acc "
          "| pace weight | learn s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in season:
        print(f"| {r['week']} | {r['acceptance']:.3f} | {r['pairs']} | {r['registered']} | "
              f"{'yes' if r['promoted'] else 'no'} | {r['heldout_pairs']} | {r['candidate_accuracy']} | "
              f"{r['current_accuracy']} | {r['pace_weight']} | {r['learn_s']} |")
    print(f"\npromotions {result['promotions']}, refusals {result['refusals']}\n")
    print("| measure | value |\n|---|---|")
    print(f"| /metrics scrape median ms ({scrape['scrapes']} scrapes, {scrape['decisions']} decisions) "
          f"| {scrape['median_ms']} (max {scrape['max_ms']}) |")
    for name, d in drift.items():
        print(f"| drift max PSI, {name} | {d['max_psi']:.3f} ({d['warnings']} warnings, {d['seconds']} s) |")
    return 0
