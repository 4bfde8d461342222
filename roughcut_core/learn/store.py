"""Per-show preferences, stored locally, versioned and resettable.

One JSON document per show under ``<user data dir>/roughcut/preferences/`` (or
``$ROUGHCUT_PREFERENCES_DIR``): the current term weights, a version that increases with
every update, how many pairs were learned from, and a short history of earlier weights.
Writes are atomic; reset goes back to the hand-set weights (as a new version).
"""
from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from ..edit.ranking import HAND_WEIGHTS
from ..errors import RoughcutError
from ..fileio import atomic_write_json
from .feedback import FeedbackPair
from .ranker import fit_weights

PREFERENCES_SCHEMA = "roughcut.preferences/1"
HISTORY_LIMIT = 20


@dataclass(frozen=True)
class Preferences:
    show: str
    weights: dict
    version: int = 0
    pairs_seen: int = 0
    history: tuple = ()
    updated: Optional[float] = None
    extra: dict = field(default_factory=dict)


def default_preferences_dir() -> Path:
    env = os.environ.get("ROUGHCUT_PREFERENCES_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("roughcut")) / "preferences"


class PreferenceStore:
    def __init__(self, root=None):
        self.root = Path(root) if root is not None else default_preferences_dir()

    def _path(self, show: str) -> Path:
        if not show or not re.fullmatch(r"[\w .\-]{1,100}", show):
            raise RoughcutError(f"invalid show name {show!r}: use letters, digits, space, . _ -")
        return self.root / f"{show}.json"

    def load(self, show: str) -> Preferences:
        path = self._path(show)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Preferences(show=show, weights=dict(HAND_WEIGHTS))
        except (OSError, ValueError) as exc:
            raise RoughcutError(f"{path}: unreadable preferences: {exc}") from exc
        if data.get("schema") != PREFERENCES_SCHEMA:
            raise RoughcutError(f"{path}: unsupported preferences schema {data.get('schema')!r}")
        weights = {**HAND_WEIGHTS, **data["weights"]}
        return Preferences(show=show, weights=weights, version=int(data["version"]),
                           pairs_seen=int(data.get("pairs_seen", 0)), history=tuple(data.get("history", ())),
                           updated=data.get("updated"))

    def _save(self, prefs: Preferences) -> Preferences:
        atomic_write_json(self._path(prefs.show), {
            "schema": PREFERENCES_SCHEMA, "show": prefs.show, "version": prefs.version,
            "weights": prefs.weights, "pairs_seen": prefs.pairs_seen, "updated": prefs.updated,
            "history": list(prefs.history)[-HISTORY_LIMIT:],
        })
        return prefs

    def update(self, show: str, pairs: Sequence[FeedbackPair]) -> Preferences:
        old = self.load(show)
        weights = fit_weights(old.weights, pairs)
        history = (*old.history, {"version": old.version, "weights": old.weights, "updated": old.updated})
        return self._save(Preferences(show=show, weights=weights, version=old.version + 1,
                                      pairs_seen=old.pairs_seen + len(pairs), history=history,
                                      updated=time.time()))

    def reset(self, show: str) -> Preferences:
        old = self.load(show)
        history = (*old.history, {"version": old.version, "weights": old.weights, "updated": old.updated})
        return self._save(Preferences(show=show, weights=dict(HAND_WEIGHTS), version=old.version + 1,
                                      pairs_seen=0, history=history, updated=time.time()))
