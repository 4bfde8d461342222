"""Resolve menu script (Workspace > Scripts): send the edited rough-cut timeline back to roughcut (feedback).

Thin on purpose: find the roughcut adapter (copied beside this script as roughcut_resolve/,
or named by roughcut_install.json), find the resolve object, hand over to the adapter.
"""
import json
import os
import sys


def _here():
    try:
        return os.path.dirname(os.path.abspath(__file__))
    except NameError:  # some Resolve versions run menu scripts without __file__
        return os.getcwd()


def _adapter(here):
    try:
        with open(os.path.join(here, "roughcut_install.json")) as fh:
            extra = json.load(fh).get("adapter_dir")
    except (OSError, ValueError):
        extra = None
    for folder in (here, extra):
        if folder and os.path.isdir(os.path.join(folder, "roughcut_resolve")) and folder not in sys.path:
            sys.path.insert(0, folder)
    import roughcut_resolve
    return roughcut_resolve


def run(namespace):
    here = _here()
    rc = _adapter(here)
    resolve_obj = rc.find_resolve(namespace)
    ui = None
    fusion_obj, bmd_obj = namespace.get("fusion"), namespace.get("bmd")
    if fusion_obj is not None and bmd_obj is not None:
        ui = rc.ui.ResolveUI(fusion_obj, bmd_obj)
    return rc.main_feedback(resolve_obj, install=rc.load_install(here), ui=ui)


if __name__ == "__main__" or "resolve" in globals():
    run(globals())
