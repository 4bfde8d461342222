"""Vocal intensity of each moment when the cut's metadata does not carry it.

Contract: ``add_intensity(moments, sources, cache)`` -> moments whose ``signals`` gain
``arousal`` (and the other ``perform.reading`` signals, names in ``roughcut_core/signals.py``)
measured on the moment's words with the performance stage (``perform.performance_signals``,
DSP arousal unless a trained emotion model is installed; results cached per reading span).
Moments that already have ``arousal`` keep theirs; a file that cannot be measured keeps none
(no made-up value). Never raises.
"""
from __future__ import annotations

import logging
from dataclasses import replace

log = logging.getLogger(__name__)


def add_intensity(moments, sources: dict, cache=None) -> tuple:
    moments = tuple(moments)
    todo = [m for m in moments if "arousal" not in m.signals and m.words]
    if not todo:
        return moments
    try:
        from ..media import probe
        from ..model import LineReading, Transcript
        from ..perform import performance_signals

        transcripts, assets, readings = {}, {}, []
        for m in todo:
            info = sources.get(m.path)
            if info is None:
                continue
            if m.path not in transcripts:
                transcripts[m.path] = Transcript(m.path, None, tuple(info.words))
                assets[m.path] = probe(m.path)
            words = transcripts[m.path].words
            first, last = words.index(m.words[0]), words.index(m.words[-1]) + 1
            readings.append(LineReading(m.path, m.line_ids[0] if m.line_ids else f"m{m.index}",
                                        m.words[0].start, m.words[-1].end, m.score, word_span=(first, last),
                                        text=m.text))
        measured = performance_signals(None, readings, transcripts, assets, cache=cache, picture=False)
    except Exception as exc:  # a refinement: the cut-down goes on without it
        log.warning("cut-down intensity not measured: %s", exc)
        return moments
    by_key = {(r.path, r.start, r.end): r.signals for r in measured}
    out = []
    for m in moments:
        sig = by_key.get((m.path, m.words[0].start, m.words[-1].end)) if m.words else None
        out.append(replace(m, signals={**sig, **m.signals}) if sig and "arousal" not in m.signals else m)
    return tuple(out)


__all__ = ["add_intensity"]
