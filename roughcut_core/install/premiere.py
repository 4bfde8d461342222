"""Install / uninstall the roughcut CEP extension for Premiere Pro (HOST_API.md B1).

Where CEP looks for extensions:

- macOS: ``~/Library/Application Support/Adobe/CEP/extensions`` (user) or
  ``/Library/Application Support/Adobe/CEP/extensions`` (system);
- Windows: ``%APPDATA%\\Adobe\\CEP\\extensions`` (user) or
  ``C:\\Program Files (x86)\\Common Files\\Adobe\\CEP\\extensions`` (system).

Premiere Pro does not run on Linux; asking for it there is an error.

An unsigned extension loads only with ``PlayerDebugMode`` = ``1`` for the CEP version of the
host: CSXS.11 (Premiere 15.4–24) and CSXS.12 (Premiere 25+); we set both. macOS keeps it in
the ``com.adobe.CSXS.<n>`` defaults domain, Windows in ``HKCU\\Software\\Adobe\\CSXS.<n>``
(REG_SZ). ``host_config.json`` beside the panel records this environment's ``roughcut``
executable, since GUI apps (Premiere) do not get the shell's PATH. With a certificate, the extension is signed into a ZXP with Adobe's ``ZXPSignCmd``
(on PATH or ``ROUGHCUT_ZXPSIGNCMD``) and installed from it; no debug mode is needed then.

The copy is staged beside the target and renamed into place, so a failed install leaves the
previous one intact. Debug-mode changes touch only the real machine: they are applied only
when ``platform`` is the running OS and no fake ``home`` was given; otherwise they are
reported as ``planned``. Both functions return a dict describing what was (or would be) done.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Optional, Union

from ..errors import RoughcutError
from ..fileio import atomic_write_json

EXTENSION_ID = "com.roughcut.premiere"
CSXS_VERSIONS = ("11", "12")
# what ships: the panel, its scripts and the manifest (never the node test harness)
SHIPPED = ("CSXS", "index.html", "js", "css", "jsx")


def extension_source() -> Path:
    """``hosts/premiere_cep`` of this checkout."""
    return Path(__file__).resolve().parents[2] / "hosts" / "premiere_cep"


def roughcut_executable() -> Optional[str]:
    """The ``roughcut`` command the panel should run (``serve --ensure``): this environment's."""
    beside = Path(sys.executable).parent / ("roughcut.exe" if os.name == "nt" else "roughcut")
    if beside.is_file():
        return str(beside)
    return shutil.which("roughcut")


def _platform(platform: Optional[str]) -> str:
    p = platform or sys.platform
    if p.startswith("win"):
        return "win32"
    if p == "darwin":
        return "darwin"
    raise RoughcutError(f"Premiere Pro runs on macOS and Windows only; cannot install for platform {p!r}")


def extensions_dir(mode: str = "user", home: Optional[Union[str, Path]] = None, platform: Optional[str] = None,
                   env: Optional[dict] = None) -> Path:
    """The CEP extensions folder for ``mode`` ("user" or "system") on ``platform``."""
    if mode not in ("user", "system"):
        raise RoughcutError(f"install mode must be 'user' or 'system', not {mode!r}")
    plat = _platform(platform)
    env = os.environ if env is None else env
    home_dir = Path(home) if home is not None else Path.home()
    if plat == "darwin":
        base = home_dir / "Library" if mode == "user" else Path("/Library")
        return base / "Application Support" / "Adobe" / "CEP" / "extensions"
    if mode == "system":
        return Path("C:/Program Files (x86)/Common Files/Adobe/CEP/extensions")
    appdata = Path(env["APPDATA"]) if home is None and env.get("APPDATA") else home_dir / "AppData" / "Roaming"
    return appdata / "Adobe" / "CEP" / "extensions"


def _is_this_machine(home, plat: str) -> bool:
    return home is None and sys.platform.startswith(plat[:3])


def _debug_actions(plat: str, value: Optional[str]) -> list[dict]:
    actions = []
    for v in CSXS_VERSIONS:
        if plat == "darwin":
            cmd = (["defaults", "write", f"com.adobe.CSXS.{v}", "PlayerDebugMode", value] if value is not None
                   else ["defaults", "delete", f"com.adobe.CSXS.{v}", "PlayerDebugMode"])
            actions.append({"csxs": v, "command": cmd})
        else:
            actions.append({"csxs": v, "registry": f"HKCU\\Software\\Adobe\\CSXS.{v}", "name": "PlayerDebugMode",
                            "value": value})
    return actions


def _apply_debug(action: dict) -> None:
    if "command" in action:
        proc = subprocess.run(action["command"], capture_output=True, text=True)
        if proc.returncode != 0 and action["command"][1] == "write":
            raise RoughcutError(f"{' '.join(action['command'])} failed: {proc.stderr.strip()}")
        return
    import winreg  # only on Windows

    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, f"Software\\Adobe\\CSXS.{action['csxs']}") as key:
        if action["value"] is None:
            try:
                winreg.DeleteValue(key, "PlayerDebugMode")
            except FileNotFoundError:
                pass
        else:
            winreg.SetValueEx(key, "PlayerDebugMode", 0, winreg.REG_SZ, action["value"])


def _stage(source: Path, dest: Path) -> int:
    count = 0
    for name in SHIPPED:
        src = source / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
            count += sum(1 for p in (dest / name).rglob("*") if p.is_file())
        elif src.is_file():
            shutil.copy2(src, dest / name)
            count += 1
        else:
            raise RoughcutError(f"{src}: missing from the extension source")
    return count


def _sign(staged: Path, out: Path, certificate: Path, password: str) -> Path:
    tool = os.environ.get("ROUGHCUT_ZXPSIGNCMD") or shutil.which("ZXPSignCmd")
    if not tool:
        raise RoughcutError("signing needs Adobe's ZXPSignCmd on PATH (or ROUGHCUT_ZXPSIGNCMD)")
    if not certificate.is_file():
        raise RoughcutError(f"{certificate}: certificate not found")
    proc = subprocess.run([tool, "-sign", str(staged), str(out), str(certificate), password],
                          capture_output=True, text=True)
    if proc.returncode != 0 or not out.is_file():
        raise RoughcutError(f"ZXPSignCmd failed to sign the extension: {(proc.stderr or proc.stdout).strip()[:300]}")
    return out


def install_premiere(mode: str = "user", dry_run: bool = False, home: Optional[Union[str, Path]] = None,
                     platform: Optional[str] = None, certificate: Optional[Union[str, Path]] = None,
                     password: str = "", source: Optional[Union[str, Path]] = None,
                     env: Optional[dict] = None) -> dict:
    """Install the CEP extension; returns {target, files, signed, debug_mode: [...], dry_run}."""
    plat = _platform(platform)
    source = Path(source) if source else extension_source()
    target = extensions_dir(mode, home, plat, env) / EXTENSION_ID
    real_machine = _is_this_machine(home, plat)
    debug = [] if certificate else _debug_actions(plat, "1")
    result = {"platform": plat, "mode": mode, "target": str(target), "source": str(source), "dry_run": dry_run,
              "signed": None, "files": 0, "debug_mode": debug, "replaced": target.exists()}
    if not (source / "CSXS" / "manifest.xml").is_file():
        raise RoughcutError(f"{source}: no CSXS/manifest.xml; not the roughcut CEP extension")
    if dry_run:
        for action in debug:
            action["status"] = "planned"
        return result
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".roughcut-install-", dir=target.parent) as tmp:
        staged = Path(tmp) / EXTENSION_ID
        staged.mkdir()
        result["files"] = _stage(source, staged) + 1
        exe = roughcut_executable()
        atomic_write_json(staged / "host_config.json", {"roughcut_exe": exe, "python": sys.executable})
        result["roughcut_exe"] = exe
        if certificate:
            zxp = _sign(staged, Path(tmp) / f"{EXTENSION_ID}.zxp", Path(certificate), password)
            unpacked = Path(tmp) / "unpacked"
            with zipfile.ZipFile(zxp) as zf:
                zf.extractall(unpacked)
            staged = unpacked
            result["signed"] = str(zxp.name)
        old = Path(tmp) / "previous"
        if target.exists():
            target.rename(old)
        try:
            staged.rename(target)
        except OSError:
            if old.exists():
                old.rename(target)
            raise
    for action in debug:
        if real_machine:
            _apply_debug(action)
            action["status"] = "applied"
        else:
            action["status"] = "planned"  # a fake home or another OS: never touch this machine's settings
    return result


def uninstall_premiere(mode: str = "user", dry_run: bool = False, home: Optional[Union[str, Path]] = None,
                       platform: Optional[str] = None, reset_debug_mode: bool = False,
                       env: Optional[dict] = None) -> dict:
    """Remove the extension folder. PlayerDebugMode stays unless ``reset_debug_mode`` (other
    unsigned panels may rely on it)."""
    plat = _platform(platform)
    target = extensions_dir(mode, home, plat, env) / EXTENSION_ID
    debug = _debug_actions(plat, None) if reset_debug_mode else []
    result = {"platform": plat, "mode": mode, "target": str(target), "dry_run": dry_run,
              "removed": False, "present": target.exists(), "debug_mode": debug}
    if dry_run:
        for action in debug:
            action["status"] = "planned"
        return result
    if target.exists():
        shutil.rmtree(target)
        result["removed"] = True
    real_machine = _is_this_machine(home, plat)
    for action in debug:
        if real_machine:
            _apply_debug(action)
            action["status"] = "applied"
        else:
            action["status"] = "planned"
    return result
