"""The scene cache's key is the scene's content (issue 23): the same script read through another
spelling of its path (relative, absolute, from another folder) is the same scene and is served
from the entry; a change to a line is another scene."""
from __future__ import annotations

import os
from dataclasses import replace

from roughcut_core.pipeline import PipelineOptions
from roughcut_core.scenecache import scene_key
from roughcut_core.script import load_script

FOUNTAIN = "Title: T\n\nINT. KITCHEN - NIGHT\n\nALICE\nHello there.\n\nBOB\nHi.\n"
OPTIONS = PipelineOptions(performance=False)


def test_the_script_path_as_typed_is_not_in_the_key(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    path = tmp_path / "a" / "scene.fountain"
    path.write_text(FOUNTAIN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    spellings = [load_script("a/scene.fountain"), load_script(str(path)),
                 load_script(os.path.join("a", "..", "a", "scene.fountain"))]
    assert len({s.source for s in spellings}) == 3  # the documents do differ in where they came from
    assert len({scene_key(s, [], OPTIONS, fingerprint="x") for s in spellings}) == 1


def test_a_changed_line_or_option_is_another_scene(tmp_path):
    path = tmp_path / "scene.fountain"
    path.write_text(FOUNTAIN, encoding="utf-8")
    script = load_script(path)
    key = scene_key(script, [], OPTIONS, fingerprint="x")
    path.write_text(FOUNTAIN.replace("Hi.", "Hi, Alice."), encoding="utf-8")
    assert scene_key(load_script(path), [], OPTIONS, fingerprint="x") != key
    assert scene_key(script, [], replace(OPTIONS, picture=False), fingerprint="x") != key
    assert scene_key(script, [], OPTIONS, fingerprint="y") != key


def test_the_asr_device_is_not_in_the_key(tmp_path):
    """auto and cpu on a CPU-only machine (and a GPU run) run the same weights: one scene, as the
    transcript cache already treats them; another ASR model is another scene."""
    path = tmp_path / "scene.fountain"
    path.write_text(FOUNTAIN, encoding="utf-8")
    script = load_script(path)
    keys = {scene_key(script, [], replace(OPTIONS, device=d), fingerprint="x") for d in ("auto", "cpu", "cuda")}
    assert len(keys) == 1
    assert scene_key(script, [], replace(OPTIONS, asr_model="base.en"), fingerprint="x") not in keys
