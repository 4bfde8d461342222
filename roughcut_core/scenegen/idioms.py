"""Idiom scenes: the editing idioms the default generated scenes never call for (issue 14).

The default scenes (``plan.plan_scene``) have lines of at most about 2 s and pauses of
0.5-0.9 s: no long speech, no emotional beat, no quick back-and-forth. An idiom scene of the
same two-hander set-up (a wide two-shot and a single per actor, so the listener's single is
always there) has, in an order drawn per seed:

- two *long speeches* (three or four sentences, 26-34 words: over 6 s at the cast's 150-205
  words a minute);
- an *emotional beat*: a line of 6-9 words with a parenthetical the script parser reads as an
  emotion (``(angrily)``, ``(through tears)``, ...);
- a *quick exchange*: :data:`QUICK_LINES` lines of two or three words, the speaker changing at
  every line, each picked up :data:`PICKUP` s after the last;
- ordinary lines (4-8 words, pauses of 0.5-0.9 s) around them.

Contract: :func:`plan_idiom_scene(seed)` -> ``(ScenePlan, expectations)``, a pure function of the
seed; the cast, voices, faces and frame rate are the default plan's draws for the seed
(``plan._cast_v4`` / ``plan._rate_v4``), the dialogue and its pauses this module's. No defects
are injected: the scene tests the cut's idioms, not the ranking. ``expectations`` is what an
editor would do, per line id: ``{"idiom": "reaction" | "hold" | "none", "why": ..., "listener":
character}`` (``reaction``: a cutaway to the listener over the speaker's sound (long speech
or emotional beat); ``hold``: a line inside the quick exchange, where the cut keeps one setup;
``none``: an ordinary line, where a cutaway is not called for), and ``"quick_exchange"``: the
exchange's line ids in order. Built with ``build_scene(..., idioms=True)`` (ground truth key
``"idioms"``). Setups: the wide and each actor's single, :data:`TAKES_PER_SETUP` takes each.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from .plan import SIZE_RANGES_V4, WIDE_RANGE_V4, Line, ScenePlan, Setup, Take, _cast_v4, _rate_v4

QUICK_LINES = 4
PICKUP = (0.10, 0.22)      # s between lines of the quick exchange (conversational turns: ~0.2 s)
PAUSE = (0.5, 0.9)         # s between ordinary lines, as in the default scenes
TAKES_PER_SETUP = {"WIDE": 1, "single": 2}  # two takes of a single: a jump cut is possible

LONG_SPEECHES = (
    "I drove past the old house today. The garden is gone and somebody painted the door green. "
    "I sat in the car for an hour and I could not make myself knock.",
    "You think this is about the money, but it never was. It is about the years I spent waiting "
    "for you to notice me. I am tired of waiting and I am done asking.",
    "When I was a boy my father took me fishing every Sunday. We never caught a single fish. "
    "He said that was not the point, and it took me thirty years to understand him.",
    "The train was late again, so I walked along the river. The water was high and very brown. "
    "I kept thinking about the bridge and how close we came to losing everything.",
    "Nobody in this town says what they mean. They smile at you in the shop and then they talk "
    "about you at the pub. I grew up with that and I will not raise my children with it.",
    "I found the letters in the attic under the winter coats. There were dozens of them, all "
    "addressed to you and never opened. I read every one of them last night.",
    "Listen to me for once. The roof leaks, the car is broken and the bank keeps calling. We "
    "cannot keep pretending that everything will sort itself out by the spring.",
    "She told me the whole story over dinner. How she met him, why she left, and what she did "
    "with the money afterwards. I did not say a word until she had finished.",
)
BEATS = (
    ("(angrily)", "You had no right to read my letters."),
    ("(through tears)", "I waited for you every single night."),
    ("(shouting)", "Get out of my kitchen right now!"),
    ("(furious)", "You lied to me for three whole years."),
    ("(sobbing)", "He was my brother and now he is gone."),
    ("(terrified)", "There is somebody standing outside the window."),
)
QUICK = (
    ("Where were you?", "Just outside.", "Doing what?", "Thinking, mostly."),
    ("Did you lock it?", "I think so.", "You think?", "I locked it."),
    ("Is he coming?", "Not tonight.", "Why not?", "He is busy."),
    ("Who called?", "Your mother.", "What now?", "The usual thing."),
    ("Are you hungry?", "Not really.", "Tea then?", "Yes, please."),
    ("Got the keys?", "Right here.", "And the map?", "In the car."),
)
ORDINARY = (
    "We should talk about tomorrow.", "I have been meaning to tell you something.",
    "Sit down for a minute.", "It is colder than they said.", "That is not what I asked you.",
    "I know what you are going to say.", "Let me finish before you answer.", "Fine, I am listening.",
    "Then tell me what happened next.", "I never said it would be easy.", "You always do this to me.",
    "Maybe we both need some sleep.", "The kettle is still warm.", "Say that again, slowly.",
)


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64([int(seed), 40 + stream]))


def _sections(rng: np.random.Generator) -> list[str]:
    """The scene's shape: ordinary lines around the long speeches, the beat and the exchange,
    always opening on an ordinary line (where the wide establishes) and never with two idioms in a
    row (an ordinary line between them); the speaker changes at every line."""
    idioms = ["long", "long", "beat", "quick"]
    rng.shuffle(idioms)
    out = ["plain"]
    for k, kind in enumerate(idioms):
        out += [kind] + (["plain"] if k < len(idioms) - 1 else [])
    return out


def plan_idiom_scene(seed: int) -> tuple[ScenePlan, dict]:
    """The idiom scene ``seed``: its plan and what an editor would do (module docstring)."""
    rng = _rng(seed, 0)
    frame = _rng(seed, 1)
    chars = _cast_v4(seed)
    rate: Fraction = _rate_v4(seed)
    longs = [LONG_SPEECHES[int(i)] for i in rng.permutation(len(LONG_SPEECHES))[:2]]
    beat = BEATS[int(rng.integers(len(BEATS)))]
    quick = QUICK[int(rng.integers(len(QUICK)))]
    plain = [ORDINARY[int(i)] for i in rng.permutation(len(ORDINARY))]
    speaker = int(rng.integers(2))
    lines: list[Line] = []
    pauses: list[float] = []
    expect: dict = {}
    exchange: list[str] = []
    long_by: list[int] = []
    for kind in _sections(rng):
        texts = list(quick) if kind == "quick" else [None]
        for k, text in enumerate(texts):
            who, other = chars[speaker].name, chars[1 - speaker].name
            lid = f"1-{len(lines) + 1}"
            direction = None
            if kind == "long":
                text, why = longs[len(long_by)], "long speech"
                long_by.append(speaker)
            elif kind == "beat":
                (direction, text), why = beat, f"emotional beat {beat[0]}"
            elif kind == "plain":
                text, why = plain.pop(), "ordinary line"
            else:
                why = "quick exchange"
                exchange.append(lid)
            lines.append(Line(lid, who, text, direction))
            idiom = {"long": "reaction", "beat": "reaction", "quick": "hold"}.get(kind, "none")
            expect[lid] = {"idiom": idiom, "why": why, "listener": other}
            last_of_exchange = kind == "quick" and k == len(texts) - 1
            pauses.append(round(float(rng.uniform(*(PICKUP if kind == "quick" and not last_of_exchange else PAUSE))), 3))
            speaker = 1 - speaker
    setups = [Setup("WIDE", (chars[0].name, chars[1].name), "WS", round(float(frame.uniform(*WIDE_RANGE_V4)), 4))]
    for ch in chars:
        size = ("CU", "MCU")[int(frame.integers(2))]
        setups.append(Setup(f"{size}_{ch.name}", (ch.name,), size, round(float(frame.uniform(*SIZE_RANGES_V4[size])), 4),
                            round(float(frame.uniform(0.38, 0.62)), 3)))
    takes, index = [], 0
    for s in setups:
        for k in range(1, TAKES_PER_SETUP["WIDE" if len(s.shows) > 1 else "single"] + 1):
            takes.append(Take(f"{s.name}_T{k}", s, k, index))
            index += 1
    plan = ScenePlan(int(seed), f"Scene {seed}", chars, tuple(lines), rate, tuple(setups), tuple(takes),
                     drop_frame=rate in (Fraction(30000, 1001), Fraction(60000, 1001)), pauses=tuple(pauses))
    return plan, {"lines": expect, "quick_exchange": exchange}
