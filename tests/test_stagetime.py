"""``stagetime.StageTimer`` records a stage's wall and process CPU seconds (every thread of the
process), also when the block raises; ``bench.speed_run.stage_cpu`` splits a cut's CPU over
its stages so that they add up to the whole; ``bench.speed_stages.stage_table`` prints them."""
from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest

from roughcut_core.stagetime import StageTimer


def _burn(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_cpu_of_a_stage_counts_its_helper_threads_and_not_its_waits():
    timer = StageTimer()
    with timer.stage("threads"):  # the work runs on another thread, as a decode prefetch does
        t = threading.Thread(target=_burn, args=(0.3,))
        t.start()
        t.join()
    with timer.stage("sleep"):
        time.sleep(0.3)
    cpu, wall = timer.cpu_dict(), timer.as_dict()
    assert cpu["threads"] >= 0.25, cpu
    assert wall["threads"] >= cpu["threads"] - 0.05
    assert cpu["sleep"] < 0.1 and wall["sleep"] >= 0.29
    assert list(cpu) == ["threads", "sleep"]


def test_a_stage_that_raises_is_timed_and_stages_accumulate():
    timer = StageTimer()
    with pytest.raises(ValueError):
        with timer.stage("bad"):
            _burn(0.05)
            raise ValueError("x")
    with timer.stage("bad"):
        _burn(0.05)
    timer.add("outside", 1.0)          # wall only: no CPU entry
    timer.add("both", 2.0, 0.5)
    assert timer.cpu_dict()["bad"] >= 0.09
    assert "outside" not in timer.cpu_dict() and timer.as_dict()["outside"] == 1.0
    assert timer.cpu_dict()["both"] == 0.5 and timer.as_dict()["both"] == 2.0


def test_stage_cpu_adds_up_to_the_cut_and_names_the_scene_steps():
    from roughcut_core.bench.speed_run import stage_cpu
    from roughcut_core.bench.speed_stages import stage_table

    analyses = [SimpleNamespace(cpu_timings={"speech": 2.0, "picture": 5.0}),
                SimpleNamespace(cpu_timings={"speech": 1.0, "picture": 4.0, "analyses": 0.5})]
    result = SimpleNamespace(cpu_timings={"align": 3.0, "cut": 1.5})
    got = stage_cpu(analyses, result, probe_cpu=0.1, outputs_cpu=0.05, total_cpu=20.0)
    assert got == {"probe": 0.1, "speech": 3.0, "picture": 9.0, "analyses": 0.5, "scene: align": 3.0,
                   "scene: cut": 1.5, "outputs": 0.05, "other": 2.85}
    assert abs(sum(got.values()) - 20.0) < 1e-9
    run = {"media_s": 100.0, "files": 2, "total_cpu_s": 20.0, "decode_cpu_s": 2.0, "total_s": 30.0,
           "stage_cpu_s": got, "load_average": 3.0}
    table = stage_table([run])
    assert "| picture | 9.00 | 45.0 % | 11.111 |" in table
    assert "| cut ÷ decode (CPU) | 10.00 |" in table
