"""Defect precision / recall by kind on generated two-handers (the sound only).

Contract:
- ``build_audio_scene(out_dir, seed, small=False, hard=False)`` writes the sound of generated
  scene ``seed`` (``roughcut_core.scenegen``: the same plan, voices, off-camera mic, room tone and
  injected defects as ``build_scene``, the small 3-line, 3-take plan with ``small``, the hard
  variant's sound with ``hard``: the off-camera voice only 3-7 dB down, ``scenegen.hard``) without pictures: ``scene.fountain``, ``media/<SETUP>_T<n>.wav``
  (48 kHz mono PCM) and, last, ``ground_truth.json`` (the scenegen truth schema with
  ``"audio_only": true``). A defect benchmark needs only the sound, and this is many times
  faster than rendering the video.
- ``score_scenes(transcriber, roots, evidence=True)`` transcribes and aligns every take of each
  scene, reconciles the takes, decides defects on the evidence of all takes
  (``align.scene_pass.decide_and_measure``) unless ``evidence`` is false, and scores them like
  ``bench perception``: per kind (``KIND_LABELS``) the true defects, the readings flagged with
  that kind and the hits; the clean readings and how many were flagged; and ``errors``, one row
  per miss, false flag or kind confusion (seed, take, line, truth kind, labels given, evidence).
  ``options`` are the evidence options (``align.evidence.EvidenceOptions``); the transcriber's
  model is reused for the whole-line cost. ``line_costs`` lists every matched reading that got a
  whole-line relative cost (``signals["line_cost_rel"]``: it carried a word-level defect before
  the evidence step), with its truth kind, the labels given and the recogniser's lowest
  probability of a word heard in place of the script's (``prob``): what thresholds are chosen on.
Scenes are scored together; ``per_seed`` keeps each scene's counts.
"""
from __future__ import annotations

import wave
from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np

KIND_LABELS = {"flub": ("substitution",), "drop": ("missing_words",), "add": ("ad_lib", "off_script"),
               "restart": ("restart",), "truncated": ("truncated",), "noise": ("noise",)}


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    tmp = path.with_suffix(".part")
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    tmp.replace(path)


def build_audio_scene(out_dir: Union[str, Path], seed: int, small: bool = False, hard: bool = False) -> Path:
    """Write the sound-only scene ``seed`` into ``out_dir`` (see the module contract)."""
    from ..demo.tts import synthesize_many
    from ..fileio import atomic_write_json, atomic_write_text
    from ..scenegen.build import TRUTH_SCHEMA, to_fountain
    from ..scenegen.plan import plan_scene
    from ..scenegen.render import SR, speech_requests, take_audio

    plan = plan_scene(seed, small=small, hard=hard)
    root = Path(out_dir)
    (root / "media").mkdir(parents=True, exist_ok=True)
    requests = list(dict.fromkeys(speech_requests(plan)))
    clips = dict(zip(requests, synthesize_many(requests)))
    atomic_write_text(root / "scene.fountain", to_fountain(plan), mode=0o644)
    entries = []
    for take in plan.takes:
        sound = take_audio(plan, take, clips)
        _write_wav(root / "media" / f"{take.name}.wav", sound.mix[:, 0], SR)
        entries.append({
            "path": f"media/{take.name}.wav", "name": take.name, "setup": take.setup.name, "take": take.take,
            "duration": round(sound.duration, 6), "shows": list(take.setup.shows),
            "readings": [{"line_id": r.line_id, "character": r.character, "start": round(r.start, 4),
                          "end": round(min(r.end, sound.duration), 4), "on_camera": r.on_camera,
                          "defect": r.defect, "spoken_text": r.spoken} for r in sound.readings]})
    truth = {"schema": TRUTH_SCHEMA, "seed": int(seed), "small": bool(small), "hard": bool(hard), "audio_only": True,
             "title": plan.title, "script": "scene.fountain",
             "characters": [c.name for c in plan.characters],
             "lines": [{"id": ln.id, "character": ln.character, "text": ln.text} for ln in plan.lines],
             "takes": entries,
             "defects": [{"kind": t.defect, "take": t.name, "line_id": t.defect_line}
                         for t in plan.takes if t.defect]}
    atomic_write_json(root / "ground_truth.json", truth, mode=0o644)
    return root


def match(truth_readings: Sequence[dict], found: Sequence) -> dict:
    """{truth index: found reading}, one to one, by line id and time overlap (``bench
    perception`` matches with it too)."""
    pairs = []
    for i, t in enumerate(truth_readings):
        for k, r in enumerate(found):
            if r.line_id == t["line_id"]:
                ov = min(r.end, t["end"]) - max(r.start, t["start"])
                if ov > -0.3:
                    pairs.append((ov, i, k))
    pairs.sort(reverse=True)
    used_t, used_f, out = set(), set(), {}
    for _, i, k in pairs:
        if i not in used_t and k not in used_f:
            used_t.add(i)
            used_f.add(k)
            out[i] = found[k]
    return out


def _empty() -> dict:
    return {"kinds": {k: {"tp": 0, "truth": 0, "flagged": 0} for k in KIND_LABELS}, "clean": 0,
            "clean_flagged": 0, "missed_readings": 0}


def _finish(counts: dict) -> dict:
    for v in counts["kinds"].values():
        v["precision"] = round(v["tp"] / v["flagged"], 3) if v["flagged"] else None
        v["recall"] = round(v["tp"] / v["truth"], 3) if v["truth"] else None
    return counts


def score_take(truth_take: dict, found: Sequence, counts: dict, errors: list, tag: str,
               line_costs: Optional[list] = None) -> None:
    """Add one take's readings to ``counts`` and its misses / false flags to ``errors`` (and,
    when given, the readings with a whole-line cost to ``line_costs``)."""
    matched = match(truth_take["readings"], found)
    for i, t in enumerate(truth_take["readings"]):
        r = matched.get(i)
        labels = set(r.defects) if r is not None else set()
        if line_costs is not None and r is not None and "line_cost_rel" in r.signals:
            line_costs.append({"scene": tag, "take": truth_take["name"], "line_id": t["line_id"],
                               "truth": t["defect"], "rel": r.signals["line_cost_rel"],
                               "clean_cost": r.signals.get("line_cost_clean"), "given": sorted(labels),
                               "worst": r.signals.get("acoustic_worst"), "prob": r.signals.get("asr_deviating_prob")})
        counts["missed_readings"] += r is None
        if t["defect"] is None:
            counts["clean"] += 1
            counts["clean_flagged"] += bool(labels - {"repeat"})
        got = {kind for kind, names in KIND_LABELS.items() if labels & set(names)}
        for kind in got:
            counts["kinds"][kind]["flagged"] += 1
        if t["defect"] in KIND_LABELS:
            counts["kinds"][t["defect"]]["truth"] += 1
            counts["kinds"][t["defect"]]["tp"] += t["defect"] in got
        if got != ({t["defect"]} if t["defect"] else set()):
            errors.append({"scene": tag, "take": truth_take["name"], "line_id": t["line_id"],
                           "truth": t["defect"], "given": sorted(labels), "found": r is not None,
                           "spoken": t["spoken_text"],
                           "evidence": None if r is None else r.signals.get("defect_evidence"),
                           "worst": None if r is None else r.signals.get("acoustic_worst"),
                           "line_cost_rel": None if r is None else r.signals.get("line_cost_rel")})


def score_scenes(transcriber, roots: Sequence[Union[str, Path]], *, evidence: bool = True,
                 errors_out: Optional[list] = None, options=None) -> dict:
    """Score the scenes in ``roots`` together (see the module contract)."""
    from ..align import align_transcript, build_script_index, reconcile_readings
    from ..align.evidence import EvidenceOptions
    from ..align.scene_pass import decide_and_measure
    from ..scenegen import load_truth
    from ..script import load_script

    options = options or EvidenceOptions()
    total, errors, per_seed, line_costs = _empty(), [], {}, []
    for root in map(Path, roots):
        truth = load_truth(root)
        script = load_script(str(root / truth["script"]))
        index = build_script_index(script)
        readings, transcripts = [], {}
        for take in truth["takes"]:
            tr = transcriber.transcribe(root / take["path"])
            transcripts[tr.path] = tr
            readings += align_transcript(script, tr, take_id=Path(take["path"]).stem, index=index)
        readings = reconcile_readings(script, readings)
        if evidence:
            readings = decide_and_measure(script, readings, transcripts, options=options, transcriber=transcriber,
                                          takes=list(transcripts))
        mine = _empty()
        for take in truth["takes"]:
            path = str((root / take["path"]).resolve())
            found = [r for r in readings if str(Path(r.path).resolve()) == path]
            score_take(take, found, mine, errors, f"seed {truth.get('seed')}", line_costs)
        per_seed[str(truth.get("seed"))] = _finish(mine)
        for kind, v in mine["kinds"].items():
            for key in ("tp", "truth", "flagged"):
                total["kinds"][kind][key] += v[key]
        for key in ("clean", "clean_flagged", "missed_readings"):
            total[key] += mine[key]
    if errors_out is not None:
        errors_out.extend(errors)
    out = _finish(total)
    out.update({"scenes": len(roots), "errors": errors, "per_seed": per_seed, "line_costs": line_costs})
    return out
