"""Which acoustic features tell a real flub from a clean take of another delivery?

Contract: ``feature_separation(roots, model="tiny.en")`` reads real-speech scenes
(``align_real``: one line, several takes by one actor, some with a word dropped, added or
substituted) and, for each take, the mean end-pinned DTW cost (``acoustic.dtw``) of its reading
against every clean take of the same actor, with two kinds of frames:

- ``mfcc``: ``acoustic.features`` (what ``align.evidence`` compares today);
- ``encoder``: the recogniser's own encoder output (faster-whisper ``tiny.en``, 20 ms frames,
  mean/variance normalised per reading), which is trained to ignore voice and delivery.

Per feature it returns the median cost of clean and of word-defect readings and ``separated``:
the share of word-defect readings whose cost is above the highest clean reading's cost in the
same scene (1.0 = a threshold per scene would split them perfectly), plus ``auc`` over all
scenes (probability a defect reading costs more than a clean one). A measurement for choosing
the evidence features; nothing here changes a decision.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence, Union

import numpy as np

SR = 16000
WORD_KINDS = ("flub", "drop", "add")


def _encoder(model):
    def enc(x: np.ndarray) -> np.ndarray:
        f = model.feature_extractor(x)
        n = f.shape[1]
        pad = np.zeros((f.shape[0], 3000), np.float32)
        pad[:, :min(n, 3000)] = f[:, :3000]
        out = np.array(model.encode(pad))[0][:max(1, n // 2)]
        return ((out - out.mean(0)) / (out.std(0) + 1e-6)).astype(np.float32)
    return enc


def feature_separation(roots: Sequence[Union[str, Path]], model: str = "tiny.en") -> dict:
    """Clean vs word-defect DTW costs with MFCC and encoder frames (see module contract)."""
    from ..align import acoustic as ac
    from ..scenegen import load_truth
    from ..speech.asr_model import load_whisper
    from ..speech.audio_io import decode_audio

    whisper = load_whisper(model)[0]
    feats = {"mfcc": ac.features, "encoder": _encoder(whisper)}
    costs: dict = {k: {"clean": [], "defect": [], "separated": []} for k in feats}
    for root in map(Path, roots):
        truth = load_truth(root)
        reads = {}
        for take in truth["takes"]:
            r = take["readings"][0]
            if r["defect"] is None or r["defect"] in WORD_KINDS:
                x = decode_audio(root / take["path"], SR)
                reads[take["name"]] = (r["defect"], x[int((r["start"] - 0.05) * SR):int((r["end"] + 0.05) * SR)])
        clean = [n for n, (d, _) in reads.items() if d is None]
        for name, fn in feats.items():
            frames = {n: fn(x) for n, (_, x) in reads.items()}
            scene = {}
            for n, (d, _) in reads.items():
                refs = [c for c in clean if c != n]
                ws = [ac.dtw(frames[c], frames[n], open_end=False) for c in refs]
                ws = [w.cost for w in ws if w is not None]
                if ws:
                    scene[n] = (d, float(np.mean(ws)))
            top = max((c for d, c in scene.values() if d is None), default=None)
            for d, c in scene.values():
                costs[name]["clean" if d is None else "defect"].append(c)
                if d is not None and top is not None:
                    costs[name]["separated"].append(c > top)
    out = {}
    for name, v in costs.items():
        cl, de = np.array(v["clean"]), np.array(v["defect"])
        auc = float(np.mean([[d > c for c in cl] for d in de])) if cl.size and de.size else None
        out[name] = {"clean_median": round(float(np.median(cl)), 3) if cl.size else None,
                     "defect_median": round(float(np.median(de)), 3) if de.size else None,
                     "separated": round(float(np.mean(v["separated"])), 3) if v["separated"] else None,
                     "auc": round(auc, 3) if auc is not None else None,
                     "n_clean": int(cl.size), "n_defect": int(de.size)}
    return out
