"""Per-file analyses for `roughcut analyze`: shots, camera motion per shot, sound events. Cached.

Contract: ``analyze_asset(asset, cache)`` -> JSON-ready dict
``{"path", "rate", "frame_count", "shots": [{"start_frame", "end_frame" (exclusive),
"camera_motion": {"kind", "magnitude"}, "motion_detail": {...}}], "sound_events": [{"start",
"end", "label", "score"}], "room_tone": [{"start", "end"}], "music_under_dialogue": [...],
"noise_floor_db"}``. Frames count from the file's first frame (0) at the asset's rational rate.

Picture: ONE streamed PyAV pass (``picture.decode.iter_decoded``, no proxies) gives every decoded
frame a small RGB image; the 96-wide version feeds the picture stage's PySceneDetect detectors
(``picture.shots.ShotBoundaries``, same settings as the picture stage), a 160-wide grey version
feeds the sparse optical flow (``analyses.motion``). Motion pairs that straddle a cut are dropped.
For long-GOP codecs only reference frames are decoded (as the picture stage does).
Sound: 16 kHz mono mix decoded with PyAV, ``analyses.sound``. Files without sound have no events.
Each half is cached separately under the file's content key (``analyses.picture`` /
``analyses.sound``, versioned; options are part of the key).
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

import numpy as np

from ..cache import AnalysisCache
from ..errors import MediaError

PICTURE_VERSION = "2"  # 2: points tracked along, refreshed every 8 pairs
SOUND_VERSION = "2"  # 2: 4 s VAD blocks, local-envelope peaks, music under speech at 0.28
MOTION_WIDTH = 160


def _fps(asset) -> Fraction:
    r = asset.rate
    return Fraction(r.num, r.den) if r is not None else Fraction(25)


def picture_analysis(path, fps: Fraction, frame_count: int, motion_width: int = MOTION_WIDTH) -> dict:
    """Shots with camera motion for one video file (uncached; see ``analyze_asset``)."""
    import cv2

    from ..picture.decode import SMALL_WIDTH, iter_decoded
    from ..picture.shots import ShotBoundaries
    from .motion import REFRESH, classify_motion, to_grey, track_motion

    shots = ShotBoundaries(float(fps))
    times: list[float] = []
    motions: list = []
    prev = pts = None
    for fr in iter_decoded(path, 0.0, small_width=motion_width):
        small = fr.small
        h, w = small.shape[:2]
        tiny = cv2.resize(small, (SMALL_WIDTH, max(1, int(round(h * SMALL_WIDTH / w)))),
                          interpolation=cv2.INTER_AREA)
        shots.feed(fr.t, tiny)
        grey = to_grey(small)
        if prev is not None:
            m, pts = track_motion(prev, grey, None if len(motions) % REFRESH == 0 else pts)
            motions.append(m)
        times.append(fr.t)
        prev = grey
    if not times:
        raise MediaError(path, "video stream has no decodable frames")
    cuts = [int(round(c * fps)) for c in shots.boundaries()]
    last = int(round(times[-1] * fps)) + 1
    total = max(frame_count, last)
    edges = [0] + [c for c in cuts if 0 < c < total] + [total]
    frame_of = np.array([int(round(t * fps)) for t in times])
    out = []
    for a, b in zip(edges, edges[1:]):
        idx = np.flatnonzero((frame_of >= a) & (frame_of < b)).tolist()
        sel_t = [times[i] for i in idx]
        # pair i is decoded frame i -> i + 1: both lie in the shot, as idx is contiguous
        sel_m = [motions[i] for i in idx[:-1]]
        cm = classify_motion(sel_t, sel_m)
        out.append({"start_frame": a, "end_frame": b, "camera_motion": cm.to_json(),
                    "motion_detail": cm.detail_json()})
    return {"shots": out, "decoded_frames": len(times), "boundaries_s": shots.boundaries()}


def sound_analysis(path) -> dict:
    """Sound events of one file (uncached); a file without sound gives no events."""
    from ..speech.audio_io import decode_audio
    from .sound import sound_events

    audio = decode_audio(path, 16000)
    res = sound_events(audio)
    return {"sound_events": [e.to_json() for e in res.events],
            "room_tone": [{"start": round(a, 3), "end": round(b, 3)} for a, b in res.room_tone],
            "music_under_dialogue": [{"start": round(a, 3), "end": round(b, 3)} for a, b in res.music_under_dialogue],
            "noise_floor_db": round(res.noise_floor_db, 2)}


def analyze_asset(asset, cache: Optional[AnalysisCache] = None) -> dict:
    """All analyses of one probed asset (``media.probe``), each half served from the cache."""
    cache = cache or AnalysisCache(enabled=False)
    fps = _fps(asset)
    result = {"path": asset.path, "rate": f"{fps.numerator}/{fps.denominator}" if asset.rate else None,
              "frame_count": asset.frame_count, "shots": [], "sound_events": [], "room_tone": [],
              "music_under_dialogue": [], "noise_floor_db": None}
    if asset.has_video:
        params = {"motion_width": MOTION_WIDTH, "fps": str(fps), "frames": asset.frame_count}
        pic = cache.get_or_compute(asset.content_key, "analyses.picture", PICTURE_VERSION, params,
                                   lambda: picture_analysis(asset.path, fps, asset.frame_count))
        result["shots"] = pic["shots"]
    if asset.has_audio:
        snd = cache.get_or_compute(asset.content_key, "analyses.sound", SOUND_VERSION, {"sr": 16000},
                                   lambda: sound_analysis(asset.path))
        result.update(snd)
    return result
