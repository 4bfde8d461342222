"""`roughcut bench emotion [--data DIR] [--holdout 13,14,15,16] [--train 01-12] [--json]`.

Vocal emotion / arousal and intent matching on acted takes (``../shared/media/emotion_takes``:
RAVDESS actors 01-16 and TESS speaker YAF; non-commercial, read in place, nothing saved):
- trains the emotion model (``perform/train.py``) on the ``--train`` RAVDESS actors only (or
  takes ``--model FILE``, ``--model shipped`` = the packaged EmoDB model) and reports 7-class
  accuracy (and accuracy among the labels the model was trained on) on the held-out actors and, across corpora, on TESS YAF (never
  trained on), with chance = 1/7;
- DSP arousal (the default install, no training): AUC of high- vs low-arousal emotions
  (angry/fear/surprise/happy vs sad/neutral) on the same held-out takes;
- intent-match rate: a "scene" is one speaker saying one line in the 7 emotions (RAVDESS: per
  actor, statement, intensity and repetition; TESS: per word); for each emotion, the line gets
  that emotion's parenthetical (``(angrily)``, ``(sadly)``...), every take is scored with
  ``script.intent.intent_match`` on its signals (``perform.reading.emotion_signals``, speaker
  z-scores over the scene's 7 takes), and a hit is when the top-scoring take is the one acted
  in that emotion. Chance = 1/7. Reported with the trained model and with DSP only (the
  default install: the ``rel_*`` delivery cues against the actor's own takes with the
  literature profiles of ``perform.delivery``, and for comparison the earlier DSP path without
  them). The profiles are not fitted to any of these takes.
Features are computed once per file (about 0.1 s of CPU each).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from ..paths import shared_media_dir
from . import markdown_table, peak_rss_mb

DIRECTION = {"angry": "(angrily)", "sad": "(sadly)", "happy": "(happily)", "fear": "(fearfully)",
             "disgust": "(disgusted)", "surprise": "(surprised)", "neutral": "(flatly)"}


def _default_data() -> Path:
    return shared_media_dir() / "emotion_takes"


def _parse_ids(text: str) -> list[str]:
    out: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            a, b = part.split("-")
            out += [f"{k:02d}" for k in range(int(a), int(b) + 1)]
        elif part:
            out.append(part)
    return out


def _scenes(examples) -> list[list[int]]:
    """Index lists of 7 takes (one per emotion) of one speaker saying one line."""
    groups: dict = defaultdict(dict)
    src = [e.source_label for e in examples]
    for k, e in enumerate(examples):
        if src[k] == "calm":
            continue
        rep = Path(e.path).stem.split("-")[5] if e.path.endswith(".flac") else "01"
        if e.emotion == "neutral":
            for inten in ("normal", "strong"):
                groups[(e.group, inten, rep)].setdefault(e.emotion, k)
        else:
            groups[(e.group, e.intensity, rep)].setdefault(e.emotion, k)
    from ..perform.emotion import EMOTIONS

    return [[g[e] for e in EMOTIONS] for g in groups.values() if len(g) == len(EMOTIONS)]


def delivery_extras(examples) -> dict:
    """Per take, what ``perform.delivery`` needs beyond the feature row, measured as the
    pipeline does on a reading without word times: rate = 1 / speech span (the first to the
    last 10 ms frame within 30 dB of the loudest; the line is the same within a scene, so
    lines per second orders takes as words per second would), pausing = share of that span
    under -35 dB re the loudest frame, and the voice irregularity over it."""
    from ..perform.delivery import voice_irregularity
    from ..perform.prosody import frame_levels
    from ..speech.audio_io import decode_audio

    rate, pausing, irr = [], [], []
    for e in examples:
        x = decode_audio(e.path, 16000)
        lv = frame_levels(x, 16000)
        loud = np.flatnonzero(lv >= lv.max() - 30.0)
        a, b = int(loud[0]), int(loud[-1]) + 1
        rate.append(1.0 / max((b - a) * 0.01, 0.2))
        pausing.append(float((lv[a:b] <= lv.max() - 35.0).mean()))
        irr.append(voice_irregularity(x[a * 160: b * 160 + 240], 16000))
    return {"rate": rate, "pausing": pausing, "irregularity": irr}


def relative_cue_rows(examples, raw, scenes, extras) -> dict:
    """``{example index: {rel_* signal: z}}`` for the takes of ``scenes``: each take against
    the same speaker's takes of the same line (the scene), over that speaker's pooled spread
    (``perform.delivery.relative_cues``, as ``perform.reading`` computes it per line)."""
    from ..perform.delivery import CUES, SIGNAL_PREFIX, cue_values, relative_cues

    rows = [k for sc in scenes for k in sc]
    groups = [si for si, sc in enumerate(scenes) for _ in sc]
    speakers = [examples[k].speaker for k in rows]
    values = cue_values(raw[rows], {c: [extras[c][k] for k in rows] for c in extras})
    z = relative_cues(values, groups, speakers)
    out: dict = {}
    for k, zr in zip(rows, z):
        out.setdefault(k, {}).update({SIGNAL_PREFIX + c: float(v) for c, v in zip(CUES, zr) if np.isfinite(v)})
    return out


def intent_rate(examples, raw, scenes, model, extras=None, per_emotion=None, embeddings=None, voice=None) -> float:
    """Share of (scene, direction) pairs whose top-scoring take is the one acted that way; with
    ``voice`` and ``embeddings`` (a row per example) the voice model joins the feature model."""
    from ..model import ScriptLine
    from ..perform.features import FEATURE_NAMES
    from ..perform.reading import emotion_signals
    from ..script.intent import intent_match, parse_intent

    rel = relative_cue_rows(examples, raw, scenes, extras) if extras is not None else {}
    hits = total = 0
    for scene in scenes:
        feats = raw[scene]
        emb = [embeddings[k] for k in scene] if embeddings is not None else None
        sig = emotion_signals(feats, ["A"] * len(scene), model, emb, voice)
        for s, k in zip(sig, scene):
            s.update(rel.get(k, {}))
        # delivery relative to the scene's median, as perform.reading computes it per line
        idx = {n: FEATURE_NAMES.index(n) for n in ("lvl_mean", "f0_p50", "f0_range", "peak_rate")}
        med = {n: float(np.median(feats[:, i])) for n, i in idx.items()}
        for s, row in zip(sig, feats):
            s["loudness_rel_db"] = float(row[idx["lvl_mean"]] - med["lvl_mean"])
            s["pitch_mean_rel_st"] = float(row[idx["f0_p50"]] - med["f0_p50"])
            s["pitch_range_rel_st"] = float(row[idx["f0_range"]] - med["f0_range"])
            if med["peak_rate"] > 0:
                s["rate_rel"] = float(row[idx["peak_rate"]] / med["peak_rate"])
        for target, direction in DIRECTION.items():
            intent = parse_intent(ScriptLine(id="1-1", scene_id="1", character="A", text="Line.",
                                             parenthetical=direction))
            scores = [intent_match(s, intent)[0] for s in sig]
            best = int(np.argmax(scores))
            hits += examples[scene[best]].emotion == target
            total += 1
            if per_emotion is not None:
                per_emotion.setdefault(target, []).append(examples[scene[best]].emotion == target)
    return hits / total if total else float("nan")


def cut_intent(root: Path, actors, model, tess: bool = True, voice=None) -> dict:
    """Intent match of the real cut (``emotion_scenes``: one scene per RAVDESS actor in
    ``actors``, one per TESS word unless ``tess`` is False; hand-set ranking weights) with DSP
    signals only, with ``model`` and, when ``voice`` is given, with ``model`` and the voice model:
    ``{set: {"lines", "chance", "dsp", "model"[, "model+voice"]}}``."""
    from .emotion_scenes import attach_signals, evaluate_scene, ravdess_scenes, tess_scenes

    out = {}
    with_tess = tess and (root / "lines.tsv").exists()
    for name, scenes in ((f"RAVDESS actors {','.join(actors)}", ravdess_scenes(root / "ravdess", set(actors))),
                         ("TESS YAF", tess_scenes(root) if with_tess else [])):
        if not scenes:
            continue
        res = {}
        runs = [("dsp", None, None), ("model", model, None)] + ([("model+voice", model, voice)] if voice else [])
        for label, m, v in runs:
            rows = [r for sc in scenes for r in evaluate_scene(attach_signals(sc, model=m, voice=v))[1]]
            res[label] = round(sum(h for _, h, _ in rows) / max(1, len(rows)), 4)
            res["lines"] = len(rows)
            res["chance"] = round(sum(c for *_, c in rows) / max(1, len(rows)), 4)
        out[name] = res
    return out


def _known_accuracy(model, examples, raw, known) -> float:
    """Accuracy over the takes whose label the model was trained on, choosing among those labels
    only (e.g. the EmoDB model has no surprise: 6-way on the other takes)."""
    from ..perform.emotion import EMOTIONS
    from ..perform.features import normalise_by_group

    keep = np.array([e.emotion in known for e in examples])
    if not keep.any():
        return float("nan")
    probs, _ = model.predict(normalise_by_group(raw, [e.speaker for e in examples]))
    cols = [k for k, e in enumerate(EMOTIONS) if e in known]
    pred = np.array(EMOTIONS)[np.array(cols)[probs[:, cols].argmax(1)]]
    return float(np.mean(pred[keep] == np.array([e.emotion for e in examples])[keep]))


def _auc(pos, neg) -> float:
    pos, neg = np.asarray(pos), np.asarray(neg)
    if not len(pos) or not len(neg):
        return float("nan")
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


def run(argv) -> int:
    ap = argparse.ArgumentParser(prog="roughcut bench emotion")
    ap.add_argument("--data", default=str(_default_data()))
    ap.add_argument("--train", default="01-12", help="RAVDESS actors to train on (default 01-12)")
    ap.add_argument("--holdout", default="13-16", help="RAVDESS actors to report on (default 13-16)")
    ap.add_argument("--l2", type=float, default=30.0)
    ap.add_argument("--model", help="evaluate this model file ('shipped' = the packaged EmoDB model) "
                                    "instead of training one on --train")
    ap.add_argument("--cut", action="store_true", help="also cut the held-out actors' and TESS scenes "
                                                        "with the real edit engine (emotion_scenes): "
                                                        "intent match of the cut, DSP vs the model")
    ap.add_argument("--no-voice", action="store_true", help="leave out the voice emotion model "
                                                            "(perform.voicemodel) and its column")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    from ..errors import RoughcutError
    from ..perform.emotion import dsp_arousal
    from ..perform.features import normalise_by_group
    from ..perform.train import evaluate, extract, load_dataset, train

    try:
        examples = load_dataset(args.data)
    except RoughcutError as exc:
        print(f"roughcut bench emotion: {exc}", file=sys.stderr)
        return 2
    tick = time.perf_counter()
    durations: list = []
    raw = extract(examples, durations=durations)
    feat_s = time.perf_counter() - tick
    from ..perform.voicemodel import load_default_voice_model

    voice = None if args.no_voice else load_default_voice_model()
    embeddings = None
    if voice is not None:
        from ..perform.train_voice import embed_files

        tick = time.perf_counter()
        embeddings = embed_files([e.path for e in examples])
        voice_s = time.perf_counter() - tick
    train_ids, hold_ids = set(_parse_ids(args.train)), set(_parse_ids(args.holdout))
    actor = [e.speaker.split(":", 1)[-1] for e in examples]
    is_rav = np.array([e.speaker.startswith("ravdess:") for e in examples])
    tr = np.array([a in train_ids for a in actor]) & is_rav
    te = np.array([a in hold_ids for a in actor]) & is_rav
    tess = np.array([e.speaker.startswith("emotion_takes:") for e in examples])
    if args.model:
        from ..perform.emotion import SHIPPED_MODEL, EmotionModel

        model = EmotionModel.load(SHIPPED_MODEL if args.model == "shipped" else args.model)
        tr = np.zeros(len(examples), bool)
    else:
        model = train([e for e, k in zip(examples, tr) if k], raw[tr], l2=args.l2, data_dir=args.data)
    from ..perform.emotion import EMOTIONS

    known = set(model.labels)
    rows = []
    result: dict = {"features_s": round(feat_s, 1), "files": len(examples), "train_takes": int(tr.sum()),
                    "peak_rss_mb": 0.0, "sets": {}}
    for name, mask in (("RAVDESS held-out actors " + ",".join(sorted(hold_ids)), te), ("TESS YAF (other corpus)", tess)):
        if not mask.any():
            continue
        sub = [e for e, k in zip(examples, mask) if k]
        ev = evaluate(model, sub, raw[mask])
        ev["accuracy_on_model_labels"] = _known_accuracy(model, sub, raw[mask], known)
        z = normalise_by_group(raw[mask], [e.speaker for e in sub])
        ar = dsp_arousal(z)
        hi = np.array([e.emotion in ("angry", "fear", "surprise", "happy") for e in sub])
        lo = np.array([e.emotion in ("sad", "neutral") for e in sub])
        scenes = _scenes(sub)
        extras = delivery_extras(sub)
        per_model: dict = {}
        r_model = intent_rate(sub, raw[mask], scenes, model, extras, per_emotion=per_model)
        per_voice: dict = {}
        r_voice = (intent_rate(sub, raw[mask], scenes, model, extras, per_emotion=per_voice,
                               embeddings=embeddings[mask], voice=voice) if voice is not None else None)
        r_dsp_old = intent_rate(sub, raw[mask], scenes, None)
        per: dict = {}
        r_dsp = intent_rate(sub, raw[mask], scenes, None, extras, per_emotion=per)
        result["sets"][name] = {**ev, "dsp_arousal_auc": _auc(ar[hi], ar[lo]), "scenes": len(scenes),
                                "intent_match_rate_model": r_model, "intent_match_rate_model_voice": r_voice,
                                "intent_match_rate_dsp": r_dsp,
                                "intent_match_rate_dsp_without_relative_cues": r_dsp_old,
                                "intent_match_dsp_per_emotion": {k: round(float(np.mean(v)), 3) for k, v in per.items()},
                                "intent_match_model_per_emotion": {k: round(float(np.mean(v)), 3)
                                                                   for k, v in per_model.items()},
                                "intent_match_model_voice_per_emotion": {k: round(float(np.mean(v)), 3)
                                                                         for k, v in per_voice.items()}}
        rows.append((name, ev["n"], ev["accuracy"], ev["accuracy_on_model_labels"], ev["balanced_accuracy"], ev["arousal_corr"],
                     _auc(ar[hi], ar[lo]), len(scenes), r_model, r_voice, r_dsp, r_dsp_old, 1 / 7))
    if args.cut:
        result["cut"] = cut_intent(Path(args.data), sorted(hold_ids), model, voice=voice)
        rows_cut = [(name, v["lines"], v["chance"], v["dsp"], v["model"], v.get("model+voice"))
                    for name, v in result["cut"].items()]
    audio_s = float(sum(durations))
    result["audio_s"] = round(audio_s, 1)
    result["features_rtf"] = round(audio_s / feat_s, 1) if feat_s > 0 else None
    if embeddings is not None:
        result["voice_embedding_rtf"] = round(audio_s / voice_s, 1) if voice_s > 0 else None
    result["face"] = _face_timing()
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(markdown_table(("set", "takes", "emotion acc (7)", f"acc on the model's {len(known)} labels", "balanced acc", "model arousal r",
                          "DSP arousal AUC", "scenes", "intent match (model)", "intent match (model + voice)",
                          "intent match (DSP, relative cues)",
                          "intent match (DSP, before)", "chance"), rows))
    trained_on = (f"model {args.model} ({model.recipe.get('files', '?')} takes, licence "
                  f"{model.recipe.get('source', {}).get('licence', 'see recipe')})" if args.model else
                  f"trained on {int(tr.sum())} takes of RAVDESS actors {args.train} (calm counted as neutral)")
    print(f"\n{trained_on}; "
          f"features for {len(examples)} files ({audio_s:.0f} s of audio) in {feat_s:.0f} s "
          f"(real-time factor {result['features_rtf']}); peak RSS {result['peak_rss_mb']} MiB")
    if args.cut:
        print("\nthrough the real cut (hand-set weights), intent match of the chosen takes:")
        print(markdown_table(("scenes", "directed lines", "chance", "DSP only", "with the model",
                              "with the model + voice"), rows_cut))
    face = result["face"]
    if face:
        print(f"face signals: {face['readings']} GRID readings of 2 s, {face['s_per_reading']:.2f} s each, "
              f"blink at a cut in {face['blinks']} of them")
    return 0


def _face_timing() -> dict:
    """Seconds per reading of ``picture.expression.face_signals`` on the GRID talking heads."""
    clips = sorted((shared_media_dir() / "video_faces_speaking").glob("grid_*.mpg"))
    if not clips:
        return {}
    from ..picture.detector import FaceDetector
    from ..picture.expression import face_signals
    from ..picture.landmarks import FaceLandmarker

    models = (FaceDetector("full"), FaceLandmarker())
    tick = time.perf_counter()
    out = [face_signals(str(c), 0.5, 2.5, None, models) for c in clips]
    spent = time.perf_counter() - tick
    return {"readings": len(out), "s_per_reading": spent / len(out),
            "blinks": int(sum(o.get("blink_at_cut", 0.0) for o in out))}
