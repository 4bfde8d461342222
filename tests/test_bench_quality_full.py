"""`bench quality` on full-size generated scenes (issue 14, item 6): the scene folder is reused
only when it is the scene asked for, and the cut's wrong lines are named with their causes."""
import json

import pytest

from roughcut_core.bench import quality
from roughcut_core.bench.cutquality import cut_quality
from roughcut_core.model import Cut, EditDecision
from roughcut_core.scenegen.build import GENERATOR_VERSION, TRUTH_SCHEMA
from roughcut_core.timebase import Rate


def _truth(seed, small, version=GENERATOR_VERSION):
    return {"schema": TRUTH_SCHEMA, "seed": seed, "small": small, "script": "scene.fountain",
            "generator": {"name": "roughcut.scenegen", "version": version},
            "takes": [{"path": "media/WIDE_T1.mp4"}, {"path": "media/WIDE_T2.mp4"}]}


def test_a_complete_full_size_folder_is_reused_and_any_other_is_rebuilt(tmp_path, monkeypatch):
    built = []
    import roughcut_core.scenegen as scenegen
    from roughcut_core.scenegen.build import GeneratedScene

    def build_scene(root, seed=0, small=False):  # records the request; the generator is tested in test_scenegen
        built.append((root.name, seed, small))
        root.mkdir(parents=True, exist_ok=True)
        (root / "ground_truth.json").write_text(json.dumps(_truth(seed, small)))
        return GeneratedScene(root, root / "scene.fountain", (), root / "ground_truth.json")

    monkeypatch.setattr(scenegen, "build_scene", build_scene)
    full = tmp_path / "scenegen5-full"
    full.mkdir()
    (full / "ground_truth.json").write_text(json.dumps(_truth(5, False)))
    sc, truth = quality._scenegen(tmp_path, 5, full=True)
    assert built == [] and sc.root == full and truth["seed"] == 5
    assert [p.name for p in sc.media_paths] == ["WIDE_T1.mp4", "WIDE_T2.mp4"]
    # the small scene of the same seed lives apart and is built, not taken from the full one
    quality._scenegen(tmp_path, 5, full=False)
    assert built == [("scenegen5", 5, True)]
    # a folder from another generator version, or of the other size, is rebuilt
    (full / "ground_truth.json").write_text(json.dumps(_truth(5, False, version="0")))
    quality._scenegen(tmp_path, 5, full=True)
    (full / "ground_truth.json").write_text(json.dumps(_truth(5, True)))
    quality._scenegen(tmp_path, 5, full=True)
    assert built[1:] == [("scenegen5-full", 5, False)] * 2


@pytest.fixture
def two_takes_per_setup(tmp_path):
    def reading(lid, start, defect=None, on_camera=True):
        return {"line_id": lid, "start": start, "end": start + 1.0, "defect": defect, "on_camera": on_camera}

    truth = {
        "lines": [{"id": "1-1", "character": "A"}, {"id": "1-2", "character": "B"}, {"id": "1-3", "character": "A"}],
        "setups": {"WIDE": {"shows": ["A", "B"]}, "CU_A": {"shows": ["A"]}},
        "takes": [{"path": "media/WIDE_T1.mp4", "name": "WIDE_T1", "setup": "WIDE",
                   "readings": [reading("1-1", 1.0, "flub"), reading("1-2", 3.0), reading("1-3", 5.0)]},
                  {"path": "media/WIDE_T2.mp4", "name": "WIDE_T2", "setup": "WIDE",
                   "readings": [reading("1-1", 1.0), reading("1-2", 3.0), reading("1-3", 5.0)]},
                  {"path": "media/CU_A_T1.mp4", "name": "CU_A_T1", "setup": "CU_A",
                   "readings": [reading("1-1", 1.0), reading("1-2", 3.0, on_camera=False), reading("1-3", 5.0)]}],
    }
    return truth, {n: str(tmp_path / f"media/{n}.mp4") for n in ("WIDE_T1", "WIDE_T2", "CU_A_T1")}


def _cut(clips):
    rate = Rate(24)
    return Cut(name="x", rate=rate, decisions=tuple(
        EditDecision(id=f"d{k}", path=path, rate=rate, src_in=a, src_out=b, rec_in=0, score=0.9, line_ids=(lid,))
        for k, (path, lid, a, b) in enumerate(clips)))


def test_wrong_lines_are_listed_with_their_causes(tmp_path, two_takes_per_setup):
    truth, p = two_takes_per_setup
    # line 1 on the take whose reading is flubbed (the other take of the setup is clean), line 2
    # on A's close-up with B off screen, line 3 cut short of its reading; then the same scene
    # cut right (any clean reading of either wide take counts: the truth has no single best take)
    bad = cut_quality(_cut([(p["WIDE_T1"], "1-1", 12, 60), (p["CU_A_T1"], "1-2", 60, 108),
                            (p["WIDE_T2"], "1-3", 120, 130)]), truth, tmp_path)
    assert bad["line_errors"] == [
        {"line_id": "1-1", "take": "WIDE_T1", "errors": ["flub"]},
        {"line_id": "1-2", "take": "CU_A_T1", "errors": ["speaker off screen"]},
        {"line_id": "1-3", "take": "WIDE_T2", "errors": ["source range misses the reading"]}]
    assert bad["take_accuracy"] == pytest.approx(1 / 3, abs=1e-3)
    # a random pick: line 1 has 2 acceptable readings of 3, lines 2 and 3 all 3 of 3
    assert bad["take_chance"] == pytest.approx((2 / 3 + 1 + 1) / 3, abs=1e-3)
    good = cut_quality(_cut([(p["WIDE_T2"], "1-1", 12, 60), (p["WIDE_T2"], "1-2", 60, 108),
                             (p["CU_A_T1"], "1-3", 108, 156)]), truth, tmp_path)
    assert good["line_errors"] == [] and good["take_accuracy"] == 1.0 and good["jump_cuts"] == 0
    missing = cut_quality(_cut([(p["WIDE_T2"], "1-1", 12, 60), (p["WIDE_T1"], "1-2", 60, 108)]), truth, tmp_path)
    assert missing["line_errors"] == [{"line_id": "1-3", "take": None, "errors": ["not in the cut"]}]
    assert missing["jump_cuts"] == 1   # two takes of one setup cut together
