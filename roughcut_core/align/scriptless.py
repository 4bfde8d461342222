"""Script-less mode (documentary, interviews): utterances and groups of repeated readings.

Contract:
- ``split_utterances(transcript, pause=0.7)`` cuts a transcript into utterances at pauses of at
  least ``pause`` seconds and after words ending a sentence (. ? !). Each :class:`Utterance` keeps
  its path, word span [first, last), start/end seconds and text.
- ``group_utterances(transcripts, ...)`` groups utterances that say the same content, across and
  within files: utterances are compared on normalised words with ``rapidfuzz.fuzz.ratio``
  (one vectorised ``cdist`` call) and with a containment score (the shorter utterance's words
  found in order in the longer one, so a cut-off or restarted reading joins its complete one);
  the longest utterances seed groups, each other utterance joins the group whose representative it
  resembles best when the similarity reaches ``min_similarity``. Utterances of fewer than
  ``min_words`` words ("Okay.", "Yeah.") only group with identical ones. Groups come back ordered
  by their first appearance; ``UtteranceGroup.id`` is ``u<n>``; ``text`` is the representative's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..model import Transcript
from .normalize import normalize_words


@dataclass(frozen=True)
class Utterance:
    path: str
    word_span: tuple[int, int]
    start: float
    end: float
    text: str
    similarity: float = 1.0     # to its group's representative


@dataclass(frozen=True)
class UtteranceGroup:
    id: str
    text: str
    utterances: tuple[Utterance, ...]


def split_utterances(transcript: Transcript, pause: float = 0.7) -> tuple[Utterance, ...]:
    words = transcript.words
    out = []
    first = 0
    for k in range(len(words)):
        last = k == len(words) - 1
        ends_sentence = words[k].text.rstrip("\"')]").endswith((".", "?", "!"))
        gap = (words[k + 1].start - words[k].end) if not last else 0.0
        if last or ends_sentence or gap >= pause:
            text = " ".join(w.text for w in words[first:k + 1]).strip()
            if normalize_words(text):
                out.append(Utterance(transcript.path, (first, k + 1), words[first].start,
                                     words[k].end, text))
            first = k + 1
    return tuple(out)


def _containment(short: list[str], long: list[str]) -> float:
    """Share of ``short``'s words found in order in ``long`` (longest common subsequence)."""
    if not short:
        return 0.0
    prev = [0] * (len(long) + 1)
    for a in short:
        cur = [0] * (len(long) + 1)
        for j, b in enumerate(long, 1):
            cur[j] = prev[j - 1] + 1 if a == b else max(prev[j], cur[j - 1])
        prev = cur
    return prev[-1] / len(short)


def group_utterances(transcripts: Sequence[Transcript], *, pause: float = 0.7,
                     min_similarity: float = 0.7, min_words: int = 3) -> tuple[UtteranceGroup, ...]:
    import numpy as np
    from rapidfuzz import fuzz, process

    utts: list[Utterance] = []
    for t in transcripts:
        utts.extend(split_utterances(t, pause))
    if not utts:
        return ()
    toks = [normalize_words(u.text) for u in utts]
    norm = [" ".join(t) for t in toks]
    sets = [set(t) for t in toks]
    ratio = process.cdist(norm, norm, scorer=fuzz.ratio, dtype=np.uint8, workers=1)
    order = sorted(range(len(utts)), key=lambda i: (-len(toks[i]), utts[i].path, utts[i].start))
    short = np.array([len(t) < min_words for t in toks])
    reps: list[int] = []
    members: dict[int, list[tuple[int, float]]] = {}
    for i in order:
        best, best_sim = None, 0.0
        if reps:
            rep_idx = np.array(reps)
            sims = ratio[i, rep_idx].astype(np.float64) / 100.0
            if short[i]:
                sims = np.array([1.0 if norm[i] == norm[r] else 0.0 for r in reps])
            else:
                sims[short[rep_idx]] = 0.0
            k = int(np.argmax(sims))
            best, best_sim = reps[k], float(sims[k])
            if best_sim < min_similarity and not short[i]:
                # A cut-off or restarted reading: its words found in order in a longer one.
                for k in np.nonzero(sims >= 0.35)[0].tolist():
                    r = reps[k]
                    if (len(toks[i]) >= 0.3 * len(toks[r])
                            and len(sets[i] & sets[r]) >= min_similarity * len(sets[i])):
                        sim = 0.95 * _containment(toks[i], toks[r])
                        if sim > best_sim:
                            best, best_sim = r, sim
        if best is not None and best_sim >= min_similarity:
            members[best].append((i, best_sim))
        else:
            reps.append(i)
            members[i] = [(i, 1.0)]
    groups = []
    for r in reps:
        items = sorted(members[r], key=lambda m: (utts[m[0]].path, utts[m[0]].start))
        groups.append((min((utts[i].path, utts[i].start) for i, _ in items), r, items))
    groups.sort(key=lambda g: g[0])
    out = []
    for n, (_, r, items) in enumerate(groups, 1):
        out.append(UtteranceGroup(
            id=f"u{n}", text=utts[r].text,
            utterances=tuple(Utterance(utts[i].path, utts[i].word_span, utts[i].start, utts[i].end,
                                       utts[i].text, round(sim, 4)) for i, sim in items)))
    return tuple(out)
