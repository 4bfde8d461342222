"""The kind of a word-level defect, read from the sound: dropped, added or substituted.

Contract: ``deviation_kind(ref, reading)`` takes the MFCC frames (``acoustic.features``) of a
clean delivery of the line from another take and of the reading, both trimmed to the line, and
returns ``(kind, strength)`` for the stretch where they differ most, or None when either is too
short. Both directions are aligned with end-pinned DTW:

- reference frames as the query: the stretch of the reference whose match costs most (its
  smoothed local cost above the middle of the way from the median to the peak) is found; when
  the reading frames it maps onto cover less than ``DROP_SHARE`` of its length, the reading
  has no counterpart for it → ``missing_words``;
- reading frames as the query: the same for a stretch of the reading; when the reference
  frames it maps onto cover less than ``ADD_SHARE`` of its length (an added word meets only the
  junction between two reference words) → ``ad_lib``;
- otherwise both sides have a counterpart of about the same length → ``substitution``.
When both a drop and an add show, the one with the higher cost peak wins. ``strength`` is that
peak over the median local cost. Between ``ADD_SHARE`` and ``MAYBE_ADD_SHARE`` an added word and
a short word replaced by a longer one look alike (measured: adds 0.00-0.33, such substitutions
0.32-0.48): ``substitution`` is returned with ``alt="ad_lib"``, for the caller to break the tie
(the recogniser heard an extra word; ``evidence._tie`` also asks that for a clear ``ad_lib``, as
a long word replacing a short one can fall under ``ADD_SHARE`` too). ``deviation_kind`` returns
``(kind, strength, alt)``. The recogniser's own word labels are not used: it mishears
around a flub (an added word heard as a changed one, a dropped word filled back in).
Pure function of the frames.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from . import acoustic as ac

SMOOTH = 9          # frames (90 ms) of local cost averaged before the peak is looked for
EDGE = 3            # frames at either end left out of the peak search (bounds are approximate)
DROP_SHARE = 0.5
ADD_SHARE = 0.3     # measured on seeds 3-19: added words 0.00-0.33, substituted short words 0.32-0.48
MAYBE_ADD_SHARE = 0.5
MIN_FRAMES = 15


def _worst_stretch(query: np.ndarray, target: np.ndarray) -> Optional[tuple[int, int, float]]:
    """(query frames in the worst stretch, target frames they map onto, peak / median)."""
    w = ac.dtw(query, target, open_end=False)
    if w is None:
        return None
    n = len(query)
    sm = np.convolve(w.local, np.ones(SMOOTH) / SMOOTH, mode="same")
    med = float(np.median(w.local)) + 1e-6
    inner = sm[EDGE:n - EDGE] if n > 2 * EDGE + 1 else sm
    c = int(np.argmax(inner)) + (EDGE if n > 2 * EDGE + 1 else 0)
    thr = max(1.25 * med, med + 0.5 * (sm[c] - med))
    i0 = c
    while i0 > 0 and sm[i0 - 1] > thr:
        i0 -= 1
    i1 = c + 1
    while i1 < n and sm[i1] > thr:
        i1 += 1
    # path[i] is the last target frame visited in query row i: rows i0..i1-1 cover the target
    # frames after path[i0 - 1] up to path[i1 - 1]
    t0 = int(w.path[i0 - 1]) + 1 if i0 > 0 else 0
    t1 = int(w.path[i1 - 1]) + 1
    return i1 - i0, max(0, t1 - t0), float(sm[c] / med)


def deviation_kind(ref: np.ndarray, reading: np.ndarray) -> Optional[tuple[str, float, Optional[str]]]:
    """(kind, strength, alt) of the largest difference between the deliveries (module contract)."""
    if len(ref) < MIN_FRAMES or len(reading) < MIN_FRAMES:
        return None
    a = _worst_stretch(ref, reading)
    b = _worst_stretch(reading, ref)
    if a is None or b is None:
        return None
    drop = a[1] < DROP_SHARE * a[0]
    add = b[1] < ADD_SHARE * b[0]
    if drop and (not add or a[2] >= b[2]):
        return "missing_words", a[2], None
    if add:
        return "ad_lib", b[2], None
    maybe = b[1] < MAYBE_ADD_SHARE * b[0]
    return "substitution", max(a[2], b[2]), ("ad_lib" if maybe else None)
