"""Lines the recogniser heard in no take, found in the sound by script order and agreement.

Contract: ``find_unheard(script, readings, transcripts, audio, levels, options)`` returns NEW
readings only. A script line with no reading in any file of its scene (the recogniser garbled
it everywhere past what ``orderfill.fill_unheard`` can place from the words, or heard nothing
there: generated scene 20, "You never said a word about it." heard as "You name was in and
well-known." or as nothing, in all six takes) has no reference for ``search.find_missing``.
Its *slot* in a file is the sound between that file's readings of its script neighbours (the
line just before and just after it; the file's start or end for the scene's first or last
line): the run of frames that sound (``options.search_active_db`` over the file's floor, gaps
under 0.15 s bridged) from the first to the last sounding frame inside it, at least
``MIN_SLOT`` s long. A slot becomes a reading of the line when its sound matches another
file's slot of the same line (subsequence DTW of the shorter slot in the longer, MFCC,
``acoustic``) at a cost of at most ``options.search_abs_cost``: two takes saying the same
thing in the same place of the scene. A silent slot (a line dropped in every take), or sounds
that differ from take to take (chatter, a cough), give nothing. Each reading: bounds = the
slot's sounding run, ``word_span``/``text`` the transcript words inside it, score = the
matched share of the longer partner (at most 1) x 0.5 (as a reading placed from garbled
words), no defect, ``signals["defect_evidence"] = "order"`` so the scene pass judges it like a
reading placed by order (``search.judge_placed``: bounds from where another take's reading
matches, defects from the word-level comparison). Pure: reads nothing from disk.
"""
from __future__ import annotations

from typing import Mapping, Optional, Sequence

import numpy as np

from ..audio.reading_sound import FRAME_S as LEVEL_FRAME_S
from ..audio.reading_sound import FileLevels
from ..model import LineReading, Script, Transcript

MIN_SLOT = 0.4   # s: a shorter sounding run is a breath or a click, not a line
EDGE = 0.05      # s kept clear of the neighbouring readings' bounds


def _slot(levels: FileLevels, g0: float, g1: float, min_db: float) -> Optional[tuple[float, float]]:
    """First to last sounding frame of [g0, g1) (see module contract), or None."""
    from .search import _sounding_run

    lv = levels.level_db
    a, b = max(0, int(np.ceil((g0 + EDGE) / LEVEL_FRAME_S))), min(len(lv), int((g1 - EDGE) / LEVEL_FRAME_S))
    if b - a < 2:
        return None
    on = np.flatnonzero(lv[a:b] > levels.floor_db + min_db)
    if on.size == 0:
        return None
    s, e = (a + on[0]) * LEVEL_FRAME_S, (a + on[-1] + 1) * LEVEL_FRAME_S
    s, e = _sounding_run(levels, s, e, g0 + EDGE, g1 - EDGE, min_db)
    return (s, e) if e - s >= MIN_SLOT else None


def _match(audio: Mapping[str, np.ndarray], a: tuple, b: tuple) -> Optional[float]:
    """DTW cost of the shorter slot found inside the longer (± 0.3 s)."""
    from . import acoustic as ac
    from .search import SQUEEZE_PENALTY, SR

    (pa, sa, ea), (pb, sb, eb) = sorted((a, b), key=lambda x: x[2] - x[1])
    q = ac.features(audio[pa][int(sa * SR):int(ea * SR)])
    t = ac.features(audio[pb][max(0, int((sb - 0.3) * SR)):int((eb + 0.3) * SR)])
    if len(q) < 5 or len(t) < 5:
        return None
    w = ac.dtw(q, t, squeeze_penalty=SQUEEZE_PENALTY)
    return None if w is None else float(w.cost)


def find_unheard(script: Script, readings: Sequence[LineReading], transcripts: Mapping[str, Transcript],
                 audio: Mapping[str, np.ndarray], levels: Mapping[str, FileLevels],
                 options) -> list[LineReading]:
    """New readings of lines no take has a reading of (see module contract)."""
    from .search import SR, _words_in

    found_ids = {r.line_id for r in readings}
    new: list[LineReading] = []
    for scene in script.scenes:
        ids = [ln.id for ln in scene.lines]
        for k, line in enumerate(scene.lines):
            if line.id in found_ids:
                continue
            slots = []
            for path in dict.fromkeys(r.path for r in readings):
                if path not in audio or path not in levels:
                    continue
                mine = {r.line_id: r for r in readings if r.path == path}
                if not any(i in mine for i in ids):
                    continue
                prev = mine.get(ids[k - 1]) if k > 0 else None
                nxt = mine.get(ids[k + 1]) if k + 1 < len(ids) else None
                if (k > 0 and prev is None) or (k + 1 < len(ids) and nxt is None):
                    continue  # the line's place in this file is not bracketed by its neighbours
                g0 = prev.end if prev is not None else 0.0
                g1 = nxt.start if nxt is not None else len(audio[path]) / SR
                run = _slot(levels[path], g0, g1, options.search_active_db)
                if run is not None:
                    slots.append((path, run[0], run[1], prev or nxt))
            best: dict[int, tuple[float, float]] = {}
            for i in range(len(slots)):
                for j in range(i + 1, len(slots)):
                    cost = _match(audio, slots[i][:3], slots[j][:3])
                    if cost is None or cost > options.search_abs_cost:
                        continue
                    li, lj = slots[i][2] - slots[i][1], slots[j][2] - slots[j][1]
                    for a, share in ((i, li / max(lj, 1e-6)), (j, lj / max(li, 1e-6))):
                        if a not in best or cost < best[a][0]:
                            best[a] = (cost, min(1.0, share))
            for a, (_, share) in sorted(best.items()):
                path, s, e, near = slots[a]
                tr = transcripts.get(path)
                span = _words_in(tr, s, e)
                new.append(LineReading(
                    path=path, line_id=line.id, start=round(s, 3), end=round(e, 3), score=round(0.5 * share, 4),
                    take_id=near.take_id, character=line.character, word_span=span,
                    text=" ".join(w.text for w in tr.words[span[0]:span[1]]) if tr is not None else "",
                    signals={"defect_evidence": "order"}))
    return new
