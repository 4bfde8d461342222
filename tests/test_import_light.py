"""`import roughcut_core` (and its CLI parser) must not pull heavy libraries."""
import subprocess
import sys

HEAVY = ("torch", "faster_whisper", "mediapipe", "cv2", "ctranslate2", "onnxruntime", "scenedetect")


def _imported_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


def test_core_import_is_light():
    assert _imported_after("import roughcut_core, roughcut_core.model, roughcut_core.timebase") == []


def test_cli_parser_and_pipeline_modules_are_light():
    code = ("from roughcut_core._cli.main import build_parser; build_parser()\n"
            "import roughcut_core.pipeline, roughcut_core.edit, roughcut_core.outputs")
    assert _imported_after(code) == []
