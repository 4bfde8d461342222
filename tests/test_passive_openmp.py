"""CTranslate2's OpenMP threads sleep instead of spinning (``speech.asr_model.passive_openmp``):
the policy is set before the runtime loads, a user's own value is kept, and the words are the
same either way (the wait policy changes no result)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_CHILD = """
import json, os, sys
from roughcut_core.speech import SpeechTranscriber
words = SpeechTranscriber().transcribe(sys.argv[1]).words
print(json.dumps({"policy": os.environ.get("OMP_WAIT_POLICY"),
                  "words": [[w.text, w.start, w.end, w.probability] for w in words]}))
"""


def _transcribe(path: Path, policy=None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if policy is not None:
        env["OMP_WAIT_POLICY"] = policy
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
                         env=env, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_recogniser_threads_wait_passively_with_the_same_words(jfk_flac):
    pytest.importorskip("faster_whisper")
    default, spinning = _transcribe(jfk_flac), _transcribe(jfk_flac, "ACTIVE")
    assert default["policy"] == "PASSIVE"
    assert spinning["policy"] == "ACTIVE"  # the user's choice is kept
    assert default["words"] and default["words"] == spinning["words"]


@pytest.mark.parametrize("probe", ["from roughcut_core.gpu_path import cuda_devices; cuda_devices()",
                                   "from bridge_server.app import _detect_gpu; _detect_gpu()"])
def test_gpu_probes_load_ctranslate2_with_the_passive_policy(probe):
    """The bridge's health probe and ``--gpu``'s device count are the first to import CTranslate2
    in their processes: they too set the policy first (else its threads spin for the process)."""
    pytest.importorskip("ctranslate2")
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    code = probe + "; import os, sys; print(os.environ.get('OMP_WAIT_POLICY'), 'ctranslate2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                         check=True, cwd=str(REPO))
    assert out.stdout.split()[-2:] == ["PASSIVE", "True"]
