"""The promotion gate: does learning from this show's feedback beat the current weights on
scenes it was not trained on, counted in independent lines?

A held-out split of the feedback (one or two scenes) judged the candidate on a handful of lines,
and counted each preference pair as a separate piece of evidence. But one swapped line gives
one pair per alternate the editor passed over, all about the same choice: on the demo show an
editor who wants the quieter read was promoted on one swapped line's pairs, and an editor who
wants the livelier read was promoted and then cut one held-out line worse.

So the gate cross-validates the *fit* by scene (:func:`cross_validate`): each scene's lines are
left out in turn (with feedback from one scene only, groups of lines are), the fit is trained
on all the other feedback, and the held-out lines are ordered by that fit and by the current
weights. Each held-out line is one outcome (:class:`LineOutcome`): won when the fit orders more
of the line's pairs (by weight) as the editor did, lost when fewer, else tied. A line weighs
what its strongest pair weighs: a swapped line 1, a kept line ``feedback.CONFIRM_WEIGHT``
(it may just not have been looked at). :func:`decide` promotes only when

- of the lines the editor swapped, it wins at least :data:`MIN_LINE_GAIN` more than it loses:
  kept lines are evidence too, but cannot carry a promotion alone (the no-taste editor of the
  demo show swapped one line of 72 and the fit "won" 17 kept lines, learning to rank first
  what the assembly played instead of the ranking's favourite, and was promoted),
- the weighted sign test over the won and lost lines, ``(Σ won - Σ lost)² / Σ w² >``
  :data:`SIGN_CHI2` (one-sided about 5 %), says it is not chance, and
- with feedback from several scenes, lines are won in at least :data:`MIN_SCENES_WON` scenes
  (a taste seen in one scene may be that scene's actor).

Every feedback line is held out once, so all the feedback is evidence, and the model that is
registered is then fitted on all of it. The pull towards the prior (``ranker.choose_l2``) is
chosen once on all the feedback and kept for the folds: re-choosing it in every fold costs five
times the fits, for a choice among five values.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable, Sequence

from .feedback import CONFIRM_WEIGHT, FeedbackPair

MIN_LINE_GAIN = 2
SIGN_CHI2 = 2.71
MIN_SCENES_WON = 2
LINE_FOLDS = 4
MAX_SCENE_FOLDS = 10


@dataclass(frozen=True)
class LineOutcome:
    """One held-out feedback line: the weighted share of its pairs each ranking orders as the
    editor did, and how much the line counts (its strongest pair's weight)."""

    line_id: str
    scene: str
    weight: float
    candidate_accuracy: float
    current_accuracy: float

    @property
    def won(self) -> bool:
        return self.candidate_accuracy > self.current_accuracy + 1e-9

    @property
    def lost(self) -> bool:
        return self.candidate_accuracy < self.current_accuracy - 1e-9


@dataclass(frozen=True)
class GateResult:
    """The gate's decision with its numbers (pair accuracies are pooled over the folds)."""

    passed: bool
    reason: str
    scenes: int
    lines: int
    pairs: int
    lines_won: int
    lines_lost: int
    weight_won: float
    weight_lost: float
    scenes_won: int
    candidate_accuracy: float
    current_accuracy: float


def _stable(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big")


def folds_of(line_ids) -> list[frozenset]:
    """The held-out line sets: one per scene (the scene part of ``<scene>-<n>``) when the lines
    come from two scenes or more (up to :data:`MAX_SCENE_FOLDS`, scenes grouped by a stable
    hash beyond that), else :data:`LINE_FOLDS` groups of lines by a stable hash."""
    from .ranker import _scene_of

    lines = sorted(set(line_ids))
    scenes = sorted({_scene_of(lid) for lid in lines})
    if len(scenes) >= 2:
        n = min(MAX_SCENE_FOLDS, len(scenes))
        fold = {s: k % n for k, s in enumerate(sorted(scenes, key=lambda s: (_stable(s), s)))}
        key = {lid: fold[_scene_of(lid)] for lid in lines}
    else:
        n = min(LINE_FOLDS, len(lines))
        key = {lid: k % n for k, lid in enumerate(sorted(lines, key=lambda s: (_stable(s), s)))}
    return [frozenset(lid for lid in lines if key[lid] == f) for f in range(n)]


def cross_validate(current: dict, pairs: Sequence[FeedbackPair],
                   fit: Callable[[Sequence[FeedbackPair]], dict]) -> list[LineOutcome]:
    """Every line held out once (:func:`folds_of`): ``fit`` trained on the other folds' pairs
    against ``current`` on the line's pairs. A fold with nothing left to train on is skipped."""
    out = []
    for held in folds_of(p.line_id for p in pairs):
        train = [p for p in pairs if p.line_id not in held]
        if train:
            out.extend(line_outcomes(fit(train), current, [p for p in pairs if p.line_id in held]))
    return out


def line_outcomes(candidate: dict, current: dict, pairs: Sequence[FeedbackPair]) -> list[LineOutcome]:
    """One :class:`LineOutcome` per line of ``pairs`` (in line id order): ``candidate`` against
    ``current`` on that line's pairs, the line weighing what its strongest pair weighs."""
    from .ranker import _accuracy, _scene_of

    by_line: dict = {}
    for p in pairs:
        by_line.setdefault(p.line_id, []).append(p)
    return [LineOutcome(lid, _scene_of(lid), max(p.weight for p in ps), _accuracy(candidate, candidate, ps),
                        _accuracy(current, current, ps)) for lid, ps in sorted(by_line.items())]


def decide(outcomes: Sequence[LineOutcome], pairs: Sequence[FeedbackPair] = ()) -> GateResult:
    """Promote or not on the held-out lines' outcomes (module doc)."""
    won = [o for o in outcomes if o.won]
    lost = [o for o in outcomes if o.lost]
    w_won, w_lost = sum(o.weight for o in won), sum(o.weight for o in lost)
    swaps_won = sum(o.weight > CONFIRM_WEIGHT for o in won)
    swaps_gain = swaps_won - sum(o.weight > CONFIRM_WEIGHT for o in lost)
    spread = sum(o.weight ** 2 for o in (*won, *lost))
    scenes = {o.scene for o in outcomes}
    scenes_won = len({o.scene for o in won})
    held = {o.line_id for o in outcomes}
    held_pairs = [p for p in pairs if p.line_id in held]
    total = sum(p.weight for p in held_pairs) or 1.0
    by_line = {o.line_id: o for o in outcomes}
    cand_acc = sum(p.weight * by_line[p.line_id].candidate_accuracy for p in held_pairs) / total
    cur_acc = sum(p.weight * by_line[p.line_id].current_accuracy for p in held_pairs) / total
    chi2 = (w_won - w_lost) ** 2 / spread if spread else 0.0
    tally = (f"cross-validated by {'scene' if len(scenes) >= 2 else 'line'}: the fit wins {len(won)} held-out "
             f"lines (weight {w_won:.2f}) and loses {len(lost)} (weight {w_lost:.2f}) of {len(outcomes)}")
    if not outcomes:
        passed, why = False, "too little feedback to hold any of it out (one line, or one line per scene)"
    elif swaps_gain < MIN_LINE_GAIN:
        passed, why = False, (f"{tally}: the fit does not beat the current weights on {MIN_LINE_GAIN:g} or more "
                              f"of the lines the editor swapped ({swaps_won} won, {swaps_won - swaps_gain} lost)")
    elif w_won <= w_lost or chi2 <= SIGN_CHI2:
        passed, why = False, f"{tally}: within chance (sign test {chi2:.2f} <= {SIGN_CHI2})"
    elif len(scenes) >= 2 and scenes_won < MIN_SCENES_WON:
        passed, why = False, f"{tally}: all its wins are in one scene"
    else:
        passed, why = True, f"{tally}, in {scenes_won} scene(s)"
    return GateResult(passed, why, len(scenes), len(outcomes),
                      len(held_pairs), len(won), len(lost), round(w_won, 3), round(w_lost, 3), scenes_won,
                      round(cand_acc, 6), round(cur_acc, 6))
