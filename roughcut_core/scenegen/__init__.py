"""Scene generator (issue 13): two-hander scenes unlike the demo, with exact ground truth.

Real faces (GRID talking heads from ``../shared/media/video_faces_speaking`` and the demo's
public-domain portraits), espeak-ng voice variants, frame rates from 23.976 to 50, a wide
two-shot plus a single per actor, several takes, injected defects (flub, restart, dropped and
added words, truncation by the camera, noise over words) and off-camera readings.

Public API: ``build_scene(out_dir, seed, small=False) -> GeneratedScene``, ``load_truth(path)``,
``plan_scene(seed, small=False)``; CLI ``roughcut scene-gen OUT --seed N [--small]``.
"""
from __future__ import annotations

from .build import TRUTH_SCHEMA, GeneratedScene, build_scene, load_truth
from .plan import plan_scene

__all__ = ["TRUTH_SCHEMA", "GeneratedScene", "build_scene", "load_truth", "plan_scene"]
