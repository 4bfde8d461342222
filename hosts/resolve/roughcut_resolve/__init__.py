"""roughcut's DaVinci Resolve adapter: stdlib only, Python 3.6+ syntax and library, no roughcut imports.

Public API (the resolve object is always an argument, so tests can pass a fake):
- ``read_selected_bin(resolve) -> list[dict]``: media clips of the current bin (getters only).
- ``apply_plan(resolve, plan) -> dict``: a ``roughcut.hostplan/1`` as ONE new timeline, verified.
- ``main_generate(resolve, install=None, ui=None, ...)`` / ``main_feedback(resolve, ...)``: the
  two menu flows. ``find_resolve(globals())`` locates the resolve object in a menu script.
- ``timeline_to_otio(Timeline(raw))``: read-back for learning.
"""
from .api import Resolve
from .bin_read import read_selected_bin
from .errors import ResolveFlowError
from .flow import find_resolve, load_install, main_feedback, main_generate
from .plan_apply import apply_plan
from .readback import timeline_to_otio

__all__ = ["Resolve", "ResolveFlowError", "apply_plan", "find_resolve", "load_install", "main_feedback",
           "main_generate", "read_selected_bin", "timeline_to_otio"]
__version__ = "0.1.0"
