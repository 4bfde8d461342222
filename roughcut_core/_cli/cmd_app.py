"""`roughcut app [--no-open] [--port N] [serve options]`: the web app in the browser.

Starts or finds the bridge and signs the browser in with a one-time link:

- ``roughcut app``: uses the bridge ``bridge.json`` names if it answers, else starts one
  detached (like ``roughcut serve --ensure``); asks it for a one-time login code (with the
  bridge token) and opens ``<url>/app/login#code=...`` in the default browser, then exits.
- ``roughcut app --no-open``: serves in the foreground (a fresh bridge on ``--port``, 0 = a
  free port) and prints the one-time URL as the **last line of stdout** once the bridge
  answers; keeps serving until interrupted. Without ``--port`` a live bridge named in
  ``bridge.json`` is reused instead: the URL is printed and the command waits for Ctrl-C.

The link works once (it becomes an HttpOnly, SameSite=Strict session cookie; see
``bridge_server.web.auth``) and expires after a few minutes: run the command again for a new one.
"""
from __future__ import annotations

import json
import logging
import sys
import threading
import time
import urllib.request


def register(sub) -> None:
    from bridge_server.__main__ import add_serve_args  # argparse only; nothing heavy

    p = sub.add_parser("app", help="open the roughcut web app in the browser (starts the bridge if needed)")
    add_serve_args(p)
    p.add_argument("--no-open", action="store_true",
                   help="do not open a browser: print the one-time login URL (last line) and keep serving")
    p.set_defaults(func=run)


def login_url(base: str, token: str, timeout: float = 10.0) -> str:
    """A fresh one-time login URL from the bridge at ``base`` (needs the bridge token)."""
    req = urllib.request.Request(base.rstrip("/") + "/app/api/login-code", data=b"", method="POST",
                                 headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return base.rstrip("/") + json.loads(resp.read())["path"]


def _announce_when_up(config, port_box: dict, done: threading.Event) -> None:
    """(thread) Wait for the foreground bridge to answer, then print its one-time URL."""
    from bridge_server.config import read_bridge_file
    from bridge_server.server import ping

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not done.is_set():
        info = read_bridge_file(config.config_dir)
        if info and info.get("pid") == port_box["pid"] and ping(info["url"], timeout=0.5):
            try:
                url = login_url(info["url"], config.token)
            except OSError as exc:
                print(f"roughcut: the bridge answers but gave no login link: {exc}", file=sys.stderr, flush=True)
                return
            print(url, flush=True)
            return
        time.sleep(0.1)
    if not done.is_set():
        print("roughcut: the bridge did not come up within 120 s", file=sys.stderr, flush=True)


def _wait_forever() -> int:
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0


def run(args) -> int:
    import os

    from bridge_server.config import default_dirs, read_bridge_file
    from bridge_server.server import ping

    logging.getLogger().setLevel(args.log_level.upper())
    config_dir, _data = default_dirs()
    if not args.no_open or not args.port:
        info = read_bridge_file(config_dir)
        if info and ping(info["url"]):
            url = login_url(info["url"], info["token"])
            return _show(url, args.no_open)
    if not args.no_open:
        from bridge_server.server import ensure_running

        from .cmd_serve import _forwarded

        try:
            base = ensure_running(_forwarded(args))
        except RuntimeError as exc:
            print(f"roughcut: {exc}", file=sys.stderr)
            return 1
        info = read_bridge_file(config_dir) or {}
        return _show(login_url(base, info.get("token", "")), no_open=False)
    # --no-open: serve here in the foreground; a helper thread prints the URL once it answers
    from bridge_server.__main__ import config_from_args
    from bridge_server.server import serve

    try:
        config = config_from_args(args)
    except ValueError as exc:
        print(f"roughcut: {exc}", file=sys.stderr)
        return 2
    done = threading.Event()
    threading.Thread(target=_announce_when_up, args=(config, {"pid": os.getpid()}, done),
                     name="roughcut-app-url", daemon=True).start()
    try:
        return serve(config, log_level=args.log_level)
    finally:
        done.set()


def _show(url: str, no_open: bool) -> int:
    if no_open:
        print(url, flush=True)
        return _wait_forever()
    import webbrowser

    opened = webbrowser.open(url)
    print(("opened roughcut in your browser: " if opened else "open this link in your browser (it works once): ") + url)
    return 0
