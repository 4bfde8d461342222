"""Job routes: submit, status, progress stream, results, cancel, feedback (token required).

Submission checks everything a host can get wrong before a job exists: each media path must
be an absolute path to an existing file that probes as media (400 naming the file), the script
must exist, be under the size limit (413) and parse (400 naming the file).
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import time
import uuid
from pathlib import Path
from typing import Optional

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, StreamingResponse

from roughcut_core.fileio import atomic_write_json

from .schemas import FeedbackRequest, FeedbackStored, JobCreated, JobList, JobRequest, JobStatus
from .security import OUTSIDE_ROOTS, allowed_path
from .store import STATES, TERMINAL

router = APIRouter(prefix="/v1", tags=["jobs"])


def _state(request: Request):
    return request.app.state


def review_key(token: str, job_id: str) -> str:
    """Capability key for one job's review page (a browser cannot send the bearer header)."""
    return hmac.new(token.encode(), f"review:{job_id}".encode(), hashlib.sha256).hexdigest()[:32]


def _links(job_id: str, token: str) -> dict:
    base = f"/v1/jobs/{job_id}"
    return {"self": base, "events": f"{base}/events", "result": f"{base}/result", "plan": f"{base}/plan",
            "otio": f"{base}/otio", "review": f"{base}/review?key={review_key(token, job_id)}",
            "cancel": f"{base}/cancel"}


def _status(job: dict, assets: list[dict], token: str) -> JobStatus:
    return JobStatus(
        id=job["id"], name=job["request"].get("name"), state=job["state"], stage=job["stage"],
        progress=max(0.0, min(1.0, job["progress"])), eta_s=job["eta_s"], message=job["message"],
        error=job["error"], created=job["created"], updated=job["updated"], started=job["started"],
        finished=job["finished"], result=job["result"], links=_links(job["id"], token),
        assets=[{"index": a["idx"], "path": a["path"], "state": a["state"], "attempts": a["attempts"],
                 "seconds": a["seconds"], "error": a["error"]} for a in assets])


def _job_or_404(request: Request, job_id: str) -> dict:
    job = _state(request).store.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job with id {job_id!r}")
    return job


def _check_media(paths: list[str], roots) -> list[dict]:
    """Per-item problems: not absolute, outside the allowed roots (same answer whether or not
    it exists, checked before anything touches the file), then the shared file check and probe."""
    from roughcut_core.errors import MediaError
    from roughcut_core.media import probe

    problems = []
    for i, path in enumerate(paths):
        if not os.path.isabs(path):
            problems.append({"index": i, "path": path, "reason": "not an absolute path"})
        elif allowed_path(path, roots) is None:
            problems.append({"index": i, "path": path, "reason": OUTSIDE_ROOTS})
        else:
            try:
                probe(path)  # runs roughcut_core.paths.check_input_file first: FIFOs are never opened
            except MediaError as exc:
                problems.append({"index": i, "path": path, "reason": exc.reason})
    return problems


def _check_script(spec, limit: int, roots) -> None:
    from roughcut_core.errors import RoughcutError, ScriptError
    from roughcut_core.paths import check_input_file

    from .jobwork import load_job_script

    if (spec.path is None) == (spec.text is None):
        raise HTTPException(422, "script: give exactly one of script.path or script.text")
    if spec.path is not None:
        if not os.path.isabs(spec.path):
            raise HTTPException(400, f"{spec.path}: script path is not an absolute path")
        if allowed_path(spec.path, roots) is None:
            raise HTTPException(400, f"{spec.path}: {OUTSIDE_ROOTS}")
        try:
            size = check_input_file(spec.path, what="screenplay file", error=ScriptError).st_size
        except ScriptError as exc:
            raise HTTPException(400, f"{spec.path}: script not usable: {exc.reason}") from None
        if size > limit:
            raise HTTPException(413, f"{spec.path}: script too large: {size} bytes, limit {limit} bytes")
    elif len(spec.text.encode("utf-8")) > limit:
        raise HTTPException(413, f"script.text too large: over {limit} bytes")
    try:
        load_job_script(spec.model_dump())
    except RoughcutError as exc:
        raise HTTPException(400, f"script not usable: {exc}") from exc


def _check_asr_model(value: str, roots) -> None:
    """The model must be usable before a job exists: the bundled name, a model already on
    this machine, or an absolute CTranslate2 folder under the allowed roots (a relative path
    would resolve against the bridge's working directory, not the host's, so it is refused)."""
    from roughcut_core.modelcheck import ModelError, check_asr_model

    if os.path.isabs(value) and allowed_path(value, roots) is None:
        raise HTTPException(400, f"options.asr_model: {value}: {OUTSIDE_ROOTS}")
    try:
        check_asr_model(value, allow_relative=False)
    except ModelError as exc:
        raise HTTPException(400, f"options.asr_model: {exc}") from None


@router.post("/jobs", status_code=201, response_model=JobCreated, summary="start a rough-cut job",
             responses={400: {"description": "a media or script file is not usable"},
                        413: {"description": "too many media items or script too large"}})
def create_job(body: JobRequest, request: Request) -> JobCreated:
    state = _state(request)
    config = state.config
    if len(body.media) > config.max_media_per_job:
        raise HTTPException(413, f"too many media items: {len(body.media)}, limit {config.max_media_per_job}")
    _check_asr_model(body.options.asr_model, config.allowed_roots)
    if body.script is not None:
        _check_script(body.script, config.max_script_bytes, config.allowed_roots)
    problems = _check_media([m.path for m in body.media], config.allowed_roots)
    if problems:
        raise HTTPException(400, {"error": "media not usable: " + "; ".join(
            f"{p['path']}: {p['reason']}" for p in problems[:10]), "media": problems})
    doc = body.model_dump(mode="json")
    job_id = state.store.create_job(doc, [m.path for m in body.media])
    state.runner.submit(job_id)
    return JobCreated(id=job_id, state="queued", url=f"/v1/jobs/{job_id}")


@router.get("/jobs", response_model=JobList, summary="recent jobs, newest first")
def list_jobs(request: Request, state: Optional[str] = Query(None, pattern="^(" + "|".join(STATES) + ")$"),
              limit: int = Query(50, ge=1, le=500)) -> JobList:
    s = _state(request)
    return JobList(jobs=[_status(j, [], s.config.token) for j in s.store.list(state=state, limit=limit)])


@router.get("/jobs/{job_id}", response_model=JobStatus, summary="job state, stage, progress, ETA")
async def get_job(job_id: str, request: Request) -> JobStatus:
    # async on purpose: the hot polling route skips the thread-pool hop; two indexed reads
    # on a WAL database never wait for the writer
    s = _state(request)
    job = _job_or_404(request, job_id)
    return _status(job, s.store.assets(job_id), s.config.token)


@router.get("/jobs/{job_id}/events", summary="progress stream (text/event-stream)",
            responses={200: {"content": {"text/event-stream": {}}}})
async def job_events(job_id: str, request: Request, interval: float = Query(0.25, ge=0.05, le=10)):
    _job_or_404(request, job_id)
    store = _state(request).store

    async def stream():
        last = None
        beat = time.monotonic()
        while True:
            job = await asyncio.to_thread(store.get, job_id)
            snap = {"id": job_id, "state": job["state"], "stage": job["stage"], "progress": job["progress"],
                    "eta_s": job["eta_s"], "message": job["message"], "error": job["error"]}
            if snap != last:
                yield f"event: progress\ndata: {json.dumps(snap)}\n\n"
                last = snap
                beat = time.monotonic()
            elif time.monotonic() - beat > 15:
                yield ": keep-alive\n\n"
                beat = time.monotonic()
            if job["state"] in TERMINAL:
                yield f"event: end\ndata: {json.dumps(snap)}\n\n"
                return
            if await request.is_disconnected():
                return
            await asyncio.sleep(interval)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _finished_file(request: Request, job_id: str, name: str) -> Path:
    job = _job_or_404(request, job_id)
    if job["state"] != "done":
        why = f": {job['error']}" if job["error"] else ""
        raise HTTPException(409, f"job {job_id} is {job['state']}; no result{why}")
    path = _state(request).config.jobs_dir / job_id / name
    if not path.is_file():
        raise HTTPException(404, f"job {job_id}: {name} was not written")
    return path


@router.get("/jobs/{job_id}/result", summary="summary and result URLs")
def job_result(job_id: str, request: Request) -> dict:
    _finished_file(request, job_id, "plan.json")
    job = _job_or_404(request, job_id)
    links = _links(job_id, _state(request).config.token)
    return {"id": job_id, "state": job["state"], **(job["result"] or {}),
            "plan_url": links["plan"], "otio_url": links["otio"], "review_url": links["review"]}


@router.get("/jobs/{job_id}/plan", summary="the roughcut.hostplan/1 document")
def job_plan(job_id: str, request: Request):
    return FileResponse(_finished_file(request, job_id, "plan.json"), media_type="application/json")


@router.get("/jobs/{job_id}/otio", summary="the OpenTimelineIO document")
def job_otio(job_id: str, request: Request):
    return FileResponse(_finished_file(request, job_id, "roughcut.otio"), media_type="application/json",
                        filename=f"roughcut-{job_id}.otio")


@router.post("/jobs/{job_id}/cancel", response_model=JobStatus, summary="cancel a job")
def cancel_job(job_id: str, request: Request) -> JobStatus:
    s = _state(request)
    _job_or_404(request, job_id)
    job = s.store.request_cancel(job_id)
    return _status(job, s.store.assets(job_id), s.config.token)


@router.post("/feedback", response_model=FeedbackStored, summary="store an edited timeline from a host")
def feedback(body: FeedbackRequest, request: Request) -> FeedbackStored:
    s = _state(request)
    if body.otio is None and body.timeline is None:
        raise HTTPException(422, "feedback: give otio (OTIO JSON text) or timeline (JSON object)")
    if body.job_id is not None and s.store.get(body.job_id) is None:
        raise HTTPException(404, f"no job with id {body.job_id!r}")
    if body.otio is not None:
        from .schemas import MAX_JSON_DEPTH, json_depth

        try:
            doc = json.loads(body.otio)
        except ValueError as exc:
            raise HTTPException(400, f"otio: not OTIO JSON: {exc}") from None
        except RecursionError:
            raise HTTPException(400, "otio: not OTIO JSON: nested too deeply") from None
        if json_depth(doc, 4 * MAX_JSON_DEPTH) > 4 * MAX_JSON_DEPTH:
            raise HTTPException(400, f"otio: nested more than {4 * MAX_JSON_DEPTH} levels deep")
        if not isinstance(doc, dict) or "OTIO_SCHEMA" not in doc:
            raise HTTPException(400, "otio: not an OTIO document (a JSON object with OTIO_SCHEMA)")
    fid = f"{int(time.time())}-{uuid.uuid4().hex[:8]}"
    folder = s.config.jobs_dir / body.job_id / "feedback" if body.job_id else s.config.data_dir / "feedback"
    atomic_write_json(folder / f"{fid}.json", {"schema": "roughcut.feedback/1", "received": time.time(),
                                               **body.model_dump(mode="json")})
    return FeedbackStored(stored=True, id=fid, learning=_readback(s, body))


def _readback(s, body: FeedbackRequest) -> str:
    """Issue 21: a job's edited OTIO becomes acceptance records and preference pairs
    (``roughcut_core.ops.acceptance.record_readback``); the answer says what was learnt."""
    if not (body.job_id and (body.otio or body.timeline)):
        return "stored; acceptance is recorded from an edited timeline of a job (job_id and otio or timeline)"
    generated = s.config.jobs_dir / body.job_id / "roughcut.otio"
    if not generated.is_file():
        return f"stored; job {body.job_id} has no roughcut.otio to compare with, nothing recorded"
    try:
        import opentimelineio as otio

        from roughcut_core.ops.acceptance import record_readback, timeline_from_readback

        job = s.store.get(body.job_id) or {}
        show = ((job.get("request") or {}).get("options") or {}).get("show") or "default"
        edited = (otio.adapters.read_from_string(body.otio, "otio_json") if body.otio
                  else timeline_from_readback(body.timeline, str(generated)))
        r = record_readback(str(generated), edited, show=show, source=body.host or "host")
    except Exception as exc:  # the timeline is stored either way; say why nothing was recorded
        return f"stored; not recorded as acceptance: {exc}"
    return (f"stored; {r['decisions']} decisions recorded for show {show!r} (acceptance {r['acceptance']:.2f}), "
            f"{r['pairs']} preference pairs logged for retraining (promoted only on a held-out win)")


review_router = APIRouter(prefix="/v1", tags=["jobs"])


@review_router.get("/jobs/{job_id}/review", response_class=HTMLResponse,
                   summary="HTML review page (bearer token, or the key from the result's review_url)")
def job_review(job_id: str, request: Request, key: Optional[str] = Query(None, max_length=64)):
    from .security import token_ok

    token = _state(request).config.token
    by_key = key is not None and hmac.compare_digest(key.encode(), review_key(token, job_id).encode())
    if not (by_key or token_ok(request.headers.get("authorization"), token)):
        raise HTTPException(401, "missing or invalid token (send Authorization: Bearer <token> or use review_url)",
                            headers={"WWW-Authenticate": "Bearer"})
    return FileResponse(_finished_file(request, job_id, "review.html"), media_type="text/html")
