"""Issue 23 (23d): cold-analysis speed work keeps results and honours CPU shares.

No timings here (those live in ``roughcut bench speed``): these tests check that the faster paths
give the same answers as the plain ones and that thread settings are honoured.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _whisper_threads(omp: str) -> int:
    """Threads a process gains by loading tiny.en and transcribing 1 s of silence."""
    code = textwrap.dedent("""
        import os
        import numpy as np
        from roughcut_core.speech.asr_model import load_whisper
        before = len(os.listdir('/proc/self/task'))
        model, _, _ = load_whisper('tiny.en', 'cpu')
        list(model.transcribe(np.zeros(16000, np.float32))[0])
        print(len(os.listdir('/proc/self/task')) - before)
    """)
    env = {**os.environ, "OMP_NUM_THREADS": omp}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    return int(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux /proc to count threads")
def test_whisper_honours_omp_num_threads():
    """A Ray worker (OMP_NUM_THREADS=1) must not start a CTranslate2 thread per core."""
    pytest.importorskip("faster_whisper")
    one, six = _whisper_threads("1"), _whisper_threads("6")
    assert six - one >= 4, (one, six)
