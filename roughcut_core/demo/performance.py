"""Performances of the demo takes: how each take delivers each directed line.

Contract:
- A line whose parenthetical names a delivery (:data:`DIRECTIONS`: angrily, quietly, through
  tears, happily, ...) has a scripted *style*. Every take delivers it ``matched`` (the
  scripted style), ``flat`` (monotone, even level) or ``wrong`` (the opposite style:
  :data:`OPPOSITE`). Lines without a direction are delivered in the voice's normal style.
- A style is a change of the espeak-ng voice (rate, pitch, pitch range) plus a level on the
  speech itself (:class:`Style`), so the difference is in the sound, as with actors.
- :func:`plan_deliveries` decides, from the seed alone (its own PCG64 stream, so the defect
  placement of :mod:`.plan` is unchanged), which take gives which delivery. For each directed
  line, among the speaker's close-up takes whose reading is acceptable, exactly one is
  ``matched`` and the others ``flat`` or ``wrong``; in the WIDE takes the first acceptable
  reading is never ``matched`` (so the intent-matched read is on the speaker's single and the
  wide alone never gives the scripted delivery), the rest are drawn at random.
- :func:`editor_picks` is the ground truth an editor would follow: for a directed line, the
  acceptable ``matched`` readings; otherwise every acceptable reading; with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from .dialogue import DialogueLine, SceneText
from .plan import SETUP_WIDE, TakePlan, acceptable_readings


@dataclass(frozen=True)
class Style:
    """A delivery: espeak rate offset (wpm), pitch offset, pitch range, and speech level."""

    name: str
    rate: int = 0
    pitch: int = 0
    pitch_range: Optional[int] = None  # None = the voice's own
    gain: float = 1.0


STYLES = {
    "normal": Style("normal"),
    "angry": Style("angry", rate=35, pitch=10, pitch_range=95, gain=1.2),
    "happy": Style("happy", rate=20, pitch=16, pitch_range=90, gain=1.05),
    "sad": Style("sad", rate=-60, pitch=-14, pitch_range=12, gain=0.55),
    "quiet": Style("quiet", rate=-30, pitch=-6, pitch_range=25, gain=0.35),
    "flat": Style("flat", rate=-5, pitch=0, pitch_range=2, gain=0.8),
}
OPPOSITE = {"angry": "sad", "happy": "sad", "sad": "happy", "quiet": "angry"}

# Parenthetical (lower case, as written in the script) -> scripted style.
DIRECTIONS = {
    "angrily": "angry", "furious": "angry", "shouting": "angry",
    "quietly": "quiet", "whispering": "quiet", "softly": "quiet",
    "through tears": "sad", "sadly": "sad",
    "happily": "happy", "laughing": "happy", "delighted": "happy", "smiling": "happy",
}


def scripted_style(line: DialogueLine) -> Optional[str]:
    return DIRECTIONS.get((line.parenthetical or "").strip().lower())


def delivery_style(line: DialogueLine, delivery: Optional[str]) -> Style:
    """The style a take uses for ``line`` given its delivery (None = undirected line)."""
    want = scripted_style(line)
    if want is None or delivery is None:
        return STYLES["normal"]
    if delivery == "matched":
        return STYLES[want]
    if delivery == "wrong":
        return STYLES[OPPOSITE[want]]
    return STYLES["flat"]


def plan_deliveries(scene: SceneText, takes: tuple[TakePlan, ...], seed: int) -> dict[tuple[int, str], str]:
    """(take index, line id) -> "matched" | "flat" | "wrong" for every directed line."""
    rng = np.random.Generator(np.random.PCG64([int(seed), 271828]))
    good = acceptable_readings(scene, takes)
    out: dict[tuple[int, str], str] = {}
    for line in scene.lines:
        if scripted_style(line) is None:
            continue
        ok = {t.index for t in good[line.id]}
        singles = [t for t in takes if t.setup.name == f"CU_{line.character}"]
        good_singles = [t for t in singles if t.index in ok]
        star = good_singles[int(rng.integers(len(good_singles)))] if good_singles else None
        first_wide = next((t for t in takes if t.setup.name == SETUP_WIDE and t.index in ok), None)
        for t in takes:
            if t is star:
                out[(t.index, line.id)] = "matched"
            elif t in singles or t is first_wide:
                out[(t.index, line.id)] = ("flat", "wrong")[int(rng.integers(2))]
            else:
                out[(t.index, line.id)] = ("matched", "flat", "wrong")[int(rng.integers(3))]
    return out


def editor_picks(scene: SceneText, takes: tuple[TakePlan, ...],
                 deliveries: dict[tuple[int, str], str]) -> list[dict]:
    """Per line: the takes an editor should pick and why (see module contract)."""
    good = acceptable_readings(scene, takes)
    out = []
    for line in scene.lines:
        style = scripted_style(line)
        ok = good[line.id]
        if style is None:
            picks = [t.name for t in ok]
            why = "any complete, clean reading (no direction in the script)"
        else:
            picks = [t.name for t in ok if deliveries.get((t.index, line.id)) == "matched"]
            why = f"the {style} read the script asks for ({line.parenthetical}); the others are flat or wrong"
        singles = [n for n in picks if n.startswith(f"CU_{line.character}_")]
        out.append({"line_id": line.id, "style": style, "takes": picks, "single_takes": singles, "why": why})
    return out
