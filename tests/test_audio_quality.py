"""Audio quality, channels and activity on real speech with known, inserted defects.

Every defect is made with numpy on a shared speech clip and written to tmp_path (stdlib
wave, 16-bit PCM or 32-bit float), then decoded back through PyAV by the analyzer.
"""
from __future__ import annotations

import struct
import tracemalloc
import wave

import numpy as np
import pytest

from roughcut_core.audio import (analyze_audio_quality, channel_activity, report_from_json,
                                 report_to_json, segment_quality)
from roughcut_core.audio.decode import decode_mono, iter_blocks
from roughcut_core.cache import AnalysisCache
from roughcut_core.errors import MediaError

SR = 16000


def write_wav(path, samples: np.ndarray, rate: int = SR, ixml: str | None = None):
    """16-bit PCM WAV from float samples shaped (n,) or (channels, n); optional iXML chunk."""
    data = np.atleast_2d(np.asarray(samples, dtype=np.float64))
    pcm = np.clip(np.round(data.T * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(data.shape[0])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    if ixml is not None:
        body = ixml.encode()
        if len(body) % 2:
            body += b" "
        with open(path, "r+b") as fh:
            fh.seek(0, 2)
            fh.write(b"iXML" + struct.pack("<I", len(body)) + body)
            size = fh.tell() - 8
            fh.seek(4)
            fh.write(struct.pack("<I", size))
    return path


@pytest.fixture(scope="module")
def speech(sphinx_digits_wav) -> np.ndarray:
    """8.3 s of real speech (connected digits, male), 16 kHz mono float."""
    return decode_mono(sphinx_digits_wav, SR)


def gated(clean: np.ndarray) -> np.ndarray:
    """``clean`` with its pauses (10 ms hops 35 dB under the loudest) set to zero, so the
    recording's own background noise does not add to the noise a test puts in."""
    n = len(clean) // 160 * 160
    hops = clean[:n].astype(np.float64).reshape(-1, 160)
    p = (hops ** 2).mean(axis=1)
    keep = np.repeat(p > p.max() * 10 ** -3.5, 160)
    return np.where(keep, clean[:n], 0.0)


def active_power(clean: np.ndarray) -> float:
    """Mean power of the 100 ms hops of ``clean`` within 30 dB of its loudest hop."""
    hops = clean[: len(clean) // 1600 * 1600].reshape(-1, 1600)
    p = (hops.astype(np.float64) ** 2).mean(axis=1)
    return float(p[p > p.max() * 1e-3].mean())


def flags_of(report, kind):
    return [f for f in report.flags if f.kind == kind]


def test_loudness_matches_pyloudnorm_on_the_same_samples(tmp_path, jfk_flac):
    import pyloudnorm

    report = analyze_audio_quality(jfk_flac)
    blocks = np.concatenate([b for _, b in iter_blocks(jfk_flac, 1.0)], axis=1)
    expected = pyloudnorm.Meter(report.sample_rate).integrated_loudness(blocks.T.astype(np.float64))
    assert report.loudness_lufs == pytest.approx(expected, abs=0.01)
    assert len(report.channels) == 2 and report.sample_rate == 44100
    assert report.duration == pytest.approx(11.0, abs=0.05)


def test_clipping_is_flagged_where_inserted_and_nowhere_else(tmp_path, speech):
    clean = speech * (0.5 / np.abs(speech).max())
    clipped = clean.copy()
    a, b = int(4.0 * SR), int(4.6 * SR)  # a loud stretch of the clip
    clipped[a:b] = np.clip(clipped[a:b] * 8.0, -1.0, 1.0)
    r_clean = analyze_audio_quality(write_wav(tmp_path / "clean.wav", clean))
    r_clip = analyze_audio_quality(write_wav(tmp_path / "clip.wav", clipped))
    assert flags_of(r_clean, "clipping") == []
    found = flags_of(r_clip, "clipping")
    assert found, r_clip.flags
    assert all(4.0 - 0.1 <= f.start and f.end <= 4.6 + 0.1 for f in found)
    assert r_clip.channels[0].clipped_fraction > 0 and r_clean.channels[0].clipped_fraction == 0
    assert r_clip.peak_dbfs == pytest.approx(0.0, abs=0.01)
    inside, outside = segment_quality(r_clip, 4.0, 4.6), segment_quality(r_clip, 6.0, 6.6)
    assert inside["clipping"] > 0.5 and outside["clipping"] == 0.0
    assert inside["score"] < outside["score"]


@pytest.mark.parametrize("snr_db", [10.0, 25.0])
def test_snr_estimate_within_3_db_of_truth(tmp_path, speech, snr_db):
    rng = np.random.default_rng(1)
    pad = np.zeros(SR)  # room tone before and after the line, as on set
    clean = np.concatenate([pad, gated(speech * (0.3 / np.abs(speech).max())), pad])
    noise_power = active_power(clean) / 10 ** (snr_db / 10)
    noisy = clean + rng.normal(0.0, np.sqrt(noise_power), len(clean))
    report = analyze_audio_quality(write_wav(tmp_path / "noisy.wav", noisy))
    assert report.snr_db == pytest.approx(snr_db, abs=3.0)
    assert report.noise_floor_db == pytest.approx(10 * np.log10(noise_power), abs=3.0)
    noise_flags = flags_of(report, "noise")
    assert bool(noise_flags) == (snr_db < 20)


def test_dropout_inside_speech_is_flagged(tmp_path, speech):
    rng = np.random.default_rng(2)
    sig = speech * (0.3 / np.abs(speech).max()) + rng.normal(0, 1e-3, len(speech))
    busiest = int(np.argmax(np.convolve(sig ** 2, np.ones(1600), "valid")[SR:-SR])) + SR
    sig[busiest:busiest + 800] = 0.0  # 50 ms of digital silence mid-word
    report = analyze_audio_quality(write_wav(tmp_path / "drop.wav", sig))
    drops = flags_of(report, "dropout")
    assert len(drops) == 1, report.flags
    assert drops[0].start <= busiest / SR <= drops[0].end + 0.1
    clean = analyze_audio_quality(write_wav(tmp_path / "nodrop.wav", speech * 0.5))
    assert flags_of(clean, "dropout") == []


def test_low_frequency_bump_is_flagged_as_wind(tmp_path, speech):
    sig = speech * (0.3 / np.abs(speech).max())
    t = np.arange(int(0.4 * SR)) / SR
    bump = 0.6 * np.sin(2 * np.pi * 25 * t) * np.exp(-t / 0.15)
    start = int(4.0 * SR)
    sig[start:start + len(bump)] += bump
    report = analyze_audio_quality(write_wav(tmp_path / "bump.wav", sig))
    wind = flags_of(report, "wind")
    assert wind and any(f.start <= 4.05 and f.end >= 4.1 for f in wind), report.flags
    clean = analyze_audio_quality(write_wav(tmp_path / "nobump.wav", speech * 0.5))
    assert flags_of(clean, "wind") == []


def test_best_channel_prefers_clean_lav_over_noisy_boom(tmp_path, speech):
    rng = np.random.default_rng(3)
    s = speech * (0.3 / np.abs(speech).max())
    boom = 0.3 * s + rng.normal(0, 0.02, len(s))  # far, roomy, noisy
    lav = s + rng.normal(0, 0.001, len(s))
    report = analyze_audio_quality(write_wav(tmp_path / "boomlav.wav", np.stack([boom, lav])))
    assert [c for _, _, c in report.best_channel_ranges] == [1]
    assert report.best_channel_ranges[0][0] == 0.0
    assert report.best_channel_ranges[-1][1] == pytest.approx(report.duration, abs=1e-3)
    assert report.channels[1].snr_db > report.channels[0].snr_db + 10


def test_best_channel_follows_who_is_speaking(tmp_path, vctk_p225_003_wav, vctk_p226_003_wav):
    """Two lavs and a boom: A talks, then B. The pick and the activity follow the talker."""
    rng = np.random.default_rng(4)
    a = decode_mono(vctk_p225_003_wav, SR)[: 5 * SR]
    b = decode_mono(vctk_p226_003_wav, SR)[: 5 * SR]
    a, b = a * (0.3 / np.abs(a).max()), b * (0.3 / np.abs(b).max())
    gap = np.zeros(SR)
    speaker_a = np.concatenate([a, gap, np.zeros_like(b)])
    speaker_b = np.concatenate([np.zeros_like(a), gap, b])
    noise = lambda lvl: rng.normal(0, lvl, len(speaker_a))  # noqa: E731
    boom = 0.4 * (speaker_a + speaker_b) + noise(0.01)
    lav_a = speaker_a + 0.05 * speaker_b + noise(0.002)
    lav_b = speaker_b + 0.05 * speaker_a + noise(0.002)
    path = write_wav(tmp_path / "poly.wav", np.stack([boom, lav_a, lav_b]))
    report = analyze_audio_quality(path)
    assert report.best_channel_at(2.0) == 1
    assert report.best_channel_at(8.5) == 2
    assert [c.role for c in report.channels] == ["boom", "lav", "lav"]
    times, db = channel_activity(path, hop=0.05)
    assert db.shape == (len(times), 3) and times[1] == pytest.approx(0.05)
    first, second = times < 5.0, times > 6.2
    assert np.mean(db[first, 1] > db[first, 2]) > 0.9
    assert np.mean(db[second, 2] > db[second, 1]) > 0.9


def test_ixml_track_names_give_roles(tmp_path, speech):
    s = speech[: 2 * SR] * 0.3
    ixml = ("<BWFXML><TRACK_LIST><TRACK_COUNT>2</TRACK_COUNT>"
            "<TRACK><CHANNEL_INDEX>1</CHANNEL_INDEX><NAME>BOOM</NAME></TRACK>"
            "<TRACK><CHANNEL_INDEX>2</CHANNEL_INDEX><NAME>LAV ALICE</NAME></TRACK>"
            "</TRACK_LIST></BWFXML>")
    report = analyze_audio_quality(write_wav(tmp_path / "named.wav", np.stack([s * 0.5, s]), ixml=ixml))
    assert [(c.role, c.name) for c in report.channels] == [("boom", "BOOM"), ("lav", "LAV ALICE")]


def test_eight_channel_96k_file(tmp_path, speech):
    import av

    n = int(1.5 * 96000)
    speech96 = np.interp(np.arange(n) / 96000, np.arange(len(speech)) / SR, speech)
    chans = np.stack([speech96 * (0.1 + 0.1 * c) for c in range(8)])
    path = tmp_path / "eight.wav"
    write_wav(path, chans, rate=96000)
    with av.open(str(path)) as c:
        assert c.streams.audio[0].channels == 8
    report = analyze_audio_quality(path)
    assert len(report.channels) == 8 and report.sample_rate == 96000
    assert report.duration == pytest.approx(1.5, abs=1e-3)
    rms = [c.rms_db for c in report.channels]
    assert rms == sorted(rms)  # channel c was written at level 0.1 * (c + 1)
    assert rms[7] - rms[0] == pytest.approx(20 * np.log10(8), abs=0.2)


def test_digital_silence_gives_a_clear_result(tmp_path):
    report = analyze_audio_quality(write_wav(tmp_path / "silence.wav", np.zeros(2 * SR)))
    assert report.loudness_lufs is None and report.snr_db is None
    (flag,) = flags_of(report, "digital_silence")
    assert flag.severity == 1.0 and flag.end == pytest.approx(2.0)
    seg = segment_quality(report, 0.0, 1.0)
    assert seg["loudness_lufs"] is None and seg["snr_db"] is None and seg["score"] == 0.0


def test_video_without_audio_raises_media_error(tmp_path):
    from roughcut_core.synth import write_test_video

    path = write_test_video(tmp_path / "mute.mp4", rate=24, seconds=0.5, width=64, height=64,
                            audio_channels=0)
    with pytest.raises(MediaError, match="no audio stream") as exc:
        analyze_audio_quality(path)
    assert exc.value.path == str(path)


@pytest.mark.parametrize("content", [b"", b"this is not media at all" * 100])
def test_empty_or_garbage_file_raises_media_error(tmp_path, content):
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(MediaError) as exc:
        analyze_audio_quality(path)
    assert exc.value.path == str(path)
    with pytest.raises(MediaError):
        analyze_audio_quality(tmp_path / "missing.wav")


def test_corrupt_packets_are_skipped_and_reported(tmp_path, sonnet_mp3):
    data = bytearray(sonnet_mp3.read_bytes())
    rng = np.random.default_rng(5)
    for pos in rng.integers(len(data) // 4, 3 * len(data) // 4, 40):
        data[pos:pos + 64] = rng.integers(0, 256, 64, dtype=np.uint8).tobytes()
    path = tmp_path / "corrupt.mp3"
    path.write_bytes(bytes(data))
    report = analyze_audio_quality(path)
    clean = analyze_audio_quality(sonnet_mp3)
    assert report.corrupt_packets > 0
    corrupt = flags_of(report, "corrupt")
    assert corrupt and all(13.0 - 1 <= f.start and f.end <= 40.0 + 1 for f in corrupt)  # middle half
    # undecodable packets become silence; only bytes the MP3 parser skipped without a
    # timestamp jump are lost (0.3 s of 53 s here)
    assert report.duration == pytest.approx(clean.duration, abs=0.5)
    assert report.loudness_lufs is not None


def test_cache_roundtrip_reuses_the_report(tmp_path, speech):
    path = write_wav(tmp_path / "cached.wav", speech * 0.3)
    cache = AnalysisCache(tmp_path / "cache")
    first = analyze_audio_quality(path, cache=cache)
    assert list((tmp_path / "cache").rglob("*.json"))
    second = analyze_audio_quality(path, cache=cache)
    assert second == first
    assert report_from_json(report_to_json(first)) == first


def test_segment_loudness_matches_pyloudnorm_on_the_range(tmp_path, speech):
    import pyloudnorm

    sig = speech * (0.3 / np.abs(speech).max())
    path = write_wav(tmp_path / "seg.wav", sig)
    report = analyze_audio_quality(path)
    decoded = decode_mono(path, SR)
    seg = segment_quality(report, 2.0, 5.0)
    expected = pyloudnorm.Meter(SR).integrated_loudness(decoded[2 * SR:5 * SR].astype(np.float64))
    assert seg["loudness_lufs"] == pytest.approx(expected, abs=0.1)
    assert 0.0 <= seg["score"] <= 1.0 and seg["snr_db"] is not None


def test_memory_does_not_grow_with_duration(tmp_path, speech):
    """Peak traced memory for 120 s is close to that for 15 s (decode blocks are reused)."""
    def peak_for(seconds):
        reps = int(np.ceil(seconds * SR / len(speech)))
        path = write_wav(tmp_path / f"long{seconds}.wav", np.tile(speech * 0.3, reps)[: seconds * SR])
        tracemalloc.start()
        analyze_audio_quality(path)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    short, long = peak_for(15), peak_for(120)
    assert long < short + 2_000_000, (short, long)
