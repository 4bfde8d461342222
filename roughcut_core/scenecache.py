"""Scene-level cache: regenerate a cut without redoing any signal work (issue 23 item 5).

Making the cut again when nothing about the media changed (another preset, duration or favoured
character; ``roughcut cut`` re-run) needs only the edit engine. Everything before it — the
readings after alignment and the scene pass (defect decisions, sound per reading), the picture,
performance and analysis signals, the described takes and the cast's names on the face tracks —
is stored in the :class:`~roughcut_core.cache.AnalysisCache` under analyzer ``"scene"``.

The key (:func:`scene_key`) is a digest of: :data:`SCENE_VERSION`; a fingerprint of this
package's source files (name, size, mtime: a code change recomputes, never serves a stale scene);
the script document (its content; not ``source``, the path it was read from as typed); the
pipeline options that change the signals (ASR model, picture / sound / performance / analyses
switches; not the device, which runs the same weights: as for transcripts, a bin analysed on a GPU
is not analysed again on a laptop, and ``--device auto`` and ``cpu`` on a CPU-only machine are one
scene); and per usable file its probed identity
(path, content key, rate, frames, streams), a digest of its transcript, which stages produced
a result and its errors; and, with performance signals on, the emotion model they use (its
whole document: a model the user trains, or another shipped one, gives new signals). Edit options (preset, duration, favoured character), file hints and host
ids are NOT in it, so an edit change is served from the entry.

An unreadable, malformed or other-version entry is ignored (logged) and recomputed; it never
raises. Values are plain JSON written with the project's serializer (:mod:`.serialize`).
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional, Sequence

from .model import LineReading, QualityFlag
from .serialize import from_dict, to_document, to_jsonable

log = logging.getLogger(__name__)

SCENE_VERSION = "1"
ANALYZER = "scene"
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class TakeScene:
    """The scene-derived part of one take's description (``pipeline.describe_takes``)."""

    setup: str
    shot_size: str = "unknown"
    characters: tuple[str, ...] = ()
    focus: Optional[float] = None
    flags: tuple[QualityFlag, ...] = ()


@dataclass(frozen=True)
class SceneState:
    """What the edit engine needs from the signal work of one scene.

    ``readings``: final readings (all signals); ``takes``: path -> :class:`TakeScene`;
    ``cast``: the scene's characters; ``track_names``: picture path -> {track id: character}
    bound by the cast binding (None = no named pictures: picture off or naming failed)."""

    readings: tuple[LineReading, ...]
    takes: dict = field(default_factory=dict)
    cast: tuple[str, ...] = ()
    track_names: Optional[dict] = None


@dataclass
class SceneCacheStats:
    """Per-pipeline counters (not global): ``hits`` served from the cache, ``misses`` computed,
    ``ignored`` unreadable or old entries (counted in ``misses`` too)."""

    hits: int = 0
    misses: int = 0
    ignored: int = 0


def code_fingerprint(root: Path = _PACKAGE) -> str:
    """Digest of (relative name, size, mtime) of every ``.py`` file of the package."""
    h = hashlib.blake2b(digest_size=16)
    for p in sorted(root.rglob("*.py")):
        try:
            st = p.stat()
        except OSError:
            continue
        h.update(f"{p.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _digest(value) -> str:
    """Digest of a frozen model value by its dataclass ``repr`` (every field, floats as their
    shortest round-trip text): ~20x cheaper than through JSON for a transcript."""
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


def emotion_model_id() -> Optional[str]:
    """Digest of the emotion models the performance signals use (``perform.emotion.
    load_default_model``: the user's trained one, else the shipped one; and the voice model,
    ``perform.voicemodel.load_default_voice_model``, by its checksum), None when there is none."""
    from .perform.emotion import load_default_model
    from .perform.voicemodel import load_default_voice_model

    model = load_default_model()
    if model is None:
        return None
    doc = json.dumps(model.to_json(), sort_keys=True, default=str)
    voice = load_default_voice_model()
    return _digest(doc if voice is None else (doc, voice.sha256))


def scene_key(script, analyses: Sequence, options, fingerprint: Optional[str] = None) -> str:
    """Content key of the scene's signal work (see the module docstring for what is in it)."""
    files = []
    for a in analyses:
        asset = to_jsonable(a.asset)
        asset.pop("hints", None)
        asset.pop("host_id", None)
        files.append({
            "asset": asset,
            "transcript": _digest(a.transcript) if a.transcript is not None else None,
            "picture": a.picture is not None, "audio": a.audio is not None,
            "errors": list(a.errors),
        })
    opts = {k: getattr(options, k, None)
            for k in ("asr_model", "picture", "audio_quality", "performance", "analyses")}
    emotion = emotion_model_id() if getattr(options, "performance", False) else None
    # the script's content, not where it was read from: ``source`` is the path as typed
    # (relative or absolute, from any folder), which no signal reads
    script_doc = to_document(script)
    script_doc.pop("source", None)
    blob = json.dumps({"v": SCENE_VERSION, "code": fingerprint or code_fingerprint(),
                       "script": script_doc, "options": opts, "files": files, "emotion": emotion},
                      sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(blob.encode(), digest_size=20).hexdigest()


def track_names(named: dict) -> dict:
    """picture path -> {track id: character} from ``analyses.continuity.named_pictures``' result."""
    return {pic.path: {str(t.track): t.character for t in pic.tracks if t.character}
            for pic in named.values()}


def apply_track_names(pairs, names: dict) -> dict:
    """The same mapping as ``named_pictures(pairs, ...)`` rebuilt from stored ``names``."""
    out = {}
    for path, pic in pairs:
        if pic is None:
            continue
        known = names.get(pic.path, {})
        out[path] = replace(pic, tracks=tuple(
            replace(t, character=t.character or known.get(str(t.track))) for t in pic.tracks))
    return out


def load_scene(cache, key: str, stats: Optional[SceneCacheStats] = None) -> Optional[SceneState]:
    """The stored scene for ``key``, or None (absent, disabled, unreadable or old: logged)."""
    try:
        value = cache.get(key, ANALYZER, SCENE_VERSION)
        if value is None:
            if stats is not None:
                stats.misses += 1
            return None
        if value.get("version") != SCENE_VERSION:
            raise ValueError(f"version {value.get('version')!r}")
        state = SceneState(
            readings=tuple(from_dict(LineReading, r) for r in value["readings"]),
            takes={p: from_dict(TakeScene, t) for p, t in value["takes"].items()},
            cast=tuple(value["cast"]),
            track_names=(None if value["track_names"] is None
                         else {p: dict(v) for p, v in value["track_names"].items()}))
    except Exception as exc:  # a bad entry is recomputed, never a crash
        log.warning("ignoring scene cache entry %s: %s", key, exc)
        if stats is not None:
            stats.ignored += 1
            stats.misses += 1
        return None
    if stats is not None:
        stats.hits += 1
    return state


def store_scene(cache, key: str, state: SceneState) -> None:
    """Write ``state`` under ``key``; a failure to write is logged, never raised."""
    try:
        cache.put(key, ANALYZER, SCENE_VERSION, None, {
            "version": SCENE_VERSION,
            "readings": [to_jsonable(r) for r in state.readings],
            "takes": {p: to_jsonable(t) for p, t in state.takes.items()},
            "cast": list(state.cast),
            "track_names": state.track_names,
        })
    except Exception as exc:
        log.warning("scene cache entry not written: %s", exc)


def take_scene(info) -> TakeScene:
    """The scene-derived fields of a ``TakeInfo``."""
    return TakeScene(setup=info.setup, shot_size=info.shot_size, characters=tuple(info.characters),
                     focus=info.focus, flags=tuple(info.flags))


def rebuild_takes(analyses: Sequence, stored: dict) -> Optional[dict]:
    """path -> ``TakeInfo`` from the analyses (transcript, rate, hints, host id) and the stored
    scene parts; None when a usable file has no stored part (then recompute)."""
    from .edit import TakeInfo

    takes = {}
    for a in analyses:
        part = stored.get(a.asset.path)
        if part is None:
            return None
        takes[a.asset.path] = TakeInfo(
            path=a.asset.path, rate=a.asset.rate, frame_count=a.asset.frame_count,
            transcript=a.transcript, setup=part.setup, start_frame=a.asset.start_frame,
            shot_size=part.shot_size, characters=part.characters, focus=part.focus,
            flags=part.flags, preferred=bool(a.asset.hints.get("preferred")),
            host_id=a.asset.host_id, take_id=Path(a.asset.path).stem)
    return takes


def cached_scene(pipeline, script, usable: Sequence) -> tuple:
    """(key, parts) for ``RoughCutPipeline.assemble``: ``parts`` = (readings, cast, takes, file
    analyses, named pictures or None) served from the scene cache, or None to compute them
    (then ``key`` is where :func:`remember_scene` stores them; None with the cache off)."""
    if not pipeline.cache.enabled:
        return None, None
    key = scene_key(script, usable, pipeline.options)
    state = load_scene(pipeline.cache, key, pipeline.scene_cache)
    takes = rebuild_takes(usable, state.takes) if state is not None else None
    if takes is None:
        return key, None
    file_analyses = {}
    if pipeline.options.analyses:  # per-file cache reads (issue 20), for the room-tone markers
        file_analyses = {a.asset.path: pipeline._file_analysis(a.asset, transcript=a.transcript) for a in usable}
        file_analyses = {p: v for p, v in file_analyses.items() if v}
    named = None
    if pipeline.options.picture and state.track_names is not None:
        named = apply_track_names([(a.asset.path, a.picture) for a in usable], state.track_names)
    return key, (state.readings, state.cast, takes, file_analyses, named)


def remember_scene(pipeline, key: str, parts: tuple) -> None:
    """Store the ``parts`` computed by ``RoughCutPipeline._scene_signals`` under ``key``."""
    readings, cast, takes, _file_analyses, named = parts
    store_scene(pipeline.cache, key, SceneState(
        readings=tuple(readings), takes={p: take_scene(t) for p, t in takes.items()},
        cast=tuple(cast), track_names=track_names(named) if named is not None else None))
