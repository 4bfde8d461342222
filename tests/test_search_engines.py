"""The search engines' one contract, run against the embedded SQLite FTS5 store and a real
PostgreSQL server (``search_support.pg_server``): phrase / fuzzy / phonetic matching, best
first, filters, takes of a line and uncovered lines, content-keyed moves and replacements,
schema versioning, timecodes, and two processes writing at once losing nothing."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from search_support import index_url, pg_server  # noqa: F401 (fixtures)

from roughcut_core.search import Filters, IndexedFile, ScriptLineRecord, SearchDoc, SearchIndexError, connect
from roughcut_core.search.open import open_index

DAY = 86400.0


def doc(seq, text, start=0.0, step=0.4, **kw) -> SearchDoc:
    words = tuple((w, round(start + i * step, 3), round(start + i * step + step * 0.9, 3))
                  for i, w in enumerate(text.split()))
    return SearchDoc(seq=seq, start=words[0][1], end=words[-1][2], text=text, words=words, **kw)


def put(engine, key, path, docs, mtime=100 * DAY, **kw):
    engine.put_file(IndexedFile(content_key=key, path=path, size=1000, mtime=mtime, duration=60.0, **kw), docs)


@pytest.fixture
def engine(index_url):  # noqa: F811
    e = connect(index_url)
    yield e
    e.close()


@pytest.fixture
def dailies(engine):
    put(engine, "k1", "/shoot/day1/A001_C001.mov", [
        doc(0, "I will never go back to that diner", start=1.0, character="MARA", shot_size="CU",
            line_ids=("1-1",), scene_id="1"),
        doc(1, "Thomas left the diner before dawn", start=5.0, character="MARA", shot_size="CU",
            line_ids=("1-2",), scene_id="1", quality=("noise",))])
    put(engine, "k2", "/shoot/day1/A001_C002.mov", [
        doc(0, "never again will I trust him", start=2.0, character="TOMAS", shot_size="WS",
            line_ids=("1-3",), scene_id="1"),
        doc(1, "again and again she never listens", start=8.0, step=0.5, character="TOMAS", shot_size="WS")],
        mtime=101 * DAY)
    put(engine, "k3", "/shoot/day2/B001_C001.mov", [
        doc(0, "Steven brought the room tone from the diner", start=0.5, speaker="SPEAKER_1", shot_size="MS",
            line_ids=("1-3",), scene_id="1"),
        doc(1, "long pause then the whole speech goes on and on for a while", start=20.0, step=1.0,
            speaker="SPEAKER_1", shot_size="MS", quality=("clipping",))], mtime=102 * DAY,
        rate_num=24000, rate_den=1001, start_frame=86400)
    engine.put_script_lines([ScriptLineRecord("1-1", "1", "MARA", "I will never go back to that diner."),
                             ScriptLineRecord("1-2", "1", "MARA", "Thomas left before dawn."),
                             ScriptLineRecord("1-3", "1", "TOMAS", "Never again will I trust him."),
                             ScriptLineRecord("1-4", "1", "TOMAS", "Nobody reads this one.")])
    return engine


def test_phrase_is_exact_and_in_order(dailies):
    hits = dailies.search('"never again"')
    assert [(h.path, h.start) for h in hits] == [("/shoot/day1/A001_C002.mov", 2.0)]
    assert hits[0].end == pytest.approx(2.76)
    assert hits[0].text == "never again will I trust him" and hits[0].speaker == "TOMAS"


def test_quoted_phrase_with_a_hyphenated_word(engine):
    """A stored word of two tokens ("well-known") is found by a quoted phrase written with or
    without the hyphen, and the hit spans that word's time, not its neighbour's."""
    put(engine, "k9", "/shoot/day3/C001.mov", [doc(0, "it was a well-known place by the sea", start=1.0),
                                                doc(1, "the place was well lit and known", start=9.0)])
    for q in ('"well-known place"', '"well known place"', '"well-known"'):
        hits = engine.search(q)
        assert [(h.path, h.start) for h in hits] == [("/shoot/day3/C001.mov", 2.2)], q
    assert engine.search('"well-known place"')[0].end == pytest.approx(2.96)
    assert engine.search('"known place"')[0].start == 2.2  # the hyphenated word starts the run


def test_plain_words_rank_the_exact_run_first(dailies):
    hits = dailies.search("never again")
    assert hits[0].path.endswith("A001_C002.mov") and hits[0].start == 2.0
    assert len(hits) >= 2 and hits[0].score > hits[1].score
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_fuzzy_finds_misheard_names_and_typos(dailies):
    tomas = dailies.search("tomas left the diner")
    assert tomas[0].path.endswith("A001_C001.mov") and tomas[0].start == 5.0
    assert dailies.search("stephen brought")[0].path.endswith("B001_C001.mov")  # sounds alike
    typo = dailies.search("dinner before dawn")  # one letter away
    assert typo[0].path.endswith("A001_C001.mov") and typo[0].text.startswith("Thomas")
    assert dailies.search("zzyzx") == []


def test_filters(dailies):
    def paths(q, **f):
        return sorted({h.path.rsplit("/", 1)[1] for h in dailies.search(q, filters=Filters(**f))})

    assert paths("diner", character="mara") == ["A001_C001.mov"]
    assert paths("diner", character="speaker_1") == ["B001_C001.mov"]
    assert paths("never", shot_size="ws") == ["A001_C002.mov"]
    assert paths("diner", path="B001") == ["B001_C001.mov"]
    assert paths("diner", bin="/shoot/day1") == ["A001_C001.mov"]
    assert paths("diner", after=101.5 * DAY) == ["B001_C001.mov"]
    assert paths("diner", before=101.5 * DAY) == ["A001_C001.mov"]
    assert paths("the", min_duration=5.0) == ["B001_C001.mov"]
    assert paths("the", max_duration=3.5) == ["A001_C001.mov", "B001_C001.mov"]
    assert paths("thomas diner", clean=True) == ["A001_C001.mov", "B001_C001.mov"]
    assert all("noise" not in h.quality for h in dailies.search("thomas diner", filters=Filters(clean=True)))
    assert paths("speech", exclude_flags=("clipping",)) == []
    # the same filters written in the query text
    assert paths("diner character:MARA") == ["A001_C001.mov"]
    assert paths("shot:WS") == ["A001_C002.mov"]
    assert paths('"the diner" after:1970-04-12') == ["B001_C001.mov"]


def test_takes_of_a_line_and_lines_not_yet_covered(dailies):
    takes = dailies.takes_of_line("1-3")
    assert sorted(h.path.rsplit("/", 1)[1] for h in takes) == ["A001_C002.mov", "B001_C001.mov"]
    assert [ln.line_id for ln in dailies.uncovered_lines()] == ["1-4"]


def test_timecode_at_the_files_rate_and_start(dailies):
    hit = dailies.search("steven")[0]
    assert hit.start == 0.5
    assert hit.timecode == "01:00:00:11"  # 86400 frames at 23.976 = 01:00:00:00, + floor(0.5 s) = 11 frames
    assert dailies.search("tomas")[0].timecode == "00:00:05:00"


def test_moved_file_keeps_entries_and_new_content_replaces_old(engine):
    put(engine, "k1", "/a/take.mov", [doc(0, "the lighthouse keeper")])
    engine.move_file("k1", "/b/take.mov")
    assert [h.path for h in engine.search("lighthouse")] == ["/b/take.mov"]
    assert engine.get_file("k1").path == "/b/take.mov"
    put(engine, "k2", "/b/take.mov", [doc(0, "a different recording")])  # re-recorded in place
    assert engine.search("lighthouse") == [] and engine.get_file("k1") is None
    assert [f.content_key for f in engine.files_under("/b")] == ["k2"]
    put(engine, "k2", "/b/take.mov", [doc(0, "a different recording"), doc(1, "and more")])  # re-index
    assert engine.stats()["utterances"] == 2 and engine.stats()["files"] == 1
    engine.remove_file("k2")
    assert engine.search("recording") == [] and engine.stats()["files"] == 0


def test_newer_schema_is_refused(index_url):  # noqa: F811
    e = connect(index_url)
    if e.name == "sqlite":
        e.db.execute("UPDATE meta SET value='999' WHERE key='schema_version'")
    else:
        e.db.execute("UPDATE rc_meta SET value='999' WHERE key='schema_version'")
    e.close()
    with pytest.raises(SearchIndexError, match="newer roughcut"):
        connect(index_url)


def test_two_processes_indexing_at_once_lose_nothing(index_url):  # noqa: F811
    script = textwrap.dedent("""
        import sys
        from roughcut_core.search import connect, IndexedFile, SearchDoc
        url, tag = sys.argv[1], sys.argv[2]
        e = connect(url)
        for i in range(40):
            words = ((f"{tag}word{i}", 0.0, 0.5), ("shared", 0.5, 1.0))
            e.put_file(IndexedFile(content_key=f"{tag}-{i}", path=f"/{tag}/{i}.mov", size=1, mtime=0.0,
                                   duration=1.0), [SearchDoc(0, 0.0, 1.0, f"{tag}word{i} shared", words)])
        e.close()
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, index_url, tag]) for tag in ("alpha", "beta")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    e = connect(index_url)
    try:
        assert e.stats()["files"] == 80 and e.stats()["utterances"] == 80
        for tag in ("alpha", "beta"):
            for i in (0, 17, 39):
                assert [h.path for h in e.search(f'"{tag}word{i}"')] == [f"/{tag}/{i}.mov"]  # exact
                assert e.search(f"{tag}word{i}")[0].path == f"/{tag}/{i}.mov"  # fuzzy: exact first
    finally:
        e.close()


def test_unreachable_server_falls_back_to_the_embedded_store(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    engine, warning = open_index("postgresql://nobody:secret@127.0.0.1:9/archive")
    try:
        assert engine.name == "sqlite" and str(tmp_path / "data") in str(engine.path)
        assert "cannot connect" in warning and "embedded index" in warning and "\n" not in warning
        assert "secret" not in warning
    finally:
        engine.close()
    with pytest.raises(SearchIndexError, match="cannot connect"):
        open_index("postgresql://127.0.0.1:9/archive", fallback=False)


def test_index_analysis_hook_adds_one_analysed_file(index_url, tmp_path, monkeypatch):  # noqa: F811
    from roughcut_core.model import MediaAsset, Transcript, Word
    from roughcut_core.pipeline import AssetAnalysis
    from roughcut_core.search.indexer import index_analysis

    media = tmp_path / "take.wav"
    media.write_bytes(b"x")
    words = (Word("room", 1.0, 1.4), Word("tone", 1.5, 1.9), Word("please", 4.0, 4.5))
    asset = MediaAsset(path=str(media), content_key="ck-hook", size=1, duration=5.0)
    analysis = AssetAnalysis(asset=asset, transcript=Transcript(str(media), "en", words, 5.0))
    assert index_analysis(analysis, index_url) is None
    with connect(index_url) as e:
        hit = e.search("room tone")[0]
        assert (hit.path, hit.start, hit.end, hit.timecode) == (str(media), 1.0, 1.9, "00:00:01:00")
        assert [h.start for h in e.search("please")] == [4.0]  # a 2.1 s pause: its own utterance
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    warning = index_analysis(analysis, "postgresql://127.0.0.1:9/archive")  # unreachable: embedded
    assert "cannot connect" in warning and "embedded index" in warning
    with connect(str(tmp_path / "data" / "roughcut" / "search" / "index.db")) as e:
        assert e.search("room tone")[0].path == str(media)
    monkeypatch.setenv("XDG_DATA_HOME", "/dev/null/not-a-folder")
    assert "not added to the search index" in index_analysis(analysis, "postgresql://127.0.0.1:9/archive")


def test_face_name_filter_is_literal_and_older_postgres_stores_get_the_filter_indexes(index_url):  # noqa: F811
    with connect(index_url) as e:
        put(e, "f1", "/shoot/F001.mov", [doc(0, "the diner at night", face_names=("Ana_Lu", "Bo"))])
        put(e, "f2", "/shoot/F002.mov", [doc(0, "the diner at noon", face_names=("AnaXLu",))])
        got = lambda who: sorted(h.path for h in e.search("diner", filters=Filters(character=who)))  # noqa: E731
        assert got("ana_lu") == ["/shoot/F001.mov"]  # '_' is no wildcard
        assert got("bo") == ["/shoot/F001.mov"] and got("%") == [] and got("an") == []
        if e.name != "postgresql":
            return
        for name in ("rc_docs_shot", "rc_docs_character", "rc_docs_speaker", "rc_docs_faces"):
            e.db.execute(f"DROP INDEX {name}")  # a store made before the indexes existed
    with connect(index_url) as e:
        names = {r[0] for r in e.db.execute("SELECT indexname FROM pg_indexes WHERE tablename='rc_docs'")}
        assert {"rc_docs_shot", "rc_docs_character", "rc_docs_speaker", "rc_docs_faces"} <= names
        assert [h.path for h in e.search("diner", filters=Filters(character="bo"))] == ["/shoot/F001.mov"]
