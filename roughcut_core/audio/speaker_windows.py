"""Speaker embeddings of short windows over speech, for diarization.

Contract: ``WindowEmbedder(backend)`` with backend ``"resemblyzer"`` (the pretrained GE2E voice
encoder run in numpy, see ``voice_encoder.py``; the default when its weights are installed) or
``"mfcc"`` (mean and standard deviation of MFCC 1..19, a classical fallback that needs no
model). ``embedder.embed_chunk(audio16k, start_frame, regions)`` takes one chunk of 16 kHz mono
audio whose first sample is at 10 ms frame ``start_frame`` of the file and speech regions in
absolute frames, and returns ``(embeddings, spans)``: one row per window and the absolute
[start, end) frames of speech that window speaks for. Windows are ``WINDOW_FRAMES`` long every
``STEP_FRAMES`` inside each region; a region shorter than a window is embedded from a window
centred on it (the extra context is mostly silence, which the encoder tolerates).
"""
from __future__ import annotations

from typing import Optional

import numpy as np

FRAME_S = 0.01
WINDOW_FRAMES = 160  # 1.6 s, the encoder's training partial length
STEP_FRAMES = 40
MIN_REGION_FRAMES = 25
TARGET_DBFS = -30.0
BATCH = 128


def available_backend() -> str:
    from .voice_encoder import default_weights_path

    return "resemblyzer" if default_weights_path() is not None else "mfcc"


class WindowEmbedder:
    """Embeds speech windows with one backend; holds the loaded model (load once, reuse)."""

    def __init__(self, backend: Optional[str] = None):
        self.backend = backend or available_backend()
        if self.backend not in ("resemblyzer", "mfcc"):
            raise ValueError(f"unknown speaker embedding backend {self.backend!r}")
        self._encoder = None
        if self.backend == "resemblyzer":
            from .voice_encoder import VoiceEncoder

            self._encoder = VoiceEncoder.load()

    def _windows(self, n_frames: int, start_frame: int, regions) -> list[tuple[int, int, int, int]]:
        """(feature start, feature end, span start, span end) per window, feature idx local."""
        out = []
        for a, b in regions:
            la, lb = max(0, a - start_frame), min(n_frames, b - start_frame)
            if lb - la < MIN_REGION_FRAMES:
                continue
            if lb - la <= WINDOW_FRAMES:
                mid = (la + lb) // 2
                fs = min(max(0, mid - WINDOW_FRAMES // 2), max(0, n_frames - WINDOW_FRAMES))
                out.append((fs, min(n_frames, fs + WINDOW_FRAMES), la, lb))
                continue
            starts = list(range(la, lb - WINDOW_FRAMES + 1, STEP_FRAMES))
            if starts[-1] + WINDOW_FRAMES < lb:
                starts.append(lb - WINDOW_FRAMES)
            for s in starts:
                out.append((s, s + WINDOW_FRAMES, s, s + WINDOW_FRAMES))
        return out

    def embed_chunk(self, audio: np.ndarray, start_frame: int, regions) -> tuple[np.ndarray, list]:
        if self.backend == "resemblyzer":
            return self._embed_resemblyzer(audio, start_frame, regions)
        return self._embed_mfcc(audio, start_frame, regions)

    def _embed_resemblyzer(self, audio, start_frame, regions):
        from .voice_encoder import mel_frames

        speech = _speech_samples(audio, start_frame, regions)
        if len(speech):
            # the encoder was trained on audio raised to -30 dBFS (never lowered)
            rms_db = 10.0 * np.log10(max(float(np.mean(speech.astype(np.float64) ** 2)), 1e-12))
            audio = audio * (10.0 ** (max(0.0, TARGET_DBFS - rms_db) / 20.0))
        mels = mel_frames(audio)
        wins = self._windows(len(mels), start_frame, regions)
        if not wins:
            return np.zeros((0, 256), np.float32), []
        parts = np.zeros((len(wins), WINDOW_FRAMES, mels.shape[1]), np.float32)
        for i, (fs, fe, _, _) in enumerate(wins):
            parts[i, :fe - fs] = mels[fs:fe]
        embs = np.concatenate([self._encoder.embed(parts[i:i + BATCH])
                               for i in range(0, len(parts), BATCH)])
        spans = [(sa + start_frame, sb + start_frame) for _, _, sa, sb in wins]
        return embs, spans

    def _embed_mfcc(self, audio, start_frame, regions):
        from .features import mfcc

        feats = mfcc(audio, 16000, n_mfcc=20)[:, 1:]
        wins = self._windows(len(feats), start_frame, regions)
        embs = [np.concatenate([feats[fs:fe].mean(axis=0), feats[fs:fe].std(axis=0)]) for fs, fe, _, _ in wins]
        spans = [(sa + start_frame, sb + start_frame) for _, _, sa, sb in wins]
        return (np.asarray(embs, np.float32) if embs else np.zeros((0, 38), np.float32)), spans


def _speech_samples(audio: np.ndarray, start_frame: int, regions) -> np.ndarray:
    hop = int(FRAME_S * 16000)
    parts = [audio[max(0, (a - start_frame) * hop):max(0, (b - start_frame) * hop)] for a, b in regions]
    parts = [p for p in parts if len(p)]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)
