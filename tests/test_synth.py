"""Synthetic test media (roughcut_core.synth): what other tests rely on must really hold."""
from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from roughcut_core import synth
from roughcut_core.timebase import Rate


def test_frame_index_barcode_survives_h264(tmp_path):
    path = synth.write_test_video(tmp_path / "count.mp4", rate=Rate(24000, 1001), seconds=2,
                                  width=96, height=54, audio_channels=0)
    with av.open(str(path)) as container:
        indexes = [synth.read_frame_index(f.to_ndarray(format="rgb24"))
                   for f in container.decode(container.streams.video[0])]
    assert indexes == list(range(48))


def test_frame_index_round_trips_on_raw_pictures():
    for index in (0, 1, 255, 4097, 65535):
        assert synth.read_frame_index(synth.frame_picture(index, 64, 36)) == index


def test_tone_channels_carry_distinct_frequencies(tmp_path):
    path = synth.write_test_audio(tmp_path / "tones.wav", seconds=1, channels=3, sample_rate=16000,
                                  tone_hz=500.0)
    with av.open(str(path)) as container:
        chunks = [f.to_ndarray() for f in container.decode(audio=0)]
    # s16 packed frames: (1, samples * channels), interleaved.
    samples = np.concatenate([c.reshape(-1) for c in chunks]).reshape(-1, 3).T.astype(np.float64)
    assert samples.shape == (3, 16000)
    for channel in range(3):
        spectrum = np.abs(np.fft.rfft(samples[channel]))
        peak_hz = np.argmax(spectrum) * 16000 / samples.shape[1]
        assert abs(peak_hz - 500.0 * (channel + 1)) <= 1.0
    assert 0.45 < np.abs(samples).max() / 32768 < 0.51


def test_noise_is_seeded_and_chunk_independent():
    whole = synth.audio_samples(0, 5000, channels=2, sample_rate=48000, signal="noise", seed=3)
    part = synth.audio_samples(1500, 2000, channels=2, sample_rate=48000, signal="noise", seed=3)
    assert np.array_equal(whole[:, 1500:3500], part)
    other = synth.audio_samples(0, 5000, channels=2, sample_rate=48000, signal="noise", seed=4)
    assert not np.array_equal(whole, other)
    assert np.abs(whole).max() <= 0.25
    assert not synth.audio_samples(0, 100, channels=1, sample_rate=8000, signal="silence").any()
    with pytest.raises(ValueError):
        synth.audio_samples(0, 10, channels=1, sample_rate=8000, signal="pink")


def test_vfr_frame_times_vary_but_keep_the_nominal_mean():
    times = synth.vfr_frame_times(61, Rate(30))
    steps = {b - a for a, b in zip(times, times[1:])}
    assert steps == {Fraction(4, 5) / 30, Fraction(6, 5) / 30}
    assert times[60] == 2  # 60 frames of mean 1/30 s


def test_failed_write_leaves_nothing_behind(tmp_path):
    with pytest.raises(Exception):
        synth.write_test_video(tmp_path / "bad.mov", rate=25, seconds=1, codec="no_such_codec")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError):
        synth.write_test_video(tmp_path / "short.mov", rate=25, seconds=0.001)
    with pytest.raises(ValueError):
        synth.write_test_video(tmp_path / "i.mov", rate=25, seconds=1, codec="mpeg4", field_order="tt")


def test_channel_layouts():
    assert synth.channel_layout(1) == "mono" and synth.channel_layout(8) == "7.1"
    assert synth.channel_layout(12) == "12c"
    with pytest.raises(ValueError):
        synth.channel_layout(0)
