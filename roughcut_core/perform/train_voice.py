"""Train the voice emotion model (``perform.voicemodel``) on EmoDB: the recipe of the shipped file.

``python -m roughcut_core.perform.train_voice DIR OUT`` with EmoDB's audio in ``DIR/wav`` (how to
get it: ``perform.corpora.SOURCES["emodb"]["fetch"]``):
1. every EmoDB take with a counterpart among ``EMOTIONS`` (``corpora.emodb_rows``; boredom left
   out), decoded at 16 kHz and embedded by ``voiceembed.VoiceEncoder`` on its speech span;
2. embeddings z-scored per speaker (``features.normalise_by_group``, as the pipeline does per
   character);
3. the L2 strength chosen among ``L2_CHOICES`` by leave-one-speaker-out accuracy on EmoDB alone
   (no RAVDESS or TESS take is used for any choice: they are for evaluation, and non-commercial);
4. the model fitted on every speaker with that L2 and written to ``OUT`` with its recipe: source,
   licence, audio checksum (``corpora.audio_sha256``), encoder, L2 and the cross-validated
   accuracies. The same audio gives the same weights (deterministic L-BFGS from zeros; the
   embedding itself may differ in the last digits with the number of CPU threads).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

L2_CHOICES = (1.0, 10.0, 100.0)


def embed_files(paths, encoder=None) -> np.ndarray:
    """Embeddings of whole-take files (16 kHz mono decode, speech span)."""
    from ..errors import RoughcutError
    from ..speech.audio_io import decode_audio
    from .voiceembed import VoiceEncoder

    encoder = encoder or VoiceEncoder()
    rows = []
    for path in paths:
        vec = encoder.embed(decode_audio(str(path), 16000))
        if vec is None:
            raise RoughcutError(f"{path}: no voice embedding (encoder unavailable or under 0.2 s of speech)")
        rows.append(vec)
    return np.stack(rows)


def leave_one_speaker_out(z, labels, speakers, l2: float) -> float:
    from .voicemodel import VoiceEmotionModel

    labels, speakers = np.asarray(labels), np.asarray(speakers)
    hits = []
    for s in sorted(set(speakers)):
        held = speakers == s
        model = VoiceEmotionModel.fit(z[~held], labels[~held], z[~held], l2=l2)
        pred = np.array(model.labels)[model.log_probs(z[held]).argmax(1)]
        hits.append(float(np.mean(pred == labels[held])))
    return float(np.mean(hits))


def train_emodb(data_dir, out) -> dict:
    """Train on ``data_dir/wav`` and write the model to ``out``; returns its recipe."""
    from .corpora import SOURCES, audio_sha256, emodb_rows
    from .features import normalise_by_group
    from .voiceembed import ENCODER, PAD_S
    from .voicemodel import VoiceEmotionModel

    data_dir = Path(data_dir)
    rows = emodb_rows(data_dir / "wav")
    paths = [data_dir / r["file"] for r in rows]
    raw = embed_files(paths)
    speakers = [r["speaker"] for r in rows]
    labels = [r["emotion"] for r in rows]
    z = normalise_by_group(raw, speakers)
    cv = {l2: round(leave_one_speaker_out(z, labels, speakers, l2), 4) for l2 in L2_CHOICES}
    l2 = max(cv, key=lambda k: (cv[k], -k))   # ties go to the stronger regularisation
    counts = {e: labels.count(e) for e in sorted(set(labels))}
    recipe = {"source": {k: SOURCES["emodb"][k] for k in ("title", "citation", "licence", "licence_source",
                                                         "repository", "commit", "folder")},
              "audio_sha256": audio_sha256(paths), "files": len(paths), "labels": counts,
              "encoder": ENCODER, "pooling": f"mean+std over encoder frames of the speech span +-{PAD_S} s",
              "normalisation": "z-score per speaker", "l2": l2, "l2_choice": "leave-one-speaker-out on EmoDB",
              "loso_accuracy": {str(k): v for k, v in cv.items()},
              "trainer": "python -m roughcut_core.perform.train_voice DIR OUT"}
    model = VoiceEmotionModel.fit(z, labels, raw, l2=l2, recipe=recipe)
    recipe["sha256"] = model.save(out)
    return recipe


def main(argv=None) -> int:
    import json

    from ..errors import RoughcutError

    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) != 2:
        print("usage: python -m roughcut_core.perform.train_voice DIR OUT  (EmoDB audio in DIR/wav)", file=sys.stderr)
        return 2
    try:
        recipe = train_emodb(argv[0], argv[1])
    except RoughcutError as exc:
        print(f"train_voice: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({k: recipe[k] for k in ("files", "labels", "l2", "loso_accuracy", "sha256")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
