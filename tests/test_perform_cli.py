"""`align --json` prints each reading's performance signals (delivery, arousal, face, intent),
measured on a real talking-head clip (GRID, speech 0.95-2.12 s)."""
from __future__ import annotations

import json

from roughcut_core._cli.main import main

SCRIPT = """INT. STUDIO - DAY

TALKER
(shouting)
Bin blue at F two now!
"""


def test_align_json_has_performance_signals(grid_clip, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ROUGHCUT_MODELS_DIR", str(tmp_path / "no-models"))
    monkeypatch.setenv("ROUGHCUT_EMOTION_MODEL", "none")  # the DSP-only path (no emotion model)
    script = tmp_path / "scene.fountain"
    script.write_text(SCRIPT)
    assert main(["align", "--script", str(script), str(grid_clip), "--json", "--cache-dir", str(tmp_path / "c")]) == 0
    out = json.loads(capsys.readouterr().out)
    readings = [r for r in out["readings"] if r["line_id"] == "1-1"]
    assert readings, out
    s = readings[0]["signals"]
    # Delivery on the refined word times: six words in about 1.2 s.
    assert 2.5 < s["rate_wps"] < 9.0 and s["rate_rel"] == 1.0 and s["pause_count"] == 0
    assert s["voiced_ratio"] > 0.3 and s["pitch_range_st"] > 0 and s["loudness_db"] < 0
    assert 0.0 <= s["arousal"] <= 1.0 and s["arousal_source"] == "dsp"
    assert not any(k.startswith("emotion") for k in s)  # no trained model: no emotion keys
    # The face of the speaker while speaking: eyes open at both ends, a head-and-shoulders size.
    assert s["blink_at_cut"] == 0.0 and s["eyes_open_in"] > 0.8 and 0.2 < s["face_size"] < 0.8
    # "(shouting)" + "!" expects a loud, high-energy read; a calm GRID reading is judged on that.
    assert 0.0 <= s["intent_match"] <= 1.0 and "(shouting)" in s["intent_words"]
