"""Cast binding across a scene, and per-reading on/off camera (issue 13).

Contract:
- :func:`cluster_people` links face tracks of every take into people with the dlib faceprints
  (``PictureAnalysis.track_faceprints``): average-linkage clustering, Euclidean distance
  <= ``LINK`` (dlib's same-person point is 0.6), two tracks seen at the same time in the same
  file never linked. Tracks without a faceprint stay alone. Ids ``person-N``, largest first.
  Two tracks of one file whose boxes nest (at least ``NESTED`` of the smaller box's area inside
  the larger, in most of the samples they share) are two detections of the same face: the one
  seen less often (sharing at least half of its samples with the other) takes the other's
  person and is left out of the clustering (it would otherwise be a second "person" beside the
  first).
- :func:`bind_cast` names people jointly over all setups and takes: for every reading (its
  character, file and span) and every person on screen then, the person's *mouth activity*
  (mean change between samples + spread of ``mouth_open`` + half its rise over the track's
  quiet baseline). ``score[person,
  character]`` = mean activity during that character's readings minus mean activity during the
  other characters' readings (or minus the person's quiet baseline when never seen during
  them). The person x character *sureness* (that difference over its standard error, each
  reading an observation with at least ``ACT_NOISE`` of spread: many readings that agree beat a
  few that happen to) is solved as an assignment (Hungarian, one character per person), and an
  assigned person is named when its score exceeds ``MIN_SCORE``; a person left over is named after the nearest named person when their
  faceprints are within ``LOOSE`` (the same actor split into two clusters) and who is never on
  screen together with a face of that character, else stays
  unnamed ("never seen" as a character) — unless it was on screen during the readings of a
  character nobody plays and nothing speaks against it (score > -MIN_SCORE, or no evidence
  either way, when it is the only character left, e.g. none of its readings were found): it then takes
  that character by elimination at confidence 0.25. Confidence per person: 1 - exp(-margin / SCALE) of
  the assigned score over the runner-up, with a floor for faceprint-only links.
- ``CastBinding.setups[path]`` = ((character or person id, confidence), ...) for the people in
  at least ``MIN_PRESENCE`` of the file's samples.
- :func:`reading_signals` writes ``on_camera``, ``speaker_in_frame`` and ``lip_sync`` into
  ``LineReading.signals`` (names registered in ``roughcut_core.signals``). ``speaker_in_frame``
  = 1 when a face bound to the reading's character is in at least half of the samples of the
  reading; ``lip_sync`` = Pearson correlation of that face's mouth motion (|change|) with the speech
  envelope (words of the take's transcript, else the reading span) over the reading +-0.75 s;
  ``facing_camera`` = median of ``pose.facing_score`` over that face's yaw during the reading
  (1 full face to three-quarter, 0 profile; left out when no yaw was measured);
  ``on_camera`` = in-frame fraction x (0.6 + 0.4 x max(0, lip_sync)) x facing_camera (a speaker
  in profile is in frame but not on camera speaking to us). Signals are left out
  where they cannot be measured (no picture for the file, or the character never bound while
  unnamed faces are on screen).
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Optional, Sequence

import numpy as np

from .pose import facing_score
from .tracks import intersection

LINK = 0.55
NESTED = 0.7
LOOSE = 0.68
SCALE = 0.01
MIN_SCORE = 0.002
MIN_PRESENCE = 0.2
LIP_PAD = 0.75
ELIMINATION_CONFIDENCE = 0.25
NO_EVIDENCE = -1.0  # score of a person never on screen during the character's readings
NO_EVIDENCE_T = -100.0  # its sureness (standard errors)
ACT_NOISE = 0.003  # spread of one reading's mouth activity that is noise (face heights)


@dataclass(frozen=True)
class CastBinding:
    identities: dict = field(default_factory=dict)   # (path, track) -> person id
    names: dict = field(default_factory=dict)        # person id -> character
    confidence: dict = field(default_factory=dict)   # person id -> 0..1
    setups: dict = field(default_factory=dict)       # path -> ((label, confidence), ...)

    def label(self, path: str, track: int) -> Optional[str]:
        pid = self.identities.get((path, track))
        return None if pid is None else self.names.get(pid, pid)


def _tracks(analyses: Sequence):
    for an in analyses:
        prints = list(getattr(an, "track_faceprints", ()) or ())
        for k, tr in enumerate(an.tracks):
            if tr.boxes:
                fp = np.asarray(prints[k], np.float64) if k < len(prints) and prints[k] else None
                yield an.path, tr, fp


def _inside(small, big) -> float:
    """Share of box ``small``'s area inside box ``big`` (x, y, w, h)."""
    area = small[2] * small[3]
    return intersection(small, big) / area if area > 0 else 0.0


def nested_duplicates(analyses: Sequence) -> dict:
    """{(path, track): (path, containing track)} for the tracks that are a second detection of
    a face another track already follows (see the module docstring)."""
    out = {}
    for an in analyses:
        tracks = [tr for tr in an.tracks if tr.boxes]
        at = {tr.track: {round(b.t, 4): b.box for b in tr.boxes} for tr in tracks}
        for tr in tracks:
            own = at[tr.track]
            best = None
            for other in tracks:
                if other.track == tr.track or (an.path, other.track) in out or \
                        (len(other.boxes), -other.track) < (len(tr.boxes), -tr.track):
                    continue  # the duplicate is the track seen less often (ties: the later one)
                shared = [t for t in own if t in at[other.track]]
                if len(shared) < 0.5 * len(own):
                    continue
                pairs = [sorted((own[t], at[other.track][t]), key=lambda b: b[2] * b[3]) for t in shared]
                inside = [1 for small, big in pairs if _inside(small, big) >= NESTED]
                if len(inside) > 0.5 * len(shared) and (best is None or len(other.boxes) > len(best.boxes)):
                    best = other
            if best is not None:
                out[(an.path, tr.track)] = (an.path, best.track)
    return out


def cluster_people(analyses: Sequence, link: float = LINK) -> dict:
    """{(path, track): "person-N"} over every track of every analysis (see module docstring)."""
    dups = nested_duplicates(analyses)
    items = [it for it in _tracks(analyses) if (it[0], it[1].track) not in dups]
    clusters = [{"members": [i], "span": [(p, tr.boxes[0].t, tr.boxes[-1].t)]} for i, (p, tr, _) in enumerate(items)]
    fps = [fp for _, _, fp in items]
    n = len(items)
    dist = np.full((n, n), np.inf)
    for i in range(n):
        for j in range(i + 1, n):
            if fps[i] is not None and fps[j] is not None:
                dist[i, j] = dist[j, i] = float(np.linalg.norm(fps[i] - fps[j]))

    def clash(a, b) -> bool:
        return any(p == q and not (t1 < u0 or t0 > u1) for p, t0, t1 in a["span"] for q, u0, u1 in b["span"])

    while True:
        best, pair = link, None
        for x in range(len(clusters)):
            for y in range(x + 1, len(clusters)):
                d = float(np.mean([dist[i, j] for i in clusters[x]["members"] for j in clusters[y]["members"]]))
                if d <= best and not clash(clusters[x], clusters[y]):
                    best, pair = d, (x, y)
        if pair is None:
            break
        x, y = pair
        clusters[x] = {"members": clusters[x]["members"] + clusters[y]["members"],
                       "span": clusters[x]["span"] + clusters[y]["span"]}
        del clusters[y]
    clusters.sort(key=lambda c: -sum(len(items[i][1].boxes) for i in c["members"]))
    ids = {(items[i][0], items[i][1].track): f"person-{k}" for k, c in enumerate(clusters, 1) for i in c["members"]}
    for dup, container in dups.items():
        for _ in range(len(dups)):  # a chain of nested detections ends at a clustered track
            if container in ids or container not in dups:
                break
            container = dups[container]
        if container in ids:
            ids[dup] = ids[container]
    return ids


def _baseline(boxes) -> float:
    vals = [b.mouth_open for b in boxes if b.mouth_open is not None]
    return float(np.percentile(vals, 20)) if vals else 0.0


def _activity(boxes, base: float) -> Optional[float]:
    """Mouth motion over a span: mean |change| between samples + spread + rise over the
    track's quiet opening (some people rest with the lips apart, and close them on b/m/p)."""
    vals = np.array([b.mouth_open for b in boxes if b.mouth_open is not None], np.float64)
    if vals.size < 2:
        return None
    return float(np.abs(np.diff(vals)).mean() + vals.std() + 0.5 * max(0.0, vals.mean() - base))


def _motion(vals: np.ndarray) -> np.ndarray:
    """Per-sample mouth motion: mean |change| to the neighbouring samples."""
    if vals.size < 2:
        return np.zeros_like(vals)
    d = np.abs(np.diff(vals))
    return (np.concatenate([[d[0]], d]) + np.concatenate([d, [d[-1]]])) / 2


def _evidence(analyses: Sequence, readings: Sequence, ids: dict):
    """{person: {character: [activities]}} and {person: quiet baseline activity}."""
    by_path = {an.path: an for an in analyses}
    act: dict = defaultdict(lambda: defaultdict(list))
    bases: dict = {}
    for an in analyses:
        for tr in an.tracks:
            bases[(an.path, tr.track)] = _baseline(tr.boxes)
    for rd in readings:
        ch = getattr(rd, "character", None)
        an = by_path.get(rd.path)
        if not ch or an is None:
            continue
        for tr in an.tracks:
            span = [b for b in tr.boxes if rd.start <= b.t < rd.end]
            pid = ids.get((an.path, tr.track))
            a = _activity(span, bases[(an.path, tr.track)]) if pid else None
            if a is not None:
                act[pid][ch].append((a, len(span)))
    return act


def bind_cast(analyses: Sequence, readings: Sequence, characters: Sequence[str] = ()) -> CastBinding:
    """Jointly bind every take's faces to the script's characters (see module docstring)."""
    from scipy.optimize import linear_sum_assignment

    analyses = [a for a in analyses if a is not None]
    ids = cluster_people(analyses)
    chars = sorted(set(characters) | {rd.character for rd in readings if getattr(rd, "character", None)})
    people = sorted(set(ids.values()), key=lambda p: int(p.split("-")[1]))
    act = _evidence(analyses, readings, ids)

    def mean(vals):
        w = sum(n for _, n in vals)
        return sum(a * n for a, n in vals) / w if w else None

    score = np.zeros((len(people), len(chars)))
    sure = np.full((len(people), len(chars)), NO_EVIDENCE_T)
    for i, p in enumerate(people):
        for j, c in enumerate(chars):
            own = mean(act[p].get(c, []))
            if own is None:
                score[i, j] = NO_EVIDENCE
                continue
            others = [v for c2, vs in act[p].items() if c2 != c for v in vs]
            other = mean(others)
            score[i, j] = own - (other if other is not None else 0.5 * own)
            sure[i, j] = _sureness(act[p][c], others)
    names, conf = {}, {}
    if people and chars:
        rows, cols = linear_sum_assignment(-sure)
        for i, j in zip(rows, cols):
            if score[i, j] > MIN_SCORE:
                runner = max([score[i, k] for k in range(len(chars)) if k != j] + [0.0])
                names[people[i]] = chars[j]
                conf[people[i]] = round(1.0 - math.exp(-max(0.0, score[i, j] - max(runner, 0.0)) / SCALE), 3)
    _link_leftovers(analyses, ids, people, names, conf)
    _by_elimination(people, chars, score, names, conf)
    setups = {}
    for an in analyses:
        n = max(1, len(an.sample_times))
        shown = {}
        for tr in an.tracks:
            pid = ids.get((an.path, tr.track))
            if pid is None:
                continue
            shown[pid] = shown.get(pid, 0) + len(tr.boxes)
        out = []
        for pid, count in sorted(shown.items(), key=lambda kv: -kv[1]):
            if count >= MIN_PRESENCE * n:
                out.append((names.get(pid, pid), round(conf.get(pid, 0.0) * min(1.0, count / (0.5 * n)), 3)))
        merged: dict = {}
        for label, c in out:
            merged[label] = max(c, merged.get(label, 0.0))
        setups[an.path] = tuple(sorted(merged.items()))
    return CastBinding(ids, names, conf, setups)


def _sureness(own: list, others: list) -> float:
    """How surely a person's mouth moves more during one character's readings than during the
    others': the difference of the per-reading activities' means over its standard error
    (Welch), each reading counting once and carrying at least ``ACT_NOISE`` of spread. Many
    readings that agree outweigh a few that happen to (a silent extra's chance reaction, or a
    small face's noisy mouth, during one character's lines)."""
    a = np.array([v for v, _ in own], np.float64)
    b = np.array([v for v, _ in others], np.float64)
    var_a = (a.var(ddof=1) if a.size > 1 else 0.0) + ACT_NOISE ** 2
    if b.size == 0:
        return float(0.5 * a.mean() / math.sqrt(var_a / a.size))
    var_b = (b.var(ddof=1) if b.size > 1 else 0.0) + ACT_NOISE ** 2
    return float((a.mean() - b.mean()) / math.sqrt(var_a / a.size + var_b / b.size))


def _by_elimination(people, chars, score, names, conf) -> None:
    """A person still unnamed who was on screen during the readings of a character nobody
    plays, with no evidence against it (score > -MIN_SCORE), takes that character at low
    confidence: in a two-hander, the face that is not the other actor is the other actor."""
    free = [j for j, c in enumerate(chars) if c not in names.values()]
    for i, p in enumerate(people):
        if p in names or not free:
            continue
        j = max(free, key=lambda j: score[i, j])
        if score[i, j] > -MIN_SCORE or (score[i, j] == NO_EVIDENCE and len(free) == 1):
            names[p] = chars[j]
            conf[p] = ELIMINATION_CONFIDENCE
            free.remove(j)


def _link_leftovers(analyses, ids, people, names, conf) -> None:
    prints: dict = defaultdict(list)
    for path, tr, fp in _tracks(analyses):
        if fp is not None and (path, tr.track) in ids:
            prints[ids[(path, tr.track)]].append(fp)
    centre = {p: np.mean(v, axis=0) for p, v in prints.items()}
    spans: dict = defaultdict(list)
    for an in analyses:
        for tr in an.tracks:
            if tr.boxes and (an.path, tr.track) in ids:
                spans[ids[(an.path, tr.track)]].append((an.path, tr.boxes[0].t, tr.boxes[-1].t))

    def together(p, q) -> bool:  # on screen at the same time: two people, whatever the faceprints
        return any(a == b and not (t1 < u0 or t0 > u1) for a, t0, t1 in spans[p] for b, u0, u1 in spans[q])

    for p in people:
        if p in names or p not in centre:
            continue
        best, who = LOOSE, None
        for q, ch in list(names.items()):
            if any(together(p, r) for r, c in names.items() if c == ch):
                continue
            if q in centre:
                d = float(np.linalg.norm(centre[p] - centre[q]))
                if d < best:
                    best, who = d, q
        if who is not None:
            names[p] = names[who]
            conf[p] = round(conf.get(who, 0.0) * (1.0 - best / LOOSE) ** 0.5, 3)


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    if a.size < 3 or a.std() < 1e-9 or b.std() < 1e-9:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def reading_signals(readings: Sequence, analyses: Sequence, binding: CastBinding,
                    transcripts: Optional[dict] = None) -> tuple:
    """``readings`` with on_camera / speaker_in_frame / lip_sync added to their signals."""
    by_path = {an.path: an for an in analyses if an is not None}
    out = []
    for rd in readings:
        an = by_path.get(rd.path)
        ch = getattr(rd, "character", None)
        if an is None or not ch or rd.end <= rd.start:
            out.append(rd)
            continue
        times = [t for t in an.sample_times if rd.start <= t < rd.end] or \
                [min(an.sample_times, key=lambda t: abs(t - (rd.start + rd.end) / 2))] if an.sample_times else []
        tracks = [tr for tr in an.tracks if binding.label(an.path, tr.track) == ch]
        others = [tr for tr in an.tracks if tr not in tracks and
                  any(rd.start <= b.t < rd.end for b in tr.boxes)]
        unnamed = any(binding.identities.get((an.path, tr.track)) not in binding.names for tr in others)
        if not times or (not tracks and unnamed):
            out.append(rd)
            continue
        seen = {round(b.t, 4) for tr in tracks for b in tr.boxes}
        frac = sum(1 for t in times if round(t, 4) in seen) / len(times)
        sig = dict(rd.signals or {})
        sig["speaker_in_frame"] = 1.0 if frac >= 0.5 else 0.0
        lip, facing = 0.0, None
        if tracks:
            tr = max(tracks, key=lambda tr: sum(1 for b in tr.boxes if rd.start <= b.t < rd.end))
            win = [b for b in tr.boxes if rd.start - LIP_PAD <= b.t < rd.end + LIP_PAD and b.mouth_open is not None]
            words = [w for w in (transcripts or {}).get(rd.path, ()) if w.end > rd.start - LIP_PAD and w.start < rd.end + LIP_PAD]
            spans = [(w.start, w.end) for w in words] or [(rd.start, rd.end)]
            env = np.array([1.0 if any(s <= b.t < e for s, e in spans) else 0.0 for b in win])
            lip = _pearson(_motion(np.array([b.mouth_open for b in win], np.float64)), env)
            sig["lip_sync"] = round(lip, 4)
            scores = [facing_score(b.yaw) for b in tr.boxes if rd.start <= b.t < rd.end and getattr(b, "yaw", None) is not None]
            if scores:
                facing = float(np.median(scores))
                sig["facing_camera"] = round(facing, 4)
        on = frac * (0.6 + 0.4 * max(0.0, lip)) if frac >= 0.5 else 0.4 * frac
        sig["on_camera"] = round(on * (facing if facing is not None else 1.0), 4)
        out.append(replace(rd, signals=sig))
    return tuple(out)
