"""The demo scene's screenplay: original two-character dialogue, chosen by seed, as Fountain.

Contract:
- :func:`scene_for_seed` returns a :class:`SceneText` for any integer seed. Seed 0 is the
  built-in kitchen scene; seeds 1 and 2 are other scenes; larger seeds reuse a scene with one
  line (never the first) left out, so every seed's dialogue differs from its neighbours'.
- Line ids follow the Fountain parser: ``<scene number>-<n>``, scene number 1, n counted from 1
  in dialogue order.
- :func:`to_fountain` renders valid Fountain: title page, a numbered scene heading, action,
  and every line on one dialogue row (one row with a parenthetical).
- All text is written for this project (original), in plain words espeak-ng reads naturally:
  no digits, no hyphenated words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

CHARACTERS = ("ALICE", "BOB")

# (character, text, parenthetical)
_KITCHEN = (
    ("ALICE", "You promised you'd be home by nine.", None),
    ("BOB", "The last train never came.", None),
    ("ALICE", "I called you four times.", "quietly"),
    ("BOB", "My phone died in the tunnel.", None),
    ("ALICE", "Then why is your coat dry?", "angrily"),
    ("BOB", "The rain stopped hours ago.", None),
    ("ALICE", "Please don't lie to me.", "through tears"),
    ("BOB", "I sat in the station, thinking.", None),
    ("ALICE", "Thinking about what?", None),
    ("BOB", "About us, mostly.", "quietly"),
)
_CAR = (
    ("BOB", "We should have turned left.", None),
    ("ALICE", "The map says this road is fine.", None),
    ("BOB", "The map is upside down.", "dryly"),
    ("ALICE", "Then turn it around.", "angrily"),
    ("BOB", "It is getting dark out here.", None),
    ("ALICE", "You worry about everything.", "laughing"),
    ("BOB", "Somebody in this car has to.", None),
    ("ALICE", "Look, there are lights ahead.", None),
    ("BOB", "That is a barn.", "sadly"),
    ("ALICE", "Then we sleep in a barn.", None),
)
_ROOF = (
    ("ALICE", "How long have you been up here?", None),
    ("BOB", "Since the party got loud.", "sadly"),
    ("ALICE", "Everyone keeps asking for you.", None),
    ("BOB", "Tell them I went home.", "smiling"),
    ("ALICE", "You know I can't lie.", "laughing"),
    ("BOB", "Then sit with me awhile.", None),
    ("ALICE", "The city looks quiet tonight.", None),
    ("BOB", "That is why I come here.", None),
    ("ALICE", "Will you come back down?", "quietly"),
    ("BOB", "After one more song.", None),
)

_SCENES = (
    ("Kitchen Table", "INT. KITCHEN - NIGHT",
     "A narrow kitchen lit only by the open fridge. ALICE sits at the table with a cold cup of "
     "tea. BOB comes in, still wearing his coat.", _KITCHEN),
    ("Wrong Turn", "INT. CAR - DUSK",
     "A small car on a gravel road between empty fields. ALICE drives. BOB holds a paper map "
     "upside down.", _CAR),
    ("Up On The Roof", "EXT. ROOFTOP - NIGHT",
     "Music thumps through the roof door. BOB sits on an upturned crate. ALICE steps out "
     "holding two paper cups.", _ROOF),
)

_WORD_RE = re.compile(r"[A-Za-z']+")


@dataclass(frozen=True)
class DialogueLine:
    id: str
    character: str
    text: str
    parenthetical: Optional[str] = None

    @property
    def words(self) -> tuple[str, ...]:
        """The spoken words, punctuation stripped (apostrophes kept)."""
        return tuple(_WORD_RE.findall(self.text))


@dataclass(frozen=True)
class SceneText:
    title: str
    heading: str
    action: str
    lines: tuple[DialogueLine, ...]
    scene_number: int = 1


def scene_for_seed(seed: int) -> SceneText:
    """The scene for ``seed`` (see module contract)."""
    seed = int(seed)
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    title, heading, action, rows = _SCENES[seed % len(_SCENES)]
    if seed >= len(_SCENES):
        # Leave out one line (not the first) so the dialogue differs from the base scene.
        dropped = 1 + (seed // len(_SCENES) - 1) % (len(rows) - 1)
        rows = rows[:dropped] + rows[dropped + 1:]
        title = f"{title} ({seed})"
    lines = tuple(
        DialogueLine(id=f"1-{i}", character=ch, text=text, parenthetical=paren)
        for i, (ch, text, paren) in enumerate(rows, start=1)
    )
    return SceneText(title=title, heading=heading, action=action, lines=lines)


def to_fountain(scene: SceneText) -> str:
    """Render ``scene`` as a Fountain document."""
    out = [
        f"Title: {scene.title}",
        "Credit: Written by",
        "Author: the roughcut demo generator",
        "Draft date: generated",
        "",
        f"{scene.heading} #{scene.scene_number}#",
        "",
        scene.action,
        "",
    ]
    for line in scene.lines:
        out.append(line.character)
        if line.parenthetical:
            out.append(f"({line.parenthetical})")
        out.append(line.text)
        out.append("")
    out.append("> FADE OUT.")
    return "\n".join(out) + "\n"
