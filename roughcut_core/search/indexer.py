"""`roughcut index`: analyse files (cache-aware) and bring the index up to date.

Contract of :func:`index_paths`: every media file under the inputs is content-keyed
(:func:`roughcut_core.media.content_key`, sampled, cheap). A key already indexed with the
current :data:`~.model.DOC_VERSION` is not analysed again: at a new path it is *moved*
(its entries keep their content key), else *unchanged*. Other files are probed, analysed
through :meth:`RoughCutPipeline.analyze_asset` (whose cache makes a re-analysis free of
model work) and written one file per transaction. A stored file that was under an input
folder (or named as an input) and is no longer on disk — and whose content was not found
elsewhere in this run — is *removed*; new content at an indexed path replaces the old.
With a ``script``, every file is aligned to it (analyses come from the cache), the script's
lines are stored, and utterances carry their line ids. Camera motion and sound events
(:func:`roughcut_core.analyses.analyze.analyze_asset`, cached per content key like every
analysis) go into the documents; with the pipeline's picture off only the sound half is made
(a cached picture half is still used). Bad files become error lines; the rest goes on.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

from .documents import documents_from_analysis
from .engine import SearchEngine
from .model import DOC_VERSION, IndexedFile, ScriptLineRecord


@dataclass(frozen=True)
class IndexReport:
    indexed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    moved: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    utterances: int = 0

    def to_json(self) -> dict:
        return {"indexed": list(self.indexed), "unchanged": list(self.unchanged), "moved": list(self.moved),
                "removed": list(self.removed), "errors": list(self.errors), "utterances": self.utterances}


def _file_record(asset, path: str, st: os.stat_result, partial: bool = False) -> IndexedFile:
    """The file row; ``partial``: documents made without some analyses (re-indexed later)."""
    rate = asset.rate
    return IndexedFile(content_key=asset.content_key, path=path, size=st.st_size, mtime=st.st_mtime,
                       duration=float(asset.duration or 0.0), rate_num=rate.num if rate else 25,
                       rate_den=rate.den if rate else 1, start_frame=int(asset.start_frame or 0),
                       drop_frame=bool(asset.drop_frame), doc_version=DOC_VERSION + ("-partial" if partial else ""),
                       has_video=bool(asset.has_video))


class _CachePolicy:
    """An :class:`~roughcut_core.cache.AnalysisCache` view for ``analyze_asset``: the analyzers in
    ``compute`` are computed when missing, the others only read from the cache (missing ones
    are recorded in ``missing`` and stand in empty)."""

    def __init__(self, cache, compute: frozenset):
        self.cache, self.compute, self.missing = cache, compute, []

    def get_or_compute(self, content_key, analyzer, version, params, compute):
        if analyzer in self.compute:
            return self.cache.get_or_compute(content_key, analyzer, version, params, compute)
        value = self.cache.get(content_key, analyzer, version, params)
        if value is None:
            self.missing.append(analyzer)
            return {"shots": []} if analyzer.endswith("picture") else {}
        return value


def analysis_extras(asset, cache, picture: bool = True, compute: bool = True) -> tuple[Optional[dict], str]:
    """``(extras, problem)``: the camera motion and sound events of ``asset`` for its documents
    (see the module contract). ``compute=False`` only reads the cache. ``problem`` is '' when
    everything asked for is there, else a one-line reason (then the file's ``doc_version`` is
    marked partial, so a later ``roughcut index`` completes it)."""
    from ..analyses.analyze import analyze_asset

    wanted = {"analyses.sound"} | ({"analyses.picture"} if picture else set())
    policy = _CachePolicy(cache, frozenset(wanted if compute else ()))
    try:
        extras = analyze_asset(asset, cache=policy)
    except Exception as exc:  # noqa: BLE001 - the words are still worth indexing
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return None, f"{asset.path}: camera motion / sound events not indexed ({type(exc).__name__}: {first})"
    missing = [a for a in policy.missing if a in wanted]
    return extras, (f"{asset.path}: not in the analysis cache yet: {', '.join(missing)}" if missing else "")


def index_paths(engine: SearchEngine, inputs: Iterable, pipeline=None, script=None,
                progress: Optional[Callable[[str, str], None]] = None) -> IndexReport:
    """Index ``inputs`` (files and folders) into ``engine`` (see the module contract).
    ``pipeline`` defaults to a :class:`~roughcut_core.pipeline.RoughCutPipeline` with default
    options; ``progress(status, path)`` is told about every file."""
    from ..errors import RoughcutError, display_path
    from ..media import content_key, discover_media, probe

    inputs = [os.path.abspath(os.fspath(p)) for p in inputs]
    found, discover_errors = discover_media(inputs)
    errors = [str(e) for e in discover_errors]
    indexed, unchanged, moved, removed = [], [], [], []
    seen_keys: set[str] = set()
    seen_paths: set[str] = set()
    todo = []
    for p in found:
        path = os.path.abspath(p)
        seen_paths.add(path)
        try:
            key = content_key(path)
        except (OSError, RoughcutError) as exc:
            errors.append(str(exc) if isinstance(exc, RoughcutError) else f"{path}: {exc.strerror or exc}")
            continue
        seen_keys.add(key)
        stored = engine.get_file(key)
        if script is None and stored is not None and stored.doc_version == DOC_VERSION:
            if stored.path != path:
                if os.path.exists(stored.path) and stored.path not in seen_paths:
                    pass  # a copy: the index keeps one path per content (the first one found)
                else:
                    engine.move_file(key, path)
                    moved.append(path)
                    _tell(progress, "moved", path)
                    continue
            unchanged.append(path)
            _tell(progress, "unchanged", path)
            continue
        todo.append(path)

    if todo:
        if pipeline is None:
            from ..pipeline import RoughCutPipeline

            pipeline = RoughCutPipeline()
        analyses = []
        for path in todo:
            try:
                asset = probe(path)
            except RoughcutError as exc:
                errors.append(str(exc))
                continue
            try:
                analysis = pipeline.analyze_asset(asset)
            except Exception as exc:  # noqa: BLE001 - one odd file must not stop the batch
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                errors.append(f"{display_path(path)}: could not be analysed ({type(exc).__name__}: {first})")
                continue
            errors.extend(analysis.errors)
            extras, problem = analysis_extras(asset, pipeline.cache, picture=pipeline.options.picture)
            if problem:
                errors.append(problem)
            analyses.append((path, os.stat(path), analysis, extras, problem))
        readings = ()
        if script is not None:
            readings = pipeline.align(script, [a[2] for a in analyses])
            engine.put_script_lines(ScriptLineRecord(line_id=ln.id, scene_id=ln.scene_id, character=ln.character,
                                                     text=ln.text) for ln in script.lines)
        total = 0
        for path, st, analysis, extras, problem in analyses:
            docs = documents_from_analysis(analysis, readings, extras)
            engine.put_file(_file_record(analysis.asset, path, st, partial=bool(problem)), docs)
            total += len(docs)
            indexed.append(path)
            _tell(progress, "indexed", path)
    else:
        total = 0

    for root in inputs:
        if os.path.isdir(root) or not os.path.exists(root):
            for f in engine.files_under(root):
                if f.path not in seen_paths and f.content_key not in seen_keys and not os.path.exists(f.path):
                    engine.remove_file(f.content_key)
                    removed.append(f.path)
                    _tell(progress, "removed", f.path)
    return IndexReport(indexed=tuple(indexed), unchanged=tuple(unchanged), moved=tuple(moved),
                       removed=tuple(removed), errors=tuple(dict.fromkeys(errors)), utterances=total)


def _tell(progress, status: str, path: str) -> None:
    if progress is not None:
        progress(status, path)


def index_analysis(analysis, url: Optional[str] = None, readings=None, cache=None) -> Optional[str]:
    """Add one analysed file (an :class:`~roughcut_core.pipeline.AssetAnalysis`) to the index
    at ``url`` (default: ``$ROUGHCUT_INDEX_URL``, else the embedded store) — the one-line hook
    for callers that analyse files anyway (the bridge's jobs). Never raises: returns None, or
    a one-line reason why the file was not indexed (the embedded store is used when the
    server is unreachable, and that is said too). Camera motion and sound events are read from
    the analysis cache only (no model work here); without them the file is marked partial."""
    from .engine import SearchIndexError
    from .open import open_index

    path = os.path.abspath(analysis.asset.path)
    try:
        st = os.stat(path)
        from ..cache import AnalysisCache

        extras, problem = analysis_extras(analysis.asset, cache or AnalysisCache(), compute=False)
        engine, warning = open_index(url)
        with engine:
            engine.put_file(_file_record(analysis.asset, path, st, partial=bool(problem)),
                            documents_from_analysis(analysis, readings, extras))
        return warning
    except (OSError, SearchIndexError) as exc:
        return f"{path}: not added to the search index: {exc}"
