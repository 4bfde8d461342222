"""The cut's lines as candidate moments for a cut-down, with their words and their worth.

Contract: ``read_moments(otio_path)`` -> ``CutSource`` (the V1 clips of a cut written by
``roughcut cut``, in record order, one :class:`Moment` each; gaps and cutaways are left out).
``attach_words(moments, words_by_path)`` gives each moment the transcript words that lie in
its source range. ``score_moments(moments)`` returns them with ``value`` and ``role`` set from
three editorial cues:

- performance: the clip's ranking score (``metadata["roughcut"]["score"]``);
- intensity: ``arousal`` / ``face_expressiveness`` from the reading's signals when the cut's
  metadata carries them (``signals`` or ``terms``), else the words' punctuation (``!``/``?``);
- script importance: the scene's last line (payoff), its first line (setup), turning points
  (a question, a contradiction: "but", "why", "then", negations) and lines later lines refer to
  (a content word taken up again by a later line).

Times are source seconds from the file's first sample (DESIGN §3); frames are file-relative
at the clip's own rate, out points exclusive.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Optional

from ..errors import RoughcutError
from ..model import Word

STOPWORDS = frozenset(
    "the a an and or but to of in on at by for with is are was were be been am i you he she it we they me my "
    "your his her our their this that what why how when where who not no do does did don't i'm you'd it's "
    "about from into over than then there here just so very have has had will would can could mostly".split())
TURN_WORDS = frozenset("but why then yet still never lie lied please no not don't won't can't".split())


@dataclass(frozen=True)
class Moment:
    """One V1 clip of the cut: a whole line (or lines) read in one take."""

    index: int
    path: str
    rate: Fraction
    start_frame: int          # the file's start timecode in frames (OTIO timecode space)
    src_in: int               # file-relative frames, exclusive out
    src_out: int
    line_ids: tuple[str, ...]
    text: str
    score: float = 0.5
    signals: dict = field(default_factory=dict, compare=False, hash=False)
    frames_available: int = 0
    words: tuple[Word, ...] = ()
    value: float = 0.0
    role: str = ""
    why: tuple[str, ...] = ()

    @property
    def scene_id(self) -> str:
        return self.line_ids[0].rsplit("-", 1)[0] if self.line_ids else ""

    @property
    def seconds(self) -> float:
        return float((self.src_out - self.src_in) / self.rate)

    def t(self, frame: int) -> float:
        return float(Fraction(frame) / self.rate)


@dataclass(frozen=True)
class CutSource:
    path: str
    name: str
    rate: Fraction            # timeline rate
    moments: tuple[Moment, ...]


def _rate(value) -> Fraction:
    if not isinstance(value, (int, float, str, Fraction)):
        value = list(value)   # OTIO's AnyVector
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return Fraction(int(value[0]), int(value[1]))
    return Fraction(value).limit_denominator(1001)


def read_moments(otio_path) -> CutSource:
    """The cut's picture clips as moments (``RoughcutError`` naming the file when unusable)."""
    import opentimelineio as otio

    try:
        tl = otio.adapters.read_from_file(str(otio_path))
    except Exception as exc:
        raise RoughcutError(f"{otio_path}: cannot read the timeline: {exc}") from exc
    tracks = tl.video_tracks()
    if not tracks:
        raise RoughcutError(f"{otio_path}: the timeline has no picture track")
    moments = []
    for clip in tracks[0].find_clips():
        meta = dict(clip.metadata.get("roughcut") or {})
        ref = clip.media_reference
        url = getattr(ref, "target_url", None)
        if not url:
            continue
        path = url[7:] if url.startswith("file://") else url
        sr = clip.source_range
        rate = _rate(meta["rate"]) if "rate" in meta else _rate(sr.start_time.rate)
        offset = int(round(ref.available_range.start_time.value)) if ref.available_range else 0
        avail = int(round(ref.available_range.duration.value)) if ref.available_range else 0
        src_in = int(meta.get("src_in", int(round(sr.start_time.value)) - offset))
        src_out = int(meta.get("src_out", src_in + int(round(sr.duration.value))))
        lines = [str(x) for x in (meta.get("lines") or []) if x]
        signals = dict(meta.get("signals") or {})
        for k, v in dict(meta.get("terms") or {}).items():
            signals.setdefault(f"term_{k}", v)
        moments.append(Moment(
            index=len(moments), path=path, rate=rate, start_frame=int(meta.get("start_frame", offset)),
            src_in=src_in, src_out=src_out, line_ids=tuple(str(x) for x in meta.get("line_ids") or ()),
            text=" ".join(lines) or clip.name, score=float(meta.get("score", 0.5)), signals=signals,
            frames_available=avail))
    if not moments:
        raise RoughcutError(f"{otio_path}: the timeline has no clips to cut down")
    rate = tl.global_start_time.rate if tl.global_start_time is not None else moments[0].rate
    return CutSource(path=str(otio_path), name=tl.name or Path(str(otio_path)).stem,
                     rate=_rate((tl.metadata.get("roughcut") or {}).get("rate") or rate), moments=tuple(moments))


def words_in(words, t0: float, t1: float) -> tuple[Word, ...]:
    """Words whose middle lies in [t0, t1)."""
    return tuple(w for w in words if t0 <= (w.start + w.end) / 2 < t1)


def attach_words(moments, words_by_path: dict) -> tuple[Moment, ...]:
    out = []
    for m in moments:
        words = words_by_path.get(m.path) or ()
        out.append(replace(m, words=words_in(words, m.t(m.src_in), m.t(m.src_out))))
    return tuple(out)


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", text.lower()) if len(w) >= 4 and w not in STOPWORDS}


def _intensity(m: Moment) -> Optional[float]:
    s = m.signals
    vals = [float(s[k]) for k in ("arousal", "face_expressiveness") if isinstance(s.get(k), (int, float))]
    return sum(vals) / len(vals) if vals else None


def score_moments(moments) -> tuple[Moment, ...]:
    """Each moment with ``value`` (0..~3), ``role`` (setup/turn/payoff/"") and ``why``."""
    moments = tuple(moments)
    if not moments:
        return moments
    by_scene: dict[str, list[int]] = {}
    for i, m in enumerate(moments):
        by_scene.setdefault(m.scene_id, []).append(i)
    words = [_content_words(m.text) for m in moments]
    out = []
    for i, m in enumerate(moments):
        why = [f"performance {m.score:.2f}"]
        value = 1.0 * m.score
        inten = _intensity(m)
        text = m.text.strip()
        if inten is not None:
            value += 0.8 * inten
            why.append(f"intensity {inten:.2f}")
        elif text.endswith("!"):
            value += 0.3
            why.append("exclaimed")
        scene = by_scene[m.scene_id]
        tokens = set(re.findall(r"[a-z']+", text.lower()))
        turn = text.endswith("?") or bool(tokens & TURN_WORDS)
        refs = sum(1 for j in range(i + 1, len(moments)) if words[i] & words[j])
        role = ""
        if i == scene[-1]:
            role, value = "payoff", value + 1.0
            why.append("the scene's last line (payoff)")
        elif i == scene[0]:
            role, value = "setup", value + 0.6
            why.append("the scene's first line (setup)")
        if turn:
            value += 0.5
            role = role or "turn"
            why.append("a turning point (question or contradiction)")
        if refs:
            value += 0.3 * min(refs, 2)
            why.append(f"taken up by {refs} later line{'s' if refs > 1 else ''}")
        out.append(replace(m, value=round(value, 4), role=role, why=tuple(why)))
    return tuple(out)
