"""Security: the bearer token, CORS for the NLE panels, Host checks and request size limits.

- Every ``/v1`` route needs ``Authorization: Bearer <token>`` (compared with
  ``hmac.compare_digest``, constant time) except ``GET /v1/ping`` (liveness, answers
  ``{"status": "ok"}`` and nothing else) and ``GET /v1/health``, which without a valid token
  also answers only ``{"status": "ok"}``; with one it adds version and capabilities.
- CORS: only the panel origins (:data:`bridge_server.config.PANEL_ORIGINS`: ``null`` and
  ``file://`` for CEP; UXP fetch is not subject to CORS). Other origins get no CORS headers and
  their preflights are refused.
- Host header: loopback names only (plus configured extras), so a DNS-rebinding page cannot
  talk to the bridge under its own name.
- Bodies larger than the limit are refused with 413 before they are read whole: by
  ``Content-Length`` when given, else while streaming.
"""
from __future__ import annotations

import hmac
import json
import os
from typing import Optional

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPBearer

BEARER = "bearer "
# Declares the scheme in the OpenAPI document; the check itself is ``require_token``.
_bearer_scheme = HTTPBearer(auto_error=False, description="the token from bridge.json")


def token_ok(header: Optional[str], token: str) -> bool:
    """Whether an ``Authorization`` header carries ``token`` (constant-time comparison)."""
    if not header or not header[: len(BEARER)].lower() == BEARER:
        return False
    return hmac.compare_digest(header[len(BEARER):].strip().encode("utf-8"), token.encode("utf-8"))


def require_token(request: Request, _declared=Depends(_bearer_scheme)) -> None:
    """FastAPI dependency: 401 with a JSON reason unless the request carries the bridge token."""
    header = request.headers.get("authorization")
    if not token_ok(header, request.app.state.config.token):
        reason = "missing Authorization: Bearer <token> header" if not header else "invalid token"
        raise HTTPException(status_code=401, detail=reason, headers={"WWW-Authenticate": "Bearer"})


async def _send_json(send, status: int, body: dict) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


class BodyLimitMiddleware:
    """ASGI middleware: 413 for bodies over ``limit_for(path)`` bytes."""

    def __init__(self, app, default_limit: int, limits: Optional[dict] = None):
        self.app = app
        self.default_limit = default_limit
        self.limits = limits or {}

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.limits.items():
            if path.startswith(prefix):
                return limit
        return self.default_limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope.get("path", ""))
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    return await _send_json(send, 400, {"error": "invalid Content-Length header"})
                if length > limit:
                    return await _send_json(send, 413, {"error": f"request body too large: {length} bytes, "
                                                                 f"limit {limit} bytes"})
        seen = 0
        too_large = False
        started = False

        async def limited_receive():
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    too_large = True
                    raise _TooLarge()
            return message

        async def tracking_send(message):
            # the app may turn our receive() error into its own 400 ("error parsing the body"):
            # answer 413 instead and drop what the app meant to send
            nonlocal started
            if too_large:
                if not started:
                    started = True
                    await _send_json(send, 413, {"error": f"request body too large: over {limit} bytes"})
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_json(send, 413, {"error": f"request body too large: over {limit} bytes"})
        except Exception:
            if too_large and not started:
                await _send_json(send, 413, {"error": f"request body too large: over {limit} bytes"})
            else:
                raise


class _TooLarge(Exception):
    pass


def allowed_hosts(config) -> list[str]:
    from .config import LOOPBACK_HOSTS

    if config.allow_remote:
        return ["*"]
    return [*LOOPBACK_HOSTS, "[::1]", *config.extra_hosts]


OUTSIDE_ROOTS = "not under a folder this bridge may read (add it with `roughcut serve --allow DIR` or " \
                "allowed_roots in settings.json)"


def allowed_path(path: str, roots) -> Optional[str]:
    """``path`` resolved (symlinks, ``..``) if it lies under one of ``roots`` (already
    resolved), else None. Callers answer :data:`OUTSIDE_ROOTS` whether or not the path
    exists: nothing outside the roots is ever stat'ed or opened, and the answer leaks nothing."""
    if not isinstance(path, str) or not path or "\x00" in path or not os.path.isabs(path):
        return None
    try:
        resolved = os.path.realpath(path)
    except (OSError, ValueError):
        return None
    for root in roots:
        root = str(root)
        if resolved == root or resolved.startswith(root.rstrip(os.sep) + os.sep):
            return resolved
    return None
