"""The web app's cut (bridge) moves cut frames off blinks with the same eye probe as
`roughcut cut`, its windows kept in the analysis cache (issue 14)."""
from __future__ import annotations

from pathlib import Path

import pytest

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media" / "video_faces_speaking"
CLIP = MEDIA / "grid_lbax4n.mpg"


def _grid_result():
    """A one-line cut of GRID lbax4n whose speech-only in point (frame 28) is on a real blink
    (eyes shut on frames 28-29, half shut on 27 and 30; see test_blink_cuts)."""
    from roughcut_core.edit import EditOptions, TakeInfo, build_cut
    from roughcut_core.media import probe
    from roughcut_core.model import LineReading, Scene, Script, ScriptLine, Transcript, Word
    from roughcut_core.pipeline import AssetAnalysis, CutResult

    asset = probe(str(CLIP))
    path = asset.path
    words = tuple(Word(w, 1.37 + 0.3 * k, 1.37 + 0.3 * k + 0.25) for k, w in enumerate("lay blue at x".split()))
    transcript = Transcript(path=path, language="en", words=words, duration=3.0)
    take = TakeInfo(path=path, rate=asset.rate, frame_count=75, transcript=transcript, setup="CU",
                    shot_size="CU", characters=("ANN",))
    reading = LineReading(path=path, line_id="1-1", start=words[0].start, end=words[-1].end, score=1.0,
                          word_span=(0, len(words)), character="ANN")
    script = Script(scenes=(Scene(id="1", heading="INT. ROOM", number="1", lines=(
        ScriptLine(id="1-1", scene_id="1", character="ANN", text="lay blue at x"),)),), title="t")
    cut = build_cut(script, {path: take}, [reading], EditOptions(reaction_shots=False))
    return asset, CutResult(cut=cut, script=script, readings=(reading,), takes={path: take},
                            analyses=(AssetAnalysis(asset=asset, transcript=transcript),))


@pytest.mark.timeout(180)
def test_the_web_cut_session_moves_cut_frames_off_a_real_blink_and_caches_the_probe(tmp_path, monkeypatch):
    if not CLIP.exists():
        pytest.skip(f"{CLIP} absent (../shared/media not laid out here)")
    from bridge_server.jobwork import pipeline_options
    from bridge_server.web.cutsession import CutSession
    from roughcut_core.cache import AnalysisCache

    asset, result = _grid_result()
    assert result.cut.decisions[0].src_in == 28  # speech alone: the in frame is on the blink
    cache = AnalysisCache(str(tmp_path / "cache"))
    request = {"media": [{"path": asset.path}], "script": None, "options": {"reaction_shots": False}}
    session = CutSession("job1", tmp_path / "job1", request, cache, result,
                         pipeline_options(request, str(cache.root)))
    assert session.options.edit.eye_probe is not None
    session.reset()  # a regeneration, as after a swap or a drop
    d = session.cut.decisions[0]
    assert d.src_in not in (27, 28, 29, 30) and d.src_in <= int(1.37 * 25)
    assert any("off a blink" in r for r in d.reasons)
    # a second session (a bridge restart) reads the probed windows back from the analysis
    # cache (content keys): the same cut frame, no frame decoded
    again = CutSession("job1", tmp_path / "job1", request, cache, result, pipeline_options(request, str(cache.root)))
    probe = again.options.edit.eye_probe
    import roughcut_core.picture.expression as expression

    decoded = []
    real = expression.eyes_open_frames
    monkeypatch.setattr(expression, "eyes_open_frames", lambda *a, **k: decoded.append(a) or real(*a, **k))
    again.reset()
    assert again.cut.decisions[0].src_in == d.src_in and decoded == []
    assert probe is again.options.edit.eye_probe


def test_a_job_with_the_picture_off_cuts_on_speech_alone(tmp_path):
    from bridge_server.jobwork import pipeline_options, with_eye_probe
    from roughcut_core.cache import AnalysisCache

    cache = AnalysisCache(str(tmp_path / "cache"))
    off = pipeline_options({"options": {"picture": False}}, str(cache.root))
    assert with_eye_probe(off, cache, []).edit.eye_probe is None
    on = with_eye_probe(pipeline_options({"options": {}}, str(cache.root)), cache, [])
    assert callable(on.edit.eye_probe)
    assert with_eye_probe(on, cache, []) is on  # set once: its window memo is kept
