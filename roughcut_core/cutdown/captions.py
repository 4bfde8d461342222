"""Word-timed captions for a cut-down: phrase line breaks, at most two lines, reading speed.

Contract: ``make_cues(timed_words)`` takes ``(text, start, end)`` words on the *record*
timeline (seconds from the cut-down's start, in playing order, with ``None`` between
clips) and returns :class:`Cue` s; ``to_srt(cues)`` / ``to_vtt(cues)`` write them.

Rules: a cue never spans a clip boundary or a pause over ``BREAK_PAUSE_S``; it closes at the
end of a phrase (``, . ? ! ; :``) once it has some length, and before it would need a third
line; lines are at most ``max_chars`` characters, broken at the phrase or word boundary
nearest the middle. Each cue shows from its first word's start to its last word's end,
extended (into the silence before the next cue, never over it) until it reaches
``MIN_CUE_S`` and a reading speed of at most ``MAX_CPS`` characters per second.
"""
from __future__ import annotations

from dataclasses import dataclass

MAX_CPS = 17.0
MIN_CUE_S = 0.8
MIN_GAP_S = 0.084   # two frames at 24 fps between cues
BREAK_PAUSE_S = 0.7
PHRASE_END = (",", ".", "?", "!", ";", ":")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def cps(self) -> float:
        return sum(len(x) for x in self.lines) / max(1e-6, self.end - self.start)


def _lines(words: list[str], max_chars: int) -> tuple[str, ...] | None:
    """One line, or two broken near the middle (preferring after punctuation); None if too long."""
    text = " ".join(words)
    if len(text) <= max_chars:
        return (text,)
    best = None
    for i in range(1, len(words)):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        if len(a) > max_chars or len(b) > max_chars:
            continue
        cost = abs(len(a) - len(b)) - (12 if words[i - 1].endswith(PHRASE_END) else 0)
        if best is None or cost < best[0]:
            best = (cost, (a, b))
    return best[1] if best else None


def make_cues(timed_words, max_chars: int = 32) -> tuple[Cue, ...]:
    """Cues from ``[(text, start, end) | None, ...]`` (see module doc)."""
    groups: list[list[tuple[str, float, float]]] = []
    cur: list[tuple[str, float, float]] = []

    def close():
        nonlocal cur
        if cur:
            groups.append(cur)
        cur = []
    for w in timed_words:
        if w is None:
            close()
            continue
        text, start, end = w
        text = text.strip()
        if not text:
            continue
        if cur and start - cur[-1][2] > BREAK_PAUSE_S:
            close()
        if cur and _lines([x[0] for x in cur] + [text], max_chars) is None:
            close()
        cur.append((text, start, end))
        n = len(" ".join(x[0] for x in cur))
        if text.endswith(PHRASE_END) and n >= max_chars * 0.6:
            close()
    close()
    cues = []
    for g in groups:
        lines = _lines([x[0] for x in g], max_chars) or (" ".join(x[0] for x in g),)
        cues.append(Cue(g[0][1], g[-1][2], lines))
    out = []
    for i, c in enumerate(cues):
        limit = cues[i + 1].start - MIN_GAP_S if i + 1 < len(cues) else c.end + 2.0
        chars = sum(len(x) for x in c.lines)
        want = max(c.end, c.start + MIN_CUE_S, c.start + chars / MAX_CPS)
        out.append(Cue(round(c.start, 3), round(max(c.end, min(want, limit)), 3), c.lines))
    return tuple(out)


def _ts(t: float, sep: str) -> str:
    ms = int(round(max(0.0, t) * 1000))
    h, ms = divmod(ms, 3600000)
    m, ms = divmod(ms, 60000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_srt(cues) -> str:
    return "".join(f"{i}\n{_ts(c.start, ',')} --> {_ts(c.end, ',')}\n{c.text}\n\n" for i, c in enumerate(cues, 1))


def to_vtt(cues) -> str:
    body = "".join(f"{i}\n{_ts(c.start, '.')} --> {_ts(c.end, '.')}\n{c.text}\n\n" for i, c in enumerate(cues, 1))
    return "WEBVTT\n\n" + body


def cue_at(cues, t: float):
    for c in cues:
        if c.start <= t < c.end:
            return c
    return None


__all__ = ["Cue", "MAX_CPS", "cue_at", "make_cues", "to_srt", "to_vtt"]
