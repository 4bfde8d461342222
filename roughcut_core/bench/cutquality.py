"""Cut quality against a demo scene's ground truth (DESIGN §7).

- ``line_coverage``: fraction of script lines in the cut once each, in script order;
- ``take_accuracy``: fraction of lines whose chosen reading is an acceptable one and whose
  source range really covers that reading (any acceptable reading counts: a generated scene's
  truth names no single best take, and a full-size one has several takes per setup);
  ``take_chance``: what a random pick among the line's readings would score (the mean share
  of acceptable readings per line), its baseline;
- ``clipped_words``: ground-truth words (of any reading in the clip's take) that a clip's in or
  out point falls inside;
- ``clipped_speech``: sound in/out points of the clips (the audio range of a split edit) that
  fall inside a ground-truth reading of the clip's take, any character's, more than 40 ms
  from its ends (``sound_cuts_checked`` of them; a through edit, where the next clip runs on
  in the same recording from the same frame, is no sound cut): the measure of clipped words that also
  works on truths without word timings (the scene generator's); a restart's reading is left out
  (its clean part is meant to be cut from inside it);
- ``speaker_visible``: fraction of dialogue time whose speaker the chosen setup shows;
- ``jump_cuts``: consecutive clips from different takes of the same setup;
- ``pick_accuracy``: fraction of lines whose chosen take is one the ground truth's editor
  would pick (``editor_picks``: the intent-matched reading of a directed line, any acceptable
  one otherwise); absent when the truth has no editor picks;
- ``intent_match``: over the lines with a scripted delivery, the fraction whose chosen reading
  was delivered as scripted (``delivery == "matched"``), with ``directed_lines`` and the
  ``intent_chance`` of a random acceptable pick;
- ``single_share`` / ``wide_share``: fraction of lines on a shot showing only the speaker /
  the speaker and someone else;
- ``line_errors``: per line that is wrong, ``{"line_id", "take", "errors"}`` with the errors in
  words: the reading's defect ("flub", "not acceptable" without a named one), "source range
  misses the reading", "speaker off screen", "not in the cut", "no reading in this take".

Works on demo truths (``roughcut.demo-truth/1``) and scene-generator truths (readings with
``defect`` instead of ``acceptable`` and no word timings: ``clipped_words`` then counts none,
``clipped_speech`` still counts).
Reaction cutaways (upper-track clips) count against ``speaker_visible`` for their length.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from ..model import Cut


_INSIDE = Fraction(1, 25)  # 40 ms: a cut this close to a reading's end is on its edge, not in it


def _truth_index(truth: dict, root: Path) -> dict:
    takes = {}
    for t in truth["takes"]:
        path = str((root / t["path"]).resolve())
        readings = {}
        for r in t["readings"]:
            r = dict(r)
            r.setdefault("acceptable", r.get("defect") is None)
            r.setdefault("words", [])
            readings[r["line_id"]] = r
        takes[path] = {"setup": t["setup"], "shows": set(truth["setups"][t["setup"]]["shows"]),
                       "name": t.get("name", Path(t["path"]).stem), "readings": readings}
    return takes


def _acceptable_share(takes: dict):
    """line id -> (acceptable readings, readings) over the truth's takes."""
    def share(lid):
        rs = [t["readings"][lid] for t in takes.values() if lid in t["readings"]]
        return sum(bool(r["acceptable"]) for r in rs), len(rs)
    return share


def _performance(clips, takes: dict, truth: dict, speakers: dict) -> dict:
    picks = {p["line_id"]: p for p in truth.get("editor_picks", ())}
    styles = {l["id"]: l.get("style") for l in truth["lines"]}
    picked = single = wide = lines = matched = directed = 0
    chance = 0.0
    for d in clips:
        take = takes.get(str(Path(d.path).resolve()))
        if take is None:
            continue
        for lid in d.line_ids:
            if lid not in speakers:
                continue
            lines += 1
            shows = take["shows"]
            single += shows == {speakers[lid]}
            wide += speakers[lid] in shows and len(shows) > 1
            if lid in picks:
                picked += take["name"] in picks[lid]["takes"]
            if styles.get(lid):
                directed += 1
                r = take["readings"].get(lid) or {}
                matched += r.get("delivery") == "matched" and bool(r.get("acceptable"))
                ok = [t["readings"][lid] for t in takes.values()
                      if lid in t["readings"] and t["readings"][lid]["acceptable"]]
                chance += sum(r.get("delivery") == "matched" for r in ok) / max(1, len(ok))
    out = {"single_share": round(single / max(1, lines), 4), "wide_share": round(wide / max(1, lines), 4)}
    if picks:
        out["pick_accuracy"] = round(picked / max(1, len(truth["lines"])), 4)
    if directed:
        out.update(intent_match=round(matched / directed, 4), directed_lines=directed,
                   intent_chance=round(chance / directed, 4))
    return out


def _sound_runs_on(a, b) -> bool:
    """Clip ``b`` continues ``a``'s recording where ``a``'s sound stops: a through edit."""
    a_out = a.src_out if a.audio_out is None else a.audio_out
    b_in = b.src_in if b.audio_in is None else b.audio_in
    return a.path == b.path and a_out == b_in


def cut_quality(cut: Cut, truth: dict, root) -> dict:
    """Metrics for ``cut`` of the demo scene whose ground truth is ``truth`` (paths relative to ``root``)."""
    takes = _truth_index(truth, Path(root))
    line_ids = [l["id"] for l in truth["lines"]]
    speakers = {l["id"]: l["character"] for l in truth["lines"]}
    clips = [d for d in sorted(cut.decisions, key=lambda d: d.rec_in) if not d.gap and d.video_track == 1]
    cutaways = [d for d in cut.decisions if not d.gap and d.video_track > 1]
    order = [lid for d in clips for lid in d.line_ids]
    in_order = [lid for lid in order if lid in speakers]
    coverage = sum(1 for lid in line_ids if in_order.count(lid) == 1) / len(line_ids)
    if in_order != sorted(in_order, key=line_ids.index):
        coverage *= 0.5  # lines out of script order
    accurate = clipped = 0
    words_total = 0
    visible_time = dialogue_time = 0.0
    errors = [{"line_id": lid, "take": None, "errors": ["not in the cut"]} for lid in line_ids if lid not in in_order]
    for d in clips:
        take = takes.get(str(Path(d.path).resolve()))
        for lid in d.line_ids:
            r = take["readings"].get(lid) if take else None
            if r is None:
                if lid in speakers:
                    errors.append({"line_id": lid, "take": take and take["name"], "errors": ["no reading in this take"]})
                continue
            lo, hi = Fraction(d.src_in) / d.rate.fraction, Fraction(d.src_out) / d.rate.fraction
            covers = lo <= Fraction(r["start"]).limit_denominator(100000) + Fraction(1, 10) and \
                hi >= Fraction(r["end"]).limit_denominator(100000) - Fraction(1, 10)
            accurate += bool(r["acceptable"] and covers)
            wrong = ([] if r["acceptable"] else [r.get("defect") or "not acceptable"]) + \
                ([] if covers else ["source range misses the reading"]) + \
                ([] if speakers[lid] in take["shows"] else ["speaker off screen"])
            if wrong:
                errors.append({"line_id": lid, "take": take["name"], "errors": wrong})
            span = r["end"] - r["start"]
            dialogue_time += span
            visible_time += span if speakers[lid] in take["shows"] else 0.0
    for d in clips:
        take = takes.get(str(Path(d.path).resolve()))
        if take is None:
            continue
        lo, hi = Fraction(d.src_in) / d.rate.fraction, Fraction(d.src_out) / d.rate.fraction
        for r in take["readings"].values():
            for w in r["words"]:
                ws = Fraction(w["start"]).limit_denominator(100000)
                we = Fraction(w["end"]).limit_denominator(100000)
                words_total += 1
                clipped += (ws < lo < we) or (ws < hi < we)
    clipped_speech = sound_cuts = 0
    for k, d in enumerate(clips):
        take = takes.get(str(Path(d.path).resolve()))
        if take is None:
            continue
        a_in = d.src_in if d.audio_in is None else d.audio_in
        a_out = d.src_out if d.audio_out is None else d.audio_out
        # a through edit (the same recording running on into the next clip) is no sound cut
        through_in = k > 0 and _sound_runs_on(clips[k - 1], d)
        through_out = k + 1 < len(clips) and _sound_runs_on(d, clips[k + 1])
        points = [a for a, through in ((a_in, through_in), (a_out, through_out)) if not through]
        for point in (Fraction(a) / d.rate.fraction for a in points):
            sound_cuts += 1
            clipped_speech += any(Fraction(r["start"]).limit_denominator(100000) + _INSIDE < point
                                  < Fraction(r["end"]).limit_denominator(100000) - _INSIDE
                                  for r in take["readings"].values() if r.get("defect") != "restart")
    for r in cutaways:  # a reaction shot hides the speaker for its length
        take = takes.get(str(Path(r.path).resolve()))
        if take is None:
            continue
        visible_time -= float(Fraction(r.src_out - r.src_in) / r.rate.fraction)
    jump = 0
    for a, b in zip(clips, clips[1:]):
        ta, tb = takes.get(str(Path(a.path).resolve())), takes.get(str(Path(b.path).resolve()))
        if ta and tb and a.path != b.path and ta["setup"] == tb["setup"]:
            jump += 1
    return {
        "line_coverage": round(coverage, 4),
        "take_accuracy": round(accurate / len(line_ids), 4),
        "take_chance": round(sum(ok / n for ok, n in map(_acceptable_share(takes), line_ids) if n) / len(line_ids), 4),
        "clipped_words": clipped,
        "words_checked": words_total,
        "clipped_speech": clipped_speech,
        "sound_cuts_checked": sound_cuts,
        "speaker_visible": round(visible_time / dialogue_time, 4) if dialogue_time else 0.0,
        "jump_cuts": jump,
        "clips": len(clips),
        "cutaways": len(cutaways),
        "line_errors": sorted(errors, key=lambda e: line_ids.index(e["line_id"]) if e["line_id"] in line_ids else -1),
        **_performance(clips, takes, truth, speakers),
    }
