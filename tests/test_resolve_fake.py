"""The project's Resolve fake is as strict as HOST_API.md (section A) says Resolve is.

Two kinds of test: the fake's own rules (arity, missing attributes, IsStudio from 21.1,
Studio-only calls on Free, Free 21.1 without Python, append semantics, drop-frame timecodes,
settings, pages), and a differential run: the same API calls on this fake and on the shared
checker's fake (../shared/hosts/fake_resolve.py, written independently from the same document)
must give the same answers. The differential part skips with a reason when ../shared is absent.
"""
import sys
from pathlib import Path

import pytest

from fakes.resolve_fake import FakeBmd, FakeResolve, scripting_resolve

SHARED_HOSTS = Path(__file__).resolve().parents[2] / "shared" / "hosts"


def _world(**knobs):
    r = FakeResolve(**knobs)
    clip = r.add_clip("/m/a.mov", fps=24, frames=100)
    tl = r.add_timeline("T")
    return r, clip, tl


def test_arity_and_keyword_arguments_fail_like_resolve_and_are_recorded():
    r, clip, tl = _world()
    assert tl.AddMarker(5) is False and tl.GetItemListInTrack("video") == []
    assert r.project.GetTimelineByIndex(1, 2) is None
    assert r.pool.AppendToTimeline(clipInfos=[]) == []
    assert len(r.protocol_errors) == 4 and "keyword" in r.protocol_errors[-1]
    assert tl.markers == {} and r.calls == []  # nothing happened


@pytest.mark.parametrize("missing_attr", ["callable", "none"])
def test_unknown_attributes_read_as_resolve_answers_them(missing_attr):
    r, clip, tl = _world(missing_attr=missing_attr)
    attr = tl.NoSuchMethod
    assert (attr() is None) if missing_attr == "callable" else attr is None
    assert ("timeline", "NoSuchMethod") in r.unknown


def test_is_studio_exists_only_from_21_1():
    old = FakeResolve(version=(20, 3, 2))
    assert old.IsStudio() is None and ("resolve", "IsStudio") in old.unknown
    new = FakeResolve(version=(21, 1, 0), edition="Free")
    assert new.IsStudio() is False and new.unknown == []


def test_documented_studio_only_calls_open_the_modal_on_free():
    r, clip, tl = _world(edition="Free", version=(21, 0, 2))
    assert tl.DetectSceneCuts() is False and r.modal_open
    assert tl.GetName() is None and r.pool.GetRootFolder() is None  # everything fails until dismissed
    r.dismiss_modal()
    assert tl.GetName() == "T"
    studio, _, stl = _world()
    assert stl.DetectSceneCuts() is None and not studio.modal_open  # not emulated on Studio: recorded only


def test_free_21_1_has_no_python():
    free = FakeResolve(edition="Free", version=(21, 1, 0))
    assert scripting_resolve(free) is None and FakeBmd(free).scriptapp("Resolve") is None
    assert scripting_resolve(FakeResolve(edition="Free", version=(21, 0, 2))) is not None


def test_append_places_valid_clip_infos_and_returns_one_item_each():
    r, clip, tl = _world()
    good = {"mediaPoolItem": clip, "startFrame": 0, "endFrame": 10, "recordFrame": 86400, "trackIndex": 1}
    bad = dict(good, endFrame=101)
    got = r.pool.AppendToTimeline([good, bad])
    assert len(got) == 1 and got[0].GetDuration() == 10 and len(tl.tracks["audio"][0]) == 1
    linked = FakeResolve(append_returns_linked=True)
    c2 = linked.add_clip("/m/a.mov", fps=24, frames=100)
    linked.add_timeline("T")
    assert len(linked.pool.AppendToTimeline([dict(good, mediaPoolItem=c2)])) == 2


def test_source_start_frame_is_off_by_one_on_every_third_item_left_offset_is_exact():
    r, clip, tl = _world()
    items = []
    for n in range(3):
        items += r.pool.AppendToTimeline([{"mediaPoolItem": clip, "startFrame": 10 * n, "endFrame": 10 * n + 5,
                                           "recordFrame": 86400 + 10 * n, "mediaType": 1}])
    assert [i.GetLeftOffset() for i in items] == [0, 10, 20]
    assert [i.GetSourceStartFrame() - i.GetLeftOffset() for i in items].count(1) == 1


def test_drop_frame_timecodes_and_settings_resolve_has():
    r = FakeResolve(project_rate="29.97")
    tl = r.add_timeline("T")
    assert tl.SetSetting("timelineDropFrameTimecode", "1") is False  # not custom yet
    assert tl.SetSetting("useCustomSettings", "1") and not tl.SetSetting("noSuchSetting", "1")
    assert tl.SetSetting("timelineFrameRate", "29.97 DF") and tl.drop_frame()
    assert tl.SetStartTimecode("01:00:00;00") and tl.GetStartFrame() == 107892
    assert tl.GetStartTimecode() == "01:00:00;00"
    assert tl.SetSetting("timelineDropFrameTimecode", "0") and tl.GetStartTimecode() == "00:59:56:12"


def test_create_sets_current_knob_and_pages():
    r = FakeResolve()
    assert r.pool.CreateEmptyTimeline("A") and r.project.current is None  # default: not current
    r2 = FakeResolve(create_sets_current=True)
    assert r2.pool.CreateEmptyTimeline("A") is r2.project.current
    r3, clip, tl = _world(page="color")
    item = r3.pool.AppendToTimeline([{"mediaPoolItem": clip, "startFrame": 0, "endFrame": 5, "recordFrame": 86400}])
    assert tl.DeleteClips(item) is False and r3.OpenPage("edit") and tl.DeleteClips(item) is True
    assert r3.pool.DeleteClips([clip]) and r3.pool.all_clips() == []


# -- differential: the same calls on both fakes -----------------------------------------------

def _shared_world(version="20.3.2", edition="Studio", **knobs):
    sys.path.insert(0, str(SHARED_HOSTS))
    try:
        import fake_resolve as fr
    finally:
        sys.path.remove(str(SHARED_HOSTS))
    r = fr.make_resolve(media=[{"path": "/m/a.mov", "fps": 24, "frames": 100, "audio_ch": 2,
                                "start_tc": "01:00:00:00"}],
                        existing_timelines=[{"name": "T", "current": True, "items": []}], version=version,
                        edition=edition, probe=False, **knobs)
    project = r.GetProjectManager().GetCurrentProject()
    clip = [c for c in project.GetMediaPool().GetCurrentFolder().GetClipList()
            if c.GetClipProperty("Type") != "Timeline"][0]
    return r, clip, project.GetCurrentTimeline(), project


def _our_world(version="20.3.2", edition="Studio", **knobs):
    r = FakeResolve(version=tuple(int(v) for v in version.split(".")), edition=edition, **knobs)
    clip = r.add_clip("/m/a.mov", fps=24, frames=100)
    tl = r.add_timeline("T")
    return r, clip, tl, r.project


def _script(r, clip, tl, project):
    """A sequence of API calls; returns what each answered, normalised to plain values."""
    pool = project.GetMediaPool()
    out = []

    def info(start, end, record, **extra):
        return dict({"mediaPoolItem": clip, "startFrame": start, "endFrame": end, "recordFrame": record,
                     "trackIndex": 1}, **extra)

    first = pool.AppendToTimeline([info(0, 10, 86400, mediaType=1)])
    out.append(("append", [(i.GetStart(), i.GetDuration(), i.GetLeftOffset(), i.GetEnd()) for i in first]))
    out.append(("past end", pool.AppendToTimeline([info(90, 101, 86500)])))
    out.append(("collision", pool.AppendToTimeline([info(20, 30, 86405, mediaType=1)])))
    out.append(("bad mediaType", pool.AppendToTimeline([info(0, 10, 86600, mediaType=3)])))
    out.append(("no track 2", pool.AppendToTimeline([info(0, 10, 86700, trackIndex=2)])))
    out.append(("track list", [(i.GetStart(), i.GetDuration()) for i in tl.GetItemListInTrack("video", 1)]))
    out.append(("track 0", tl.GetItemListInTrack("video", 0)))
    out.append(("marker", tl.AddMarker(5.0, "Blue", "n", "x", 1.0, "roughcut:{}")))
    out.append(("marker dup", tl.AddMarker(5.0, "Red", "n", "x", 1.0, "")))
    out.append(("marker colour", tl.AddMarker(6.0, "Orange", "n", "x", 1.0, "")))
    out.append(("marker duration", tl.AddMarker(7.0, "Blue", "n", "x", 0, "")))
    out.append(("marker arity", tl.AddMarker(8.0)))
    out.append(("markers", {k: (v["color"], v["name"], v["note"], v["duration"], v["customData"])
                            for k, v in tl.GetMarkers().items()}))
    item = first[0]
    out.append(("clip colour", (item.SetClipColor("Red"), item.SetClipColor("Orange"), item.GetClipColor())))
    out.append(("take", (item.AddTake(clip, 0, 10), item.AddTake(clip, 0, 101), item.GetTakesCount(),
                         item.GetSelectedTakeIndex())))
    out.append(("setting", (tl.SetSetting("timelineFrameRate", "25"), tl.SetSetting("useCustomSettings", "1"),
                            tl.SetSetting("timelineFrameRate", "25"))))
    out.append(("rate", str(project.GetSetting("timelineFrameRate"))))
    out.append(("timeline by index", (project.GetTimelineByIndex(0), project.GetTimelineByIndex(1).GetName())))
    out.append(("name taken", pool.CreateEmptyTimeline("T")))
    out.append(("is studio", r.IsStudio()))
    return out


@pytest.mark.skipif(not (SHARED_HOSTS / "fake_resolve.py").is_file(), reason="../shared/hosts is absent")
@pytest.mark.parametrize("version,edition", [("20.3.2", "Studio"), ("21.1.0", "Studio"), ("21.0.2", "Free")])
def test_same_calls_same_answers_as_the_shared_fake(version, edition):
    ours = _script(*_our_world(version, edition, frame_rate_setting_type="str"))
    theirs = _script(*_shared_world(version, edition, frame_rate_setting_type="str"))
    assert ours == theirs


@pytest.mark.skipif(not (SHARED_HOSTS / "fake_resolve.py").is_file(), reason="../shared/hosts is absent")
def test_ghosts_on_collision_match_the_shared_fake():
    answers = []
    for r, clip, tl, project in (_our_world(ghost_on_collision=True), _shared_world(ghost_on_collision=True)):
        pool = project.GetMediaPool()
        info = {"mediaPoolItem": clip, "startFrame": 0, "endFrame": 10, "recordFrame": 86400, "mediaType": 1}
        pool.AppendToTimeline([info])
        ghost = pool.AppendToTimeline([dict(info, startFrame=20, endFrame=30)])
        answers.append([(g.GetUniqueId(), g.GetStart(), g.GetDuration(), g.GetMediaPoolItem()) for g in ghost])
    assert answers[0] == answers[1] == [("", None, None, None)]
