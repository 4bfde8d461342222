"""Assemble the demo scene folder: script, takes and the exact ground truth.

Contract: see :func:`build_demo_scene` (re-exported by ``roughcut_core.demo``). Everything is a
pure function of ``seed``, ``width`` and ``height``: re-running into the same folder rewrites
the same files (stale takes from an earlier, larger run are removed). Each file is written
atomically; the ground truth is written last, so its presence means the folder is complete.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Union

from ..errors import SchemaError
from ..fileio import atomic_write_json, atomic_write_text
from . import audio as take_audio
from .dialogue import CHARACTERS, SceneText, scene_for_seed, to_fountain
from .encode import RATE, write_take
from .faces import load_photo
from .picture import SetupPicture
from .performance import editor_picks, scripted_style
from .plan import SOFT_FOCUS_DEFECT, TakePlan, plan_takes, setups
from .tts import SAMPLE_RATE, synthesize_many

TRUTH_SCHEMA = "roughcut.demo-truth/1"
GENERATOR_VERSION = "2"  # 2: performances (matched / flat / wrong deliveries of directed lines)
MAX_TAKE_SECONDS = 30.0

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DemoScene:
    root: Path
    script_path: Path
    media_dir: Path
    media_paths: tuple[Path, ...]
    ground_truth_path: Path


def _t(seconds: float) -> float:
    return round(float(seconds), 6)


def _reading_truth(reading: take_audio.ReadingAudio, soft: bool) -> dict:
    defect = reading.defect or (SOFT_FOCUS_DEFECT if soft else None)
    out = {
        "line_id": reading.line_id,
        "character": reading.character,
        "start": _t(reading.start),
        "end": _t(reading.end),
        "acceptable": defect is None,
        "defect": defect,
        "spoken_text": reading.spoken_text,
        "words": [{"text": w.text, "start": _t(w.start), "end": _t(w.end)} for w in reading.words],
    }
    if reading.snr_db is not None:
        out["snr_db"] = reading.snr_db
    out["delivery"] = reading.delivery
    out["style"] = reading.style
    return out


def _take_truth(take: TakePlan, rendered: take_audio.TakeAudio, picture: SetupPicture) -> dict:
    duration = rendered.frames * RATE.denominator / RATE.numerator
    return {
        "path": f"media/{take.name}.mp4",
        "name": take.name,
        "setup": take.setup.name,
        "take": take.take,
        "duration": _t(duration),
        "frames": rendered.frames,
        "focus": "soft" if take.soft else "sharp",
        "truncated_at": None if rendered.truncated_at is None else _t(rendered.truncated_at),
        "missing_lines": list(rendered.missing_lines),
        "dropped_line": take.drop_line,
        "noise_range": None if rendered.noise_range is None else [_t(v) for v in rendered.noise_range],
        "shows": list(take.setup.shows),
        "faces": picture.face_boxes(),
        "drift_px": picture.drift_px,
        "readings": [_reading_truth(r, take.soft) for r in rendered.readings],
    }


def _defect_summary(takes: tuple[TakePlan, ...]) -> list[dict]:
    out = []
    for take in takes:
        for kind, line_id in (("flub", take.flub_line), ("restart", take.restart_line),
                              ("drop", take.drop_line), ("noise", take.noise_line),
                              ("truncated", take.truncate_line)):
            if line_id:
                out.append({"kind": kind, "take": take.name, "line_id": line_id})
        if take.soft:
            out.append({"kind": "soft_focus", "take": take.name, "line_id": None})
    return out


def _truth_header(scene: SceneText, seed: int, width: int, height: int) -> dict:
    photos = {ch: load_photo(ch) for ch in CHARACTERS}
    return {
        "schema": TRUTH_SCHEMA,
        "seed": int(seed),
        "rate": [RATE.numerator, RATE.denominator],
        "sample_rate": SAMPLE_RATE,
        "width": width,
        "height": height,
        "title": scene.title,
        "script": "scene.fountain",
        "scene": {"number": scene.scene_number, "heading": scene.heading},
        "characters": list(CHARACTERS),
        "actors": {ch: {"photo": photos[ch].path.name, "credit": photos[ch].credit,
                        "voice": take_audio.voice_name(ch)} for ch in CHARACTERS},
        "setups": {s.name: {"shows": list(s.shows), "shot_size": s.shot_size} for s in setups()},
        "lines": [{"id": ln.id, "character": ln.character, "text": ln.text,
                   "parenthetical": ln.parenthetical, "style": scripted_style(ln)} for ln in scene.lines],
        "generator": {"name": "roughcut.demo", "version": GENERATOR_VERSION,
                      "params": {"seed": int(seed), "width": width, "height": height}},
    }


def build_demo_scene(out_dir: Union[str, Path], seed: int = 0, *, width: int = 640, height: int = 360,
                     progress: Optional[Progress] = None) -> "DemoScene":
    """Generate the sample scene for ``seed`` into ``out_dir``.

    Writes ``scene.fountain``, ``media/<SETUP>_T<n>.mp4`` (H.264/AAC at 24000/1001, every take
    under 30 s) and ``ground_truth.json`` (schema ``roughcut.demo-truth/1``). ``progress``, when
    given, is called as ``progress(done, total, label)``.
    """
    if width % 2 or height % 2 or width < 160 or height < 90:
        raise ValueError(f"frame size must be even and at least 160x90, got {width}x{height}")
    root = Path(out_dir)
    media_dir = root / "media"
    media_dir.mkdir(parents=True, exist_ok=True)
    scene = scene_for_seed(seed)
    takes = plan_takes(scene, seed)
    total = len(takes) + 2
    report = progress or (lambda done, total_, label: None)

    report(0, total, "speech")
    requests = take_audio.speech_requests(scene, takes, seed)
    bank = take_audio.word_bank(requests, synthesize_many(requests))
    script_path = root / "scene.fountain"
    atomic_write_text(script_path, to_fountain(scene), mode=0o644)
    report(1, total, "speech")

    truth = _truth_header(scene, seed, width, height)
    take_entries = []
    media_paths = []
    for n, take in enumerate(takes, start=1):
        rendered = take_audio.render_take_audio(scene, take, seed, bank)
        seconds = rendered.frames * RATE.denominator / RATE.numerator
        if seconds >= MAX_TAKE_SECONDS:
            raise RuntimeError(f"demo take {take.name} would run {seconds:.1f} s (limit {MAX_TAKE_SECONDS} s)")
        picture = SetupPicture(take.setup, width, height, soft=take.soft,
                               drift_seed=seed * 1000 + take.index, levels=take_audio.MOUTH_LEVELS)
        mouths = [take_audio.mouth_levels(rendered.stems[ch], rendered.frames) for ch in take.setup.shows]
        path = media_dir / f"{take.name}.mp4"
        write_take(path, lambda i: picture.frame_yuv420p(i, tuple(int(m[i]) for m in mouths)),
                   rendered.frames, rendered.samples, width, height)
        media_paths.append(path)
        take_entries.append(_take_truth(take, rendered, picture))
        report(1 + n, total, take.name)

    keep = {p.name for p in media_paths}
    for stale in media_dir.glob("*_T*.mp4"):
        if stale.name not in keep:
            stale.unlink()
    truth["takes"] = take_entries
    truth["defects"] = _defect_summary(takes)
    truth["editor_picks"] = editor_picks(scene, takes, take_audio.scene_deliveries(scene, seed))
    truth_path = root / "ground_truth.json"
    atomic_write_json(truth_path, truth, mode=0o644)
    report(total, total, "ground truth")
    return DemoScene(root=root, script_path=script_path, media_dir=media_dir,
                     media_paths=tuple(media_paths), ground_truth_path=truth_path)


def load_ground_truth(path: Union[str, Path]) -> dict:
    """Read a demo ground truth (a ``ground_truth.json`` or the scene folder holding one)."""
    return read_truth(path, TRUTH_SCHEMA, "demo ground truth")


def read_truth(path: Union[str, Path], schema: str, what: str) -> dict:
    """A ground-truth JSON object (the file, or the folder holding ``ground_truth.json``) whose
    ``schema`` is ``schema``; anything else raises :class:`SchemaError` naming the file and
    ``what`` was expected (the demo and ``scenegen`` both read theirs with it)."""
    path = Path(path)
    if path.is_dir():
        path = path / "ground_truth.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SchemaError(f"{path}: no {what} here") from exc
    except (OSError, ValueError) as exc:
        raise SchemaError(f"{path}: unreadable {what} ({exc})") from exc
    if not isinstance(data, dict) or data.get("schema") != schema:
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise SchemaError(f"{path}: expected schema {schema!r}, found {found!r}")
    return data
