"""Acceptance of roughcut's decisions: what the editor did with each one (the north-star number).

Every line decision in a generated cut ends, after the editor worked on it, as one of

* ``kept``     — our chosen reading is still there with (about) our in/out points;
* ``trimmed``  — our reading is still there but its in or out moved by more than
  :data:`TRIM_TOLERANCE` frames (``trim_frames`` = summed absolute change of in and out);
* ``swapped``  — the editor used one of our ranked alternates instead (``rank`` = 1 for the
  first alternate, 2 for the second…);
* ``dropped``  — no clip of the edited timeline covers any option of that line.

:func:`decisions_from_timelines` classifies the decisions of one generated/edited pair (host
read-back, ``roughcut feedback``); :class:`AcceptanceStore` appends them per show
(``<ops dir>/acceptance/<show>.jsonl``, one JSON record per decision, with time and preset)
and :func:`summarize` turns records into shares per show, per preset and per ISO week.
The web app's swaps and drops (``<bridge data dir>/web/feedback.jsonl``) are folded in by
:func:`web_records`: a swap in the app is ``swapped`` (rank unknown), a drop ``dropped``.
"""
from __future__ import annotations

import json
import os
import re
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Optional

from ..errors import RoughcutError
from ..fileio import read_jsonl

OUTCOMES = ("kept", "trimmed", "swapped", "dropped")
TRIM_TOLERANCE = 2  # frames of in/out change still counted as "kept"
MIN_OVERLAP = 0.5


@dataclass(frozen=True)
class Decision:
    """What the editor did with one line decision."""
    line_id: str
    outcome: str
    rank: Optional[int] = None
    trim_frames: int = 0
    show: str = "default"
    preset: str = ""
    time: float = 0.0
    source: str = "timeline"


def default_ops_dir() -> Path:
    """``$ROUGHCUT_OPS_DIR``; else ``ops/`` beside ``$ROUGHCUT_PREFERENCES_DIR`` when that is
    set (so a relocated preference store keeps its records with it); else the user data dir."""
    env = os.environ.get("ROUGHCUT_OPS_DIR")
    if env:
        return Path(env)
    prefs = os.environ.get("ROUGHCUT_PREFERENCES_DIR")
    if prefs:
        return Path(prefs).parent / "ops"
    from platformdirs import user_data_dir

    return Path(user_data_dir("roughcut")) / "ops"


def _check_show(show: str) -> str:
    if not show or not re.fullmatch(r"[\w .\-]{1,100}", show):
        raise RoughcutError(f"invalid show name {show!r}: use letters, digits, space, . _ -")
    return show


def decisions_from_timelines(generated, edited, *, show: str = "default", when: Optional[float] = None,
                             min_overlap: float = MIN_OVERLAP) -> list[Decision]:
    """Classify every line decision of ``generated`` (our OTIO) against ``edited``."""
    from ..learn.feedback import _overlap, _read, _start_frames, edited_ranges, generated_options

    gen, ed = _read(generated), _read(edited)
    options = generated_options(gen)
    if not options:
        raise RoughcutError(f"{generated}: not a roughcut timeline (no roughcut metadata on its clips)")
    preset = str(((gen.metadata.get("roughcut") or {}).get("options") or {}).get("preset") or "")
    ranges = edited_ranges(ed, _start_frames(gen))
    when = time.time() if when is None else when
    out = []
    for lid, opts in options.items():
        best_i, best_ov, best_rng = None, 0.0, None
        for i, o in enumerate(opts):
            for r in ranges:
                ov = _overlap(o, r)
                if ov > best_ov:
                    best_i, best_ov, best_rng = i, ov, r
        if best_i is None or best_ov < min_overlap:
            out.append(Decision(lid, "dropped", show=show, preset=preset, time=when))
        elif best_i == 0:
            o = opts[0]
            trim = abs(best_rng[1] - o.src_in) + abs(best_rng[2] - o.src_out)
            outcome = "trimmed" if trim > TRIM_TOLERANCE else "kept"
            out.append(Decision(lid, outcome, trim_frames=trim if outcome == "trimmed" else 0, show=show,
                                preset=preset, time=when))
        else:
            out.append(Decision(lid, "swapped", rank=best_i, show=show, preset=preset, time=when))
    return out


def web_records(feedback_log: Path, show: Optional[str] = None) -> list[Decision]:
    """The web app's swaps and drops (a later ``restore`` cancels a drop of the same line)."""
    try:
        lines = Path(feedback_log).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    last: dict = {}
    for raw in lines:
        try:
            e = json.loads(raw)
        except ValueError:
            continue
        if show is not None and e.get("show") != show:
            continue
        key = (e.get("job"), e.get("line"))
        action = e.get("action")
        if action == "swap":
            last[key] = Decision(str(e.get("line")), "swapped", show=str(e.get("show", "default")),
                                 time=float(e.get("time", 0.0)), source="web")
        elif action == "drop":
            last[key] = Decision(str(e.get("line")), "dropped", show=str(e.get("show", "default")),
                                 time=float(e.get("time", 0.0)), source="web")
        elif action == "restore":
            last.pop(key, None)
    return list(last.values())


class AcceptanceStore:
    """Per-show append-only decision records (JSON lines)."""

    def __init__(self, root=None):
        self.root = (Path(root) if root is not None else default_ops_dir()) / "acceptance"

    def _path(self, show: str) -> Path:
        return self.root / f"{_check_show(show)}.jsonl"

    def add(self, decisions: Iterable[Decision]) -> int:
        by_show: dict = defaultdict(list)
        for d in decisions:
            by_show[d.show].append(json.dumps(asdict(d)))
        for show, rows in by_show.items():
            path = self._path(show)
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8") as fh:
                fh.write("".join(r + "\n" for r in rows))
        return sum(len(r) for r in by_show.values())

    def shows(self) -> list[str]:
        return sorted(p.stem for p in self.root.glob("*.jsonl")) if self.root.is_dir() else []

    def load(self, show: str) -> list[Decision]:
        return read_jsonl(self._path(show), lambda d: Decision(**d), "acceptance record")


def _shares(decisions: list[Decision]) -> dict:
    n = len(decisions)
    counts = Counter(d.outcome for d in decisions)
    ranks = Counter(d.rank for d in decisions if d.outcome == "swapped" and d.rank is not None)
    trims = sorted(d.trim_frames for d in decisions if d.outcome == "trimmed")
    return {
        "decisions": n,
        "counts": {o: counts.get(o, 0) for o in OUTCOMES},
        "shares": {o: round(counts.get(o, 0) / n, 4) if n else 0.0 for o in OUTCOMES},
        "acceptance": round((counts.get("kept", 0) + counts.get("trimmed", 0)) / n, 4) if n else 0.0,
        "swap_ranks": {str(k): v for k, v in sorted(ranks.items())},
        "trim_frames_median": trims[len(trims) // 2] if trims else 0,
        "trim_frames_mean": round(sum(trims) / len(trims), 2) if trims else 0.0,
    }


def summarize(decisions: list[Decision]) -> dict:
    """Shares overall, per preset and per ISO week (``acceptance`` = kept + trimmed)."""
    by_preset: dict = defaultdict(list)
    by_week: dict = defaultdict(list)
    for d in decisions:
        by_preset[d.preset or "unknown"].append(d)
        y, w, _ = datetime.fromtimestamp(d.time, tz=timezone.utc).isocalendar()
        by_week[f"{y}-W{w:02d}"].append(d)
    return {**_shares(decisions),
            "by_preset": {k: _shares(v) for k, v in sorted(by_preset.items())},
            "over_time": [{"week": k, **_shares(v)} for k, v in sorted(by_week.items())]}


def record_readback(generated, edited, *, show: str = "default", root=None, source: str = "host") -> dict:
    """A host's read-back (``POST /v1/feedback``): the decisions of ``generated`` (our OTIO,
    path or timeline) against ``edited`` become acceptance records (``source`` on each) and its
    preference pairs join the show's pair log, where ``roughcut retrain`` / the bridge's
    scheduler promote a retrained ranker only on a held-out win. Returns the counts."""
    import dataclasses

    from ..learn.feedback import diff_timelines
    from ..learn.registry import PairLog

    decisions = [dataclasses.replace(d, source=source)
                 for d in decisions_from_timelines(generated, edited, show=_check_show(show))]
    AcceptanceStore(root).add(decisions)
    pairs = diff_timelines(generated, edited).pairs
    PairLog(root).add(show, pairs)
    return {"show": show, "pairs": len(pairs), **{k: v for k, v in _shares(decisions).items()
                                                    if k in ("decisions", "counts", "acceptance")}}


PREMIERE_TICKS_PER_SECOND = 254016000000


def timeline_from_readback(doc: dict, generated):
    """An OTIO timeline from a Premiere panel's read-back (``roughcut_readSequence``:
    ``{"clips": [{kind, path, in_ticks, out_ticks, disabled}]}``) so it can be compared with
    our ``generated`` OTIO. Premiere's in/out points are ticks from the media's first frame;
    they become file-relative frames at the rate our OTIO recorded for that file (clips of
    files we did not use keep 24 fps: they match nothing either way)."""
    import opentimelineio as otio

    from ..learn.feedback import _norm_path, _read, _start_frames

    clips = doc.get("clips") if isinstance(doc, dict) else None
    if not isinstance(clips, list):
        raise RoughcutError("timeline: no clips list (expected the host's read-back of the sequence)")
    starts = _start_frames(_read(generated))
    tl, track = otio.schema.Timeline(name=str(doc.get("name") or "read-back")), otio.schema.Track(kind="Video")
    tl.tracks.append(track)
    for c in clips:
        if not isinstance(c, dict) or c.get("kind", "video") != "video" or c.get("disabled") or not c.get("path"):
            continue
        path = _norm_path(str(c["path"]))
        rate_pair = (starts.get(path) or (0, None))[1] or (24, 1)
        rate = rate_pair[0] / rate_pair[1]
        try:
            a = round(int(c["in_ticks"]) * rate / PREMIERE_TICKS_PER_SECOND)
            b = round(int(c["out_ticks"]) * rate / PREMIERE_TICKS_PER_SECOND)
        except (KeyError, TypeError, ValueError) as exc:
            raise RoughcutError(f"timeline: clip {c.get('name')!r} has no readable in/out ticks: {exc}") from None
        ref = otio.schema.ExternalReference(target_url=path, available_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(max(b, 1), rate)))
        track.append(otio.schema.Clip(name=str(c.get("name") or path), media_reference=ref,
                                      source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(a, rate),
                                                                           otio.opentime.RationalTime(b - a, rate))))
    return tl
