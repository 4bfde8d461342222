"""The analysis cache's entries on disk (issue 23): written compactly (about half the bytes of
an indented entry: less to write and to parse on every regeneration), an indented entry of
an older run still reads back, and a damaged entry of any kind is a miss that is computed and
written again, never a crash and never a wrong value."""
from __future__ import annotations

import json

import pytest

from roughcut_core.cache import AnalysisCache, cache_key


def _entry_path(cache: AnalysisCache, key: str, analyzer: str, version: str, params=None):
    return cache._path(analyzer, cache_key(key, analyzer, version, params))


VALUE = {"words": [{"text": "héllo", "start": 0.5, "end": 1.25}], "n": 3, "none": None}


def test_an_entry_is_one_compact_line_and_reads_back(tmp_path):
    cache = AnalysisCache(tmp_path)
    cache.put("ck1-a", "speech.transcribe", "7", {"model": "tiny.en"}, VALUE)
    path = _entry_path(cache, "ck1-a", "speech.transcribe", "7", {"model": "tiny.en"})
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") == 1 and text.endswith("\n")
    assert ": " not in text and ", " not in text  # no indentation or padding
    assert "héllo" in text  # not escaped
    doc = json.loads(text)
    assert doc["schema"] == "roughcut.cache-entry/1" and doc["content_key"] == "ck1-a"
    assert cache.get("ck1-a", "speech.transcribe", "7", {"model": "tiny.en"}) == VALUE
    indented = json.dumps(doc, indent=2, ensure_ascii=False)
    assert len(text) < 0.75 * len(indented)


def test_an_indented_entry_of_an_older_run_still_reads(tmp_path):
    cache = AnalysisCache(tmp_path)
    path = _entry_path(cache, "ck1-b", "picture", "3")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"schema": "roughcut.cache-entry/1", "analyzer": "picture", "version": "3",
                                "params": {}, "content_key": "ck1-b", "value": VALUE}, indent=2), encoding="utf-8")
    assert cache.get("ck1-b", "picture", "3") == VALUE


@pytest.mark.parametrize("damage", [b"{not json", b"", b"[1, 2]", b"\"a string\"", b"{\"no value\": 1}",
                                    b"\xff\xfe\x00garbage", b"{\"value\": 1"])
def test_a_damaged_entry_is_a_miss_then_computed_and_written_again(tmp_path, damage, caplog):
    cache = AnalysisCache(tmp_path)
    cache.put("ck1-c", "audio_quality", "2", None, VALUE)
    path = _entry_path(cache, "ck1-c", "audio_quality", "2")
    path.write_bytes(damage)
    assert cache.get("ck1-c", "audio_quality", "2") is None
    assert str(path) in caplog.text  # the log names the file
    computed = []
    got = cache.get_or_compute("ck1-c", "audio_quality", "2", None, lambda: computed.append(1) or {"fresh": True})
    assert got == {"fresh": True} and computed == [1]
    assert cache.get("ck1-c", "audio_quality", "2") == {"fresh": True}  # rewritten, whole


def test_a_disabled_cache_reads_and_writes_nothing(tmp_path):
    cache = AnalysisCache(tmp_path, enabled=False)
    cache.put("ck1-d", "scene", "1", None, VALUE)
    assert cache.get("ck1-d", "scene", "1") is None
    assert not any(tmp_path.iterdir())
