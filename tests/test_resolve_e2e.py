"""End to end: the demo scene's clips in a fake Resolve bin → "Generate Rough Cut" starts a real
bridge process (through the recorded ``roughcut serve --ensure``), analyses the clips, and the
adapter builds the returned host plan as a new timeline; then "Send Rough Cut Feedback" posts
the timeline read back as OTIO to the same bridge."""
from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest
from bridge_support import stop_pid

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "hosts" / "resolve"))

from fakes.resolve_fake import FakeResolve  # noqa: E402
from roughcut_resolve import main_feedback, main_generate  # noqa: E402
from roughcut_resolve.bridge_client import BridgeClient, read_bridge_info  # noqa: E402
from roughcut_resolve.ui import ConsoleUI  # noqa: E402


def _stop_bridge(home: Path) -> None:
    info = read_bridge_info(str(home / "config"))
    if not info or not info.get("pid"):
        return
    stop_pid(int(info["pid"]))


@pytest.mark.slow
def test_generate_then_feedback_through_a_real_bridge(demo_scene, tmp_path):
    from roughcut_core.media import probe

    home = tmp_path / "bridge"
    r = FakeResolve(version=(21, 1, 0), project_rate="23.976")
    for path in demo_scene.media_paths:
        asset = probe(str(path))
        r.add_clip(str(path), fps=asset.rate.fps, frames=asset.frame_count, start_tc="00:00:00:00",
                   audio_ch=asset.audio[0].channels)
    selects = r.add_timeline("Selects")
    r.pool.selected = [r.pool.root.clips[0]]
    r.pool.AppendToTimeline([{"mediaPoolItem": r.pool.root.clips[0], "startFrame": 0, "endFrame": 24}])
    # the editor selects one take per setup: the job gets only those (and analysis stays short)
    chosen = [c for c in r.pool.root.clips if c.name.endswith("_T1.mp4")]
    r.pool.selected = chosen
    r.calls.clear()
    install = {"serve_command": [sys.executable, "-m", "roughcut_core._cli.main"],
               "env": {"ROUGHCUT_BRIDGE_HOME": str(home), "ROUGHCUT_CACHE_DIR": str(tmp_path / "cache"),
                       "ROUGHCUT_OPS_DIR": str(tmp_path / "ops"),  # feedback read-back records (issue 21)
                       # the bridge reads only under allowed roots (home by default); pytest's tmp is not
                       "ROUGHCUT_BRIDGE_ALLOW": os.pathsep.join([str(tmp_path), str(Path(demo_scene.script_path).parent)])}}
    out = io.StringIO()
    broken = tmp_path / "broken.mov"
    broken.write_bytes(b"")
    bad_clip = r.add_clip(str(broken), fps=23.976, frames=10)
    try:
        # a clip the bridge cannot use: one clear message naming it, nothing changed in the project
        r.pool.selected = [bad_clip]
        bad = main_generate(r, install=install, ui=ConsoleUI(stream=out), script_path=str(demo_scene.script_path))
        assert not bad["ok"] and "media not usable" in bad["error"] and "broken.mov" in bad["error"], bad
        assert r.calls == [] and r.project.timelines == [selects]
        r.pool.root.clips.remove(bad_clip)
        r.pool.selected = chosen
        res = main_generate(r, install=install, ui=ConsoleUI(stream=out), options={"picture": False},
                            poll_s=0.3, timeout_s=900)
        assert res.get("ok"), (res, out.getvalue()[-3000:])
        new = [t for t in r.project.timelines if t is not selects]
        assert len(new) == 1 and r.project.current is new[0]
        tl = new[0]
        assert not [c for c in r.calls if c[0] == ("timeline", selects._uid)]
        assert len(selects.tracks["video"][0]) == 1 and selects.markers == {}

        info = read_bridge_info(str(home / "config"))
        plan = BridgeClient(info["url"], info["token"]).plan(res["job_id"])
        assert plan["schema"] == "roughcut.hostplan/1" and plan["items"]
        used = {i["media"]["host_id"] for i in plan["items"]} | {
            a["media"]["host_id"] for i in plan["items"] for a in i["alternates"]}
        assert used <= {c.GetUniqueId() for c in chosen}
        by_start = {i.start: i for i in tl.tracks["video"][0]}
        for item in plan["items"]:
            placed = by_start[tl.start_frame + item["rec_in"]]  # absolute record = start + rec_in
            assert (placed.src_in, placed.src_out) == (item["src_in"], item["src_out"])  # exclusive out
            assert placed.clip.path == item["media"]["path"] and placed.color == item["color"]
            assert placed.clip.GetUniqueId() == item["media"]["host_id"]
        assert res["placed"] == res["expected"] == 2 * len(plan["items"])
        assert len(tl.markers) >= len(plan["items"]) and "%" in out.getvalue()

        tl.tracks["video"][0][0].SetClipColor("Pink")  # the editor's change, then feedback
        fb = main_feedback(r, install=install, ui=ConsoleUI(stream=out), note="took the pink one")
        assert fb["ok"] and fb["job_id"] == res["job_id"], (fb, out.getvalue()[-2000:])
        stored = list((home / "data" / "jobs" / res["job_id"] / "feedback").glob("*.json"))
        assert len(stored) == 1
        doc = json.loads(stored[0].read_text())
        import opentimelineio as otio

        timeline = otio.adapters.read_from_string(doc["otio"], "otio_json")
        clips = list(timeline.video_tracks()[0].find_clips())
        assert len(clips) == len(plan["items"]) and clips[0].metadata["roughcut"]["clip_color"] == "Pink"
        assert doc["host"] == "resolve" and doc["note"] == "took the pink one"
    finally:
        _stop_bridge(home)
