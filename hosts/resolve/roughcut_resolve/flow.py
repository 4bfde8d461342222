"""The two menu flows: "Generate Rough Cut" and "Send Rough Cut Feedback".

:func:`main_generate`: detect the edition and version (Free 21.1+ has no Python: point the
editor to the import path instead) → read the current bin → check it (empty, offline, mixed rates) → find
the screenplay → make sure the bridge runs → send the job → show progress → apply the host
plan as a new timeline → tell the editor what happened (mismatches included). Any problem
becomes one clear message and nothing in the project is changed before the plan is applied.
:func:`main_feedback`: read the current timeline into OTIO and post it to /v1/feedback.
Both return a dict (``ok``, ``error``, ...) so tests and callers can check the outcome.
"""
import glob
import json
import os
from typing import Any, Dict, List, Mapping, Optional

from .api import Resolve
from .bin_read import read_selected_bin
from .bridge_client import ensure_bridge, submit_job, wait_for_job
from .edition import UNREACHABLE_HELP, IMPORT_PATH_HELP, describe, detect
from .errors import ResolveFlowError
from .plan_apply import apply_plan
from .readback import job_id_from_markers, timeline_to_otio
from .ui import ConsoleUI

SCRIPT_EXTENSIONS = (".fountain", ".fdx", ".pdf")


def find_resolve(namespace: Optional[Mapping[str, Any]] = None) -> Any:
    """The resolve object: the predefined global, then ``bmd.scriptapp("Resolve")``, then
    ``DaVinciResolveScript.scriptapp`` (external; None on Free or with external scripting off)."""
    namespace = namespace or {}
    if namespace.get("resolve") is not None:
        return namespace["resolve"]
    bmd = namespace.get("bmd")
    if bmd is not None:
        try:
            found = bmd.scriptapp("Resolve")
        except Exception:
            found = None
        if found is not None:
            return found
    app = namespace.get("app")
    if app is not None:
        try:
            found = app.GetResolve()
        except Exception:
            found = None
        if found is not None:
            return found
    try:
        import DaVinciResolveScript  # noqa: F401  (only inside/next to Resolve)
    except ImportError:
        return None
    try:
        return DaVinciResolveScript.scriptapp("Resolve")
    except Exception:
        return None


def load_install(script_dir: Optional[str]) -> Dict[str, Any]:
    """``roughcut_install.json`` written beside the menu scripts by ``roughcut install resolve``."""
    if not script_dir:
        return {}
    try:
        with open(os.path.join(script_dir, "roughcut_install.json"), encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def choose_script(clips: List[Dict[str, Any]], ui, script_path: Optional[str] = None) -> str:
    """An explicit path, $ROUGHCUT_SCRIPT, the one screenplay beside the rushes (or one folder
    up), or the editor's choice; ResolveFlowError when none is found."""
    path = script_path or os.environ.get("ROUGHCUT_SCRIPT")
    if not path:
        found = set()
        for folder in sorted({os.path.dirname(c["path"]) for c in clips if c.get("path")}):
            for where in (folder, os.path.dirname(folder)):
                for ext in SCRIPT_EXTENSIONS:
                    found.update(glob.glob(os.path.join(glob.escape(where), "*" + ext)))
        if len(found) == 1:
            path = found.pop()
        else:
            path = ui.request_file("Choose the screenplay (.fountain, .fdx, .pdf)")
            if not path:
                raise ResolveFlowError(
                    "no screenplay chosen: %s. Put one .fountain/.fdx/.pdf next to the rushes or set ROUGHCUT_SCRIPT"
                    % ("several found beside the rushes" if found else "none found beside the rushes"))
    if not os.path.isfile(path):
        raise ResolveFlowError("screenplay not found: %s" % path)
    return os.path.abspath(path)


def check_clips(clips: List[Dict[str, Any]], notes: List[str]) -> List[Dict[str, Any]]:
    if not clips:
        raise ResolveFlowError("the current bin has no media clips: open the bin with the rushes (or select "
                               "clips in it) and run Generate Rough Cut again")
    offline = [c for c in clips if not c.get("online")]
    usable = [c for c in clips if c.get("online")]
    if offline:
        names = ", ".join("%s (%s)" % (c.get("name") or "?", c.get("path") or "no file path") for c in offline)
        if not usable:
            raise ResolveFlowError("every clip in the bin is offline: " + names)
        notes.append("skipped %d offline clip(s): %s" % (len(offline), names))
    rates = sorted({tuple(c["rate"]) for c in usable if c.get("rate")})
    if len(rates) > 1:
        notes.append("clips of mixed frame rates (%s): each is cut at its own rate; Resolve floors lengths "
                     "to the timeline rate" % ", ".join("%g" % (n / d) for n, d in rates))
    return usable


def main_generate(resolve: Any, install: Optional[Mapping[str, Any]] = None, ui=None,
                  script_path: Optional[str] = None, options: Optional[dict] = None,
                  poll_s: float = 0.5, timeout_s: Optional[float] = None) -> Dict[str, Any]:
    ui = ui or ConsoleUI()
    notes: List[str] = []
    host = None
    try:
        if resolve is None:
            raise ResolveFlowError(UNREACHABLE_HELP)
        host = detect(resolve)
        ui.message("running in " + describe(host))
        if not host["python_menu"]:
            raise ResolveFlowError(IMPORT_PATH_HELP)
        clips = check_clips(read_selected_bin(resolve), notes)
        for note in notes:
            ui.message(note)
        script = choose_script(clips, ui, script_path)
        ui.message("%d clips, screenplay %s: starting the bridge" % (len(clips), os.path.basename(script)))
        client = ensure_bridge(install)
        project = Resolve(resolve).current_project() if not isinstance(resolve, Resolve) else resolve.current_project()
        job_id = submit_job(client, clips, script, options, name=project.name() if project else None, notes=notes)
        status = client.job(job_id)
        ui.show_page(client.review_url(status))
        wait_for_job(client, job_id, ui.progress, poll_s=poll_s, timeout_s=timeout_s)
        plan = client.plan(job_id)
    except ResolveFlowError as exc:
        ui.error(str(exc))
        ui.close()
        return {"ok": False, "error": str(exc), "notes": notes, "host": host}
    result = apply_plan(resolve, plan, job_id=job_id)
    result["job_id"] = job_id
    result["host"] = host
    result["notes"] = notes + list(result.get("warnings") or [])
    (ui.message if result["ok"] else ui.error)(result["summary"])
    for line in result["notes"]:
        ui.message("note: " + line)
    for line in readback_lines(result):
        ui.error(line)
    ui.close()
    return result


def readback_lines(result: Dict[str, Any]) -> List[str]:
    """One line per planned thing the read-back found missing or wrong, naming its plan item
    and script lines (falls back to the placement check when there was no read-back)."""
    problems = result.get("readback") or result.get("mismatches") or []
    out = []
    for p in problems:
        lines = ", ".join(p.get("line_ids") or [])
        what = p.get("what") or "%s track %s" % (p.get("kind"), p.get("track"))
        out.append("read-back: item %s%s, %s: %s" % (p.get("item") or "(plan marker)",
                                                     " (line %s)" % lines if lines else "", what, p["problem"]))
    return out


def main_feedback(resolve: Any, install: Optional[Mapping[str, Any]] = None, ui=None,
                  note: Optional[str] = None) -> Dict[str, Any]:
    ui = ui or ConsoleUI()
    try:
        if resolve is None:
            raise ResolveFlowError("DaVinci Resolve is not reachable from this script: run Send Rough Cut Feedback "
                                   "from Workspace > Scripts inside Resolve (Studio, or Free up to 21.0.x); on "
                                   "Free 21.1+ use: roughcut feedback GENERATED.otio EDITED.otio --show NAME")
        rv = resolve if isinstance(resolve, Resolve) else Resolve(resolve)
        project = rv.current_project()
        timeline = project.current_timeline() if project else None
        if timeline is None:
            raise ResolveFlowError("open the edited rough-cut timeline first (no current timeline)")
        doc = timeline_to_otio(timeline)
        job_id = job_id_from_markers(timeline)
        client = ensure_bridge(install)
        body = {"otio": json.dumps(doc), "host": "resolve", "job_id": job_id, "note": note}
        try:
            reply = client.feedback(body)
        except ResolveFlowError as exc:
            if job_id is None or getattr(exc, "status", None) != 404:
                raise
            body["job_id"] = None  # the bridge no longer knows that job: store it unattached
            reply = client.feedback(body)
    except ResolveFlowError as exc:
        ui.error(str(exc))
        return {"ok": False, "error": str(exc)}
    ui.message("sent timeline %r to roughcut (%s)" % (timeline.name(), reply.get("learning", "stored")))
    return {"ok": True, "error": None, "feedback_id": reply.get("id"), "job_id": body["job_id"], "otio": doc}
