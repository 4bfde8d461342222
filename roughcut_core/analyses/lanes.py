"""Review-page lanes from the file analyses: camera motion and sound events along the cut.

Contract: ``review_lanes(cut, analyses_by_path)`` -> tuple of :class:`Lane` (``"camera"``,
``"sound"``), each a tuple of :class:`LaneSegment` ``(rec_in, rec_out, label, detail)`` in
record frames of the cut (exclusive out), for the main-track clips whose file was analysed:
- camera: each shot overlapping the clip's source range, labelled with its camera motion class;
- sound: each sound event overlapping the clip's sound range (``audio_in``/``audio_out`` when the
  edit is split), labelled speech / music / applause / silence / noise / laughter.
Segments never leave their clip. Empty lanes are left out (nothing analysed: no lane).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping


@dataclass(frozen=True)
class LaneSegment:
    rec_in: int
    rec_out: int
    label: str
    detail: str = ""


@dataclass(frozen=True)
class Lane:
    name: str
    segments: tuple[LaneSegment, ...]


def _fr(rate) -> Fraction:
    return Fraction(rate.num, rate.den)


def review_lanes(cut, analyses_by_path: Mapping[str, Mapping]) -> tuple[Lane, ...]:
    camera: list[LaneSegment] = []
    sound: list[LaneSegment] = []
    tl = _fr(cut.rate)
    for d in sorted(cut.decisions, key=lambda x: x.rec_in):
        a = analyses_by_path.get(d.path)
        if d.gap or not a or d.video_track != 1:
            continue
        src = _fr(d.rate)
        rec_end = d.rec_in + int((d.src_out - d.src_in) * tl / src)

        def to_rec(f_src: Fraction) -> int:  # source frame (may be fractional) -> record frame
            return max(d.rec_in, min(rec_end, d.rec_in + int(round((f_src - d.src_in) * tl / src))))

        for s in a.get("shots", []):
            lo, hi = max(d.src_in, s["start_frame"]), min(d.src_out, s["end_frame"])
            if hi > lo:
                cm = s.get("camera_motion", {})
                camera.append(LaneSegment(to_rec(Fraction(lo)), to_rec(Fraction(hi)), cm.get("kind", "?"),
                                          f"{cm.get('kind', '?')} {cm.get('magnitude', 0):g}"))
        a_in = d.audio_in if d.audio_in is not None else d.src_in
        a_out = d.audio_out if d.audio_out is not None else d.src_out
        t0, t1 = Fraction(a_in) / src, Fraction(a_out) / src
        for e in a.get("sound_events", []):
            lo, hi = max(t0, Fraction(e["start"]).limit_denominator(100000)), min(t1, Fraction(e["end"]).limit_denominator(100000))
            if hi > lo:
                # sound at source frame f plays at rec_in + (f - src_in) (kept inside the clip)
                r0, r1 = to_rec(lo * src), to_rec(hi * src)
                if r1 > r0:
                    sound.append(LaneSegment(r0, r1, e["label"], f"{e['label']} {e.get('score', 0):.2f}"))
    return tuple(Lane(n, tuple(s)) for n, s in (("camera", camera), ("sound", sound)) if s)
