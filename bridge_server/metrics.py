"""Operating metrics of the bridge (issue 21): ``GET /metrics``, ``GET /v1/status``, ``/app/status``.

``mount(app)`` (one line in :func:`bridge_server.app.create_app`) puts a
:class:`roughcut_core.ops.metrics.BridgeMetrics` on ``app.state.metrics`` (its own
``CollectorRegistry``) and adds:

* ``GET /metrics`` — Prometheus text exposition (``prometheus_client``), bearer token required;
* ``GET /v1/status`` — the same numbers as JSON plus acceptance per show, drift reports and the
  current model version per show (token required);
* ``GET /app/status`` — a server-rendered page of the same (signed-in web session or token).

:func:`attach` (called from the app's lifespan once the store, runner, cache and pool exist)
starts the observation. Acceptance/drift/models are read from the ops dir
(``$ROUGHCUT_OPS_DIR``, default beside the preferences) at scrape time.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from .security import require_token


def _acceptance(app: FastAPI | None = None) -> dict:
    """Per show: records from `roughcut feedback` plus the web app's swaps and drops."""
    from roughcut_core.ops.acceptance import AcceptanceStore, summarize, web_records

    store = AcceptanceStore()
    web = getattr(getattr(app, "state", None), "web", None) if app is not None else None
    web_recs = web_records(web.feedback_log) if web is not None else []
    shows = sorted(set(store.shows()) | {d.show for d in web_recs})
    return {show: summarize([*store.load(show), *(d for d in web_recs if d.show == show)]) for show in shows}


def _drift() -> dict:
    from roughcut_core.ops.drift import DriftStore

    return DriftStore().last_reports()


def _models(shows) -> dict:
    from roughcut_core.learn.registry import ModelRegistry

    reg = ModelRegistry()
    out = {}
    for show in shows:
        try:
            cur = reg.current(show)
            out[show] = {"current": cur.version, "heldout": cur.heldout}
        except Exception as exc:  # one unreadable show never hides the others
            out[show] = {"error": str(exc)}
    return out


def status(app: FastAPI) -> dict:
    """Everything the status page shows, as JSON."""
    m = app.state.metrics
    acceptance, drift = _acceptance(app), _drift()
    warnings = [f"{show}: {w}" for show, rep in drift.items() for w in rep.get("warnings", [])]
    retrain = getattr(app.state, "retrain", None)
    return {"metrics": m.snapshot(), "acceptance": acceptance, "drift": drift,
            "models": _models(sorted(set(acceptance) | set(drift))), "warnings": warnings,
            "retrain": {"interval_s": retrain.interval_s if retrain else 0.0,
                        "last": dict(retrain.last) if retrain else {}}}


def attach(app: FastAPI) -> None:
    """Start observing the app's store, runner, cache and pool; start scheduled retraining
    when ``settings.json`` asks for it (``retrain_interval_s``)."""
    from .retrain import RetrainScheduler, interval_from_settings

    s = app.state
    if getattr(s, "metrics", None) is not None:
        s.metrics.attach(store=s.store, runner=s.runner, cache=getattr(s.runner, "cache", None), pool=s.pool)
    s.retrain = RetrainScheduler(interval_from_settings(s.config.config_dir)).start()


def detach(app: FastAPI) -> None:
    retrain = getattr(app.state, "retrain", None)
    if retrain is not None:
        retrain.stop()


def mount(app: FastAPI) -> None:
    from roughcut_core.ops.metrics import BridgeMetrics

    app.state.metrics = BridgeMetrics(acceptance=lambda: _acceptance(app), drift=_drift)
    router = APIRouter()

    @router.get("/metrics", dependencies=[Depends(require_token)], include_in_schema=False)
    def metrics(request: Request) -> Response:
        from prometheus_client import CONTENT_TYPE_LATEST

        return Response(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    @router.get("/v1/status", dependencies=[Depends(require_token)], tags=["health"])
    def status_json(request: Request) -> dict:
        return status(request.app)

    @router.get("/app/status", response_class=HTMLResponse, include_in_schema=False)
    def status_page(request: Request):
        from .web import CSP, _env
        from .web.auth import signed_in
        from roughcut_core import __version__

        env = _env()
        headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                   "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
        if not signed_in(request):
            return HTMLResponse(env.get_template("signed_out.html").render(version=__version__),
                                status_code=401, headers=headers)
        data = status(request.app)
        html = env.get_template("status.html").render(version=__version__, page_id="status", **data)
        return HTMLResponse(html, headers=headers)

    app.include_router(router)
