"""Per-utterance search documents from one file's analysis (and its script readings).

Contract of :func:`documents_from_analysis`: the transcript's words are cut into utterances
at pauses longer than :data:`PAUSE_S` (or after :data:`MAX_WORDS` words, at the largest gap
in the last third). Each utterance carries its words with times, the speaker label the
recogniser gave most of its words, the script ``character``/``scene_id``/``line_ids`` of the
readings covering at least half of it, the shot size of the shot at its midpoint (else the
file's), the number of face tracks seen during it and their character names, and the kinds
of quality flags (sound and picture) overlapping it. With the file's ``extras`` (the dict of
:func:`roughcut_core.analyses.analyze.analyze_asset`: shots with camera motion, sound events,
room tone, music under dialogue) an utterance also carries the camera motion of the shot at its
midpoint and the non-speech sound labels heard during it (an event overlapping it by at least
:data:`SOUND_OVERLAP_S`, ``music`` for music under the dialogue), and every non-speech region of
at least :data:`REGION_MIN_S` becomes a document of its own, after the utterances: room tone
(``[room tone]``, sounds ``room_tone silence``), ``[music]``, ``[applause]``, ``[noise]``; its
words are the label's words, each spanning the whole region, so a hit is the region.
Nothing here loads a model.
"""
from __future__ import annotations

from collections import Counter
from typing import Optional, Sequence

from .model import SearchDoc

PAUSE_S = 1.5
MAX_WORDS = 40
SOUND_OVERLAP_S = 0.25
REGION_MIN_S = 1.0
REGION_LABELS = {"music": "music", "applause": "applause", "noise": "noise"}  # label -> words


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


def _shot_motions(extras, rate) -> list[tuple[float, float, str]]:
    """(start s, end s, camera motion kind) of each shot in ``extras`` (frames at ``rate``)."""
    fps = float(rate.num) / float(rate.den) if rate is not None else 25.0
    out = []
    for shot in (extras or {}).get("shots") or ():
        kind = (shot.get("camera_motion") or {}).get("kind") or ""
        out.append((shot["start_frame"] / fps, shot["end_frame"] / fps, kind))
    return out


def _sound_spans(extras) -> list[tuple[float, float, str]]:
    """(start, end, label) of the sound events, room tone and music under dialogue in ``extras``."""
    ex = extras or {}
    out = [(e["start"], e["end"], e["label"]) for e in ex.get("sound_events") or () if e.get("label") != "speech"]
    out += [(r["start"], r["end"], "room_tone") for r in ex.get("room_tone") or ()]
    out += [(r["start"], r["end"], "music") for r in ex.get("music_under_dialogue") or ()]
    return out


class _Context:
    """What was on screen and heard over a time span of one file."""

    def __init__(self, analysis, extras):
        pic = analysis.picture
        self.pic = pic
        self.flags = list(getattr(analysis.audio, "flags", ()) or ()) + list(getattr(pic, "flags", ()) or ())
        self.motions = _shot_motions(extras, analysis.asset.rate)
        self.sounds = _sound_spans(extras)

    def annotate(self, t0: float, t1: float) -> dict:
        mid = (t0 + t1) / 2
        shot_size, faces, names = "unknown", 0, ()
        pic = self.pic
        if pic is not None:
            shot_size = next((s.shot_size for s in pic.shots if s.start <= mid < s.end), pic.shot_size) or "unknown"
            seen = [tr_ for tr_ in pic.tracks if any(t0 - 0.5 <= fb.t <= t1 + 0.5 for fb in tr_.boxes)]
            faces = len(seen)
            names = tuple(sorted({tr_.character for tr_ in seen if tr_.character}))
        kinds = tuple(sorted({f.kind for f in self.flags if _overlap(t0, t1, f.start, f.end) > 0}))
        motion = next((k for a, b, k in self.motions if a <= mid < b), "")
        need = min(SOUND_OVERLAP_S, max(1e-6, t1 - t0) / 2)
        sounds = tuple(sorted({lab for a, b, lab in self.sounds if _overlap(t0, t1, a, b) >= need}))
        return {"shot_size": shot_size, "faces": faces, "face_names": names, "quality": kinds,
                "camera_motion": motion, "sounds": sounds}


def sound_regions(extras) -> list[tuple[float, float, str, tuple[str, ...]]]:
    """(start, end, text, sounds) of the non-speech regions that become documents (module contract)."""
    ex = extras or {}
    out = [(r["start"], r["end"], "[room tone]", ("room_tone", "silence")) for r in ex.get("room_tone") or ()]
    out += [(e["start"], e["end"], f"[{REGION_LABELS[e['label']]}]", (e["label"],))
            for e in ex.get("sound_events") or () if e.get("label") in REGION_LABELS]
    return sorted((r for r in out if r[1] - r[0] >= REGION_MIN_S), key=lambda r: (r[0], r[2]))


def documents_from_analysis(analysis, readings: Optional[Sequence] = None, extras: Optional[dict] = None
                            ) -> list[SearchDoc]:
    """The documents of one :class:`~roughcut_core.pipeline.AssetAnalysis` (see module contract);
    ``readings`` are this file's :class:`~roughcut_core.model.LineReading` s, when aligned;
    ``extras`` the file's :func:`roughcut_core.analyses.analyze.analyze_asset` dict, when made."""
    tr = analysis.transcript
    words = tr.words if tr is not None and tr.words else ()
    ctx = _Context(analysis, extras)
    readings = [r for r in (readings or ()) if r.path == analysis.asset.path]
    docs = []
    for seq, (a, b) in enumerate(split_utterances(words)):
        ws = words[a:b]
        t0, t1 = ws[0].start, ws[-1].end
        speakers = Counter(w.speaker for w in ws if w.speaker)
        covering = [r for r in readings if _overlap(t0, t1, r.start, r.end) >= 0.5 * max(1e-6, min(t1 - t0, r.end - r.start))]
        line_ids = tuple(dict.fromkeys(r.line_id for r in covering))
        character = next((r.character for r in covering if r.character), "") or ""
        scene_id = line_ids[0].rsplit("-", 1)[0] if line_ids and "-" in line_ids[0] else ""
        docs.append(SearchDoc(seq=seq, start=round(t0, 3), end=round(t1, 3),
                              text=" ".join(w.text.strip() for w in ws).strip(),
                              words=tuple((w.text.strip(), round(w.start, 3), round(w.end, 3)) for w in ws),
                              speaker=speakers.most_common(1)[0][0] if speakers else "",
                              character=character, scene_id=scene_id, line_ids=line_ids,
                              **ctx.annotate(t0, t1)))
    for t0, t1, text, sounds in sound_regions(extras):
        t0, t1 = round(t0, 3), round(t1, 3)
        info = ctx.annotate(t0, t1)
        info["sounds"] = tuple(sorted(set(sounds) | set(info["sounds"])))
        docs.append(SearchDoc(seq=len(docs), start=t0, end=t1, text=text,
                              words=tuple((w, t0, t1) for w in text.strip("[]").split()), **info))
    return docs
