"""The editing idioms of a cut against an idiom scene's expectations (``scenegen.idioms``).

Contract: :func:`idiom_metrics(cut, truth, root)` -> dict, for a cut of a scene built with
``build_scene(..., idioms=True)`` (its truth's ``"idioms"``: per line ``"reaction"`` (a long
speech or an emotional beat), ``"hold"`` (inside the quick exchange) or ``"none"``):

- ``reactions_expected``: lines an editor would cover with a reaction shot;
  ``reactions_hit``: of them, lines the cut covers with a cutaway of the listener (a take that
  shows the listener and not the speaker); ``reactions_unexpected``: cutaways on lines whose
  expectation is not a reaction; ``reactions_wrong_shot``: cutaways on expected lines that do
  not show the listener alone;
- ``reactions_jl``: cutaways that play picture only over the speaker's sound, starting after
  the speaker's clip starts and ending before it ends (the sound runs across both picture cuts:
  the L at the cut away, the J at the cut back), whose source frames show the listener
  listening (no reading of the listener's own lines in that take overlaps them by more than
  40 ms); ``reactions``: all cutaways;
- ``exchange_transitions``: the cuts between consecutive lines of the quick exchange that the
  cut could make; ``exchange_cuts``: how many it makes (a clip change that is not a through
  edit of one recording); ``exchange_setups``: the setups its lines play on;
- ``lines``: per line ``[line id, expectation, what the cut did]``.

:func:`idiom_scene(work, seed)` builds (or reuses, when complete) the scene under
``work/scenegen<seed>-idioms``. :func:`print_idioms(results)` prints the bench table.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from ..model import Cut
from . import markdown_table

_EDGE = Fraction(1, 25)  # 40 ms: overlaps this small are the edges of a reading, not speech


def idiom_scene(work: Path, seed: int):
    """(scene, truth) of the idiom scene ``seed`` under ``work/scenegen<seed>-idioms``: a
    complete folder (its ground truth, written last, names the seed, the idioms and the
    generator version) is reused, anything else is built afresh."""
    from ..scenegen import build_scene, load_truth
    from ..scenegen.build import GENERATOR_VERSION, GeneratedScene

    root = Path(work) / f"scenegen{seed}-idioms"
    path = root / "ground_truth.json"
    truth = load_truth(path) if path.exists() else {}
    if (truth.get("seed") == seed and "idioms" in truth
            and (truth.get("generator") or {}).get("version") == GENERATOR_VERSION):
        return GeneratedScene(root, root / truth["script"], tuple(root / t["path"] for t in truth["takes"]), path), truth
    sc = build_scene(root, seed=seed, idioms=True)
    return sc, load_truth(sc.ground_truth_path)


def _seconds(frames: int, rate) -> Fraction:
    return Fraction(frames) / rate.fraction


def idiom_metrics(cut: Cut, truth: dict, root) -> dict:
    """The idiom counts of ``cut`` (module docstring)."""
    from .cutquality import _truth_index

    takes = _truth_index(truth, Path(root))
    expect = truth["idioms"]["lines"]
    speakers = {ln["id"]: ln["character"] for ln in truth["lines"]}
    take_of = lambda d: takes.get(str(Path(d.path).resolve()))  # noqa: E731
    clips = [d for d in sorted(cut.decisions, key=lambda d: d.rec_in) if not d.gap and d.video_track == 1]
    cutaways = [d for d in cut.decisions if not d.gap and d.video_track > 1]
    rec = lambda d: (_seconds(d.rec_in, cut.rate), _seconds(d.rec_in, cut.rate) + _seconds(d.src_out - d.src_in, d.rate))  # noqa: E731
    did: dict = {}
    hit = unexpected = wrong = jl = 0
    for r in cutaways:
        a, b = rec(r)
        under = next((d for d in clips if rec(d)[0] <= (a + b) / 2 < rec(d)[1]), None)
        lid = under.line_ids[0] if under is not None else None
        t = take_of(r)
        if lid is None or t is None:
            unexpected += 1
            continue
        listener = expect[lid]["listener"]
        alone = t["shows"] == {listener}
        if expect[lid]["idiom"] != "reaction":
            unexpected += 1
        elif alone:
            hit += 1
            did[lid] = "reaction"
        else:
            wrong += 1
        lo, hi = rec(under)
        own = [x for x in t["readings"].values() if speakers.get(x["line_id"]) == listener]
        s_in, s_out = _seconds(r.src_in, r.rate), _seconds(r.src_out, r.rate)
        quiet = not any(min(s_out, Fraction(x["end"]).limit_denominator(100000))
                        - max(s_in, Fraction(x["start"]).limit_denominator(100000)) > _EDGE for x in own)
        jl += r.media_type == "video" and lo < a and b < hi and alone and quiet
    exchange = truth["idioms"]["quick_exchange"]
    by_line = {lid: d for d in clips for lid in d.line_ids}
    transitions = cuts = 0
    for x, y in zip(exchange, exchange[1:]):
        a, b = by_line.get(x), by_line.get(y)
        if a is None or b is None:
            continue
        transitions += 1
        cuts += a is not b and not (a.path == b.path and a.src_out == b.src_in)
    setups = sorted({(take_of(by_line[x]) or {}).get("setup", "?") for x in exchange if x in by_line})
    lines = []
    for lid, e in expect.items():
        d = by_line.get(lid)
        t = take_of(d) if d is not None else None
        got = did.get(lid) or (t["setup"] if t else "not in the cut")
        lines.append([lid, e["idiom"], got])
    return {"reactions_expected": sum(e["idiom"] == "reaction" for e in expect.values()), "reactions_hit": hit,
            "reactions_unexpected": unexpected, "reactions_wrong_shot": wrong, "reactions_jl": jl,
            "reactions": len(cutaways), "exchange_transitions": transitions, "exchange_cuts": cuts,
            "exchange_setups": setups, "lines": lines}


def print_idioms(results: dict) -> None:
    """The idiom table of ``bench quality --scenegen-idioms`` (nothing without idiom scenes)."""
    rows = []
    for name, q in results.items():
        m = q.get("idioms") if isinstance(q, dict) else None
        if not m:
            continue
        rows.append([name, f"{m['reactions_hit']}/{m['reactions_expected']}", m["reactions_unexpected"],
                     f"{m['reactions_jl']}/{m['reactions']}",
                     f"{m['exchange_transitions'] - m['exchange_cuts']}/{m['exchange_transitions']}",
                     " ".join(m["exchange_setups"]), q["jump_cuts"], q["clipped_speech"], q["blinks_at_cuts"],
                     q.get("blinks_at_cuts_speech_only"), q["single_share"], q["speaker_visible"]])
    if not rows:
        return
    print("\nIdiom scenes (long speeches, an emotional beat, a quick exchange; scenegen.idioms):")
    print(markdown_table(["scene", "reactions where expected", "reactions unexpected",
                          "reactions with J/L over the speaker's sound, listener listening",
                          "quick-exchange cuts held", "exchange setups", "jump cuts", "cuts in speech",
                          "blinks at cuts", "blinks at cuts, speech-only cut points", "on speaker's single",
                          "speaker visible"], rows))
    for name, q in results.items():
        m = q.get("idioms") if isinstance(q, dict) else None
        if m:
            print(f"- {name}: " + ", ".join(f"{lid} {want}->{got}" for lid, want, got in m["lines"]))
