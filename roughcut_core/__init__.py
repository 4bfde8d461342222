"""roughcut core: host-neutral rough-cut library (ingest, analysis, alignment, edit, output).

Importing this package stays light: torch, faster-whisper, mediapipe and OpenCV are imported
only inside the analyzers that need them.
"""
from __future__ import annotations

from .errors import MediaError, RoughcutError, SchemaError, ScriptError
from .model import (
    Alternate,
    AnalyzerInfo,
    AudioStream,
    Cut,
    EditDecision,
    FaceBox,
    FaceTrack,
    LineReading,
    Marker,
    MediaAsset,
    QualityFlag,
    Scene,
    Script,
    ScriptLine,
    Shot,
    Take,
    Transcript,
    Word,
)
from .timebase import (
    Rate,
    frames_to_seconds,
    frames_to_timecode,
    seconds_to_frames,
    timecode_to_frames,
)

__version__ = "0.1.0"

__all__ = [
    "Alternate", "AnalyzerInfo", "AudioStream", "Cut", "EditDecision", "FaceBox", "FaceTrack",
    "LineReading", "Marker", "MediaAsset", "MediaError", "QualityFlag", "Rate", "RoughcutError",
    "Scene", "SchemaError", "Script", "ScriptError", "ScriptLine", "Shot", "Take", "Transcript",
    "Word", "frames_to_seconds", "frames_to_timecode", "seconds_to_frames",
    "timecode_to_frames", "__version__",
]
