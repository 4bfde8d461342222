"""One job's work, split into resumable steps: probe → analyse (per asset) → assemble → write.

:class:`JobWork` holds a job's in-memory state between steps (probed assets, script, finished
analyses). Each finished asset analysis is written as a JSON document
(``roughcut.job-analysis/1``: plain data, never pickle, so a writable job folder cannot
become code execution) to ``<job dir>/assets/<index>.json`` (atomically) *before* its record
is marked done, so after a crash a done asset is loaded back instead of analysed again; a
file whose content changed since, or a document of an unknown schema version, is analysed
again (with a log line saying why).

A clip whose analysis yields no transcript (the model failed, no sound...) is recorded
``failed`` with the reason; a job in which no clip has a usable analysis fails with the
reasons instead of ending ``done`` with an empty cut. Media paths are checked against the
bridge's allowed roots again when the job runs (a resumed job from an older database, or
roots narrowed since the submission).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from roughcut_core.errors import MediaError, RoughcutError, SchemaError
from roughcut_core.fileio import atomic_write_json
from roughcut_core.timebase import Rate

log = logging.getLogger(__name__)


class JobFailed(Exception):
    """The job cannot go on; the message says why (it becomes the job's error)."""


ANALYSIS_SCHEMA = "roughcut.job-analysis/1"


def analysis_to_json(analysis) -> Optional[dict]:
    """A plain-JSON document for one AssetAnalysis, or None when a part is of a type this
    format does not know (it is then kept in memory only and analysed again after a restart)."""
    from roughcut_core.audio.report import AudioQualityReport, report_to_json
    from roughcut_core.serialize import to_jsonable

    picture, audio = analysis.picture, analysis.audio
    if picture is not None and type(picture).__name__ != "PictureAnalysis":
        return None
    if audio is not None and not isinstance(audio, AudioQualityReport):
        return None
    return {"schema": ANALYSIS_SCHEMA, "asset": to_jsonable(analysis.asset),
            "transcript": to_jsonable(analysis.transcript) if analysis.transcript is not None else None,
            "picture": to_jsonable(picture) if picture is not None else None,
            "audio": report_to_json(audio) if audio is not None else None,
            "errors": list(analysis.errors)}


def analysis_from_json(doc, asset):
    """(content key stored, the AssetAnalysis in ``doc`` for the freshly probed ``asset``);
    SchemaError on an unknown schema version or a malformed document."""
    from roughcut_core.audio.report import report_from_json
    from roughcut_core.model import Transcript
    from roughcut_core.picture.analyzer import PictureAnalysis
    from roughcut_core.pipeline import AssetAnalysis
    from roughcut_core.serialize import from_dict

    if not isinstance(doc, dict):
        raise SchemaError("stored analysis: not a JSON object")
    if doc.get("schema") != ANALYSIS_SCHEMA:
        raise SchemaError(f"stored analysis has schema {doc.get('schema')!r}; this bridge reads {ANALYSIS_SCHEMA!r}")
    try:
        stored_key = (doc.get("asset") or {}).get("content_key")
        transcript = from_dict(Transcript, doc["transcript"]) if doc.get("transcript") is not None else None
        picture = from_dict(PictureAnalysis, doc["picture"]) if doc.get("picture") is not None else None
        audio = report_from_json(doc["audio"]) if doc.get("audio") is not None else None
        errors = tuple(str(e) for e in doc.get("errors") or ())
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SchemaError(f"stored analysis is malformed: {type(exc).__name__}: {exc}") from None
    return stored_key, AssetAnalysis(asset=asset, transcript=transcript, picture=picture, audio=audio,
                                     errors=errors)


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


def with_eye_probe(options, cache, assets):
    """``options`` whose edit moves cut frames off blinks with the same eye probe as
    ``roughcut cut`` (``picture.expression.make_eye_probe``), its windows kept in ``cache`` by
    the ``assets``' content keys, so a regeneration decodes nothing twice. Unchanged when the
    job has the picture off or the probe is already set. Applied where the cut is built (a
    closure: never put in options that travel to analysis workers)."""
    if not getattr(options, "picture", True) or options.edit.eye_probe is not None:
        return options
    try:
        from roughcut_core.picture.expression import make_eye_probe
    except ImportError:  # no picture stack: cut points on speech alone, as roughcut cut
        return options
    probe = make_eye_probe(store={"cache": cache, "keys": {a.path: a.content_key for a in assets}})
    return replace(options, edit=replace(options.edit, eye_probe=probe))


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

    failures: list = field(default_factory=list)    # per-asset analysis errors of this run
    allowed_roots: Optional[tuple] = None           # None: not re-checked here (checked at submission)

    def analysis_path(self, idx: int) -> Path:
        return self.job_dir / "assets" / f"{idx}.json"

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
            if self.allowed_roots is not None:
                from .security import OUTSIDE_ROOTS, allowed_path

                if allowed_path(item["path"], self.allowed_roots) is None:
                    store.update_asset(self.job_id, idx, state="failed", error=f"{item['path']}: {OUTSIDE_ROOTS}")
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
        self._drop_duplicates(store)
        if not self.assets:
            errors = [r["error"] for r in store.assets(self.job_id) if r.get("error")]
            raise JobFailed("no usable media (need video with sound): " + "; ".join(errors[:5]))
        self.probed = True

    def _drop_duplicates(self, store) -> None:
        """A byte-identical copy of another clip of the job is not a second take: its asset
        is recorded ``failed`` saying which file it copies, and a job warning is added."""
        from roughcut_core.media import drop_duplicates

        order = sorted(self.assets)
        paths = [self.assets[i].path for i in order]
        kept, warnings = drop_duplicates(paths)
        dropped, k = [], 0
        for pos, path in enumerate(paths):  # kept is an in-order subsequence of paths
            if k < len(kept) and kept[k] == path:
                k += 1
            else:
                dropped.append(order[pos])
        for idx, message in zip(dropped, warnings):
            store.update_asset(self.job_id, idx, state="failed", error=message)
            self.warnings.append(message)
            del self.assets[idx]
            self.analyses.pop(idx, None)
            if idx in self.pending:
                self.pending.remove(idx)

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
        from roughcut_core.paths import InputFileError, check_input_file

        path = self.analysis_path(idx)
        try:
            check_input_file(path, allow_empty=False)  # a regular file: never a FIFO planted there
            with open(path, encoding="utf-8") as fh:
                doc = json.load(fh)
            stored_key, analysis = analysis_from_json(doc, asset)
        except (InputFileError, OSError, ValueError, RecursionError, SchemaError) as exc:
            log.warning("job %s asset %d: stored analysis refused (%s); analysing again", self.job_id, idx, exc)
            return None
        if stored_key != asset.content_key:
            log.info("job %s asset %d: file changed since analysis; analysing again", self.job_id, idx)
            return None
        return analysis

    def record_analysis(self, store, idx: int, result, seconds: float) -> None:
        """Keep one asset's outcome: the analysis (file first, then the record) or its error."""
        if isinstance(result, BaseException):
            error = str(result) or type(result).__name__
            store.update_asset(self.job_id, idx, state="failed", seconds=seconds, error=error)
            self.failures.append(error)
            return
        if result.transcript is None:  # no dialogue could be read from it: unusable, say why
            error = "; ".join(result.errors) or f"{result.asset.path}: no transcript"
            store.update_asset(self.job_id, idx, state="failed", seconds=seconds, error=error)
            self.failures.append(error)
            return
        doc = analysis_to_json(result)
        if doc is not None:
            atomic_write_json(self.analysis_path(idx), doc)
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
            raise JobFailed(("no clip could be analysed: " + "; ".join(self.failures[:5])) if self.failures
                            else "no clip could be analysed; see the per-asset errors")
        ordered = [self.analyses[i] for i in sorted(self.analyses)]
        options = with_eye_probe(self.options, cache, [a.asset for a in ordered])  # cut frames off blinks
        return RoughCutPipeline(options, cache=cache).assemble(self.script, ordered)

    def write(self, result) -> dict:
        from roughcut_core.outputs import write_outputs

        show = (self.request.get("options") or {}).get("show")
        ops_warnings: list = []
        try:  # issue 21: the cut records which model versions made it; input drift becomes a warning
            from roughcut_core.ops.provenance import drift_warnings, model_versions, with_model_versions

            result = with_model_versions(result, model_versions(show, self.options.asr_model))
            ops_warnings = drift_warnings(result, show)
        except Exception as exc:  # never lose a cut to bookkeeping
            ops_warnings = [f"model/drift bookkeeping skipped: {exc}"]
        written = write_outputs(result, otio_path=self.job_dir / "roughcut.otio",
                                report_path=self.job_dir / "review.html", plan_path=self.job_dir / "plan.json")
        cut = result.cut
        return {"outputs": sorted(written), "coverage": cut.coverage,
                "decisions": len([d for d in cut.decisions if not d.gap]),
                "warnings": [*self.warnings, *cut.warnings, *ops_warnings], "errors": list(result.errors),
                "models": cut.options.get("models")}
