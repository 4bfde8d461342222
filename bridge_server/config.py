"""Bridge configuration: where things live, what is allowed, how work is scheduled.

Paths (platformdirs, so each OS gets its native places):

- config dir = ``user_config_dir("roughcut")``: ``bridge.json`` (``{"url", "token", "pid"}``,
  mode 0600, written when the server is listening; hosts read it) and ``token`` (0600).
- data dir = ``user_data_dir("roughcut")``: ``jobs.sqlite3`` (job records, WAL),
  ``jobs/<id>/`` (results, per-asset analyses, feedback), ``bridge.log`` (detached server).
- analysis cache = ``<data dir>/analysis`` unless ``cache_dir`` is given.

``ROUGHCUT_BRIDGE_HOME=DIR`` replaces both with ``DIR/config`` and ``DIR/data`` (tests and
benchmarks never touch the real user dirs). The token is created once (``secrets``, 256 bits)
and reused; ``ROUGHCUT_BRIDGE_TOKEN`` overrides it for a run.
"""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from roughcut_core.fileio import atomic_write_text

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
# CEP panels are pages loaded from file://; Chromium sends the opaque origin "null" for them
# (and some CEP versions send "file://"). UXP plugins' fetch is not subject to CORS at all,
# so they need no entry. A page elsewhere that also sends "null" still has no token.
PANEL_ORIGINS = ("null", "file://")


@dataclass(frozen=True)
class BridgeConfig:
    config_dir: Path
    data_dir: Path
    token: str
    host: str = "127.0.0.1"
    port: int = 0
    allow_remote: bool = False
    cache_dir: Optional[Path] = None
    ray_address: Optional[str] = None
    ray_gpus_per_task: Optional[float] = None  # None: 1 when the cluster has GPUs, else 0
    workers: int = 1  # local analyses at once; 1 = one analysis at a time per model on CPU
    model_idle_s: float = 600.0  # drop loaded models after this long unused
    max_body_bytes: int = 2 * 1024 * 1024
    max_feedback_bytes: int = 32 * 1024 * 1024
    max_script_bytes: int = 4 * 1024 * 1024
    max_media_per_job: int = 1000
    cors_origins: tuple[str, ...] = PANEL_ORIGINS
    extra_hosts: tuple[str, ...] = field(default_factory=tuple)  # Host headers accepted besides loopback

    @property
    def bridge_file(self) -> Path:
        return self.config_dir / "bridge.json"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "jobs.sqlite3"

    @property
    def jobs_dir(self) -> Path:
        return self.data_dir / "jobs"

    @property
    def analysis_cache_dir(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.data_dir / "analysis"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "bridge.log"

    def check(self) -> None:
        """Refuse a non-loopback bind unless remote access was asked for explicitly."""
        if self.host not in LOOPBACK_HOSTS and not self.allow_remote:
            raise ValueError(f"refusing to listen on {self.host}: the bridge binds loopback only "
                             "unless --allow-remote is given")


def default_dirs() -> tuple[Path, Path]:
    home = os.environ.get("ROUGHCUT_BRIDGE_HOME")
    if home:
        return Path(home) / "config", Path(home) / "data"
    from platformdirs import user_config_dir, user_data_dir

    return Path(user_config_dir("roughcut")), Path(user_data_dir("roughcut"))


def load_or_create_token(config_dir: Path) -> str:
    env = os.environ.get("ROUGHCUT_BRIDGE_TOKEN")
    if env:
        return env
    path = config_dir / "token"
    try:
        token = path.read_text(encoding="utf-8").strip()
        if token:
            return token
    except FileNotFoundError:
        pass
    token = secrets.token_urlsafe(32)
    atomic_write_text(path, token + "\n", mode=0o600)
    return token


def load_config(**overrides) -> BridgeConfig:
    """Config from the default dirs (or ROUGHCUT_BRIDGE_HOME) with keyword overrides."""
    config_dir, data_dir = default_dirs()
    config_dir = Path(overrides.pop("config_dir", config_dir))
    data_dir = Path(overrides.pop("data_dir", data_dir))
    config_dir.mkdir(parents=True, exist_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    token = overrides.pop("token", None) or load_or_create_token(config_dir)
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if "cache_dir" in overrides:
        overrides["cache_dir"] = Path(overrides["cache_dir"])
    cfg = BridgeConfig(config_dir=config_dir, data_dir=data_dir, token=token, **overrides)
    cfg.check()
    return cfg


def write_bridge_file(config: BridgeConfig, url: str) -> Path:
    """``bridge.json`` for hosts: where the bridge listens and the token to send (0600)."""
    return atomic_write_text(config.bridge_file, json.dumps(
        {"url": url, "token": config.token, "pid": os.getpid()}, indent=2) + "\n", mode=0o600)


def read_bridge_file(config_dir: Path) -> Optional[dict]:
    try:
        data = json.loads((Path(config_dir) / "bridge.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "url" in data else None


def remove_bridge_file(config: BridgeConfig) -> None:
    """Remove ``bridge.json`` only if it is still ours (another bridge may have replaced it)."""
    data = read_bridge_file(config.config_dir)
    if data is not None and data.get("pid") == os.getpid():
        try:
            config.bridge_file.unlink()
        except FileNotFoundError:
            pass
