"""Which Resolve is this, and can roughcut's Python flow run in it?

Contract: :func:`detect` reads the product name, version and edition with getters only and
returns ``{"product", "version" (tuple, () when unknown), "version_text", "studio" (True/False,
None when unknown), "python_menu" (bool), "path" ("scripts" | "import")}``.

Facts (HOST_API.md A1): ``IsStudio()`` exists from 21.1 on (older builds do not have it, so it
is not called there: the product name says "Studio" instead); menu/console Python worked on
Free through 21.0.x; from 21.1, Free lists only Lua scripts, so the Python flow cannot run and
the editor makes the cut outside Resolve and imports it (:data:`IMPORT_PATH_HELP`). External
scripting (``scriptapp``) is Studio-only, so a ``None`` resolve object on Free points there too.
"""
from typing import Any, Dict

from .api import Resolve

FREE_WITHOUT_PYTHON = (21, 1)

IMPORT_PATH_HELP = (
    "DaVinci Resolve Free 21.1 and later run no Python scripts (only Lua), so roughcut cannot build "
    "the timeline inside Resolve. Make the cut outside and import it: "
    "roughcut cut RUSHES_FOLDER --script SCENE.fountain --out cut.otio, then "
    "roughcut export cut.otio cut.fcpxml (or cut.xml for FCP7 XML), then in Resolve "
    "File > Import > Timeline... and choose that file. Resolve Studio, or Free up to 21.0.x, "
    "runs Workspace > Scripts > Generate Rough Cut directly.")

UNREACHABLE_HELP = (
    "DaVinci Resolve is not reachable from this script. Run it from Workspace > Scripts inside "
    "Resolve (driving Resolve from outside needs Studio with Preferences > System > General > "
    "External scripting using: Local). " + IMPORT_PATH_HELP)


def detect(resolve: Any) -> Dict[str, Any]:
    """Edition, version and the path roughcut takes in this Resolve (see the module docstring)."""
    rv = resolve if isinstance(resolve, Resolve) else Resolve(resolve)
    version = rv.version()
    product = rv.product_name()
    studio = rv.is_studio()
    python_menu = studio is not False or not version or version[:2] < FREE_WITHOUT_PYTHON
    return {"product": product or "DaVinci Resolve", "version": version,
            "version_text": ".".join(str(v) for v in version) or "unknown version",
            "studio": studio, "python_menu": python_menu, "path": "scripts" if python_menu else "import"}


def describe(info: Dict[str, Any]) -> str:
    edition = {True: "Studio", False: "Free", None: "edition unknown"}[info["studio"]]
    return "%s %s (%s)" % (info["product"], info["version_text"], edition)
