"""Which takes the demo scene has and where its defects go, decided from the seed alone.

Contract:
- :func:`plan_takes` returns the takes (setup, take number, focus, defects) for a scene and a
  seed. Three setups: ``WIDE`` (shows both characters), ``CU_ALICE`` and ``CU_BOB`` (one face
  each); 2 or 3 takes per setup (seed 0: WIDE 3, each close-up 2).
- Six defects are spread over distinct takes: a flubbed line (wrong words), a restart inside a
  line, a dropped line, a line buried in noise, a soft-focus take and a take cut short.
  Spoken-line defects in a close-up land on that close-up's character's lines.
- A perfect rough cut always exists: every line keeps at least one acceptable reading in WIDE
  and at least one in the close-up of its speaker (:func:`acceptable_readings` checks this).
- Placement is a deterministic search over a seeded generator (numpy PCG64), so the same seed
  gives the same plan everywhere, and different seeds move the defects.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from .dialogue import CHARACTERS, SceneText

SETUP_WIDE = "WIDE"
DEFECT_KINDS = ("flub", "restart", "drop", "noise", "truncated", "soft")
SOFT_FOCUS_DEFECT = "soft_focus"
_MAX_ATTEMPTS = 20000


@dataclass(frozen=True)
class Setup:
    name: str
    shows: tuple[str, ...]
    shot_size: str


@dataclass(frozen=True)
class TakePlan:
    """One continuous recording of the whole scene from one setup."""

    setup: Setup
    take: int
    index: int
    soft: bool = False
    flub_line: Optional[str] = None
    restart_line: Optional[str] = None
    drop_line: Optional[str] = None
    noise_line: Optional[str] = None
    truncate_line: Optional[str] = None

    @property
    def name(self) -> str:
        return f"{self.setup.name}_T{self.take}"

    def line_defect(self, line_id: str) -> Optional[str]:
        """The spoken defect of ``line_id`` in this take (None when clean or dropped)."""
        for kind, where in (("flub", self.flub_line), ("restart", self.restart_line),
                            ("noise", self.noise_line), ("truncated", self.truncate_line)):
            if where == line_id:
                return kind
        return None


def setups() -> tuple[Setup, ...]:
    return (Setup(SETUP_WIDE, CHARACTERS, "WS"),) + tuple(
        Setup(f"CU_{name}", (name,), "CU") for name in CHARACTERS)


def _take_counts(seed: int, rng: np.random.Generator) -> tuple[int, ...]:
    if seed == 0:
        return (3, 2, 2)
    return tuple(int(n) for n in rng.integers(2, 4, size=3))


def acceptable_readings(scene: SceneText, takes: tuple[TakePlan, ...]) -> dict[str, list[TakePlan]]:
    """For every line id, the takes in which its reading is complete and free of defects."""
    ids = [line.id for line in scene.lines]
    result: dict[str, list[TakePlan]] = {i: [] for i in ids}
    for take in takes:
        if take.soft:
            continue
        cut_at = ids.index(take.truncate_line) if take.truncate_line else len(ids)
        for pos, line_id in enumerate(ids):
            if pos >= cut_at or line_id == take.drop_line or take.line_defect(line_id):
                continue
            result[line_id].append(take)
    return result


def _perfect_cut_exists(scene: SceneText, takes: tuple[TakePlan, ...]) -> bool:
    good = acceptable_readings(scene, takes)
    for line in scene.lines:
        setups_ok = {t.setup.name for t in good[line.id]}
        if SETUP_WIDE not in setups_ok or f"CU_{line.character}" not in setups_ok:
            return False
    return True


def plan_takes(scene: SceneText, seed: int) -> tuple[TakePlan, ...]:
    """Takes and defect placement for ``scene`` under ``seed`` (see module contract)."""
    rng = np.random.Generator(np.random.PCG64(int(seed)))
    blank: list[TakePlan] = []
    for setup, count in zip(setups(), _take_counts(seed, rng)):
        for n in range(1, count + 1):
            blank.append(TakePlan(setup=setup, take=n, index=len(blank)))
    lines = scene.lines
    n_lines = len(lines)
    for _ in range(_MAX_ATTEMPTS):
        order = rng.permutation(len(blank))[: len(DEFECT_KINDS)]
        fields: list[dict] = [dict() for _ in blank]
        for kind, take_index in zip(DEFECT_KINDS, order):
            take = blank[int(take_index)]
            if kind == "soft":
                fields[take_index]["soft"] = True
                continue
            if kind == "truncated":
                # Cut in the second half, leaving at least one line unrecorded after the cut.
                candidates = [ln for pos, ln in enumerate(lines)
                              if n_lines // 2 <= pos <= n_lines - 2 and len(ln.words) >= 3]
            else:
                min_words = {"flub": 2, "restart": 4, "drop": 1, "noise": 3}[kind]
                candidates = [ln for ln in lines[1:] if len(ln.words) >= min_words
                              and ln.character in take.setup.shows]
            if not candidates:
                break
            chosen = candidates[int(rng.integers(len(candidates)))]
            key = "truncate_line" if kind == "truncated" else f"{kind}_line"
            fields[take_index][key] = chosen.id
        else:
            takes = tuple(TakePlan(setup=t.setup, take=t.take, index=t.index, **f)
                          for t, f in zip(blank, fields))
            if _perfect_cut_exists(scene, takes):
                return takes
    raise RuntimeError(f"no defect placement keeps a perfect cut for seed {seed}")
