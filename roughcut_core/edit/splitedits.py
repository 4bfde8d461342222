"""Post-passes over an assembled cut: split (L) edits and reaction cutaways.

- L/J cuts: where two consecutive clips come from different setups, the picture cuts a few
  frames before (L) or after (J) the sound. Only picture points move; sound points stay on the
  speech-safe cut, so no word is clipped or doubled and sound stays in sync with its picture.
- Reaction shot: on a long speech, the middle part of the picture is covered by a cutaway of
  a listener (from a setup that shows them and not the speaker, during their take's reading of
  the same line) on an upper video track, picture only; the speaker's sound plays on.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

from ..model import EditDecision
from ..timebase import Rate, seconds_to_frames
from .ranking import Candidate


def apply_split_edits(decisions: list[EditDecision], rate: Rate, mode: str = "L",
                      seconds: float = 0.33, frame_counts: Optional[dict] = None) -> list[EditDecision]:
    """Split the picture cut from the sound cut between clips of different setups.

    ``mode`` "L": the picture cuts ``seconds`` before the sound (the listener appears while the
    last words play); "J": after it (the next line is heard before its speaker is seen).
    Only picture points move; ``frame_counts`` (path → frames) bounds a J-cut's picture tail.
    """
    if mode not in ("L", "J"):
        raise ValueError(f"split edit mode must be 'L' or 'J', not {mode!r}")
    out = list(decisions)
    lead = seconds_to_frames(seconds, rate)
    frame_counts = frame_counts or {}
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        if (a.gap or b.gap or a.path == b.path or a.setup == b.setup or a.rate != rate or b.rate != rate
                or a.video_track != 1 or b.video_track != 1):
            continue
        if mode == "L":
            n = min(lead, (a.src_out - a.src_in) // 3, b.src_in)
        else:
            tail = frame_counts.get(a.path, a.src_out + lead) - a.src_out
            n = -min(lead, (b.src_out - b.src_in) // 3, max(0, tail))
        if n == 0:
            continue
        out[k] = replace(a, src_out=a.src_out - n, audio_in=a.audio_in if a.audio_in is not None else a.src_in,
                         audio_out=a.audio_out if a.audio_out is not None else a.src_out)
        out[k + 1] = replace(b, src_in=b.src_in - n, rec_in=b.rec_in - n,
                             audio_in=b.audio_in if b.audio_in is not None else b.src_in,
                             audio_out=b.audio_out if b.audio_out is not None else b.src_out)
    return out


def _listener_candidate(line_cands: Sequence[Candidate], speaker: str, chosen: Candidate) -> Optional[Candidate]:
    for c in line_cands:  # best first
        chars = c.take.characters
        if c.take.path != chosen.take.path and chars and speaker not in chars and c.acceptable:
            return c
    return None


def add_reaction_shots(decisions: Sequence[EditDecision], picks: Sequence[Optional[Candidate]],
                       speakers: Sequence[str], ranked: dict, rate: Rate, *, min_speech: float = 4.0,
                       max_reaction: float = 2.0, beats: frozenset = frozenset(),
                       min_beat: float = 1.5) -> list[EditDecision]:
    """Cutaways (video track 2) over the middle of long speeches and of emotional beats (the
    line indices in ``beats``, when at least ``min_beat`` s long): the listener's reaction
    plays while the speaker's sound runs on underneath. Returns only the new ones."""
    out = []
    for k, (d, c, speaker) in enumerate(zip(decisions, picks, speakers)):
        if c is None or d.gap or d.rate != rate or speaker not in c.take.characters:
            continue
        speech = c.reading.end - c.reading.start
        beat = k in beats and speech >= min_beat
        if speech < min_speech and not beat:
            continue
        other = _listener_candidate(ranked.get(d.line_ids[0], ()), speaker, c)
        if other is None or other.take.rate != rate:
            continue
        length = seconds_to_frames(min(max_reaction, (0.3 if beat and speech < min_speech else 0.4) * speech), rate)
        offset = ((d.src_out - d.src_in) - length) // 2
        mid = (other.reading.start + other.reading.end) / 2
        src_in = max(0, seconds_to_frames(mid, rate) - length // 2)
        src_out = min(src_in + length, other.take.frame_count or src_in + length)
        listener = ", ".join(other.take.characters)
        out.append(EditDecision(
            id=f"{d.id}-r", path=other.take.path, rate=rate, src_in=src_in, src_out=src_out,
            rec_in=d.rec_in + offset, score=round(other.score, 4),
            reasons=(f"reaction: {listener} listens" + (" (emotional beat)" if beat and speech < min_speech
                                                         else " (long speech)"),),
            host_id=other.take.host_id, take_id=other.take.take_id, setup=other.take.setup,
            start_frame=other.take.start_frame, video_track=2, media_type="video"))
    return out
