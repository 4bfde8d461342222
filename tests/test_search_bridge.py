"""The bridge's search route: same result shape as `roughcut search --json`, token required,
only files under the bridge's allowed roots, bad queries are 400, both engines."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from search_support import index_url, pg_server  # noqa: F401 (fixtures)

from bridge_server.app import create_app
from bridge_server.config import load_config
from roughcut_core.search import IndexedFile, ScriptLineRecord, SearchDoc, connect


def _doc(seq, text, start):
    words = tuple((w, start + i * 0.5, start + i * 0.5 + 0.4) for i, w in enumerate(text.split()))
    return SearchDoc(seq=seq, start=start, end=words[-1][2], text=text, words=words, character="MARA",
                     line_ids=("1-1",))


@pytest.fixture
def client(tmp_path, index_url, monkeypatch):  # noqa: F811
    monkeypatch.setenv("ROUGHCUT_INDEX_URL", index_url)
    inside = tmp_path / "rushes" / "A001.mov"
    with connect(index_url) as e:
        e.put_file(IndexedFile("k-in", str(inside), 1, 0.0, 10.0), [_doc(0, "room tone from the diner", 1.0)])
        e.put_file(IndexedFile("k-out", "/elsewhere/B001.mov", 1, 0.0, 10.0), [_doc(0, "room tone outside", 2.0)])
        e.put_script_lines([ScriptLineRecord("1-1", "1", "MARA", "Room tone."),
                            ScriptLineRecord("1-2", "1", "MARA", "Not shot yet.")])
    config = load_config(config_dir=tmp_path / "config", data_dir=tmp_path / "data", token="t0ken",
                         cache_dir=tmp_path / "cache", allowed_roots=(tmp_path,))
    with TestClient(create_app(config), base_url="http://127.0.0.1") as c:
        c.headers["Authorization"] = "Bearer t0ken"
        c.inside = str(inside)
        yield c


def test_search_route_shape_roots_and_errors(client):
    r = client.get("/v1/search", params={"q": "room tone", "limit": 5})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"] == "room tone"
    assert [h["path"] for h in body["results"]] == [client.inside]  # /elsewhere is outside the roots
    assert list(body["results"][0]) == ["path", "start", "end", "timecode", "text", "speaker", "score"]
    assert body["results"][0]["start"] == 1.0 and body["results"][0]["speaker"] == "MARA"
    assert client.get("/v1/search", params={"q": "diner", "character": "nobody"}).json()["results"] == []
    assert client.get("/v1/search", params={"q": 'bad "quote'}).status_code == 400
    assert client.get("/v1/search/uncovered").json() == {
        "uncovered": [{"line_id": "1-2", "scene_id": "1", "character": "MARA", "text": "Not shot yet."}]}
    client.headers.pop("Authorization")
    assert client.get("/v1/search", params={"q": "room"}).status_code == 401


def test_thumbnail_of_a_result(tmp_path, monkeypatch, grid_clip):
    monkeypatch.setenv("ROUGHCUT_INDEX_URL", str(tmp_path / "index.db"))
    config = load_config(config_dir=tmp_path / "config", data_dir=tmp_path / "data", token="t0ken",
                         cache_dir=tmp_path / "cache", allowed_roots=(grid_clip.parent.resolve(),))
    with TestClient(create_app(config), base_url="http://127.0.0.1") as c:
        c.headers["Authorization"] = "Bearer t0ken"
        r = c.get("/v1/search/thumbnail", params={"path": str(grid_clip), "t": 1.0, "width": 180})
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
        from io import BytesIO

        from PIL import Image

        img = Image.open(BytesIO(r.content))
        assert img.size == (180, 144) and max(img.convert("L").getextrema()) > 50  # a real picture
        assert c.get("/v1/search/thumbnail", params={"path": "/etc/passwd"}).status_code == 400
        wav = grid_clip.parent / "grid_transcripts.tsv"
        assert c.get("/v1/search/thumbnail", params={"path": str(wav)}).status_code == 400
