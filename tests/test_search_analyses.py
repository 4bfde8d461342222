"""Camera motion and sound events in the search index (issue 18 x issue 20), on both engines.

- engine contract: ``motion:`` (a kind, or a family such as ``pan`` for both directions) and
  ``sound:`` filters in the query text and as :class:`Filters`, combined with words; the plain
  query ``room tone`` finds the room tone region first;
- real analysis: a sound scene made from real speech (JFK, ../shared/media) with known room tone
  and music, written to a WAV and indexed through the real pipeline (tiny.en, the real sound
  analysis): ``room tone`` finds a known room tone span, ``sound:music`` only music spans;
- an index made before these fields (schema 1) is upgraded in place: its documents stay
  searchable (filters too, on PostgreSQL through the key tokens filled in by the upgrade) and
  its files are re-indexed by the next ``roughcut index`` (older ``doc_version``).
"""
from __future__ import annotations

import numpy as np
import pytest
from search_support import index_url, pg_server  # noqa: F401 (fixtures)

from roughcut_core.search import Filters, IndexedFile, SearchDoc, connect, index_paths
from roughcut_core.search.model import DOC_VERSION


def doc(seq, text, start, **kw) -> SearchDoc:
    words = tuple((w, round(start + i * 0.4, 3), round(start + i * 0.4 + 0.36, 3)) for i, w in enumerate(text.split()))
    return SearchDoc(seq=seq, start=words[0][1], end=words[-1][2], text=text, words=words, **kw)


def region(seq, text, start, end, sounds, **kw) -> SearchDoc:
    words = tuple((w, start, end) for w in text.strip("[]").split())
    return SearchDoc(seq=seq, start=start, end=end, text=text, words=words, sounds=sounds, **kw)


def put(engine, key, path, docs, version=DOC_VERSION):
    engine.put_file(IndexedFile(content_key=key, path=path, size=1, mtime=1.0, duration=60.0, doc_version=version), docs)


@pytest.fixture
def engine(index_url):  # noqa: F811
    e = connect(index_url)
    put(e, "m1", "/shoot/diner/A001.mov", [
        doc(0, "the coffee here is cold again", 1.0, character="MARA", shot_size="CU", camera_motion="static"),
        doc(1, "play that song again for me", 6.0, character="MARA", shot_size="CU", camera_motion="pan_left",
            sounds=("music",)),
        region(2, "[room tone]", 12.0, 15.5, ("room_tone", "silence"), camera_motion="static"),
        region(3, "[music]", 20.0, 26.0, ("music",), camera_motion="pan_left")])
    put(e, "m2", "/shoot/street/B001.mov", [
        doc(0, "the coffee truck is gone again", 2.0, character="TOMAS", shot_size="WS", camera_motion="handheld",
            sounds=("noise",)),
        doc(1, "again they cheer for the band", 9.0, character="TOMAS", shot_size="WS", camera_motion="pan_right",
            sounds=("applause", "music")),
        region(2, "[applause]", 30.0, 33.0, ("applause",), camera_motion="pan_right")])
    yield e
    e.close()


def _starts(hits):
    return [(h.path.rsplit("/", 1)[-1], round(h.utterance_start, 2)) for h in hits]


def test_motion_and_sound_filters(engine):
    assert _starts(engine.search("coffee motion:static")) == [("A001.mov", 1.0)]
    assert _starts(engine.search("coffee motion:handheld")) == [("B001.mov", 2.0)]
    # a family matches both directions; a direction only itself
    assert set(_starts(engine.search("again motion:pan"))) == {("A001.mov", 6.0), ("B001.mov", 9.0)}
    assert _starts(engine.search("again motion:pan_right")) == [("B001.mov", 9.0)]
    assert set(_starts(engine.search("again sound:music"))) == {("A001.mov", 6.0), ("B001.mov", 9.0)}
    assert _starts(engine.search("again", filters=Filters(sound="applause"))) == [("B001.mov", 9.0)]
    assert _starts(engine.search('"the coffee" sound:noise character:tomas shot:ws')) == [("B001.mov", 2.0)]
    assert engine.search('"the coffee" sound:noise character:mara') == []
    # filters alone (no words): every document with that sound, regions included
    assert set(_starts(engine.search('sound:"room tone"'))) == {("A001.mov", 12.0)}
    assert set(_starts(engine.search("sound:applause"))) == {("B001.mov", 9.0), ("B001.mov", 30.0)}
    assert set(_starts(engine.search("motion:static"))) == {("A001.mov", 1.0), ("A001.mov", 12.0)}


def test_room_tone_query_finds_the_region_first(engine):
    hits = engine.search("room tone")
    assert hits and hits[0].text == "[room tone]"
    assert (hits[0].start, hits[0].end) == (12.0, 15.5)  # the whole region is the hit
    assert engine.search("tone sound:room_tone")[0].start == 12.0
    music = engine.search("music", limit=5)
    assert music[0].text == "[music]" and (music[0].start, music[0].end) == (20.0, 26.0)


def test_older_index_is_upgraded_in_place(index_url):  # noqa: F811
    e = connect(index_url)
    put(e, "o1", "/old/A.mov", [doc(0, "and then the rain came down", 1.0, character="MARA", shot_size="MS"),
                                doc(1, "and the the storm again", 5.0, character="MARA", shot_size="MS")], version="1")
    # make it look like a store written by the previous roughcut (schema 1: no motion, sounds, keys)
    if e.name == "sqlite":
        for col in ("camera_motion", "sounds"):
            e.db.execute(f"ALTER TABLE docs DROP COLUMN {col}")
        e.db.execute("ALTER TABLE files DROP COLUMN has_video")
        e.db.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    else:
        e.db.execute("DROP INDEX rc_docs_keys")
        for col in ("camera_motion", "sounds", "keys"):
            e.db.execute(f"ALTER TABLE rc_docs DROP COLUMN {col}")
        e.db.execute("ALTER TABLE rc_files DROP COLUMN has_video")
        e.db.execute("UPDATE rc_meta SET value='1' WHERE key='schema_version'")
    e.close()
    e = connect(index_url)  # upgraded in place
    try:
        old = e.get_file("o1")
        assert old.doc_version == "1" and old.has_video  # so `roughcut index` re-makes its documents
        assert _starts(e.search('"the rain" character:mara shot:ms')) == [("A.mov", 1.0)]
        assert _starts(e.search('"and the" character:mara')) == [("A.mov", 5.0)]
        assert _starts(e.search('"the the"')) == [("A.mov", 5.0)]  # a pair of common words
        assert e.search("rain motion:static") == []
        put(e, "o1", "/old/A.mov", [doc(0, "and then the rain came down", 1.0, character="MARA",
                                        camera_motion="static", sounds=("noise",))])
        assert _starts(e.search("rain motion:static sound:noise")) == [("A.mov", 1.0)]
    finally:
        e.close()


@pytest.fixture(scope="module")
def scene_wav(tmp_path_factory, jfk_flac):
    """A 27 s sound scene (real JFK speech, synthetic music / room tone / noise / applause) and
    its known labels (``analyses.fixtures.sound_scene``)."""
    import av

    from roughcut_core.analyses.fixtures import SR, sound_scene
    from roughcut_core.speech.audio_io import decode_audio

    speech = decode_audio(str(jfk_flac), SR)
    mix, truth = sound_scene([speech], seed=3)
    path = tmp_path_factory.mktemp("scene") / "scene.wav"
    pcm = (np.clip(mix, -1, 1) * 32767).astype(np.int16)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=SR, layout="mono")
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.rate = SR
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path, truth


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    from roughcut_core.pipeline import PipelineOptions, RoughCutPipeline

    return RoughCutPipeline(PipelineOptions(picture=False, cache_dir=str(tmp_path_factory.mktemp("cache"))))


def _inside(a, b, spans, slack=0.5) -> bool:
    return any(a >= s - slack and b <= e + slack for s, e in spans)


def test_real_sound_scene_room_tone_and_music(index_url, scene_wav, pipeline):  # noqa: F811
    path, truth = scene_wav
    silence = [(a, b) for a, b, label, _ in truth if label == "silence" and b - a >= 1.0]
    music = [(a, b) for a, b, label, under in truth if label == "music" or under]
    with connect(index_url) as e:
        report = index_paths(e, [path], pipeline=pipeline)
        assert report.indexed == (str(path),) and not [x for x in report.errors if "scene.wav" in x]
        stored = e.get_file(e.search("room tone")[0].content_key)
        assert stored.doc_version == DOC_VERSION  # sound analysis made: not partial
        tone = e.search("room tone", limit=3)
        assert tone and tone[0].text == "[room tone]" and _inside(tone[0].start, tone[0].end, silence)
        heard = e.search("sound:music", limit=50)
        assert heard, "no document with music"
        for h in heard:
            assert _inside(h.utterance_start, h.utterance_end, music, slack=3.0) or "music" in h.text
        assert any(h.text == "[music]" and _inside(h.start, h.end, music) for h in heard)
        # a second run: nothing to do (documents are current), no model work
        again = index_paths(e, [path], pipeline=pipeline)
        assert again.unchanged == (str(path),)

