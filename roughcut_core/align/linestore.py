"""The whole-line cost's encoder frames, kept on disk across runs (``linecost.Frames``).

A scene computed again (the script edited, a take added, an option changed) encoded the same
30 s windows of the same unchanged files again: on the demo's cold cut its 6 windows were
13 s of the 17 s scene pass (profiled, load 5-9), for 12 stretches of a few seconds. A stretch's
frames depend only on its window's samples, where it lies in the window and the encoder, so
they are kept under those: only the stretches a scene compared (a whole window would be about
4x the bytes on the demo, 15 MB against a 2.4 MB cache).

Contract:
- ``WindowStore(cache, encoder_id)``: ``cache`` an ``AnalysisCache`` (None, or one that is
  disabled: nothing is kept); ``encoder_id`` names the weights and how they ran (model identity,
  device, compute type); the faster-whisper and CTranslate2 versions are added to the key.
- ``get(samples, span)``: the frames stored for rows ``span`` = (a, b) of the window of exactly
  these samples (float32 16 kHz mono, the whole window as ``Frames`` encodes it), bit for bit
  as they were encoded; None when absent, or when the entry is not a well-formed one (then it
  is encoded and written again).
- ``put(samples, span, frames)``: stores those 2-D float32 frames (raw bytes, base64 in the
  JSON entry: about 1.3 MB per 10 s of stretch for ``tiny.en``).
"""
from __future__ import annotations

import base64
import hashlib
import logging
from typing import Any, Optional

import numpy as np

log = logging.getLogger(__name__)
ANALYZER = "align.line_frames"
VERSION = "1"


def _versions() -> dict:
    out = {}
    for mod in ("faster_whisper", "ctranslate2"):
        try:
            out[mod] = __import__(mod).__version__
        except Exception:   # not installed: the frames cannot have come from it either
            out[mod] = None
    return out


class WindowStore:
    """Encoder frames of stretches of 30 s windows, keyed by the window's samples and the
    stretch's rows (see module contract)."""

    def __init__(self, cache: Any, encoder_id: str):
        self.cache = cache if cache is not None and getattr(cache, "enabled", False) else None
        self.params = {"encoder": encoder_id, **_versions()}

    @staticmethod
    def _key(samples: np.ndarray) -> str:
        x = np.ascontiguousarray(samples, dtype=np.float32)
        return f"pcm16k:{len(x)}:" + hashlib.blake2b(x.tobytes(), digest_size=20).hexdigest()

    def _params(self, span: tuple[int, int]) -> dict:
        return {**self.params, "rows": [int(span[0]), int(span[1])]}

    def get(self, samples: np.ndarray, span: tuple[int, int]) -> Optional[np.ndarray]:
        if self.cache is None:
            return None
        value = self.cache.get(self._key(samples), ANALYZER, VERSION, self._params(span))
        if value is None:
            return None
        try:
            rows, cols = (int(v) for v in value["shape"])
            out = np.frombuffer(base64.b64decode(value["f32"], validate=True), dtype=np.float32)
            return out.reshape(rows, cols).copy()
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("encoder frames entry unusable (%s): encoding again", exc)
            return None

    def put(self, samples: np.ndarray, span: tuple[int, int], frames: np.ndarray) -> None:
        if self.cache is None:
            return
        f = np.ascontiguousarray(frames, dtype=np.float32)
        self.cache.put(self._key(samples), ANALYZER, VERSION, self._params(span),
                       {"shape": list(f.shape), "f32": base64.b64encode(f.tobytes()).decode("ascii")})
