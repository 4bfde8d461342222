"""Versioned learned rankers per show: register, evaluate on held-out feedback, promote, roll back.

Every learned ranker is an artifact ``<ops dir>/models/<show>/v<NNNN>.json``
(``roughcut.model/1``): the features (the ranking terms), the weights, the training data
(pairs, lines, time range), the held-out metric on the show's own feedback and its
``parent`` (the version that was current when it was trained). ``index.json`` names the
current version and the promotion history. Version 0 is the hand-set weights.

Feedback pairs accumulate in a per-show log (:class:`PairLog`, ``<ops dir>/pairs/<show>.jsonl``)
written by ``roughcut feedback`` (and the web app's swaps). :func:`retrain` fits a candidate on
all of them and promotes it only when the fit passes the cross-validated gate
(:mod:`roughcut_core.learn.gate`: every scene's lines held out in turn, the fit trained on the
other scenes, wins and losses counted per held-out *line*, never per pair, and promoted only on
enough lines, beyond chance, in more than one scene; :meth:`ModelRegistry.promote_validated`).
A version chosen by hand (``roughcut models promote``) has no fit to cross-validate:
:meth:`ModelRegistry.promote` judges it on held-out pairs (:func:`split_heldout`: whole scenes
when the feedback spans several, :func:`heldout_scenes`, else whole lines), by more than
:data:`MIN_GAIN` and beyond chance, counted by held-out line, each weighing its strongest pair
(:func:`.gate.line_outcomes`, :func:`clearly_better`);
otherwise it refuses with both numbers. The metric is the weighted pairwise agreement with the
editor (:func:`roughcut_core.learn.ranker._accuracy`). Promotion (and rollback) also writes the
weights into the show's :class:`~roughcut_core.learn.store.PreferenceStore`, which is what
``roughcut cut --show`` ranks with.

Several processes may learn for one show at once (two ``roughcut feedback`` runs, the web app):
every read-modify-write of a show's files (appending pairs, archiving them, numbering a new
version, changing the current one) holds the show's lock file (``fileio.exclusive_lock``), so
no version number is handed out twice and no history entry is lost.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from ..errors import RoughcutError
from ..fileio import atomic_write_json, exclusive_lock, read_jsonl
from .feedback import FeedbackPair

MODEL_SCHEMA = "roughcut.model/1"
HELDOUT_SHARE = 0.25
MIN_GAIN = 0.0  # strictly better on held-out pairs
MIN_HELDOUT_PAIRS = 4
MIN_SCENES_FOR_SCENE_SPLIT = 4
MCNEMAR_CHI2 = 2.71  # chi-square, 1 degree of freedom: p = 0.10 two-sided, 0.05 one-sided


def _ops_dir(root) -> Path:
    from ..ops.acceptance import default_ops_dir

    return Path(root) if root is not None else default_ops_dir()


def _check_show(show: str) -> str:
    if not show or not re.fullmatch(r"[\w .\-]{1,100}", show):
        raise RoughcutError(f"invalid show name {show!r}: use letters, digits, space, . _ -")
    return show


def is_heldout(line_id: str, share: float = HELDOUT_SHARE) -> bool:
    return (_hash(line_id) % 1000) < share * 1000


def _hash(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big")


def heldout_scenes(line_ids, share: float = HELDOUT_SHARE) -> frozenset:
    """The scenes held out whole: with feedback from at least :data:`MIN_SCENES_FOR_SCENE_SPLIT`
    scenes (the scene part of ``<scene>-<n>`` line ids), the ``ceil(share x scenes)`` of them
    with the lowest stable hash; else none (lines are held out instead)."""
    from .ranker import _scene_of

    scenes = sorted({_scene_of(lid) for lid in line_ids if "-" in lid})
    if len(scenes) < MIN_SCENES_FOR_SCENE_SPLIT:
        return frozenset()
    return frozenset(sorted(scenes, key=lambda s: (_hash(s), s))[:max(1, math.ceil(share * len(scenes)))])


def split_heldout(pairs: Sequence[FeedbackPair], share: float = HELDOUT_SHARE):
    """(train, held-out), stable across runs and machines. With feedback from several scenes
    whole scenes are held out (:func:`heldout_scenes`): the ranker cuts new scenes, and the lines
    of one scene share their takes (and actors), so a line held out of a scene whose other lines
    trained the model would flatter it. Otherwise whole lines (:func:`is_heldout`)."""
    from .ranker import _scene_of

    scenes = heldout_scenes({p.line_id for p in pairs}, share)
    if scenes:
        held = [_scene_of(p.line_id) in scenes and "-" in p.line_id for p in pairs]
    else:
        held = [is_heldout(p.line_id, share) for p in pairs]
    return [p for p, h in zip(pairs, held) if not h], [p for p, h in zip(pairs, held) if h]


def heldout_accuracy(weights: dict, pairs: Sequence[FeedbackPair]) -> float:
    from .ranker import _accuracy

    return round(_accuracy(weights, weights, pairs), 6)


def discordant(candidate: dict, current: dict, pairs: Sequence[FeedbackPair]) -> tuple[int, int]:
    """(pairs ``candidate`` orders as the editor did and ``current`` does not, the reverse)."""
    from .ranker import _accuracy

    right = [(_accuracy(candidate, candidate, [p]) > 0.5, _accuracy(current, current, [p]) > 0.5) for p in pairs]
    return sum(a and not b for a, b in right), sum(b and not a for a, b in right)


def clearly_better(better: Sequence[float], worse: Sequence[float]) -> bool:
    """The weighted sign test, one-sided at about 5 %, on the held-out items (lines) the
    candidate orders better and worse than the current weights, given by their weights:
    ``(Σ better - Σ worse)² / Σ w² > MCNEMAR_CHI2`` with ``Σ better > Σ worse`` (under chance
    each item's ±w is a coin toss; McNemar's test when the weights are equal). A gain made of
    an item or two on a small held-out set is chance, not the editor's taste. Each item counts
    as much evidence as it counts in the metric (a kept clip's "chosen beats the alternates"
    is a quarter of an editor's swap, ``feedback.CONFIRM_WEIGHT``): counting a confirmation
    like a swap refused a candidate that won five held-out swaps and lost four confirmations
    (demo seeds 3-6, an editor who wants the slower read)."""
    gain = sum(better) - sum(worse)
    spread = sum(float(x) ** 2 for x in (*better, *worse))
    return gain > 0 and spread > 0 and gain ** 2 / spread > MCNEMAR_CHI2


class PairLog:
    """Accumulated preference pairs of a show (JSON lines with the time they were learned)."""

    def __init__(self, root=None):
        self.root = _ops_dir(root) / "pairs"

    def _path(self, show: str) -> Path:
        return self.root / f"{_check_show(show)}.jsonl"

    def add(self, show: str, pairs: Sequence[FeedbackPair], when: Optional[float] = None) -> int:
        if not pairs:
            return 0
        when = time.time() if when is None else when
        path = self._path(show)
        with exclusive_lock(path.with_suffix(".lock")), open(path, "a", encoding="utf-8") as fh:
            fh.write("".join(json.dumps({"time": when, **asdict(p)}) + "\n" for p in pairs))
        return len(pairs)

    def shows(self) -> list[str]:
        return sorted(p.stem for p in self.root.glob("*.jsonl")) if self.root.is_dir() else []

    def archive(self, show: str) -> Optional[Path]:
        """Move the show's pairs aside (``pairs/archive/<show>-<time>.jsonl``): a reset starts
        the show's learning afresh but keeps what was learned from, for the record."""
        path = self._path(show)
        with exclusive_lock(path.with_suffix(".lock")):
            if not path.exists():
                return None
            dest = self.root / "archive" / f"{show}-{int(time.time() * 1000)}.jsonl"
            dest.parent.mkdir(parents=True, exist_ok=True)
            path.replace(dest)
        return dest

    def load(self, show: str) -> list[tuple[float, FeedbackPair]]:
        def timed_pair(d: dict) -> tuple[float, FeedbackPair]:
            when = float(d.pop("time", 0.0))
            return when, FeedbackPair(**d)

        return read_jsonl(self._path(show), timed_pair, "feedback pair")


@dataclass(frozen=True)
class ModelVersion:
    show: str
    version: int
    weights: dict
    features: tuple = ()
    parent: Optional[int] = None
    created: float = 0.0
    training: dict = field(default_factory=dict)
    heldout: dict = field(default_factory=dict)
    note: str = ""


class ModelRegistry:
    """Versions of a show's learned ranker and which one is current."""

    def __init__(self, root=None, preferences_dir=None):
        self.root = _ops_dir(root) / "models"
        self.preferences_dir = preferences_dir

    def _dir(self, show: str) -> Path:
        return self.root / _check_show(show)

    def _index(self, show: str) -> dict:
        path = self._dir(show) / "index.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"show": show, "current": 0, "history": []}
        except (OSError, ValueError) as exc:
            raise RoughcutError(f"{path}: unreadable model index: {exc}") from exc

    def _lock(self, show: str):
        """The show's lock (module doc): held around each change of its versions or index."""
        return exclusive_lock(self._dir(show) / ".lock")

    def _write_index(self, show: str, index: dict) -> None:
        atomic_write_json(self._dir(show) / "index.json", index)

    def baseline(self, show: str) -> ModelVersion:
        from ..edit.ranking import HAND_WEIGHTS, TERMS

        return ModelVersion(show, 0, dict(HAND_WEIGHTS), tuple(TERMS), None, 0.0, {}, {}, "hand-set weights")

    def list(self, show: str) -> list[ModelVersion]:
        d = self._dir(show)
        found = sorted(d.glob("v*.json")) if d.is_dir() else []
        return [self.baseline(show), *(self.get(show, int(p.stem[1:])) for p in found)]

    def get(self, show: str, version: int) -> ModelVersion:
        if version == 0:
            return self.baseline(show)
        path = self._dir(show) / f"v{version:04d}.json"
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RoughcutError(f"show {show!r} has no model version {version}") from None
        except (OSError, ValueError) as exc:
            raise RoughcutError(f"{path}: unreadable model: {exc}") from exc
        d.pop("schema", None)
        d["features"] = tuple(d.get("features", ()))
        return ModelVersion(**d)

    def current(self, show: str) -> ModelVersion:
        return self.get(show, int(self._index(show)["current"]))

    def register(self, show: str, weights: dict, *, training: dict, heldout: dict, note: str = "") -> ModelVersion:
        from ..edit.ranking import TERMS

        with self._lock(show):
            versions = [m.version for m in self.list(show)]
            mv = ModelVersion(show, max(versions) + 1, dict(weights), tuple(TERMS), self.current(show).version,
                              time.time(), dict(training), dict(heldout), note)
            atomic_write_json(self._dir(show) / f"v{mv.version:04d}.json", {"schema": MODEL_SCHEMA, **asdict(mv)})
        return mv

    def evaluate(self, show: str, version: int, heldout_pairs: Sequence[FeedbackPair]) -> dict:
        """Candidate vs current on the same held-out pairs."""
        cand, cur = self.get(show, version), self.current(show)
        return {"candidate": version, "current": cur.version, "heldout_pairs": len(heldout_pairs),
                "heldout_lines": len({p.line_id for p in heldout_pairs}),
                "candidate_accuracy": heldout_accuracy(cand.weights, heldout_pairs),
                "current_accuracy": heldout_accuracy(cur.weights, heldout_pairs)}

    def promote(self, show: str, version: int, heldout_pairs: Sequence[FeedbackPair], *,
                force: bool = False) -> dict:
        """Make ``version`` current if it beats the current one on ``heldout_pairs``;
        ``{"promoted": bool, "forced": bool, "reason", ...numbers}``. ``force`` is an explicit
        operator override: promoted whatever the numbers, recorded as ``force-promote`` in the
        history (with the numbers)."""
        ev = {**self.evaluate(show, version, heldout_pairs), "forced": False}
        if ev["candidate"] == ev["current"]:
            return {**ev, "promoted": False, "reason": f"version {version} is already current"}
        if force:
            self._set_current(show, version, "force-promote", ev)
            return {**ev, "promoted": True, "forced": True,
                    "reason": f"forced by the operator (held-out agreement {ev['candidate_accuracy']:.3f} "
                              f"vs current {ev['current_accuracy']:.3f})"}
        if len(heldout_pairs) < MIN_HELDOUT_PAIRS:
            return {**ev, "promoted": False,
                    "reason": f"too little held-out feedback ({len(heldout_pairs)} pairs < {MIN_HELDOUT_PAIRS})"}
        gain = ev["candidate_accuracy"] - ev["current_accuracy"]
        if gain <= MIN_GAIN:
            return {**ev, "promoted": False,
                    "reason": f"held-out agreement {ev['candidate_accuracy']:.3f} does not beat the current "
                              f"{ev['current_accuracy']:.3f}"}
        from .gate import line_outcomes

        cand, cur = self.get(show, version).weights, self.current(show).weights
        better, worse = discordant(cand, cur, heldout_pairs)
        lines = line_outcomes(cand, cur, heldout_pairs)
        lw, ll = [o.weight for o in lines if o.won], [o.weight for o in lines if o.lost]
        ev.update(pairs_better=better, pairs_worse=worse, lines_better=len(lw), lines_worse=len(ll),
                  weight_better=round(sum(lw), 3), weight_worse=round(sum(ll), 3))
        if not clearly_better(lw, ll):  # by line: one line's many pairs are one piece of evidence
            return {**ev, "promoted": False,
                    "reason": f"held-out agreement {ev['candidate_accuracy']:.3f} vs current "
                              f"{ev['current_accuracy']:.3f} is within chance: the candidate orders {len(lw)} "
                              f"held-out lines better than the current ({better} pairs, line weight {sum(lw):.2f}) "
                              f"and {len(ll)} worse ({worse} pairs, line weight {sum(ll):.2f})"}
        self._set_current(show, version, "promote", ev)
        return {**ev, "promoted": True,
                "reason": f"held-out agreement {ev['candidate_accuracy']:.3f} > {ev['current_accuracy']:.3f}"}

    def promote_validated(self, show: str, version: int, gate, *, force: bool = False) -> dict:
        """Make ``version`` current if the cross-validated ``gate`` (:class:`.gate.GateResult`
        of the fit that made it, against the version current then) passed; the same answer
        as :meth:`promote`, with the gate's line counts."""
        ev = {**_gate_numbers(version, self.current(show).version, gate), "forced": False}
        if ev["candidate"] == ev["current"]:
            return {**ev, "promoted": False, "reason": f"version {version} is already current"}
        if force:
            self._set_current(show, version, "force-promote", ev)
            return {**ev, "promoted": True, "forced": True, "reason": f"forced by the operator ({gate.reason})"}
        if not gate.passed:
            return {**ev, "promoted": False, "reason": gate.reason}
        self._set_current(show, version, "promote", ev)
        return {**ev, "promoted": True, "reason": gate.reason}

    def rollback(self, show: str) -> dict:
        """Back to the version that was current before the last promotion (or the parent)."""
        index = self._index(show)
        cur = int(index["current"])
        previous = [h["from"] for h in index["history"] if h.get("to") == cur and h.get("action") == "promote"]
        target = previous[-1] if previous else self.get(show, cur).parent
        if target is None:
            raise RoughcutError(f"show {show!r}: nothing to roll back to (current is version {cur})")
        self._set_current(show, int(target), "rollback", {})
        return {"show": show, "from": cur, "to": int(target)}

    def _set_current(self, show: str, version: int, action: str, numbers: dict) -> None:
        with self._lock(show):
            self._set_current_locked(show, version, action, numbers)

    def _set_current_locked(self, show: str, version: int, action: str, numbers: dict) -> None:
        from .store import Preferences, PreferenceStore

        index = self._index(show)
        index["history"].append({"action": action, "from": int(index["current"]), "to": version,
                                 "time": time.time(), **{k: v for k, v in numbers.items()
                                                         if k.endswith("accuracy") or k.startswith("heldout")}})
        index["current"] = version
        mv = self.get(show, version)
        store = PreferenceStore(self.preferences_dir)
        old = store.load(show)
        history = (*old.history, {"version": old.version, "weights": old.weights, "updated": old.updated})
        prefs = store._save(Preferences(show=show, weights={**old.weights, **mv.weights}, version=old.version + 1,
                                        pairs_seen=int(mv.training.get("pairs", old.pairs_seen)),
                                        history=history, updated=time.time()))
        index["preferences_version"] = prefs.version
        self._write_index(show, index)

    def note_reset(self, show: str) -> None:
        """The show's preferences were reset to the hand-set weights (``roughcut feedback
        --reset``, the web app's reset): version 0 is current again, recorded as ``reset``."""
        with self._lock(show):
            index = self._index(show)
            if int(index["current"]) != 0:
                index["history"].append({"action": "reset", "from": int(index["current"]), "to": 0,
                                         "time": time.time()})
                index["current"] = 0
                self._write_index(show, index)

    def index(self, show: str) -> dict:
        return self._index(show)


def retrain(show: str, *, root=None, preferences_dir=None, promote: bool = True, force: bool = False) -> dict:
    """Train a candidate from all the show's accumulated pairs, register it, and promote it when
    the fit wins on enough held-out lines, cross-validated by scene (:mod:`.gate`; ``force``:
    the operator's override, recorded as such)."""
    from .gate import cross_validate, decide
    from .ranker import choose_l2, fit_weights

    log = PairLog(root).load(show)
    if not log:
        raise RoughcutError(f"show {show!r}: no feedback yet (run `roughcut feedback --show {show}`)")
    pairs = [p for _, p in log]
    reg = ModelRegistry(root, preferences_dir)
    parent = reg.current(show)
    l2 = choose_l2(parent.weights, pairs)
    weights = fit_weights(parent.weights, pairs, l2=l2)
    gate = decide(cross_validate(parent.weights, pairs, lambda train: fit_weights(parent.weights, train, l2=l2)),
                  pairs)
    times = [t for t, _ in log]
    mv = reg.register(show, weights, training={
        "pairs": len(pairs), "lines": len({p.line_id for p in pairs}),
        "from": min(times), "to": max(times), "l2": l2, "gate": "cross-validated by scene",
    }, heldout={"pairs": gate.pairs, "lines": gate.lines, "lines_won": gate.lines_won,
                "lines_lost": gate.lines_lost, "scenes_won": gate.scenes_won,
                "accuracy": gate.candidate_accuracy, "parent_accuracy": gate.current_accuracy})
    decision = reg.promote_validated(show, mv.version, gate, force=force) if promote else {
        **_gate_numbers(mv.version, parent.version, gate), "promoted": False, "forced": False,
        "reason": "--no-promote"}
    return {"show": show, "registered": mv.version, "parent": parent.version, **decision}


def _gate_numbers(version: int, current: int, gate) -> dict:
    return {"candidate": version, "current": current, "heldout_pairs": gate.pairs, "heldout_lines": gate.lines,
            "candidate_accuracy": gate.candidate_accuracy, "current_accuracy": gate.current_accuracy,
            "lines_won": gate.lines_won, "lines_lost": gate.lines_lost, "weight_won": gate.weight_won,
            "weight_lost": gate.weight_lost, "scenes_won": gate.scenes_won, "heldout_scenes": gate.scenes}


def learn_from_feedback(show: str, pairs: Sequence[FeedbackPair], *, root=None, preferences_dir=None,
                        force: bool = False, when: Optional[float] = None) -> dict:
    """The only way feedback changes a show's ranking weights (``roughcut feedback``, the web
    app's swaps): log ``pairs``, train a candidate on the show's training lines, register it
    and promote it only when it beats the current version on the show's held-out pairs
    (:meth:`ModelRegistry.promote`; ``force`` overrides, recorded as such). Returns the
    decision with its numbers; with nothing to learn from, ``{"promoted": False, "reason"}``
    and no version is registered."""
    PairLog(root).add(show, pairs, when)
    if not pairs:
        return {"show": show, "registered": None, "promoted": False, "forced": False,
                "reason": "no preference pairs in this feedback"}
    try:
        return retrain(show, root=root, preferences_dir=preferences_dir, force=force)
    except RoughcutError as exc:
        if "held-out lines" not in str(exc):
            raise
        return {"show": show, "registered": None, "promoted": False, "forced": False, "reason": str(exc)}
