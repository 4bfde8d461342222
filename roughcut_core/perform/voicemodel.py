"""Vocal emotion from the encoder embedding of a reading (``perform.voiceembed``).

Contract:
- ``VoiceEmotionModel``: a class-balanced multinomial logistic regression over speaker-z-scored
  embeddings (``EMBED_DIM`` values), for the emotions in ``labels`` (a subset of
  ``emotion.EMOTIONS``). ``fit(z, labels, raw, l2, recipe)`` trains it; ``log_probs(z) -> (n,
  len(labels))``; ``save(path)`` / ``load(path)`` as JSON with its recipe and the sha256 of its
  weights (a damaged or foreign file raises RoughcutError naming it).
- ``SHIPPED_VOICE_MODEL`` (weights sha256 ``SHIPPED_VOICE_SHA256``): trained on EmoDB (CC0-1.0, the same audio and recipe source as the
  feature model, ``perform.corpora``) with ``python -m roughcut_core.perform.train_voice DIR OUT``;
  see ``perform/models/README.md`` for what was measured.
- ``VoiceEmotionModel.sha256``: the weights' checksum as loaded (what the scene cache keys on).
- ``load_default_voice_model()``: the shipped model, or None when ``$ROUGHCUT_EMOTION_MODEL`` turns
  emotion models off (``none``/``off``/``dsp``) or ``$ROUGHCUT_VOICE_EMOTION`` is ``off``; a bad
  file is logged and skipped.
- ``combine(probs, labels, voice_logp, voice_labels)``: the feature model's probabilities over
  ``labels`` joined with the voice model's: the normalised geometric mean of the two (equal
  weight: neither is trusted over the other), when both speak for the same labels; else the
  feature model's alone, unchanged.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..errors import RoughcutError
from . import modelfile
from .voiceembed import EMBED_DIM, ENCODER

VOICE_FORMAT = "roughcut.voice-emotion-model/1"
SHIPPED_VOICE_MODEL = Path(__file__).resolve().parent / "models" / "voice-emotion-emodb-v1.json"
# sha256 of the shipped voice model's weights (its "sha256" field), as measured in
# perform/models/README.md; another file is another model and needs measuring again.
SHIPPED_VOICE_SHA256 = "7be37c07e7ad7acb224f3b8c58d1dec7f110b12ba32e9ab1bdc3288ef3f71e8d"


def _log_softmax(a: np.ndarray) -> np.ndarray:
    a = a - a.max(axis=1, keepdims=True)
    return a - np.log(np.exp(a).sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class VoiceEmotionModel:
    """Linear softmax over speaker-z-scored encoder embeddings (see module doc)."""

    weights: np.ndarray          # (EMBED_DIM + 1, len(labels)), last row = bias
    labels: tuple
    population: tuple            # (mean, std) of raw embeddings, for speakers with few readings
    recipe: dict = field(default_factory=dict)
    sha256: str = ""             # of the weights, as loaded (``load``); empty for a model just fitted

    @staticmethod
    def fit(z: np.ndarray, labels: Sequence[str], raw: np.ndarray, l2: float = 1.0,
            recipe: Optional[dict] = None) -> "VoiceEmotionModel":
        from scipy.optimize import minimize

        from .emotion import EMOTIONS

        names = tuple(e for e in EMOTIONS if e in set(labels))
        y = np.array([names.index(lab) for lab in labels])
        z = np.asarray(z, dtype=np.float64)
        n, d = z.shape
        k = len(names)
        xb = np.hstack([np.clip(z, -6, 6), np.ones((n, 1))])
        onehot = np.eye(k)[y]
        sample_w = (n / (k * np.maximum(onehot.sum(0), 1)))[y]   # balance the classes

        def loss(flat):
            w = flat.reshape(d + 1, k)
            lp = _log_softmax(xb @ w)
            p = np.exp(lp)
            value = -np.sum(sample_w * lp[np.arange(n), y]) / n + 0.5 * l2 * np.sum(w[:-1] ** 2) / n
            grad = xb.T @ ((p - onehot) * sample_w[:, None]) / n
            grad[:-1] += l2 * w[:-1] / n
            return value, grad.ravel()

        res = minimize(loss, np.zeros((d + 1) * k), jac=True, method="L-BFGS-B", options={"maxiter": 500})
        raw = np.asarray(raw, dtype=np.float64)
        return VoiceEmotionModel(res.x.reshape(d + 1, k), names, (raw.mean(0), raw.std(0)), dict(recipe or {}))

    def log_probs(self, z: np.ndarray) -> np.ndarray:
        z = np.atleast_2d(np.asarray(z, dtype=np.float64))
        return _log_softmax(np.hstack([np.clip(z, -6, 6), np.ones((len(z), 1))]) @ self.weights)

    def _body(self) -> dict:
        return {"weights": self.weights.round(6).tolist(), "labels": list(self.labels),
                "population_mean": self.population[0].round(6).tolist(),
                "population_std": self.population[1].round(6).tolist()}

    def to_json(self) -> dict:
        return modelfile.stamp({"format": VOICE_FORMAT, "encoder": ENCODER, "embed_dim": EMBED_DIM,
                                "recipe": self.recipe}, self._body())

    def save(self, path) -> str:
        """Write the model JSON atomically; returns the sha256 of its weights."""
        return modelfile.save(self.to_json(), path)

    @staticmethod
    def load(path) -> "VoiceEmotionModel":
        path = Path(path)
        doc = modelfile.read(path, "voice emotion model")
        if doc.get("format") != VOICE_FORMAT or doc.get("encoder") != ENCODER \
                or doc.get("embed_dim") != EMBED_DIM:
            raise RoughcutError(f"{path}: not a voice emotion model for the {ENCODER} encoder")
        body = modelfile.checked_body(doc, ("weights", "labels", "population_mean", "population_std"),
                                      path, "voice emotion model")
        return VoiceEmotionModel(np.array(body["weights"], dtype=np.float64), tuple(body["labels"]),
                                 (np.array(body["population_mean"]), np.array(body["population_std"])),
                                 dict(doc.get("recipe", {})), doc["sha256"])


def load_default_voice_model() -> Optional[VoiceEmotionModel]:
    """The shipped voice model unless turned off (module doc); None when off or unreadable."""
    import logging

    if os.environ.get("ROUGHCUT_EMOTION_MODEL", "").strip().lower() in ("none", "off", "dsp") \
            or os.environ.get("ROUGHCUT_VOICE_EMOTION", "").strip().lower() in ("off", "none", "0"):
        return None
    try:
        return VoiceEmotionModel.load(SHIPPED_VOICE_MODEL)
    except RoughcutError as exc:
        logging.getLogger(__name__).warning("%s", exc)
        return None


def combine(probs: np.ndarray, labels: Sequence[str], voice_logp: Optional[np.ndarray],
            voice_labels: Sequence[str]) -> np.ndarray:
    """Rows of ``probs`` (over ``labels``) joined with the voice model's (module doc)."""
    if voice_logp is None or tuple(labels) != tuple(voice_labels):
        return probs
    mixed = 0.5 * np.log(np.maximum(probs, 1e-12)) + 0.5 * voice_logp
    return np.exp(_log_softmax(mixed))
