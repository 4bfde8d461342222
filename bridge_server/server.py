"""Run the bridge (uvicorn on a socket we bind, so port 0 works) and find or start one.

- :func:`serve` binds ``host:port`` (0 = a free port), writes ``bridge.json`` with the real
  URL and the token (0600), serves until SIGINT/SIGTERM, then removes ``bridge.json`` if it is
  still its own.
- :func:`ensure_running` reads ``bridge.json``; if its URL answers ``/v1/ping`` it returns it,
  else it starts ``python -m bridge_server`` detached (new session, output to the log file in
  the data dir) and waits until a live URL appears.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional, Sequence

from .config import BridgeConfig, default_dirs, read_bridge_file, remove_bridge_file, write_bridge_file

log = logging.getLogger(__name__)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio sets TCP_NODELAY on accepted connections only when the
    # listening socket's proto is IPPROTO_TCP; with proto 0, Nagle + delayed ACK add ~40 ms
    # to every keep-alive response (measured: status poll p50 48 ms -> 3 ms).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_for(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else (f"[{host}]" if ":" in host else host)
    return f"http://{shown}:{port}"


def _exit_on_sigterm(signum, frame):
    raise SystemExit(0)


def serve(config: BridgeConfig, log_level: str = "info") -> int:
    import uvicorn

    from .app import create_app

    config.check()
    # Analysis threads share this process with the HTTP loop; a shorter GIL switch interval
    # (default 5 ms) keeps status polls answering promptly while they run.
    sys.setswitchinterval(0.001)
    sock = _bind(config.host, config.port)
    port = sock.getsockname()[1]
    url = url_for(config.host, port)
    app = create_app(config)
    server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, access_log=False,
                                           timeout_graceful_shutdown=5, limit_concurrency=256))
    # uvicorn re-raises the SIGTERM it handled once it has shut down; exit through Python
    # (not the default handler) so the finally below still removes bridge.json
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    write_bridge_file(config, url)
    print(f"roughcut bridge listening on {url} (config {config.bridge_file})", flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        remove_bridge_file(config)
        sock.close()
    return 0


def ping(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/v1/ping", timeout=timeout) as resp:
            return resp.status == 200 and json.loads(resp.read() or b"{}").get("status") == "ok"
    except (OSError, ValueError, urllib.error.URLError):
        return False


def ensure_running(args: Sequence[str] = (), wait_s: float = 60.0,
                   config_dir: Optional[Path] = None, data_dir: Optional[Path] = None) -> str:
    """The URL of a live bridge, starting one detached (``python -m bridge_server ARGS``) if needed."""
    default_config, default_data = default_dirs()
    config_dir = Path(config_dir or default_config)
    data_dir = Path(data_dir or default_data)
    info = read_bridge_file(config_dir)
    if info and ping(info["url"]):
        return info["url"]
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "bridge.log"
    with open(log_path, "ab") as log_fh:
        proc = subprocess.Popen([sys.executable, "-m", "bridge_server", *args], stdin=subprocess.DEVNULL,
                                stdout=log_fh, stderr=subprocess.STDOUT, start_new_session=True,
                                close_fds=True, env=os.environ.copy())
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        info = read_bridge_file(config_dir)
        if info and info.get("pid") == proc.pid and ping(info["url"]):
            return info["url"]
        if proc.poll() is not None:
            raise RuntimeError(f"the bridge exited with status {proc.returncode} while starting; see {log_path}")
        time.sleep(0.2)
    raise RuntimeError(f"the bridge did not come up within {wait_s:.0f} s; see {log_path}")
