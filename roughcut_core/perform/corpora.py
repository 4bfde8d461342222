"""Data recipes for acted-emotion corpora whose licence lets a product ship weights trained on them.

Contract:
- ``SOURCES``: per corpus, where its audio was obtained (public repository + commit + folder),
  its licence, the attribution to show, and the label code of its file names.
- ``emodb_rows(wav_dir) -> list[dict]``: one row per EmoDB take (``file`` relative to the TSV,
  ``speaker``, ``emotion`` in ``perform.train.LABEL_MAP`` terms, ``statement_id``, ``source_label``);
  boredom (``L``) has no counterpart among ``EMOTIONS`` and is left out. Raises RoughcutError when
  the folder holds no EmoDB-named ``.wav`` file.
- ``write_tsv(rows, path)``: the TSV ``perform.train.load_dataset`` reads (any ``*.tsv`` directly in
  the data folder).
- ``audio_sha256(paths)``: sha256 over the sorted (file name, content sha256) pairs: which audio
  exactly a model was trained on.
- ``python -m roughcut_core.perform.corpora emodb DIR [--train OUT]``: writes ``DIR/emodb.tsv`` for
  the files in ``DIR/wav`` and prints the count per emotion; with ``--train`` it then trains the
  emotion model on every speaker (``perform.train``, default L2, without the corpus-bound
  spectral-envelope means ``perform.train.CORPUS_FEATURES``: the model is for other voices,
  languages and microphones) and writes it to ``OUT`` with the source, licence and audio
  checksum in its recipe. This is how ``perform/models/emotion-emodb-v2.json``
  (``emotion.SHIPPED_MODEL``) was made.

The audio itself never enters this repository: the recipe (``SOURCES[...]["fetch"]``) says how to put
it in a data folder outside it, and the model trained on it records the folder's manifest sha256.
"""
from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

from ..errors import RoughcutError

SOURCES = {
    "emodb": {
        "title": "Berlin Database of Emotional Speech (EmoDB)",
        "authors": "Felix Burkhardt, Astrid Paeschke, Miriam Rolfes, Walter Sendlmeier, Benjamin Weiss",
        "citation": "Burkhardt et al. (2005), A database of German emotional speech, Interspeech 2005",
        "licence": "CC0-1.0",
        "licence_source": "audEERING's audformat publication of EmoDB (github.com/audeering/emodb, "
                          "1.1.0/create.py: license=CC0_1_0, usage=UNRESTRICTED)",
        "repository": "github.com/sylaschacko/voice-emotion-analysis",
        "commit": "4b0f64c947b84beb43c8b1a7e7a6597a04902f02",
        "folder": "wav",
        "fetch": "git -C <clone> archive 4b0f64c947b84beb43c8b1a7e7a6597a04902f02 wav | tar -x -C DIR",
        "notes": "this copy holds all 535 EmoDB takes as 22.05 kHz mono WAV cut or padded to exactly "
                 "2.0 s (390 takes are cut short); 10 actors (5 female, 5 male), German",
    },
}

# EmoDB file names: speaker (2 digits), text code (a01..b10), emotion letter (German), version.
_EMODB_NAME = re.compile(r"^(\d\d)([ab]\d\d)([WLEAFTN])([a-z])$")
EMODB_CODES = {"W": "angry", "E": "disgust", "A": "fear", "F": "happy", "T": "sad", "N": "neutral",
               "L": None}  # L = Langeweile (boredom): no counterpart, left out


def emodb_rows(wav_dir) -> list[dict]:
    """The labelled takes of an EmoDB ``wav`` folder (see module doc)."""
    wav_dir = Path(wav_dir)
    rows = []
    for path in sorted(wav_dir.glob("*.wav")):
        m = _EMODB_NAME.match(path.stem)
        if not m or EMODB_CODES[m.group(3)] is None:
            continue
        rows.append({"file": f"{wav_dir.name}/{path.name}", "speaker": f"emodb{m.group(1)}",
                     "emotion": EMODB_CODES[m.group(3)], "statement_id": m.group(2),
                     "source_label": m.group(3)})
    if not rows:
        raise RoughcutError(f"{wav_dir}: no EmoDB takes (files named like 03a01Wa.wav) found")
    return rows


def write_tsv(rows, path) -> Path:
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


def audio_sha256(paths) -> str:
    """sha256 over the sorted ``name\tsha256(content)`` lines of ``paths``."""
    h = hashlib.sha256()
    for name, digest in sorted((Path(p).name, hashlib.sha256(Path(p).read_bytes()).hexdigest())
                               for p in paths):
        h.update(f"{name}\t{digest}\n".encode())
    return h.hexdigest()


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m roughcut_core.perform.corpora")
    ap.add_argument("corpus", choices=sorted(SOURCES))
    ap.add_argument("data", help="folder holding the corpus audio (e.g. DIR/wav for EmoDB)")
    ap.add_argument("--train", metavar="OUT", help="also train the emotion model and write it here")
    args = ap.parse_args(argv)
    root = Path(args.data)
    try:
        rows = emodb_rows(root / SOURCES[args.corpus]["folder"])
    except RoughcutError as exc:
        print(f"corpora: {exc}", file=sys.stderr)
        return 2
    out = write_tsv(rows, root / f"{args.corpus}.tsv")
    counts = Counter(r["emotion"] for r in rows)
    print(f"{out}: {len(rows)} takes, {len({r['speaker'] for r in rows})} speakers, "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if args.train:
        from .train import CORPUS_FEATURES, train_and_save

        source = {**SOURCES[args.corpus], "audio_sha256": audio_sha256(root / r["file"] for r in rows)}
        res = train_and_save(root, args.train, source=source, exclude=CORPUS_FEATURES)
        print(f"{res['model']}: sha256 {res['sha256']}, {res['files']} takes, "
              f"{len(res['speakers'])} speakers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
