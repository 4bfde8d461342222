"""Several processes learning for one show at once: the model registry hands out every version
number once, and the promotion history and the pair log lose nothing (real processes, real files)."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

WORKER = textwrap.dedent("""
    import sys
    from roughcut_core.learn.feedback import FeedbackPair
    from roughcut_core.learn.registry import ModelRegistry, PairLog
    root, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    reg, log = ModelRegistry(root, preferences_dir=root + "/prefs"), PairLog(root)
    for k in range(n):
        mv = reg.register("show1", {"pace": k}, training={"who": who, "k": k}, heldout={})
        reg._set_current(mv.show, mv.version, "promote", {})
        log.add("show1", [FeedbackPair(line_id=f"{who}-{k}", better={"pace": 1.0}, worse={"pace": 0.0})])
""")


def test_concurrent_learners_never_share_a_version(tmp_path):
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), f"p{i}", "12"],
                              stderr=subprocess.PIPE, text=True) for i in range(3)]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
    from roughcut_core.learn.registry import ModelRegistry, PairLog

    reg = ModelRegistry(tmp_path, preferences_dir=tmp_path / "prefs")
    made = [(m.training["who"], m.training["k"]) for m in reg.list("show1")[1:]]
    assert len(made) == 36 and len(set(made)) == 36  # no version overwritten by another process
    assert [m.version for m in reg.list("show1")[1:]] == list(range(1, 37))
    history = reg.index("show1")["history"]
    assert len(history) == 36 and sorted(h["to"] for h in history) == list(range(1, 37))
    assert len(PairLog(tmp_path).load("show1")) == 36
    assert json.loads((tmp_path / "models" / "show1" / "index.json").read_text())["current"] in range(1, 37)
