"""Media probe, content keys, discovery and `roughcut probe`, on generated files of every
rate we support, on bad inputs, and on the real files of ../shared/media."""
from __future__ import annotations

import json
import os
import re
import time
from fractions import Fraction
from pathlib import Path

import pytest

from roughcut_core import MediaError, synth
from roughcut_core._cli.main import main as cli_main
from roughcut_core.media import MEDIA_EXTENSIONS, content_key, discover_media, probe, probe_many
from roughcut_core.media import keys as keys_module
from roughcut_core.media.rates import choose_rate, snap_rate, timestamp_pattern
from roughcut_core.timebase import Rate, timecode_to_frames

W, H = 64, 36  # tiny frames: these tests check metadata, not pictures


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("probe_media")


def _good_clip(folder: Path, name: str = "good.mov", **kw) -> Path:
    opts = dict(rate=25, seconds=1, width=W, height=H)
    opts.update(kw)
    return synth.write_test_video(folder / name, **opts)


# ---------------------------------------------------------------- rates and timecode

RATE_CASES = [
    # (file name, rate, seconds, start label, drop-frame)
    ("r23976.mov", Rate(24000, 1001), 2, "01:00:00:00", False),
    ("r24.mp4", Rate(24), 2, "10:00:00:00", False),
    ("r25.mov", Rate(25), 2, "09:59:50:00", False),
    ("r2997df.mov", Rate(30000, 1001), 2, "00:09:59;28", True),
    ("r2997ndf.mp4", Rate(30000, 1001), 2, "01:00:00:00", False),
    ("r50.mov", Rate(50), 1, "23:00:00:00", False),
    ("r5994df.mov", Rate(60000, 1001), 1, "01:00:00;00", True),
    ("r5994ndf.mp4", Rate(60000, 1001), 1, "00:00:10:00", False),
    ("r25.mkv", Rate(25), 2, "10:00:00:00", False),   # Matroska: no frame count, TIMECODE tag
    ("r25.mxf", Rate(25), 1, "01:00:00:00", False),   # MXF: container timecode
]


@pytest.mark.parametrize("name, rate, seconds, label, df", RATE_CASES, ids=[c[0] for c in RATE_CASES])
def test_probe_reads_rate_frames_duration_and_start_timecode(media_dir, name, rate, seconds, label, df):
    codec = "mpeg2video" if name.endswith(".mxf") else "h264"
    path = synth.write_test_video(media_dir / name, rate=rate, seconds=seconds, width=W, height=H,
                                  timecode=label, drop_frame=df, codec=codec)
    asset = probe(path)
    expected_frames = round(Fraction(seconds) * rate.fraction)
    assert asset.rate == rate
    assert asset.frame_count == expected_frames
    assert abs(asset.duration - seconds) < 0.05
    assert asset.start_timecode == label
    assert asset.start_frame == timecode_to_frames(label, rate, df)
    assert asset.drop_frame is df
    assert (asset.width, asset.height) == (W, H)
    assert asset.variable_frame_rate is False
    assert asset.field_order == "progressive"
    assert asset.rotation == 0
    assert [(a.channels, a.sample_rate) for a in asset.audio] == [(2, 48000)]
    assert asset.path == str(path) and asset.size == path.stat().st_size
    assert asset.content_key == content_key(path)
    assert not asset.hints.get("frame_count_estimated")


def test_probe_of_a_clip_without_timecode_starts_at_zero(media_dir):
    asset = probe(_good_clip(media_dir, "no_tc.mp4"))
    assert (asset.start_frame, asset.start_timecode, asset.drop_frame) == (0, None, False)


def test_drop_frame_start_frames_match_smpte_counting(media_dir):
    # 00:09:59;28 at 29.97 DF is two frames before the tenth-minute label 00:10:00;00 (17982).
    asset = probe(synth.write_test_video(media_dir / "df_anchor.mov", rate=Rate(30000, 1001),
                                         seconds=0.2, width=W, height=H,
                                         timecode="00:09:59;28", drop_frame=True))
    assert asset.start_frame == 17980


# ---------------------------------------------------------------- picture properties

@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotation_from_the_display_matrix(media_dir, rotation):
    asset = probe(_good_clip(media_dir, f"rot{rotation}.mov", rotation=rotation))
    assert asset.rotation == rotation
    assert (asset.width, asset.height) == (W, H)  # coded size; rotation is applied on display


@pytest.mark.parametrize("order", ["tt", "bb"])
def test_interlaced_field_order(media_dir, order):
    asset = probe(_good_clip(media_dir, f"interlaced_{order}.mov", field_order=order))
    assert asset.field_order == order


def test_prores_422_10bit(media_dir):
    asset = probe(_good_clip(media_dir, "prores.mov", rate=Rate(24000, 1001), codec="prores",
                             pix_fmt="yuv422p10le", audio_channels=8, sample_rate=96000))
    assert asset.video_codec == "prores"
    assert asset.pixel_format == "yuv422p10le"
    assert asset.rate == Rate(24000, 1001) and asset.frame_count == 24
    assert [(a.channels, a.sample_rate, a.codec) for a in asset.audio] == [(8, 96000, "pcm_s16le")]


def test_8k_frame_probes_quickly(media_dir):
    path = synth.write_test_video(media_dir / "8k.mov", rate=24, seconds=Fraction(1, 24),
                                  width=7680, height=4320, audio_channels=0)
    start = time.perf_counter()
    asset = probe(path)
    elapsed = time.perf_counter() - start
    assert (asset.width, asset.height, asset.frame_count) == (7680, 4320, 1)
    assert elapsed < 5.0  # one decoded frame; generous for a loaded machine


# ---------------------------------------------------------------- audio

@pytest.mark.parametrize("name, channels, rate, codec", [
    ("tone8ch96k.wav", 8, 96000, "pcm_s16le"),
    ("mono.flac", 1, 48000, "flac"),
    ("stereo.m4a", 2, 44100, "aac"),
    ("mono.mp3", 1, 44100, "mp3float"),
])
def test_audio_only_files(media_dir, name, channels, rate, codec):
    path = synth.write_test_audio(media_dir / name, seconds=1.5, channels=channels, sample_rate=rate)
    asset = probe(path)
    assert asset.rate is None and not asset.has_video and asset.has_audio
    assert asset.frame_count == 0 and asset.start_timecode is None
    [stream] = asset.audio
    assert (stream.channels, stream.sample_rate, stream.codec) == (channels, rate, codec)
    assert abs(asset.duration - 1.5) < 0.06


def test_broadcast_wav_start_time(media_dir):
    path = synth.write_test_audio(media_dir / "recorder.wav", seconds=0.5, channels=2,
                                  time_reference=48000 * (10 * 3600 + 30))
    asset = probe(path)
    assert asset.rate is None
    assert asset.hints["time_reference_seconds"] == 10 * 3600 + 30


def test_multichannel_audio_in_a_video_file(media_dir):
    asset = probe(_good_clip(media_dir, "multich.mp4", seconds=0.4, audio_channels=8, sample_rate=96000))
    [stream] = asset.audio
    assert (stream.channels, stream.sample_rate, stream.layout) == (8, 96000, "7.1")


def test_video_without_audio(media_dir):
    asset = probe(_good_clip(media_dir, "mute.mp4", audio_channels=0))
    assert asset.has_video and not asset.has_audio


# ---------------------------------------------------------------- variable frame rate

@pytest.mark.parametrize("name, rate", [("vfr.mp4", Rate(30)), ("vfr.mkv", Rate(30000, 1001))])
def test_variable_frame_rate_is_detected(media_dir, name, rate):
    asset = probe(synth.write_test_video(media_dir / name, rate=rate, seconds=2, width=W, height=H,
                                         vfr=True))
    assert asset.variable_frame_rate is True
    assert asset.frame_count == round(2 * rate.fraction)  # every packet counted
    assert asset.rate == rate  # the average conforms to the nominal rate


def test_timestamp_pattern_classification():
    cfr_ms = [round(i * 1000 * 1001 / 30000) for i in range(100)]  # 33/34 ms rounding jitter
    assert not timestamp_pattern(cfr_ms).variable
    with_gaps = [i * 3003 for i in range(100) if i not in (40, 70)]  # two dropped frames
    pattern = timestamp_pattern(with_gaps)
    assert not pattern.variable and pattern.gaps == 2
    jitter = [0]
    for i in range(99):
        jitter.append(jitter[-1] + (2400 if (i // 3) % 2 else 3600))
    assert timestamp_pattern(jitter).variable
    reordered = [0, 3003 * 2, 3003, 3003 * 4, 3003 * 3] + [3003 * i for i in range(5, 50)]
    assert not timestamp_pattern(reordered).variable  # B-frame order does not matter


def test_rate_choice_snaps_container_rounding():
    assert choose_rate(Fraction(2997, 100), None) == Rate(30000, 1001)
    assert choose_rate(Fraction(30000, 1001), Fraction(60000, 1001)) == Rate(30000, 1001)
    # A non-standard average is kept exactly; the 90 kHz "base rate" is not a frame rate.
    assert choose_rate(Fraction(12000, 407), Fraction(90000)) == Rate(12000, 407)
    assert choose_rate(Fraction(25), Fraction(50)) == Rate(25)
    assert choose_rate(Fraction(2987, 100), Fraction(90000), variable=True) == Rate(30000, 1001)
    assert choose_rate(Fraction(17), None) == Rate(17)
    assert choose_rate(None, None) is None
    assert snap_rate(Fraction(26)) is None


# ---------------------------------------------------------------- content key

def test_content_key_is_stable_and_changes_with_the_file(media_dir, tmp_path):
    path = _good_clip(tmp_path, "keyed.mov", seconds=2)
    key = content_key(path)
    assert re.fullmatch(r"ck1-[0-9a-f]{32}", key)
    assert content_key(path) == key
    # Same bytes and mtime under another name: same key (the key is about content).
    twin = tmp_path / "twin.mov"
    twin.write_bytes(path.read_bytes())
    st = path.stat()
    os.utime(twin, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert content_key(twin) == key
    # A one-byte change inside a sampled block is seen even with the mtime put back.
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert content_key(path) != key
    # Touching the file changes the key.
    os.utime(twin, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert content_key(twin) != key


def test_content_key_of_a_3gb_file_reads_only_sampled_blocks(tmp_path, monkeypatch):
    big = tmp_path / "camera_original.mov"
    with open(big, "wb") as fh:
        fh.truncate(3 * 1024**3)  # sparse: no disk used
    with open(big, "r+b") as fh:
        fh.seek(2 * 1024**3)
        fh.write(b"some real bytes in the middle")
    reads = []
    real_open = open

    class CountingFile:
        def __init__(self, fh):
            self._fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._fh.close()

        def seek(self, offset):
            return self._fh.seek(offset)

        def read(self, n=-1):
            data = self._fh.read(n)
            reads.append(len(data))
            return data

    monkeypatch.setattr(keys_module, "open", lambda p, mode="rb": CountingFile(real_open(p, mode)),
                        raising=False)
    start = time.perf_counter()
    key = content_key(big)
    elapsed = time.perf_counter() - start
    assert key.startswith("ck1-")
    assert len(reads) == 18 and sum(reads) == 18 * keys_module.BLOCK_SIZE
    assert elapsed < 1.0
    offsets = keys_module.sample_offsets(3 * 1024**3)
    assert offsets[0] == 0 and offsets[-1] == 3 * 1024**3 - keys_module.BLOCK_SIZE
    assert offsets == sorted(offsets)


def test_small_files_are_keyed_whole(tmp_path):
    assert keys_module.sample_offsets(100) == [0]
    assert keys_module.sample_offsets(0) == []
    assert keys_module.sample_offsets(18 * keys_module.BLOCK_SIZE) == [
        i * keys_module.BLOCK_SIZE for i in range(18)]


def test_content_key_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(MediaError, match=r"nope\.mov: file not found"):
        content_key(tmp_path / "nope.mov")


# ---------------------------------------------------------------- bad inputs

@pytest.fixture(scope="module")
def bad_inputs(media_dir) -> dict[str, Path]:
    """One file per kind of bad input, next to two good clips."""
    import av
    import numpy as np

    folder = media_dir / "bad"
    folder.mkdir()
    good = _good_clip(folder, "a_good.mp4", seconds=2)
    data = good.read_bytes()
    files = {"good": good}
    files["empty"] = folder / "empty.mov"
    files["empty"].write_bytes(b"")
    files["text"] = folder / "notes_renamed.mov"
    files["text"].write_text("INT. KITCHEN - NIGHT\nALICE\nWe can't stay here.\n" * 30)
    files["truncated"] = folder / "truncated.mp4"
    files["truncated"].write_bytes(data[: len(data) // 2])  # index (moov) is at the end: lost
    files["garbage"] = folder / "garbage.mov"
    files["garbage"].write_bytes(np.random.default_rng(1).integers(0, 256, 8000, np.uint8).tobytes())
    # A fast-start MP4 (index first) cut short: the index points past the end of the file.
    faststart = folder / "faststart.mp4"
    with av.open(str(good)) as src, av.open(str(faststart), "w", options={"movflags": "faststart"}) as dst:
        streams = {s.index: dst.add_stream_from_template(s) for s in src.streams}
        for packet in src.demux():
            if packet.dts is not None:
                packet.stream = streams[packet.stream.index]
                dst.mux(packet)
    files["faststart_good"] = faststart
    files["faststart_truncated"] = folder / "faststart_cut.mp4"
    fs = faststart.read_bytes()
    files["faststart_truncated"].write_bytes(fs[: len(fs) * 2 // 3])
    files["image"] = folder / "still.mov"  # a PNG with a video extension
    with av.open(str(folder / "still.png"), "w", format="image2") as img:
        stream = img.add_stream("png", rate=1)
        stream.width, stream.height, stream.pix_fmt = W, H, "rgb24"
        frame = av.VideoFrame.from_ndarray(synth.frame_picture(0, W, H), format="rgb24")
        img.mux(stream.encode(frame))
        img.mux(stream.encode(None))
    (folder / "still.png").rename(files["image"])
    files["subtitles"] = media_dir / "only_subs.srt"
    files["subtitles"].write_text("1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n")
    files["folder"] = media_dir / "a_folder.mov"
    files["folder"].mkdir()
    files["missing"] = folder / "missing.mov"
    return files


@pytest.mark.parametrize("kind, reason", [
    ("missing", "file not found"),
    ("empty", "empty file (0 bytes)"),
    ("text", "not a media file: it holds text"),
    ("truncated", "truncated or corrupt: the MOV/MP4 index (moov atom) is missing"),
    ("faststart_truncated", "truncated or corrupt: the file ends at"),
    ("garbage", "not a media file"),
    ("image", "a still image, not video or audio"),
    ("subtitles", "no audio or video: it holds only subtitles"),
    ("folder", "is a folder, not a media file"),
])
def test_bad_input_gives_a_clear_reason_naming_the_file(bad_inputs, kind, reason):
    path = bad_inputs[kind]
    with pytest.raises(MediaError) as info:
        probe(path)
    assert info.value.path == str(path)
    assert reason in info.value.reason
    assert str(path) in str(info.value)


def test_good_fast_start_file_probes(bad_inputs):
    asset = probe(bad_inputs["faststart_good"])
    assert asset.frame_count == 50 and asset.rate == Rate(25)


def test_probe_many_keeps_going_past_bad_files(bad_inputs):
    order = ["empty", "good", "text", "truncated", "faststart_good", "missing"]
    assets, errors = probe_many([bad_inputs[k] for k in order])
    assert [a.path for a in assets] == [str(bad_inputs["good"]), str(bad_inputs["faststart_good"])]
    assert [e.path for e in errors] == [str(bad_inputs[k]) for k in ("empty", "text", "truncated", "missing")]


# ---------------------------------------------------------------- discovery

def test_discover_media_in_a_mixed_folder(tmp_path):
    root = tmp_path / "bin"
    (root / "day2" / ".hidden_dir").mkdir(parents=True)
    for rel in ("b.mov", "a.MP4", "day2/c.wav", "day2/.hidden_dir/x.mov"):
        (root / rel).write_bytes(b"x")
    for rel in (".DS_Store", "cut.otio", "scene.fountain", "notes.txt", "plan.json", "._a.mov"):
        (root / rel).write_bytes(b"x")
    for rel in ("photo.jpg", "day2/README", "clip.braw"):
        (root / rel).write_bytes(b"x")
    paths, errors = discover_media([root, root / "b.mov", tmp_path / "missing.mov"])
    assert paths == [root / "a.MP4", root / "b.mov", root / "day2" / "c.wav"]
    reasons = {Path(e.path).name: e.reason for e in errors}
    assert set(reasons) == {"clip.braw", "photo.jpg", "README", "missing.mov"}
    assert reasons["photo.jpg"] == "not a media file (extension '.jpg')"
    assert reasons["README"] == "not a media file (no file extension)"
    assert "camera raw" in reasons["clip.braw"]
    assert reasons["missing.mov"] == "file not found"


def test_discover_media_reports_a_folder_without_media(tmp_path):
    (tmp_path / "empty_bin").mkdir()
    (tmp_path / "empty_bin" / "notes.txt").write_text("sidecar")
    paths, errors = discover_media([tmp_path / "empty_bin"])
    assert paths == []
    assert [e.reason for e in errors] == ["no media files found in this folder"]


def test_discover_media_reports_an_unreadable_subfolder(tmp_path, monkeypatch):
    from roughcut_core.media import discover as discover_module

    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "a.mov").write_bytes(b"x")
    real_walk = os.walk

    def walk_with_locked_folder(top, onerror=None, followlinks=False):
        yield from real_walk(top, onerror=onerror, followlinks=followlinks)
        # What os.walk does for a subfolder it may not list (we run as root in CI).
        onerror(PermissionError(13, "Permission denied", str(tmp_path / "bin" / "locked")))

    monkeypatch.setattr(discover_module.os, "walk", walk_with_locked_folder)
    paths, errors = discover_media([tmp_path / "bin"])
    assert paths == [tmp_path / "bin" / "a.mov"]
    assert [(e.path, e.reason) for e in errors] == [
        (str(tmp_path / "bin" / "locked"), "cannot read folder: Permission denied")]


def test_explicit_files_are_kept_whatever_their_extension(tmp_path):
    odd = tmp_path / "clip.bin"
    odd.write_bytes(b"x")
    assert discover_media([odd]) == ([odd], [])
    assert {".mov", ".mp4", ".mxf", ".wav", ".mkv"} <= MEDIA_EXTENSIONS


# ---------------------------------------------------------------- CLI

def test_cli_probe_mixed_folder_reports_each_bad_file_and_lists_the_good(bad_inputs, capsys):
    folder = bad_inputs["good"].parent
    rc = cli_main(["probe", str(folder), str(bad_inputs["missing"])])
    out, err = capsys.readouterr()
    assert rc == 0
    assert "a_good.mp4" in out and "faststart.mp4" in out
    lines = err.strip().splitlines()
    for kind in ("empty", "text", "truncated", "faststart_truncated", "garbage", "image", "missing"):
        matching = [line for line in lines if str(bad_inputs[kind]) in line]
        assert len(matching) == 1, (kind, lines)
    assert len(lines) == 7


def test_cli_probe_json(bad_inputs, capsys):
    rc = cli_main(["probe", "--json", str(bad_inputs["good"]), str(bad_inputs["empty"])])
    out, err = capsys.readouterr()
    assert rc == 0
    [doc] = json.loads(out)
    assert doc["path"] == str(bad_inputs["good"])
    assert doc["rate"] == [25, 1] and doc["frame_count"] == 50
    assert doc["audio"][0]["channels"] == 2
    assert err.count("\n") == 1 and "empty file (0 bytes)" in err


def test_cli_probe_exits_2_when_nothing_is_usable(bad_inputs, capsys):
    rc = cli_main(["probe", str(bad_inputs["empty"]), str(bad_inputs["text"]), str(bad_inputs["missing"])])
    out, err = capsys.readouterr()
    assert rc == 2
    assert out == ""
    assert str(bad_inputs["text"]) in err and str(bad_inputs["missing"]) in err


# ---------------------------------------------------------------- real media (../shared)

def test_probe_every_shared_media_file(shared_media):
    paths, _ = discover_media([shared_media])
    paths = [p for p in paths if "holdout" not in p.parts]
    assert len(paths) >= 20
    assets, errors = probe_many(paths)
    assert errors == []
    for asset in assets:
        assert asset.duration > 0 and asset.content_key.startswith("ck1-")
        assert asset.has_audio or asset.has_video
        if asset.has_video:
            assert asset.width > 0 and asset.height > 0
            assert abs(float(asset.frame_count / asset.rate.fraction) - asset.duration) < 0.25, asset.path


def test_shared_mpeg1_without_frame_index(grid_clip):
    asset = probe(grid_clip)
    assert asset.rate == Rate(25) and asset.frame_count == 75
    assert (asset.width, asset.height, asset.video_codec) == (360, 288, "mpeg1video")
    assert [(a.codec, a.channels, a.sample_rate) for a in asset.audio] == [("mp2", 2, 44100)]


def test_shared_rotated_phone_clip(openmpf_rotated_clip):
    asset = probe(openmpf_rotated_clip)
    assert asset.rotation == 90  # display matrix -90 (counter-clockwise) = turn 90 clockwise
    assert (asset.width, asset.height) == (480, 640)
    assert asset.rate == Rate(30000, 1001) and asset.frame_count == 511


def test_shared_clips_rates_and_frame_counts(chaplin_clip, countdown_clip, timecode_clip, shot_cuts_clip):
    expect = {chaplin_clip: (Rate(25), 241), countdown_clip: (Rate(24), 183),
              timecode_clip: (Rate(30), 1272), shot_cuts_clip: (Rate(30000, 1001), 720)}
    for path, (rate, frames) in expect.items():
        asset = probe(path)
        assert (asset.rate, asset.frame_count, asset.variable_frame_rate) == (rate, frames, False), path


def test_shared_audio_only(jfk_flac, sonnet_mp3):
    jfk = probe(jfk_flac)
    assert jfk.rate is None and abs(jfk.duration - 11.0) < 0.01
    assert [(a.codec, a.channels, a.sample_rate) for a in jfk.audio] == [("flac", 2, 44100)]
    sonnet = probe(sonnet_mp3)
    assert sonnet.rate is None and abs(sonnet.duration - 53.27) < 0.05


def test_shared_subtitle_streams_are_ignored(subtitle_track_mp4, subtitle_track_mkv):
    for path in (subtitle_track_mp4, subtitle_track_mkv):
        asset = probe(path)
        assert asset.rate == Rate(20) and asset.frame_count == 40, path
        assert len(asset.audio) == 1
