"""A small torch ranking model over the edit engine's score terms.

The model is linear in the named terms of ``roughcut_core.edit.ranking`` (score =
Σ wₜ·termₜ), so it starts exactly at the hand-set scoring (all weights 1, pace 0) and stays
explainable. It is fitted full-batch on preference pairs with a pairwise logistic (RankNet)
loss plus an L2 pull towards the prior weights, so a handful of edits nudges the ranking
instead of overturning it. The strength of that pull is chosen by cross-validation over
the scenes (or, from one scene, the lines) the feedback came from (:data:`L2_GRID`; folds
never split a line), so weights move only as far as they keep predicting the editor's choices
on scenes they were not fitted on — a term that merely happens to correlate in one scene (say,
pace for one actor) is held back. Deterministic for the same inputs.

The fit reweights, it never inverts (:func:`lower_bounds`): a term the hand-set ranking counts
as a virtue (hand-set weight > 0; its value is signed so that higher is better) keeps a weight
≥ 0, and the terms that decide whether a reading is usable at all (``ranking.ACCEPT_TERMS``:
line match, defects, sound, focus, SNR, overlap) keep at least :data:`KEEP_USABILITY` of their
hand-set weight. A taste learned from a few scenes (the editor keeps choosing tighter reads,
which happen to be heard with a word less) may weigh those less, but cannot make the ranking
stop caring that a reading is incomplete or noisy, nor make a fault a virtue; it also keeps
the usability calibration (``ranking.usability``) meaningful. The intent components (how well
the delivery's pitch, energy, timing, voice fit the script's direction) are fits by definition:
the hand-set ranking does not use them (weight 0), and a fit may weigh them up, never below 0.
The other terms at weight 0 (pace, the taste terms) may move either way.
"""
from __future__ import annotations

from typing import Optional, Sequence

from ..edit.ranking import TERMS
from .feedback import FeedbackPair

# Score differences between readings are small (0.05–0.5); sharpen them for the logistic loss.
MARGIN_SCALE = 12.0


L2_GRID = (0.02, 0.1, 0.5, 2.0, 10.0)
FOLDS = 4
KEEP_USABILITY = 0.5


def lower_bounds() -> dict:
    """term → the lowest weight a fit may give it (module doc); None: unbounded."""
    from ..edit.ranking import ACCEPT_TERMS, HAND_WEIGHTS, INTENT_PARTS

    def floor(t: str):
        if HAND_WEIGHTS.get(t, 0.0) > 0:
            return KEEP_USABILITY * HAND_WEIGHTS[t] if t in ACCEPT_TERMS else 0.0
        return 0.0 if t in INTENT_PARTS else None

    return {t: floor(t) for t in TERMS}


def _accuracy(prior: dict, weights: dict, pairs: Sequence[FeedbackPair]) -> float:
    """Weighted share of ``pairs`` that ``weights`` orders as the editor did."""
    total = hit = 0.0
    for p in pairs:
        margin = sum(weights.get(t, 0.0) * (p.better.get(t, 0.0) - p.worse.get(t, 0.0)) for t in TERMS)
        total += p.weight
        hit += p.weight * (1.0 if margin > 1e-9 else 0.5 if abs(margin) <= 1e-9 else 0.0)
    return hit / total if total else 0.0


def _scene_of(line_id: str) -> str:
    """The scene part of a line id ("12-3" -> "12", "ravdess_09-5" -> "ravdess_09")."""
    return line_id.rsplit("-", 1)[0] if "-" in line_id else line_id


def choose_l2(prior: dict, pairs: Sequence[FeedbackPair]) -> float:
    """The L2 pull (from :data:`L2_GRID`) with the best held-out agreement; ties go to the
    stronger pull. Folds never split a line; with feedback from two scenes or more they are
    whole scenes (leave-scenes-out: a scene has its own actors and moments, and what the
    weights learn must hold on scenes they were not fitted on — a taste of one actor's takes
    is not the show's), else lines. With fewer than two groups there is nothing to hold out:
    a moderate pull (``L2_GRID[1]``)."""
    lines = sorted({p.line_id for p in pairs})
    scenes = sorted({_scene_of(lid) for lid in lines})
    if len(scenes) >= 2:
        groups = {lid: scenes.index(_scene_of(lid)) for lid in lines}
        n_groups = len(scenes)
    else:
        groups = {lid: k for k, lid in enumerate(lines)}
        n_groups = len(lines)
    if n_groups < 2 or len(lines) < FOLDS:
        return L2_GRID[1]
    folds = min(FOLDS, n_groups)
    fold_of = {lid: g % folds for lid, g in groups.items()}
    best, best_score = L2_GRID[-1], -1.0
    for l2 in sorted(L2_GRID, reverse=True):
        score = 0.0
        for f in range(folds):
            train = [p for p in pairs if fold_of[p.line_id] != f]
            test = [p for p in pairs if fold_of[p.line_id] == f]
            if train and test:
                score += _accuracy(prior, _fit(prior, train, l2), test)
        if score > best_score + 1e-9:
            best, best_score = l2, score
    return best


def fit_weights(prior: dict, pairs: Sequence[FeedbackPair], *, epochs: int = 300, lr: float = 0.05,
                l2: Optional[float] = None) -> dict:
    """New per-term weights from ``prior`` and preference ``pairs`` (better over worse);
    ``l2`` None chooses the pull towards ``prior`` by cross-validation (:func:`choose_l2`)."""
    if not pairs:
        return dict(prior)
    return _fit(prior, pairs, choose_l2(prior, pairs) if l2 is None else l2, epochs=epochs, lr=lr)


def _fit(prior: dict, pairs: Sequence[FeedbackPair], l2: float, *, epochs: int = 300, lr: float = 0.05) -> dict:
    import torch

    torch.manual_seed(0)
    names = list(TERMS)
    w0 = torch.tensor([float(prior.get(t, 0.0)) for t in names], dtype=torch.float64)
    better = torch.tensor([[float(p.better.get(t, 0.0)) for t in names] for p in pairs], dtype=torch.float64)
    worse = torch.tensor([[float(p.worse.get(t, 0.0)) for t in names] for p in pairs], dtype=torch.float64)
    weight = torch.tensor([p.weight for p in pairs], dtype=torch.float64)
    bounds = lower_bounds()
    floor = torch.tensor([bounds[t] if bounds[t] is not None else -float("inf") for t in names], dtype=torch.float64)
    w = torch.nn.Parameter(torch.maximum(w0.clone(), floor))
    opt = torch.optim.Adam([w], lr=lr)
    diff = better - worse
    for _ in range(epochs):
        opt.zero_grad()
        margin = MARGIN_SCALE * (diff @ w)
        loss = (weight * torch.nn.functional.softplus(-margin)).sum() / weight.sum()
        loss = loss + l2 * ((w - w0) ** 2).sum()
        loss.backward()
        opt.step()
        with torch.no_grad():  # projected: reweight, never invert (module doc)
            w.copy_(torch.maximum(w, floor))
    return {t: round(float(v), 6) for t, v in zip(names, w.detach())}
