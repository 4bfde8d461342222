"""Search results as a host plan, applied by our Premiere adapters inside the strict shared fakes
(../shared/hosts: the ExtendScript DOM fake with roughcut.jsx, the UXP ``premierepro`` fake with
hosts/premiere_uxp), read back tick-exactly by tests/premiere_search_plan.js: every item at its
record frame with the plan's in/out points, audio with video (audio only for a sound-only file),
the search marker on each item, no unknown DOM members, protocol misuse or dialogs.

Two archives: (1) 23.976 fps takes with a 01:00:00:00 start plus a 25 fps take and a sound file:
the timeline runs at 23.976 and the 25 fps hits are left out with a warning (a host would snap
their out points off the source frames; before this was handled the fakes showed exactly
that); (2) 25 fps takes and a sound-only file: its hit becomes an audio-only item.
Skips with a reason when ../shared/hosts, node or npm (acorn for the ExtendScript fake) is absent.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from test_premiere_conformance import acorn_dir  # noqa: F401 (fixture: acorn installed as ../shared/hosts says)

from roughcut_core.search import IndexedFile, SearchDoc, connect
from roughcut_core.search.hostplan import plan_for_hits

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "hosts"
DRIVER = Path(__file__).with_name("premiere_search_plan.js")
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.skipif(not (SHARED / "fake_premiere.js").is_file(), reason="../shared/hosts is absent (the shared host fakes)"),
    pytest.mark.skipif(NODE is None, reason="node is not installed: the Premiere fakes run in node"),
]


def doc(seq, text, start, **kw) -> SearchDoc:
    words = tuple((w, round(start + i * 0.4, 3), round(start + i * 0.4 + 0.36, 3)) for i, w in enumerate(text.split()))
    return SearchDoc(seq=seq, start=words[0][1], end=words[-1][2], text=text, words=words, **kw)


ARCHIVES = {
    "ntsc": [
        (IndexedFile("a", "/rushes/day1/A001.mov", 1, 1.0, 120.0, 24000, 1001, 86400), [
            doc(0, "never again will I trust him", 10.0, character="MARA"), doc(1, "I said never again", 40.0)]),
        (IndexedFile("b", "/rushes/day1/B002.mov", 1, 1.0, 60.0, 25, 1, 90000), [doc(0, "never again she says", 3.3)]),
        (IndexedFile("c", "/rushes/sound/C003.wav", 1, 1.0, 30.0, 25, 1, 0, has_video=False), [
            doc(0, "we will never go again", 0.2)]),
    ],
    "pal": [
        (IndexedFile("b", "/rushes/day2/B002.mov", 1, 1.0, 60.0, 25, 1, 90000), [
            doc(0, "never again she says", 3.3, character="TOMAS"), doc(1, "not never again", 50.0)]),
        (IndexedFile("c", "/rushes/sound/C003.wav", 1, 1.0, 30.0, 25, 1, 0, has_video=False), [
            doc(0, "never again he whispers", 0.2)]),
    ],
}


@pytest.fixture(scope="module", params=sorted(ARCHIVES))
def plan_files(request, tmp_path_factory):
    d = tmp_path_factory.mktemp(request.param)
    with connect(str(d / "index.db")) as e:
        for f, docs in ARCHIVES[request.param]:
            e.put_file(f, docs)
        plan = plan_for_hits(e, "never again", e.search("never again", limit=10))
        media = [{"path": f.path, "rate": [f.rate_num, f.rate_den], "frames": int(f.duration * f.rate_num / f.rate_den),
                  "start_frame": f.start_frame, "video": f.has_video} for f in e.files_under("")]
    (d / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    (d / "media.json").write_text(json.dumps(media), encoding="utf-8")
    return request.param, plan, d / "plan.json", d / "media.json"


def _apply(plan_json: Path, media_json: Path, mode: str, acorn: Path) -> dict:
    proc = subprocess.run([NODE, str(DRIVER), str(plan_json), str(media_json), mode, str(acorn)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0 and proc.stdout.strip(), proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _check_plan(name: str, plan: dict) -> None:
    items = plan["items"]
    if name == "ntsc":
        assert plan["timeline"]["rate"] == [24000, 1001] and len(items) == 2
        assert {i["media"]["path"] for i in items} == {"/rushes/day1/A001.mov"}
        assert len(plan["warnings"]) == 2 and all("25/1 fps" in w and "left out" in w for w in plan["warnings"])
    else:
        assert plan["timeline"]["rate"] == [25, 1] and len(items) == 3 and not plan["warnings"]
        kinds = {i["media"]["path"]: i["media_type"] for i in items}
        assert kinds == {"/rushes/day2/B002.mov": "both", "/rushes/sound/C003.wav": "audio"}
    rec = 0
    for it in items:  # contiguous, integer frames at the one rate, exclusive out points
        assert it["rec_in"] == rec and 0 <= it["src_in"] < it["src_out"]
        rec += it["src_out"] - it["src_in"]


@pytest.mark.parametrize("mode", ["jsx", "uxp"])
def test_search_results_plan_on_the_premiere_fakes(plan_files, mode, acorn_dir):  # noqa: F811
    name, plan, plan_json, media_json = plan_files
    _check_plan(name, plan)
    out = _apply(plan_json, media_json, mode, acorn_dir)
    assert out["ok"], "\n".join(out["problems"])
    assert out["sequence"] == "Search results - never again"
    assert out["items"] == sum(2 if i["media_type"] == "both" else 1 for i in plan["items"])
    for it in plan["items"]:  # the search marker on each item, with the hit's source timecode and text
        assert [it["rec_in"], it["markers"][0]["name"], it["markers"][0]["note"]] in out["markers"]
