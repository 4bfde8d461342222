"""Package the roughcut UXP panel (hosts/premiere_uxp, Premiere Pro 25.6+) as a ``.ccx``.

UXP plugins have no folder to copy into (unlike CEP, see install/premiere.py): Adobe
installs them from a ``.ccx`` package (a zip of the plugin folder with ``manifest.json`` at its
root) through Creative Cloud's plugin installer, or loads them unpacked from the UXP Developer
Tool (**Add Plugin…** → ``manifest.json`` → **Load**). So this writes the package and returns
the steps the editor takes; the install itself stays manual. Tests, node_modules and dot files
never ship. Returns ``{package, files, plugin_id, min_version, steps}``.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Optional, Union

from ..errors import RoughcutError
from ..fileio import atomic_output

SHIPPED_SUFFIXES = (".js", ".json", ".html", ".css", ".png", ".svg")


def uxp_source() -> Path:
    """``hosts/premiere_uxp`` of this checkout."""
    return Path(__file__).resolve().parents[2] / "hosts" / "premiere_uxp"


def package_uxp(out_dir: Union[str, Path], source: Optional[Union[str, Path]] = None) -> dict:
    """Write ``<id>.ccx`` into ``out_dir`` from the UXP plugin folder ``source``."""
    src = Path(source) if source else uxp_source()
    manifest_path = src / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RoughcutError(f"{manifest_path}: not found; not the roughcut UXP plugin") from None
    except json.JSONDecodeError as e:
        raise RoughcutError(f"{manifest_path}: not valid JSON ({e})") from None
    host = manifest.get("host") or {}
    if host.get("app") != "premierepro" or not manifest.get("id"):
        raise RoughcutError(f"{manifest_path}: not a Premiere Pro UXP manifest (host.app must be 'premierepro' and id set)")
    files = sorted(p for p in src.iterdir() if p.is_file() and p.suffix in SHIPPED_SUFFIXES and not p.name.startswith("."))
    out = Path(out_dir) / f"{manifest['id']}.ccx"
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(out) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for p in files:
                zf.write(p, p.name)
    return {"package": str(out), "files": [p.name for p in files], "plugin_id": manifest["id"],
            "min_version": host.get("minVersion"),
            "steps": [f"Double-click {out.name} (Creative Cloud installs the plugin), or in the UXP Developer Tool: "
                      f"Add Plugin… → {src / 'manifest.json'} → Load.",
                      "In Premiere Pro 25.6 or later: Window › UXP Plugins › roughcut.",
                      "Start the bridge yourself first (`roughcut serve`): a UXP panel cannot start programs."]}
