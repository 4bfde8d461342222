"""One finished job's cut as the web app edits it: swap a take, drop or restore a line.

A :class:`CutSession` loads a ``done`` job once: each media file is probed again, its
analysis read back from ``<job dir>/assets/<index>.json`` (the bridge writes them as it
goes; one missing is analysed again through the shared analysis cache), and
``RoughCutPipeline.assemble`` gives the base :class:`~roughcut_core.pipeline.CutResult`
(alignment, signals, ranking: seconds). Every edit afterwards only re-runs
``roughcut_core.edit.build_cut`` on the cached script, takes and readings (milliseconds):

- swap line L to candidate C: the readings of L are narrowed to C's reading, so the
  assembly must use it (neighbouring choices may move with it, as a real re-assembly);
- drop line L: L is taken out of the script given to ``build_cut``; restore puts it back.

The candidates shown for a line are the base cut's choice and its ranked alternates (a
stable list: numbering does not move as the user swaps). Edits are kept in
``<job dir>/web/edits.json`` so a reload or a bridge restart finds them again.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Optional

from roughcut_core.fileio import atomic_write_json
from roughcut_core.timebase import convert_frames, frames_to_seconds

log = logging.getLogger(__name__)

SIGNAL_KEYS_SHOWN = 14


class EditError(ValueError):
    """An edit that cannot be made (unknown line or candidate); the message says which."""


def _seconds(frames: int, rate) -> float:
    return float(frames_to_seconds(frames, rate))


def _record_frames(d, timeline_rate) -> int:
    n = d.src_out - d.src_in
    return convert_frames(n, d.rate, timeline_rate) if d.rate != timeline_rate else n


def _plain(value):
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, (int, str, bool)) or value is None:
        return value
    return str(value)


class CutSession:
    """The editable cut of one finished job (thread-safe; see the module doc)."""

    def __init__(self, job_id: str, job_dir: Path, request: dict, cache, result, options):
        self.job_id = job_id
        self.job_dir = Path(job_dir)
        self.request = request
        self.cache = cache
        self.base = result
        from ..jobwork import with_eye_probe

        # every regeneration moves cut frames off blinks as `roughcut cut` does (probe cached)
        self.options = with_eye_probe(options, cache, [a.asset for a in result.analyses])
        self.lock = threading.Lock()
        self.swaps: dict = {}      # line id → candidate index (into candidates(line))
        self.dropped: set = set()
        self.version = 0
        self.cut = result.cut
        self.regen_ms = 0.0
        self._candidates = self._base_candidates()
        self._load_edits()

    # -- loading ---------------------------------------------------------------------------
    @classmethod
    def load(cls, job_id: str, job_dir: Path, request: dict, cache) -> "CutSession":
        from roughcut_core.media import probe
        from roughcut_core.pipeline import RoughCutPipeline

        from ..jobwork import analysis_from_json, load_job_script, pipeline_options

        options = pipeline_options(request, str(cache.root))  # the blink probe is added in __init__
        script = load_job_script(request.get("script"))
        analyses, pipeline = [], None
        for idx, item in enumerate(request["media"]):
            try:
                asset = probe(item["path"])
            except Exception as exc:  # gone since the job ran: the cut goes on without it
                log.warning("job %s: %s not usable now: %s", job_id, item["path"], exc)
                continue
            path = Path(job_dir) / "assets" / f"{idx}.json"
            analysis = None
            if path.is_file():
                try:
                    _key, analysis = analysis_from_json(json.loads(path.read_text(encoding="utf-8")), asset)
                except (OSError, ValueError) as exc:
                    log.warning("job %s: stored analysis %s refused: %s", job_id, path, exc)
            if analysis is None and asset.has_video and asset.has_audio:
                pipeline = pipeline or RoughCutPipeline(options, cache=cache)
                analysis = pipeline.analyze_asset(asset)  # the analysis cache answers
            if analysis is not None:
                analyses.append(analysis)
        from ..jobwork import with_eye_probe

        options = with_eye_probe(options, cache, [a.asset for a in analyses])  # as the job's own cut
        pipeline = RoughCutPipeline(options, cache=cache)
        result = pipeline.assemble(script, analyses)
        return cls(job_id, job_dir, request, cache, result, options)

    def _base_candidates(self) -> dict:
        """line id → [candidate dicts]: the base cut's choice first, then its alternates."""
        by_key = {}
        for r in self.base.readings:
            by_key.setdefault((r.line_id, r.path), []).append(r)
        out = {}
        for d in self.base.cut.decisions:
            if d.gap or d.video_track != 1 or not d.line_ids:
                continue
            lid = d.line_ids[0]
            options = [(d.path, d.take_id, d.src_in, d.src_out, d.score, d.rank, list(d.reasons), d.terms, d.rate)]
            for a in d.alternates:
                take = self.base.takes.get(a.path)
                options.append((a.path, a.take_id, a.src_in, a.src_out, a.score, a.rank,
                                [w for w in a.why.split("; ") if w], a.terms, take.rate if take else d.rate))
            cands = []
            for n, (path, take_id, src_in, src_out, score, rank, why, terms, rate) in enumerate(options):
                reading = self._reading_for(by_key.get((lid, path), []), src_in, src_out, rate)
                cands.append({"index": n, "path": path, "take_id": take_id, "src_in": src_in, "src_out": src_out,
                              "score": round(float(score), 4), "rank": rank, "why": why, "terms": dict(terms or {}),
                              "rate": [rate.num, rate.den] if hasattr(rate, "num") else None,
                              "setup": getattr(self.base.takes.get(path), "setup", None),
                              "reading_start": reading.start if reading else None,
                              "signals": {k: _plain(v) for k, v in list((reading.signals if reading else {}).items())
                                          [:SIGNAL_KEYS_SHOWN * 3] if isinstance(v, (int, float, str))}})
            out[lid] = cands
        return out

    @staticmethod
    def _reading_for(readings, src_in: int, src_out: int, rate):
        if not readings:
            return None
        lo, hi = _seconds(src_in, rate), _seconds(src_out, rate)
        return max(readings, key=lambda r: min(hi, r.end) - max(lo, r.start))

    # -- edits -----------------------------------------------------------------------------
    @property
    def edits_path(self) -> Path:
        return self.job_dir / "web" / "edits.json"

    def _load_edits(self) -> None:
        try:
            doc = json.loads(self.edits_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        lines = {l.id for l in self.base.script.lines}
        self.swaps = {k: int(v) for k, v in (doc.get("swaps") or {}).items()
                      if k in self._candidates and isinstance(v, int) and 0 <= v < len(self._candidates[k])}
        self.dropped = {l for l in doc.get("dropped") or () if l in lines}
        self.version = int(doc.get("version") or 0)
        if self.swaps or self.dropped:
            self._regenerate()

    def _save_edits(self) -> None:
        atomic_write_json(self.edits_path, {"schema": "roughcut.web-edits/1", "version": self.version,
                                            "swaps": self.swaps, "dropped": sorted(self.dropped)})

    def current_index(self, line_id: str) -> Optional[int]:
        """Which candidate of ``line_id`` the current cut uses (None: dropped or not found)."""
        for d in self.cut.decisions:
            if d.video_track == 1 and not d.gap and d.line_ids and d.line_ids[0] == line_id:
                for c in self._candidates.get(line_id, ()):
                    if c["path"] == d.path and c["src_in"] < d.src_out and d.src_in < c["src_out"]:
                        return c["index"]
        return None

    def candidate(self, line_id: str, index: int) -> dict:
        cands = self._candidates.get(line_id)
        if cands is None:
            raise EditError(f"line {line_id!r} has no takes to choose from")
        if not isinstance(index, int) or not 0 <= index < len(cands):
            raise EditError(f"line {line_id!r} has no alternate number {index + 1 if isinstance(index, int) else index}")
        return cands[index]

    def swap(self, line_id: str, index: int) -> dict:
        """Use candidate ``index`` for ``line_id``; returns ``{"from", "to"}`` candidates."""
        with self.lock:
            to = self.candidate(line_id, index)
            before = self.current_index(line_id)
            self.swaps[line_id] = index
            self.dropped.discard(line_id)
            self._changed()
            return {"from": self._candidates[line_id][before] if before is not None else None, "to": to}

    def set_dropped(self, line_id: str, dropped: bool) -> None:
        with self.lock:
            if line_id not in {l.id for l in self.base.script.lines}:
                raise EditError(f"no line {line_id!r} in this script")
            (self.dropped.add if dropped else self.dropped.discard)(line_id)
            self._changed()

    def reset(self) -> None:
        with self.lock:
            self.swaps, self.dropped = {}, set()
            self._changed()

    def _changed(self) -> None:
        self.version += 1
        self._regenerate()
        self._save_edits()

    def _regenerate(self) -> None:
        """The cut again from cached readings and takes (no analysis, no alignment)."""
        from roughcut_core.edit import build_cut

        t0 = time.perf_counter()
        base = self.base
        script = base.script
        if self.dropped:
            scenes = tuple(replace(s, lines=tuple(l for l in s.lines if l.id not in self.dropped))
                           for s in script.scenes)
            script = replace(script, scenes=tuple(s for s in scenes if s.lines))
        readings = base.readings
        for lid, idx in self.swaps.items():
            c = self._candidates[lid][idx]
            keep = [r for r in readings if r.line_id == lid and r.path == c["path"]]
            if c["reading_start"] is not None:
                keep = [r for r in keep if abs(r.start - c["reading_start"]) < 1e-6] or keep
            readings = tuple(r for r in readings if r.line_id != lid) + tuple(keep)
        if script.lines:
            self.cut = build_cut(script, base.takes, readings, self.options.edit)
        else:
            self.cut = replace(base.cut, decisions=(), coverage={**base.cut.coverage, "lines_in_cut": 0})
        self.regen_ms = round((time.perf_counter() - t0) * 1000, 1)

    # -- views -----------------------------------------------------------------------------
    def line_texts(self) -> dict:
        return {l.id: l.text for l in self.base.script.lines}

    def frame_counts(self) -> dict:
        return {a.asset.path: a.asset.frame_count for a in self.base.analyses}

    def write_otio(self, path: Path) -> Path:
        from roughcut_core.edit import write_otio

        return write_otio(self.cut, path, frame_counts=self.frame_counts(), line_texts=self.line_texts())

    def to_json(self) -> dict:
        """Everything the review page shows for the current cut."""
        cut = self.cut
        rate = cut.rate
        main = {}
        strip = []
        for d in cut.decisions:
            start = _seconds(d.rec_in, rate)
            length = _seconds(_record_frames(d, rate), rate)
            item = {"id": d.id, "line_id": d.line_ids[0] if d.line_ids else None, "take_id": d.take_id,
                    "setup": d.setup or ("gap" if d.gap else None), "gap": d.gap, "track": d.video_track,
                    "start": round(start, 3), "duration": round(length, 3), "path": d.path or None,
                    "src_in": d.src_in, "thumb_t": round(_seconds(d.src_in, d.rate) + min(1.0, length / 2), 3)
                    if not d.gap else None}
            strip.append(item)
            if d.video_track == 1 and d.line_ids:
                main[d.line_ids[0]] = (d, item)
        lines = []
        for line in self.base.script.lines:
            entry = main.get(line.id)
            d = entry[0] if entry else None
            cands = self._candidates.get(line.id, [])
            current = self.current_index(line.id)
            lines.append({
                "id": line.id, "character": line.character, "text": line.text,
                "dropped": line.id in self.dropped, "swapped": line.id in self.swaps,
                "missing": d is None and line.id not in self.dropped or bool(d is not None and d.gap),
                "start": entry[1]["start"] if entry else None, "duration": entry[1]["duration"] if entry else None,
                "take_id": d.take_id if d is not None and not d.gap else None,
                "setup": d.setup if d is not None else None,
                "score": round(float(d.score), 4) if d is not None and not d.gap else None,
                "rank": d.rank if d is not None else None,
                "reasons": list(d.reasons) if d is not None else [],
                "terms": {k: round(float(v), 4) for k, v in (d.terms or {}).items() if v} if d is not None else {},
                "current": current,
                "signals": cands[current]["signals"] if current is not None else {},
                "alternates": [{k: c[k] for k in ("index", "take_id", "setup", "score", "rank", "why", "path")}
                               for c in cands]})
        return {"job_id": self.job_id, "name": cut.name, "version": self.version, "regen_ms": self.regen_ms,
                "rate": [rate.num, rate.den], "duration": round(_seconds(cut.duration, rate), 3),
                "coverage": cut.coverage, "warnings": list(cut.warnings),
                "lines": lines, "strip": strip, "edits": {"swaps": self.swaps, "dropped": sorted(self.dropped)},
                **self._analysis_lanes()}

    def _analysis_lanes(self) -> dict:
        """Camera-motion / sound-event lanes (seconds on the cut) and the continuity / room-tone
        notes (issue 20); empty when the file analyses are off."""
        cut, rate = self.cut, self.cut.rate
        lanes = []
        try:
            from roughcut_core.analyses.lanes import review_lanes

            for lane in review_lanes(cut, getattr(self.base, "file_analyses", None) or {}):
                lanes.append({"name": lane.name, "segments": [
                    {"start": round(_seconds(sg.rec_in, rate), 3), "duration": round(_seconds(sg.rec_out - sg.rec_in, rate), 3),
                     "label": sg.label, "detail": sg.detail} for sg in lane.segments]})
        except Exception as exc:  # a lane must not cost the review page
            log.warning("job %s: no analysis lanes: %s", self.job_id, exc)
        notes = [{"t": round(_seconds(m.frame, rate), 3), "name": m.name, "note": m.note, "color": m.color}
                 for m in sorted(cut.markers, key=lambda m: m.frame) if m.name.startswith(("continuity", "room tone"))]
        return {"lanes": lanes, "notes": notes}
