"""Issue 20 speed: the sound analysis does less work for the same events.

No timings here (``roughcut bench analyses --only speed`` measures them). ``_stft_mag`` takes its
frames as strided views (the same frames as an index matrix gathers); ``laughter_cues`` measures
the pitch of the bursts only where the rhythm, burst and regularity cues already pass (the pitch
cue cannot make a laugh of anything else).
"""
from __future__ import annotations

import numpy as np

from test_motion_parallax import SHARED, needs_media


def _stft_by_index(x: np.ndarray) -> np.ndarray:
    """The frames gathered with an index matrix (the earlier implementation)."""
    from roughcut_core.analyses.sound import HOP, N_FFT

    if len(x) < N_FFT:
        x = np.pad(x, (0, N_FFT - len(x)))
    n = 1 + (len(x) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n)[:, None]
    return np.abs(np.fft.rfft(x[idx] * np.hanning(N_FFT)[None, :], axis=1)).astype(np.float32)


def test_stft_frames_are_the_gathered_frames():
    from roughcut_core.analyses.sound import _stft_mag

    rng = np.random.default_rng(4)
    for n in (300, 1024, 1025, 1279, 1280, 16007):
        x = rng.standard_normal(n).astype(np.float32)
        assert np.array_equal(_stft_mag(x), _stft_by_index(x)), n


def test_synthetic_laughter_still_has_its_pitch_measured():
    from roughcut_core.analyses import laughter as L
    from roughcut_core.analyses.fixtures import laughter

    laugh = laughter(2.0, np.random.default_rng(2))
    c = L.laughter_cues(laugh, 0.75, 1.25)
    assert c["voiced"] >= L.VOICED_MIN and L.laughter_score(c) > 0


@needs_media
def test_pitch_is_searched_only_where_it_decides(monkeypatch):
    """Real speech (JFK, 11 s): windows with a beat but too few or irregular bursts get voiced 0.0
    without a pitch search (fails on the old code, which searched every burst's pitch), and every
    window's laughter score is the one with the pitch measured everywhere (the floors of the cues
    before it set to zero for the comparison)."""
    from roughcut_core.analyses import laughter as L
    from roughcut_core.speech.audio_io import decode_audio

    calls = []
    real = L._voiced
    monkeypatch.setattr(L, "_voiced", lambda seg: calls.append(1) or real(seg))
    x = decode_audio(SHARED / "speech_transcribed" / "jfk.flac", 16000)
    skipped = 0
    for a in np.arange(0.0, len(x) / 16000 - 0.5, 0.5):
        before = len(calls)
        c = L.laughter_cues(x, a, a + 0.5)
        if c["rhythm"] >= L.RHYTHM_MIN and (c["bursts"] < L.BURSTS_MIN or c["regular"] < L.REGULAR_MIN):
            skipped += 1
            assert c["voiced"] == 0.0 and len(calls) == before
        floors = (L.BURSTS_MIN, L.REGULAR_MIN)
        try:
            L.BURSTS_MIN, L.REGULAR_MIN = 0, -np.inf
            full = L.laughter_cues(x, a, a + 0.5)
        finally:
            L.BURSTS_MIN, L.REGULAR_MIN = floors
        assert L.laughter_score(c) == L.laughter_score(full)
    assert skipped >= 2
