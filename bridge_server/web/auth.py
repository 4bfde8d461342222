"""Web app sign-in: one-time login codes exchanged for an HttpOnly, SameSite=Strict cookie.

Flow: ``roughcut app`` asks the bridge (with the API bearer token from ``bridge.json``) for a
one-time code (``POST /app/api/login-code``) and opens ``<bridge>/app/login#code=<code>``.
The code is in the URL *fragment*, so it never reaches a server log or a Referer header; the
login page's script posts it to ``POST /app/api/session``, which spends it (a second use is
refused), sets the ``rc_session`` cookie and the page replaces itself with ``/app/`` (the
login URL is dropped from the tab's history). Codes live :data:`CODE_TTL_S` seconds.

Every ``/app/api`` route accepts the session cookie *or* the API's ``Authorization: Bearer``
header (:func:`bridge_server.security.token_ok`): the same auth as the API. State-changing
routes also need the ``X-Roughcut: 1`` header (a cross-site form cannot send it, and a
cross-origin script must pass a CORS preflight the bridge refuses). Sessions live in memory
(``app.state.web_auth``): restarting the bridge signs everybody out.
"""
from __future__ import annotations

import hmac
import secrets
import threading
import time
from typing import Optional

from fastapi import HTTPException, Request

from ..security import token_ok

COOKIE = "rc_session"
CODE_TTL_S = 300.0
SESSION_TTL_S = 12 * 3600.0
CSRF_HEADER = "x-roughcut"


class WebAuth:
    """One-time codes and sessions of one bridge process (thread-safe)."""

    def __init__(self, code_ttl_s: float = CODE_TTL_S, session_ttl_s: float = SESSION_TTL_S):
        self.code_ttl_s = code_ttl_s
        self.session_ttl_s = session_ttl_s
        self._codes: dict[str, float] = {}
        self._sessions: dict[str, float] = {}
        self._lock = threading.Lock()

    def new_code(self) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._prune(time.monotonic())
            self._codes[code] = time.monotonic() + self.code_ttl_s
        return code

    def spend_code(self, code: str) -> Optional[str]:
        """A new session id if ``code`` is a live unused code (it is spent either way)."""
        now = time.monotonic()
        with self._lock:
            self._prune(now)
            match = None
            for known in list(self._codes):
                if hmac.compare_digest(known.encode(), code.encode()):
                    match = known
            if match is None:
                return None
            del self._codes[match]
            sid = secrets.token_urlsafe(32)
            self._sessions[sid] = now + self.session_ttl_s
            return sid

    def session_ok(self, sid: Optional[str]) -> bool:
        if not sid:
            return False
        now = time.monotonic()
        with self._lock:
            expiry = self._sessions.get(sid)
            return expiry is not None and expiry > now

    def end_session(self, sid: Optional[str]) -> None:
        with self._lock:
            self._sessions.pop(sid or "", None)

    def _prune(self, now: float) -> None:
        for table in (self._codes, self._sessions):
            for key in [k for k, exp in table.items() if exp <= now]:
                del table[key]


def signed_in(request: Request) -> bool:
    """Session cookie or the API bearer token."""
    auth: WebAuth = request.app.state.web_auth
    if auth.session_ok(request.cookies.get(COOKIE)):
        return True
    return token_ok(request.headers.get("authorization"), request.app.state.config.token)


def require_web(request: Request) -> None:
    """Dependency for ``/app/api`` routes: 401 unless signed in; a cookie session's writes
    also need ``X-Roughcut: 1`` (a bearer-token caller is not a browser: no CSRF to stop)."""
    if token_ok(request.headers.get("authorization"), request.app.state.config.token):
        return
    auth: WebAuth = request.app.state.web_auth
    if not auth.session_ok(request.cookies.get(COOKIE)):
        raise HTTPException(401, "not signed in: run `roughcut app` to open the app with a fresh login link")
    if request.method not in ("GET", "HEAD") and request.headers.get(CSRF_HEADER) != "1":
        raise HTTPException(403, "missing X-Roughcut: 1 header (requests from other sites are refused)")
