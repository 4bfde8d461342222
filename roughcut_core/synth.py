"""Deterministic synthetic media for tests and benchmarks (written with PyAV).

Contract:
- The same arguments always give the same pictures and samples (the encoded bytes may
  differ between encoder versions). Nothing is random unless seeded.
- Every video frame carries its own index as a 16-bit barcode in the top band of the
  picture (cell ``b`` white when bit ``b`` is set, most significant bit first);
  :func:`read_frame_index` reads it back from a decoded RGB frame, so tests can check
  frame accuracy (which frame a seek or a cut really landed on) after lossy coding.
- Audio channel ``c`` (0-based) of a ``"tone"`` carries a sine at ``tone_hz * (c + 1)``
  with amplitude 0.5, so channel mapping is testable; ``"noise"`` is seeded white noise at
  amplitude 0.25; ``"silence"`` is digital zero.
- ``rotation`` uses :attr:`MediaAsset.rotation`'s convention: degrees *clockwise* the
  picture must be turned for display (the legacy ``rotate`` tag); it is stored as a
  display matrix.
- ``timecode`` is written as container metadata; FFmpeg's MOV/MP4 muxer turns it into a
  QuickTime ``tmcd`` track, MXF and Matroska store it as a tag.
- Media is produced frame by frame (memory does not grow with length) and written to a
  temporary name beside the target, then renamed, so a reader never sees half a file.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Union

import numpy as np

from .fileio import atomic_output
from .timebase import Rate, frames_to_timecode, seconds_to_frames, timecode_to_frames

PathLike = Union[str, Path]

INDEX_BITS = 16
_AUDIO_CHUNK = 1024  # noise block size: part of the signal definition, never change
_ENCODE_CHUNK = 8192  # samples handed to the encoder at a time (PyAV re-chunks for AAC/MP3)
_VFR_TIME_BASE = Fraction(1, 90000)
# Channel layouts FFmpeg knows by name; other counts fall back to "<n>c" discrete layouts.
_LAYOUTS = {1: "mono", 2: "stereo", 3: "2.1", 4: "quad", 5: "5.0", 6: "5.1", 7: "6.1", 8: "7.1"}
_VIDEO_ENCODERS = {"h264": "libx264", "prores": "prores_ks", "prores_ks": "prores_ks",
                   "mpeg4": "mpeg4", "mjpeg": "mjpeg", "ffv1": "ffv1", "dnxhd": "dnxhd",
                   "mpeg2video": "mpeg2video"}
# AVFieldOrder values: top field first / bottom field first, both coded and displayed so.
_FIELD_ORDER_CODES = {"tt": 2, "bb": 3}
_CONTAINER_FORMATS = {".mov": "mov", ".mp4": "mp4", ".m4v": "mp4", ".mkv": "matroska",
                      ".mxf": "mxf", ".avi": "avi", ".wav": "wav", ".flac": "flac",
                      ".m4a": "ipod", ".mp3": "mp3", ".mpg": "mpeg", ".ts": "mpegts"}
_AUDIO_CODEC_BY_EXT = {".mp4": "aac", ".m4v": "aac", ".m4a": "aac", ".mp3": "libmp3lame",
                       ".flac": "flac", ".mpg": "mp2", ".ts": "aac"}


def channel_layout(channels: int) -> str:
    """FFmpeg layout name for a channel count (``"stereo"``, ``"7.1"``, ``"12c"``...)."""
    if channels < 1:
        raise ValueError(f"channel count must be at least 1, got {channels}")
    return _LAYOUTS.get(channels, f"{channels}c")


def frame_picture(index: int, width: int, height: int) -> np.ndarray:
    """RGB24 picture for frame ``index``: a moving gradient with the index barcode on top.

    The barcode reads back reliably after lossy coding from about 64x36 up; smaller
    pictures still get one (cells of at least one pixel) but may not survive coding.
    """
    if width < 1 or height < 1:
        raise ValueError(f"frame size must be positive, got {width}x{height}")
    xs = (np.arange(width, dtype=np.int32) * 255 // max(width - 1, 1) + index * 4) % 256
    ys = np.arange(height, dtype=np.int32) * 255 // max(height - 1, 1)
    img = np.empty((height, width, 3), np.uint8)
    img[:, :, 0] = xs[None, :]
    img[:, :, 1] = ys[:, None]
    img[:, :, 2] = (index * 7) % 256
    band = _band_height(height)
    cell = max(1, width // INDEX_BITS)
    for bit in range(min(INDEX_BITS, width // cell)):
        on = (index >> (INDEX_BITS - 1 - bit)) & 1
        img[:band, bit * cell:(bit + 1) * cell, :] = 255 if on else 0
    return img


def read_frame_index(rgb: np.ndarray) -> int:
    """The frame index drawn by :func:`frame_picture` into a decoded RGB (H, W, 3) array."""
    height, width = rgb.shape[:2]
    band = _band_height(height)
    cell = width // INDEX_BITS
    value = 0
    for bit in range(INDEX_BITS):
        # Sample the cell's centre: block edges bleed under lossy coding.
        y0, y1 = band // 4, max(band * 3 // 4, band // 4 + 1)
        x0, x1 = bit * cell + cell // 4, bit * cell + max(cell * 3 // 4, cell // 4 + 1)
        level = float(rgb[y0:y1, x0:x1, :].mean())
        value = (value << 1) | (1 if level >= 128 else 0)
    return value


def _band_height(height: int) -> int:
    return min(height, max(8, height // 6))


def audio_samples(start: int, count: int, *, channels: int, sample_rate: int,
                  signal: str = "tone", tone_hz: float = 440.0, seed: int = 0) -> np.ndarray:
    """float32 array (channels, count) of the test signal from sample ``start`` on.

    Chunk-independent: samples depend only on their absolute index (noise is generated in
    fixed blocks, each from its own seeded generator).
    """
    if signal == "silence":
        return np.zeros((channels, count), np.float32)
    if signal == "tone":
        t = (np.arange(start, start + count, dtype=np.float64) / sample_rate)[None, :]
        freqs = tone_hz * np.arange(1, channels + 1, dtype=np.float64)[:, None]
        return (0.5 * np.sin(2 * np.pi * freqs * t)).astype(np.float32)
    if signal == "noise":
        first, last = start // _AUDIO_CHUNK, (start + count - 1) // _AUDIO_CHUNK
        blocks = [np.random.default_rng([seed, k]).uniform(-0.25, 0.25, (channels, _AUDIO_CHUNK))
                  for k in range(first, last + 1)]
        joined = np.concatenate(blocks, axis=1) if blocks else np.zeros((channels, 0))
        offset = start - first * _AUDIO_CHUNK
        return joined[:, offset:offset + count].astype(np.float32)
    raise ValueError(f"unknown signal {signal!r} (expected 'tone', 'silence' or 'noise')")


def vfr_frame_times(frame_count: int, rate: Rate) -> list[Fraction]:
    """Start times of the frames of a synthetic variable-frame-rate clip.

    Frame durations alternate in runs of three between 0.8 and 1.2 nominal frame
    durations (phone-like jitter that no constant rate explains; the mean stays nominal).
    """
    nominal = 1 / rate.fraction
    times, t = [], Fraction(0)
    for i in range(frame_count):
        times.append(t)
        t += nominal * (Fraction(6, 5) if (i // 3) % 2 else Fraction(4, 5))
    return times


def write_test_video(path: PathLike, *, rate, seconds: float, width: int = 320, height: int = 180,
                     timecode: str | None = None, drop_frame: bool = False,
                     audio_channels: int = 2, sample_rate: int = 48000, tone_hz: float = 440.0,
                     codec: str = "h264", pix_fmt: str = "yuv420p", rotation: int = 0,
                     vfr: bool = False, audio_codec: str | None = None,
                     signal: str = "tone", field_order: str = "progressive") -> Path:
    """Write a test clip of ``seconds_to_frames(seconds, rate)`` frames (+ audio); return its path.

    The container follows the extension (.mov .mp4 .mkv .mxf .avi ...). Audio is AAC in
    MP4, PCM elsewhere (``audio_codec`` overrides); ``audio_channels=0`` writes no audio.
    ``timecode`` is a start label such as ``"01:00:00:00"``; with ``drop_frame`` its last
    separator becomes ``;``. ``field_order`` "tt"/"bb" codes interlaced H.264 pictures and
    flags the stream so the container records the field order.
    """
    import av

    path = Path(path)
    rate = Rate.parse(rate)
    frame_count = seconds_to_frames(seconds, rate)
    if frame_count < 1:
        raise ValueError(f"{seconds} s at {rate} fps is less than one frame")
    label = _timecode_label(timecode, rate, drop_frame) if timecode else None
    ext = path.suffix.lower()
    fmt = _CONTAINER_FORMATS.get(ext)
    encoder = _VIDEO_ENCODERS.get(codec, codec)
    with atomic_output(path) as tmp:
        with av.open(str(tmp), "w", format=fmt) as out:
            if label:
                out.metadata["timecode"] = label
            options = _video_options(encoder, field_order)
            video = out.add_stream(encoder, rate=rate.fraction, options=options)
            video.width, video.height, video.pix_fmt = width, height, pix_fmt
            if field_order != "progressive":
                video.codec_context.field_order = _FIELD_ORDER_CODES[field_order]
            if vfr:
                video.codec_context.time_base = _VFR_TIME_BASE
                video.time_base = _VFR_TIME_BASE
            if rotation % 360:
                # PyAV takes counter-clockwise degrees; ours are clockwise (the `rotate` tag).
                video.set_display_rotation(-(rotation % 360))
            audio = None
            if audio_channels:
                acodec = audio_codec or _AUDIO_CODEC_BY_EXT.get(ext, "pcm_s16le")
                audio = out.add_stream(acodec, rate=sample_rate, layout=channel_layout(audio_channels))
            total_samples = seconds_to_frames(seconds, Rate(sample_rate))
            sound = (_AudioWriter(out, audio, audio_channels, sample_rate, signal, tone_hz, 0)
                     if audio is not None else None)
            times = vfr_frame_times(frame_count, rate) if vfr else None
            for i in range(frame_count):
                frame = av.VideoFrame.from_ndarray(frame_picture(i, width, height), format="rgb24")
                if pix_fmt != "rgb24":
                    frame = frame.reformat(format=pix_fmt)
                if times is not None:
                    frame.pts = int(times[i] / _VFR_TIME_BASE)
                    frame.time_base = _VFR_TIME_BASE
                else:
                    frame.pts = i
                    frame.time_base = 1 / rate.fraction
                out.mux(video.encode(frame))
                if sound is not None:
                    # Interleave: sound up to the end of this frame, so the muxer never
                    # has to hold a long run of one stream in memory.
                    if times is not None and i + 1 < frame_count:
                        frame_end = times[i + 1]
                    else:
                        frame_end = Fraction(i + 1) / rate.fraction
                    sound.write_until(min(total_samples,
                                          seconds_to_frames(frame_end, Rate(sample_rate))))
            out.mux(video.encode(None))
            if sound is not None:
                sound.write_until(total_samples)
                sound.finish()
    return path


def write_test_audio(path: PathLike, *, seconds: float, channels: int = 1, sample_rate: int = 48000,
                     signal: str = "tone", tone_hz: float = 440.0, seed: int = 0,
                     codec: str | None = None, time_reference: int | None = None) -> Path:
    """Write an audio-only test file (.wav PCM 16-bit, .flac, .m4a AAC, .mp3...).

    ``time_reference`` (samples since midnight, .wav only) writes a Broadcast WAV ``bext``
    chunk: the start time a sound recorder stamps on its files.
    """
    import av

    path = Path(path)
    ext = path.suffix.lower()
    total = seconds_to_frames(seconds, Rate(sample_rate))
    options = {}
    if time_reference is not None:
        if ext != ".wav":
            raise ValueError("time_reference needs a .wav file (Broadcast WAV)")
        options = {"write_bext": "1"}
    with atomic_output(path) as tmp:
        with av.open(str(tmp), "w", format=_CONTAINER_FORMATS.get(ext), options=options) as out:
            if time_reference is not None:
                out.metadata["time_reference"] = str(int(time_reference))
            stream = out.add_stream(codec or _AUDIO_CODEC_BY_EXT.get(ext, "pcm_s16le"),
                                    rate=sample_rate, layout=channel_layout(channels))
            sound = _AudioWriter(out, stream, channels, sample_rate, signal, tone_hz, seed)
            sound.write_until(total)
            sound.finish()
    return path


class _AudioWriter:
    """Encodes the test signal of one audio stream in order, in bounded chunks."""

    def __init__(self, out, stream, channels: int, sample_rate: int, signal: str,
                 tone_hz: float, seed: int):
        self.out, self.stream = out, stream
        self.channels, self.sample_rate = channels, sample_rate
        self.signal, self.tone_hz, self.seed = signal, tone_hz, seed
        self.layout = channel_layout(channels)
        self.position = 0

    def write_until(self, end_sample: int) -> None:
        import av

        while self.position < end_sample:
            count = min(_ENCODE_CHUNK, end_sample - self.position)
            data = audio_samples(self.position, count, channels=self.channels,
                                 sample_rate=self.sample_rate, signal=self.signal,
                                 tone_hz=self.tone_hz, seed=self.seed)
            # Packed float, one plane: PyAV miscounts planes for planar frames of 8+ channels.
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data.T).reshape(1, -1),
                                               format="flt", layout=self.layout)
            frame.sample_rate = self.sample_rate
            frame.pts = self.position
            frame.time_base = Fraction(1, self.sample_rate)
            self.out.mux(self.stream.encode(frame))
            self.position += count

    def finish(self) -> None:
        self.out.mux(self.stream.encode(None))


def _video_options(encoder: str, field_order: str) -> dict:
    if field_order not in ("progressive", *_FIELD_ORDER_CODES):
        raise ValueError(f"field_order must be 'progressive', 'tt' or 'bb', got {field_order!r}")
    options: dict = {}
    if encoder == "libx264":
        options = {"preset": "ultrafast", "g": "12"}
    if field_order != "progressive":
        if encoder != "libx264":
            # Other encoders take the field order from per-frame flags PyAV cannot set.
            raise ValueError("interlaced test video needs codec='h264'")
        options["flags"] = "+ilme+ildct"
        options["x264-params"] = "tff=1" if field_order == "tt" else "bff=1"
    return options


def _timecode_label(timecode: str, rate: Rate, drop_frame: bool) -> str:
    frames = timecode_to_frames(timecode, rate, drop_frame)
    return frames_to_timecode(frames, rate, drop_frame)
