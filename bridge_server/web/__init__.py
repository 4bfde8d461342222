"""The roughcut web app, served by the bridge under ``/app``: submit, follow, review, export.

``mount(app)`` adds it to a bridge app (``bridge_server.app.create_app`` calls it):

- pages (server-rendered, Jinja2): ``/app/login`` (spends the one-time code from the URL
  fragment), ``/app/`` (projects and jobs), ``/app/jobs/{id}`` (review), ``/app/settings``;
- ``/app/static/*``: the page's CSS and small vanilla JS, all served by the bridge (no CDN);
- ``/app/api/*``: the JSON API the pages call (:mod:`bridge_server.web.api`).

Sign-in is described in :mod:`bridge_server.web.auth`. Pages send a strict
Content-Security-Policy (scripts and styles from the bridge only, nothing inline).
"""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from .auth import WebAuth, signed_in
from .state import WebState

HERE = Path(__file__).resolve().parent
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def _env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]))


def mount(app: FastAPI) -> None:
    """Add the web app's pages, static files and API to ``app`` (a bridge app)."""
    from . import api

    config = app.state.config
    app.state.web_auth = WebAuth()
    app.state.web = WebState(config)
    env = _env()

    def page(name: str, request: Request, status: int = 200, **ctx) -> HTMLResponse:
        from roughcut_core import __version__

        html = env.get_template(name).render(version=__version__, **ctx)
        return HTMLResponse(html, status_code=status, headers={
            "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store"})

    def guarded(name: str, request: Request, **ctx) -> HTMLResponse:
        if not signed_in(request):
            return page("signed_out.html", request, status=401)
        return page(name, request, **ctx)

    @app.get("/app", include_in_schema=False)
    def app_root():
        return RedirectResponse("/app/", status_code=307)

    @app.get("/app/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request):
        return guarded("index.html", request, roots=[str(r) for r in config.allowed_roots], page_id="jobs")

    @app.get("/app/login", response_class=HTMLResponse, include_in_schema=False)
    def login(request: Request):
        return page("login.html", request)

    @app.get("/app/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def review(job_id: str, request: Request):
        job = request.app.state.store.get(job_id) if signed_in(request) else None
        if signed_in(request) and job is None:
            return page("signed_out.html", request, status=404, missing=job_id)
        name = (job or {}).get("request", {}).get("name") or job_id
        return guarded("review.html", request, job_id=job_id, job_name=name, exports=api.EXPORTS, page_id="review")

    @app.get("/app/settings", response_class=HTMLResponse, include_in_schema=False)
    def settings(request: Request):
        return guarded("settings.html", request, roots=[str(r) for r in config.allowed_roots],
                       settings_file=str(config.settings_file), page_id="settings")

    @app.get("/app/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request):  # dailies and archive search (issue 18)
        return guarded("search.html", request, page_id="search")

    app.mount("/app/static", StaticFiles(directory=str(HERE / "static")), name="app-static")
    # not in /v1/openapi.json: the page-facing API is internal to the app, not the host API
    app.include_router(api.router, include_in_schema=False)
    from ..routes_cutdown import make_router as cutdown_routes  # social cut-downs (issue 19)
    app.include_router(cutdown_routes("/app/api", api.authed))
    from ..routes_search import app_router as search_routes  # the search page's API (issue 18)
    app.include_router(search_routes, dependencies=api.authed)
