"""`roughcut cutdown` end to end on the demo scene (real cut, real faces, real transcript, PyAV render).

References come from the scene's ground truth (who speaks each line, the face boxes of each
take, the true word timings), not from the analysis that drives the cut-down.
"""
import json
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest

from roughcut_core._cli.main import main
from roughcut_core.demo import load_ground_truth

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cutdowns(demo_scene_cut):
    """The session's demo cut (tests/conftest.py) and its analysis cache."""
    return demo_scene_cut


def _run_json(capsys, args):
    capsys.readouterr()
    rc = main(args)
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    return json.loads(captured.out)


def _truth(demo_scene):
    truth = load_ground_truth(demo_scene.ground_truth_path)
    speaker = {ln["id"]: ln["character"] for ln in truth["lines"]}
    W, H = truth["width"], truth["height"]
    takes = {str((demo_scene.root / t["path"]).resolve()): t for t in truth["takes"]}
    return speaker, W, H, takes


def test_cutdown_contract_duration_words_and_framing(cutdowns, demo_scene, capsys):
    out, cache = cutdowns
    doc = _run_json(capsys, ["cutdown", str(out / "cut.otio"), "--duration", "15", "--duration", "10",
                             "--aspect", "9:16", "--aspect", "1:1", "--out", str(out / "cd"), "--cache-dir", cache,
                             "--no-preview", "--json"])
    assert doc["schema"] == "roughcut.cutdown/1" and len(doc["outputs"]) == 4
    names = sorted(Path(o["otio"]).name for o in doc["outputs"])
    assert names == ["cutdown_10s_1x1.otio", "cutdown_10s_9x16.otio", "cutdown_15s_1x1.otio", "cutdown_15s_9x16.otio"]
    speaker, W, H, takes = _truth(demo_scene)
    for o in doc["outputs"]:
        tl = otio.adapters.read_from_file(o["otio"])
        meta = tl.metadata["roughcut"]["cutdown"]
        want = {"9:16": (1080, 1920), "1:1": (1080, 1080)}[o["aspect"]]
        assert dict(meta) == {
            "target_seconds": int(o["target_seconds"]), "aspect": o["aspect"], "width": want[0], "height": want[1]}
        clips = list(tl.video_tracks()[0].find_clips())
        total = sum(c.source_range.duration.value for c in clips) / float(Fraction(24000, 1001))
        assert abs(total - o["target_seconds"]) <= 1.0, (o["otio"], total)
        assert any(m.metadata["roughcut"]["note"] for c in clips for m in c.markers), "each moment explained"
        inside = frames = 0
        for c in clips:
            m = c.metadata["roughcut"]
            crop = list(m["crop"])
            assert crop and crop[0]["frame"] == m["src_in"], "every clip has its window from its first frame"
            for k in crop:
                assert set(k) == {"frame", "x", "y", "w", "h"}
                assert abs(k["w"] / k["h"] - want[0] / want[1]) < 0.02
                assert 0 <= k["x"] and k["x"] + k["w"] <= W and 0 <= k["y"] and k["y"] + k["h"] <= H
            take = takes[str(Path(c.media_reference.target_url).resolve())]
            rate = Fraction(24000, 1001)
            t0, t1 = m["src_in"] / rate, m["src_out"] / rate
            for r in take["readings"]:
                for w in r["words"]:
                    assert not (w["start"] < t0 < w["end"] or w["start"] < t1 < w["end"]), f"word {w} cut"
            box = {f["character"]: f["box"] for f in take["faces"]}.get(speaker[m["line_ids"][0]])
            if box is None:
                continue  # the speaker is off camera in this take
            pad = take["drift_px"]
            x0, y0, x1, y1 = box[0] * W - pad, box[1] * H - pad, (box[0] + box[2]) * W + pad, (box[1] + box[3]) * H + pad
            for k in crop:
                frames += 1
                inside += k["x"] <= x0 and x1 <= k["x"] + k["w"] and k["y"] <= y0 and y1 <= k["y"] + k["h"]
        assert frames and inside / frames >= 0.98, (o["otio"], inside, frames)
        srt = Path(o["srt"]).read_text()
        assert srt.startswith("1\n00:00:") and Path(o["vtt"]).read_text().startswith("WEBVTT")
        plan = json.loads(Path(o["plan"]).read_text())
        assert plan["schema"] == "roughcut.hostplan/1" and plan["timeline"]["width"] == want[0]
        assert all({"resolve", "premiere", "fcpxml"} <= set(i["transform"]) for i in plan["items"])


def test_cutdown_preview_renders_crop_and_captions(cutdowns, capsys):
    import av
    import numpy as np

    out, cache = cutdowns
    doc = _run_json(capsys, ["cutdown", str(out / "cut.otio"), "--duration", "8", "--aspect", "9:16",
                             "--out", str(out / "pv"), "--cache-dir", cache, "--preview-width", "180", "--json"])
    o = doc["outputs"][0]
    with av.open(o["preview"]) as c:
        v = c.streams.video[0]
        assert (v.width, v.height) == (180, 320) and c.streams.audio
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(v)]
    assert abs(len(frames) / float(Fraction(24000, 1001)) - o["seconds"]) < 0.1
    tl = otio.adapters.read_from_file(o["otio"])
    cue = tl.metadata["roughcut"]["cutdown_info"]["captions"][0]
    mid = int((cue["start"] + cue["end"]) / 2 * 24000 / 1001)
    band = frames[mid][int(320 * 0.6):int(320 * 0.95)]
    white = (band.min(axis=2) > 230).mean()
    no_cue = [i for i in range(len(frames))
              if not any(c["start"] <= i / (24000 / 1001) < c["end"] for c in tl.metadata["roughcut"]["cutdown_info"]["captions"])]
    assert white > 0.01, "caption text burned in the bottom band"
    if no_cue:
        assert (frames[no_cue[0]][int(320 * 0.6):int(320 * 0.95)].min(axis=2) > 230).mean() < white
    assert np.asarray(frames[0]).std() > 5, "picture, not black"


def test_cutdown_bad_inputs(tmp_path, capsys):
    assert main(["cutdown", str(tmp_path / "missing.otio"), "--duration", "15", "--out", str(tmp_path)]) == 1
    assert "missing.otio" in capsys.readouterr().err
    bad = tmp_path / "bad.otio"
    bad.write_text("not json")
    assert main(["cutdown", str(bad), "--duration", "15", "--out", str(tmp_path)]) == 1
    assert "bad.otio" in capsys.readouterr().err
    assert main(["cutdown", str(bad), "--duration", "15", "--aspect", "wide", "--out", str(tmp_path)]) == 2
    assert "aspect" in capsys.readouterr().err
    assert main(["cutdown", str(bad), "--duration", "0", "--out", str(tmp_path)]) == 2


def test_bridge_cutdown_job(cutdowns, tmp_path):
    import shutil
    import time

    from fastapi.testclient import TestClient

    from bridge_server.app import create_app
    from bridge_server.config import load_config
    from bridge_server.store import JobStore

    out, cache = cutdowns
    config = load_config(config_dir=tmp_path / "config", data_dir=tmp_path / "data", token="t0ken",
                         cache_dir=Path(cache), allowed_roots=(tmp_path,))
    config.data_dir.mkdir(parents=True, exist_ok=True)
    store = JobStore(config.db_path)   # a finished job, as the runner leaves it
    job = store.create_job({"kind": "cut"}, [])
    store.update(job, state="done")
    (config.jobs_dir / job).mkdir(parents=True)
    shutil.copy(out / "cut.otio", config.jobs_dir / job / "roughcut.otio")
    with TestClient(create_app(config), base_url="http://127.0.0.1") as c:
        assert c.post(f"/v1/jobs/{job}/cutdown", json={"durations": [10]}).status_code == 401
        c.headers["Authorization"] = "Bearer t0ken"
        assert c.post(f"/v1/jobs/{job}/cutdown", json={"durations": [10], "aspects": ["x"]}).status_code == 422
        assert c.post("/v1/jobs/nope/cutdown", json={"durations": [10]}).status_code == 404
        r = c.post(f"/v1/jobs/{job}/cutdown", json={"durations": [10], "aspects": ["1:1"], "preview": False})
        assert r.status_code == 202, r.text
        deadline = time.time() + 120
        while (st := c.get(f"/v1/jobs/{job}/cutdown").json())["state"] == "running" and time.time() < deadline:
            time.sleep(0.2)
        assert st["state"] == "done", st
        o = st["outputs"][0]
        assert o["otio"] == "cutdown_10s_1x1.otio" and "/" not in o["plan"]
        got = c.get(o["urls"]["otio"])
        assert got.status_code == 200 and got.json()["metadata"]["roughcut"]["cutdown"]["aspect"] == "1:1"
        assert c.get(f"/v1/jobs/{job}/cutdown/files/..%2Fplan.json").status_code == 404
        web = c.get(f"/app/api/jobs/{job}/cutdown").json()   # the web app's route (bearer accepted there too)
        assert web["state"] == "done" and web["outputs"][0]["urls"]["otio"].startswith(f"/app/api/jobs/{job}/")
        # the review page offers the action; the browser's session needs the CSRF header to start one
        code = c.post("/app/api/login-code").json()["code"]
        c.headers.pop("Authorization")
        assert c.post("/app/api/session", json={"code": code}).status_code == 200
        page = c.get(f"/app/jobs/{job}")
        assert page.status_code == 200 and 'id="cutdown"' in page.text and "/app/static/cutdown.js" in page.text
        assert c.get("/app/static/cutdown.js").status_code == 200
        assert c.post(f"/app/api/jobs/{job}/cutdown", json={"durations": [10]}).status_code == 403


def test_cutdown_exports_fcpxml_with_transforms(cutdowns, capsys):
    from roughcut_core.interchange.fcpxml import validate_dtd

    out, cache = cutdowns
    doc = _run_json(capsys, ["cutdown", str(out / "cut.otio"), "--duration", "10", "--aspect", "9:16",
                             "--out", str(out / "fx"), "--cache-dir", cache, "--no-preview", "--json"])
    otio_path = doc["outputs"][0]["otio"]
    assert main(["export", otio_path, str(out / "fx" / "cd.fcpxml")]) == 0
    data = (out / "fx" / "cd.fcpxml").read_bytes()
    dtd = Path(__file__).parent / "golden" / "interchange" / "fcpxml-1.10-subset.dtd"
    assert validate_dtd(data, dtd) == []
    import xml.etree.ElementTree as ET

    root = ET.fromstring(data)
    formats = {f.get("id"): f for f in root.iter("format")}
    seq = next(root.iter("sequence"))
    assert (formats[seq.get("format")].get("width"), formats[seq.get("format")].get("height")) == ("1080", "1920")
    clips = [c for c in next(root.iter("spine")) if c.tag == "asset-clip"]
    assert clips and all(c.find("adjust-transform") is not None for c in clips)
    for c in clips:
        sx = float(c.find("adjust-transform").get("scale").split()[0])
        assert sx == pytest.approx((1080 / (360 * 9 / 16)) / (1080 / 640), rel=0.02), "the window fills the frame"
