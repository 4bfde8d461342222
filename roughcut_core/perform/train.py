"""Training recipe for the vocal emotion model (``roughcut train emotion --data DIR``).

Data recipe (what ``load_dataset`` reads), any mix of:
- a RAVDESS-style folder: ``labels.tsv`` with columns ``file``, ``actor``, ``emotion``
  (neutral, calm, happy, sad, angry, fearful, disgust, surprised), optional ``intensity``
  (normal / strong) and ``sha256_source_wav`` (rows with a repeated checksum are dropped: the
  known duplicate take). ``calm`` is trained as ``neutral``.
- a TESS-style folder: ``lines.tsv`` with ``file``, ``speaker``, ``emotion`` (``ps`` =
  pleasant surprise → ``surprise``).
- any TSV of that shape (``file``, ``speaker`` or ``actor``, ``emotion``) named ``*.tsv``
  directly in DIR. Files are read in place; paths are relative to the TSV.
Speakers are kept apart: features are z-scored per speaker, and evaluation is split by speaker,
never by file (``split_by_speaker``). The model file records the recipe: data folder, the
speakers used, file count and a sha256 over the sorted ``(path, size)`` manifest, plus the
sha256 of its weights. With the acted corpora shipped here (non-commercial), the trained model
stays in the user's data dir and must not be redistributed in a commercial product; the model
that ships in the package is trained on EmoDB (CC0) by ``perform.corpora``.

``CORPUS_FEATURES``: the features a model meant for other corpora leaves out (``train(...,
exclude=CORPUS_FEATURES)``): the means of the log-mel bands and of the MFCCs, i.e. the average
spectral envelope of a speaker's readings. Even z-scored per speaker it carries the words and the
language (which vowels a sentence has) and the microphone, not only the emotion: trained on
EmoDB (German) without them, leave-one-speaker-out accuracy within EmoDB falls 0.81 -> 0.77, and
intent match on RAVDESS tuning actors 01-08 rises 0.481 -> 0.504 (take ranking) and 0.420 ->
0.442 (through the cut). An excluded feature gets weight 0 (the model file keeps every feature,
so its format and ``features.FEATURE_NAMES`` do not change); the recipe lists them.
A user's model trained on their own takes (``roughcut train emotion``) keeps every feature.
"""
from __future__ import annotations

import csv
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

import numpy as np

from ..errors import RoughcutError
from .emotion import EMOTION_AROUSAL, EMOTIONS, EmotionModel
from .features import FEATURE_NAMES, normalise_by_group, utterance_features

log = logging.getLogger(__name__)

CORPUS_FEATURES: tuple[str, ...] = tuple(f for f in FEATURE_NAMES
                                         if f.endswith("_mean") and f.startswith(("mel", "mfcc")))

LABEL_MAP = {"neutral": "neutral", "calm": "neutral", "happy": "happy", "sad": "sad", "angry": "angry",
             "fearful": "fear", "fear": "fear", "disgust": "disgust", "surprised": "surprise",
             "surprise": "surprise", "ps": "surprise", "pleasant_surprise": "surprise"}


@dataclass(frozen=True)
class Example:
    path: str
    speaker: str
    emotion: str          # one of EMOTIONS
    intensity: str = "normal"
    group: str = ""       # same line by the same speaker (for take-picking evaluation)
    source_label: str = ""


def _read_tsv(tsv: Path) -> list[Example]:
    out: list[Example] = []
    seen: set[str] = set()
    with open(tsv, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            speaker = row.get("actor") or row.get("speaker")
            label = LABEL_MAP.get((row.get("emotion") or "").strip().lower())
            if not row.get("file") or not speaker or label is None:
                continue
            sha = row.get("sha256_source_wav")
            if sha:
                if sha in seen:
                    continue
                seen.add(sha)
            path = (tsv.parent / row["file"]).resolve()
            line = row.get("statement_id") or row.get("word") or ""
            out.append(Example(str(path), f"{tsv.parent.name}:{speaker}", label,
                               (row.get("intensity") or "normal").strip(), f"{speaker}:{line}",
                               row.get("emotion", "")))
    return out


def load_dataset(data_dir) -> list[Example]:
    """Labelled takes under ``data_dir`` (see the data recipe); raises when there are none."""
    root = Path(data_dir)
    if not root.is_dir():
        raise RoughcutError(f"{root}: training data folder not found")
    tsvs = sorted({*root.glob("*.tsv"), *root.glob("*/labels.tsv"), *root.glob("*/lines.tsv")})
    examples = [e for t in tsvs for e in _read_tsv(t)]
    missing = [e.path for e in examples if not Path(e.path).exists()]
    if missing:
        log.warning("%d listed files are missing (first: %s)", len(missing), missing[0])
    examples = [e for e in examples if Path(e.path).exists()]
    if not examples:
        raise RoughcutError(f"{root}: no labelled takes found (need labels.tsv or lines.tsv with "
                            "file, actor/speaker and emotion columns)")
    return examples


def manifest_sha256(examples: Sequence[Example]) -> str:
    h = hashlib.sha256()
    for p in sorted(e.path for e in examples):
        h.update(f"{Path(p).name}\t{Path(p).stat().st_size}\n".encode())
    return h.hexdigest()


def extract(examples: Sequence[Example], progress: Optional[Callable[[int, int], None]] = None,
            durations: Optional[list] = None, skip_bad: bool = False) -> np.ndarray:
    """Raw feature rows for ``examples`` (decoded at 16 kHz mono); a file that cannot be read
    raises MediaError naming it, or with ``skip_bad`` is logged and gets a row of NaN.
    ``durations``, when given, receives each file's seconds."""
    from ..speech.audio_io import decode_audio

    from ..errors import MediaError
    from .features import FEATURE_NAMES

    rows = []
    for k, e in enumerate(examples):
        try:
            x = decode_audio(e.path, 16000)
        except MediaError as exc:
            if not skip_bad:
                raise
            log.warning("skipped: %s", exc)  # names the file; the row stays NaN
            rows.append(np.full(len(FEATURE_NAMES), np.nan))
            if durations is not None:
                durations.append(0.0)
            continue
        rows.append(utterance_features(x, 16000))
        if durations is not None:
            durations.append(len(x) / 16000)
        if progress:
            progress(k + 1, len(examples))
    return np.array(rows)


def split_by_speaker(examples: Sequence[Example], holdout: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (train, test): a speaker is held out when its id (after the ``folder:``
    prefix) is in ``holdout``."""
    hold = {str(h) for h in holdout}
    test = np.array([e.speaker.split(":", 1)[-1] in hold or e.speaker in hold for e in examples])
    return ~test, test


def arousal_targets(examples: Sequence[Example]) -> np.ndarray:
    """Training target for arousal: the emotion's typical activation, +0.1 for strong takes."""
    return np.array([min(1.0, EMOTION_AROUSAL[e.emotion] + (0.1 if e.intensity == "strong" else 0.0))
                     for e in examples])


def train(examples: Sequence[Example], raw: np.ndarray, l2: float = 30.0, data_dir: str = "",
          source: Optional[dict] = None, exclude: Sequence[str] = ()) -> EmotionModel:
    """Fit the model on all ``examples`` (their raw feature rows ``raw``). ``source`` (e.g.
    ``perform.corpora.SOURCES["emodb"]``: origin, commit, licence) is recorded in the recipe;
    without it the recipe only warns that the data's licence applies. The features named in
    ``exclude`` (e.g. ``CORPUS_FEATURES``) get weight 0 and are listed in the recipe's
    ``excluded_features``; an unknown name raises RoughcutError."""
    unknown = [f for f in exclude if f not in FEATURE_NAMES]
    if unknown:
        raise RoughcutError(f"unknown feature(s) to exclude: {', '.join(unknown)}")
    z = normalise_by_group(raw, [e.speaker for e in examples])
    z[:, [FEATURE_NAMES.index(f) for f in exclude]] = 0.0  # no signal: weight 0 under the L2
    speakers = sorted({e.speaker for e in examples})
    recipe = {"data_dir": str(data_dir), "files": len(examples), "speakers": speakers,
              "manifest_sha256": manifest_sha256(examples), "l2": l2,
              "labels": {e: int(sum(x.emotion == e for x in examples)) for e in EMOTIONS},
              "known_labels": [e for e in EMOTIONS if any(x.emotion == e for x in examples)],
              "arousal_targets": arousal_targets(examples).tolist(),
              "licence_note": "trained on the data above; respect its licence (e.g. RAVDESS/TESS "
                              "are non-commercial)"}
    if exclude:
        recipe["excluded_features"] = list(exclude)
    if source:
        recipe["source"] = dict(source)
        recipe["licence_note"] = f"trained on data licensed {source.get('licence', '?')} (see source)"
    return EmotionModel.fit(z, [e.emotion for e in examples], raw, l2=l2, recipe=recipe)


def evaluate(model: EmotionModel, examples: Sequence[Example], raw: np.ndarray) -> dict:
    """Accuracy (7 classes), per-class recall and arousal correlation on ``examples``."""
    z = normalise_by_group(raw, [e.speaker for e in examples])
    probs, arousal = model.predict(z)
    truth = np.array([EMOTIONS.index(e.emotion) for e in examples])
    pred = probs.argmax(1)
    recall = {lab: float(np.mean(pred[truth == k] == k)) for k, lab in enumerate(EMOTIONS) if (truth == k).any()}
    target = arousal_targets(examples)
    corr = float(np.corrcoef(arousal, target)[0, 1]) if len(examples) > 2 else float("nan")
    return {"n": len(examples), "accuracy": float(np.mean(pred == truth)),
            "balanced_accuracy": float(np.mean(list(recall.values()))), "recall": recall,
            "arousal_corr": corr, "chance": 1.0 / len(EMOTIONS)}


def train_and_save(data_dir, out, holdout: Iterable[str] = (), l2: float = 30.0,
                   progress: Optional[Callable[[int, int], None]] = None,
                   source: Optional[dict] = None, exclude: Sequence[str] = ()) -> dict:
    """Train on every speaker of ``data_dir`` not in ``holdout`` (leaving out the features in
    ``exclude``), save to ``out`` (e.g. under a
    ``$ROUGHCUT_MODELS_DIR`` for a benchmark) and return ``{"model", "sha256", "files",
    "speakers", "holdout": evaluate(...) | None}``. Raises RoughcutError when there is nothing
    to train on."""
    examples = load_dataset(data_dir)
    raw = extract(examples, progress, skip_bad=True)
    readable = ~np.isnan(raw).any(axis=1)
    examples = [e for e, ok in zip(examples, readable) if ok]
    raw = raw[readable]
    tr, te = split_by_speaker(examples, holdout)
    if not tr.any():
        raise RoughcutError(f"{data_dir}: every speaker is held out; nothing to train on")
    train_ex = [e for e, keep in zip(examples, tr) if keep]
    model = train(train_ex, raw[tr], l2=l2, data_dir=str(data_dir), source=source, exclude=exclude)
    sha = model.save(out)
    result = evaluate(model, [e for e, keep in zip(examples, te) if keep], raw[te]) if te.any() else None
    return {"model": str(out), "sha256": sha, "files": len(train_ex),
            "speakers": sorted({e.speaker for e in train_ex}), "holdout": result}
