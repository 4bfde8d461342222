"""Cut-down jobs on a finished cut (issue 19), mounted by ``app.py`` with one line (token
required) and by the web app under ``/app/api`` (its session); ``make_router(prefix, deps)``.

=============================================  ===================================================
``POST /v1/jobs/{id}/cutdown``                 body ``{"durations": [15, 30], "aspects": ["9:16",
                                               "1:1"], "preview": true}`` → 202 ``{"state":
                                               "running", "url"}``; 409 while one runs for this job
``GET /v1/jobs/{id}/cutdown``                  ``{"state": "none|running|done|failed", "error",
                                               "outputs": [... as ``roughcut cutdown --json``, each
                                               with ``urls`` for its files]}``
``GET /v1/jobs/{id}/cutdown/files/{name}``     one written file (``cutdown_*.otio|.plan.json|.srt|
                                               .vtt|.mp4``)
=============================================  ===================================================

The cut-down runs in a background thread on the job's ``roughcut.otio`` with the bridge's
analysis cache (so no model work for media the job analysed) and writes into
``<jobs_dir>/<id>/cutdown/``; its state lives in ``status.json`` there (no process-wide state:
a bridge restarted mid-run reports ``failed`` with "interrupted").
"""
from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path
from typing import Optional

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

FILE_RE = re.compile(r"^cutdown_[0-9.]+s_[0-9]+x[0-9]+(\.otio|\.plan\.json|\.srt|\.vtt|\.mp4)$")
MEDIA_TYPES = {".otio": "application/json", ".json": "application/json", ".srt": "application/x-subrip",
               ".vtt": "text/vtt", ".mp4": "video/mp4"}


class CutdownBody(BaseModel):
    durations: list[float] = Field(..., min_length=1, max_length=8)
    aspects: list[str] = Field(default_factory=lambda: ["9:16"], min_length=1, max_length=6)
    preview: bool = True


def _folder(request: Request, job_id: str) -> Path:
    from .routes_jobs import _finished_file

    cut = _finished_file(request, job_id, "roughcut.otio")   # 404 / 409 as for the other results
    return cut.parent / "cutdown"


def _status(folder: Path) -> dict:
    try:
        return json.loads((folder / "status.json").read_text())
    except (OSError, ValueError):
        return {"state": "none"}


def _write_status(folder: Path, doc: dict) -> None:
    from roughcut_core.fileio import atomic_write_json

    atomic_write_json(folder / "status.json", {**doc, "pid": os.getpid()})


def _work(cut: Path, folder: Path, body: CutdownBody, cache_dir: str) -> None:
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.cutdown import make_cutdowns

    try:
        res = make_cutdowns(cut, body.durations, body.aspects, folder, cache=AnalysisCache(cache_dir),
                            preview=body.preview)
        _write_status(folder, {"state": "done", "error": None, **res.to_json()})
    except Exception as exc:  # reported through the status document, never lost in a thread
        _write_status(folder, {"state": "failed", "error": f"{type(exc).__name__}: {exc}", "outputs": []})


def make_router(prefix: str = "/v1", dependencies=None) -> APIRouter:
    """The three routes under ``prefix`` (``/v1`` for hosts, ``/app/api`` for the web app)."""
    r = APIRouter(prefix=prefix, tags=["cutdown"], dependencies=list(dependencies or ()))

    @r.post("/jobs/{job_id}/cutdown", status_code=202, summary="start social cut-downs of a finished cut")
    def start(job_id: str, body: CutdownBody, request: Request) -> dict:
        from roughcut_core.cutdown.reframe import parse_aspect

        folder = _folder(request, job_id)
        for d in body.durations:
            if not 1 <= d <= 3600:
                raise HTTPException(422, f"durations: {d:g} is not between 1 and 3600 seconds")
        for a in body.aspects:
            try:
                parse_aspect(a)
            except ValueError as exc:
                raise HTTPException(422, f"aspects: {exc}") from None
        st = _status(folder)
        if st.get("state") == "running" and st.get("pid") == os.getpid():
            raise HTTPException(409, f"job {job_id}: a cut-down is already running")
        folder.mkdir(parents=True, exist_ok=True)
        _write_status(folder, {"state": "running", "error": None, "outputs": [],
                               "request": body.model_dump()})
        cache_dir = str(request.app.state.config.analysis_cache_dir)
        threading.Thread(target=_work, args=(folder.parent / "roughcut.otio", folder, body, cache_dir),
                         name=f"cutdown-{job_id}", daemon=True).start()
        return {"state": "running", "url": f"{prefix}/jobs/{job_id}/cutdown"}

    @r.get("/jobs/{job_id}/cutdown", summary="state and files of the job's cut-downs")
    def status(job_id: str, request: Request) -> dict:
        folder = _folder(request, job_id)
        st = _status(folder)
        if st.get("state") == "running" and st.get("pid") != os.getpid():
            st = {**st, "state": "failed", "error": "interrupted (the bridge restarted)"}
        st.pop("pid", None)
        base = f"{prefix}/jobs/{job_id}/cutdown/files/"
        for o in st.get("outputs", ()):
            o["urls"] = {k: base + Path(o[k]).name for k in ("otio", "plan", "srt", "vtt", "preview") if o.get(k)}
            for k in ("otio", "plan", "srt", "vtt", "preview"):
                if o.get(k):
                    o[k] = Path(o[k]).name   # never a server path
        return st

    @r.get("/jobs/{job_id}/cutdown/files/{name}", summary="one cut-down file")
    def file(job_id: str, name: str, request: Request):
        if not FILE_RE.match(name):
            raise HTTPException(404, f"no cut-down file {name!r}")
        path: Optional[Path] = _folder(request, job_id) / name
        if not path.is_file():
            raise HTTPException(404, f"job {job_id}: {name} was not written")
        return FileResponse(path, media_type=MEDIA_TYPES.get(path.suffix, "application/octet-stream"), filename=name)

    return r


router = make_router()
