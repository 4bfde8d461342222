"""Reliability battery, input side (issue 22): every bad-input kind, at every entry point.

Kinds: named pipe (FIFO), socket, character device, symlink loop, dangling link, folder named
like a media file, empty file, text posing as media, unreadable file (checked as a non-root
uid: the tests run as root, which reads anything), a newline in a file name. Entry points:
the shared check, ``probe``, ``discover_media``, ``load_script``, and the CLI commands
``probe``/``faces``/``transcribe``/``align``/``cut``/``export``/``feedback``/``render``
(run in-process through ``main``). Nothing may hang (pytest-timeout on each test), print a
traceback, report a FIFO as "empty file", or write an empty cut after a failure.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from roughcut_core._cli.main import main
from roughcut_core.errors import MediaError, ScriptError
from roughcut_core.paths import InputFileError, check_input_file, check_output_file

pytestmark = pytest.mark.timeout(60)
REPO = Path(__file__).resolve().parents[1]

# kind -> (builder(dir) -> path, substring the reason must hold)
def _fifo(d: Path) -> Path:
    p = d / "pipe.mov"
    os.mkfifo(p)
    return p


def _socket(d: Path) -> Path:
    p = d / "sock.mov"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(p))
    s.close()
    return p


def _loop(d: Path) -> Path:
    p = d / "loop.mov"
    p.symlink_to(p.name)
    return p


def _dangling(d: Path) -> Path:
    p = d / "dangling.mov"
    p.symlink_to(d / "gone.mov")
    return p


def _folder(d: Path) -> Path:
    p = d / "folder.mov"
    p.mkdir()
    return p


def _empty(d: Path) -> Path:
    p = d / "empty.mov"
    p.touch()
    return p


def _text(d: Path) -> Path:
    p = d / "notes.mov"
    p.write_text("INT. NOT A MOVIE\n" * 50)
    return p


def _huge_frame(d: Path) -> Path:
    p = d / "huge.y4m"  # a header claiming a 60000x60000 picture: FFmpeg answers EBUSY
    p.write_bytes(b"YUV4MPEG2 W60000 H60000 F25:1 Ip A1:1 C420jpeg\nFRAME\n" + bytes(range(256)) * 64)
    return p


KINDS = {
    "huge_frame": (_huge_frame, "impossible frame size"),
    "fifo": (_fifo, "named pipe (FIFO)"),
    "socket": (_socket, "is a socket"),
    "device": (lambda d: Path("/dev/null"), "character device"),
    "symlink_loop": (_loop, "symbolic link loop"),
    "dangling_link": (_dangling, "broken link"),
    "folder_named_mov": (_folder, "is a folder"),
    "empty": (_empty, "empty file (0 bytes)"),
    "text": (_text, "not a media file"),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_probe_gives_one_reason_per_kind(kind, tmp_path):
    from roughcut_core.media import probe

    build, reason = KINDS[kind]
    path = build(tmp_path)
    with pytest.raises(MediaError) as info:
        probe(path)
    assert reason in info.value.reason, info.value.reason
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    if kind == "fifo":
        assert "empty" not in info.value.reason


@pytest.mark.parametrize("kind", ["fifo", "socket", "device", "symlink_loop", "dangling_link"])
def test_discover_reports_special_files_and_never_returns_them(kind, tmp_path):
    from roughcut_core.media import discover_media

    build, reason = KINDS[kind]
    named = build(tmp_path)
    folder = tmp_path / "bin"
    folder.mkdir()
    build(folder) if kind != "device" else None
    found, errors = discover_media([named, folder])
    assert named not in found and not any(p.parent == folder for p in found)
    assert any(reason in e.reason and e.path == str(named) for e in errors), [str(e) for e in errors]


@pytest.mark.parametrize("kind", ["fifo", "socket", "device", "symlink_loop", "folder_named_mov"])
def test_script_loader_never_opens_special_files(kind, tmp_path):
    from roughcut_core.script import load_script

    build, reason = KINDS[kind]
    path = build(tmp_path)
    target = path.with_suffix(".fountain") if kind != "device" else path
    if target != path:
        os.rename(path, target) if kind != "symlink_loop" else target.symlink_to(target.name)
    with pytest.raises(ScriptError) as info:
        load_script(target)
    assert reason.split()[0] in info.value.reason or "link loop" in info.value.reason, info.value.reason


def test_newline_in_a_file_name_stays_on_one_line(tmp_path, capsys):
    bad = tmp_path / "take\nONE.mov"
    bad.write_bytes(b"\x00" * 64)
    rc = main(["probe", str(bad)])
    err = capsys.readouterr().err
    assert rc == 2
    line = [l for l in err.splitlines() if "take" in l]
    assert len(line) == 1 and "take\\nONE.mov" in line[0]


def test_probe_table_escapes_control_characters(tmp_path, capsys):
    from roughcut_core.synth import write_test_video

    good = tmp_path / "a\nb.mov"
    write_test_video(good, rate=24, seconds=0.25, width=32, height=32)
    assert main(["probe", str(good)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and "a\\nb.mov" in out[1]


def _unreadable_as_nobody(path: Path) -> str:
    """Probe ``path`` in a child that drops to uid/gid 65534 after importing what it needs
    (the interpreter lives under /root, which uid 65534 cannot enter); returns its stdout."""
    code = (
        "import os, sys, av, json\n"
        "import roughcut_core.paths, roughcut_core.media.keys\n"
        "from roughcut_core.media import probe\n"
        "from roughcut_core.script import load_script\n"
        "import roughcut_core.script.textio\n"
        "os.setgroups([]); os.setgid(65534); os.setuid(65534)\n"
        "out = {}\n"
        "try:\n    probe(sys.argv[1])\nexcept Exception as e:\n    out['probe'] = e.reason\n"
        "try:\n    load_script(sys.argv[2])\nexcept Exception as e:\n    out['script'] = e.reason\n"
        "print(json.dumps(out))\n")
    return subprocess.run([sys.executable, "-c", code, str(path), str(path.with_suffix(".fountain"))],
                          capture_output=True, text=True, timeout=60, cwd=str(REPO),
                          env=dict(os.environ, PYTHONPATH=str(REPO))).stdout


@pytest.mark.skipif(not hasattr(os, "setuid") or os.geteuid() != 0,
                    reason="needs root to drop to another uid (a non-root run cannot make a file it cannot read)")
def test_unreadable_files_as_a_non_root_user():
    folder = Path(tempfile.mkdtemp(prefix="roughcut-unreadable-"))
    try:
        folder.chmod(0o755)  # uid 65534 may enter, not read the files
        media = folder / "locked.mov"
        media.write_bytes(b"\x00" * 1024)
        media.chmod(0o600)
        script = folder / "locked.fountain"
        script.write_text("INT. X\n\nA\nHi.\n")
        script.chmod(0o600)
        out = json.loads(_unreadable_as_nobody(media) or "{}")
        assert out.get("probe") == "cannot read: permission denied", out
        assert out.get("script") == "cannot read: permission denied", out
    finally:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


# -- CLI entry points (in-process) ----------------------------------------------------------

@pytest.fixture()
def good_clip(tmp_path) -> Path:
    from roughcut_core.synth import write_test_video

    path = tmp_path / "good.mov"
    write_test_video(path, rate=24, seconds=0.5, width=64, height=48)
    return path


def _one_line_errors(err: str) -> None:
    assert "Traceback" not in err, err
    for line in err.strip().splitlines():
        assert line.startswith("roughcut"), line


def test_faces_goes_on_after_a_fifo(tmp_path, good_clip, capsys):
    fifo = _fifo(tmp_path)
    rc = main(["faces", str(fifo), str(good_clip), "--no-cache", "--json"])
    cap = capsys.readouterr()
    _one_line_errors(cap.err)
    assert rc == 0 and "named pipe (FIFO)" in cap.err
    assert [r["path"] for r in json.loads(cap.out)] == [str(good_clip)]


def test_transcribe_reports_a_fifo_and_a_text_file(tmp_path, capsys):
    rc = main(["transcribe", str(_fifo(tmp_path)), str(_text(tmp_path)), "--no-cache"])
    cap = capsys.readouterr()
    _one_line_errors(cap.err)
    assert rc == 2 and "named pipe (FIFO)" in cap.err and "not a media file" in cap.err
    assert "Errno" not in cap.err


@pytest.mark.parametrize("command", ["cut", "align"])
def test_a_fifo_as_script_fails_at_once(command, tmp_path, good_clip, capsys):
    script = tmp_path / "scene.fountain"
    os.mkfifo(script)
    argv = [command, str(good_clip), "--script", str(script), "--no-cache"]
    if command == "cut":
        argv += ["--out", str(tmp_path / "cut.otio"), "--no-picture"]
    rc = main(argv)
    cap = capsys.readouterr()
    _one_line_errors(cap.err)
    assert rc != 0 and "named pipe (FIFO)" in cap.err
    assert not (tmp_path / "cut.otio").exists()


@pytest.mark.parametrize("argv", [
    ["export", "{fifo}", "{tmp}/x.edl"],
    ["render", "{fifo}", "{tmp}/x.mp4"],
    ["feedback", "{fifo}", "{fifo}", "--preferences-dir", "{tmp}/prefs"],
    ["feedback", "{list}", "{list}", "--preferences-dir", "{tmp}/prefs"],
    ["feedback", "{clip}", "{clip}", "--preferences-dir", "{tmp}/prefs"],
    ["export", "{list}", "{tmp}/x.edl"],
    ["apply", "--host", "premiere", "{fifo}"],
])
def test_timeline_inputs_fail_with_one_line(argv, tmp_path, capsys):
    fifo = tmp_path / "pipe.otio"
    os.mkfifo(fifo)
    (tmp_path / "list.otio").write_text("[1, 2, 3]")
    (tmp_path / "clip.otio").write_text(json.dumps({"OTIO_SCHEMA": "Clip.2", "name": "c", "source_range": None,
                                                    "media_references": {}, "metadata": {}}))
    subs = {"fifo": str(fifo), "tmp": str(tmp_path), "list": str(tmp_path / "list.otio"),
            "clip": str(tmp_path / "clip.otio")}
    rc = main([a.format(**subs) for a in argv])
    cap = capsys.readouterr()
    _one_line_errors(cap.err)
    assert rc == 1 and cap.err.count("\n") == 1, cap.err


def test_cut_out_naming_a_folder_fails_before_analysis(tmp_path, good_clip, capsys, monkeypatch):
    import roughcut_core.pipeline as pipeline

    def boom(*a, **k):
        raise AssertionError("analysis ran before the --out check")

    monkeypatch.setattr(pipeline.RoughCutPipeline, "analyze_asset", boom)
    rc = main(["cut", str(good_clip), "--out", str(tmp_path), "--no-cache"])
    cap = capsys.readouterr()
    _one_line_errors(cap.err)
    assert rc == 1 and "existing folder" in cap.err


@pytest.mark.parametrize("model", ["/etc/passwd", "/etc", "no-such-model-name", "./missing-model-dir"])
def test_bad_asr_model_fails_before_any_work(model, tmp_path, good_clip, capsys):
    out = tmp_path / "cut.otio"
    with pytest.raises(SystemExit) as info:
        main(["cut", str(good_clip), "--out", str(out), "--asr-model", model, "--no-cache"])
    cap = capsys.readouterr()
    assert info.value.code == 2 and "--asr-model" in cap.err and "Traceback" not in cap.err
    assert not out.exists()


def test_relative_model_folder_resolves_against_the_callers_folder(tmp_path, monkeypatch):
    from roughcut_core.modelcheck import check_asr_model

    model = tmp_path / "models" / "mine"
    model.mkdir(parents=True)
    (model / "model.bin").write_bytes(b"x")
    (model / "config.json").write_text("{}")
    monkeypatch.chdir(tmp_path)
    assert check_asr_model("models/mine") == str(model)
    from roughcut_core.modelcheck import ModelError

    with pytest.raises(ModelError, match="relative model paths are refused"):
        check_asr_model("models/mine", allow_relative=False)


def test_cut_with_an_unloadable_model_exits_non_zero_and_writes_nothing(tmp_path, good_clip, capsys):
    model = tmp_path / "broken-model"
    model.mkdir()
    (model / "model.bin").write_bytes(b"not a ctranslate2 model")
    (model / "config.json").write_text("{}")
    out = tmp_path / "cut.otio"
    rc = main(["cut", str(good_clip), "--out", str(out), "--asr-model", str(model), "--no-cache",
               "--no-picture"])
    cap = capsys.readouterr()
    _one_line_errors(cap.err)
    assert rc == 1 and "nothing written" in cap.err and not out.exists()


def test_byte_identical_copy_is_not_a_second_take(tmp_path, good_clip):
    from roughcut_core.media import drop_duplicates

    copy = tmp_path / "copy_of_good.mov"
    copy.write_bytes(good_clip.read_bytes())
    other = tmp_path / "other.mov"
    data = bytearray(good_clip.read_bytes())
    data[-1] ^= 0xFF
    other.write_bytes(bytes(data))
    kept, warnings = drop_duplicates([good_clip, copy, other])
    assert kept == [good_clip, other]
    assert len(warnings) == 1 and "byte-identical copy of" in warnings[0] and str(copy) in warnings[0]


# -- shared check, outputs, permissions ----------------------------------------------------

def test_check_output_file_refuses_special_targets(tmp_path):
    os.mkfifo(tmp_path / "p.otio")
    with pytest.raises(InputFileError, match="existing folder"):
        check_output_file(tmp_path)
    with pytest.raises(InputFileError, match="named pipe"):
        check_output_file(tmp_path / "p.otio")
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputFileError, match="not a folder"):
        check_output_file(tmp_path / "file" / "out.otio")
    assert check_output_file(tmp_path / "new" / "out.otio") == tmp_path / "new" / "out.otio"


def test_check_input_file_accepts_a_regular_file(tmp_path):
    p = tmp_path / "ok.bin"
    p.write_bytes(b"abc")
    assert check_input_file(p).st_size == 3


@pytest.mark.parametrize("umask,expected", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_outputs_and_cache_entries_honour_the_umask(umask, expected, tmp_path):
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.fileio import atomic_output, atomic_write_json

    old = os.umask(umask)
    try:
        out = atomic_write_json(tmp_path / "out.json", {"a": 1})
        cache = AnalysisCache(tmp_path / "cache")
        cache.put("ck1-x", "test", "1", {}, {"v": 1})
        entry = next((tmp_path / "cache").rglob("*.json"))
        with atomic_output(tmp_path / "enc.mp4") as tmp:
            tmp.write_bytes(b"x")
        secret = atomic_write_json(tmp_path / "secret.json", {}, mode=0o600)
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == expected
    assert entry.stat().st_mode & 0o777 == expected
    assert (tmp_path / "enc.mp4").stat().st_mode & 0o777 == expected
    assert secret.stat().st_mode & 0o777 == 0o600


# -- roughcut doctor ----------------------------------------------------------------------------

def _doctor(capsys, *flags) -> tuple[int, dict]:
    rc = main(["doctor", "--json", *flags])
    return rc, json.loads(capsys.readouterr().out)


def test_doctor_loads_the_models_and_reports_every_area(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ROUGHCUT_BRIDGE_HOME", str(tmp_path / "bridge"))
    monkeypatch.setenv("ROUGHCUT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ROUGHCUT_PREFERENCES_DIR", str(tmp_path / "prefs"))
    rc, report = _doctor(capsys)
    names = {c["name"]: c for c in report["checks"]}
    assert rc == 0 and report["ok"] and report["counts"]["fail"] == 0, report
    assert names["asr model"]["status"] == "ok" and "loads on cpu" in names["asr model"]["detail"]
    for name in ("speech activity (Silero VAD)", "face detector (BlazeFace)", "ffmpeg decoders",
                 "analysis cache folder", "preferences folder", "bridge config folder", "bridge"):
        assert name in names, sorted(names)
    assert names["bridge"]["status"] == "warn" and "serve --ensure" in names["bridge"]["fix"]
    assert all(c["status"] == "ok" or c["fix"] for c in report["checks"])  # every problem says what to do


def test_doctor_fails_on_an_unwritable_cache_and_clears_a_stale_bridge_file(tmp_path, monkeypatch, capsys):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("ROUGHCUT_BRIDGE_HOME", str(tmp_path / "bridge"))
    monkeypatch.setenv("ROUGHCUT_CACHE_DIR", str(blocked))
    monkeypatch.setenv("ROUGHCUT_PREFERENCES_DIR", str(tmp_path / "prefs"))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "bridge" / "config").mkdir(parents=True)
    stale = tmp_path / "bridge" / "config" / "bridge.json"
    stale.write_text(json.dumps({"url": "http://127.0.0.1:9", "token": "t", "pid": dead.pid}))
    rc, report = _doctor(capsys, "--quick")
    names = {c["name"]: c for c in report["checks"]}
    assert rc == 1 and not report["ok"]
    assert names["analysis cache folder"]["status"] == "fail" and "ROUGHCUT_CACHE_DIR" in names["analysis cache folder"]["fix"]
    assert "stale" in names["bridge"]["detail"] and not stale.exists()
