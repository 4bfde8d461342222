"""Scene-level cache (issue 23 item 5): a regeneration with another preset redoes no signal work,
gives the cut a fresh computation gives, and a bad entry is recomputed, never a crash.

Reuses the session's analysed demo scene (``demo_scene_cut``): no model work here."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from roughcut_core.cache import AnalysisCache
from roughcut_core.serialize import to_jsonable

pytestmark = pytest.mark.timeout(300)


class _NoSceneCache(AnalysisCache):
    """The per-file analyses from the cache, but never a scene entry (a fresh scene pass)."""

    def get(self, content_key, analyzer, version, params=None):
        return None if analyzer == "scene" else super().get(content_key, analyzer, version, params)


@pytest.fixture(autouse=True)
def _fixed_code_fingerprint(monkeypatch):
    """Others may edit the package while this runs; the entries under test keep one key."""
    from roughcut_core import scenecache

    monkeypatch.setattr(scenecache, "code_fingerprint", lambda *a, **k: "test")


def _pipeline(cache, preset="performance", cache_obj=None):
    from roughcut_core.edit import AssemblyOptions, EditOptions
    from roughcut_core.pipeline import PipelineOptions, RoughCutPipeline

    opts = PipelineOptions(cache_dir=cache, edit=EditOptions(assembly=AssemblyOptions(preset=preset)))
    return RoughCutPipeline(opts, cache=cache_obj)


@pytest.fixture(scope="module")
def analysed(demo_scene, demo_scene_cut):
    from roughcut_core.media import probe_many
    from roughcut_core.script import load_script

    _folder, cache = demo_scene_cut
    paths = sorted(Path(os.path.abspath(p)) for p in Path(demo_scene.media_dir).iterdir()
                   if p.suffix.lower() in (".mp4", ".mov"))
    assets, _ = probe_many(paths)
    usable = [a for a in assets if a.has_video and a.has_audio]
    p = _pipeline(cache)
    analyses = [p.analyze_asset(a) for a in usable]
    assert all(a.transcript is not None for a in analyses), [a.errors for a in analyses]
    return load_script(demo_scene.script_path), analyses, cache


def _same(a, b) -> bool:
    dump = lambda v: json.dumps(to_jsonable(v), sort_keys=True, default=str)  # noqa: E731
    return dump(a) == dump(b)


def test_regeneration_with_another_preset_redoes_no_signal_work(analysed, monkeypatch):
    from roughcut_core.align import scene_pass
    from roughcut_core.picture import cast as cast_mod

    script, analyses, cache = analysed
    first = _pipeline(cache).assemble(script, analyses)  # stores the scene (or hits the CLI's entry)
    assert first.cut.decisions

    calls = {"scene_pass": 0, "bind_cast": 0}
    real_pass, real_bind = scene_pass.decide_and_measure, cast_mod.bind_cast

    def counting_pass(*a, **k):
        calls["scene_pass"] += 1
        return real_pass(*a, **k)

    def counting_bind(*a, **k):
        calls["bind_cast"] += 1
        return real_bind(*a, **k)

    monkeypatch.setattr(scene_pass, "decide_and_measure", counting_pass)
    monkeypatch.setattr(cast_mod, "bind_cast", counting_bind)

    regen_p = _pipeline(cache, preset="tight")
    regen = regen_p.assemble(script, analyses)
    assert regen_p.scene_cache.hits == 1 and regen_p.scene_cache.misses == 0
    assert calls == {"scene_pass": 0, "bind_cast": 0}
    assert _same(regen.readings, first.readings)  # same readings, signals included

    # a fresh computation of the same preset (scene entry hidden) gives the same cut
    fresh_p = _pipeline(cache, preset="tight", cache_obj=_NoSceneCache(cache))
    fresh = fresh_p.assemble(script, analyses)
    assert calls["scene_pass"] == 1 and fresh_p.scene_cache.misses == 1
    assert regen.cut == fresh.cut
    assert _same(regen.readings, fresh.readings)
    assert _same(regen.takes, fresh.takes)
    assert sorted(regen.file_analyses) == sorted(fresh.file_analyses)


def test_bad_or_old_scene_entry_is_recomputed(analysed, monkeypatch):
    from roughcut_core import scenecache
    from roughcut_core.align import scene_pass

    script, analyses, cache = analysed
    p = _pipeline(cache)
    key = scenecache.scene_key(script, [a for a in analyses if a.asset.has_video], p.options)
    good = p.assemble(script, analyses)  # the entry exists after this
    store = AnalysisCache(cache)
    assert scenecache.load_scene(store, key) is not None

    # an entry of another version is ignored (counted), not served
    value = store.get(key, scenecache.ANALYZER, scenecache.SCENE_VERSION)
    stats = scenecache.SceneCacheStats()
    store.put(key, scenecache.ANALYZER, scenecache.SCENE_VERSION, None, {**value, "version": "0"})
    assert scenecache.load_scene(store, key, stats) is None and stats.ignored == 1

    # a malformed entry: the cut is recomputed (scene pass runs once) and equals the good one
    store.put(key, scenecache.ANALYZER, scenecache.SCENE_VERSION, None,
              {**value, "readings": [{"no such field": 1}]})
    calls = []
    real_pass = scene_pass.decide_and_measure
    monkeypatch.setattr(scene_pass, "decide_and_measure", lambda *a, **k: calls.append(1) or real_pass(*a, **k))
    again_p = _pipeline(cache)
    again = again_p.assemble(script, analyses)
    assert calls == [1] and again_p.scene_cache.ignored == 1
    assert again.cut == good.cut and _same(again.readings, good.readings)
    assert scenecache.load_scene(store, key) is not None  # rewritten

    # an unreadable file on disk: a plain miss, never a crash
    from roughcut_core.cache import cache_key

    entry = store._path(scenecache.ANALYZER, cache_key(key, scenecache.ANALYZER, scenecache.SCENE_VERSION))
    assert entry.is_file()
    entry.write_text("{not json", encoding="utf-8")
    stats = scenecache.SceneCacheStats()
    assert scenecache.load_scene(store, key, stats) is None and stats.misses == 1


def test_edit_options_are_not_in_the_key(analysed):
    from roughcut_core import scenecache

    script, analyses, cache = analysed
    keys = {scenecache.scene_key(script, analyses, _pipeline(cache, preset=pr).options, fingerprint="x")
            for pr in ("performance", "tight", "wide")}
    assert len(keys) == 1
    from roughcut_core.pipeline import PipelineOptions

    other = scenecache.scene_key(script, analyses, PipelineOptions(performance=False), fingerprint="x")
    assert other not in keys
    assert scenecache.scene_key(script, analyses, PipelineOptions(), fingerprint="y") not in keys


def test_the_emotion_model_in_use_is_in_the_key(analysed, tmp_path, monkeypatch):
    """A model the user trains (or turning models off) gives new signals: never a stale scene."""
    from roughcut_core import scenecache
    from roughcut_core.perform.emotion import SHIPPED_MODEL, EmotionModel, default_model_path

    script, analyses, cache = analysed
    opts = _pipeline(cache).options
    monkeypatch.setenv("ROUGHCUT_MODELS_DIR", str(tmp_path / "models"))
    shipped = scenecache.scene_key(script, analyses, opts, fingerprint="x")
    assert scenecache.emotion_model_id() is not None
    monkeypatch.setenv("ROUGHCUT_EMOTION_MODEL", "none")
    off = scenecache.scene_key(script, analyses, opts, fingerprint="x")
    monkeypatch.delenv("ROUGHCUT_EMOTION_MODEL")
    monkeypatch.setenv("ROUGHCUT_VOICE_EMOTION", "off")   # the feature model without the voice model
    no_voice = scenecache.scene_key(script, analyses, opts, fingerprint="x")
    monkeypatch.delenv("ROUGHCUT_VOICE_EMOTION")
    assert no_voice not in (shipped, off)
    user = EmotionModel.load(SHIPPED_MODEL)
    user.weights[0, 0] += 0.5  # the user's own training: other weights
    user.save(default_model_path())
    trained = scenecache.scene_key(script, analyses, opts, fingerprint="x")
    assert len({shipped, off, trained}) == 3
    assert scenecache.scene_key(script, analyses, opts, fingerprint="x") == trained  # stable


def test_cli_recut_does_no_signal_work(demo_scene, demo_scene_cut, tmp_path, monkeypatch):
    """``roughcut cut`` run again on the analysed scene: the scene pass and the blink probe's
    face models are not used (scene cache + eye windows in the analysis cache)."""
    from roughcut_core._cli.main import main
    from roughcut_core.align import scene_pass
    from roughcut_core.picture import expression

    _folder, cache = demo_scene_cut
    args = ["cut", str(demo_scene.media_dir), "--script", str(demo_scene.script_path),
            "--cache-dir", cache]
    assert main([*args, "--out", str(tmp_path / "first.otio")]) == 0  # fills both (or hits them)
    calls = []
    monkeypatch.setattr(scene_pass, "decide_and_measure", lambda *a, **k: calls.append("scene_pass"))
    monkeypatch.setattr(expression, "eyes_open_frames", lambda *a, **k: calls.append("eyes"))
    assert main([*args, "--out", str(tmp_path / "again.otio")]) == 0
    assert calls == []
    assert (tmp_path / "again.otio").read_text() == (tmp_path / "first.otio").read_text()


def test_probes_come_from_the_cache_until_the_file_changes(demo_scene, tmp_path, monkeypatch):
    import shutil

    from roughcut_core import media
    from roughcut_core.probecache import probe_many_cached

    src = sorted(Path(demo_scene.media_dir).glob("*.mp4"))[0]
    clip = tmp_path / src.name
    shutil.copyfile(src, clip)
    bad = tmp_path / "not_media.mp4"
    bad.write_bytes(b"\0" * 4096)
    cache = AnalysisCache(tmp_path / "cache")
    fresh, fresh_err = media.probe_many([clip, bad])
    first, err1 = probe_many_cached([clip, bad], cache)
    assert first == fresh and [str(e) for e in err1] == [str(e) for e in fresh_err] and len(err1) == 1

    opened = []
    real = media.probe_many
    monkeypatch.setattr(media, "probe_many", lambda paths: opened.extend(paths) or real(paths))
    again, err2 = probe_many_cached([clip, bad], cache)
    assert again == fresh and opened == [bad] and len(err2) == 1  # the good file: no container opened

    with open(clip, "ab") as fh:  # the file changes: probed again, new content key
        fh.write(b"\0" * 16)
    opened.clear()
    changed, _ = probe_many_cached([clip], cache)
    assert opened == [clip] and changed[0].content_key != fresh[0].content_key
