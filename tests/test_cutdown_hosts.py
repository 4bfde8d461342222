"""A cut-down's host plan applied by the Resolve adapter on the project's strict Resolve fake:
a timeline at the delivery size, each clip's crop as Zoom/Pan/Tilt through SetProperty."""
from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "hosts" / "resolve"))

from fakes.resolve_fake import FakeResolve  # noqa: E402
from roughcut_core.cutdown.build import Clip, Cutdown, to_hostplan  # noqa: E402
from roughcut_core.cutdown.reframe import CropKey  # noqa: E402
from roughcut_resolve import apply_plan  # noqa: E402


def _cutdown(a: str, b: str) -> Cutdown:
    rate = Fraction(24000, 1001)
    still = (CropKey(100, 657, 0, 606, 1080),)
    moving = (CropKey(300, 0, 0, 606, 1080), CropKey(320, 40, 0, 606, 1080))
    clips = (Clip(a, rate, 86400, 100, 196, 0, ("1-1",), "Hello.", 0.9, still, (1920, 1080), "setup: first line",
                  "setup"),
             Clip(b, rate, 86400, 300, 360, 96, ("1-2",), "Bye.", 0.8, moving, (1920, 1080), "payoff: last line",
                  "payoff"))
    return Cutdown("Sc 1 10s 9:16", 10.0, "9:16", (9, 16), 1080, 1920, rate, clips, (), 6.5)


def test_resolve_applies_cutdown_size_and_crops(tmp_path):
    r = FakeResolve()
    paths = []
    for n in ("A.mov", "B.mov"):
        p = tmp_path / n
        p.write_bytes(b"\0")
        paths.append(str(p))
    clips = [r.add_clip(p, fps=23.976, frames=600) for p in paths]
    plan = to_hostplan(_cutdown(*paths))
    for item, clip in zip(plan["items"], clips):
        item["media"]["host_id"] = clip.GetUniqueId()
    plan["timeline"]["start_frame"] = 86400
    res = apply_plan(r, plan, job_id="cd-1")
    assert res["ok"], res
    tl = r.project.timelines[-1]
    assert (tl.GetSetting("timelineResolutionWidth"), tl.GetSetting("timelineResolutionHeight")) == ("1080", "1920")
    first, second = tl.tracks["video"][0]
    want = plan["items"][0]["transform"]["resolve"]
    assert first.properties == {k: float(want[k]) for k in ("ZoomX", "ZoomY", "Pan", "Tilt")}
    assert abs(first.properties["Pan"]) < 2 and first.properties["ZoomX"] > 3
    assert second.properties["Pan"] > 0, "a window at the left edge moves the picture right"
    assert any("moving crop" in w for w in res["warnings"]), "the moving window is reported, not hidden"
