"""Speech activity with the Silero VAD bundled in faster-whisper (ONNX, offline).

``vad_regions(audio16k, offset)`` gives (start, end) seconds of speech in a 16 kHz mono block;
``speech_regions(path)`` streams a whole file block by block (memory bounded by one block)
and merges regions that touch across block edges.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

VAD_THRESHOLD = 0.4


def vad_regions(audio16k: np.ndarray, offset: float = 0.0, *, threshold: float = VAD_THRESHOLD,
                min_silence_ms: int = 500, pad_ms: int = 60, min_speech_ms: int = 200) -> list[tuple[float, float]]:
    from .asr_model import passive_openmp

    passive_openmp()  # importing faster_whisper loads CTranslate2's OpenMP runtime
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    opts = VadOptions(threshold=threshold, min_silence_duration_ms=min_silence_ms, speech_pad_ms=pad_ms,
                      min_speech_duration_ms=min_speech_ms)
    return [(offset + s["start"] / 16000.0, offset + s["end"] / 16000.0)
            for s in get_speech_timestamps(audio16k, opts)]


def _merge(regions: Sequence[tuple[float, float]], gap: float = 0.05) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(regions):
        if out and a - out[-1][1] <= gap:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def speech_regions(path, block_seconds: float = 60.0) -> list[tuple[float, float]]:
    """Speech (start, end) seconds from the file start; MediaError for files without sound."""
    from .audio_io import iter_audio_blocks

    regions: list[tuple[float, float]] = []
    for t0, block in iter_audio_blocks(path, 16000, block_seconds):
        regions.extend(vad_regions(block, t0))
    return _merge(regions)
