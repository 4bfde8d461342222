"""The web app's JSON API under ``/app/api`` (session cookie or bearer token; see ``auth``).

Jobs are created through the bridge's own ``POST /v1/jobs`` logic
(:func:`bridge_server.routes_jobs.create_job`), so the web app gets exactly the API's checks
(allowed roots, probe, script parse, ASR model) and its error messages, which name the file.
"""
from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from .auth import COOKIE, require_web
from .browse import BrowseError, list_folder, media_in
from .cutsession import EditError

router = APIRouter(prefix="/app/api", tags=["web app"])
authed = [Depends(require_web)]

EXPORTS = {  # format → (extension, target, NLE how-to)
    "fcpxml": (".fcpxml", None, "Final Cut Pro: File ▸ Import ▸ XML…; DaVinci Resolve: File ▸ Import ▸ Timeline…"),
    "fcp7": (".xml", "premiere", "Premiere Pro: File ▸ Import… and pick the .xml (Final Cut Pro 7 XML)"),
    "edl": (".edl", None, "Any NLE (Avid: Import EDL via EDL Manager; Resolve: File ▸ Import ▸ Timeline…); "
                          "relink the clips by reel/name"),
    "aaf": (".aaf", "avid", "Avid Media Composer: File ▸ Import… the .aaf into a bin, then relink/AMA-link the media"),
    "otio": (".otio", None, "OpenTimelineIO: Resolve 18.5+ File ▸ Import ▸ Timeline…, or any OTIO adapter"),
}


def _s(request: Request):
    return request.app.state


def _job(request: Request, job_id: str) -> dict:
    job = _s(request).store.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job with id {job_id!r}")
    return job


def _done_job(request: Request, job_id: str) -> dict:
    job = _job(request, job_id)
    if job["state"] != "done":
        raise HTTPException(409, f"job {job_id} is {job['state']}: the cut is not ready")
    return job


def _session(request: Request, job_id: str):
    job = _done_job(request, job_id)
    try:
        return _s(request).web.session(job, _s(request).runner.cache)
    except Exception as exc:  # a broken result must be said in words, not a 500
        raise HTTPException(409, f"job {job_id}: the cut cannot be loaded for review: {exc}") from None


# -- sign-in ----------------------------------------------------------------------------------
@router.post("/login-code", summary="a one-time login code (API bearer token only)")
def login_code(request: Request) -> dict:
    from ..security import require_token

    require_token(request)
    code = _s(request).web_auth.new_code()
    return {"code": code, "path": f"/app/login#code={code}", "expires_s": _s(request).web_auth.code_ttl_s}


class SessionBody(BaseModel):
    code: str = Field(min_length=8, max_length=200)


@router.post("/session", summary="exchange a one-time code for the session cookie")
def new_session(body: SessionBody, request: Request) -> Response:
    sid = _s(request).web_auth.spend_code(body.code)
    if sid is None:
        raise HTTPException(401, "this login link was already used or has expired: run `roughcut app` again")
    resp = JSONResponse({"signed_in": True, "next": "/app/"})
    resp.set_cookie(COOKIE, sid, httponly=True, samesite="strict", path="/",
                    max_age=int(_s(request).web_auth.session_ttl_s), secure=False)
    return resp


@router.post("/logout", dependencies=authed)
def logout(request: Request) -> Response:
    _s(request).web_auth.end_session(request.cookies.get(COOKIE))
    resp = JSONResponse({"signed_in": False})
    resp.delete_cookie(COOKIE, path="/")
    return resp


# -- projects and jobs ------------------------------------------------------------------------
@router.get("/browse", dependencies=authed, summary="list a folder under the allowed roots")
def browse(request: Request, path: Optional[str] = None) -> dict:
    try:
        return list_folder(path, _s(request).config.allowed_roots)
    except BrowseError as exc:
        raise HTTPException(400, str(exc)) from None


class WebScript(BaseModel):
    path: Optional[str] = Field(None, max_length=4096)
    text: Optional[str] = None
    format: Optional[Literal["fountain", "fdx", "sides"]] = None


class WebJob(BaseModel):
    name: Optional[str] = Field(None, max_length=200)
    folder: Optional[str] = Field(None, max_length=4096)
    media: Optional[list[str]] = None
    script: Optional[WebScript] = None
    options: dict = Field(default_factory=dict)


def _job_view(job: dict, assets: list[dict]) -> dict:
    req = job["request"]
    return {"id": job["id"], "name": job["request"].get("name") or f"job {job['id'][:6]}", "state": job["state"],
            "stage": job["stage"], "progress": round(max(0.0, min(1.0, job["progress"])), 3), "eta_s": job["eta_s"],
            "message": job["message"], "error": job["error"], "created": job["created"],
            "finished": job["finished"], "clips": len(req.get("media") or ()),
            "options": req.get("options") or {},
            "assets": [{"index": a["idx"], "name": os.path.basename(a["path"]), "state": a["state"],
                        "seconds": a["seconds"], "error": a["error"]} for a in assets]}


@router.get("/jobs", dependencies=authed)
def jobs(request: Request, limit: int = 30) -> dict:
    store = _s(request).store
    return {"jobs": [_job_view(j, store.assets(j["id"])) for j in store.list(limit=max(1, min(limit, 200)))]}


@router.post("/jobs", dependencies=authed, status_code=201, summary="start a job from a folder of rushes")
def submit(body: WebJob, request: Request) -> dict:
    from ..routes_jobs import create_job
    from ..schemas import JobRequest

    media = list(body.media or ())
    if not media:
        if not body.folder:
            raise HTTPException(400, "choose a folder of rushes (or media files)")
        try:
            media = media_in(body.folder, _s(request).config.allowed_roots)
        except BrowseError as exc:
            raise HTTPException(400, str(exc)) from None
        if not media:
            raise HTTPException(400, f"{body.folder}: no media files in this folder (.mov, .mp4, .mxf…)")
    script = None
    if body.script is not None and (body.script.path or body.script.text):
        script = {"path": body.script.path} if body.script.path else \
            {"text": body.script.text, "format": body.script.format or "fountain"}
    options = {k: v for k, v in body.options.items() if v not in (None, "")}
    try:
        req = JobRequest(media=[{"path": m} for m in media], script=script, options=options,
                         name=body.name or (os.path.basename(body.folder.rstrip("/")) if body.folder else None))
    except Exception as exc:  # pydantic: name the field in words
        errors = getattr(exc, "errors", lambda: [])()
        parts = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in errors] or [str(exc)]
        raise HTTPException(422, "invalid parameters: " + "; ".join(parts[:5])) from None
    created = create_job(req, request)
    return {"id": created.id, "state": created.state}


@router.post("/jobs/{job_id}/cancel", dependencies=authed)
def cancel(job_id: str, request: Request) -> dict:
    _job(request, job_id)
    job = _s(request).store.request_cancel(job_id)
    return _job_view(job, _s(request).store.assets(job_id))


@router.post("/jobs/{job_id}/retry", dependencies=authed, status_code=201)
def retry(job_id: str, request: Request) -> dict:
    from ..routes_jobs import create_job
    from ..schemas import JobRequest

    job = _job(request, job_id)
    if job["state"] not in ("failed", "cancelled", "done"):
        raise HTTPException(409, f"job {job_id} is {job['state']}; retry a failed or cancelled job")
    created = create_job(JobRequest(**job["request"]), request)
    return {"id": created.id, "state": created.state}


@router.get("/events", dependencies=authed, summary="job list as Server-Sent Events")
async def events(request: Request, interval: float = 0.4):
    store = _s(request).store
    interval = max(0.1, min(interval, 5.0))

    def snapshot():
        listed = store.list(limit=30)
        for j in listed[:3]:  # the newest finished jobs: get their cut ready for review
            if j["state"] == "done":
                _s(request).web.preload(j, _s(request).runner.cache)
        return [_job_view(j, store.assets(j["id"])) for j in listed]

    async def stream():
        last, beat = None, time.monotonic()
        while True:
            snap = await asyncio.to_thread(snapshot)
            text = json.dumps(snap)
            if text != last:
                yield f"event: jobs\ndata: {text}\n\n"
                last, beat = text, time.monotonic()
            elif time.monotonic() - beat > 15:
                yield ": keep-alive\n\n"
                beat = time.monotonic()
            if await request.is_disconnected():
                return
            await asyncio.sleep(interval)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


# -- review ---------------------------------------------------------------------------------
def _cut_view(request: Request, sess) -> dict:
    web = _s(request).web
    return {**sess.to_json(), "proxy": web.request_proxy(sess)}


@router.get("/jobs/{job_id}/cut", dependencies=authed)
def cut(job_id: str, request: Request) -> dict:
    return _cut_view(request, _session(request, job_id))


class SwapBody(BaseModel):
    line_id: str = Field(min_length=1, max_length=200)
    index: int = Field(ge=0, le=50)


class DropBody(BaseModel):
    line_id: str = Field(min_length=1, max_length=200)
    dropped: bool = True


def _show(sess) -> str:
    return (sess.request.get("options") or {}).get("show") or "default"


@router.post("/jobs/{job_id}/swap", dependencies=authed)
def swap(job_id: str, body: SwapBody, request: Request) -> dict:
    from roughcut_core.learn import FeedbackPair

    sess = _session(request, job_id)
    try:
        change = sess.swap(body.line_id, body.index)
    except EditError as exc:
        raise HTTPException(400, str(exc)) from None
    before, after = change["from"], change["to"]
    pair = None
    if before is not None and before["index"] != after["index"] and before["terms"] and after["terms"]:
        pair = FeedbackPair(body.line_id, after["terms"], before["terms"], 1.0)
    _s(request).web.record({"job": job_id, "line": body.line_id, "action": "swap",
                            "from": before["take_id"] if before else None, "to": after["take_id"]},
                           pair=pair, show=_show(sess))
    return _cut_view(request, sess)


@router.post("/jobs/{job_id}/drop", dependencies=authed)
def drop(job_id: str, body: DropBody, request: Request) -> dict:
    sess = _session(request, job_id)
    try:
        sess.set_dropped(body.line_id, body.dropped)
    except EditError as exc:
        raise HTTPException(400, str(exc)) from None
    _s(request).web.record({"job": job_id, "line": body.line_id, "action": "drop" if body.dropped else "restore"},
                           show=_show(sess))
    return _cut_view(request, sess)


@router.post("/jobs/{job_id}/reset-edits", dependencies=authed)
def reset_edits(job_id: str, request: Request) -> dict:
    sess = _session(request, job_id)
    sess.reset()
    return _cut_view(request, sess)


@router.get("/jobs/{job_id}/proxy", dependencies=authed)
def proxy_status(job_id: str, request: Request) -> dict:
    sess = _session(request, job_id)
    return _s(request).web.request_proxy(sess)


@router.get("/jobs/{job_id}/proxy.mp4", dependencies=authed)
def proxy_file(job_id: str, request: Request, v: int):
    _done_job(request, job_id)
    path = _s(request).web.proxy_path(job_id, v)
    if not path.is_file():
        raise HTTPException(404, f"job {job_id}: proxy version {v} is not rendered (yet)")
    return FileResponse(path, media_type="video/mp4")


@router.get("/jobs/{job_id}/alt/{line_id}/{index}.mp4", dependencies=authed)
def alternate(job_id: str, line_id: str, index: int, request: Request):
    sess = _session(request, job_id)
    try:
        path = _s(request).web.alternate_clip(sess, line_id, index)
    except EditError as exc:
        raise HTTPException(404, str(exc)) from None
    except Exception as exc:
        raise HTTPException(409, f"line {line_id} alternate {index + 1} cannot be played: {exc}") from None
    return FileResponse(path, media_type="video/mp4")


@router.get("/jobs/{job_id}/thumb/{decision_id}.jpg", dependencies=authed)
def thumb(job_id: str, decision_id: str, request: Request):
    from roughcut_core.picture import extract_thumbnail

    sess = _session(request, job_id)
    view = {d["id"]: d for d in sess.to_json()["strip"]}
    d = view.get(decision_id)
    if d is None or d["gap"] or not d["path"]:
        raise HTTPException(404, f"no picture for clip {decision_id!r} in this cut")
    try:
        data = extract_thumbnail(d["path"], d["thumb_t"], width=160)
    except Exception as exc:
        raise HTTPException(409, f"{os.path.basename(d['path'])}: no thumbnail: {exc}") from None
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/jobs/{job_id}/export/{fmt}", dependencies=authed, summary="download the edited cut")
def export(job_id: str, fmt: str, request: Request):
    from roughcut_core.edit.export import export_files

    if fmt not in EXPORTS:
        raise HTTPException(404, f"unknown export format {fmt!r}; one of {', '.join(EXPORTS)}")
    ext, target, _how = EXPORTS[fmt]
    sess = _session(request, job_id)
    out_dir = Path(tempfile.mkdtemp(prefix="export-", dir=_export_dir(request, job_id)))
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in (sess.cut.name or "roughcut"))[:80] or "roughcut"
    with sess.lock:
        otio_path = sess.write_otio(out_dir / "cut.otio")
    try:
        files = export_files(otio_path, out_dir / f"{stem}{ext}", target)
    except Exception as exc:
        raise HTTPException(409, f"{fmt}: export failed: {exc}") from None
    if len(files) == 1:
        return FileResponse(files[0], filename=files[0].name, media_type="application/octet-stream")
    bundle = out_dir / f"{stem}-{fmt}.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        for f in files:
            zf.write(f, f.name)
    return FileResponse(bundle, filename=bundle.name, media_type="application/zip")


def _export_dir(request: Request, job_id: str) -> str:
    path = _s(request).config.jobs_dir / job_id / "web" / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


# -- settings: preferences learned from the app -------------------------------------------------
@router.get("/preferences", dependencies=authed)
def preferences(request: Request) -> dict:
    from roughcut_core.edit.ranking import HAND_WEIGHTS
    from roughcut_core.learn import PreferenceStore
    from roughcut_core.learn.registry import PairLog

    store, pair_log = PreferenceStore(), PairLog()
    shows = sorted(p.stem for p in store.root.glob("*.json")) if store.root.is_dir() else []
    shows = sorted({*shows, *pair_log.shows()})  # issue 21: swaps are logged; weights change on promotion
    out = []
    for show in shows:
        try:
            prefs = store.load(show)
            logged = len(pair_log.load(show))
        except Exception as exc:
            out.append({"show": show, "error": str(exc)})
            continue
        changed = {k: round(v, 4) for k, v in prefs.weights.items() if abs(v - HAND_WEIGHTS.get(k, 0.0)) > 1e-9}
        out.append({"show": show, "version": prefs.version, "pairs_seen": logged,
                    "pairs_in_weights": prefs.pairs_seen, "updated": prefs.updated, "changed_weights": changed})
    return {"store": str(store.root), "shows": out, "events": _s(request).web.feedback_events()}


@router.post("/preferences/{show}/reset", dependencies=authed)
def reset_preferences(show: str, request: Request) -> dict:
    from roughcut_core.errors import RoughcutError
    from roughcut_core.learn import PreferenceStore

    from roughcut_core.learn.registry import ModelRegistry, PairLog

    try:
        prefs = PreferenceStore().reset(show)
        ModelRegistry().note_reset(show)  # the hand-set weights (v0) are current again
        PairLog().archive(show)  # learning starts afresh (the pairs are kept under pairs/archive/)
    except RoughcutError as exc:
        raise HTTPException(400, str(exc)) from None
    _s(request).web.clear_feedback_log(show)
    return {"show": prefs.show, "version": prefs.version, "pairs_seen": prefs.pairs_seen}
