"""One cut-down: chosen lines + crop windows + captions -> OTIO, host plan, SRT/VTT.

Contract: ``build_cutdown(source, sources, target_s, aspect_text)`` -> :class:`Cutdown`
(``source`` a scored ``CutSource``, ``sources`` the ``{path: SourceInfo}`` of its files).
``write_cutdown(cd, out_dir)`` writes ``cutdown_<s>s_<w>x<h>.otio`` (+ ``.srt``, ``.vtt``,
``.plan.json``) and returns their paths. The OTIO timeline carries
``metadata["roughcut"]["cutdown"] = {"target_seconds", "aspect", "width", "height"}`` (and
``cutdown_info``: length, safe area, captions);
every clip ``metadata["roughcut"]["crop"]``: ``[{"frame", "x", "y", "w", "h"}]`` with
``frame`` a file-relative source frame and the window in displayed source pixels, in force
from that frame on. Every clip starts with a key at its own in point.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..edit.hostplan import cut_to_hostplan
from ..edit.otio_out import cut_to_otio
from ..fileio import atomic_write_json, atomic_write_text
from ..model import Cut, EditDecision, Marker
from ..timebase import Rate, convert_frames
from . import captions as C
from .moments import CutSource
from .reframe import CropKey, crop_at, crop_path, parse_aspect, safe_margins
from .select import choose
from .transforms import host_transform

SHORT_SIDE = 1080


def target_size(aspect: tuple[int, int]) -> tuple[int, int]:
    """Delivery size: the short side 1080 px (9:16 -> 1080x1920, 1:1 -> 1080x1080)."""
    aw, ah = aspect
    if aw <= ah:
        return SHORT_SIDE, int(round(SHORT_SIDE * ah / aw / 2)) * 2
    return int(round(SHORT_SIDE * aw / ah / 2)) * 2, SHORT_SIDE


def file_stem(target_s: float, aspect: tuple[int, int]) -> str:
    return f"cutdown_{target_s:g}s_{aspect[0]}x{aspect[1]}"


@dataclass(frozen=True)
class Clip:
    path: str
    rate: Fraction
    start_frame: int
    src_in: int
    src_out: int
    rec_in: int                  # timeline frames from the cut-down's start
    line_ids: tuple[str, ...]
    text: str
    score: float
    crop: tuple[CropKey, ...]
    source_size: tuple[int, int]
    why: str = ""                # marker note on a moment's first clip ("" on the others)
    role: str = ""
    framing: str = ""


@dataclass(frozen=True)
class Cutdown:
    name: str
    target_s: float
    aspect: str
    aspect_terms: tuple[int, int]
    width: int
    height: int
    rate: Fraction
    clips: tuple[Clip, ...]
    cues: tuple[C.Cue, ...]
    seconds: float
    warnings: tuple[str, ...] = ()

    @property
    def stem(self) -> str:
        return file_stem(self.target_s, self.aspect_terms)


def build_cutdown(source: CutSource, sources: dict, target_s: float, aspect_text: str) -> Cutdown:
    aspect = parse_aspect(aspect_text)
    aspect_text = f"{aspect[0]}:{aspect[1]}"
    width, height = target_size(aspect)
    words = {p: s.words for p, s in sources.items()}
    sel = choose(source.moments, target_s, words)
    rate = source.rate
    clips, timed, rec = [], [], 0
    warnings = list(sel.warnings)
    for ch in sel.chosen:
        m = ch.moment
        info = sources.get(m.path)
        size = (info.width, info.height) if info else (0, 0)
        if not info or not size[0]:
            warnings.append(f"{m.path}: picture unreadable, the crop is centred on a 1920x1080 guess")
            size = (1920, 1080)
        first_in = ch.pieces[0].src_in
        last_out = ch.pieces[-1].src_out
        keys, notes = crop_path(info.faces if info else (), info.shots if info else (),
                                float(first_in / m.rate), float(last_out / m.rate), m.rate, size, aspect, aspect_text)
        framing = "; ".join(dict.fromkeys(notes))
        why = f"{m.role or 'line'}: " + "; ".join(m.why) + (f"; framing: {framing}" if framing else "")
        # the script's spelling on the transcript's timing when the words pair up one to one
        tokens = m.text.split()
        spelled = dict(zip(m.words, tokens)) if len(tokens) == len(m.words) else {}
        for k, p in enumerate(ch.pieces):
            own = [key for key in keys if p.src_in < key.frame < p.src_out]
            start = crop_at(keys, p.src_in)
            crop = ((CropKey(p.src_in, start.x, start.y, start.w, start.h),) if start else ()) + tuple(own)
            clips.append(Clip(m.path, m.rate, m.start_frame, p.src_in, p.src_out, rec, m.line_ids, m.text, m.score,
                              crop, size, why if k == 0 else "", m.role, framing))
            t_rec = float(Fraction(rec) / rate)
            t_in = float(p.src_in / m.rate)
            for w in (info.words if info else ()):
                if p.src_in <= w.start * m.rate and w.end * m.rate <= p.src_out:
                    timed.append((spelled.get(w, w.text), t_rec + w.start - t_in, t_rec + w.end - t_in))
            length = p.src_out - p.src_in
            rec += length if Fraction(m.rate) == rate else max(1, convert_frames(
                length, Rate.from_fraction(m.rate), Rate.from_fraction(rate)))
        timed.append(None)
    cues = C.make_cues(timed, max_chars=26 if aspect[0] < aspect[1] else 34)
    return Cutdown(f"{source.name} {target_s:g}s {aspect_text}", float(target_s), aspect_text, aspect, width, height,
                   rate, tuple(clips), cues, float(Fraction(rec) / rate), tuple(warnings))


def to_cut(cd: Cutdown) -> Cut:
    """The cut-down as a core ``Cut`` (one decision per clip, a marker on each moment)."""
    rate = Rate.from_fraction(cd.rate)
    decisions = []
    for i, c in enumerate(cd.clips):
        markers = (Marker(0, f"cut-down: {c.role or 'line'}", c.why, "Purple"),) if c.why else ()
        decisions.append(EditDecision(
            id=f"cd{i + 1}", path=c.path, rate=Rate.from_fraction(c.rate), src_in=c.src_in, src_out=c.src_out,
            rec_in=c.rec_in, score=c.score, line_ids=c.line_ids, reasons=(c.why or "continues the line",),
            start_frame=c.start_frame, markers=markers))
    return Cut(name=cd.name, rate=rate, decisions=tuple(decisions), warnings=cd.warnings,
               options={"cutdown": {"target_seconds": cd.target_s, "aspect": cd.aspect}})


def cutdown_meta(cd: Cutdown) -> dict:
    """The contract's ``metadata["roughcut"]["cutdown"]``: exactly these four keys."""
    return {"target_seconds": cd.target_s if cd.target_s != int(cd.target_s) else int(cd.target_s),
            "aspect": cd.aspect, "width": cd.width, "height": cd.height}


def cutdown_extra(cd: Cutdown) -> dict:
    """``metadata["roughcut"]["cutdown_info"]``: length, safe area and the captions (preview)."""
    return {"seconds": round(cd.seconds, 3), "safe_area": list(safe_margins(cd.aspect)),
            "captions": [{"start": c.start, "end": c.end, "lines": list(c.lines)} for c in cd.cues]}


def to_otio(cd: Cutdown, frame_counts: dict | None = None):
    tl = cut_to_otio(to_cut(cd), frame_counts=frame_counts or {})
    tl.metadata["roughcut"]["cutdown"] = cutdown_meta(cd)
    tl.metadata["roughcut"]["cutdown_info"] = cutdown_extra(cd)
    clips = list(tl.video_tracks()[0].find_clips())
    for clip, c in zip(clips, cd.clips):
        clip.metadata["roughcut"]["crop"] = [k.to_json() for k in c.crop]
        clip.metadata["roughcut"]["source_size"] = list(c.source_size)
        clip.metadata["roughcut"]["transform"] = host_transform(c.crop[0], c.source_size, (cd.width, cd.height))
        clip.metadata["roughcut"]["transform_keys"] = [
            dict(host_transform(k, c.source_size, (cd.width, cd.height)), frame=k.frame) for k in c.crop]
        ref_meta = dict(clip.media_reference.metadata.get("roughcut") or {})
        ref_meta.update({"width": c.source_size[0], "height": c.source_size[1]})
        clip.media_reference.metadata["roughcut"] = ref_meta
    for track in tl.audio_tracks():
        for clip, c in zip(track.find_clips(), cd.clips):
            clip.metadata["roughcut"]["crop"] = [k.to_json() for k in c.crop]
    return tl


def to_hostplan(cd: Cutdown) -> dict:
    """The host plan at the delivery size, with each item's Resolve/Premiere transform."""
    plan = cut_to_hostplan(to_cut(cd))
    plan["timeline"].update({"width": cd.width, "height": cd.height, "cutdown": cutdown_meta(cd)})
    for item, c in zip(plan["items"], cd.clips):
        item["crop"] = [k.to_json() for k in c.crop]
        item["transform"] = host_transform(c.crop[0], c.source_size, (cd.width, cd.height))
        item["transform_keys"] = [dict(host_transform(k, c.source_size, (cd.width, cd.height)), frame=k.frame)
                                  for k in c.crop]
    return plan


def write_cutdown(cd: Cutdown, out_dir, frame_counts: dict | None = None) -> dict:
    """Write the OTIO, host plan, SRT and WebVTT; returns {kind: path}."""
    import opentimelineio as otio

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {"otio": out / f"{cd.stem}.otio", "plan": out / f"{cd.stem}.plan.json",
             "srt": out / f"{cd.stem}.srt", "vtt": out / f"{cd.stem}.vtt"}
    atomic_write_text(files["otio"], otio.adapters.write_to_string(to_otio(cd, frame_counts), "otio_json"))
    atomic_write_json(files["plan"], to_hostplan(cd))
    atomic_write_text(files["srt"], C.to_srt(cd.cues))
    atomic_write_text(files["vtt"], C.to_vtt(cd.cues))
    return files


__all__ = ["Clip", "Cutdown", "build_cutdown", "file_stem", "target_size", "to_cut", "to_hostplan", "to_otio",
           "write_cutdown"]
