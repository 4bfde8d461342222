"""Word-level defects on real speech (issue 13): the whole-line cost against the same actor's
clean takes keeps a real changed or dropped word and clears a recogniser's mishearing; a defect
kept on the whole-line cost alone is named by the recogniser's own label (a dropped word stays
``missing_words``, not the sound's ``substitution``).

Material from ``../shared/media/emotion_takes`` (real actors, several deliveries of one line in
different emotions): TESS speaker YAF ("Say the word bean." in four emotions, and "Say the word
chair." as a take where the actor said another word) and RAVDESS actor 01 ("Kids are talking by
the door." in four emotions, "Dogs are sitting by the door." as the flubbed take). The
transcripts are the recogniser's words placed over the speech (no recogniser runs here); one
clean take is given a low-confidence mishearing. The dropped take is RAVDESS actor 01's calm
"Kids are talking by the door." with "talking" spliced out (1.79-2.39 s: the recogniser's word
times, snapped to the quietest frames as ``bench.align_real`` does). One test builds RAVDESS
actor 05's bench scene with the real recogniser (a flub under ``line_rel`` kept because the
recogniser was sure of it). Skipped when ``../shared`` is absent.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roughcut_core.model import LineReading, Scene, Script, ScriptLine, Transcript, Word

SR = 16000
MEDIA = Path(__file__).resolve().parents[1].parent / "shared" / "media" / "emotion_takes"
WORD_DEFECTS = {"substitution", "missing_words", "ad_lib", "off_script"}

CASES = {
    "tess": ("Say the word bean.", [f"tess_YAF_bean_{e}.wav" for e in ("neutral", "happy", "sad", "ps")],
             "tess_YAF_chair_neutral.wav", "Say the word chair.", ("bean", "been"), True),
    "ravdess": ("Kids are talking by the door.",
                [f"ravdess/Actor_01/03-01-{e}-01.flac" for e in ("01-01-01-02", "02-01-01-01", "03-01-01-01",
                                                                  "04-01-01-01")],
                "ravdess/Actor_01/03-01-01-01-02-02-01.flac", "Dogs are sitting by the door.",
                ("talking", "taking"), False),
}


def _speech(x: np.ndarray) -> tuple[float, float]:
    """First and last 10 ms frame within 30 dB of the loudest."""
    hop = SR // 100
    n = x.size // hop
    db = 10 * np.log10(np.mean(x[:n * hop].reshape(n, hop) ** 2, axis=1) + 1e-12)
    on = np.flatnonzero(db > db.max() - 30)
    return on[0] * hop / SR, (on[-1] + 1) * hop / SR


def _take(path: str, x: np.ndarray, text: str, defects=(), swap=None) -> tuple[Transcript, LineReading]:
    """The recogniser's words spread over the speech (``swap``: (script word, heard word) at
    probability 0.35), and the reading of the line."""
    t0, t1 = _speech(x)
    toks = text.rstrip(".").split()
    step = (t1 - t0) / len(toks)
    words = []
    for k, w in enumerate(toks):
        heard, p = (swap[1], 0.35) if swap and w == swap[0] else (w, 0.9)
        words.append(Word(heard, t0 + k * step, t0 + (k + 1) * step, p))
    tr = Transcript(path, "en", tuple(words), duration=x.size / SR)
    r = LineReading(path=path, line_id="1-1", start=t0, end=t1, score=0.9, take_id=path, character="A",
                    word_span=(0, len(words)), defects=tuple(defects), text=" ".join(w.text for w in words))
    return tr, r


@pytest.mark.parametrize("case", [
    "ravdess",
    # a known miss: one changed word at the very end of a two-second line costs 1.29 x the clean
    # readings' cost, under line_rel (1.3); the recogniser is sure of "chair" (0.9), but it heard
    # another word ("been") in place of "bean" in a clean take too, so that is its trouble spot
    # (``evidence._misheard_elsewhere``) and its being sure is no second sign
    pytest.param("tess", marks=pytest.mark.xfail(reason="whole-line cost 1.29 < line_rel 1.3; "
                                                        "the clean take misheard at the same word", strict=False)),
])
def test_real_word_defect_kept_and_mishearing_cleared(case):
    line, clean, flub, flub_text, swap, pad = CASES[case]
    paths = [MEDIA / f for f in (*clean, flub)]
    if not all(p.exists() for p in paths):
        pytest.skip(f"shared media not available: {MEDIA}")
    from roughcut_core.align.evidence import EvidenceOptions, apply_evidence
    from roughcut_core.speech.audio_io import decode_audio

    script = Script((Scene("1", "INT. ROOM", (ScriptLine("1-1", "1", "A", line),)),))
    audio, transcripts, readings = {}, {}, []
    for k, p in enumerate(paths):
        name = f"take{k}"
        x = decode_audio(p, SR)
        x = x * np.float32(0.5 / max(1e-6, float(np.abs(x).max())))
        if pad:   # trimmed to the words: a take has room sound around the line (a file that stops
            # while the voice sounds reads as a camera cut)
            room = (np.random.default_rng(k).standard_normal(SR // 2) * 1e-3).astype(np.float32)
            x = np.concatenate([room, x, room])
        audio[name] = x
        if k == len(paths) - 1:
            tr, r = _take(name, audio[name], flub_text, ("substitution",))
        elif k == 0:   # clean audio, the recogniser misheard one word
            tr, r = _take(name, audio[name], line, ("substitution",), swap=swap)
        else:
            tr, r = _take(name, audio[name], line)
        transcripts[name], readings = tr, readings + [r]
    out = {r.path: r for r in apply_evidence(script, readings, transcripts, audio,
                                             EvidenceOptions(search=False))}
    flubbed, misheard = out[f"take{len(paths) - 1}"], out["take0"]
    assert WORD_DEFECTS & set(flubbed.defects), (flubbed.defects, flubbed.signals)
    assert not WORD_DEFECTS & set(misheard.defects), (misheard.defects, misheard.signals)
    assert flubbed.signals["line_cost_rel"] > misheard.signals["line_cost_rel"]
    for k in range(1, len(paths) - 1):
        assert not WORD_DEFECTS & set(out[f"take{k}"].defects)


def _scene(paths, texts, defects):
    """Script, audio, transcripts and readings of takes of one line (first take: a clean
    delivery the recogniser misheard)."""
    from roughcut_core.speech.audio_io import decode_audio

    script = Script((Scene("1", "INT. ROOM", (ScriptLine("1-1", "1", "A", texts[1]),)),))
    audio, transcripts, readings = {}, {}, []
    for k, (p, text, d) in enumerate(zip(paths, texts, defects)):
        name = f"take{k}"
        x = p if isinstance(p, np.ndarray) else decode_audio(p, SR)
        audio[name] = x * np.float32(0.5 / max(1e-6, float(np.abs(x).max())))
        swap = ("talking", "taking") if k == 0 else None
        transcripts[name], r = _take(name, audio[name], text, d, swap=swap)
        readings.append(r)
    return script, audio, transcripts, readings


def test_real_drop_kept_on_whole_line_keeps_the_recognisers_kind():
    base = MEDIA / "ravdess" / "Actor_01"
    clean = [base / f"03-01-{e}-01.flac" for e in ("01-01-01-02", "02-01-01-01", "03-01-01-01", "04-01-01-01")]
    src = base / "03-01-02-02-01-02-01.flac"
    if not all(p.exists() for p in (*clean, src)):
        pytest.skip(f"shared media not available: {base}")
    from roughcut_core.align.evidence import EvidenceOptions, apply_evidence
    from roughcut_core.speech.audio_io import decode_audio

    x = decode_audio(src, SR)
    dropped = np.concatenate([x[:int(1.79 * SR)], x[int(2.39 * SR):]])
    line = CASES["ravdess"][0]
    texts = [line] * len(clean) + ["Kids are by the door."]
    defects = [("substitution",)] + [()] * (len(clean) - 1) + [("missing_words",)]
    script, audio, transcripts, readings = _scene([*clean, dropped], texts, defects)
    out = {r.path: r for r in apply_evidence(script, readings, transcripts, audio, EvidenceOptions(search=False))}
    drop = out[f"take{len(clean)}"]
    # kept on the whole line: no single word of a real actor's take stands out
    assert drop.signals["line_cost_rel"] >= EvidenceOptions().line_rel, drop.signals
    assert set(drop.defects) & WORD_DEFECTS == {"missing_words"}, (drop.defects, drop.signals)
    for k in range(len(clean)):
        assert not WORD_DEFECTS & set(out[f"take{k}"].defects), (k, out[f"take{k}"].defects)


def test_relative_cost_and_mfcc_fallback():
    from roughcut_core.align.linecost import Frames, pair_cost, relative_cost

    assert relative_cost([2.0, 3.0, None], [1.0, 2.0]) == pytest.approx(2.5 / 1.5)
    assert relative_cost([None], [1.0]) is None and relative_cost([1.0], []) is None
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(SR * 2) * 0.1).astype(np.float32)
    frames = Frames({"a": x}, model=None)   # no encoder asked for: MFCC frames, nothing loaded
    f = frames.get("a", 0.2, 1.2)
    assert frames.kind == "mfcc" and frames.encoded == 0 and f.shape[1] == 20
    assert pair_cost(f, f, f, f) == pytest.approx(0.0, abs=1e-6)
    assert pair_cost(f[:0], f, f, f) is None


@pytest.mark.slow
def test_real_flub_under_line_rel_kept_when_the_recogniser_is_sure(tmp_path):
    """RAVDESS actor 05's scene as ``bench align --only real`` builds it (tuning actor; the real
    recogniser, tiny.en): its flub ("sitting" spliced in for "talking") costs only about 1.24 x
    the clean readings on the whole line, under ``line_rel``; the recogniser heard "sitting" surely
    and no other take was heard with another word there, so it is kept as ``substitution``
    (``line_rel_sure``); the clean takes stay clean."""
    from roughcut_core.bench.align_real import RAVDESS, build_real_scene

    if not (RAVDESS / "labels.tsv").exists():
        pytest.skip(f"shared media not available: {RAVDESS}")
    from roughcut_core.align.evidence import EvidenceOptions
    from roughcut_core.bench.align_defects import score_scenes
    from roughcut_core.cache import AnalysisCache
    from roughcut_core.speech import AsrOptions, SpeechTranscriber

    transcriber = SpeechTranscriber(AsrOptions(model="tiny.en"), cache=AnalysisCache(tmp_path / "cache"))
    root = build_real_scene(tmp_path / "actor05", "05", transcriber)
    assert root is not None
    out = score_scenes(transcriber, [root])
    flub = [c for c in out["line_costs"] if c["truth"] == "flub"]
    assert len(flub) == 1 and flub[0]["rel"] < EvidenceOptions().line_rel, out["line_costs"]
    assert flub[0]["given"] == ["substitution"], flub
    assert flub[0]["prob"] >= EvidenceOptions().asr_sure, flub
    assert out["kinds"]["flub"]["tp"] == 1 and out["kinds"]["flub"]["flagged"] == 1, out["errors"]
    assert out["clean_flagged"] == 0, out["errors"]
