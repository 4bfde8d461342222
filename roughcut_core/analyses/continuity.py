"""Continuity hints between adjacent clips of a cut: markers with a reason, never a change of the cut.

Contract: ``continuity_hints(cut, pictures, frame_at=None)`` -> tuple of :class:`ContinuityHint`,
for each pair of consecutive picture clips on the main track (``video_track`` 1, not gaps):

- ``screen_side``: a character seen in both clips sits left of centre in one and right of centre in
  the other (both at least ``SIDE_MARGIN`` of the frame width off centre) while another character
  is in frame in at least one of them: the 180-degree rule may be crossed. Confidence grows with
  how far off centre both are.
- ``jump``: the clips come from one setup family (same ``setup`` label, else same shot size and
  the same characters) and the character's face moves by more than ``JUMP_POS`` frame widths or
  changes size by more than ``JUMP_SIZE`` (ratio): a jump cut between takes of one setup.
- ``colour``: same setup family, and the mean colour of the character's face region differs by
  more than ``COLOUR_DE`` (CIE76 Delta E on L*a*b*) between the outgoing clip's last frame and the
  incoming clip's first frame: a lighting/colour jump between takes. Needs ``frame_at(path, t)``
  -> RGB uint8 (default: the cached thumbnail extractor of the picture stage); skipped without it.

``pictures`` maps a decision's ``path`` to its picture-stage analysis (``PictureAnalysis``: tracks
of normalised face boxes with ``character`` names, shots with ``shot_size``). Faces are taken at
the sample nearest to the edit (within ``EDGE_S`` seconds). ``as_markers(hints)`` turns hints into
timeline markers at the incoming clip's record frame; ``add_continuity_markers(cut, pictures)``
returns the cut with those markers appended (decisions untouched).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Mapping, Optional

import numpy as np

SIDE_MARGIN = 0.08
JUMP_POS = 0.12
JUMP_SIZE = 1.35
COLOUR_DE = 12.0
EDGE_S = 1.0


@dataclass(frozen=True)
class ContinuityHint:
    kind: str            # "screen_side" | "jump" | "colour"
    rec_frame: int       # record frame of the incoming clip (timeline-relative)
    outgoing: str        # decision ids
    incoming: str
    character: str
    reason: str
    confidence: float

    def to_json(self) -> dict:
        return {"kind": self.kind, "rec_frame": self.rec_frame, "outgoing": self.outgoing,
                "incoming": self.incoming, "character": self.character, "reason": self.reason,
                "confidence": round(self.confidence, 3)}


@dataclass(frozen=True)
class _Edge:
    faces: dict          # character -> (x, y, w, h) normalised
    shot_size: str
    t: float


def _edge(picture, t: float) -> Optional[_Edge]:
    faces: dict = {}
    for tr in getattr(picture, "tracks", ()) or ():
        if not tr.character or not tr.boxes:
            continue
        b = min(tr.boxes, key=lambda fb: abs(fb.t - t))
        if abs(b.t - t) <= EDGE_S:
            prev = faces.get(tr.character)
            if prev is None or abs(b.t - t) < prev[1]:
                faces[tr.character] = (tuple(b.box), abs(b.t - t))
    size = getattr(picture, "shot_size", "unknown")
    for s in getattr(picture, "shots", ()) or ():
        if s.start <= t < s.end:
            size = s.shot_size
    return _Edge({k: v[0] for k, v in faces.items()}, size, t)


# sRGB (D65) -> CIE XYZ, and the D65 white point: the constants OpenCV's RGB2Lab uses, so the hints
# match what cv2.cvtColor gave; computed here because OpenCV builds its Lab tables on first use
# (0.1 CPU s per process, the largest single cost of a cut regenerated from the cache).
_RGB_TO_XYZ = np.array([[0.412453, 0.357580, 0.180423],
                        [0.212671, 0.715160, 0.072169],
                        [0.019334, 0.119193, 0.950227]])
_WHITE_D65 = np.array([0.950456, 1.0, 1.088754])


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of sRGB values in 0..1, shape (..., 3) -> (..., 3): L in 0..100."""
    c = np.asarray(rgb, dtype=np.float64)
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _RGB_TO_XYZ.T / _WHITE_D65
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16.0 / 116.0)
    y = xyz[..., 1]
    lightness = np.where(y > 0.008856, 116.0 * f[..., 1] - 16.0, 903.3 * y)
    return np.stack([lightness, 500.0 * (f[..., 0] - f[..., 1]), 200.0 * (f[..., 1] - f[..., 2])], axis=-1)


def _lab_mean(rgb: np.ndarray, box) -> Optional[np.ndarray]:
    h, w = rgb.shape[:2]
    x, y, bw, bh = box
    # the central part of the face box: skin, not background or hair
    x0, x1 = int((x + bw * 0.25) * w), int((x + bw * 0.75) * w)
    y0, y1 = int((y + bh * 0.3) * h), int((y + bh * 0.8) * h)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    patch = rgb[max(0, y0):y1, max(0, x0):x1]
    if patch.size == 0:
        return None
    return srgb_to_lab(patch.reshape(-1, 3) / 255.0).mean(axis=0)


def _thumbnail_frame(path: str, t: float) -> np.ndarray:
    import cv2

    from ..picture.decode import extract_thumbnail

    data = np.frombuffer(extract_thumbnail(path, t, width=320), np.uint8)
    return cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def _centre(box) -> tuple[float, float]:
    return box[0] + box[2] / 2, box[1] + box[3] / 2


def continuity_hints(cut, pictures: Mapping[str, object],
                     frame_at: Optional[Callable[[str, float], np.ndarray]] = _thumbnail_frame) -> tuple[ContinuityHint, ...]:
    clips = sorted((d for d in cut.decisions if not d.gap and d.video_track == 1 and d.media_type != "audio"),
                   key=lambda d: d.rec_in)
    hints: list[ContinuityHint] = []
    for a, b in zip(clips, clips[1:]):
        pa, pb = pictures.get(a.path), pictures.get(b.path)
        if pa is None or pb is None:
            continue
        ta = max(0.0, (a.src_out - 1) / float(a.rate.num / a.rate.den))
        tb = b.src_in / float(b.rate.num / b.rate.den)
        ea, eb = _edge(pa, ta), _edge(pb, tb)
        common = sorted(set(ea.faces) & set(eb.faces))
        if a.setup is not None and b.setup is not None:
            family = a.setup == b.setup
        else:
            family = ea.shot_size == eb.shot_size and ea.shot_size != "unknown" and set(ea.faces) == set(eb.faces)
        several = len(ea.faces) > 1 or len(eb.faces) > 1
        for ch in common:
            ba, bb = ea.faces[ch], eb.faces[ch]
            (xa, ya), (xb, yb) = _centre(ba), _centre(bb)
            oa, ob = xa - 0.5, xb - 0.5
            if several and oa * ob < 0 and min(abs(oa), abs(ob)) >= SIDE_MARGIN:
                conf = float(min(1.0, (abs(oa) + abs(ob)) / 0.5))
                sides = ("left", "right") if oa < 0 else ("right", "left")
                hints.append(ContinuityHint("screen_side", b.rec_in, a.id, b.id, ch,
                                            f"{ch} is screen {sides[0]} then screen {sides[1]}: "
                                            f"the 180-degree line may be crossed", conf))
            if not family:
                continue
            move = float(np.hypot(xb - xa, (yb - ya) * 0.5625))
            ratio = float(max(bb[2], 1e-3) / max(ba[2], 1e-3))
            ratio = max(ratio, 1 / ratio)
            if move > JUMP_POS or ratio > JUMP_SIZE:
                conf = float(min(1.0, max(move / (2 * JUMP_POS), (ratio - 1) / (2 * (JUMP_SIZE - 1)))))
                hints.append(ContinuityHint("jump", b.rec_in, a.id, b.id, ch,
                                            f"{ch} moves {move:.2f} frame widths / size x{ratio:.2f} "
                                            f"between takes of one setup", conf))
            if frame_at is not None:
                try:
                    la = _lab_mean(frame_at(a.path, ta), ba)
                    lb = _lab_mean(frame_at(b.path, tb), bb)
                except Exception:  # a frame that cannot be read gives no colour hint, never a failure
                    la = lb = None
                if la is not None and lb is not None:
                    de = float(np.linalg.norm(la - lb))
                    if de > COLOUR_DE:
                        hints.append(ContinuityHint("colour", b.rec_in, a.id, b.id, ch,
                                                    f"{ch}'s face colour/lighting changes (Delta E {de:.1f}) "
                                                    f"between takes of one setup", float(min(1.0, de / (3 * COLOUR_DE)))))
    return tuple(hints)


def as_markers(hints) -> tuple:
    from ..model import Marker

    return tuple(Marker(frame=h.rec_frame, name=f"continuity: {h.kind} ({h.character})",
                        note=f"{h.reason} (confidence {h.confidence:.2f})", color="Yellow") for h in hints)


def named_pictures(pairs, readings=(), characters=(), binding=None) -> dict:
    """path -> picture analysis whose face tracks carry the character bound by the picture stage's
    cast binding (``picture.cast.bind_cast``, or ``binding`` when the caller has it; an unnamed
    person keeps its cluster id, so the same face is still followed across clips).
    ``pairs``: (media path, PictureAnalysis)."""
    pairs = [(path, pic) for path, pic in pairs if pic is not None]
    if binding is None:
        from ..picture.cast import bind_cast

        binding = bind_cast([pic for _, pic in pairs], readings, characters)
    out = {}
    for path, pic in pairs:
        tracks = tuple(replace(t, character=t.character or binding.label(pic.path, t.track)) for t in pic.tracks)
        out[path] = replace(pic, tracks=tracks)
    return out


def add_continuity_markers(cut, pictures: Mapping[str, object], frame_at=_thumbnail_frame):
    """The cut with one timeline marker per continuity hint appended; decisions untouched."""
    hints = continuity_hints(cut, pictures, frame_at)
    if not hints:
        return cut
    return replace(cut, markers=tuple(cut.markers) + as_markers(hints))
