"""`roughcut install resolve` / `uninstall resolve`: per-OS folders, dry run, atomic install
with a manifest, the installed menu script really runs the installed adapter, and uninstall
removes only what was installed."""
from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import pytest

from roughcut_core._cli.main import main as cli
from roughcut_core.install.resolve import plan_resolve_install, resolve_fusion_dir

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("platform,scope,env,expected", [
    ("darwin", "user", {}, "{home}/Library/Application Support/Blackmagic Design/DaVinci Resolve/Fusion"),
    ("darwin", "system", {}, "/Library/Application Support/Blackmagic Design/DaVinci Resolve/Fusion"),
    ("win32", "user", {"APPDATA": "C:/Users/u/AppData/Roaming"},
     "C:/Users/u/AppData/Roaming/Blackmagic Design/DaVinci Resolve/Support/Fusion"),
    ("win32", "system", {"PROGRAMDATA": "C:/ProgramData"}, "C:/ProgramData/Blackmagic Design/DaVinci Resolve/Fusion"),
    ("linux", "user", {}, "{home}/.local/share/DaVinciResolve/Fusion"),
    ("linux", "system", {}, "/opt/resolve/Fusion"),
])
def test_fusion_dirs_per_os(platform, scope, env, expected, tmp_path):
    got = resolve_fusion_dir(scope, platform=platform, environ=env, home=tmp_path)
    assert got.as_posix() == expected.format(home=tmp_path.as_posix())
    plan = plan_resolve_install(scope, platform=platform, environ=env, home=tmp_path)
    assert plan.menu_dir == got / "Scripts" / "Utility" and plan.support_dir == got / "roughcut"
    names = {p.name for p in plan.files}
    assert {"Generate Rough Cut.py", "Send Rough Cut Feedback.py", "roughcut_install.json", "api.py",
            "Rough Cut (Resolve Free - read me).lua"} <= names


def test_dry_run_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    assert cli(["install", "resolve", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would write" in out and "Generate Rough Cut.py" in out and not any(tmp_path.iterdir())
    # Premiere exists only on macOS and Windows: a clear refusal on Linux.
    assert cli(["install", "premiere", "--dry-run"]) == 1 and "macOS and Windows" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
    assert cli(["uninstall", "resolve"]) == 0 and "nothing to remove" in capsys.readouterr().out


def test_install_runs_then_uninstall_removes_only_ours(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ROUGHCUT_BRIDGE_HOME", str(tmp_path / "bh"))
    monkeypatch.setattr(sys, "platform", "linux")
    fusion = tmp_path / ".local" / "share" / "DaVinciResolve" / "Fusion"
    menu = fusion / "Scripts" / "Utility"
    menu.mkdir(parents=True)
    (menu / "Someone Else.py").write_text("print('not ours')\n")
    assert cli(["install", "resolve", "--user"]) == 0
    record = json.loads((menu / "roughcut_install.json").read_text())
    assert record["adapter_dir"] == str(fusion / "roughcut")
    assert record["serve_command"] == [sys.executable, "-m", "roughcut_core._cli.main"]
    assert record["env"] == {"ROUGHCUT_BRIDGE_HOME": str(tmp_path / "bh")}
    assert (fusion / "roughcut" / "roughcut_resolve" / "plan_apply.py").read_bytes() == \
        (REPO / "hosts" / "resolve" / "roughcut_resolve" / "plan_apply.py").read_bytes()
    assert not list(menu.glob("*.tmp")) and not list(menu.glob(".*"))
    manifest = json.loads((fusion / "roughcut" / "install_manifest.json").read_text())
    assert str(menu / "Generate Rough Cut.py") in manifest["files"]
    assert str(menu / "Someone Else.py") not in manifest["files"]

    # the installed menu script finds the installed adapter and reports a missing Resolve clearly
    for mod in [m for m in sys.modules if m == "roughcut_resolve" or m.startswith("roughcut_resolve.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if "hosts" not in p])
    ns = runpy.run_path(str(menu / "Generate Rough Cut.py"), run_name="not_main")
    result = ns["run"]({})
    assert result["ok"] is False and "not reachable" in result["error"]
    assert sys.modules["roughcut_resolve"].__file__.startswith(str(fusion / "roughcut"))
    assert "DaVinci Resolve is not reachable" in capsys.readouterr().out

    assert cli(["install", "resolve"]) == 0  # reinstall over the top keeps one manifest
    assert cli(["uninstall", "resolve", "--dry-run"]) == 0 and (menu / "Generate Rough Cut.py").exists()
    assert cli(["uninstall", "resolve"]) == 0
    assert sorted(p.name for p in menu.iterdir()) == ["Someone Else.py"]
    assert not (fusion / "roughcut").exists()
