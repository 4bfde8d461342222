"""The built-in sample scene: a deterministic, fully known benchmark and test fixture.

``build_demo_scene(out_dir, seed=0)`` writes a short original two-character dialogue
(``scene.fountain``), three camera setups (WIDE, CU_ALICE, CU_BOB) with 2-3 continuous takes
each (``media/<SETUP>_T<n>.mp4``, H.264/AAC at 24000/1001, under 30 s) and
``ground_truth.json``: for every take and line, the reading's time range, exact word timings
(the true speech boundaries: words are synthesised one by one with espeak-ng and placed on
the timeline), whether it is acceptable or which defect it has (flub, restart, noise,
truncated, soft_focus), dropped and unrecorded lines, and which characters each setup shows
with their face boxes. Faces are real public-domain photographs from installed wheels.
Seed 0 is the built-in scene; other seeds change the dialogue and the defect placement.
``load_ground_truth(path)`` reads the truth back (checking its schema).
"""
from __future__ import annotations

from .build import DemoScene, TRUTH_SCHEMA, build_demo_scene, load_ground_truth

__all__ = ["DemoScene", "TRUTH_SCHEMA", "build_demo_scene", "load_ground_truth"]
