"""Per-reading sound (issue 13): SNR, level against the best take, clipping, noise, overlap.

The takes are espeak-ng speech placed in room tone: a close-up (speaker's own mic), an
off-camera reading (the other actor's mic: 3.5 dB quieter, with room reflections), a clipped
reading and one with a noise burst over the words; plus the demo scene end to end through
``roughcut align --json`` when it can be built.
"""
from __future__ import annotations

import numpy as np
import pytest

from roughcut_core.audio.reading_sound import FileLevels, measure, reading_signals
from roughcut_core.model import LineReading

SR = 16000


@pytest.fixture(scope="module")
def speech():
    try:
        from roughcut_core.demo.tts import Voice, synthesize_many
    except ImportError as exc:  # pragma: no cover
        pytest.skip(f"espeak-ng not available: {exc}")
    from scipy.signal import resample_poly

    (clip,) = synthesize_many([("the last train never came tonight", Voice("en-us+f3", rate=160))])
    return resample_poly(clip, 1, 3).astype(np.float32)


def _file(speech, rng, *, gain_db=0.0, room=False, clip_at=None, noise_db=None):
    tone = lambda n: (rng.standard_normal(n) * 10 ** (-60 / 20)).astype(np.float32)  # noqa: E731
    voice = speech * 0.25 * 10 ** (gain_db / 20)
    if room:
        # the far mic hears the room: a decaying tail of reflections
        t = np.arange(int(0.25 * SR)) / SR
        ir = rng.standard_normal(t.size) * np.exp(-t / 0.06) * 0.02
        ir[0] = 1.0
        voice = np.convolve(voice, ir)[: voice.size].astype(np.float32)
    if clip_at is not None:
        voice = np.clip(voice * 20.0, -clip_at, clip_at)
    audio = np.concatenate([tone(SR), voice + tone(voice.size), tone(SR)])
    start, end = 1.0, 1.0 + voice.size / SR
    if noise_db is not None:
        p = float(np.mean(voice ** 2))
        a, b = int((start - 0.2) * SR), int((end + 0.2) * SR)
        audio[a:b] += (rng.standard_normal(b - a) * np.sqrt(p / 10 ** (noise_db / 10))).astype(np.float32)
    return audio, start, end


def _reading(path, start, end, character="ANNA", line_id="1-1"):
    return LineReading(path=path, line_id=line_id, start=start, end=end, score=1.0, character=character)


@pytest.fixture(scope="module")
def measured(speech):
    rng = np.random.default_rng(11)
    files = {"close": _file(speech, rng), "off": _file(speech, rng, gain_db=-3.5, room=True),
             "clipped": _file(speech, rng, clip_at=0.9999), "noisy": _file(speech, rng, noise_db=0.0)}
    # close and off are readings of one line; the clipped and noisy files read other lines
    lines = {"close": "1-1", "off": "1-1", "clipped": "1-3", "noisy": "1-4"}
    readings = [_reading(p, s, e, line_id=lines[p]) for p, (_, s, e) in files.items()]
    # another character's line overlapping the end of the close-up reading (cross-talk)
    s, e = files["close"][1], files["close"][2]
    readings.append(_reading("close", e - 0.5, e + 0.5, character="BEN", line_id="1-2"))
    levels = {p: FileLevels.of(a, SR) for p, (a, _, _) in files.items()}
    return {(r.path, r.line_id): r for r in reading_signals(readings, levels)}


def test_off_camera_reading_measures_worse_than_the_close_up(measured):
    close, off = measured[("close", "1-1")].signals, measured[("off", "1-1")].signals
    assert close["level_rel_db"] == pytest.approx(0.0, abs=0.6) or close["level_rel_db"] > off["level_rel_db"]
    assert -5.0 < off["level_rel_db"] < -2.0, off
    assert off["snr_db"] < close["snr_db"] - 2.0
    assert close["snr_db"] > 25.0


def test_clipping_and_noise_are_measured_where_they_apply(measured):
    assert measured[("clipped", "1-3")].signals["clipping"] > 0.001
    assert measured[("close", "1-1")].signals["clipping"] == 0.0
    noisy = measured[("noisy", "1-4")].signals
    assert noisy["noise_db"] > 20.0 and noisy["snr_db"] < 10.0
    assert measured[("close", "1-1")].signals["noise_db"] == 0.0


def test_overlap_with_another_character(measured):
    assert measured[("close", "1-1")].signals["overlap"] > 0.1
    assert measured[("off", "1-1")].signals["overlap"] == 0.0


def test_every_written_signal_is_registered(measured):
    from roughcut_core.signals import known

    for r in measured.values():
        assert r.signals and all(known(k) for k in r.signals), r.signals


def test_silent_range_and_missing_file_are_left_alone():
    lv = FileLevels.of(np.zeros(SR, np.float32), SR)
    assert measure(lv, 5.0, 6.0) is None
    r = _reading("nowhere", 0.0, 1.0)
    assert reading_signals([r], {})[0].signals == {}


@pytest.mark.slow
def test_align_json_prints_signals_per_reading(demo_scene, tmp_path, capsys):
    """End to end on the demo scene: every reading carries the sound signals, the noise burst
    is flagged, and the off-camera readings are quieter than the on-camera ones."""
    import json

    from roughcut_core._cli.main import main

    root = demo_scene.root
    # three takes keep the recogniser's share of the suite small: the wide with the noise burst,
    # a close-up of each actor (the other actor is off camera there)
    media = [root / "media" / f"{name}.mp4" for name in ("WIDE_T3", "CU_ALICE_T2", "CU_BOB_T2")]
    assert all(m.exists() for m in media)
    code = main(["align", "--script", str(root / "scene.fountain"), *map(str, media), "--json",
                 "--cache-dir", str(tmp_path / "cache")])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    rs = data["readings"]
    assert rs and all("snr_db" in r["signals"] and "level_rel_db" in r["signals"] for r in rs)
    assert any(r["signals"]["level_rel_db"] < -1.0 for r in rs)
    assert any("noise" in r["defects"] for r in rs if r["path"].endswith("WIDE_T3.mp4"))
    # off camera (the other actor's close-up) is quieter than on camera; the demo
    # also varies the performance's loudness per take, so compare the medians
    def off_camera(r):
        return (r["character"] == "ALICE" and "CU_BOB" in r["path"]) or \
            (r["character"] == "BOB" and "CU_ALICE" in r["path"])

    clean = [r for r in rs if not r["defects"]]
    off = sorted(r["signals"]["level_rel_db"] for r in clean if off_camera(r))
    on = sorted(r["signals"]["level_rel_db"] for r in clean if not off_camera(r))
    assert off and on and off[len(off) // 2] < on[len(on) // 2] - 1.5, (off, on)
