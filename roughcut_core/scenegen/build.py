"""Write a generated scene folder: script, takes and ground truth.

Contract: :func:`build_scene(out_dir, seed, small=False)` writes ``scene.fountain``,
``media/<SETUP>_T<n>.mp4`` and, last (so its presence means the folder is complete),
``ground_truth.json`` with schema ``roughcut.scenegen-truth/1``::

    {"schema", "seed", "rate": [num, den], "width", "height", "title",
     "characters": [...], "actors": {character: {"face", "voice", "credit"}},
     "setups": {name: {"shows": [characters], "shot_size", "face_height"}},
     "start_timecode": label or null, "drop_frame": bool,
     "lines": [{"id", "character", "text"}],
     "takes": [{"path", "name", "setup", "take", "frames", "duration", "shows", "faces",
                "readings": [{"line_id", "character", "start", "end", "on_camera",
                              "defect", "spoken_text"}]}],
     "defects": [{"kind", "take", "line_id"}]}

``build_scene(..., hard=True)`` (``scenegen.hard``) adds ``"hard": true``, per take
``"extra_faces": [box, ...]`` (the silent extra's face, never in ``shows``) and ``"conditions"``
(the extra's actor, the off-camera level, each setup's grade, sway and over-the-shoulder side).
``build_scene(..., idioms=True)`` (``scenegen.idioms``) writes the idiom scene of the seed, its
directed lines with their ``"direction"`` and the editor's expectations under ``"idioms"``.

Everything is a pure function of (seed, small, width, height) and the shared media files.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Optional, Union

import numpy as np

from ..fileio import atomic_write_json, atomic_write_text
from .actors import load_actor
from .plan import ScenePlan, plan_scene
from .render import EXTRA, Layout, encode, levels_per_frame, speech_requests, take_audio

TRUTH_SCHEMA = "roughcut.scenegen-truth/1"
# 6: the ``hard`` variant (scenegen.hard); default scenes byte-identical to version 5's;
# 5: reproducible audio (espeak-ng variant voices reseeded per utterance);
# 4: seeds >= 12 vary faces per block, rates incl. 59.94 DF, framing, timecode
GENERATOR_VERSION = "6"
SAME_DEFAULT_SCENES = ("5", "6")  # versions whose default (not hard) scenes are the same bytes

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class GeneratedScene:
    root: Path
    script_path: Path
    media_paths: tuple[Path, ...]
    ground_truth_path: Path


def to_fountain(plan: ScenePlan) -> str:
    out = [f"Title: {plan.title}", "Author: the roughcut scene generator", "", "INT. ROOM - NIGHT #1#", "",
           f"{plan.characters[0].name} and {plan.characters[1].name} face each other.", ""]
    for ln in plan.lines:
        out += [ln.character, *([ln.direction] if ln.direction else []), ln.text, ""]
    return "\n".join(out) + "\n"


def start_timecode(plan: ScenePlan) -> Optional[str]:
    """The takes' start timecode: none before ``LEGACY_SEEDS`` (as generator 3 wrote them), else
    one hour in, with ``;`` (drop-frame) at 29.97 / 59.94."""
    from .plan import LEGACY_SEEDS

    if plan.seed < LEGACY_SEEDS:
        return None
    return "01:00:00;00" if plan.drop_frame else "01:00:00:00"


def build_scene(out_dir: Union[str, Path], seed: int = 0, *, small: bool = False, width: int = 640,
                height: int = 360, media: Optional[Path] = None,
                progress: Optional[Progress] = None, hard: bool = False, idioms: bool = False) -> GeneratedScene:
    """Generate scene ``seed`` into ``out_dir`` (see the module docstring; ``hard``: the same
    scene in the harder conditions of ``scenegen.hard``; ``idioms``: the idiom scene of
    ``scenegen.idioms`` instead, its editor's expectations under the truth's ``"idioms"``)."""
    from ..demo.tts import synthesize_many

    if width % 2 or height % 2 or width < 320 or height < 180:
        raise ValueError(f"frame size must be even and at least 320x180, got {width}x{height}")
    if idioms and (small or hard):
        raise ValueError("an idiom scene has one size and the default conditions: no small or hard")
    report = progress or (lambda done, total, label: None)
    expectations = None
    if idioms:
        from .idioms import plan_idiom_scene

        plan, expectations = plan_idiom_scene(seed)
    else:
        plan = plan_scene(seed, small=small, hard=hard)
    root = Path(out_dir)
    media_dir = root / "media"
    media_dir.mkdir(parents=True, exist_ok=True)
    actors = {c.name: load_actor(c.actor, media) for c in plan.characters}
    if plan.hard is not None and plan.hard.extra:
        actors[EXTRA] = load_actor(plan.hard.extra, media)
    total = len(plan.takes) + 1
    report(0, total, "speech")
    requests = list(dict.fromkeys(speech_requests(plan)))
    clips = dict(zip(requests, synthesize_many(requests)))
    script_path = root / "scene.fountain"
    atomic_write_text(script_path, to_fountain(plan), mode=0o644)
    layouts = {s.name: Layout(plan, s, actors, width, height) for s in plan.setups}
    timecode = start_timecode(plan)
    entries, paths = [], []
    for n, take in enumerate(plan.takes, start=1):
        sound = take_audio(plan, take, clips)
        frames = int(sound.duration * plan.rate)
        levels = {who: levels_per_frame(sound.stems[who], plan.rate, frames) for who in take.setup.shows}
        layout = layouts[take.setup.name]
        if plan.hard is not None:
            levels = _reactions(plan, take, levels, layout, frames)
        path = media_dir / f"{take.name}.mp4"
        encode(path, lambda i: layout.frame(i, {w: lv[i] for w, lv in levels.items()}, take.index, plan.rate), frames,
               sound.mix[:int(frames * 48000 / plan.rate)], plan.rate, width, height, timecode)
        paths.append(path)
        entries.append({
            "path": f"media/{take.name}.mp4", "name": take.name, "setup": take.setup.name, "take": take.take,
            "frames": frames, "duration": round(frames / float(plan.rate), 6), "shows": list(take.setup.shows),
            "faces": layout.face_boxes(),
            **({"extra_faces": list(layout.face_boxes(extras=True).values())} if plan.hard is not None else {}),
            "readings": [{"line_id": r.line_id, "character": r.character, "start": round(r.start, 4),
                          "end": round(min(r.end, frames / float(plan.rate)), 4), "on_camera": r.on_camera,
                          "defect": r.defect, "spoken_text": r.spoken} for r in sound.readings],
        })
        report(n, total, take.name)
    keep = {p.name for p in paths}
    for stale in media_dir.glob("*_T*.mp4"):
        if stale.name not in keep:
            stale.unlink()
    truth = {
        "schema": TRUTH_SCHEMA, "seed": int(seed), "small": bool(small),
        "rate": [plan.rate.numerator, plan.rate.denominator], "width": width, "height": height,
        "title": plan.title, "script": "scene.fountain",
        "start_timecode": timecode, "drop_frame": plan.drop_frame,
        "characters": [c.name for c in plan.characters],
        "actors": {c.name: {"face": c.actor, "voice": c.voice, "credit": actors[c.name].credit}
                   for c in plan.characters},
        "setups": {s.name: {"shows": list(s.shows), "shot_size": s.shot_size, "face_height": s.face_height}
                   for s in plan.setups},
        "lines": [{"id": ln.id, "character": ln.character, "text": ln.text} for ln in plan.lines],
        "takes": entries,
        "defects": [{"kind": t.defect, "take": t.name, "line_id": t.defect_line} for t in plan.takes if t.defect],
        "generator": {"name": "roughcut.scenegen", "version": GENERATOR_VERSION},
    }
    if expectations is not None:
        truth["idioms"] = expectations
        truth["lines"] = [{**ln, "direction": d.direction} if (d := plan.lines[k]).direction else ln
                          for k, ln in enumerate(truth["lines"])]
    if plan.hard is not None:
        truth["hard"] = True
        truth["conditions"] = {"extra": plan.hard.extra, "off_camera_db": plan.hard.off_camera_db,
                               "looks": {name: {"grade": asdict(lk.grade), "sway": lk.sway,
                                                "over_shoulder": lk.over_shoulder}
                                         for name, lk in plan.hard.looks.items()}}
    truth_path = root / "ground_truth.json"
    atomic_write_json(truth_path, truth, mode=0o644)
    report(total, total, "ground truth")
    return GeneratedScene(root, script_path, tuple(paths), truth_path)


def _reactions(plan: ScenePlan, take, levels: dict, layout: Layout, frames: int) -> dict:
    """Mouth levels with the hard conditions' listener reactions (and the extra's, when the
    layout has one), each drawn from (seed, take, who)."""
    from .hard import reaction_levels

    out = {who: reaction_levels(lv, plan.rate, (plan.seed, take.index, 31, k))
           for k, (who, lv) in enumerate(sorted(levels.items()))}
    if any(who == EXTRA for who, *_ in layout.placed):
        out[EXTRA] = reaction_levels(np.zeros(frames, np.float32), plan.rate, (plan.seed, take.index, 32), always=True)
    return out


def load_truth(path: Union[str, Path]) -> dict:
    """Read a generated scene's ground truth (the JSON file or the folder holding it)."""
    from ..demo.build import read_truth

    return read_truth(path, TRUTH_SCHEMA, "generated-scene ground truth")
