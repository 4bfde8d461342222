"""Per-utterance search documents from one file's analysis (and its script readings).

Contract of :func:`documents_from_analysis`: the transcript's words are cut into utterances
at pauses longer than :data:`PAUSE_S` (or after :data:`MAX_WORDS` words, at the largest gap
in the last third). Each utterance carries its words with times, the speaker label the
recogniser gave most of its words, the script ``character``/``scene_id``/``line_ids`` of the
readings covering at least half of it, the shot size of the shot at its midpoint (else the
file's), the number of face tracks seen during it and their character names, and the kinds
of quality flags (sound and picture) overlapping it. Nothing here loads a model.
"""
from __future__ import annotations

from collections import Counter
from typing import Optional, Sequence

from .model import SearchDoc

PAUSE_S = 1.5
MAX_WORDS = 40


def split_utterances(words: Sequence) -> list[tuple[int, int]]:
    """[first, last) word ranges of the utterances (see the module contract)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(words) + 1):
        end_here = i == len(words) or words[i].start - words[i - 1].end > PAUSE_S
        if not end_here and i - start >= MAX_WORDS:
            lo = start + (2 * (i - start)) // 3
            cut = max(range(lo, i), key=lambda k: words[k].start - words[k - 1].end)
            spans.append((start, cut))
            start = cut
            continue
        if end_here and i > start:
            spans.append((start, i))
            start = i
    return spans


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def documents_from_analysis(analysis, readings: Optional[Sequence] = None) -> list[SearchDoc]:
    """The utterances of one :class:`~roughcut_core.pipeline.AssetAnalysis` (see module contract);
    ``readings`` are this file's :class:`~roughcut_core.model.LineReading` s, when aligned."""
    tr = analysis.transcript
    if tr is None or not tr.words:
        return []
    words = tr.words
    pic = analysis.picture
    flags = list(getattr(analysis.audio, "flags", ()) or ()) + list(getattr(pic, "flags", ()) or ())
    readings = [r for r in (readings or ()) if r.path == analysis.asset.path]
    docs = []
    for seq, (a, b) in enumerate(split_utterances(words)):
        ws = words[a:b]
        t0, t1 = ws[0].start, ws[-1].end
        mid = (t0 + t1) / 2
        speakers = Counter(w.speaker for w in ws if w.speaker)
        covering = [r for r in readings if _overlap(t0, t1, r.start, r.end) >= 0.5 * max(1e-6, min(t1 - t0, r.end - r.start))]
        line_ids = tuple(dict.fromkeys(r.line_id for r in covering))
        character = next((r.character for r in covering if r.character), "") or ""
        scene_id = line_ids[0].rsplit("-", 1)[0] if line_ids and "-" in line_ids[0] else ""
        shot_size, faces, names = "unknown", 0, ()
        if pic is not None:
            shot_size = next((s.shot_size for s in pic.shots if s.start <= mid < s.end), pic.shot_size) or "unknown"
            seen = [tr_ for tr_ in pic.tracks if any(t0 - 0.5 <= fb.t <= t1 + 0.5 for fb in tr_.boxes)]
            faces = len(seen)
            names = tuple(sorted({tr_.character for tr_ in seen if tr_.character}))
        kinds = tuple(sorted({f.kind for f in flags if _overlap(t0, t1, f.start, f.end) > 0}))
        docs.append(SearchDoc(seq=seq, start=round(t0, 3), end=round(t1, 3),
                              text=" ".join(w.text.strip() for w in ws).strip(),
                              words=tuple((w.text.strip(), round(w.start, 3), round(w.end, 3)) for w in ws),
                              speaker=speakers.most_common(1)[0][0] if speakers else "",
                              character=character, shot_size=shot_size, faces=faces, face_names=names,
                              scene_id=scene_id, line_ids=line_ids, quality=kinds))
    return docs
