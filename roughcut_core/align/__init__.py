"""Take-to-script alignment (issue 4): which script line is said where, how well, in which take.

Public API:
- ``align_transcript(script, transcript, *, take_id=None, options=None, index=None)`` →
  ``tuple[LineReading, ...]`` in time order. Each reading names the line, its character (from
  the script), the transcript ``word_span`` [first, last), ``start``/``end`` (first word's start,
  last word's end, seconds from the file start), ``score`` (0..1: how completely and exactly the
  line was said; ASR misspellings still count as said), the ``text`` actually said and
  ``defects`` drawn from: ``missing_words``, ``substitution`` (a flub: different words),
  ``restart``, ``repeat``, ``ad_lib`` (1–3 extra words inside the line), ``off_script`` (a run of
  4+ unrelated words inside the line), ``truncated`` (the take/file ends before the line does).
- Restarts ("I never — I never said that"): ONE reading whose ``word_span``/``start``/``end``
  cover only the final attempt, so the edit engine cuts the clean delivery; ``full_span`` covers
  the whole delivery from the first aborted attempt and ``defects`` has ``restart``. The final
  attempt is judged on its own (a clean final attempt scores 1.0). Whisper often drops the
  repeated words; a pause inside the line followed by a stretched, low-confidence word is then
  taken as the restart (``AlignOptions.hidden_restart_*``).
- A line said twice in one take (pick-up) gives two readings; the later ones carry ``repeat``.
- Without ``take_id`` the transcript is split into takes (``segment_takes``) and each reading
  gets the id of its take; ``repeat`` and ``truncated`` are judged within the take.
- ``segment_takes(transcript, *, slates=(), min_pause=4.0, script=None)`` → ``tuple[Take, ...]``.
- ``group_utterances(transcripts)`` → ``tuple[UtteranceGroup, ...]`` (script-less mode).
- ``normalize_words(text)`` → comparison tokens; ``unmatched_spans`` → off-script chatter.
- ``build_script_index(script)``: build once, pass as ``index=`` when aligning many takes.
- ``reconcile_readings(script, readings)``: after aligning every take of a scene, drop
  ``substitution`` where other takes show the same mishearing (the recogniser's habit, not a
  flub). The CLI and the benchmark apply it; the edit engine should too.
A take with no words gives no readings. Nothing here touches files.
"""
from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional, Sequence

from ..model import AnalyzerInfo, LineReading, Script, Take, Transcript
from .core import Said, place_lines
from .index import ScriptIndex, TokenStream, build_script_index, transcript_tokens
from .normalize import normalize_words
from .reconcile import reconcile_readings
from .scriptless import Utterance, UtteranceGroup, group_utterances, split_utterances
from .segment import split_points, takes_from_splits

ALIGNER_NAME = "roughcut.align"
ALIGNER_VERSION = "1"

__all__ = [
    "AlignOptions", "ScriptIndex", "Utterance", "UtteranceGroup", "align_transcript",
    "build_script_index", "group_utterances", "normalize_words", "reconcile_readings", "segment_takes",
    "split_utterances", "unmatched_spans", "ALIGNER_NAME", "ALIGNER_VERSION",
]


@dataclass(frozen=True)
class AlignOptions:
    """Knobs of the aligner (recorded in ``analyzer_info()``)."""

    min_score: float = 0.5            # a placement must say at least this share of the line
    match_threshold: float = 0.75     # word similarity (fuzz.ratio/100) that counts as the same word
    shortlist_coverage: float = 0.34  # share of a line's rare words needed to try aligning it
    order_bonus: float = 1.5          # reward for following the previous line in script order
    line_penalty: float = 1.5         # cost of claiming a line (keeps lone short lines out)
    max_filler: int = 2               # words allowed between an aborted attempt and the retry
    restart_gap: float = 3.0          # seconds allowed between an aborted attempt and the retry
    ad_lib_max: int = 3               # longer runs of extra words inside a line are off_script
    split_takes: bool = True          # segment the transcript into takes when take_id is None
    min_pause: float = 4.0            # pause (s) that separates takes
    hidden_restart_gap: float = 0.3   # restart the recogniser swallowed: pause inside the line (s)
    hidden_restart_word: float = 0.6  # ... then a word stretched to at least this long (s)
    hidden_restart_prob: float = 0.7  # ... that the recogniser was unsure of

    def analyzer_info(self) -> AnalyzerInfo:
        return AnalyzerInfo(ALIGNER_NAME, ALIGNER_VERSION, asdict(self))


def _token_times(transcript: Transcript, stream: TokenStream) -> list[tuple[float, float]]:
    words = transcript.words
    return [(words[w].start, words[w].end) for w in stream.word_of]


def _readings(index: ScriptIndex, transcript: Transcript, stream: TokenStream, said: Sequence[Said],
              takes: Sequence[Take], options: AlignOptions, fixed_take: Optional[str]) -> tuple[LineReading, ...]:
    words = transcript.words
    take_starts = [t.start for t in takes]
    # last token index of each take, to judge "truncated"
    take_last_token: dict[int, int] = {}
    for k, w in enumerate(stream.word_of):
        ti = max(0, bisect.bisect_right(take_starts, words[w].start) - 1)
        take_last_token[ti] = k
    complete_in_take: set[tuple[int, int]] = set()
    said_in_take: set[tuple[int, int]] = set()
    out = []
    for s in said:
        p = s.placement
        first_word = stream.word_of[p.start]
        last_word = stream.word_of[p.end - 1]
        ti = max(0, bisect.bisect_right(take_starts, words[first_word].start) - 1)
        defects = []
        truncated = p.missing_tail > 0 and p.end - 1 >= take_last_token.get(ti, -1)
        if p.missing_head or p.missing_inner or (p.missing_tail and not truncated):
            defects.append("missing_words")
        if p.substituted:
            defects.append("substitution")
        if p.inserted:
            defects.append("off_script" if p.longest_insert > options.ad_lib_max else "ad_lib")
        if s.full_start is not None:
            defects.append("restart")
        if (ti, p.line) in said_in_take and (ti, p.line) in complete_in_take:
            defects.append("repeat")
        if truncated:
            defects.append("truncated")
        said_in_take.add((ti, p.line))
        if not (p.missing_head or p.missing_inner or p.missing_tail):
            complete_in_take.add((ti, p.line))
        line = index.lines[p.line]
        full_span = None
        if s.full_start is not None:
            full_span = (stream.word_of[s.full_start], last_word + 1)
        out.append(LineReading(
            path=transcript.path, line_id=line.id, start=words[first_word].start,
            end=words[last_word].end, score=round(p.score, 4),
            take_id=fixed_take if fixed_take is not None else takes[ti].id,
            character=line.character, word_span=(first_word, last_word + 1),
            defects=tuple(defects), text=" ".join(w.text for w in words[first_word:last_word + 1]).strip(),
            full_span=full_span,
        ))
    return tuple(out)


def _analyse(script_or_index, transcript: Transcript, options: AlignOptions):
    index = script_or_index if isinstance(script_or_index, ScriptIndex) else build_script_index(script_or_index)
    stream = transcript_tokens(transcript)
    probs = [transcript.words[w].probability for w in stream.word_of]
    said = place_lines(index, stream, _token_times(transcript, stream), options, probs)
    return index, stream, said


def _takes(transcript: Transcript, stream: TokenStream, said: Sequence[Said], *, slates=(),
           min_pause: float) -> tuple[Take, ...]:
    said_lines = [(s.placement.line, stream.word_of[s.start]) for s in said]
    dialogue = [(stream.word_of[s.start], stream.word_of[s.placement.end - 1] + 1) for s in said]
    splits = split_points(transcript, slates=slates, min_pause=min_pause, said_lines=said_lines,
                          dialogue=dialogue)
    return takes_from_splits(transcript, splits)


def align_transcript(script: Script, transcript: Transcript, *, take_id: Optional[str] = None,
                     options: Optional[AlignOptions] = None,
                     index: Optional[ScriptIndex] = None) -> tuple[LineReading, ...]:
    """Readings of the script's lines in ``transcript`` (see module docstring)."""
    options = options or AlignOptions()
    if not transcript.words:
        return ()
    index, stream, said = _analyse(index if index is not None else script, transcript, options)
    if not said:
        return ()
    if take_id is not None or not options.split_takes:
        whole = Take(id=take_id or f"{Path(transcript.path).name}#1", path=transcript.path, start=0.0,
                     end=max(transcript.duration, transcript.words[-1].end))
        return _readings(index, transcript, stream, said, (whole,), options, take_id)
    takes = _takes(transcript, stream, said, min_pause=options.min_pause)
    return _readings(index, transcript, stream, said, takes, options, None)


def segment_takes(transcript: Transcript, *, slates: Sequence = (), min_pause: float = 4.0,
                  script: Optional[Script] = None) -> tuple[Take, ...]:
    """Contiguous takes tiling the file (see ``segment`` for the rules)."""
    if script is not None and transcript.words:
        _, stream, said = _analyse(script, transcript, AlignOptions(min_pause=min_pause))
        return _takes(transcript, stream, said, slates=slates, min_pause=min_pause)
    return takes_from_splits(transcript, split_points(transcript, slates=slates, min_pause=min_pause))


def unmatched_spans(transcript: Transcript, readings: Sequence[LineReading],
                    min_words: int = 1) -> tuple[tuple[int, int], ...]:
    """Word spans [first, last) said outside every reading (off-script chatter, slates...)."""
    covered = [False] * len(transcript.words)
    for r in readings:
        a, b = r.full_span or r.word_span
        for k in range(a, min(b, len(covered))):
            covered[k] = True
    spans, start = [], None
    for k, c in enumerate(covered + [True]):
        if not c and start is None:
            start = k
        elif c and start is not None:
            if k - start >= min_words:
                spans.append((start, k))
            start = None
    return tuple(spans)
