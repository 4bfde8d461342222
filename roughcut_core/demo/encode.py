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
from typing import Callable

import numpy as np

from ..fileio import atomic_output
from .audio import SAMPLES_PER_FRAME
from .tts import SAMPLE_RATE

RATE = Fraction(24000, 1001)
_AAC_FRAME = 1024


def write_take(path: Path, frame_at: Callable[[int], np.ndarray], frames: int, audio: np.ndarray,
               width: int, height: int) -> None:
    import av

    path = Path(path)
    if audio.shape != (frames * SAMPLES_PER_FRAME, 2):
        raise ValueError(f"audio must be ({frames * SAMPLES_PER_FRAME}, 2), got {audio.shape}")
    # Takes are ordinary shared media: 0644, not mkstemp's 0600.
    with atomic_output(path, suffix=".mp4", mode=0o644) as tmp:
        with av.open(str(tmp), mode="w", format="mp4") as container:
            video = container.add_stream("libx264", rate=RATE)
            video.width, video.height = width, height
            video.pix_fmt = "yuv420p"
            frame_tb = Fraction(1) / RATE
            video.time_base = frame_tb
            video.codec_context.time_base = frame_tb
            video.options = {"preset": "superfast", "crf": "28", "g": "48", "keyint_min": "12"}
            sound = container.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
            sound.time_base = Fraction(1, SAMPLE_RATE)
            sound.bit_rate = 96000
            sound.options = {"aac_coder": "fast"}  # the default two-loop search costs more than x264 here
            planar = np.ascontiguousarray(audio.T.astype(np.float32))
            sent = 0
            for i in range(frames):
                picture = av.VideoFrame.from_ndarray(frame_at(i), format="yuv420p")
                picture.pts = i
                # The muxer may change the stream's time base once the header is written;
                # frames stay in the codec's 1001/24000 so that pts i means frame i.
                picture.time_base = frame_tb
                container.mux(video.encode(picture))
                until = (i + 1) * SAMPLES_PER_FRAME
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
