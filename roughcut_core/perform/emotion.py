"""Vocal emotion and arousal per reading.

Contract:
- ``EMOTIONS`` = angry, sad, happy, fear, disgust, surprise, neutral (as ``script.intent``).
- ``dsp_arousal(z) -> float 0..1`` from speaker-normalised features (``features.py``): a
  hand-set logistic of loudness, pitch height and spread, spectral tilt and syllable rate.
  It ships with the default install and needs no training data; it is a relative measure
  (0.5 = the speaker's usual activation in this bin).
- ``EmotionModel``: multinomial logistic regression (7 emotions) plus a ridge regression for
  arousal, on the same z-scored features. ``EmotionModel.fit(Z, labels, arousal)`` trains it;
  ``predict(Z) -> (probs (n, 7), arousal (n,))``; ``save(path)`` / ``load(path)`` as JSON that
  records the training recipe and a sha256 of the weights. ``labels``: the emotions the model
  was trained on (``recipe["known_labels"]``, else those with takes in ``recipe["labels"]``,
  else all 7): it speaks only for those.
- ``model_signals(model, z, voice_logp=None, voice_labels=()) -> list[dict]``: per row of
  speaker-z-scored features, ``voice_joined`` (1 when the voice model's log-probabilities over
  the same labels are joined in: ``voicemodel.combine``; else 0), ``arousal``
  (``arousal_source`` "model"), ``emotion_<label>`` for the model's ``labels`` only (renormalised
  over them, so they sum to 1; a label it never saw gets no key, not a made-up probability),
  ``emotion`` (the most likely of those), ``emotion_conf`` (its probability) and
  ``arousal_dsp`` (``dsp_arousal`` of the same row: the speaker-relative activation that the
  intent match compares takes on; on RAVDESS actors 01-08 it told the directed take from the
  actor's other takes of the line better than the model's arousal, which the EmoDB model
  learns as an absolute level).
- ``default_model_path()`` = ``$ROUGHCUT_MODELS_DIR`` or the user data dir + ``/models``,
  file ``emotion-v1.json``: the user's own model (``roughcut train emotion --data DIR``).
- ``SHIPPED_MODEL``: the model that ships in the package (``perform/models/``), trained on EmoDB
  (CC0-1.0; source, commit, manifest and recipe in its ``recipe``; rebuilt with
  ``python -m roughcut_core.perform.corpora``), without the spectral-envelope means
  (``recipe["excluded_features"]``, ``perform.train.CORPUS_FEATURES``: weight 0, as they carry
  EmoDB's German words and microphone more than emotion). EmoDB has no surprise takes, so the shipped
  model's ``labels`` leave surprise out (its ``recipe["labels"]["surprise"]`` is 0): readings get
  no ``emotion_surprise`` and the intent match rests on the delivery cues for ``(surprised)``.
- ``load_default_model()``: the user's model when there is a readable one, else the shipped one;
  ``$ROUGHCUT_EMOTION_MODEL=none`` turns both off (readings then get arousal from DSP and no
  emotion distribution at all, never a made-up one), ``=shipped`` skips the user's model.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..errors import RoughcutError
from . import modelfile
from .features import FEATURE_NAMES

EMOTIONS = ("angry", "sad", "happy", "fear", "disgust", "surprise", "neutral")
MODEL_FILE = "emotion-v1.json"
MODEL_FORMAT = "roughcut.emotion-model/1"

# Typical activation of each acted emotion (Russell's circumplex, rounded), used as the
# arousal target when training: label -> arousal 0..1.
EMOTION_AROUSAL = {"angry": 0.85, "fear": 0.75, "surprise": 0.75, "happy": 0.65, "disgust": 0.5,
                   "sad": 0.3, "neutral": 0.2}

# Hand-set DSP arousal: feature -> weight on its speaker z-score (documented, not trained).
DSP_WEIGHTS = {"lvl_mean": 0.8, "lvl_p90": 0.4, "f0_p50": 0.6, "f0_std": 0.3, "hf_ratio": 0.4,
               "centroid_mean": 0.3, "peak_rate": 0.2}
_DSP_SCALE = 0.55


def dsp_arousal(z: np.ndarray) -> np.ndarray:
    """Arousal 0..1 per row of speaker-z-scored features (rows) or one row."""
    z = np.atleast_2d(np.asarray(z, dtype=np.float64))
    idx = [FEATURE_NAMES.index(k) for k in DSP_WEIGHTS]
    w = np.array(list(DSP_WEIGHTS.values()))
    score = (np.clip(z[:, idx], -4, 4) @ w) * _DSP_SCALE / np.sqrt(len(w))
    return 1.0 / (1.0 + np.exp(-score))


def default_model_dir() -> Path:
    env = os.environ.get("ROUGHCUT_MODELS_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("roughcut")) / "models"


def default_model_path() -> Path:
    return default_model_dir() / MODEL_FILE


SHIPPED_MODEL = Path(__file__).resolve().parent / "models" / "emotion-emodb-v2.json"
# sha256 of the shipped model's weights (its "sha256" field), as measured in the notes of
# perform/models/README.md; a different file is a different model and needs measuring again.
SHIPPED_SHA256 = "2974fc4d2946cba8fde58129c533b6f3257478cac29586694333dabad83e8004"


def _softmax(a: np.ndarray) -> np.ndarray:
    a = a - a.max(axis=1, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class EmotionModel:
    """Linear softmax over z-scored features + ridge arousal (see module doc)."""

    weights: np.ndarray            # (n_features + 1, 7), last row = bias
    arousal_weights: np.ndarray    # (n_features + 1,)
    population: tuple              # (mean, std) of raw features, for speakers with few readings
    recipe: dict = field(default_factory=dict)

    @staticmethod
    def fit(z: np.ndarray, labels: Sequence[str], raw: np.ndarray, l2: float = 1.0,
            recipe: Optional[dict] = None) -> "EmotionModel":
        """Train on speaker-z-scored rows ``z`` with labels in EMOTIONS; ``raw`` (unnormalised)
        gives the population statistics."""
        from scipy.optimize import minimize

        z = np.asarray(z, dtype=np.float64)
        y = np.array([EMOTIONS.index(lab) for lab in labels])
        n, d = z.shape
        xb = np.hstack([np.clip(z, -6, 6), np.ones((n, 1))])
        onehot = np.eye(len(EMOTIONS))[y]
        counts = onehot.sum(0)
        sample_w = (n / (len(EMOTIONS) * np.maximum(counts, 1)))[y]  # balance the classes

        def loss(flat):
            w = flat.reshape(d + 1, len(EMOTIONS))
            p = _softmax(xb @ w)
            ll = -np.sum(sample_w * np.log(np.maximum(p[np.arange(n), y], 1e-12))) / n
            reg = 0.5 * l2 * np.sum(w[:-1] ** 2) / n
            grad = xb.T @ ((p - onehot) * sample_w[:, None]) / n
            grad[:-1] += l2 * w[:-1] / n
            return ll + reg, grad.ravel()

        res = minimize(loss, np.zeros((d + 1) * len(EMOTIONS)), jac=True, method="L-BFGS-B",
                       options={"maxiter": 500})
        target = np.array([EMOTION_AROUSAL[lab] for lab in labels])
        if recipe and recipe.get("arousal_targets") is not None:
            target = np.asarray(recipe.pop("arousal_targets"), dtype=np.float64)
        a = xb.T @ xb + 10.0 * np.diag([1.0] * d + [0.0])
        aw = np.linalg.solve(a, xb.T @ target)
        raw = np.asarray(raw, dtype=np.float64)
        return EmotionModel(res.x.reshape(d + 1, len(EMOTIONS)), aw,
                            (raw.mean(0), raw.std(0)), dict(recipe or {}))

    @property
    def labels(self) -> tuple[str, ...]:
        """The emotions the model was trained on, in ``EMOTIONS`` order (module doc)."""
        named = self.recipe.get("known_labels")
        if named:
            return tuple(e for e in EMOTIONS if e in set(named))
        counts = self.recipe.get("labels") or {}
        known = tuple(e for e in EMOTIONS if counts.get(e))
        return known if len(known) >= 2 else EMOTIONS

    def predict(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = np.atleast_2d(np.asarray(z, dtype=np.float64))
        xb = np.hstack([np.clip(z, -6, 6), np.ones((len(z), 1))])
        return _softmax(xb @ self.weights), np.clip(xb @ self.arousal_weights, 0.0, 1.0)

    def to_json(self) -> dict:
        body = {"weights": self.weights.round(6).tolist(),
                "arousal_weights": self.arousal_weights.round(6).tolist(),
                "population_mean": self.population[0].round(6).tolist(),
                "population_std": self.population[1].round(6).tolist()}
        return modelfile.stamp({"format": MODEL_FORMAT, "emotions": list(EMOTIONS), "features": list(FEATURE_NAMES),
                                "recipe": self.recipe}, body)

    def save(self, path) -> str:
        """Write the model JSON atomically; returns the sha256 of its weights."""
        return modelfile.save(self.to_json(), path)

    @staticmethod
    def load(path) -> "EmotionModel":
        path = Path(path)
        doc = modelfile.read(path, "emotion model")
        if doc.get("format") != MODEL_FORMAT or list(doc.get("features", ())) != list(FEATURE_NAMES) \
                or list(doc.get("emotions", ())) != list(EMOTIONS):
            raise RoughcutError(f"{path}: emotion model was made for another feature set; "
                                "retrain it with `roughcut train emotion --data DIR`")
        modelfile.checked_body(doc, ("weights", "arousal_weights", "population_mean", "population_std"),
                               path, "emotion model")
        return EmotionModel(np.array(doc["weights"]), np.array(doc["arousal_weights"]),
                            (np.array(doc["population_mean"]), np.array(doc["population_std"])),
                            dict(doc.get("recipe", {})))


def model_signals(model: EmotionModel, z: np.ndarray, voice_logp: Optional[np.ndarray] = None,
                  voice_labels: Sequence[str] = ()) -> list[dict]:
    """The model's signals for each row of speaker-z-scored features (module doc); with
    ``voice_logp`` (the voice model's log-probabilities over ``voice_labels`` for the same rows)
    the emotion distribution joins both models (``voicemodel.combine``)."""
    from .voicemodel import combine

    probs, arousal = model.predict(z)
    cols = [EMOTIONS.index(e) for e in model.labels]
    known = probs[:, cols] / np.maximum(probs[:, cols].sum(axis=1, keepdims=True), 1e-12)
    joined = combine(known, model.labels, voice_logp, voice_labels)
    voice_joined = int(joined is not known)
    known = joined
    relative = dsp_arousal(z)
    out = []
    for j in range(len(known)):
        s = {"arousal": round(float(arousal[j]), 4), "arousal_source": "model",
             "arousal_dsp": round(float(relative[j]), 4), "voice_joined": voice_joined}
        s.update({f"emotion_{e}": round(float(known[j, i]), 4) for i, e in enumerate(model.labels)})
        best = int(known[j].argmax())
        s["emotion"] = model.labels[best]
        s["emotion_conf"] = round(float(known[j, best]), 4)
        out.append(s)
    return out


def load_default_model(path=None) -> Optional[EmotionModel]:
    """The model the analysis uses (module doc): ``path`` when given, else the user's trained
    model, else the shipped one; None when turned off or none is readable (a bad file is
    skipped with a logged reason)."""
    import logging

    if path is not None:
        candidates = [Path(path)]
    else:
        choice = os.environ.get("ROUGHCUT_EMOTION_MODEL", "").strip().lower()
        if choice in ("none", "off", "dsp"):
            return None
        candidates = ([] if choice == "shipped" else [default_model_path()]) + [SHIPPED_MODEL]
    for candidate in candidates:
        if not candidate.exists():
            continue
        try:
            return EmotionModel.load(candidate)
        except RoughcutError as exc:
            logging.getLogger(__name__).warning("%s", exc)
    return None
