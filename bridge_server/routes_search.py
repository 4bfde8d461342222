"""Search routes (issue 18; token required), mounted by ``app.py`` with one line.

=========================================  =========================================================
``GET /v1/search?q=&limit=``               ``{"query", "results": [{"path", "start", "end",
                                           "timecode", "text", "speaker", "score"}]}`` best first,
                                           the same shape as ``roughcut search --json``; optional
                                           ``character``, ``shot``, ``file``, ``bin``, ``line``,
                                           ``motion``, ``sound`` filters; ``index`` names the engine that answered and
                                           ``warning`` says when the server was unreachable
``GET /v1/search/plan?q=&limit=``          the results as a host plan (``roughcut.hostplan/1``,
                                           ``roughcut search --plan``): a "search results"
                                           timeline, one item per result in result order
``GET /v1/search/uncovered``               ``{"uncovered": [{"line_id", "scene_id", "character",
                                           "text"}]}``: script lines no indexed take reads
``GET /v1/search/thumbnail?path=&t=``      a result's thumbnail: JPEG of the picture at ``t``
                                           seconds (``width`` 32..1280, default 320); 400 for a
                                           path outside the allowed roots or with no picture
=========================================  =========================================================

The index is ``$ROUGHCUT_INDEX_URL`` (else the embedded store), as for the CLI; an unreachable
server falls back to the embedded store. Only results under the bridge's allowed roots are
returned (the index may hold files indexed from the command line elsewhere; with no
allowed roots nothing is). Queries run in
FastAPI's thread pool; each request opens and closes its own connection.
"""
from __future__ import annotations

import shlex
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from .security import allowed_path

router = APIRouter(prefix="/v1", tags=["search"])


def _roots(request: Request):
    return getattr(request.app.state.config, "allowed_roots", ()) or ()


class _Filters:
    """The filter query parameters every search route takes (a FastAPI dependency)."""

    def __init__(self, character: Optional[str] = Query(None, max_length=200),
                 shot: Optional[str] = Query(None, max_length=20),
                 file: Optional[str] = Query(None, max_length=1000), bin: Optional[str] = Query(None, max_length=1000),
                 line: Optional[str] = Query(None, max_length=100), motion: Optional[str] = Query(None, max_length=20),
                 sound: Optional[str] = Query(None, max_length=20)):
        self.pairs = (("character", character), ("shot", shot), ("file", file), ("bin", bin), ("line", line),
                      ("motion", motion), ("sound", sound))

    def query(self, q: str) -> str:
        """``q`` with the filters appended as ``key:value`` tokens."""
        return " ".join([q, *(shlex.quote(f"{k}:{v}") for k, v in self.pairs if v)]).strip()


def _search(request: Request, full: str, limit: int, then):
    """Hits for ``full`` under the allowed roots (at most ``limit``), passed with the engine to
    ``then(engine, hits, warning)`` while the index is open; 400 on a bad query, 503 when the
    index cannot be used."""
    from roughcut_core.search import QueryError, SearchIndexError, open_index

    roots = _roots(request)
    try:
        engine, warning = open_index(getattr(request.app.state, "search_index", None))
    except SearchIndexError as exc:
        raise HTTPException(503, str(exc)) from None
    try:
        hits = [h for h in engine.search(full, limit=limit * 3) if allowed_path(h.path, roots) is not None]
        return then(engine, hits[:limit], warning)  # no roots: nothing
    except QueryError as exc:
        raise HTTPException(400, f"bad query: {exc}") from None
    except SearchIndexError as exc:
        raise HTTPException(503, str(exc)) from None
    finally:
        engine.close()


@router.get("/search", summary="search the index of analysed media")
def search(request: Request, q: str = Query("", max_length=2000), limit: int = Query(20, ge=1, le=500),
           filters: _Filters = Depends()) -> dict:
    def body(engine, hits, warning):
        out = {"query": q, "results": [h.to_json() for h in hits], "index": engine.url}
        if warning:
            out["warning"] = warning
        return out

    return _search(request, filters.query(q), limit, body)


@router.get("/search/plan", summary="search results as a host plan (roughcut.hostplan/1)")
def search_plan(request: Request, q: str = Query("", max_length=2000), limit: int = Query(20, ge=1, le=500),
                filters: _Filters = Depends()) -> dict:
    from roughcut_core.search.hostplan import plan_for_hits

    full = filters.query(q)
    return _search(request, full, limit, lambda engine, hits, _: plan_for_hits(engine, q or full, hits))


@router.get("/search/uncovered", summary="script lines no indexed take reads")
def uncovered(request: Request) -> dict:
    from roughcut_core.search import SearchIndexError, open_index

    try:
        engine, _ = open_index(getattr(request.app.state, "search_index", None))
    except SearchIndexError as exc:
        raise HTTPException(503, str(exc)) from None
    try:
        lines = engine.uncovered_lines()
    finally:
        engine.close()
    return {"uncovered": [{"line_id": ln.line_id, "scene_id": ln.scene_id, "character": ln.character,
                           "text": ln.text} for ln in lines]}


@router.get("/search/thumbnail", summary="a search result's thumbnail (JPEG)")
def thumbnail(request: Request, path: str = Query(..., max_length=4096), t: float = Query(0.0, ge=0, le=1e7),
              width: int = Query(320, ge=32, le=1280)) -> Response:
    from roughcut_core.errors import MediaError
    from roughcut_core.search.thumbnail import thumbnail_jpeg

    from .security import OUTSIDE_ROOTS

    resolved = allowed_path(path, _roots(request))
    if resolved is None:
        raise HTTPException(400, f"{path}: {OUTSIDE_ROOTS}")
    try:
        data = thumbnail_jpeg(resolved, t, width=width)
    except MediaError as exc:
        raise HTTPException(400, str(exc)) from None
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


# The same three read routes for the web app's search page (``/app/search``), mounted by
# ``bridge_server.web`` under ``/app/api`` behind the app's session auth.
app_router = APIRouter(prefix="/app/api", tags=["web app"])
app_router.add_api_route("/search", search, methods=["GET"])
app_router.add_api_route("/search/plan", search_plan, methods=["GET"])
app_router.add_api_route("/search/thumbnail", thumbnail, methods=["GET"])
