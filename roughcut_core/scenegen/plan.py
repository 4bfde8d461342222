"""What a generated scene contains, as a pure function of its seed.

Contract: :func:`plan_scene(seed, small=False)` -> :class:`ScenePlan`: two characters (names,
faces, espeak-ng voices), the dialogue (original text, plain words espeak reads well), the frame
rate, the setups (a wide two-shot showing both actors small, and a single per actor at CU or MCU
size; ``shot_size`` is the size the layout was drawn at), the takes (every setup twice; one take
per setup when ``small``) and the injected defects (at most one per take, each on a line whose
speaker is on camera in that take, except ``noise``). Line ids follow the Fountain parser:
``1-<n>`` in dialogue order.

Seeds below :data:`LEGACY_SEEDS` keep the draw earlier reports measured (generator 3). From
:data:`LEGACY_SEEDS` on, scenes are drawn so that a held-out set really varies:
- every block of three consecutive seeds (12-14, 15-17, ...) casts six *different* faces (a
  fresh permutation of :data:`ACTORS` per block), with voices drawn without replacement per
  block from wider per-sex pools (accents and espeak variants);
- every block of six seeds (12-17, 18-23, ...) uses each rate of :data:`RATES_V4` once,
  including 29.97 and 59.94 with drop-frame timecode (:attr:`ScenePlan.drop_frame`);
- framing varies inside each size class (face height drawn within the class, singles placed
  off centre); the truth still names the class the layout was drawn in.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

import numpy as np

from .actors import ACTORS, GRID_CLIPS, PHOTOS
from .hard import HardConditions

RATES = (Fraction(24000, 1001), Fraction(25), Fraction(30000, 1001), Fraction(50), Fraction(24))
NAMES = ("NORA", "DEV", "IRIS", "MILES", "JUNE", "OSCAR", "RUTH", "KAI", "VERA", "THEO")
DEFECT_KINDS = ("flub", "restart", "drop", "add", "truncated", "noise")
# face height / frame height the layouts are drawn at, and the size class that is by convention
SINGLE_SIZES = (("CU", 0.40), ("MCU", 0.25))
WIDE_FACE = 0.10

_EXCHANGES = (
    ("The boat leaves at dawn tomorrow.", "Then we have one night to decide.",
     "I already packed my bag.", "You never asked what I wanted.",
     "I am asking you right now.", "Give me until the morning."),
    ("Who left the gate open again?", "The wind must have pushed it.",
     "The wind does not lift a latch.", "Maybe the dog learned a new trick.",
     "We do not have a dog.", "Then we should probably get one."),
    ("Your letter came this morning.", "I hoped it would get lost.",
     "Why write it if you wanted that?", "Some things are easier on paper.",
     "Say it to my face instead.", "Fine. I am leaving the city."),
    ("The lights went out on every floor.", "Did you check the fuse box?",
     "There is no fuse box in this building.", "Then who turned them off?",
     "That is what worries me.", "Stay close and keep talking."),
    ("You painted the hallway blue.", "It was grey for far too long.",
     "It was grey because I liked it.", "You never said a word about it.",
     "I am saying it now.", "Then help me paint it back."),
    ("The doctor called while you were out.", "What did she say this time?",
     "She wants to see you on Monday.", "That sounds like bad news.",
     "She sounded calm about it.", "She always sounds calm."),
    ("How long have you been standing there?", "Long enough to hear the whole thing.",
     "It is not what it sounded like.", "It sounded like you were selling the house.",
     "I was only asking a price.", "Nobody asks a price for fun."),
    ("We missed the last bus home.", "Then we walk along the river.",
     "It is three miles in the cold.", "You wanted an adventure last week.",
     "I wanted a warm adventure.", "Button your coat and stop complaining."),
)
_FLUB_WORDS = ("basket", "silver", "garden", "candle", "winter", "pocket", "orange", "ladder")
_ADD_WORDS = ("really", "honestly", "actually", "surely")
_VOICES = {"f": ("en-us+f2", "en+f3", "en+f4", "en-us+f5"), "m": ("en-us+m3", "en+m1", "en+m5", "en-gb-scotland+m1")}
LEGACY_SEEDS = 12
RATES_V4 = RATES[:2] + (Fraction(30000, 1001), Fraction(50), Fraction(60000, 1001), Fraction(24))
DROP_FRAME_RATES = (Fraction(30000, 1001), Fraction(60000, 1001))
# face height / frame height ranges drawn inside each class (the classes' bounds are the
# framing rules of thumb in picture.describe: CU >= 0.30, MCU >= 0.18, wides below 0.11)
SIZE_RANGES_V4 = {"CU": (0.33, 0.46), "MCU": (0.20, 0.27)}
WIDE_RANGE_V4 = (0.075, 0.10)
_VOICES_V4 = {"f": ("en-us+f2", "en+f3", "en+f4", "en-us+f5", "en-gb-x-rp+f1", "en-029+f2", "en-us-nyc+f4",
                    "en-gb-scotland+f3"),
              "m": ("en-us+m3", "en+m1", "en+m5", "en-gb-scotland+m1", "en-gb-x-rp+m2", "en-029+m4",
                    "en-us-nyc+m6", "en+m7")}


@dataclass(frozen=True)
class Character:
    name: str
    actor: str
    voice: str
    wpm: int
    pitch: int


@dataclass(frozen=True)
class Line:
    id: str
    character: str
    text: str
    direction: Optional[str] = None  # a parenthetical written above the text, e.g. "(angrily)"


@dataclass(frozen=True)
class Setup:
    name: str
    shows: tuple[str, ...]      # characters in frame, left to right
    shot_size: str              # convention class for the drawn size
    face_height: float          # face box height / frame height as drawn
    centre: float = 0.5         # a single's face centre, x / frame width


@dataclass(frozen=True)
class Take:
    name: str
    setup: Setup
    take: int
    index: int
    defect: Optional[str] = None
    defect_line: Optional[str] = None


@dataclass(frozen=True)
class ScenePlan:
    seed: int
    title: str
    characters: tuple[Character, ...]
    lines: tuple[Line, ...]
    rate: Fraction
    setups: tuple[Setup, ...]
    takes: tuple[Take, ...]
    drop_frame: bool = False    # the takes carry drop-frame timecode (29.97 / 59.94 only)
    hard: Optional[HardConditions] = None  # harder shooting conditions (``scenegen.hard``)
    pauses: Optional[tuple[float, ...]] = None  # s after each line (None: drawn, 0.5-0.9 s)

    def character(self, name: str) -> Character:
        return next(c for c in self.characters if c.name == name)


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64([int(seed), stream]))


def _cast(seed: int) -> tuple[Character, ...]:
    rng = _rng(seed, 1)
    actors = list(ACTORS)
    a, b = rng.choice(len(actors), size=2, replace=False)
    names = rng.choice(len(NAMES), size=2, replace=False)
    out = []
    used_voices: set[str] = set()
    for actor_i, name_i in ((a, names[0]), (b, names[1])):
        actor = actors[int(actor_i)]
        sex = GRID_CLIPS[actor][1] if actor in GRID_CLIPS else PHOTOS[actor][1]
        voices = [v for v in _VOICES[sex] if v not in used_voices]
        voice = voices[int(rng.integers(len(voices)))]
        used_voices.add(voice)
        pitch = int(rng.integers(35, 50)) if sex == "m" else int(rng.integers(55, 72))
        out.append(Character(NAMES[int(name_i)], actor, voice, int(rng.integers(165, 200)), pitch))
    return tuple(out)


def _cast_v4(seed: int) -> tuple[Character, ...]:
    """Seeds >= LEGACY_SEEDS: six different faces per block of three seeds, voices drawn without
    replacement per block (see the module docstring)."""
    block, pos = divmod(int(seed) - LEGACY_SEEDS, 3)
    brng = _rng(block, 4)
    faces = [ACTORS[int(i)] for i in brng.permutation(len(ACTORS))]
    pools = {sex: [voices[int(i)] for i in brng.permutation(len(voices))] for sex, voices in _VOICES_V4.items()}
    taken = {"f": 0, "m": 0}
    rng = _rng(seed, 1)
    names = rng.choice(len(NAMES), size=2, replace=False)
    out = []
    for k in range(3):  # voices of earlier seeds in the block are used up first
        for actor in faces[2 * k:2 * k + 2]:
            sex = GRID_CLIPS[actor][1] if actor in GRID_CLIPS else PHOTOS[actor][1]
            voice = pools[sex][taken[sex] % len(pools[sex])]
            taken[sex] += 1
            if k == pos:
                pitch = int(rng.integers(35, 50)) if sex == "m" else int(rng.integers(55, 72))
                out.append(Character(NAMES[int(names[len(out)])], actor, voice, int(rng.integers(150, 205)), pitch))
    return tuple(out)


def _rate_v4(seed: int) -> Fraction:
    block, pos = divmod(int(seed) - LEGACY_SEEDS, len(RATES_V4))
    return RATES_V4[int(_rng(block, 5).permutation(len(RATES_V4))[pos])]


def plan_scene(seed: int, small: bool = False, hard: bool = False) -> ScenePlan:
    """The plan for scene ``seed`` (``small``: 3 lines and one take per setup, for tests;
    ``hard``: the same scene shot in harder conditions, see ``scenegen.hard``)."""
    v4 = int(seed) >= LEGACY_SEEDS
    rng = _rng(seed, 2)
    frame = _rng(seed, 6)  # framing draws (v4) never disturb the legacy stream
    chars = _cast_v4(seed) if v4 else _cast(seed)
    exchange = _EXCHANGES[int(seed) % len(_EXCHANGES)]
    texts = exchange[:3] if small else exchange
    first = int(rng.integers(2))
    lines = tuple(Line(f"1-{n}", chars[(first + n - 1) % 2].name, t) for n, t in enumerate(texts, start=1))
    rate = Fraction(25) if small else _rate_v4(seed) if v4 else RATES[int(seed) % len(RATES)]
    wide = round(float(frame.uniform(*WIDE_RANGE_V4)), 4) if v4 else WIDE_FACE
    setups = [Setup("WIDE", (chars[0].name, chars[1].name), "WS", wide)]
    for ch in chars:
        size, height = SINGLE_SIZES[int(rng.integers(len(SINGLE_SIZES)))]
        if v4:
            height = round(float(frame.uniform(*SIZE_RANGES_V4[size])), 4)
            setups.append(Setup(f"{size}_{ch.name}", (ch.name,), size, height, round(float(frame.uniform(0.38, 0.62)), 3)))
        else:
            setups.append(Setup(f"{size}_{ch.name}", (ch.name,), size, height))
    per_setup = 1 if small else 2
    takes = [Take(f"{s.name}_T{k}", s, k, i * per_setup + k - 1)
             for i, s in enumerate(setups) for k in range(1, per_setup + 1)]
    takes = _inject_defects(takes, lines, rng, small)
    conditions = None
    if hard:
        takes, conditions = _harden(seed, setups, takes, chars)
        setups = list(dict.fromkeys(t.setup for t in takes))
    return ScenePlan(int(seed), f"Scene {seed}", chars, lines, rate, tuple(setups), tuple(takes),
                     drop_frame=v4 and rate in DROP_FRAME_RATES, hard=conditions)


def _harden(seed: int, setups: list[Setup], takes: list[Take], chars) -> tuple[list[Take], HardConditions]:
    """The default plan's takes re-framed by ``hard.draw`` (same defects, same order), setups
    renamed by camera (``CAM_A`` the wide, ``CAM_B``/``CAM_C`` the singles) so no file name
    gives the framing away."""
    from .hard import draw

    named = {s.name: f"CAM_{'ABCDEFGH'[k]}" for k, s in enumerate(setups)}
    conditions = draw(seed, setups, chars)
    looks = {named[n]: lk for n, lk in conditions.looks.items()}
    new = {s.name: Setup(named[s.name], s.shows, looks[named[s.name]].size, looks[named[s.name]].face_height,
                         looks[named[s.name]].centre) for s in setups}
    out = [Take(f"{new[t.setup.name].name}_T{t.take}", new[t.setup.name], t.take, t.index, t.defect, t.defect_line)
           for t in takes]
    return out, HardConditions(looks, conditions.extra, conditions.extra_scale, conditions.off_camera_db)


def _inject_defects(takes: list[Take], lines: tuple[Line, ...], rng: np.random.Generator, small: bool) -> list[Take]:
    kinds = list(DEFECT_KINDS)
    rng.shuffle(kinds)
    n_defects = 2 if small else min(len(kinds), len(takes) - 2)
    order = list(range(len(takes)))
    rng.shuffle(order)
    out = list(takes)
    for kind, ti in zip(kinds[:n_defects], order):
        take = out[ti]
        if kind == "truncated":
            line = lines[-1]
        else:
            cands = [ln for ln in lines if ln.character in take.setup.shows and len(ln.text.split()) >= 4
                     and ln.id != lines[-1].id]
            if not cands:
                cands = [ln for ln in lines[:-1] if len(ln.text.split()) >= 4]
            line = cands[int(rng.integers(len(cands)))]
        out[ti] = Take(take.name, take.setup, take.take, take.index, kind, line.id)
    return out


def spoken_text(line: Line, defect: Optional[str], seed: int, take_index: int) -> list[str]:
    """The word sequence the actor says for ``line`` with ``defect`` (restart: two parts)."""
    rng = _rng(seed * 1000 + take_index, 3)
    words = line.text.split()
    if defect == "flub":
        pos = 1 + int(rng.integers(len(words) - 1))
        trail = words[pos][-1] if words[pos][-1] in ".,?!" else ""
        words[pos] = _FLUB_WORDS[int(rng.integers(len(_FLUB_WORDS)))] + trail
        return [" ".join(words)]
    if defect == "drop":
        pos = 1 + int(rng.integers(len(words) - 2))
        return [" ".join(words[:pos] + words[pos + 1:])]
    if defect == "add":
        pos = 1 + int(rng.integers(len(words) - 1))
        return [" ".join(words[:pos] + [_ADD_WORDS[int(rng.integers(len(_ADD_WORDS)))]] + words[pos:])]
    if defect == "restart":
        return [" ".join(words[:2]) + ".", line.text]
    return [line.text]
