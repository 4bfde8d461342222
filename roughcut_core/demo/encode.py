"""Write one demo take as an MP4: H.264 video at 24000/1001 and AAC stereo 48 kHz, via PyAV.

Contract:
- :func:`write_take` encodes ``frames`` pictures (``frame_at(i)``: packed yuv420p uint8 of shape
  (height * 3 // 2, width)) and the
  take's (n, 2) float32 audio, n = frames * 2002, into ``path``.
- Video stream: libx264, yuv420p, time base 1001/24000, frame i has pts i, a keyframe at
  least every 48 frames (cheap seeking for the analysers).
- Atomic: the file is written beside ``path`` under a temporary name and renamed into place
  only once complete, so a reader never sees a half-written take.
- Memory stays flat: frames are produced and encoded one at a time; audio is sent in
  1024-sample AAC frames interleaved with the video it belongs to.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from ..fileio import atomic_output
from .audio import SAMPLES_PER_FRAME
from .tts import SAMPLE_RATE

RATE = Fraction(24000, 1001)
_AAC_FRAME = 1024


def write_take(path: Path, frame_at: Callable[[int], np.ndarray], frames: int, audio: np.ndarray,
               width: int, height: int) -> None:
    if audio.shape != (frames * SAMPLES_PER_FRAME, 2):
        raise ValueError(f"audio must be ({frames * SAMPLES_PER_FRAME}, 2), got {audio.shape}")
    mux_mp4(Path(path), frame_at, frames, audio, RATE, width, height,
            video_options={"preset": "superfast", "crf": "28", "g": "48", "keyint_min": "12"},
            audio_bit_rate=96000)


def mux_mp4(path: Path, frame_at: Callable[[int], np.ndarray], frames: int, audio: np.ndarray, rate: Fraction,
            width: int, height: int, *, video_options: dict, audio_bit_rate: int, frame_format: str = "yuv420p",
            timecode: Optional[str] = None) -> None:
    """H.264 (yuv420p, time base 1/``rate``, frame i at pts i) + AAC stereo at 48 kHz into an MP4,
    written atomically (mode 0644). ``frame_at(i)`` gives frame i as an ndarray in
    ``frame_format`` (``yuv420p`` packed, or e.g. ``rgb24``, converted); ``audio`` is (n, 2)
    float32, sent in 1024-sample AAC frames up to the end of each video frame. ``timecode``:
    the video stream's start timecode tag (the MP4 muxer writes it as a ``tmcd`` track).
    Shared by the demo takes and ``scenegen``."""
    import av

    # Takes are ordinary shared media: 0644, not mkstemp's 0600.
    with atomic_output(path, suffix=".mp4", mode=0o644) as tmp:
        with av.open(str(tmp), mode="w", format="mp4") as container:
            video = container.add_stream("libx264", rate=rate)
            if timecode:
                video.metadata["timecode"] = timecode
            video.width, video.height = width, height
            video.pix_fmt = "yuv420p"
            frame_tb = Fraction(1) / rate
            video.time_base = frame_tb
            video.codec_context.time_base = frame_tb
            video.options = dict(video_options)
            sound = container.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
            sound.time_base = Fraction(1, SAMPLE_RATE)
            sound.bit_rate = audio_bit_rate
            sound.options = {"aac_coder": "fast"}  # the default two-loop search costs more than x264 here
            planar = np.ascontiguousarray(audio.T.astype(np.float32))
            per_frame = Fraction(SAMPLE_RATE) / rate
            sent = 0
            for i in range(frames):
                picture = av.VideoFrame.from_ndarray(frame_at(i), format=frame_format)
                if frame_format != "yuv420p":
                    picture = picture.reformat(format="yuv420p")
                picture.pts = i
                # The muxer may change the stream's time base once the header is written;
                # frames stay in the codec's 1/rate so that pts i means frame i.
                picture.time_base = frame_tb
                container.mux(video.encode(picture))
                until = min(planar.shape[1], int((i + 1) * per_frame))
                while sent < until:
                    chunk = planar[:, sent:sent + _AAC_FRAME]
                    block = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
                    block.sample_rate = SAMPLE_RATE
                    block.pts = sent
                    block.time_base = Fraction(1, SAMPLE_RATE)
                    container.mux(sound.encode(block))
                    sent += chunk.shape[1]
            container.mux(video.encode(None))
            container.mux(sound.encode(None))
