"""`roughcut apply --host premiere` against a fake Pymiere Link server.

The server (hosts/premiere_cep/test/fake_link_server.js, node) answers pymiere's protocol and
runs the posted ExtendScript in the strict fake ExtendScript DOM, so this exercises the real
roughcut.jsx on a plan made by the real ``cut_to_hostplan``.
"""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from roughcut_core._cli.main import main
from roughcut_core.edit.hostplan import cut_to_hostplan
from roughcut_core.install.premiere_link import PremiereLinkError, apply_plan_premiere, check_link
from roughcut_core.model import Alternate, Cut, EditDecision, Marker
from roughcut_core.timebase import Rate

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "hosts" / "premiere_cep" / "test" / "fake_link_server.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (needed for the fake Pymiere Link server)")

NTSC = Rate(24000, 1001)
TPF = 254016000000 * 1001 // 24000  # ticks per 23.976 frame


def _cut() -> Cut:
    return Cut(name="Sc 12 v1", rate=NTSC, start_frame=86400, decisions=(
        EditDecision(id="d1", path="/rushes/A.mov", host_id="000f4241", rate=NTSC, src_in=120, src_out=311, rec_in=0,
                     score=0.91, line_ids=("12-1",), reasons=("complete line", "sharp"),
                     alternates=(Alternate(path="/rushes/B.mov", host_id="000f4242", src_in=40, src_out=200, score=0.7,
                                           why="softer read"),),
                     markers=(Marker(frame=0, name="12-1 ALICE", note="We can't stay here."),)),
        EditDecision(id="d2", path="/rushes/B.mov", host_id="000f4242", rate=NTSC, src_in=300, src_out=360, rec_in=191,
                     score=0.65, line_ids=("12-2",), reasons=("only reading",),
                     markers=(Marker(frame=0, name="12-2 BOB", note="Then go."),)),
    ))


def _scenario() -> dict:
    clip = {"rate": [24000, 1001], "bin": "bin-r"}
    return {"bins": [{"name": "Rushes", "id": "bin-r"}],
            "clips": [{**clip, "name": "A.mov", "nodeId": "000f4241", "path": "/rushes/A.mov", "frames": 2000},
                      {**clip, "name": "B.mov", "nodeId": "000f4242", "path": "/rushes/B.mov", "frames": 2000},
                      {**clip, "name": "C.mov", "nodeId": "000f4243", "path": "/rushes/C.mov", "frames": 100,
                       "offline": True}],
            "sequences": [{"name": "Assembly", "rate": [24, 1], "clips": [{"clip": "000f4241", "at_frame": 0}]}],
            "selection": ["bin-r"]}


@pytest.fixture()
def link(tmp_path):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(_scenario()), encoding="utf-8")
    proc = subprocess.Popen([NODE, str(SERVER), str(scenario)], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("listening "), line
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _state(url: str) -> dict:
    import urllib.request

    with urllib.request.urlopen(url + "/__state", timeout=5) as resp:
        return json.loads(resp.read())


def test_apply_builds_the_sequence_through_the_link(link, tmp_path, capsys):
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(cut_to_hostplan(_cut())), encoding="utf-8")
    before = _state(link)
    assert main(["apply", "--host", "premiere", str(plan_path), "--link-url", link]) == 0
    out = capsys.readouterr().out
    assert "built sequence 'Sc 12 v1' (timebase 10594584000 ticks/frame): 2 clips, 1 alternates, 4 markers" in out
    after = _state(link)
    assert after["sequences"][0] == before["sequences"][0]  # the editor's sequence is untouched
    assert after["marks"] == before["marks"]  # in/out marks put back
    seq = after["sequences"][1]
    assert seq["zeroPoint"] == str(86400 * TPF)
    assert [(c["clip"], int(c["start"]), int(c["end"]), int(c["in"])) for c in seq["video"][0]["clips"]] == [
        ("000f4241", 0, 191 * TPF, 120 * TPF), ("000f4242", 191 * TPF, 251 * TPF, 300 * TPF)]
    assert seq["video"][1]["clips"][0]["disabled"] is True and seq["audio"][1]["muted"] == 1
    # each line marker carries exactly the plan's note; the reason has its own marker on the cut
    assert [m["name"] for m in seq["markers"]] == ["12-1 ALICE", "why 12-1", "12-2 BOB", "why 12-2"]
    assert seq["markers"][0]["comments"] == "We can't stay here."
    assert seq["markers"][1]["comments"] == "why: complete line; sharp (score 0.91)"


def test_apply_reports_offline_media_and_builds_nothing(link, tmp_path):
    plan = cut_to_hostplan(_cut())
    plan["items"][1]["media"] = {"path": "/rushes/C.mov", "host_id": "000f4243"}
    with pytest.raises(PremiereLinkError, match=r"nothing was built: d2: /rushes/C.mov is offline"):
        apply_plan_premiere(plan, link_url=link)
    assert len(_state(link)["sequences"]) == 1


def test_link_not_running_is_a_clear_error(tmp_path, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with pytest.raises(PremiereLinkError, match="Premiere Pro is not reachable at .*Pymiere Link"):
        check_link(url)
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(cut_to_hostplan(_cut())), encoding="utf-8")
    assert main(["apply", "--host", "premiere", str(plan_path), "--link-url", url]) == 1
    assert "Premiere Pro is not reachable" in capsys.readouterr().err


def test_bad_plan_file_is_refused_before_contacting_premiere(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "other"}', encoding="utf-8")
    assert main(["apply", "--host", "premiere", str(bad), "--link-url", "http://127.0.0.1:9"]) == 1
    assert "not a roughcut.hostplan/1 document" in capsys.readouterr().err
    assert main(["apply", "--host", "premiere", str(tmp_path / "missing.json")]) == 1
    assert "plan file not found" in capsys.readouterr().err


def test_the_sent_script_has_its_parts_inlined_and_a_missing_part_is_named(tmp_path):
    from roughcut_core.errors import RoughcutError
    from roughcut_core.install.premiere_link import default_jsx_path, read_jsx

    whole = read_jsx(default_jsx_path())
    assert not re.search(r"^//@include", whole, re.M)
    assert "function rc_parse(" in whole and "function rc_planOps(" in whole and "function roughcut_applyPlan(" in whole
    (tmp_path / "main.jsx").write_text('//@include "part.jsx"\nvar b = a + 1;\n', encoding="utf-8")
    with pytest.raises(RoughcutError, match=r"part\.jsx: cannot read"):
        read_jsx(tmp_path / "main.jsx")
    (tmp_path / "part.jsx").write_text("\ufeffvar a = 1;\n", encoding="utf-8")
    assert read_jsx(tmp_path / "main.jsx") == "var a = 1;\n\nvar b = a + 1;\n"
