"""The picture stage's face detections, looked up at any frame time (issue 23).

The picture stage (``analyzer.PictureAnalyzer``) runs BlazeFace (tiled, multiscale) on every
sample frame and keeps each face's box, keypoints and track. The per-reading face signals and
the blink probe (``expression``) need a face box on other frames of the same file; looking it up
here costs nothing, where detecting again cost about a third of a cold cut (issue 23).

Contract:
- ``StoredFaces.of(analysis) -> StoredFaces | None``: None when the analysis carries no
  keypoints (``PictureAnalysis.face_keypoints`` empty or not aligned with ``faces``: an analysis
  made before they were kept), so the caller detects as before.
- ``stored.at(t) -> list[Detection] | None`` (``t``: seconds from the stream's first frame, as
  both decoders count). None when no sample lies within ``REACH_S`` of ``t`` in the same shot
  (shot boundaries of the analysis): the caller must detect on that frame itself. Otherwise the
  detections of the nearest such sample (``[]`` when that sample found no face), each face moved
  linearly toward the same track's face at the sample on the other side of ``t`` when that
  sample is also within ``REACH_S`` and in the same shot (box and keypoints; score unchanged).
  At a sample's own time the stored detections come back as they were kept (4 decimals).
- ``stored.digest``: a short hex digest of everything ``at`` answers from (for cache keys).
Holds the file's faces in memory (a few hundred bytes a face); nothing global.
"""
from __future__ import annotations

import bisect
import hashlib
from typing import Optional

from .detector import Detection

REACH_S = 0.3  # dense sampling (4 fps) is 0.25 s apart; sparse stretches (1 fps) fall back


class StoredFaces:
    """Face detections of one picture analysis, by sample time (see the module doc)."""

    def __init__(self, sample_times, faces, keypoints, shot_starts=()):
        self._times = sorted({round(float(t), 4) for t in sample_times})
        self._bounds = sorted(float(s) for s in shot_starts if s > 0)
        self._by_time: dict[float, list[tuple]] = {t: [] for t in self._times}  # (track, box, kps, score)
        for fb, kp in zip(faces, keypoints):
            t = round(float(fb.t), 4)
            pts = tuple((float(kp[i]), float(kp[i + 1])) for i in range(0, len(kp) - 1, 2))
            entry = (int(fb.track), tuple(map(float, fb.box)), pts, float(fb.score))
            self._by_time.setdefault(t, []).append(entry)
        if len(self._by_time) != len(self._times):
            self._times = sorted(self._by_time)
        self._digest: Optional[str] = None

    @classmethod
    def of(cls, analysis) -> Optional["StoredFaces"]:
        """The analysis' detections, or None when it kept no keypoints for its faces."""
        if analysis is None:
            return None
        faces = tuple(getattr(analysis, "faces", ()) or ())
        kps = tuple(getattr(analysis, "face_keypoints", ()) or ())
        if len(kps) != len(faces) or not getattr(analysis, "sample_times", ()):
            return None
        return cls(analysis.sample_times, faces, kps, [s.start for s in analysis.shots])

    @property
    def digest(self) -> str:
        if self._digest is None:  # repr of floats is exact and the same on every run
            blob = repr((self._times, self._bounds, [self._by_time[t] for t in self._times])).encode()
            self._digest = hashlib.sha1(blob).hexdigest()[:16]
        return self._digest

    def _shot(self, t: float) -> int:
        return bisect.bisect_right(self._bounds, t)

    def at(self, t: float) -> Optional[list[Detection]]:
        """Detections at ``t`` (see the module doc); None: detect on that frame instead."""
        t = float(t)
        i = bisect.bisect_left(self._times, t - 1e-6)
        shot = self._shot(t)
        near = [s for s in (self._times[i - 1] if i > 0 else None,
                            self._times[i] if i < len(self._times) else None)
                if s is not None and abs(s - t) <= REACH_S + 1e-9 and self._shot(s) == shot]
        if not near:
            return None
        nearest = min(near, key=lambda s: (abs(s - t), s))
        other = next((s for s in near if s != nearest), None)
        others = {tr: (b, k) for tr, b, k, _sc in self._by_time[other]} if other is not None else {}
        out = []
        for tr, box, kps, score in self._by_time[nearest]:
            if tr in others and abs(t - nearest) > 1e-6:
                w = (t - nearest) / (other - nearest)
                ob, ok = others[tr]
                box = tuple(a + w * (b - a) for a, b in zip(box, ob))
                kps = tuple((a[0] + w * (b[0] - a[0]), a[1] + w * (b[1] - a[1])) for a, b in zip(kps, ok))
            out.append(Detection(box, score, kps))
        return out
