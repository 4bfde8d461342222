"""Picture stage (issue 5): faces, face tracks, active speaker, shot description and boundaries.

Public API (the edit engine calls only these):

- ``PictureOptions`` / ``PictureAnalysis`` — options and the per-file result (recorded options in
  ``analysis.analyzer``).
- ``PictureAnalyzer(options, cache).analyze(path, asset=None, speech_activity=None)`` — one
  streamed decode pass; ``MediaError`` for audio-only or undecodable files.
- ``assign_speaking(analysis, speech_intervals)`` — ``FaceBox.speaking`` from mouth motion.
- ``cluster_identities(analyses)`` -> {(path, track): "face-N"} across the bin;
  ``name_identities(identities, analyses, readings)`` -> {"face-N": character}.
- ``bind_cast(analyses, readings)`` -> ``CastBinding`` (issue 13: people linked across setups by
  dlib faceprints, named jointly from who speaks when x whose mouth moves, with confidences;
  the pipeline uses this) and ``reading_signals(readings, analyses, binding, words)`` (on/off
  camera per reading); see ``cast``. ``cluster_identities``/``name_identities`` are the older
  single-bin heuristics, kept for ``bench picture``.
- ``iter_sampled_frames(path, sample_fps, max_width=640)`` and ``extract_thumbnail(path, t, width)``.

Faces: BlazeFace (full-range by default) run with ai-edge-litert, see ``detector``; the
MediaPipe Tasks API cannot load the pip-shipped models (no NormalizationOptions metadata, and
its metadata writer is not usable in mediapipe 1.2.3's wheel). Importing this package imports no
model runtime, OpenCV or mediapipe; they load on first analysis.
"""
from __future__ import annotations

from .analyzer import PictureAnalysis, PictureAnalyzer, PictureOptions, assign_speaking
from .cast import CastBinding, bind_cast, reading_signals
from .decode import extract_thumbnail, iter_sampled_frames
from .describe import shot_size_for
from .identities import cluster_identities, name_identities

__all__ = [
    "CastBinding", "PictureAnalysis", "PictureAnalyzer", "PictureOptions", "assign_speaking", "bind_cast",
    "cluster_identities", "reading_signals",
    "extract_thumbnail", "iter_sampled_frames", "name_identities", "shot_size_for",
]
