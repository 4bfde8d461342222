"""Real-speech defect set: several takes of one line by one real actor, with honest defects.

Material: RAVDESS (``../shared/media/emotion_takes/ravdess``, CC BY-NC-SA 4.0: evaluation only,
nothing trained on it), 29-30 takes per actor of "Kids are talking by the door" /
"Dogs are sitting by the door" in different emotions. Contract:

``build_real_scene(out_dir, actor, transcriber, media=...)`` writes one scene per actor in the
scenegen truth schema (so ``align_defects.score_scenes`` scores it): ``scene.fountain`` with one
line (statement 01), ``media/T<nn>.wav`` (16 kHz mono; each take = the actor's real recording
between 0.5 s of its own room tone) and ``ground_truth.json``. Of ``TAKES`` takes (the calmest
deliveries first: neutral, calm, happy, sad at normal intensity, then the rest), the first
three stay clean and five get one real-audio defect each, in an order fixed by the actor (odd
actors the flub, even actors the add: both use the word "sitting", which two takes of one scene
must not share):

- ``truncated``: the file is cut at 55 % of the speech (the camera cut mid-line);
- ``noise``: a 0.8 s burst of white noise (-6 dB re the speech peak) over the middle of the line;
- ``restart``: the first two words ("Kids are"), 0.45 s of the recording's room tone, then
  the whole line;
- ``drop``: "talking" spliced out;
- ``flub``: "talking" replaced by the same actor's "sitting" from statement 02 in the same
  emotion, intensity and repetition ("Kids are sitting by the door");
- ``add``: that "sitting" inserted after "talking".

Word boundaries come from the recogniser's word times (``transcriber``, tiny.en) of the
untouched recording, each moved to the quietest 10 ms frame within ``SNAP_S`` (the closure
before the /t/ of "talking", the /b/ of "by"). A take whose recording the recogniser does not
hear as the statement is left clean. Returns the scene folder, or None when the actor's files
are missing.
"""
from __future__ import annotations

import csv
import wave
from pathlib import Path
from typing import Optional, Union

import numpy as np

from ..paths import shared_media_dir

RAVDESS = shared_media_dir() / "emotion_takes" / "ravdess"   # $ROUGHCUT_SHARED_MEDIA is honoured (a worktree's run)
SR = 16000
TAKES = 8
SNAP_S = 0.08
KINDS = ("truncated", "noise", "restart", "drop", "flub", "add")
ORDER = ("neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised")
LINE = "Kids are talking by the door."


def _read(path: Path) -> np.ndarray:
    from ..speech.audio_io import decode_audio

    return decode_audio(path, SR)


def _write(path: Path, x: np.ndarray) -> None:
    pcm = (np.clip(x, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm.tobytes())


def _snap(x: np.ndarray, t0: float, t1: float) -> float:
    """The middle of the quietest 10 ms frame in [t0, t1)."""
    hop = SR // 100
    a = max(0, int(t0 * SR))
    b = min(len(x), int(t1 * SR))
    t = 0.5 * (t0 + t1)
    if b - a < 2 * hop:
        return t
    frames = [(float(np.mean(x[k:k + hop] ** 2)), k) for k in range(a, b - hop, hop // 2)]
    return (min(frames)[1] + hop // 2) / SR


def _words(transcriber, path: Path, x: np.ndarray) -> Optional[dict]:
    """{word: (start, end)} of the statement's words, boundaries snapped; None when the
    recogniser heard something else."""
    from ..align.normalize import normalize_words

    tr = transcriber.transcribe(path)
    toks = [(t, w.start, w.end) for w in tr.words for t in normalize_words(w.text)]
    names = [t for t, _, _ in toks]
    out = {}
    for want in ("kids", "dogs", "are", "talking", "sitting", "by", "the", "door"):
        if want in names:
            _, s, e = toks[names.index(want)]
            out[want] = (s, e)
    need = ("are", "by", "door")
    if not all(k in out for k in need) or not ({"talking", "sitting"} & set(out)):
        return None
    mid = "talking" if "talking" in out else "sitting"
    # the middle word runs from the closure before its first consonant to the closure of the
    # /b/ of "by"; the recogniser's word ends run late and "talking" has a /k/ closure inside,
    # so the end is looked for only from the start of "by" onwards
    a = _snap(x, out[mid][0] - SNAP_S, out[mid][0] + 0.5 * SNAP_S)
    b = _snap(x, out["by"][0] - 0.25 * SNAP_S, out["by"][0] + 1.25 * SNAP_S)
    first = min(s for s, _ in out.values())
    return {"speech": (first, out["door"][1]), "mid": (a, b)}


def _heard_as(transcriber, path: Path, text: str) -> bool:
    """The recogniser hears exactly the words of ``text`` in the spliced take."""
    from ..align.normalize import normalize_words

    heard = [t for w in transcriber.transcribe(path).words for t in normalize_words(w.text)]
    return heard == list(normalize_words(text))


def _rows(actor: str, media: Path) -> list[dict]:
    with open(media / "labels.tsv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["actor"] == actor]
    return rows


def build_real_scene(out_dir: Union[str, Path], actor: str, transcriber,
                     media: Path = RAVDESS) -> Optional[Path]:
    """Write the actor's real-speech scene (see the module contract)."""
    from ..fileio import atomic_write_json, atomic_write_text
    from ..scenegen.build import TRUTH_SCHEMA

    rows = _rows(actor, media)
    if not rows:
        return None
    by_key = {(r["statement_id"], r["emotion"], r["intensity"], r["repetition"]): r for r in rows}
    base = sorted((r for r in rows if r["statement_id"] == "01"),
                  key=lambda r: (r["intensity"] != "normal", ORDER.index(r["emotion"]), r["repetition"]))
    root = Path(out_dir)
    (root / "media").mkdir(parents=True, exist_ok=True)
    character = f"ACTOR {actor}"
    atomic_write_text(root / "scene.fountain", f"Title: RAVDESS actor {actor}\n\nINT. ROOM - DAY #1#\n\n"
                      f"{character}\n{LINE}\n", mode=0o644)
    rng = np.random.default_rng(int(actor))
    # flub and add both use the actor's "sitting": in one scene the shared word would read as a
    # recogniser habit (``reconcile_readings``), so odd actors get the flub and even ones the add
    kinds = [k for k in KINDS if k != ("add" if int(actor) % 2 else "flub")]
    rng.shuffle(kinds)
    plan = [None] * 3 + kinds
    takes, defects = [], []
    k = 0
    for row in base:
        if k >= min(TAKES, len(plan)):
            break
        path = media / row["file"]
        x = _read(path)
        x = x * np.float32(0.5 / max(1e-6, float(np.abs(x).max())))
        kind = plan[k]
        w = _words(transcriber, path, x)
        if w is None:
            continue    # the recogniser cannot place the words: no honest splice on this take
        # the recording's own room tone (before the first word), never a synthetic one: a
        # different noise floor would itself read as "noise" to the detectors
        quiet = x[:max(int(SR * 0.1), int((w["speech"][0] - 0.25) * SR))]
        room = np.resize(quiet, int(0.5 * SR)).astype(np.float32)
        (s0, s1), (m0, m1) = w["speech"], w["mid"]
        i0, i1, j0, j1 = (int(t * SR) for t in (s0, s1, m0, m1))
        spoken = LINE
        if kind in ("flub", "add"):
            other = by_key.get(("02", row["emotion"], row["intensity"], row["repetition"]))
            if other is None:
                continue
            y = _read(media / other["file"])
            y = y * np.float32(0.5 / max(1e-6, float(np.abs(y).max())))
            wy = _words(transcriber, media / other["file"], y)
            if wy is None:
                continue
            sit = y[int(wy["mid"][0] * SR):int(wy["mid"][1] * SR)]
        if kind == "drop":
            x = np.concatenate([x[:j0], x[j1:]])
            i1 -= j1 - j0
            spoken = "Kids are by the door."
        elif kind == "flub":
            x = np.concatenate([x[:j0], sit, x[j1:]])
            i1 += sit.size - (j1 - j0)
            spoken = "Kids are sitting by the door."
        elif kind == "add":
            x = np.concatenate([x[:j1], sit, x[j1:]])
            i1 += sit.size
            spoken = "Kids are talking sitting by the door."
        elif kind == "restart":
            head = x[i0:j0]
            gap = np.resize(quiet, int(0.45 * SR)).astype(np.float32)
            x = np.concatenate([x[:i0], head, gap, x[i0:]])
            i1 += head.size + gap.size
            spoken = "Kids are ... Kids are talking by the door."
        elif kind == "noise":
            mid = (i0 + i1) // 2
            a, b = mid - int(0.4 * SR), mid + int(0.4 * SR)
            burst = np.random.default_rng(k + 50).normal(0, 0.25, b - a).astype(np.float32)
            x = x.copy()
            x[max(0, a):b] += (burst * np.hanning(b - a).astype(np.float32) ** 0.3)[max(0, -a):]
        elif kind == "truncated":
            i1 = i0 + int(0.55 * (i1 - i0))
            x = x[:i1]
        x = np.concatenate([room, x] if kind == "truncated" else [room, x, room])
        name = f"T{k + 1:02d}"
        _write(root / "media" / f"{name}.wav", x)
        if kind in ("drop", "flub", "add") and not _heard_as(transcriber, root / "media" / f"{name}.wav", spoken):
            continue    # the splice left part of a word (see the module contract): try the next take
        off = room.size / SR
        takes.append({"path": f"media/{name}.wav", "name": name, "setup": "RAVDESS", "take": k + 1,
                      "duration": round(x.size / SR, 4), "source": row["file"],
                      "readings": [{"line_id": "1-1", "character": character, "start": round(off + i0 / SR, 4),
                                    "end": round(off + i1 / SR, 4), "on_camera": True, "defect": kind,
                                    "spoken_text": spoken}]})
        if kind:
            defects.append({"kind": kind, "take": name, "line_id": "1-1"})
        k += 1
    truth = {"schema": TRUTH_SCHEMA, "seed": f"ravdess-{actor}", "small": False, "audio_only": True,
             "title": f"RAVDESS actor {actor}", "script": "scene.fountain", "characters": [character],
             "lines": [{"id": "1-1", "character": character, "text": LINE}], "takes": takes,
             "defects": defects, "licence": "RAVDESS CC BY-NC-SA 4.0 (evaluation only)"}
    atomic_write_json(root / "ground_truth.json", truth, mode=0o644)
    return root
