"""Per-reading signals from the file analyses (camera motion, music), and room-tone markers.

Contract:
- ``analysis_signals(reading, analysis)`` -> dict of the signals below for one reading, from its
  file's ``analyze_asset(..., include_track=True)`` dict; a signal that cannot be measured (no
  motion pairs inside the reading, no sound analysis) is absent:
  - ``camera_motion``: label, the reading span's camera motion class (``analyses.motion``); a
    pan or zoom inside a shot classed as a track or dolly the same way (``shot_kind``: the shot
    holding most of the reading) takes the shot's kind: parallax needs the shot's whole
    horizon (the per-pair track has no layers), the move's direction is the reading's own;
  - ``camera_shake``: 0..1, high-frequency jitter over the reading (1 = twice the handheld level);
  - ``camera_search``: 0..1, how much the frame wanders back and forth: 1 - |net move| / path
    length of the smoothed pan/tilt path, when the path is longer than SEARCH_PATH frame widths
    (a deliberate pan goes one way: 0; a camera hunting for its subject reverses: near 1);
  - ``camera_move_in`` / ``camera_move_out``: frame widths per second of pan/tilt (plus zoom) over
    the first / last EDGE_S seconds of the reading, where the editor cuts;
  - ``camera_pan_in`` / ``camera_pan_out`` / ``camera_tilt_in`` / ``camera_tilt_out``: the signed
    content motion there (frame widths per second; x < 0: the camera pans right; y > 0: it tilts
    up), so the assembly can avoid cutting between opposing moves;
  - ``camera_zoom_in`` / ``camera_zoom_out``: the signed log scale rate there (per second; > 0:
    the content grows, a zoom or dolly in), for the same check on moves in and out;
  - ``music_under``: 0..1 share of the reading with music under the dialogue (or music events).
- ``shot_kind(analysis, a, b)`` -> the camera motion kind of the shot holding at least half of
  [a, b] seconds (None: no such shot).
- ``add_analysis_signals(readings, analyses_by_path)`` -> readings with those signals merged in.
- ``room_tone_markers(cut, analyses_by_path)`` -> markers on the cut's timeline where a used
  clip's source holds room tone (a silence of at least 1 s): the sound editor's fill.
- ``clip_direction(analysis, src_in, src_out, rate)`` -> signed pan/tilt rates over a source
  range (for the assembly's opposite-direction check).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Optional, Sequence

import numpy as np

EDGE_S = 0.4
SEARCH_PATH = 0.08   # frame widths of smoothed path below which the frame is not wandering
MOVING_AT_CUT = 0.12  # frame widths / s: above this, the frame is visibly moving at the cut


def _pairs(analysis: Mapping, a: float, b: float) -> np.ndarray:
    tr = analysis.get("motion_track") or []
    if not tr:
        return np.zeros((0, 5))
    arr = np.asarray(tr, dtype=float)
    sel = (arr[:, 0] >= a) & (arr[:, 0] + arr[:, 1] <= b + 1e-6)
    return arr[sel]


def _rate(p: np.ndarray) -> Optional[float]:
    if len(p) < 2:
        return None
    span = float(p[:, 1].sum())
    if span <= 0:
        return None
    return float(np.hypot(p[:, 2].sum(), p[:, 3].sum()) / span + abs(p[:, 4].sum()) / span)


def shot_kind(analysis: Mapping, a: float, b: float) -> Optional[str]:
    """The camera motion kind of the shot that holds most of [a, b] seconds (at least half of
    it); None when no shot does or the analysis has no shots."""
    from fractions import Fraction

    shots = analysis.get("shots") or []
    if not shots or b <= a:
        return None
    fps = float(Fraction(analysis["rate"])) if analysis.get("rate") else 25.0
    best, cover = None, 0.0
    for sh in shots:
        c = min(b, sh["end_frame"] / fps) - max(a, sh["start_frame"] / fps)
        if c > cover:
            best, cover = sh, c
    if best is None or cover < 0.5 * (b - a):
        return None
    return (best.get("camera_motion") or {}).get("kind")


def analysis_signals(reading, analysis: Optional[Mapping]) -> dict:
    """Signals for one reading (module contract)."""
    from .motion import JITTER_HANDHELD, PARALLAX_KINDS, FrameMotion, classify_motion

    out: dict = {}
    if not analysis:
        return out
    a, b = float(reading.start), float(reading.end)
    p = _pairs(analysis, a, b)
    if len(p) >= 4:
        # classify_motion takes consecutive pairs; gaps (skipped pairs) only shorten the span
        motions = [FrameMotion(float(r[2]), float(r[3]), float(r[4]), 0.0, 0) for r in p]
        ts = np.cumsum([0.0] + [float(r[1]) for r in p]) + a
        cm = classify_motion(list(ts), motions)
        out["camera_motion"] = cm.kind
        if cm.kind in PARALLAX_KINDS and shot_kind(analysis, a, b) == PARALLAX_KINDS[cm.kind]:
            out["camera_motion"] = PARALLAX_KINDS[cm.kind]  # the shot's track/dolly, this direction
        out["camera_shake"] = round(float(np.clip(cm.jitter / (2 * JITTER_HANDHELD), 0.0, 1.0)), 3)
        # wandering: smoothed pan/tilt path length against the net move
        n = max(3, int(round(0.3 / max(float(np.median(p[:, 1])), 1e-3))))
        k = np.ones(n) / n
        vx = np.convolve(p[:, 2], k, mode="valid") if len(p) >= n else p[:, 2]
        vy = np.convolve(p[:, 3], k, mode="valid") if len(p) >= n else p[:, 3]
        path = float(np.sum(np.hypot(vx, vy)))
        net = float(np.hypot(vx.sum(), vy.sum()))
        out["camera_search"] = round(1.0 - net / path, 3) if path >= SEARCH_PATH else 0.0
    for end, lo, hi in (("in", a, a + EDGE_S), ("out", b - EDGE_S, b)):
        edge = _pairs(analysis, lo, hi)
        r = _rate(edge)
        if r is not None:
            span = float(edge[:, 1].sum())
            out[f"camera_move_{end}"] = round(r, 4)
            out[f"camera_pan_{end}"] = round(float(edge[:, 2].sum()) / span, 4)
            out[f"camera_tilt_{end}"] = round(float(edge[:, 3].sum()) / span, 4)
            out[f"camera_zoom_{end}"] = round(float(edge[:, 4].sum()) / span, 4)
    if analysis.get("sound_events") or analysis.get("music_under_dialogue"):
        spans = [(e["start"], e["end"]) for e in analysis.get("music_under_dialogue", [])]
        spans += [(e["start"], e["end"]) for e in analysis.get("sound_events", []) if e.get("label") == "music"]
        cover = sum(max(0.0, min(b, e) - max(a, s)) for s, e in spans)
        out["music_under"] = round(float(np.clip(cover / max(b - a, 1e-3), 0.0, 1.0)), 3)
    return out


def add_analysis_signals(readings: Sequence, analyses_by_path: Mapping[str, Mapping]) -> tuple:
    """Readings with the analysis signals merged into ``signals`` (others' keys untouched)."""
    out = []
    for r in readings:
        sig = analysis_signals(r, analyses_by_path.get(r.path))
        out.append(replace(r, signals={**r.signals, **sig}) if sig else r)
    return tuple(out)


def clip_direction(analysis: Optional[Mapping], t0: float, t1: float) -> Optional[tuple[float, float]]:
    """(pan rate, tilt rate) of the content in frame widths/s over [t0, t1) (None: not measured).
    The content moves left (negative x) when the camera pans right."""
    if not analysis:
        return None
    p = _pairs(analysis, t0, t1)
    if len(p) < 2:
        return None
    span = float(p[:, 1].sum())
    return float(p[:, 2].sum() / span), float(p[:, 3].sum() / span)


def room_tone_markers(cut, analyses_by_path: Mapping[str, Mapping], min_s: float = 1.0) -> tuple:
    """Markers (grey-green, ``Marker``) at each used clip's room-tone spans (see contract)."""
    from ..model import Marker
    from ..timebase import frames_to_seconds

    out = []
    for d in cut.decisions:
        if d.gap:
            continue
        a = analyses_by_path.get(d.path)
        if not a:
            continue
        s0 = float(frames_to_seconds(d.src_in, d.rate))
        s1 = float(frames_to_seconds(d.src_out, d.rate))
        for rt in a.get("room_tone", []):
            lo, hi = max(s0, rt["start"]), min(s1, rt["end"])
            if hi - lo < min_s:
                continue
            fps = d.rate.num / d.rate.den
            frame = d.rec_in + int(round((lo - s0) * fps))
            out.append(Marker(frame=frame, name="room tone", duration=max(1, int((hi - lo) * fps)),
                              note=f"room tone {hi - lo:.1f} s in {d.path.rsplit('/', 1)[-1]} "
                                   f"({lo:.2f}-{hi:.2f} s of the source)", color="Green"))
    return tuple(out)
