"""Bridge configuration: where things live, what is allowed, how work is scheduled.

Paths (platformdirs, so each OS gets its native places):

- config dir = ``user_config_dir("roughcut")``: ``bridge.json`` (``{"url", "token", "pid"}``,
  mode 0600, written when the server is listening; hosts read it) and ``token`` (0600).
- data dir = ``user_data_dir("roughcut")``: ``jobs.sqlite3`` (job records, WAL),
  ``jobs/<id>/`` (results, per-asset analyses, feedback), ``bridge.log`` (detached server).
- analysis cache = ``<data dir>/analysis`` unless ``cache_dir`` is given.

``ROUGHCUT_BRIDGE_HOME=DIR`` replaces both with ``DIR/config`` and ``DIR/data`` (tests and
benchmarks never touch the real user dirs). The token is created once (``secrets``, 256 bits)
and reused; ``ROUGHCUT_BRIDGE_TOKEN`` overrides it for a run. ``ROUGHCUT_CACHE_DIR`` (the
CLI's cache override) is honoured too when no ``cache_dir`` is given, so the CLI and the
bridge share one analysis cache.

Allowed roots: the bridge reads media and scripts only under ``allowed_roots``, from
``roughcut serve --allow DIR`` (repeatable), ``"allowed_roots": [...]`` in
``<config dir>/settings.json`` and ``ROUGHCUT_BRIDGE_ALLOW`` (``os.pathsep``-separated),
all together; when none is configured, the user's home folder. Each root is stored with
symlinks and ``..`` resolved (:func:`resolve_root`); see :func:`bridge_server.security.allowed_path`.

A ``bridge.json`` whose ``pid`` is no longer a live process (a bridge killed with ``kill -9``)
is stale: :func:`read_bridge_file` removes it and answers None.
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
    ray_cpus_per_task: float = 1.0  # CPUs per Ray analysis task (its workers' OMP_NUM_THREADS)
    workers: int = 1  # local analyses at once; 1 = one analysis at a time per model on CPU
    model_idle_s: float = 600.0  # drop loaded models after this long unused
    max_body_bytes: int = 2 * 1024 * 1024
    max_feedback_bytes: int = 32 * 1024 * 1024
    max_script_bytes: int = 4 * 1024 * 1024
    max_media_per_job: int = 1000
    cors_origins: tuple[str, ...] = PANEL_ORIGINS
    extra_hosts: tuple[str, ...] = field(default_factory=tuple)  # Host headers accepted besides loopback
    allowed_roots: tuple[Path, ...] = field(default_factory=tuple)  # resolved; empty = refuse every path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

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
        if not self.ray_cpus_per_task > 0:
            raise ValueError(f"--ray-cpus-per-task must be above 0, got {self.ray_cpus_per_task}")


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


def resolve_root(path) -> Path:
    """An allowed root as compared: ``~`` expanded, absolute, symlinks and ``..`` resolved."""
    return Path(os.path.realpath(os.path.abspath(os.path.expanduser(str(path)))))


def read_settings(config_dir: Path) -> dict:
    """``settings.json`` in the config dir ({} when absent); ValueError when unusable."""
    path = Path(config_dir) / "settings.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, RecursionError) as exc:
        raise ValueError(f"{path}: cannot read the bridge settings: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the bridge settings must be a JSON object")
    return data


def configured_roots(config_dir: Path, allow=()) -> tuple[Path, ...]:
    """The allowed roots: ``allow`` + settings.json + ``$ROUGHCUT_BRIDGE_ALLOW``, else home."""
    roots = [str(a) for a in (allow or ())]
    listed = read_settings(config_dir).get("allowed_roots", [])
    if not isinstance(listed, list) or not all(isinstance(r, str) and r for r in listed):
        raise ValueError(f"{Path(config_dir) / 'settings.json'}: allowed_roots must be a list of folder paths")
    roots += listed
    roots += [r for r in os.environ.get("ROUGHCUT_BRIDGE_ALLOW", "").split(os.pathsep) if r]
    if not roots:
        roots = [str(Path.home())]
    out: list[Path] = []
    for r in roots:
        resolved = resolve_root(r)
        if resolved not in out:
            out.append(resolved)
    return tuple(out)


def load_config(**overrides) -> BridgeConfig:
    """Config from the default dirs (or ROUGHCUT_BRIDGE_HOME) with keyword overrides.

    ``allow=[dirs]`` adds allowed roots (``--allow``); ``allowed_roots=`` replaces them all."""
    config_dir, data_dir = default_dirs()
    config_dir = Path(overrides.pop("config_dir", config_dir))
    data_dir = Path(overrides.pop("data_dir", data_dir))
    config_dir.mkdir(parents=True, exist_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    token = overrides.pop("token", None) or load_or_create_token(config_dir)
    allow = overrides.pop("allow", None)
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if "allowed_roots" in overrides:
        overrides["allowed_roots"] = tuple(resolve_root(r) for r in overrides["allowed_roots"])
    else:
        overrides["allowed_roots"] = configured_roots(config_dir, allow)
    if "cache_dir" not in overrides and os.environ.get("ROUGHCUT_CACHE_DIR"):
        overrides["cache_dir"] = os.environ["ROUGHCUT_CACHE_DIR"]
    if "cache_dir" in overrides:
        overrides["cache_dir"] = Path(overrides["cache_dir"])
    cfg = BridgeConfig(config_dir=config_dir, data_dir=data_dir, token=token, **overrides)
    cfg.check()
    return cfg


def write_bridge_file(config: BridgeConfig, url: str) -> Path:
    """``bridge.json`` for hosts: where the bridge listens and the token to send (0600)."""
    return atomic_write_text(config.bridge_file, json.dumps(
        {"url": url, "token": config.token, "pid": os.getpid()}, indent=2) + "\n", mode=0o600)


def pid_alive(pid) -> bool:
    """Whether a process with this id exists (signal 0; a permission error means it does)."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def read_bridge_file(config_dir: Path) -> Optional[dict]:
    """``bridge.json`` if it names a live bridge process; a stale one (its pid is gone,
    e.g. after ``kill -9``) is removed and None returned."""
    path = Path(config_dir) / "bridge.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not (isinstance(data, dict) and "url" in data):
        return None
    if "pid" in data and not pid_alive(data.get("pid")):
        try:  # unlink only the stale file we read, not one a new bridge just wrote
            if json.loads(path.read_text(encoding="utf-8")) == data:
                path.unlink()
        except (OSError, ValueError):
            pass
        return None
    return data


def remove_bridge_file(config: BridgeConfig) -> None:
    """Remove ``bridge.json`` only if it is still ours (another bridge may have replaced it)."""
    data = read_bridge_file(config.config_dir)
    if data is not None and data.get("pid") == os.getpid():
        try:
            config.bridge_file.unlink()
        except FileNotFoundError:
            pass
