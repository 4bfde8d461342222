"""Speech stage: streamed audio decoding, whisper transcription with refined word boundaries,
plus speakers (diarization) and spoken slates.

Public API (heavy libraries load only when a model is first used):

- :class:`AsrOptions`, :class:`SpeechTranscriber` (one lazily loaded model, reused, cached
  results), :func:`transcribe` (one-off), :class:`SpeechResult` (transcript + raw whisper times
  + step timings, from ``SpeechTranscriber.transcribe_detailed``).
- :func:`decode_audio`, :func:`iter_audio_blocks`: PyAV decoding to float32, chunked.
- :func:`refine_word_boundaries`, :class:`RefineOptions`: snap word edges to the audio.
- :func:`diarize`, :class:`SpeakerTurn`, :func:`diarization_error_rate`, :func:`read_rttm`
  (``diarize.py``) and :func:`detect_slates`, :class:`Slate` (``slate.py``).
"""
from __future__ import annotations

from .audio_io import decode_audio, iter_audio_blocks
from .diarize import SpeakerTurn, diarization_error_rate, diarize, read_rttm
from .refine import RefineOptions, refine_word_boundaries
from .slate import Slate, detect_slates
from .transcribe import AsrOptions, SpeechResult, SpeechTranscriber, transcribe

__all__ = [
    "AsrOptions", "RefineOptions", "Slate", "SpeakerTurn", "SpeechResult", "SpeechTranscriber",
    "decode_audio", "detect_slates", "diarization_error_rate", "diarize", "iter_audio_blocks",
    "read_rttm", "refine_word_boundaries", "transcribe",
]
