"""The Resolve adapter on the strict fake: reading the bin, applying host plans (frames,
tracks, takes, markers, colours, verification) and every bad input the issue names."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "hosts" / "resolve"))

from fakes.resolve_fake import FakeResolve  # noqa: E402
from fakes.resolve_fake_timeline import FakeTimelineItem  # noqa: E402
from roughcut_resolve import apply_plan, main_feedback, main_generate, read_selected_bin  # noqa: E402
from roughcut_resolve.api import Timeline  # noqa: E402
from roughcut_resolve.readback import timeline_to_otio  # noqa: E402
from roughcut_resolve.ui import ConsoleUI  # noqa: E402


def _files(tmp_path, *names):
    out = []
    for n in names:
        p = tmp_path / n
        p.write_bytes(b"\0")
        out.append(str(p))
    return out


@pytest.fixture
def bin3(tmp_path):
    r = FakeResolve()
    a, b, c = _files(tmp_path, "A.mov", "B.mov", "C.wav")
    clips = [r.add_clip(a, fps=23.976, frames=600, clip_color="Green"),
             r.add_clip(b, fps=23.976, frames=600, flags=["Blue"]),
             r.add_clip(c, fps=23.976, frames=600, kind="Audio", audio_ch=1)]
    existing = r.add_timeline("Assembly")
    existing_clip = clips[0]
    r.project.pool.SetSelectedClip(existing_clip)
    r.pool.AppendToTimeline([{"mediaPoolItem": existing_clip, "startFrame": 0, "endFrame": 48}])
    r.pool.selected = []
    r.calls.clear()
    return r, clips, existing


def _item(clip, iid, src_in, src_out, rec_in, **extra):
    item = {"id": iid, "media": {"path": clip.path, "host_id": clip.GetUniqueId(), "rate": [24000, 1001],
                                 "start_frame": 86400, "frames": clip.frames},
            "src_in": src_in, "src_out": src_out, "rec_in": rec_in, "rate": [24000, 1001], "video_track": 1,
            "audio_track": 1, "media_type": "both", "color": "Green", "score": 0.9, "why": "complete line",
            "line_ids": [iid.upper()], "setup": "WIDE", "alternates": [],
            "markers": [{"frame": 0, "color": "Blue", "name": iid.upper() + " ALICE", "note": "Line text.",
                         "duration": 1}]}
    item.update(extra)
    return item


def _plan(items, name="Rough cut - Sc 1", rate=(24000, 1001), markers=()):
    return {"schema": "roughcut.hostplan/1", "timeline": {"name": name, "rate": list(rate), "start_frame": 86400,
                                                          "drop_frame": False},
            "items": items, "markers": list(markers), "coverage": 1.0, "warnings": []}


def _snapshot(tl):
    return [(k, [(i.start, i.duration, i.src_in) for i in t]) for k in ("video", "audio") for t in tl.tracks[k]], \
        dict(tl.markers), tl.name


def _new_timelines(r, before):
    return [t for t in r.project.timelines if t not in before]


def test_read_selected_bin_lists_media_clips_only_and_changes_nothing(bin3, tmp_path):
    r, clips, existing = bin3
    r.add_clip("", kind="Timeline", name="Assembly")
    r.add_clip("", kind="Compound", name="cc")
    r.add_clip("", kind="Generator", name="Solid Color")
    got = read_selected_bin(r)
    assert [g["host_id"] for g in got] == [c.GetUniqueId() for c in clips]
    assert got[0]["path"] == clips[0].path and got[0]["rate"] == [24000, 1001] and got[0]["frames"] == 600
    assert got[0]["start_frame"] == 86400 and got[0]["hints"]["preferred"] and not got[1]["hints"]["preferred"]
    assert got[1]["flags"] == ["Blue"] and got[2]["type"] == "Audio" and got[2]["audio_channels"] == 1
    assert all(g["online"] for g in got)
    r.pool.selected = [clips[1]]
    assert [g["host_id"] for g in read_selected_bin(r)] == [clips[1].GetUniqueId()]
    sub = r.add_folder("Day 2")
    d = r.add_clip(_files(tmp_path, "D.mov")[0], folder=sub)
    r.pool.current = sub
    assert [g["host_id"] for g in read_selected_bin(r)] == [d.GetUniqueId()]  # selection elsewhere ignored
    assert r.calls == []


def test_apply_plan_builds_one_new_verified_timeline(bin3):
    r, (a, b, c), existing = bin3
    before_tls, before = list(r.project.timelines), _snapshot(existing)
    alt = {"media": {"path": b.path, "host_id": b.GetUniqueId()}, "src_in": 30, "src_out": 140, "score": 0.7,
           "why": "softer"}
    plan = _plan([_item(a, "l1", 100, 196, 0, alternates=[alt]), _item(b, "l2", 200, 260, 96, color="Yellow",
                                                                       score=0.65, markers=[]),
                  _item(c, "l3", 10, 58, 156, media_type="audio", audio={"src_in": 6, "src_out": 58})],
                 markers=[{"frame": 204, "color": "Red", "name": "GAP 4", "note": "no usable take", "duration": 1}])
    res = apply_plan(r, plan, job_id="job-1")
    assert res["ok"], res
    new = _new_timelines(r, before_tls)
    assert len(new) == 1 and new[0].name == "Rough cut - Sc 1" and res["timeline"] == new[0].name
    tl = new[0]
    assert r.project.current is tl and tl.rate * 1001 == 24000 and tl.start_frame == 86400
    video = [(i.start, i.duration, i.src_in, i.src_out, i.color) for i in tl.tracks["video"][0]]
    assert video == [(86400, 96, 100, 196, "Green"), (86496, 60, 200, 260, "Yellow")]
    audio = [(i.start, i.duration, i.src_in, i.clip is c) for i in tl.tracks["audio"][0]]
    assert audio == [(86400, 96, 100, False), (86496, 60, 200, False)]
    # J-cut: the sound starts 4 frames before its picture slot, over l2's sound, so it goes to A2
    assert [(i.start, i.duration, i.src_in, i.clip is c) for i in tl.tracks["audio"][1]] == [(86552, 52, 6, True)]
    assert any("J/L-cut" in w for w in res["warnings"])
    takes = tl.tracks["video"][0][0].takes
    assert [(t["mediaPoolItem"], t["startFrame"], t["endFrame"]) for t in takes] == [(a, 100, 196), (b, 30, 140)]
    assert tl.tracks["video"][0][0].selected_take == 1
    assert sorted(tl.markers) == [0.0, 96.0, 156.0, 204.0]  # relative to the timeline start
    # the note is the plan's note exactly; the reason travels in customData
    assert tl.markers[0.0]["note"] == "Line text." and tl.markers[204.0]["color"] == "Red"
    assert json.loads(tl.markers[0.0]["customData"][len("roughcut:"):]) == {
        "job": "job-1", "items": ["l1"], "why": {"l1": "complete line"}}
    assert res["readback"] == []
    assert res["placed"] == res["expected"] == 5 and res["alternates"]["mode"] == "takes"
    assert _snapshot(existing) == before and r.project.timelines[0] is existing
    assert not [c for c in r.calls if c[0] == ("timeline", existing._uid)]


def test_name_taken_gets_a_suffix_and_existing_stays(bin3):
    r, (a, b, c), existing = bin3
    r.add_timeline("Rough cut - Sc 1", current=False)
    r.add_timeline("Rough cut - Sc 1 (2)", current=False)
    res = apply_plan(r, _plan([_item(a, "l1", 0, 24, 0)]))
    assert res["ok"] and res["timeline"] == "Rough cut - Sc 1 (3)" and len(r.project.timelines) == 4


def test_alternates_fall_back_to_disabled_tracks_when_takes_are_refused(bin3, monkeypatch):
    r, (a, b, c), existing = bin3
    monkeypatch.setattr(FakeTimelineItem, "AddTake", lambda self, *args: False)
    alts = [{"media": {"path": b.path, "host_id": b.GetUniqueId()}, "src_in": 30, "src_out": 400, "score": 0.7,
             "why": "x"}, {"media": {"path": a.path, "host_id": a.GetUniqueId()}, "src_in": 0, "src_out": 20,
                           "score": 0.5, "why": "y"}]
    res = apply_plan(r, _plan([_item(a, "l1", 100, 196, 0, alternates=alts), _item(b, "l2", 0, 48, 96)]))
    assert res["ok"] and res["alternates"] == {"mode": "disabled track", "added": 2, "failed": 0}
    tl = r.project.current
    assert len(tl.tracks["video"]) == 3 and tl.enabled == {("video", 2): False, ("video", 3): False}
    v2, v3 = tl.tracks["video"][1], tl.tracks["video"][2]
    assert [(i.start, i.duration, i.src_in) for i in v2] == [(86400, 96, 30)]  # cut to the chosen item's length
    assert [(i.start, i.duration, i.src_in) for i in v3] == [(86400, 20, 0)]
    assert len(tl.tracks["audio"]) == 1  # alternates never add sound that plays


def test_overlaps_dropped_or_ghosted_are_reported_not_claimed(bin3):
    for ghosts in (False, True):
        r = FakeResolve(ghost_on_collision=ghosts)
        a = r.add_clip(bin3[1][0].path, fps=23.976, frames=600)
        res = apply_plan(r, _plan([_item(a, "l1", 0, 48, 0), _item(a, "l2", 100, 148, 24)]))
        assert not res["ok"] and res["placed"] == 3 and res["expected"] == 4  # l2's sound went to A2
        assert [(m["item"], m["kind"], m["problem"]) for m in res["mismatches"]] == [
            ("l2", "video", "missing (dropped or not placed)")]
        assert "WITH PROBLEMS" in res["summary"]
        assert any("ghost" in w for w in res["warnings"]) == ghosts


def test_inclusive_end_frame_resolve_is_caught_by_verification(bin3):
    r = FakeResolve(end_frame_inclusive=True)
    a = r.add_clip(bin3[1][0].path, fps=23.976, frames=600)
    res = apply_plan(r, _plan([_item(a, "l1", 0, 48, 0)]))
    assert not res["ok"] and "item l1 video: length 49 frames, expected 48" in res["error"]
    assert r.project.timelines == []  # nothing half-written: the unusable timeline is deleted


def test_mixed_rates_and_refused_timeline_rate(tmp_path):
    r = FakeResolve(project_rate="24", allow_custom_rate=False, version=(21, 1, 0))
    a, b = _files(tmp_path, "A.mov", "B.mov")
    ca, cb = r.add_clip(a, fps=23.976, frames=600), r.add_clip(b, fps=25, frames=600)
    item_b = _item(cb, "l2", 0, 50, 48)
    item_b["rate"] = [25, 1]
    res = apply_plan(r, _plan([_item(ca, "l1", 0, 48, 0), item_b]))
    assert res["ok"], res
    tl = r.project.current
    assert [(i.start, i.duration) for i in tl.tracks["video"][0]] == [(86400, 48), (86448, 48)]  # 50 @25 → 48 @24
    assert any("project rate 24" in w for w in res["warnings"])
    assert any("another frame rate" in w and "B.mov" in w for w in res["warnings"])


def test_old_resolve_versions_need_selection_and_video_tracks(bin3):
    r = FakeResolve(version=(20, 2, 0))
    a = r.add_clip(bin3[1][0].path, fps=23.976, frames=600)
    res = apply_plan(r, _plan([_item(a, "l1", 0, 48, 0, audio_track=2)]))
    assert res["ok"], res
    assert len(r.project.current.tracks["video"]) == 2  # audio trackIndex checked against video tracks < 20.2.2


def test_missing_media_imports_into_roughcut_bin_or_fails_cleanly(tmp_path):
    path = _files(tmp_path, "NEW.mov")[0]
    r = FakeResolve(import_probe=lambda p: {"fps": 23.976, "frames": 300})
    clip_like = type("C", (), {"path": path, "frames": 300, "GetUniqueId": lambda self: "gone"})()
    res = apply_plan(r, _plan([_item(clip_like, "l1", 0, 24, 0)]))
    assert res["ok"] and res["imported"] == [path] and any("imported 1 file" in w for w in res["warnings"])
    assert "imported 1 file(s) into the 'roughcut' bin" in res["summary"]
    assert [f.name for f in r.pool.root.subfolders] == ["roughcut"] and r.pool.current is r.pool.root
    r2 = FakeResolve()
    ghost_media = type("C", (), {"path": str(tmp_path / "missing.mov"), "frames": 1, "GetUniqueId": lambda s: "x"})()
    res = apply_plan(r2, _plan([_item(ghost_media, "l1", 0, 1, 0)]))
    assert not res["ok"] and "missing.mov" in res["error"] and "not on disk" in res["error"]
    assert r2.project.timelines == [] and r2.calls == []


def test_fatal_problems_leave_no_timeline(bin3, monkeypatch):
    r, (a, b, c), existing = bin3
    assert apply_plan(r, {"schema": "nope"})["error"] == "not a roughcut.hostplan/1 document"
    assert "no valid src_in" in apply_plan(r, _plan([_item(a, "l1", 50, 50, 0)]))["error"]
    from fakes.resolve_fake import FakeMediaPool

    monkeypatch.setattr(FakeMediaPool, "AppendToTimeline", lambda self, *a: [])
    res = apply_plan(r, _plan([_item(a, "l1", 0, 24, 0)]))
    assert not res["ok"] and "placed none" in res["error"]
    assert r.project.timelines == [existing] and r.project.current is existing
    free = FakeResolve(edition="Free", studio_only={"CreateEmptyTimeline"})
    fa = free.add_clip(a.path, fps=23.976, frames=600)
    res = apply_plan(free, _plan([_item(fa, "l1", 0, 24, 0)]))
    assert "did not create the timeline" in res["error"] and free.project.timelines == []


def test_read_back_is_valid_otio_with_our_metadata(bin3):
    import opentimelineio as otio

    r, (a, b, c), existing = bin3
    apply_plan(r, _plan([_item(a, "l1", 100, 196, 0), _item(b, "l2", 200, 260, 120)]), job_id="job-9")
    tl = r.project.current
    tl.tracks["video"][0][1].SetClipColor("Pink")  # the editor's change
    doc = timeline_to_otio(Timeline(tl))
    timeline = otio.adapters.read_from_string(json.dumps(doc), "otio_json")
    v1 = timeline.video_tracks()[0]
    kinds = [type(x).__name__ for x in v1]
    assert kinds == ["Clip", "Gap", "Clip"]
    first = v1[0]
    assert first.source_range.start_time.value == 86400 + 100 and first.source_range.duration.value == 96
    assert first.media_reference.target_url == a.path
    assert first.metadata["roughcut"]["src_in"] == 100 and first.metadata["roughcut"]["src_out"] == 196
    assert v1[2].metadata["roughcut"]["clip_color"] == "Pink" and v1[2].metadata["roughcut"]["record_in"] == 120
    assert timeline.metadata["roughcut"]["job"] == "job-9" and len(timeline.tracks.markers) == 2


def test_generate_bad_inputs_give_one_clear_message_and_change_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUGHCUT_BRIDGE_HOME", str(tmp_path / "nobridge"))
    monkeypatch.delenv("ROUGHCUT_SCRIPT", raising=False)
    r = FakeResolve()
    ui = ConsoleUI(stream=open(tmp_path / "log.txt", "w"))
    assert "has no media clips" in main_generate(r, ui=ui)["error"]
    r.add_clip(str(tmp_path / "gone.mov"), fps=24, frames=10, name="gone")
    assert "every clip in the bin is offline" in main_generate(r, ui=ui)["error"]
    media = tmp_path / "rushes"
    media.mkdir()
    r.add_clip(_files(media, "A.mov")[0], fps=24, frames=10)
    r.add_clip(_files(media, "B.mov")[0], fps=25, frames=10)
    assert "no screenplay chosen" in main_generate(r, ui=ui)["error"]
    (tmp_path / "scene.fountain").write_text("INT. ROOM - DAY\n\nALICE\nHello.\n")
    res = main_generate(r, ui=ui)
    assert "bridge is not running" in res["error"]
    assert any("offline" in n for n in res["notes"]) and any("mixed frame rates" in n for n in res["notes"])
    assert main_generate(None, ui=ui)["error"].startswith("DaVinci Resolve is not reachable")
    assert "no current timeline" in main_feedback(r, ui=ui)["error"]
    assert r.calls == [] and r.project.timelines == []
    assert any(line.startswith("ERROR: ") for line in ui.lines)


def test_verification_falls_back_to_returned_items_when_tracks_do_not_list(bin3, monkeypatch):
    from fakes.resolve_fake_timeline import FakeTimeline

    r, (a, b, c), existing = bin3
    monkeypatch.setattr(FakeTimeline, "GetItemListInTrack", lambda self, *args: [])
    res = apply_plan(r, _plan([_item(a, "l1", 0, 48, 0), _item(b, "l2", 0, 48, 24)]))  # l2 overlaps l1
    assert not res["ok"] and res["placed"] == 3 and [m["item"] for m in res["mismatches"]] == ["l2"]
    assert any("did not list" in w for w in res["warnings"])
