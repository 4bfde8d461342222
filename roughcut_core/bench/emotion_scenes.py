"""Scenes with parentheticals built from acted takes (``../shared/media/emotion_takes``).

Contract:
- TESS (one actress, "Say the word X." in 7 emotions): one scene per word; its 7 lines are the
  same sentence, each with a direction for one emotion ("(angrily)", "(sadly)", ...); every
  line's candidates are that word's 7 recordings.
- RAVDESS (actors 01-16, 2 sentences, 8 emotions, 2 intensities): one scene per actor; for each
  sentence and intensity, 7 directed lines (one per emotion); the candidates are the actor's
  repetition-1 takes of that sentence at that intensity plus the neutral take (neutral has no
  strong intensity). ``calm`` counts as ``neutral``.
- Each take is one file and one reading (its speech span by level), all of one setup (the
  actor's single), so the choice among them is the ranking's alone.
- :func:`evaluate_scene` cuts a scene with the real edit engine and reports, per line, whether
  the chosen take has the scripted emotion, and the chance of that for a random pick.
The files are read in place (non-commercial licences: nothing is copied or redistributed).
"""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from ..edit import EditOptions, TakeInfo, build_cut
from ..model import LineReading, Scene, Script, ScriptLine, Transcript
from ..timebase import Rate

EMOTIONS = ("angry", "sad", "happy", "fear", "disgust", "surprise", "neutral")
DIRECTION = {"angry": "angrily", "sad": "sadly", "happy": "happily", "fear": "fearfully",
             "disgust": "with disgust", "surprise": "surprised", "neutral": "flatly"}
LABELS = {"neutral": "neutral", "calm": "neutral", "happy": "happy", "sad": "sad", "angry": "angry",
          "fearful": "fear", "fear": "fear", "disgust": "disgust", "surprised": "surprise",
          "surprise": "surprise", "ps": "surprise", "pleasant_surprise": "surprise"}
RATE = Rate(25)


@dataclass(frozen=True)
class EmotionScene:
    name: str
    speaker: str
    script: Script
    takes: dict          # path -> TakeInfo
    readings: tuple      # LineReading per (line, candidate take)
    target: dict         # line id -> scripted emotion
    emotion_of: dict     # path -> acted emotion (calm as neutral)


def speech_span(path: str, floor_db: float = 30.0) -> tuple[float, float, float]:
    """(start, end, duration) seconds: the first and last 20 ms frame within ``floor_db`` of
    the loudest frame."""
    from ..speech.audio_io import decode_audio

    x = decode_audio(path, 16000)
    hop = 320
    n = max(1, len(x) // hop)
    rms = np.sqrt(np.mean(x[: n * hop].reshape(n, hop).astype(np.float64) ** 2, axis=1) + 1e-12)
    db = 20 * np.log10(rms)
    loud = np.flatnonzero(db >= db.max() - floor_db)
    dur = len(x) / 16000
    return float(loud[0] * hop / 16000), float(min(dur, (loud[-1] + 1) * hop / 16000)), dur


def _scene(name: str, speaker: str, groups: list[tuple[str, list[tuple[str, str]]]]) -> EmotionScene:
    """``groups``: [(sentence text, [(path, acted emotion)])]; 7 directed lines per group."""
    lines, readings, takes, target, emotion_of = [], [], {}, {}, {}
    spans = {}
    for text, files in groups:
        for path, emo in files:
            if path not in takes:
                start, end, dur = speech_span(path)
                spans[path] = (start, end)
                takes[path] = TakeInfo(path=path, rate=RATE, frame_count=int(np.ceil(dur * RATE.fps)),
                                       transcript=Transcript(path=path, language="en", words=(), duration=dur),
                                       setup=f"CU_{speaker}", shot_size="CU", characters=(speaker,),
                                       take_id=Path(path).stem)
                emotion_of[path] = emo
        for emo in EMOTIONS:
            lid = f"{name}-{len(lines) + 1}"
            lines.append(ScriptLine(id=lid, scene_id=name, character=speaker, text=text,
                                    parenthetical=DIRECTION[emo]))
            target[lid] = emo
            for path, _ in files:
                a, b = spans[path]
                readings.append(LineReading(path=path, line_id=lid, start=a, end=b, score=1.0,
                                            character=speaker, text=text, take_id=Path(path).stem))
    script = Script(scenes=(Scene(id=name, heading=f"INT. {name.upper()}", lines=tuple(lines)),), title=name)
    return EmotionScene(name, speaker, script, takes, tuple(readings), target, emotion_of)


def tess_scenes(root: Path) -> list[EmotionScene]:
    by_word: dict = defaultdict(list)
    texts = {}
    with open(root / "lines.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            emo = LABELS.get(row["emotion"].strip().lower())
            if emo and (root / row["file"]).exists():
                key = (row["speaker"], row["word"])
                by_word[key].append((str((root / row["file"]).resolve()), emo))
                texts[key] = row["text"]
    return [_scene(f"tess_{spk}_{word}", spk, [(texts[(spk, word)], files)])
            for (spk, word), files in sorted(by_word.items())]


def ravdess_scenes(root: Path, actors) -> list[EmotionScene]:
    rows: dict = defaultdict(list)
    with open(root / "labels.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["actor"] in actors and (root / row["file"]).exists():
                rows[row["actor"]].append(row)
    out = []
    for actor in sorted(rows):
        groups = []
        for sid in sorted({r["statement_id"] for r in rows[actor]}):
            for intensity in ("normal", "strong"):
                files, seen = [], set()
                for r in sorted(rows[actor], key=lambda r: (r["repetition"], r["file"])):
                    emo = LABELS.get(r["emotion"])
                    if r["statement_id"] != sid or emo is None or r["emotion"] in seen:
                        continue
                    if r["intensity"] == intensity or r["emotion"] == "neutral":
                        files.append((str((root / r["file"]).resolve()), emo))
                        seen.add(r["emotion"])
                text = next(r["statement_text"] for r in rows[actor] if r["statement_id"] == sid)
                if len({e for _, e in files}) >= 5:
                    groups.append((text.rstrip(".") + ".", files))
        if groups:
            out.append(_scene(f"ravdess_{actor}", f"ACTOR{actor}", groups))
    return out


def attach_signals(scene: EmotionScene, model=None, voice=...) -> EmotionScene:
    """The scene with performance signals (``roughcut_core.perform``, with ``model`` or DSP
    only when None; ``voice``: the voice emotion model, by default the shipped one when ``model``
    is given, None for none) on its readings. The 7 lines of a group share their candidate takes, so
    the signals are measured once per group and shared; the intent match stays per line
    (the ranking judges each reading against its own line's direction)."""
    from dataclasses import replace

    from ..perform.reading import attach_performance
    from ..perform.voiceembed import VoiceEncoder

    from ..perform.voicemodel import load_default_voice_model

    if voice is ...:
        voice = load_default_voice_model() if model is not None else None
    encoder = VoiceEncoder() if voice is not None else None

    by_line: dict = defaultdict(list)
    for r in scene.readings:
        by_line[r.line_id].append(r)
    measured: dict = {}
    for lid, rs in by_line.items():
        key = frozenset(r.path for r in rs)
        if key not in measured:
            done = attach_performance(rs, {}, script=None, model=model, voice=voice, encoder=encoder)
            measured[key] = {r.path: r.signals for r in done}
    readings = tuple(replace(r, signals=dict(measured[frozenset(x.path for x in by_line[r.line_id])][r.path]))
                     for r in scene.readings)
    return EmotionScene(scene.name, scene.speaker, scene.script, scene.takes, readings, scene.target,
                        scene.emotion_of)


def evaluate_scene(scene: EmotionScene, weights: Optional[dict] = None):
    """(cut, [(line id, hit, chance)]) for ``scene`` cut with ``weights`` (hand-set when None)."""
    cut = build_cut(scene.script, scene.takes, scene.readings,
                    EditOptions(weights=weights, alternates=8, reaction_shots=False))
    cands: dict = defaultdict(list)
    for r in scene.readings:
        cands[r.line_id].append(scene.emotion_of[r.path])
    rows = []
    for d in cut.decisions:
        if d.gap or d.video_track != 1:
            continue
        lid = d.line_ids[0]
        want = scene.target[lid]
        chance = sum(e == want for e in cands[lid]) / len(cands[lid])
        rows.append((lid, scene.emotion_of.get(d.path) == want, chance))
    return cut, rows


def editor_fixes(scene: EmotionScene, cut) -> list:
    """The simulated editor: per clip, the highest-ranked option with the scripted emotion."""
    fixes = []
    for d in cut.decisions:
        if d.gap or d.video_track != 1:
            continue
        want = scene.target[d.line_ids[0]]
        if scene.emotion_of.get(d.path) == want:
            fixes.append(d)
            continue
        alt = next((a for a in d.alternates if scene.emotion_of.get(a.path) == want), None)
        fixes.append(d if alt is None else _swap(d, alt))
    return fixes


def _swap(d, alt):
    from dataclasses import replace

    return replace(d, path=alt.path, src_in=alt.src_in, src_out=alt.src_out)
