"""Talk to the local roughcut bridge (stdlib urllib only): find it, start it, send a job.

- ``bridge.json`` ({"url", "token"}) lives in the bridge's config dir: ``$ROUGHCUT_BRIDGE_HOME/
  config`` when set, else platformdirs' ``user_config_dir("roughcut")``, re-implemented here
  (:func:`user_config_dir`): Linux ``$XDG_CONFIG_HOME`` (absolute only) or ``~/.config`` +
  ``/roughcut``; macOS ``~/Library/Application Support/roughcut``; Windows
  ``%LOCALAPPDATA%\\roughcut\\roughcut`` (appauthor defaults to the app name).
- :func:`ensure_bridge` pings the URL in ``bridge.json``; when nothing answers it runs the
  installed ``roughcut serve --ensure`` (path recorded by ``roughcut install resolve``), which
  starts the bridge detached, then reads ``bridge.json`` again.
- API: ``Authorization: Bearer <token>``; POST /v1/jobs → {"id"}; GET /v1/jobs/{id} →
  {"state", "progress", "stage", "eta_s", "error"}; GET /v1/jobs/{id}/plan; POST /v1/feedback.
Every failure becomes a :class:`ResolveFlowError` whose text says what to do.
"""
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any, Callable, Dict, List, Mapping, Optional

from .errors import ResolveFlowError

TERMINAL = ("done", "failed", "cancelled")


def user_config_dir(app: str = "roughcut", platform: Optional[str] = None,
                    environ: Optional[Mapping[str, str]] = None, home: Optional[str] = None) -> str:
    platform = platform or sys.platform
    environ = os.environ if environ is None else environ
    home = home or os.path.expanduser("~")
    if platform.startswith("win"):
        base = environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
        return os.path.join(base, app, app)
    if platform == "darwin":
        return os.path.join(home, "Library", "Application Support", app)
    xdg = (environ.get("XDG_CONFIG_HOME") or "").strip()
    base = xdg if xdg and os.path.isabs(xdg) else os.path.join(home, ".config")
    return os.path.join(base, app)


def bridge_config_dir(environ: Optional[Mapping[str, str]] = None) -> str:
    environ = os.environ if environ is None else environ
    if environ.get("ROUGHCUT_BRIDGE_HOME"):
        return os.path.join(environ["ROUGHCUT_BRIDGE_HOME"], "config")
    return user_config_dir(environ=environ)


def read_bridge_info(config_dir: str) -> Optional[Dict[str, Any]]:
    try:
        with open(os.path.join(config_dir, "bridge.json"), encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("url") and data.get("token") else None


class BridgeClient:
    def __init__(self, url: str, token: str, timeout: float = 30.0):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def request(self, method: str, path: str, body: Optional[dict] = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + self.token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            raise BridgeHTTPError(exc.code, _detail(exc.read())) from None
        except (urllib.error.URLError, OSError) as exc:
            raise ResolveFlowError("the roughcut bridge at %s is not reachable (%s)" % (self.url, exc)) from None
        try:
            return json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            raise ResolveFlowError("the bridge sent a reply that is not JSON for %s %s" % (method, path)) from None

    def ping(self) -> bool:
        try:
            reply = self.request("GET", "/v1/ping")
        except ResolveFlowError:
            return False
        return isinstance(reply, dict) and reply.get("status") == "ok"

    def create_job(self, request: dict) -> str:
        return str(self.request("POST", "/v1/jobs", request)["id"])

    def job(self, job_id: str) -> Dict[str, Any]:
        return self.request("GET", "/v1/jobs/%s" % job_id)

    def plan(self, job_id: str) -> Dict[str, Any]:
        return self.request("GET", "/v1/jobs/%s/plan" % job_id)

    def feedback(self, doc: dict) -> Dict[str, Any]:
        return self.request("POST", "/v1/feedback", doc)

    def review_url(self, status: Dict[str, Any]) -> Optional[str]:
        link = (status.get("links") or {}).get("review")
        return self.url + link if link else None


class BridgeHTTPError(ResolveFlowError):
    def __init__(self, status: int, detail: str):
        super().__init__("the bridge refused the request (HTTP %d): %s" % (status, detail))
        self.status = status
        self.detail = detail


def _detail(raw: bytes) -> str:
    try:
        body = json.loads(raw.decode("utf-8"))
    except ValueError:
        return raw.decode("utf-8", "replace")[:500]
    detail = body.get("detail", body) if isinstance(body, dict) else body
    if isinstance(detail, dict) and "error" in detail:
        return str(detail["error"])
    if isinstance(detail, list):  # pydantic validation errors
        return "; ".join("%s: %s" % (".".join(str(x) for x in d.get("loc", [])), d.get("msg"))
                         for d in detail if isinstance(d, dict))
    return str(detail)[:1000]


def ensure_bridge(install: Optional[Mapping[str, Any]] = None, environ: Optional[Mapping[str, str]] = None,
                  start_timeout: float = 120.0) -> BridgeClient:
    """A client for a live bridge, starting it through the installed ``roughcut`` if needed."""
    install = install or {}
    env = dict(os.environ if environ is None else environ)
    env.update(install.get("env") or {})
    config_dir = bridge_config_dir(env)
    info = read_bridge_info(config_dir)
    if info and BridgeClient(info["url"], info["token"], timeout=3).ping():
        return BridgeClient(info["url"], info["token"])
    command = list(install.get("serve_command") or [])
    if not command:
        raise ResolveFlowError("the roughcut bridge is not running and no roughcut install was recorded: run "
                               "`roughcut install resolve` (or start `roughcut serve`) and try again")
    try:
        proc = subprocess.run(command + ["serve", "--ensure"] if command[-1] != "--ensure" else command,
                              env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=start_timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ResolveFlowError("could not start the roughcut bridge with %s: %s" % (command[0], exc)) from None
    if proc.returncode != 0:
        raise ResolveFlowError("the roughcut bridge did not start: %s" % (
            proc.stderr.decode("utf-8", "replace").strip()[-800:] or "exit status %d" % proc.returncode))
    info = read_bridge_info(config_dir)
    if not info:
        raise ResolveFlowError("the bridge started but wrote no bridge.json in %s" % config_dir)
    client = BridgeClient(info["url"], info["token"])
    if not client.ping():
        raise ResolveFlowError("the roughcut bridge at %s does not answer" % info["url"])
    return client


def job_request(clips: List[Dict[str, Any]], script_path: str, options: Optional[dict] = None,
                name: Optional[str] = None, with_hints: bool = True) -> Dict[str, Any]:
    media = []
    for c in clips:
        m = {"path": c["path"], "host_id": c.get("host_id") or None}
        if c.get("rate"):
            m["rate"] = list(c["rate"])
        if c.get("start_tc"):
            m["start_timecode"] = c["start_tc"]
        if with_hints:
            m["start_frame"] = c.get("start_frame")
            m["hints"] = c.get("hints") or {}
        media.append(m)
    out = {"media": media, "script": {"path": script_path}, "options": dict(options or {})}
    if name:
        out["name"] = name
    return out


def submit_job(client: BridgeClient, clips, script_path: str, options: Optional[dict] = None,
               name: Optional[str] = None, notes: Optional[List[str]] = None) -> str:
    """POST the job with preferred-take hints; a bridge whose schema forbids the extra fields
    (HTTP 422 naming them) gets the plain request, and ``notes`` says the hints were dropped."""
    try:
        return client.create_job(job_request(clips, script_path, options, name, with_hints=True))
    except BridgeHTTPError as exc:
        if exc.status != 422 or not any(k in exc.detail for k in ("hints", "start_frame")):
            raise
    if notes is not None:
        notes.append("this bridge does not accept clip hints (colour, flags, good take); sent without them")
    return client.create_job(job_request(clips, script_path, options, name, with_hints=False))


def wait_for_job(client: BridgeClient, job_id: str, on_progress: Optional[Callable[[Dict[str, Any]], Any]] = None,
                 poll_s: float = 0.5, timeout_s: Optional[float] = None) -> Dict[str, Any]:
    """Poll until the job ends; returns its final status, raises ResolveFlowError if it failed."""
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    while True:
        status = client.job(job_id)
        if on_progress is not None:
            on_progress(status)
        state = status.get("state")
        if state == "done":
            return status
        if state in ("failed", "cancelled"):
            raise ResolveFlowError("the rough-cut job %s %s%s" % (
                job_id, state, ": " + str(status.get("error")) if status.get("error") else ""))
        if deadline is not None and time.monotonic() > deadline:
            raise ResolveFlowError("the rough-cut job %s is still %s after %.0f s" % (job_id, state, timeout_s))
        time.sleep(poll_s)
