"""install_premiere / uninstall_premiere with a fake home and platform (never this machine's settings)."""
from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from roughcut_core.errors import RoughcutError
from roughcut_core.install.premiere import (EXTENSION_ID, extensions_dir, install_premiere,
                                                  uninstall_premiere)


def test_per_os_folders(tmp_path):
    assert extensions_dir("user", tmp_path, "darwin") == tmp_path / "Library/Application Support/Adobe/CEP/extensions"
    assert extensions_dir("system", tmp_path, "darwin") == Path("/Library/Application Support/Adobe/CEP/extensions")
    assert extensions_dir("user", tmp_path, "win32") == tmp_path / "AppData/Roaming/Adobe/CEP/extensions"
    assert extensions_dir("user", None, "win32", env={"APPDATA": "D:/Users/ed/AppData/Roaming"}) == \
        Path("D:/Users/ed/AppData/Roaming/Adobe/CEP/extensions")
    assert extensions_dir("system", tmp_path, "win32") == Path("C:/Program Files (x86)/Common Files/Adobe/CEP/extensions")
    with pytest.raises(RoughcutError, match="macOS and Windows only"):
        extensions_dir("user", tmp_path, "linux")
    with pytest.raises(RoughcutError, match="'user' or 'system'"):
        extensions_dir("everyone", tmp_path, "darwin")


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_unsigned_install_copies_the_panel_and_plans_debug_mode(tmp_path, platform):
    r = install_premiere(home=tmp_path, platform=platform)
    target = Path(r["target"])
    assert target.name == EXTENSION_ID
    for rel in ("CSXS/manifest.xml", "index.html", "js/panel.js", "js/host.js", "js/bridge_client.js",
                "css/panel.css", "jsx/roughcut.jsx", "jsx/roughcut_json.jsx", "jsx/roughcut_plan.jsx"):
        assert (target / rel).is_file(), rel
    assert not (target / "test").exists()  # the node test harness never ships
    config = json.loads((target / "host_config.json").read_text())
    assert config["python"] == sys.executable and config["roughcut_exe"] == r["roughcut_exe"]
    if config["roughcut_exe"]:
        assert Path(config["roughcut_exe"]).name.startswith("roughcut")
    assert r["files"] == sum(1 for p in target.rglob("*") if p.is_file())
    assert [a["csxs"] for a in r["debug_mode"]] == ["11", "12"]
    assert all(a["status"] == "planned" for a in r["debug_mode"])  # fake home: this machine untouched
    if platform == "darwin":
        assert r["debug_mode"][1]["command"] == ["defaults", "write", "com.adobe.CSXS.12", "PlayerDebugMode", "1"]
    else:
        assert r["debug_mode"][0]["registry"] == "HKCU\\Software\\Adobe\\CSXS.11" and r["debug_mode"][0]["value"] == "1"
    # no temporary staging folders left beside the extension
    assert sorted(p.name for p in target.parent.iterdir()) == [EXTENSION_ID]


def test_reinstall_replaces_and_uninstall_removes(tmp_path):
    first = install_premiere(home=tmp_path, platform="darwin")
    stale = Path(first["target"]) / "stale.txt"
    stale.write_text("old")
    second = install_premiere(home=tmp_path, platform="darwin")
    assert second["replaced"] is True and not stale.exists()
    dry = uninstall_premiere(home=tmp_path, platform="darwin", dry_run=True)
    assert dry["present"] is True and dry["removed"] is False and Path(dry["target"]).exists()
    gone = uninstall_premiere(home=tmp_path, platform="darwin", reset_debug_mode=True)
    assert gone["removed"] is True and not Path(gone["target"]).exists()
    assert gone["debug_mode"][0]["command"][:2] == ["defaults", "delete"]
    assert uninstall_premiere(home=tmp_path, platform="darwin")["removed"] is False


def test_dry_run_writes_nothing(tmp_path):
    r = install_premiere(home=tmp_path, platform="win32", dry_run=True)
    assert r["dry_run"] is True and not Path(r["target"]).exists() and not any(tmp_path.iterdir())


def test_signed_install_uses_zxpsigncmd(tmp_path, monkeypatch):
    # a stand-in for Adobe's ZXPSignCmd that zips the folder: this checks how we call it and
    # that the installed files come from the signed package
    tool = tmp_path / "ZXPSignCmd"
    tool.write_text(f"""#!{sys.executable}
import sys, zipfile, pathlib
if sys.argv[1] != "-sign":
    sys.exit(3)
src, out = pathlib.Path(sys.argv[2]), sys.argv[3]
with zipfile.ZipFile(out, "w") as zf:
    for p in src.rglob("*"):
        zf.write(p, p.relative_to(src))
pathlib.Path(out + ".args").write_text(" ".join(sys.argv[4:]))
""")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    cert = tmp_path / "cert.p12"
    cert.write_bytes(b"not really a certificate")
    monkeypatch.setenv("ROUGHCUT_ZXPSIGNCMD", str(tool))
    home = tmp_path / "home"
    r = install_premiere(home=home, platform="darwin", certificate=cert, password="s3cret")
    assert r["signed"] == f"{EXTENSION_ID}.zxp" and r["debug_mode"] == []
    assert (Path(r["target"]) / "jsx" / "roughcut.jsx").is_file()
    monkeypatch.setenv("ROUGHCUT_ZXPSIGNCMD", str(tmp_path / "missing-tool"))
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("ROUGHCUT_ZXPSIGNCMD")
    with pytest.raises(RoughcutError, match="ZXPSignCmd"):
        install_premiere(home=home, platform="darwin", certificate=cert, password="x")
    assert (Path(r["target"]) / "jsx" / "roughcut.jsx").is_file()  # the failed install left the old one


def test_not_an_extension_source(tmp_path):
    with pytest.raises(RoughcutError, match="no CSXS/manifest.xml"):
        install_premiere(home=tmp_path, platform="darwin", source=tmp_path / "empty")



def test_uxp_package_is_a_ccx_with_the_manifest_at_its_root(tmp_path):
    import zipfile

    from roughcut_core.install.premiere_uxp import package_uxp

    r = package_uxp(tmp_path / "out")
    ccx = Path(r["package"])
    assert ccx.name == "com.roughcut.premiere.uxp.ccx" and r["min_version"] == "25.6.0"
    with zipfile.ZipFile(ccx) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
    assert {"manifest.json", "index.html", "main.js", "apply_uxp.js", "plan_ops.js", "readback_uxp.js",
            "read_bin_uxp.js", "panel_flow.js"} <= names
    assert not any("test" in n or n.startswith(".") for n in names)
    assert manifest["host"]["app"] == "premierepro"
    assert any("UXP Developer Tool" in s for s in r["steps"])
    assert sorted(p.name for p in ccx.parent.iterdir()) == [ccx.name]  # no temp files left


def test_uxp_package_refuses_a_folder_that_is_not_the_plugin(tmp_path):
    from roughcut_core.install.premiere_uxp import package_uxp

    with pytest.raises(RoughcutError, match="manifest.json: not found"):
        package_uxp(tmp_path / "out", source=tmp_path)
    (tmp_path / "manifest.json").write_text('{"id": "x", "host": {"app": "photoshop"}}')
    with pytest.raises(RoughcutError, match="not a Premiere Pro UXP manifest"):
        package_uxp(tmp_path / "out", source=tmp_path)
