"""`roughcut cut` end to end on the demo scene (real models), and its bad-input contract."""
import json

import opentimelineio as otio
import pytest

from roughcut_core._cli.main import main
from roughcut_core.bench.cutquality import cut_quality
from roughcut_core.demo import load_ground_truth
from roughcut_core.media import probe

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_cut(demo_scene, demo_scene_cut, tmp_path_factory):
    # The session fixture ran the real models once; this cut reads their cached analyses.
    _, cache = demo_scene_cut
    out = tmp_path_factory.mktemp("cut")
    args = [str(demo_scene.media_dir), "--script", str(demo_scene.script_path), "--out", str(out / "cut.otio"),
            "--report", str(out / "cut.html"), "--plan", str(out / "plan.json"),
            "--cache-dir", cache]
    assert main(["cut", *args]) == 0
    return out


def test_cut_writes_frame_exact_otio(demo_cut, demo_scene):
    tl = otio.adapters.read_from_file(str(demo_cut / "cut.otio"))
    clips = list(tl.video_tracks()[0].find_clips())
    assert clips
    media = {str(p): probe(p) for p in demo_scene.media_paths}
    for clip in clips:
        path = clip.media_reference.target_url
        assert path in media, "ExternalReference points at a source file"
        sr = clip.source_range
        assert sr.start_time.rate == pytest.approx(24000 / 1001)
        assert float(sr.start_time.value).is_integer() and float(sr.duration.value).is_integer()
        assert 0 <= sr.start_time.value and sr.end_time_exclusive().value <= media[path].frame_count
        meta = clip.metadata["roughcut"]
        assert list(meta["line_ids"]) and 0 <= meta["score"] <= 1 and list(meta["reasons"])


def test_cut_quality_on_demo_scene(demo_cut, demo_scene):
    plan = json.loads((demo_cut / "plan.json").read_text())
    assert plan["schema"] == "roughcut.hostplan/1"
    from roughcut_core.model import Cut, EditDecision
    from roughcut_core.timebase import Rate
    cut = Cut(name="x", rate=Rate(*plan["timeline"]["rate"]), decisions=tuple(
        EditDecision(id=i["id"], path=i["media"]["path"], rate=Rate(*i["rate"]), src_in=i["src_in"],
                     src_out=i["src_out"], rec_in=i["rec_in"], score=i["score"], line_ids=tuple(i["line_ids"]),
                     video_track=i.get("video_track", 1))  # reaction cutaways (track 2) carry no sound
        for i in plan["items"]))
    q = cut_quality(cut, load_ground_truth(demo_scene.ground_truth_path), demo_scene.root)
    assert q["line_coverage"] == 1.0
    assert q["clipped_words"] == 0
    assert q["jump_cuts"] == 0
    assert q["take_accuracy"] >= 0.8


def test_review_page_is_self_contained(demo_cut):
    html = (demo_cut / "cut.html").read_text()
    assert "<html" in html and "1-1" in html and "data:image/jpeg;base64," in html
    # per-reading score bars with the within-line rank, and the terms behind the choice
    assert 'class="bar"' in html and "rank 1" in html and 'class="t ' in html
    assert "http://" not in html and "https://" not in html
    # camera-motion and sound-event lanes from the file analyses (issue 20)
    assert '<div class="lanename">camera</div>' in html and '<div class="lanename">sound</div>' in html


def test_cut_bad_inputs_are_reported_and_skipped(demo_scene, tmp_path, capsys):
    (tmp_path / "notes.xyz").write_text("not media")
    (tmp_path / "empty.mov").write_bytes(b"")
    good = demo_scene.media_paths[0]
    rc = main(["cut", str(tmp_path), str(good), str(tmp_path / "missing.mov"), "--script",
               str(demo_scene.script_path), "--out", str(tmp_path / "c.otio"), "--no-picture",
               "--cache-dir", str(tmp_path / "cache")])
    err = capsys.readouterr().err
    assert rc == 0 and (tmp_path / "c.otio").exists()
    for name in ("notes.xyz", "empty.mov", "missing.mov"):
        assert sum(name in line for line in err.splitlines()) == 1, err
    rc = main(["cut", str(tmp_path / "empty.mov"), "--script", str(demo_scene.script_path),
               "--out", str(tmp_path / "d.otio")])
    assert rc == 2 and not (tmp_path / "d.otio").exists()


def test_cut_without_script_is_a_selects_cut(demo_scene_cut, demo_scene, tmp_path):
    """No script: repeated content across takes becomes one selects line each, in order."""
    _, cache = demo_scene_cut  # the session's analyses: no model work here
    rc = main(["cut", str(demo_scene.media_dir), "--out", str(tmp_path / "selects.otio"), "--plan",
               str(tmp_path / "selects.json"), "--cache-dir", cache])
    assert rc == 0
    plan = json.loads((tmp_path / "selects.json").read_text())
    items = [i for i in plan["items"] if i["video_track"] == 1]
    assert len(items) >= 8  # about one per spoken line of the 10-line scene
    assert all(i["line_ids"][0].startswith("S-") for i in items)
    assert not plan["coverage"]["setups_missing"]
