"""Install / uninstall the NLE host integrations (``roughcut install resolve``).

Resolve (HOST_API.md A1): menu scripts go to ``<Fusion>/Scripts/Utility/`` (listed on every
page), where ``<Fusion>`` is, per user / system:

- macOS: ``~/Library/Application Support/Blackmagic Design/DaVinci Resolve/Fusion`` /
  ``/Library/Application Support/Blackmagic Design/DaVinci Resolve/Fusion``
- Windows: ``%APPDATA%\\Blackmagic Design\\DaVinci Resolve\\Support\\Fusion`` (no extra
  "Roaming", fixed in 21.1's README) / ``%PROGRAMDATA%\\Blackmagic Design\\DaVinci Resolve\\Fusion``
- Linux: ``~/.local/share/DaVinciResolve/Fusion`` / ``/opt/resolve/Fusion``

Installed files: the two menu scripts and ``roughcut_install.json`` (adapter location, the
command that starts the bridge, the environment it needs) in ``Scripts/Utility``; a Lua note
for Resolve Free 21.1 (which lists only Lua scripts); the stdlib-only adapter package copied
to ``<Fusion>/roughcut/roughcut_resolve`` (outside Scripts, so its modules are not listed as
menu entries); and ``<Fusion>/roughcut/install_manifest.json`` naming every file written.
Every file is written atomically; uninstall removes exactly the files in the manifest (and the
folders it created, when empty), nothing else.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from ..errors import RoughcutError
from ..fileio import atomic_write_bytes, atomic_write_json

HOSTS_DIR = Path(__file__).resolve().parents[2] / "hosts"
MENU_SCRIPTS = ("Generate Rough Cut.py", "Send Rough Cut Feedback.py")
LUA_NOTE = "Rough Cut (Resolve Free - read me).lua"
MANIFEST = "install_manifest.json"
# Environment variables the bridge needs to find the same data as at install time.
RECORDED_ENV = ("ROUGHCUT_BRIDGE_HOME", "ROUGHCUT_CACHE_DIR", "ROUGHCUT_BRIDGE_ALLOW")

_LUA = """-- roughcut: Resolve Free 21.1+ lists only Lua menu scripts, and the roughcut adapter is Python.
-- A Lua script cannot call Resolve's Python, and driving Resolve from outside (external
-- scripting) needs Resolve Studio. On Free 21.1+, make the cut with the command line, export
-- it as FCPXML (or FCP7 XML) and import it: File > Import > Timeline...
print("roughcut: on DaVinci Resolve Free 21.1 and later, Python menu scripts are not available.")
print("roughcut: 1. roughcut cut RUSHES_FOLDER --script SCENE.fountain --out cut.otio")
print("roughcut: 2. roughcut export cut.otio cut.fcpxml   (or cut.xml for FCP7 XML)")
print("roughcut: 3. File > Import > Timeline... and choose cut.fcpxml")
print("roughcut: (Resolve Studio, or Free up to 21.0.x, runs Workspace > Scripts > Generate Rough Cut here.)")
"""


@dataclass(frozen=True)
class InstallPlan:
    """Where an install writes: ``files`` maps each target path to its bytes."""
    host: str
    scope: str
    fusion_dir: Path
    menu_dir: Path
    support_dir: Path
    files: dict = field(default_factory=dict)

    @property
    def manifest_path(self) -> Path:
        return self.support_dir / MANIFEST


def resolve_fusion_dir(scope: str = "user", platform: Optional[str] = None,
                       environ: Optional[Mapping[str, str]] = None, home: Optional[Path] = None) -> Path:
    """Resolve's Fusion folder for ``scope`` ("user" | "system") on ``platform`` (sys.platform)."""
    platform = platform or sys.platform
    environ = os.environ if environ is None else environ
    home = Path(home) if home is not None else Path.home()
    if scope not in ("user", "system"):
        raise ValueError(f"scope must be 'user' or 'system', not {scope!r}")
    if platform == "darwin":
        base = home / "Library" if scope == "user" else Path("/Library")
        return base / "Application Support" / "Blackmagic Design" / "DaVinci Resolve" / "Fusion"
    if platform.startswith("win"):
        if scope == "user":
            appdata = environ.get("APPDATA") or str(home / "AppData" / "Roaming")
            return Path(appdata) / "Blackmagic Design" / "DaVinci Resolve" / "Support" / "Fusion"
        programdata = environ.get("PROGRAMDATA") or "C:\\ProgramData"
        return Path(programdata) / "Blackmagic Design" / "DaVinci Resolve" / "Fusion"
    if scope == "user":
        return home / ".local" / "share" / "DaVinciResolve" / "Fusion"
    return Path("/opt/resolve/Fusion")


def _serve_command() -> list:
    """How Resolve's script starts the bridge: this interpreter running the roughcut CLI."""
    return [sys.executable, "-m", "roughcut_core._cli.main"]


def plan_resolve_install(scope: str = "user", platform: Optional[str] = None,
                         environ: Optional[Mapping[str, str]] = None, home: Optional[Path] = None,
                         fusion_dir: Optional[Path] = None) -> InstallPlan:
    environ = os.environ if environ is None else environ
    fusion = Path(fusion_dir) if fusion_dir else resolve_fusion_dir(scope, platform, environ, home)
    menu, support = fusion / "Scripts" / "Utility", fusion / "roughcut"
    source = HOSTS_DIR / "resolve"
    if not (source / "roughcut_resolve" / "__init__.py").is_file():
        raise RoughcutError(f"the Resolve adapter sources are missing: {source} (reinstall roughcut)")
    files = {}
    for name in MENU_SCRIPTS:
        files[menu / name] = (source / "scripts" / name).read_bytes()
    for module in sorted((source / "roughcut_resolve").glob("*.py")):
        files[support / "roughcut_resolve" / module.name] = module.read_bytes()
    record = {"schema": "roughcut.resolve-install/1", "adapter_dir": str(support),
              "serve_command": _serve_command(), "python": sys.executable, "scope": scope,
              "env": {k: environ[k] for k in RECORDED_ENV if environ.get(k)}}
    files[menu / "roughcut_install.json"] = (json.dumps(record, indent=2) + "\n").encode("utf-8")
    files[menu / LUA_NOTE] = _LUA.encode("utf-8")
    return InstallPlan("resolve", scope, fusion, menu, support, files)


def _created_dirs(paths) -> list:
    """Folders that do not exist yet and an install would create (deepest last)."""
    out = []
    for path in paths:
        for parent in reversed(Path(path).parents):
            if not parent.exists() and parent not in out:
                out.append(parent)
    return out


def install(plan: InstallPlan, dry_run: bool = False) -> list:
    """Write the plan's files (atomically) and the manifest; returns the paths (written or not)."""
    targets = sorted(plan.files)
    if dry_run:
        return targets + [plan.manifest_path]
    previous = read_manifest(plan.manifest_path)
    new_dirs = _created_dirs(targets + [plan.manifest_path])
    try:
        for path in targets:
            atomic_write_bytes(path, plan.files[path])
    except OSError as exc:
        raise RoughcutError(f"cannot write {exc.filename or plan.menu_dir}: {exc.strerror or exc}"
                            + (" (a --system install needs administrator rights)" if plan.scope == "system" else ""))
    dirs = sorted({*(previous or {}).get("dirs", []), *(str(d) for d in new_dirs)}, key=len)
    files = sorted({*(previous or {}).get("files", []), *(str(p) for p in targets)})
    atomic_write_json(plan.manifest_path, {"schema": "roughcut.install-manifest/1", "host": plan.host,
                                           "scope": plan.scope, "files": files + [str(plan.manifest_path)],
                                           "dirs": dirs})
    return targets + [plan.manifest_path]


def read_manifest(path: Path) -> Optional[dict]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("files"), list) else None


def uninstall(plan: InstallPlan, dry_run: bool = False) -> list:
    """Remove exactly the files the manifest names, then the folders we created if empty."""
    manifest = read_manifest(plan.manifest_path)
    if manifest is None:
        return []
    removed = [Path(p) for p in manifest["files"] if Path(p).is_file()]
    if dry_run:
        return removed
    for path in removed:
        if path != plan.manifest_path:
            path.unlink()
    plan.manifest_path.unlink()
    _remove_pycache(plan.support_dir / "roughcut_resolve" / "__pycache__")
    for folder in sorted((Path(d) for d in manifest.get("dirs", [])), key=lambda p: len(p.parts), reverse=True):
        try:
            folder.rmdir()  # only when empty: never removes anything we did not put there
        except OSError:
            pass
    for folder in (plan.support_dir / "roughcut_resolve", plan.support_dir):
        try:
            folder.rmdir()
        except OSError:
            pass
    return removed


def _remove_pycache(folder: Path) -> None:
    """Bytecode Resolve's Python wrote beside our modules (ours, though not in the manifest)."""
    cache = folder
    if cache.is_dir():
        for pyc in cache.glob("*.pyc"):
            if pyc.name.split(".")[0] in {p.stem for p in (HOSTS_DIR / "resolve" / "roughcut_resolve").glob("*.py")}:
                pyc.unlink()
        try:
            cache.rmdir()
        except OSError:
            pass
