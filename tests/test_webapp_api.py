"""Web app server side, without a browser: sign-in, auth on every route, the folder browser's
allowed roots, pages and headers, job submission errors in words. Fast (no analysis)."""
from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient

from bridge_server.app import create_app
from bridge_server.config import load_config
from bridge_server.security import OUTSIDE_ROOTS


@pytest.fixture()
def client(tmp_path, monkeypatch):
    monkeypatch.delenv("ROUGHCUT_BRIDGE_TOKEN", raising=False)
    monkeypatch.delenv("ROUGHCUT_BRIDGE_ALLOW", raising=False)
    monkeypatch.setenv("ROUGHCUT_BRIDGE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ROUGHCUT_PREFERENCES_DIR", str(tmp_path / "prefs"))
    root = tmp_path / "rushes"
    (root / "day1").mkdir(parents=True)
    (root / "day1" / "A001.mov").write_bytes(b"not really a movie")
    (root / "scene.fountain").write_text("INT. KITCHEN - NIGHT\n\nALICE\nHello.\n")
    (root / ".hidden").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.mov").write_bytes(b"x")
    os.symlink(outside, root / "escape")
    config = load_config(allow=[str(root)], cache_dir=str(tmp_path / "cache"))
    app = create_app(config)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        c.token = config.token
        c.root = root
        c.outside = outside
        yield c


def login(c) -> None:
    code = c.post("/app/api/login-code", headers={"Authorization": f"Bearer {c.token}"}).json()["code"]
    r = c.post("/app/api/session", json={"code": code})
    assert r.status_code == 200, r.text


def test_login_code_needs_the_api_token_and_works_once(client):
    assert client.post("/app/api/login-code").status_code == 401
    assert client.post("/app/api/login-code", headers={"Authorization": "Bearer nope"}).status_code == 401
    r = client.post("/app/api/login-code", headers={"Authorization": f"Bearer {client.token}"})
    body = r.json()
    assert body["path"] == f"/app/login#code={body['code']}"
    first = client.post("/app/api/session", json={"code": body["code"]})
    assert first.status_code == 200
    cookie = first.headers["set-cookie"]
    assert "rc_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    again = client.post("/app/api/session", json={"code": body["code"]})
    assert again.status_code == 401 and "already used" in again.json()["error"]
    assert client.post("/app/api/session", json={"code": "x" * 32}).status_code == 401


def test_pages_and_api_refuse_without_a_session(client):
    r = client.get("/app/")
    assert r.status_code == 401 and "roughcut app" in r.text and "<title>" in r.text
    assert client.get("/app/api/jobs").status_code == 401
    assert client.get("/app/api/browse").status_code == 401
    assert client.get("/app/api/events").status_code == 401
    login(client)
    r = client.get("/app/")
    assert r.status_code == 200
    assert "roughcut</title>" in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "<script>" not in r.text  # no inline script: the CSP forbids it
    assert client.get("/app/static/review.js").status_code == 200
    assert client.get("/app/settings").status_code == 200


def test_writes_need_the_csrf_header_with_a_cookie(client):
    login(client)
    r = client.post("/app/api/jobs", json={"folder": str(client.root / "day1")})
    assert r.status_code == 403 and "X-Roughcut" in r.json()["error"]
    # the API token is accepted as it is on /v1 (no browser, no CSRF)
    client.cookies.clear()
    r = client.get("/app/api/jobs", headers={"Authorization": f"Bearer {client.token}"})
    assert r.status_code == 200 and r.json() == {"jobs": []}


def test_folder_browser_stays_inside_the_allowed_roots(client):
    login(client)
    top = client.get("/app/api/browse").json()
    assert [f["path"] for f in top["folders"]] == [os.path.realpath(client.root)]
    listing = client.get("/app/api/browse", params={"path": str(client.root)}).json()
    names = [f["name"] for f in listing["folders"]]
    assert names == ["day1"]  # hidden skipped; the symlink leading outside is not offered
    assert [s["name"] for s in listing["scripts"]] == ["scene.fountain"]
    day1 = client.get("/app/api/browse", params={"path": str(client.root / "day1")}).json()
    assert [m["name"] for m in day1["media"]] == ["A001.mov"] and day1["parent"] == os.path.realpath(client.root)
    for bad in (str(client.outside), str(client.root / "escape"), str(client.root / ".." / "outside"),
                str(client.outside / "does-not-exist"), "relative/path", "/"):
        r = client.get("/app/api/browse", params={"path": bad})
        assert r.status_code == 400, bad
        assert OUTSIDE_ROOTS in r.json()["error"]
        assert "secret" not in r.text


def test_submit_errors_are_in_words_and_name_the_file(client):
    login(client)
    h = {"X-Roughcut": "1"}
    r = client.post("/app/api/jobs", json={"folder": str(client.outside)}, headers=h)
    assert r.status_code == 400 and OUTSIDE_ROOTS in r.json()["error"]
    empty = client.root / "empty"
    empty.mkdir()
    r = client.post("/app/api/jobs", json={"folder": str(empty)}, headers=h)
    assert r.status_code == 400 and "no media files" in r.json()["error"]
    r = client.post("/app/api/jobs", json={"folder": str(client.root / "day1"),
                                           "script": {"path": str(client.root / "scene.fountain")}}, headers=h)
    assert r.status_code == 400 and "A001.mov" in r.json()["error"]
    r = client.post("/app/api/jobs", json={"folder": str(client.root / "day1"), "options": {"preset": "nope"}},
                    headers=h)
    assert r.status_code == 422 and "preset" in r.json()["error"]


def test_review_routes_answer_in_words_before_a_cut_exists(client):
    login(client)
    assert client.get("/app/api/jobs/nope/cut").status_code == 404
    assert client.get("/app/jobs/nope").status_code == 404
    assert client.get("/app/api/jobs/nope/export/fcpxml").status_code == 404
    r = client.get("/app/api/preferences")
    assert r.status_code == 200 and r.json()["shows"] == []
    r = client.post("/app/api/preferences/bad%2Fname/reset", headers={"X-Roughcut": "1"})
    assert r.status_code in (400, 404)


def test_search_page_renders_and_its_api_returns_a_hit(client, tmp_path):
    from roughcut_core.search import IndexedFile, SearchDoc, connect

    url = f"sqlite:///{tmp_path / 'search-index.db'}"
    client.app.state.search_index = url
    inside = str(client.root / "day1" / "A001.mov")
    words = tuple((w, 3.0 + i * 0.5, 3.4 + i * 0.5) for i, w in enumerate("we should leave before dawn".split()))
    with connect(url) as e:
        e.put_file(IndexedFile("k-a001", inside, 18, 0.0, 20.0, 25, 1, 90000),
                   [SearchDoc(seq=0, start=3.0, end=words[-1][2], text="We should leave before dawn.",
                              words=words, character="ALICE", shot_size="CU")])
        e.put_file(IndexedFile("k-out", str(client.outside / "secret.mov"), 1, 0.0, 9.0),
                   [SearchDoc(seq=0, start=1.0, end=2.0, text="leave before dawn", words=(("leave", 1.0, 1.4),
                              ("before", 1.5, 1.9), ("dawn", 1.9, 2.0)))])
    assert client.get("/app/search").status_code == 401  # signed out: the signed-out page
    assert client.get("/app/api/search", params={"q": "dawn"}).status_code == 401
    login(client)
    page = client.get("/app/search")
    assert page.status_code == 200 and 'id="search-form"' in page.text and "/app/static/search.js" in page.text
    assert 'href="/app/search" aria-current="page"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'href="/app/search"' in client.get("/app/").text  # the nav link on every page
    assert client.get("/app/static/search.js").status_code == 200
    r = client.get("/app/api/search", params={"q": "leve befor dawn", "character": "alice"})  # at 4.0 s
    assert r.status_code == 200, r.text
    hits = r.json()["results"]
    assert [h["path"] for h in hits] == [inside]  # the file outside the allowed roots is not shown
    assert hits[0]["timecode"] == "01:00:04:00" and hits[0]["text"] == "We should leave before dawn."
    plan = client.get("/app/api/search/plan", params={"q": "dawn"}).json()
    assert plan["schema"] == "roughcut.hostplan/1" and [i["media"]["path"] for i in plan["items"]] == [inside]
    # the thumbnail route answers in words for a file with no picture (the page then hides it)
    r = client.get("/app/api/search/thumbnail", params={"path": inside, "t": 3.0})
    assert r.status_code == 400
