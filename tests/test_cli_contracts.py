"""The `--json` contracts acceptance checks rely on, on real shared media."""
import json

from roughcut_core._cli.main import main


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_faces_json_marks_speaking_during_speech(grid_clip, tmp_path, capsys):
    rows = _json(capsys, ["faces", str(grid_clip), "--json", "--cache-dir", str(tmp_path)])
    assert [set(r) >= {"path", "shot_size", "people", "focus", "faces"} for r in rows] == [True]
    faces = rows[0]["faces"]
    assert all(set(f) >= {"t", "box", "score", "track", "speaking"} and len(f["box"]) == 4 for f in faces)
    # grid_bbaf2n.align: speech from 0.95 s to 2.12 s
    inside = [f["speaking"] for f in faces if 1.1 <= f["t"] <= 1.9]
    outside = [f["speaking"] for f in faces if f["t"] <= 0.6 or f["t"] >= 2.5]
    assert inside and all(inside) and outside and not any(outside)


def test_transcribe_json_contract(jfk_flac, tmp_path, capsys):
    rows = _json(capsys, ["transcribe", str(jfk_flac), "--json", "--cache-dir", str(tmp_path)])
    assert rows[0]["path"] == str(jfk_flac) and rows[0]["language"] == "en"
    words = rows[0]["words"]
    assert {"text", "start", "end", "probability"} <= set(words[0])
    assert all(0 <= w["start"] < w["end"] <= 11.1 for w in words)
    assert "country" in " ".join(w["text"].lower() for w in words)
