"""A small torch ranking model over the edit engine's score terms.

The model is linear in the named terms of ``roughcut_core.edit.ranking`` (score =
Σ wₜ·termₜ), so it starts exactly at the hand-set scoring (all weights 1, pace 0) and stays
explainable. It is fitted full-batch on preference pairs with a pairwise logistic (RankNet)
loss plus an L2 pull towards the prior weights, so a handful of edits nudges the ranking
instead of overturning it. Deterministic for the same inputs.
"""
from __future__ import annotations

from typing import Sequence

from ..edit.ranking import TERMS
from .feedback import FeedbackPair

# Score differences between readings are small (0.05–0.5); sharpen them for the logistic loss.
MARGIN_SCALE = 12.0


def fit_weights(prior: dict, pairs: Sequence[FeedbackPair], *, epochs: int = 300, lr: float = 0.05,
                l2: float = 0.02) -> dict:
    """New per-term weights from ``prior`` and preference ``pairs`` (better over worse)."""
    if not pairs:
        return dict(prior)
    import torch

    torch.manual_seed(0)
    names = list(TERMS)
    w0 = torch.tensor([float(prior.get(t, 0.0)) for t in names], dtype=torch.float64)
    better = torch.tensor([[float(p.better.get(t, 0.0)) for t in names] for p in pairs], dtype=torch.float64)
    worse = torch.tensor([[float(p.worse.get(t, 0.0)) for t in names] for p in pairs], dtype=torch.float64)
    weight = torch.tensor([p.weight for p in pairs], dtype=torch.float64)
    w = torch.nn.Parameter(w0.clone())
    opt = torch.optim.Adam([w], lr=lr)
    diff = better - worse
    for _ in range(epochs):
        opt.zero_grad()
        margin = MARGIN_SCALE * (diff @ w)
        loss = (weight * torch.nn.functional.softplus(-margin)).sum() / weight.sum()
        loss = loss + l2 * ((w - w0) ** 2).sum()
        loss.backward()
        opt.step()
    return {t: round(float(v), 6) for t, v in zip(names, w.detach())}
