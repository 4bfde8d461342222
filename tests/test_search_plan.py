"""Search results as a host plan: `roughcut search "QUERY" --plan OUT.json` and
`GET /v1/search/plan` on a really indexed GRID clip (speech transcribed, PyAV rate): one item per
result in result order, the matched span plus handles in integer frames at the clip's rate with
an exclusive out point inside the file, contiguous record positions, a marker naming the query
and text; and the Resolve adapter (strict fake) builds it as one verified timeline."""
from __future__ import annotations

import json
import shutil
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from roughcut_core._cli.main import main

REPO = Path(__file__).resolve().parents[1]
QUERY = "now"  # GRID bbaf2n: "bin blue at f two now"; .align: "now" 1.89-2.12 s (25 fps)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, request):
    grid = request.getfixturevalue("grid_clip")
    d = tmp_path_factory.mktemp("rushes")
    shutil.copy(grid, d / "A001.mpg")
    db = str(d.parent / "index.db")
    assert main(["index", str(d), "--db", db, "--no-picture"]) == 0
    return d, db


def _check_plan(plan: dict, clip: Path, query: str) -> dict:
    import av

    with av.open(str(clip)) as c:
        s = c.streams.video[0]
        rate = Fraction(s.average_rate)
        frames = int(Fraction(c.duration, 1_000_000) * rate)
    assert plan["schema"] == "roughcut.hostplan/1"
    assert plan["timeline"]["rate"] == [rate.numerator, rate.denominator] and plan["timeline"]["start_frame"] == 0
    assert query in plan["timeline"]["name"]
    assert plan["items"], plan
    rec = 0
    for item in plan["items"]:
        assert item["media"]["path"] == str(clip) and item["rate"] == plan["timeline"]["rate"]
        for k in ("src_in", "src_out", "rec_in"):
            assert isinstance(item[k], int), (k, item[k])
        assert 0 <= item["src_in"] < item["src_out"] <= frames  # exclusive out inside the file
        assert item["rec_in"] == rec
        rec += item["src_out"] - item["src_in"]
        (marker,) = item["markers"]
        assert marker["frame"] == 0 and query in marker["name"] and item["why"] == f"search: {query}"
    return plan["items"][0]


def test_search_plan_cli_frames_and_resolve_build(indexed, tmp_path, capsys):
    d, db = indexed
    out = tmp_path / "results.plan.json"
    assert main(["search", QUERY, "--db", db, "--json", "--plan", str(out)]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results and results[0]["path"] == str(d / "A001.mpg")
    plan = json.loads(out.read_text())
    assert len(plan["items"]) == len(results)
    first = _check_plan(plan, d / "A001.mpg", QUERY)
    start, end = results[0]["start"], results[0]["end"]
    assert abs(start - 1.89) < 0.5  # the word heard where GRID's alignment puts it
    # the item covers the matched words plus handles of 0.5 s (clamped to the file)
    assert first["src_in"] == max(0, int((Fraction(str(start)) - Fraction(1, 2)) * 25))
    assert first["src_out"] / 25 >= end and first["src_in"] / 25 <= start
    assert results[0]["text"] in first["markers"][0]["note"]

    # the existing Resolve adapter builds it as a "search results" timeline, verified on read-back
    sys.path.insert(0, str(REPO / "hosts" / "resolve"))
    from fakes.resolve_fake import FakeResolve
    from roughcut_resolve import apply_plan

    r = FakeResolve()
    r.add_clip(str(d / "A001.mpg"), fps=25, frames=first["media"]["frames"])
    res = apply_plan(r, plan, job_id="search-1")
    assert res["ok"], res
    assert res["readback"] == [] and res["timeline"].startswith("Search results")
    tl = r.project.current
    placed = [(i.src_in, i.src_out) for i in tl.tracks["video"][0]]
    assert placed == [(it["src_in"], it["src_out"]) for it in plan["items"]]


def test_search_plan_bridge_route(indexed, tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from bridge_server.app import create_app
    from bridge_server.config import load_config

    d, db = indexed
    monkeypatch.setenv("ROUGHCUT_INDEX_URL", db)
    config = load_config(config_dir=tmp_path / "config", data_dir=tmp_path / "data", token="t0ken",
                         cache_dir=tmp_path / "cache", allowed_roots=(d.resolve(),))
    with TestClient(create_app(config), base_url="http://127.0.0.1") as c:
        c.headers["Authorization"] = "Bearer t0ken"
        r = c.get("/v1/search/plan", params={"q": QUERY, "limit": 5})
        assert r.status_code == 200, r.text
        _check_plan(r.json(), d / "A001.mpg", QUERY)
        assert c.get("/v1/search/plan", params={"q": 'bad "quote'}).status_code == 400
        c.headers.pop("Authorization")
        assert c.get("/v1/search/plan", params={"q": QUERY}).status_code == 401
