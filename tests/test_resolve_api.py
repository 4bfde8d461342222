"""Unit tests of the Resolve adapter's pieces: every wrapper call against the strict fake,
Python 3.8 syntax of everything Resolve loads, the stdlib rate/timecode mirror against
roughcut_core.timebase, and the bridge config dir against platformdirs."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "hosts" / "resolve"))
sys.path.insert(0, str(REPO))

from roughcut_resolve import api, rates  # noqa: E402
from roughcut_resolve.bridge_client import user_config_dir  # noqa: E402
from fakes.resolve_fake import FakeBmd, FakeResolve  # noqa: E402


def test_adapter_and_menu_scripts_parse_as_python_3_8():
    files = sorted((REPO / "hosts" / "resolve").rglob("*.py"))
    assert len(files) >= 12
    for path in files:
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path), feature_version=(3, 8))


def test_adapter_imports_only_the_stdlib():
    allowed = set(sys.stdlib_module_names) | {"roughcut_resolve", "DaVinciResolveScript"}
    for path in (REPO / "hosts" / "resolve").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"


def test_both_import_routes_expose_the_contract():
    import roughcut_resolve
    from hosts.resolve import apply_plan, read_selected_bin

    assert apply_plan is roughcut_resolve.apply_plan and read_selected_bin is roughcut_resolve.read_selected_bin


@pytest.fixture
def world():
    r = FakeResolve(version=(21, 1, 0))
    clip = r.add_clip("/media/a.mov", fps=23.976, frames=480, clip_color="Teal", flags=["Green"],
                      metadata={"Good Take": "1"})
    return r, clip


def test_resolve_project_and_pool_wrappers(world):
    r, clip = world
    rv = api.Resolve(r)
    assert rv.version() == (21, 1, 0) and rv.is_studio() is True and rv.product_name().endswith("Studio")
    assert api.Resolve(FakeResolve(edition="Free", version=(20, 3, 2))).is_studio() is False  # by product name
    assert rv.fusion() is None
    project = rv.current_project()
    assert project.name() == "Test project" and project.timeline_count() == 0 and project.timelines() == []
    assert project.current_timeline() is None and project.timeline_by_index(1) is None
    assert project.get_setting("timelineFrameRate") == "24"  # a number in 21.1, coerced to str
    pool = project.media_pool()
    root = pool.root_folder()
    assert pool.current_folder() == root and root.name() == "Master" and root.unique_id()
    assert [c.raw for c in root.clips()] == [clip] and root.sub_folders() == []
    sub = pool.add_sub_folder(root, "B")
    assert sub.name() == "B" and pool.add_sub_folder(root, "B") is None
    assert pool.set_current_folder(sub) and pool.current_folder() == sub
    assert not pool.set_current_folder(api.Folder(object()))
    assert pool.delete_folders([sub]) and root.sub_folders() == []
    assert pool.selected_clips() == [] and pool.set_selected_clip(api.MediaPoolItem(clip))
    assert [c.raw for c in pool.selected_clips()] == [clip]
    tl = pool.create_empty_timeline("T")
    assert tl.name() == "T" and pool.create_empty_timeline("T") is None
    assert project.current_timeline() is None  # creating does not make it current
    assert project.set_current_timeline(tl) and project.current_timeline() == tl
    assert project.timeline_by_index(1) == tl and [t.name() for t in project.timelines()] == ["T"]
    assert pool.import_media(["/nope.mov"]) == []
    assert pool.delete_timelines([tl]) and project.timeline_count() == 0


def test_media_pool_item_wrappers(world):
    r, clip = world
    item = api.MediaPoolItem(clip)
    assert item.name() == "a.mov" and item.unique_id() == clip.GetUniqueId()
    assert item.clip_property("File Path") == "/media/a.mov" and item.clip_property("FPS") == "23.976"
    assert item.clip_property("No such key") == "" and item.clip_properties()["Frames"] == "480"
    assert item.metadata("Good Take") == "1" and item.clip_color() == "Teal" and item.flags() == ["Green"]


def test_timeline_and_item_wrappers(world):
    r, clip = world
    rv = api.Resolve(r)
    project = rv.current_project()
    pool = project.media_pool()
    tl = pool.create_empty_timeline("T")
    project.set_current_timeline(tl)
    assert tl.unique_id() and tl.start_frame() == 86400 and tl.start_timecode() == "01:00:00:00"
    assert tl.set_setting("timelineFrameRate", "23.976") is False  # needs useCustomSettings "1"
    assert tl.set_setting("useCustomSettings", "1") and tl.set_setting("timelineFrameRate", "23.976")
    assert tl.get_setting("timelineFrameRate") == "23.976"
    assert tl.set_start_timecode("00:59:59:00") and tl.start_frame() == 86376
    assert tl.track_count("video") == 1 and tl.add_track("video") and tl.track_count("video") == 2
    assert not tl.add_track("smell")
    items = pool.append_to_timeline([{"mediaPoolItem": item_of(clip), "startFrame": 10, "endFrame": 34,
                                      "recordFrame": 86376 + 5, "trackIndex": 2, "mediaType": api.MEDIA_VIDEO}])
    assert len(items) == 1
    ti = items[0]
    assert not ti.is_ghost() and ti.start() == 86381 and ti.end() == 86405 and ti.duration() == 24
    assert ti.left_offset() == 10 and ti.media_pool_item().unique_id() == clip.GetUniqueId() and ti.name() == "a.mov"
    assert [i.unique_id() for i in tl.items_in_track("video", 2)] == [ti.unique_id()]
    assert tl.items_in_track("video", 3) == [] and tl.end_frame() == 86405
    assert ti.set_clip_color("Lime") and ti.clip_color() == "Lime" and not ti.set_clip_color("Red")
    assert ti.add_marker(0, "Red", "n", "note", 1) and not ti.add_marker(0, "Red", "dup", "", 1)
    assert ti.markers()[0]["name"] == "n"
    assert ti.takes_count() == 0 and ti.selected_take_index() == 0
    assert ti.add_take(item_of(clip), 100, 150) and ti.takes_count() == 2 and ti.selected_take_index() == 1
    assert not ti.add_take(item_of(clip), 100, 481) and ti.select_take(2) and ti.selected_take_index() == 2
    assert ti.clip_enabled() is True and ti.set_clip_enabled(False) and ti.clip_enabled() is False
    assert tl.set_track_enabled("video", 2, False) and tl.track_enabled("video", 2) is False
    assert tl.track_enabled("video", 9) is None and tl.set_track_name("video", 2, "alts")
    assert tl.add_marker(5, "Mint", "m", "note", 2, "roughcut:{}") and not tl.add_marker(5, "Mint", "m", "", 1)
    assert not tl.add_marker(6, "Lime", "clip colour, not a marker colour", "", 1)
    assert tl.markers() == {5: {"color": "Mint", "name": "m", "note": "note", "duration": 2.0,
                                "customData": "roughcut:{}"}}
    assert tl.set_clips_linked([ti], True)


def item_of(clip):
    return api.MediaPoolItem(clip)


def test_wrappers_turn_bridge_failures_into_plain_values():
    class Dead:  # a bridge object whose every attribute reads as None (HOST_API: hasattr always true)
        def __getattr__(self, name):
            return None

    tl, ti = api.Timeline(Dead()), api.TimelineItem(Dead())
    assert tl.start_frame() is None and tl.track_count("video") == 0 and tl.items_in_track("video", 1) == []
    assert tl.markers() == {} and tl.add_marker(0, "Blue", "", "", 1) is False and tl.get_setting("x") == ""
    assert ti.is_ghost() and ti.media_pool_item() is None and ti.takes_count() == 0
    assert api.Resolve(Dead()).current_project() is None and api.Resolve(Dead()).version() == ()


def test_fake_answers_unknown_methods_with_none_and_records_mutations():
    r = FakeResolve()
    assert r.NoSuchCall(1, 2) is None and ("resolve", "NoSuchCall") in r.unknown
    assert FakeResolve(has_attr_always_true=False) and not hasattr(FakeResolve(has_attr_always_true=False), "Nope")
    assert r.IsStudio() is None and FakeResolve(version=(21, 1, 1)).IsStudio() is True
    free = FakeResolve(edition="Free", studio_only={"CreateEmptyTimeline"})
    assert FakeBmd(free).scriptapp("Resolve") is None and FakeBmd(r).scriptapp("Resolve") is r
    pool = free.project.GetMediaPool()
    assert pool.CreateEmptyTimeline("x") is None and free.modal_open
    assert free.project.GetName() is None  # every later call fails until the modal is dismissed
    free.dismiss_modal()
    assert free.project.GetName() == "Test project"
    assert [c[1] for c in free.calls] == [] and pool.SetCurrentFolder(pool.GetRootFolder())
    assert free.calls[-1][1] == "SetCurrentFolder"


def test_fake_append_semantics_exclusive_end_absolute_record_collisions():
    r = FakeResolve()
    clip = r.add_clip("/m/a.mov", fps=24, frames=100)
    tl = r.add_timeline("T")
    pool = r.pool
    assert pool.AppendToTimeline([{"mediaPoolItem": clip, "startFrame": 0, "endFrame": 101}]) == []  # past the end
    assert pool.AppendToTimeline([{"mediaPoolItem": clip, "startFrame": "0", "endFrame": 10}]) == []  # wrong type
    assert pool.AppendToTimeline([{"mediaPoolItem": clip, "startFrame": 0, "endFrame": 10, "trackIndex": 2}]) == []
    got = pool.AppendToTimeline([{"mediaPoolItem": clip, "startFrame": 0, "endFrame": 10, "recordFrame": 86400}])
    assert [(i.kind, i.start, i.duration) for i in got] == [("video", 86400, 10)]  # one item per clipInfo
    assert [(i.kind, i.start) for t in ("video", "audio") for i in tl.tracks[t][0]] == [("video", 86400),
                                                                                      ("audio", 86400)]
    dropped = pool.AppendToTimeline([{"mediaPoolItem": clip, "startFrame": 20, "endFrame": 30, "recordFrame": 86405}])
    assert dropped == [] and len(tl.tracks["video"][0]) == 1  # the earlier item wins, silently
    zero = pool.AppendToTimeline([{"mediaPoolItem": clip, "startFrame": 0, "endFrame": 10, "recordFrame": 0,
                                   "mediaType": 1}])
    assert zero[0].GetStart() == 0 and zero[0].GetDuration() == 0  # relative record: reads back, ~0 frames
    ghosts = FakeResolve(ghost_on_collision=True)
    c2 = ghosts.add_clip("/m/a.mov", fps=24, frames=100)
    ghosts.add_timeline("T")
    ghosts.pool.AppendToTimeline([{"mediaPoolItem": c2, "startFrame": 0, "endFrame": 10, "recordFrame": 86400}])
    g = ghosts.pool.AppendToTimeline([{"mediaPoolItem": c2, "startFrame": 0, "endFrame": 10, "recordFrame": 86400}])
    assert len(g) == 1 and g[0].GetUniqueId() == "" and g[0].GetStart() is None
    inclusive = FakeResolve(end_frame_inclusive=True)
    c3 = inclusive.add_clip("/m/a.mov", fps=24, frames=100)
    inclusive.add_timeline("T")
    got = inclusive.pool.AppendToTimeline([{"mediaPoolItem": c3, "startFrame": 0, "endFrame": 10, "mediaType": 1}])
    assert got[0].GetDuration() == 11
    old = FakeResolve(version=(20, 2, 0))
    c4 = old.add_clip("/m/a.mov", fps=24, frames=100)
    old.add_timeline("T")
    assert old.pool.AppendToTimeline([c4]) == []  # < 20.3.2: needs a selected pool clip


@pytest.mark.parametrize("value,expected", [
    (24, (24, 1)), (23.976, (24000, 1001)), ("23.976", (24000, 1001)), ("29.97 DF", (30000, 1001)),
    (59.94, (60000, 1001)), ("25", (25, 1)), ([30000, 1001], (30000, 1001)), ("", None), ("abc", None), (0, None)])
def test_rate_from_fps(value, expected):
    assert rates.rate_from_fps(value) == expected


def test_rates_match_roughcut_core_timebase():
    from roughcut_core import timebase as tb

    for pair, drop in (((24, 1), False), ((24000, 1001), False), ((30000, 1001), True), ((60000, 1001), True),
                       ((25, 1), False)):
        rate = tb.Rate(*pair)
        for frames in (0, 1, 1799, 1800, 17982, 86400, 107892, 215784, 999_999):
            tc = tb.frames_to_timecode(frames, rate, drop)
            assert rates.frames_to_timecode(frames, pair, drop) == tc
            assert rates.timecode_to_frames(tc, pair) == tb.timecode_to_frames(tc, rate) == frames
        for frames in (0, 1, 23, 24, 1000, 12345):
            for other in ((24, 1), (25, 1), (30000, 1001)):
                assert rates.frames_at_rate_round(frames, pair, other) == tb.convert_frames(frames, rate, tb.Rate(*other))
    assert rates.rate_setting((30000, 1001), True) == "29.97 DF" and rates.rate_setting((24000, 1001)) == "23.976"
    assert rates.frames_at_rate_floor(25, (25, 1), (24, 1)) == 24


@pytest.mark.parametrize("platform,env,expected", [
    ("linux", {}, "{home}/.config/roughcut"),
    ("linux", {"XDG_CONFIG_HOME": "/x/cfg"}, "/x/cfg/roughcut"),
    ("linux", {"XDG_CONFIG_HOME": "relative"}, "{home}/.config/roughcut"),
    ("darwin", {}, "{home}/Library/Application Support/roughcut"),
    ("win32", {"LOCALAPPDATA": "C:/Users/u/AppData/Local"}, "C:/Users/u/AppData/Local/roughcut/roughcut"),
])
def test_config_dir_rules(platform, env, expected, tmp_path):
    got = user_config_dir(platform=platform, environ=env, home=str(tmp_path))
    assert got.replace("\\", "/") == expected.format(home=tmp_path)


def test_config_dir_matches_platformdirs_here(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.setenv("HOME", str(tmp_path))
    for xdg in (None, str(tmp_path / "xdg")):
        if xdg:
            monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
        else:
            monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
        assert user_config_dir() == platformdirs.user_config_dir("roughcut")
    from platformdirs.macos import MacOS

    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    assert user_config_dir(platform="darwin") == MacOS("roughcut").user_config_dir
