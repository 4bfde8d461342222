"""The edit engine: ranked readings + takes + script → a frame-exact ``Cut``.

Steps: rank every reading (``ranking``), pick one per line over the whole scene
(``assemble``), turn each pick into source frames on speech boundaries with handles
(``cutpoints``) — consecutive picks from one recording meet at a through edit in the pause
between them so nothing is lost or doubled — then lay them end to end on the record side,
with a marker per decision and ranked alternates. Lines with no reading become a marked gap.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Callable, Optional, Sequence

from ..model import Alternate, Cut, EditDecision, LineReading, Marker, Script
from ..timebase import (Rate, convert_frames, seconds_to_frame_ceil, seconds_to_frame_floor,
                        seconds_to_frames)
from .assemble import AssemblyOptions, assemble, idioms
from .blinkcuts import move_off_blinks
from .cutpoints import Handles, cut_range, run_on, speech_neighbours
from .ranking import Candidate, rank_readings
from .splitedits import add_reaction_shots, apply_split_edits

GAP_SECONDS = 2.0


@dataclass(frozen=True)
class EditOptions:
    assembly: AssemblyOptions = field(default_factory=AssemblyOptions)
    handles: Handles = field(default_factory=Handles)
    alternates: int = 3
    timeline_name: Optional[str] = None
    timeline_start_frame: Optional[int] = None
    weights: Optional[dict] = None  # learned per-show term weights (roughcut_core.learn)
    split_edits: Optional[str] = None  # "L" or "J": picture and sound cut apart between setups
    reaction_shots: bool = True     # cutaways to a listener over long speeches
    reaction_after: float = 4.0     # seconds of speech that make a speech "long"
    # (path, rate, first, last) -> {source frame: eye openness}: moves cut frames off blinks
    # within the handles (``blinkcuts``); None = cut points on speech alone.
    eye_probe: Optional[Callable] = None


def _source_range(c: Candidate, handles: Handles, spans: Optional[dict] = None) -> tuple[int, int]:
    """``c``'s source frames on its speech with handles, clamped to the speech either side in its
    recording (``spans``: path -> (start, end) of every reading, ``cutpoints.speech_neighbours``)."""
    r = c.reading
    prev_end, next_start = speech_neighbours(c.take.transcript.words, r.word_span, r.start, r.end,
                                             (spans or {}).get(c.take.path, ()))
    return cut_range(c.reading.start, c.reading.end, c.take.rate, handles=handles,
                     prev_word_end=prev_end, next_word_start=next_start,
                     frame_count=c.take.frame_count or None)


def _reading_spans(readings: Sequence[LineReading]) -> dict:
    """path -> (start, end) of every reading of the scene in that recording: speech that a
    handle must not run into, heard by the recogniser or not."""
    out: dict = {}
    for r in readings:
        out.setdefault(r.path, []).append((r.start, r.end))
    return out


def _claimed_words(readings: Sequence[LineReading]) -> dict:
    """path -> indices of the recognised words that some reading of the scene is made of."""
    out: dict = {}
    for r in readings:
        out.setdefault(r.path, set()).update(range(*r.word_span))
    return out


def _spoken(c: Optional[Candidate], claimed: dict) -> Optional[Candidate]:
    """``c`` with its reading's bounds and words run on over the unclaimed words next to it
    (``cutpoints.run_on``), for cutting only: its score and reasons stay as ranked."""
    if c is None or not c.take.transcript.words:
        return c
    r = c.reading
    start, end, span = run_on(c.take.transcript.words, r.word_span, r.start, r.end,
                              claimed.get(r.path, frozenset()))
    if (start, end, span) == (r.start, r.end, r.word_span):
        return c
    return replace(c, reading=replace(r, start=start, end=end, word_span=span))


def _alternates(line_cands: Sequence[Candidate], chosen: Candidate, n: int, handles: Handles,
                claimed: Optional[dict] = None, spans: Optional[dict] = None) -> tuple:
    out = []
    for c in line_cands:
        if c is chosen or len(out) >= n:
            continue
        a_in, a_out = _source_range(_spoken(c, claimed or {}), handles, spans)
        out.append(Alternate(path=c.take.path, src_in=a_in, src_out=a_out, score=round(c.score, 4),
                             why="; ".join(c.reasons), host_id=c.take.host_id, take_id=c.take.take_id,
                             terms=c.terms, rank=c.rank))
    return tuple(out)


def _why(c: Candidate, character: Optional[str], idiom: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The idioms that placed this shot first, then why this reading (its own reasons)."""
    reasons = list(idiom)
    if not idiom and character and character in c.take.characters:
        reasons.append(f"{character} on screen ({c.take.shot_size})")
    elif not idiom and character and c.take.characters:
        reasons.append(f"reaction: {', '.join(c.take.characters)} on screen")
    if c.rank:
        reasons.append(f"take rank {c.rank} for this line")
    return tuple(reasons) + tuple(c.reasons)


def script_judges(script: Script) -> tuple[dict, frozenset, frozenset, frozenset]:
    """(line id → intent judge, quiet line ids, emotional-beat line ids, line ids with a
    scripted pause) from the script's directions (``roughcut_core.script.intent``); empty
    when the intent parser is absent.

    A reading whose signals already carry ``intent_match``/``intent_words`` is judged by
    them; otherwise ``intent_match(signals, intent)`` is called on its signals."""
    try:
        from ..script.intent import intent_match, script_intents
    except ImportError:  # the intent parser is optional: no intent term then
        return {}, frozenset(), frozenset(), frozenset()
    intents = script_intents(script)
    judges, quiet, beats = {}, set(), set()
    pauses = frozenset(lid for lid, i in intents.items() if i.pauses)
    for lid, intent in intents.items():
        if not intent.has_direction:
            continue
        if intent.loudness == "soft":
            quiet.add(lid)
        if intent.emotion not in (None, "neutral") or (intent.arousal or 0.0) >= 0.75:
            beats.add(lid)

        def judge(signals, intent=intent):
            pre = signals.get("intent_match")
            if isinstance(pre, (int, float)) and signals.get("intent_words"):
                return float(pre), str(signals.get("intent_words"))
            score, words = intent_match(signals, intent)
            return (score, words) if words else None
        judges[lid] = judge
    return judges, frozenset(quiet), frozenset(beats), pauses


def script_profiles(script: Script) -> dict:
    """line id → ``{"cues": expected relative cues, "emotions": expected distribution}`` for
    each directed line (``script.intent`` + ``perform.delivery``): what the ``intent_*``
    component terms of the ranking compare a reading with. Empty without those modules."""
    try:
        from ..perform.delivery import expected_profile
        from ..script.intent import script_intents
    except ImportError:
        return {}
    out = {}
    for lid, i in script_intents(script).items():
        if i.has_direction:
            cues = expected_profile(i.emotion, i.arousal, i.loudness, i.pace)
            if cues or i.emotions:
                out[lid] = {"cues": cues, "emotions": i.distribution()}
    return out


def scene_openings(lines) -> frozenset:
    """Indices of the lines that open a scene (a new location): where the cut establishes."""
    out, prev = set(), object()
    for i, line in enumerate(lines):
        if line.scene_id != prev:
            out.add(i)
        prev = line.scene_id
    return frozenset(out)


def _timeline_rate(picks: Sequence[Optional[Candidate]], takes: dict) -> Rate:
    rates = Counter(c.take.rate for c in picks if c is not None)
    if not rates:
        rates = Counter(t.rate for t in takes.values())
    return rates.most_common(1)[0][0] if rates else Rate(24000, 1001)


def build_cut(script: Script, takes: dict, readings: Sequence[LineReading],
              options: EditOptions = EditOptions(), scene_id: Optional[str] = None) -> Cut:
    """Assemble a cut of ``script`` (or one scene of it) from ``readings`` of ``takes``.

    ``takes`` maps path → :class:`TakeInfo`.
    """
    lines = [l for s in script.scenes if scene_id in (None, s.id) for l in s.lines]
    judges, quiet, beats, pauses = script_judges(script)
    ranked = rank_readings(readings, takes, options.weights, intents=judges, quiet_lines=quiet,
                           pause_lines=pauses, profiles=script_profiles(script))
    pairs = [(l.id, l.character) for l in lines]
    openings = scene_openings(lines)
    picks = assemble(pairs, ranked, options.assembly, establish_at=openings)
    idiom_words = idioms(picks, pairs, options.assembly, establish_at=openings, candidates=ranked)
    rate = _timeline_rate(picks, takes)
    claimed = _claimed_words(readings)
    ranked_picks, picks = picks, [_spoken(c, claimed) for c in picks]
    spans = _reading_spans(readings)
    ranges = [(_source_range(c, options.handles, spans) if c else None) for c in picks]
    # Consecutive picks from one recording meet in the pause between them (a through edit):
    # the earlier clip's out is the later clip's in, so nothing is lost or played twice.
    for k in range(len(picks) - 1):
        a, b = picks[k], picks[k + 1]
        if a and b and a.take.path == b.take.path and b.reading.start >= a.reading.end - 0.05:
            lo = seconds_to_frame_ceil(a.reading.end, a.take.rate)
            hi = seconds_to_frame_floor(b.reading.start, a.take.rate)
            mid = seconds_to_frames((a.reading.end + b.reading.start) / 2, a.take.rate)
            mid = min(max(mid, lo), max(lo, hi))
            ranges[k] = (ranges[k][0], mid)
            ranges[k + 1] = (mid, ranges[k + 1][1])
    ranges, blink_notes = move_off_blinks(picks, ranges, options.eye_probe, options.handles, spans)
    decisions, warnings, rec = [], [], 0
    mixed = {str(c.take.rate) for c in picks if c is not None}
    if len(mixed) > 1:
        warnings.append(f"takes at mixed frame rates ({', '.join(sorted(mixed))}); "
                        f"timeline at {rate}, hosts convert at the boundary")
    for k, (line, c) in enumerate(zip(lines, picks)):
        did = f"d{k + 1}"
        if c is None:
            gap_len = seconds_to_frames(GAP_SECONDS, rate)
            note = f"{line.text} — no usable reading of this line"
            decisions.append(EditDecision(
                id=did, path="", rate=rate, src_in=0, src_out=gap_len, rec_in=rec, score=0.0,
                line_ids=(line.id,), reasons=("no reading of this line was found",), gap=True,
                markers=(Marker(frame=0, name=f"{line.id} {line.character} MISSING", note=note, color="Red"),)))
            rec += gap_len
            continue
        src_in, src_out = ranges[k]
        why = _why(c, line.character, idiom_words[k]) + blink_notes[k]
        color = "Blue" if c.acceptable else "Red"
        marker = Marker(frame=0, name=f"{line.id} {line.character}", note=f"{line.text} — {'; '.join(why)}",
                        color=color)
        decisions.append(EditDecision(
            id=did, path=c.take.path, rate=c.take.rate, src_in=src_in, src_out=src_out, rec_in=rec,
            score=round(c.score, 4), line_ids=(line.id,), reasons=why,
            alternates=_alternates(ranked.get(line.id, ()), ranked_picks[k], options.alternates, options.handles,
                                   claimed, spans),
            host_id=c.take.host_id, take_id=c.take.take_id, setup=c.take.setup,
            start_frame=c.take.start_frame, markers=(marker,), terms=c.terms, rank=c.rank))
        rec += convert_frames(src_out - src_in, c.take.rate, rate) if c.take.rate != rate else src_out - src_in
    if options.split_edits:
        decisions = apply_split_edits(decisions, rate, options.split_edits,
                                      frame_counts={p: t.frame_count for p, t in takes.items()})
    if options.reaction_shots:
        decisions += add_reaction_shots(decisions, picks, [l.character for l in lines], ranked, rate,
                                        min_speech=options.reaction_after,
                                        beats=frozenset(k for k, l in enumerate(lines) if l.id in beats))
    coverage = coverage_report(lines, ranked, picks, takes)
    name = options.timeline_name or f"Rough cut — {script.title or 'scene'}"
    return Cut(name=name, rate=rate, decisions=tuple(decisions),
               start_frame=options.timeline_start_frame if options.timeline_start_frame is not None else 0,
               coverage=coverage, options={"preset": options.assembly.preset,
                                           "favour_character": options.assembly.favour_character,
                                           "target_duration": options.assembly.target_duration,
                                           "handles": [options.handles.pre, options.handles.post],
                                           "learned_weights": options.weights is not None,
                                           "split_edits": options.split_edits, "reaction_shots": options.reaction_shots},
               warnings=tuple(warnings))


def coverage_report(lines, ranked: dict, picks, takes: dict) -> dict:
    """The script supervisor's view: what was never shot, what has no good reading."""
    never = [l.id for l in lines if not ranked.get(l.id)]
    no_good = [l.id for l in lines if ranked.get(l.id) and not any(c.acceptable for c in ranked[l.id])]
    speakers = sorted({l.character for l in lines if l.character})
    seen = {ch for t in takes.values() for ch in t.characters}
    missing_setups = [f"no shot shows {ch}" for ch in speakers if seen and ch not in seen]
    return {
        "lines": len(lines), "lines_never_captured": never, "lines_without_acceptable_reading": no_good,
        "setups_missing": missing_setups,
        "lines_in_cut": sum(1 for c in picks if c is not None),
    }
