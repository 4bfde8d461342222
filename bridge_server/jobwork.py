"""One job's work, split into resumable steps: probe → analyse (per asset) → assemble → write.

:class:`JobWork` holds a job's in-memory state between steps (probed assets, script, finished
analyses). Each finished asset analysis is pickled to ``<job dir>/assets/<index>.pkl``
(atomically) *before* its record is marked done, so after a crash a done asset is loaded
back instead of analysed again; a file whose content changed since is analysed again.
"""
from __future__ import annotations

import logging
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from roughcut_core.errors import MediaError, RoughcutError
from roughcut_core.fileio import atomic_write_bytes
from roughcut_core.timebase import Rate

log = logging.getLogger(__name__)


class JobFailed(Exception):
    """The job cannot go on; the message says why (it becomes the job's error)."""


def pipeline_options(request: dict, cache_dir: str):
    from roughcut_core.edit import AssemblyOptions, EditOptions, Handles
    from roughcut_core.pipeline import PipelineOptions

    o = request.get("options") or {}
    weights = None
    if o.get("show"):
        from roughcut_core.learn import PreferenceStore

        weights = PreferenceStore().load(o["show"]).weights
    pre, post = o.get("handles") or (0.25, 0.35)
    edit = EditOptions(assembly=AssemblyOptions(preset=o.get("preset", "performance"),
                                                favour_character=o.get("favour_character"),
                                                target_duration=o.get("target_duration")),
                       handles=Handles(float(pre), float(post)),
                       timeline_name=o.get("timeline_name") or request.get("name"),
                       split_edits=o.get("split_edits"), reaction_shots=bool(o.get("reaction_shots", True)),
                       weights=weights)
    return PipelineOptions(asr_model=o.get("asr_model", "tiny.en"), device=o.get("device", "auto"),
                           picture=bool(o.get("picture", True)), audio_quality=bool(o.get("audio_quality", True)),
                           cache_dir=cache_dir, use_cache=True, edit=edit)


def load_job_script(spec: dict):
    """The job's Script from ``{"path"}`` or ``{"text", "format"}`` (None: a selects cut);
    ScriptError when unusable."""
    from roughcut_core.script import load_script, parse_script_text

    if spec is None:
        return None
    if spec.get("path"):
        return load_script(spec["path"])
    return parse_script_text(spec["text"], format=spec.get("format") or "fountain")


def host_rate(value) -> Optional[Rate]:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return Rate(int(value[0]), int(value[1]))
    return Rate.parse(value)


@dataclass
class JobWork:
    job_id: str
    job_dir: Path
    request: dict
    options: object = None
    script: object = None
    assets: dict = field(default_factory=dict)      # index → MediaAsset (usable ones)
    analyses: dict = field(default_factory=dict)    # index → AssetAnalysis
    pending: list = field(default_factory=list)     # indices still to analyse
    warnings: list = field(default_factory=list)
    durations: dict = field(default_factory=dict)   # index → media seconds
    spent: list = field(default_factory=list)       # (media seconds, wall seconds) analysed this run
    probed: bool = False

    def analysis_path(self, idx: int) -> Path:
        return self.job_dir / "assets" / f"{idx}.pkl"

    def probe(self, store, cache_dir: str) -> None:
        """Options, script and every media item; bad items become asset errors, not job errors."""
        from roughcut_core.media import probe

        self.options = pipeline_options(self.request, cache_dir)
        try:
            self.script = load_job_script(self.request["script"])
        except RoughcutError as exc:
            raise JobFailed(f"script not usable: {exc}") from exc
        except OSError as exc:
            raise JobFailed(f"script not readable: {exc}") from exc
        records = {r["idx"]: r for r in store.assets(self.job_id)}
        for idx, item in enumerate(self.request["media"]):
            rec = records.get(idx, {})
            if rec.get("state") == "failed":
                continue
            try:
                asset = probe(item["path"])
            except MediaError as exc:
                store.update_asset(self.job_id, idx, state="failed", error=str(exc))
                continue
            if not (asset.has_video and asset.has_audio):
                what = "no video stream" if not asset.has_video else "no audio stream"
                store.update_asset(self.job_id, idx, state="failed",
                                   error=f"{asset.path}: skipped: {what} (need video with sound)")
                continue
            asset = self._apply_host_fields(asset, item)
            self.assets[idx] = asset
            self.durations[idx] = float(asset.duration or 0.0)
            store.update_asset(self.job_id, idx, content_key=asset.content_key)
            if rec.get("state") == "done":
                previous = self._load_analysis(idx, asset)
                if previous is not None:
                    self.analyses[idx] = previous
                    continue
                store.update_asset(self.job_id, idx, state="pending")
            self.pending.append(idx)
        if not self.assets:
            errors = [r["error"] for r in store.assets(self.job_id) if r.get("error")]
            raise JobFailed("no usable media (need video with sound): " + "; ".join(errors[:5]))
        self.probed = True

    def _apply_host_fields(self, asset, item: dict):
        hints = dict(asset.hints)
        rate = host_rate(item.get("rate"))
        if rate is not None:
            hints["host_rate"] = rate.as_pair()
            if asset.rate is not None and rate != asset.rate:
                self.warnings.append(f"{asset.path}: host says {rate.as_pair()} fps, file is "
                                     f"{asset.rate.as_pair()}; using the file's rate")
        if item.get("start_timecode"):
            hints["host_start_timecode"] = item["start_timecode"]
        if item.get("start_frame") is not None:
            hints["host_start_frame"] = item["start_frame"]
        for key, value in (item.get("hints") or {}).items():
            hints[key] = value
        return replace(asset, host_id=item.get("host_id") or asset.host_id, hints=hints)

    def _load_analysis(self, idx: int, asset):
        try:
            with open(self.analysis_path(idx), "rb") as fh:
                analysis = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            log.warning("job %s asset %d: stored analysis unreadable (%s); analysing again", self.job_id, idx, exc)
            return None
        if analysis.asset.content_key != asset.content_key:
            log.info("job %s asset %d: file changed since analysis; analysing again", self.job_id, idx)
            return None
        return replace(analysis, asset=asset)

    def record_analysis(self, store, idx: int, result, seconds: float) -> None:
        """Keep one asset's outcome: the analysis (file first, then the record) or its error."""
        if isinstance(result, BaseException):
            store.update_asset(self.job_id, idx, state="failed", seconds=seconds,
                               error=str(result) or type(result).__name__)
            return
        atomic_write_bytes(self.analysis_path(idx), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        store.update_asset(self.job_id, idx, state="done", seconds=seconds,
                           error="; ".join(result.errors) or None)
        self.analyses[idx] = result
        self.spent.append((self.durations.get(idx, 0.0), seconds))

    def eta(self) -> Optional[float]:
        """Seconds left, from this run's wall seconds per media second (None before any asset)."""
        media = sum(m for m, _ in self.spent)
        wall = sum(w for _, w in self.spent)
        if not self.spent:
            return None
        per_media = wall / media if media > 0 else wall / len(self.spent)
        left = sum(self.durations.get(i, 0.0) for i in self.pending) if media > 0 else len(self.pending)
        return round(per_media * left * 1.1, 1)  # +10% for align/assemble/write

    def analysis_progress(self) -> float:
        total = len(self.assets) or 1
        return 0.05 + 0.85 * (len(self.assets) - len(self.pending)) / total

    def assemble(self, cache):
        from roughcut_core.pipeline import RoughCutPipeline

        if not self.analyses:
            raise JobFailed("no asset could be analysed; see the per-asset errors")
        ordered = [self.analyses[i] for i in sorted(self.analyses)]
        return RoughCutPipeline(self.options, cache=cache).assemble(self.script, ordered)

    def write(self, result) -> dict:
        from roughcut_core.outputs import write_outputs

        written = write_outputs(result, otio_path=self.job_dir / "roughcut.otio",
                                report_path=self.job_dir / "review.html", plan_path=self.job_dir / "plan.json")
        cut = result.cut
        return {"outputs": sorted(written), "coverage": cut.coverage,
                "decisions": len([d for d in cut.decisions if not d.gap]),
                "warnings": [*self.warnings, *cut.warnings], "errors": list(result.errors)}
