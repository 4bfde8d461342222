"""Apply a host plan to a running Premiere Pro through the Pymiere Link panel.

pymiere's "Pymiere Link" CEP extension (HOST_API.md B3) serves ``http://127.0.0.1:3000``:
``GET /`` answers ``Premiere is alive`` and ``POST / {"to_eval": code}`` runs ``code`` with
``CSInterface.evalScript`` and answers its result as text (``EvalScript error.`` when the
script fails). We speak that protocol directly with the standard library instead of importing
pymiere (unmaintained, imports ``distutils``, Windows-only process checks).

:func:`apply_plan_premiere` sends ``hosts/premiere_cep/jsx/roughcut.jsx``, its ``//@include`` parts
inlined, followed by ``roughcut_applyPlan("<plan JSON>")`` (the same ExtendScript the CEP panel runs) and returns
the summary dict the script produced. Errors (:class:`PremiereLinkError`) name the URL or the
plan file and say what to do; the plan is checked before anything is sent, and the script
itself builds nothing unless every clip is found (see roughcut.jsx).
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional, Union

from ..errors import RoughcutError

DEFAULT_LINK_URL = "http://127.0.0.1:3000"
HOSTPLAN_SCHEMA = "roughcut.hostplan/1"
EVAL_FAILED = "EvalScript error."


class PremiereLinkError(RoughcutError):
    """Premiere or its Pymiere Link panel cannot be reached, or the script failed there."""


def default_jsx_path() -> Path:
    """``hosts/premiere_cep/jsx/roughcut.jsx`` of this checkout."""
    return Path(__file__).resolve().parents[2] / "hosts" / "premiere_cep" / "jsx" / "roughcut.jsx"


_INCLUDE = re.compile(r"""^\s*(?:#|//@)include\s+["'](.+?)["']\s*;?\s*$""")


def read_jsx(path: Union[str, Path], _seen: Optional[list] = None) -> str:
    """The text of a .jsx file with its ``#include`` / ``//@include`` parts inlined, as ExtendScript's
    preprocessor does (a relative part resolves beside the including file). Code sent through
    ``evalScript`` has no file of its own to resolve parts against, so it goes whole.
    Raises :class:`RoughcutError` naming the file that cannot be read."""
    path = Path(path).resolve()
    seen = _seen if _seen is not None else []
    if path in seen:
        return ""
    seen.append(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RoughcutError(f"{path}: cannot read the Premiere ExtendScript: {exc}") from exc
    out = []
    for line in text.splitlines():
        m = _INCLUDE.match(line)
        out.append(read_jsx(path.parent / m.group(1), seen) if m else line)
    return "\n".join(out) + "\n"


def _js_string(text: str) -> str:
    # JSON string literals are ES3 string literals once U+2028/9 (line terminators in ES3) are escaped
    return json.dumps(text, ensure_ascii=True)


def build_apply_code(jsx_source: str, plan: dict) -> str:
    """The ExtendScript sent to the link: the jsx, then the call that returns the summary."""
    return f"{jsx_source}\n;roughcut_applyPlan({_js_string(json.dumps(plan, ensure_ascii=False))});\n"


def _request(url: str, data: Optional[bytes], timeout: float) -> str:
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET",
                                 headers={"Content-Type": "application/json"} if data is not None else {})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.read().decode("utf-8", errors="replace")


def check_link(link_url: str = DEFAULT_LINK_URL, timeout: float = 3.0) -> None:
    """Raise :class:`PremiereLinkError` unless the Pymiere Link panel answers ``Premiere is alive``."""
    hint = ("start Premiere Pro with a project open and the Pymiere Link extension installed "
            "(Window > Extensions > Pymiere Link)")
    try:
        reply = _request(link_url.rstrip("/") + "/", None, timeout)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PremiereLinkError(f"Premiere Pro is not reachable at {link_url} ({reason}): {hint}") from exc
    if reply.strip() != "Premiere is alive":
        raise PremiereLinkError(f"{link_url} answered {reply[:80]!r}, not the Pymiere Link panel: {hint}")


def load_plan(path: Union[str, Path]) -> dict:
    """Read and check a ``roughcut.hostplan/1`` file."""
    path = Path(path)
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RoughcutError(f"{path}: plan file not found") from exc
    except (OSError, ValueError) as exc:
        raise RoughcutError(f"{path}: not a JSON host plan: {exc}") from exc
    if not isinstance(plan, dict) or plan.get("schema") != HOSTPLAN_SCHEMA:
        raise RoughcutError(f"{path}: not a {HOSTPLAN_SCHEMA} document")
    if not plan.get("items"):
        raise RoughcutError(f"{path}: the plan has no clips to place")
    return plan


def apply_plan_premiere(plan: Union[dict, str, Path], link_url: str = DEFAULT_LINK_URL,
                        jsx_path: Optional[Union[str, Path]] = None, timeout: float = 300.0) -> dict:
    """Build the plan as a new sequence in the running Premiere; returns the script's summary.

    The summary has ``ok``, ``sequence`` {name, sequence_id, timebase, zero_point}, ``placed``,
    ``alternates``, ``markers``, ``skipped``, ``mismatches``, ``readback`` (one {item, line_ids,
    problem} per placed item found missing or wrong when the sequence is read back), ``warnings``. A summary with
    ``ok: false`` (nothing was built) raises :class:`PremiereLinkError` with the script's reason.
    """
    if not isinstance(plan, dict):
        plan = load_plan(plan)
    jsx = Path(jsx_path) if jsx_path else default_jsx_path()
    source = read_jsx(jsx)
    check_link(link_url)
    body = json.dumps({"to_eval": build_apply_code(source, plan)}).encode("utf-8")
    try:
        reply = _request(link_url.rstrip("/") + "/", body, timeout)
    except (urllib.error.URLError, OSError) as exc:
        raise PremiereLinkError(f"Premiere Pro stopped answering at {link_url} while building: {exc}") from exc
    if reply.strip() == EVAL_FAILED:
        raise PremiereLinkError(f"Premiere could not run {jsx.name} (EvalScript error.): is the ExtendScript engine busy "
                                "with a modal dialog?")
    try:
        summary = json.loads(reply)
    except ValueError as exc:
        raise PremiereLinkError(f"unexpected reply from Premiere: {reply[:200]!r}") from exc
    if not isinstance(summary, dict) or not summary.get("ok"):
        problems = summary.get("problems") if isinstance(summary, dict) else None
        detail = "; ".join(problems[1:4]) if problems and len(problems) > 1 else ""
        error = summary.get("error") if isinstance(summary, dict) else reply[:200]
        raise PremiereLinkError(f"Premiere: {error}" + (f" (also: {detail})" if detail else ""))
    return summary
