"""``from hosts.resolve import apply_plan, read_selected_bin`` from the repository root.

The adapter itself is the stdlib-only package ``roughcut_resolve`` beside this file (what the
installer copies next to the Resolve menu scripts); this re-exports its public API.
"""
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from roughcut_resolve import (  # noqa: E402
    apply_plan, find_resolve, main_feedback, main_generate, read_selected_bin, timeline_to_otio)

__all__ = ["apply_plan", "find_resolve", "main_feedback", "main_generate", "read_selected_bin", "timeline_to_otio"]
