"""Input drift: per-show reference distributions and drift scores of new material.

A *profile* is ``feature name → samples``: numeric features (ASR word confidence, SNR,
speech rate, faces per shot, alignment score) hold floats; categorical ones (shot size,
frame rate, video codec) hold strings. :func:`profile_from_result` builds one from a
:class:`~roughcut_core.pipeline.CutResult`.

:func:`drift_report` scores new material against the show's reference with the population
stability index (PSI; numeric features binned at the reference's deciles, categorical ones
per category, both with a small floor so empty bins stay finite) plus, for numeric
features, the two-sample Kolmogorov–Smirnov statistic and p-value (scipy). A feature
*drifts* when its PSI passes :data:`PSI_WARN` (0.25, the customary "significant shift") and
it has at least :data:`MIN_SAMPLES` samples on both sides; the report then carries one
warning line per drifting feature. :class:`DriftStore` keeps each show's reference (capped,
deterministic subsample) and last report under ``<ops dir>/drift/<show>.json``.
"""
from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Optional

from ..errors import RoughcutError
from ..fileio import atomic_write_json

NUMERIC = ("asr_word_confidence", "snr_db", "speech_rate_wps", "faces_per_shot", "alignment_score")
CATEGORICAL = ("shot_size", "frame_rate", "video_codec")
PSI_WARN = 0.25
MIN_SAMPLES = 20
REFERENCE_CAP = 5000
_FLOOR = 1e-4
DRIFT_SCHEMA = "roughcut.drift/1"


def profile_from_result(result) -> dict:
    """Feature samples of one cut result (missing analyses simply add nothing)."""
    prof: dict = {k: [] for k in (*NUMERIC, *CATEGORICAL)}
    for a in getattr(result, "analyses", ()) or ():
        asset = a.asset
        if asset.rate is not None:
            prof["frame_rate"].append(str(asset.rate))
        if asset.video_codec:
            prof["video_codec"].append(str(asset.video_codec))
        if a.transcript is not None:
            prof["asr_word_confidence"].extend(float(w.probability) for w in a.transcript.words)
        for shot in getattr(a.picture, "shots", None) or ():
            prof["shot_size"].append(str(getattr(shot, "shot_size", "unknown")))
            prof["faces_per_shot"].append(float(getattr(shot, "people", 0)))
    for r in getattr(result, "readings", ()) or ():
        prof["alignment_score"].append(float(r.score))
        snr = (r.signals or {}).get("snr_db")
        if isinstance(snr, (int, float)) and math.isfinite(snr):
            prof["snr_db"].append(float(snr))
        words = max(0, r.word_span[1] - r.word_span[0])
        if r.end > r.start and words:
            prof["speech_rate_wps"].append(words / (r.end - r.start))
    return {k: v for k, v in prof.items() if v}


def _psi(ref_p: list[float], new_p: list[float]) -> float:
    total = 0.0
    for e, a in zip(ref_p, new_p):
        e, a = max(e, _FLOOR), max(a, _FLOOR)
        total += (a - e) * math.log(a / e)
    return total


def psi_numeric(reference, new, bins: int = 10) -> float:
    """PSI of ``new`` against ``reference`` with bin edges at the reference's quantiles."""
    import numpy as np

    ref, cur = np.asarray(reference, float), np.asarray(new, float)
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
    ref_c = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1)
    cur_c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1)
    return _psi(list(ref_c / ref_c.sum()), list(cur_c / cur_c.sum()))


def psi_categorical(reference, new) -> float:
    rc, nc = Counter(reference), Counter(new)
    cats = sorted(set(rc) | set(nc))
    return _psi([rc[c] / len(reference) for c in cats], [nc[c] / len(new) for c in cats])


def drift_report(reference: dict, new: dict, threshold: float = PSI_WARN) -> dict:
    """``{"features": {name: {psi, ks, ks_p, n_ref, n_new, drift}}, "max_score", "warnings"}``."""
    from scipy.stats import ks_2samp

    features, warnings = {}, []
    for name in sorted(set(reference) & set(new)):
        ref, cur = reference[name], new[name]
        if not ref or not cur:
            continue
        row: dict = {"n_ref": len(ref), "n_new": len(cur)}
        if name in CATEGORICAL:
            row["psi"] = round(psi_categorical(ref, cur), 4)
        else:
            row["psi"] = round(psi_numeric(ref, cur), 4)
            ks = ks_2samp(ref, cur, method="asymp")  # the exact method is slow at thousands of samples
            row["ks"], row["ks_p"] = round(float(ks.statistic), 4), float(ks.pvalue)
        row["drift"] = bool(row["psi"] > threshold and len(ref) >= MIN_SAMPLES and len(cur) >= MIN_SAMPLES)
        if row["drift"]:
            warnings.append(f"input drift: {name} PSI {row['psi']:.2f} > {threshold:.2f} "
                            f"(new material unlike this show's reference)")
        features[name] = row
    scored = [r["psi"] for r in features.values() if r["n_ref"] >= MIN_SAMPLES and r["n_new"] >= MIN_SAMPLES]
    return {"schema": DRIFT_SCHEMA, "threshold": threshold, "features": features,
            "max_score": max(scored, default=0.0), "warnings": warnings}


def _cap(samples: list, cap: int = REFERENCE_CAP) -> list:
    if len(samples) <= cap:
        return list(samples)
    step = len(samples) / cap
    return [samples[int(i * step)] for i in range(cap)]


class DriftStore:
    """Each show's reference profile and its last drift report."""

    def __init__(self, root=None):
        from .acceptance import _check_show, default_ops_dir

        self._check = _check_show
        self.root = (Path(root) if root is not None else default_ops_dir()) / "drift"

    def _path(self, show: str) -> Path:
        return self.root / f"{self._check(show)}.json"

    def load(self, show: str) -> dict:
        import json

        path = self._path(show)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"schema": DRIFT_SCHEMA, "show": show, "reference": {}, "last": None}
        except (OSError, ValueError) as exc:
            raise RoughcutError(f"{path}: unreadable drift profile: {exc}") from exc

    def set_reference(self, show: str, profile: dict) -> dict:
        doc = self.load(show)
        doc["reference"] = {k: _cap(v) for k, v in profile.items()}
        atomic_write_json(self._path(show), doc)
        return doc

    def check(self, show: str, profile: dict, *, extend_reference: bool = False,
              threshold: float = PSI_WARN) -> dict:
        """Score ``profile`` against the show's reference and keep the report as ``last``.
        With no reference yet, ``profile`` becomes it (report says ``"reference_created"``).
        ``extend_reference`` adds non-drifting material to the reference afterwards."""
        doc = self.load(show)
        if not doc.get("reference"):
            doc["reference"] = {k: _cap(v) for k, v in profile.items()}
            report = {"schema": DRIFT_SCHEMA, "threshold": threshold, "features": {}, "max_score": 0.0,
                      "warnings": [], "reference_created": True}
        else:
            report = drift_report(doc["reference"], profile, threshold)
            if extend_reference and not report["warnings"]:
                for k, v in profile.items():
                    doc["reference"][k] = _cap([*doc["reference"].get(k, []), *v])
        doc["last"] = report
        atomic_write_json(self._path(show), doc)
        return report

    def shows(self) -> list[str]:
        return sorted(p.stem for p in self.root.glob("*.json")) if self.root.is_dir() else []

    def last_reports(self) -> dict:
        return {s: (self.load(s).get("last") or {"max_score": 0.0, "warnings": []}) for s in self.shows()}
