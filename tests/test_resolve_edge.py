"""Resolve adapter edge cases (issue 15 item 3, 5): drop-frame whenever the plan says so, the
start timecode at the rate the timeline really got, media a failed run imported removed again,
edition/version detection (Free 21.1+ gets the import path), and the read-back naming each
missing or wrong thing with its plan item and line ids. All on the project's strict fake."""
import io
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "hosts" / "resolve"))

from fakes.resolve_fake import FakeMediaPool, FakeResolve, scripting_resolve  # noqa: E402
from fakes.resolve_fake_timeline import FakeTimeline, FakeTimelineItem  # noqa: E402
from roughcut_resolve import apply_plan, main_feedback, main_generate  # noqa: E402
from roughcut_resolve.edition import detect  # noqa: E402
from roughcut_resolve.flow import readback_lines  # noqa: E402
from roughcut_resolve.ui import ConsoleUI  # noqa: E402


def _clip(r, tmp_path, name, fps, frames=900, folder=None):
    path = tmp_path / name
    path.write_bytes(b"\0")
    return r.add_clip(str(path), folder=folder, fps=fps, frames=frames)


def _item(clip, iid, src_in, src_out, rec_in, rate, **extra):
    item = {"id": iid, "media": {"path": clip.path, "host_id": clip.GetUniqueId()}, "src_in": src_in,
            "src_out": src_out, "rec_in": rec_in, "rate": list(rate), "video_track": 1, "audio_track": 1,
            "media_type": "both", "color": "Green", "score": 0.9, "why": "best read", "line_ids": [iid.upper()],
            "alternates": [], "markers": [{"frame": 0, "color": "Blue", "name": iid, "note": "text " + iid,
                                           "duration": 1}]}
    item.update(extra)
    return item


def _plan(items, rate, start_frame, drop=False, name="Cut"):
    return {"schema": "roughcut.hostplan/1", "items": items, "markers": [],
            "timeline": {"name": name, "rate": list(rate), "start_frame": start_frame, "drop_frame": drop}}


def _ui():
    return ConsoleUI(stream=io.StringIO())


@pytest.mark.parametrize("project_rate,plan_drop,label", [("29.97", True, "01:00:00;00"),
                                                          ("29.97 DF", False, "01:00:00:00")])
def test_drop_frame_follows_the_plan_whatever_the_project_says(tmp_path, project_rate, plan_drop, label):
    r = FakeResolve(project_rate=project_rate)
    a = _clip(r, tmp_path, "A.mov", 29.97)
    start = 107892 if plan_drop else 108000  # 01:00:00;00 DF / 01:00:00:00 NDF at 29.97
    res = apply_plan(r, _plan([_item(a, "l1", 30, 90, 0, (30000, 1001))], (30000, 1001), start, plan_drop))
    assert res["ok"], res
    tl = r.project.current
    assert tl.settings["useCustomSettings"] == "1" and tl.drop_frame() is plan_drop
    assert tl.GetStartTimecode() == label and tl.start_frame == start
    assert [(i.start, i.duration) for i in tl.tracks["video"][0]] == [(start, 60)]
    assert not any("drop-frame" in w or "non-drop" in w for w in res["warnings"])


def test_refused_drop_frame_is_reported(tmp_path, monkeypatch):
    r = FakeResolve(project_rate="29.97")
    a = _clip(r, tmp_path, "A.mov", 29.97)
    real = FakeTimeline.SetSetting
    monkeypatch.setattr(FakeTimeline, "SetSetting",  # a Resolve that will not do drop-frame on this timeline
                        lambda self, k, v: False if "Drop" in k or "DF" in v else real(self, k, v))
    res = apply_plan(r, _plan([_item(a, "l1", 30, 90, 0, (30000, 1001))], (30000, 1001), 107892, True))
    assert any("Resolve refused the plan's frame rate 29.97 DF" in w for w in res["warnings"])
    assert any("timeline timecode is non-drop, the plan asked for drop-frame" in w for w in res["warnings"])


@pytest.mark.parametrize("plan_rate,start,want_start", [((30, 1), 108000, 86400),  # other nominal: same time
                                                        ((24000, 1001), 86400, 86400)])  # same nominal: same label
def test_start_timecode_is_written_at_the_rate_the_timeline_got(tmp_path, plan_rate, start, want_start):
    r = FakeResolve(project_rate="24", allow_custom_rate=False)
    a = _clip(r, tmp_path, "A.mov", 24)
    res = apply_plan(r, _plan([_item(a, "l1", 0, 48, 0, (24, 1))], plan_rate, start))
    tl = r.project.current
    assert tl.rate == 24 and tl.start_frame == want_start and tl.GetStartTimecode() == "01:00:00:00"
    assert any("timeline runs at the project rate 24" in w for w in res["warnings"])
    assert tl.tracks["video"][0][0].start == want_start


def _importing_resolve(tmp_path, existing_bin=False):
    r = FakeResolve(import_probe=lambda p: {"fps": 24, "frames": 300})
    if existing_bin:
        r.add_folder("roughcut")
    path = tmp_path / "NEW.mov"
    path.write_bytes(b"\0")
    media = type("C", (), {"path": str(path), "frames": 300, "GetUniqueId": lambda self: "not-in-pool"})()
    return r, media


@pytest.mark.parametrize("existing_bin", [False, True], ids=["bin-created", "bin-existed"])
def test_a_failed_apply_removes_the_media_it_imported(tmp_path, monkeypatch, existing_bin):
    r, media = _importing_resolve(tmp_path, existing_bin)
    monkeypatch.setattr(FakeMediaPool, "AppendToTimeline", lambda self, *a: [])
    res = apply_plan(r, _plan([_item(media, "l1", 0, 24, 0, (24, 1))], (24, 1), 86400))
    assert not res["ok"] and "placed none" in res["error"] and res["imported"] == []
    assert r.project.timelines == [] and r.pool.all_clips() == []
    assert [f.name for f in r.pool.root.subfolders] == (["roughcut"] if existing_bin else [])
    assert ("mediapool", "DeleteClips") in {(c[0][0], c[1]) for c in r.calls}


def test_an_unexpected_bridge_error_undoes_timeline_and_imports(tmp_path, monkeypatch):
    r, media = _importing_resolve(tmp_path)

    def boom(self, *args):
        raise RuntimeError("bridge lost")

    monkeypatch.setattr(FakeTimeline, "AddMarker", boom)
    res = apply_plan(r, _plan([_item(media, "l1", 0, 24, 0, (24, 1))], (24, 1), 86400))
    assert not res["ok"] and "RuntimeError: bridge lost" in res["error"]
    assert r.project.timelines == [] and r.pool.all_clips() == [] and r.pool.root.subfolders == []


def test_undo_that_resolve_refuses_is_reported(tmp_path, monkeypatch):
    r, media = _importing_resolve(tmp_path)
    monkeypatch.setattr(FakeMediaPool, "AppendToTimeline", lambda self, *a: [])
    monkeypatch.setattr(FakeMediaPool, "DeleteClips", lambda self, clips: False)
    res = apply_plan(r, _plan([_item(media, "l1", 0, 24, 0, (24, 1))], (24, 1), 86400))
    assert "could not remove imported clips NEW.mov" in res["error"] and "delete by hand" in res["summary"]


@pytest.mark.parametrize("edition,version,studio,path", [
    ("Studio", (20, 3, 2), True, "scripts"), ("Free", (20, 3, 2), False, "scripts"),
    ("Free", (21, 0, 2), False, "scripts"), ("Studio", (21, 1, 0), True, "scripts"),
    ("Free", (21, 1, 0), False, "import")])
def test_edition_and_version_detection(edition, version, studio, path):
    r = FakeResolve(edition=edition, version=version)
    info = detect(r)
    assert info["studio"] is studio and info["version"] == version and info["path"] == path
    assert r.unknown == [] and r.protocol_errors == []  # IsStudio is not called before 21.1 (it does not exist)


def test_free_21_1_points_the_editor_to_the_import_path(tmp_path):
    free = FakeResolve(edition="Free", version=(21, 1, 0))
    _clip(free, tmp_path, "A.mov", 24)
    assert scripting_resolve(free) is None  # what a Python script really gets there
    for target in (None, free):  # unreachable, or reachable some other way: the same advice, nothing touched
        ui = _ui()
        res = main_generate(target, ui=ui)
        assert not res["ok"] and "File > Import > Timeline" in res["error"] and "roughcut export" in res["error"]
        assert "fcpxml" in res["error"] and any(line.startswith("ERROR: ") for line in ui.lines)
    assert free.calls == [] and free.project.timelines == []
    assert res["host"]["path"] == "import"
    assert "roughcut feedback" in main_feedback(None, ui=_ui())["error"]


def test_free_21_0_still_runs_the_python_flow(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUGHCUT_BRIDGE_HOME", str(tmp_path / "nobridge"))
    r = FakeResolve(edition="Free", version=(21, 0, 2))
    ui = _ui()
    res = main_generate(r, ui=ui)
    assert "has no media clips" in res["error"]  # got past detection to the bin
    assert ui.lines[0] == "running in DaVinci Resolve 21.0.2 (Free)" and res["host"]["path"] == "scripts"


def test_read_back_names_each_wrong_thing_with_its_item_and_lines(tmp_path, monkeypatch):
    r = FakeResolve()
    a, b = _clip(r, tmp_path, "A.mov", 24), _clip(r, tmp_path, "B.mov", 24)
    real_color, real_marker = FakeTimelineItem.SetClipColor, FakeTimeline.AddMarker
    monkeypatch.setattr(FakeTimelineItem, "SetClipColor",
                        lambda self, c: False if self.clip is b else real_color(self, c))
    monkeypatch.setattr(FakeTimeline, "AddMarker",
                        lambda self, f, *rest: False if f == 48 else real_marker(self, f, *rest))
    res = apply_plan(r, _plan([_item(a, "l1", 0, 48, 0, (24, 1)), _item(b, "l2", 10, 70, 48, (24, 1))],
                              (24, 1), 86400))
    assert not res["ok"] and "WITH PROBLEMS" in res["summary"] and res["mismatches"] == []
    got = {(p["item"], tuple(p["line_ids"]), p["what"]) for p in res["readback"]}
    assert got == {("l2", ("L2",), "colour"), ("l2", ("L2",), "marker")}
    lines = readback_lines(res)
    assert any(line.startswith("read-back: item l2 (line L2), marker: marker 'l2' at +48 is missing") for line in lines)
    assert any("colour" in line and "'Green'" in line for line in lines)


def test_read_back_catches_a_clip_that_starts_at_the_wrong_source_frame(tmp_path, monkeypatch):
    r = FakeResolve()
    a, b = _clip(r, tmp_path, "A.mov", 24), _clip(r, tmp_path, "B.mov", 24)
    real = FakeTimelineItem.GetLeftOffset
    monkeypatch.setattr(FakeTimelineItem, "GetLeftOffset",
                        lambda self, *sub: real(self, *sub) + (1 if self.clip is b else 0))
    res = apply_plan(r, _plan([_item(a, "l1", 0, 48, 0, (24, 1)), _item(b, "l2", 10, 70, 48, (24, 1))],
                              (24, 1), 86400))
    assert not res["ok"] and res["mismatches"] == []  # placement and length were right
    assert [(p["item"], p["line_ids"], p["what"]) for p in res["readback"]] == [("l2", ["L2"], "video"),
                                                                                 ("l2", ["L2"], "audio")]
    assert "starts at source frame 11, planned 10" in res["readback"][0]["problem"]


def test_a_partly_failed_import_removes_what_it_did_import(tmp_path):
    r = FakeResolve(import_probe=lambda p: {"fps": 24, "frames": 300} if p.endswith("OK.mov") else None)
    r.add_folder("roughcut")
    media = []
    for name in ("OK.mov", "BROKEN.mov"):
        (tmp_path / name).write_bytes(b"\0")
        media.append(type("C", (), {"path": str(tmp_path / name), "frames": 300, "GetUniqueId": lambda self: ""})())
    res = apply_plan(r, _plan([_item(media[0], "l1", 0, 24, 0, (24, 1)), _item(media[1], "l2", 0, 24, 24, (24, 1))],
                              (24, 1), 86400))
    assert not res["ok"] and "Resolve could not import: " + str(tmp_path / "BROKEN.mov") == res["error"]
    assert r.pool.all_clips() == [] and [f.name for f in r.pool.root.subfolders] == ["roughcut"]
    assert r.project.timelines == [] and r.pool.current is r.pool.root
