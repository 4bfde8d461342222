"""Social cut-downs (issue 19): short vertical / square versions of a cut, reframed on the speaker.

Public API:

- ``make_cutdowns(cut_otio, durations, aspects, out_dir, cache=None, preview=True)`` ->
  :class:`CutdownRun`: for every (duration, aspect) a ``cutdown_<s>s_<w>x<h>.otio`` (+ host
  plan, SRT, WebVTT and, with ``preview``, an MP4) in ``out_dir``; see ``build`` for the OTIO
  contract, ``select`` for moment choice, ``reframe`` for the crop windows, ``captions`` for
  cue rules, ``transforms`` for host-native transforms, ``preview`` for the render.
- ``CUTDOWN_SCHEMA``: the ``--json`` document's schema name.

Analysis (transcripts, faces) is read through the ``AnalysisCache``: on a bin already cut by
``roughcut cut`` no model runs.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CUTDOWN_SCHEMA = "roughcut.cutdown/1"


@dataclass(frozen=True)
class CutdownRun:
    outputs: tuple[dict, ...]
    warnings: tuple[str, ...]

    def to_json(self) -> dict:
        return {"schema": CUTDOWN_SCHEMA, "outputs": list(self.outputs), "warnings": list(self.warnings)}


def make_cutdowns(cut_otio, durations, aspects, out_dir, *, cache=None, preview: bool = True,
                  preview_width: int = 540, asr_model: str = "tiny.en") -> CutdownRun:
    """See the package doc. ``ValueError`` for a bad aspect or duration (naming it)."""
    from .build import build_cutdown, cutdown_meta, write_cutdown
    from .moments import attach_words, read_moments, score_moments
    from .reframe import parse_aspect
    from .sources import load_sources

    durations = [float(d) for d in durations]
    for d in durations:
        if not 1 <= d <= 3600:
            raise ValueError(f"duration {d:g}: give seconds between 1 and 3600")
    aspects = [f"{a}:{b}" for a, b in (parse_aspect(x) for x in aspects)]
    src = read_moments(cut_otio)
    sources, warnings = load_sources([m.path for m in src.moments], cache, asr_model=asr_model)
    words = {p: s.words for p, s in sources.items()}
    from dataclasses import replace

    from .intensity import add_intensity

    moments = add_intensity(attach_words(src.moments, words), sources, cache)
    src = replace(src, moments=score_moments(moments))
    frame_counts = {m.path: m.frames_available for m in src.moments if m.frames_available}
    outputs = []
    for d in dict.fromkeys(durations):
        for a in dict.fromkeys(aspects):
            cd = build_cutdown(src, sources, d, a)
            files = write_cutdown(cd, out_dir, frame_counts)
            entry = {"target_seconds": cutdown_meta(cd)["target_seconds"], "seconds": round(cd.seconds, 3), "aspect": cd.aspect,
                     "width": cd.width, "height": cd.height, **{k: str(v) for k, v in files.items()},
                     "clips": len(cd.clips), "captions": len(cd.cues),
                     "moments": [{"line_ids": list(c.line_ids), "role": c.role, "why": c.why}
                                 for c in cd.clips if c.why],
                     "warnings": list(cd.warnings)}
            if preview:
                from .preview import render_cutdown

                mp4, stats = render_cutdown(files["otio"], Path(out_dir) / f"{cd.stem}.mp4", width=preview_width)
                entry["preview"] = str(mp4)
                entry["render"] = stats
            outputs.append(entry)
    return CutdownRun(tuple(outputs), tuple(warnings))


__all__ = ["CUTDOWN_SCHEMA", "CutdownRun", "make_cutdowns"]
