"""Per-file analyses for `roughcut analyze`: shots, camera motion per shot, sound events. Cached.

Contract: ``analyze_asset(asset, cache)`` -> JSON-ready dict
``{"path", "rate", "frame_count", "shots": [{"start_frame", "end_frame" (exclusive),
"camera_motion": {"kind", "magnitude"}, "motion_detail": {...}}], "sound_events": [{"start",
"end", "label", "score"}], "room_tone": [{"start", "end"}], "music_under_dialogue": [...],
"noise_floor_db"}`` (+ ``"motion_track": [[t, dt, dx, dy, log_zoom], ...]`` on request). Frames count from the file's first frame (0) at the asset's rational rate.

Picture: the 96-wide RGB thumbnail of every decoded frame feeds the picture stage's shot detectors
(``picture.shots.ShotBoundaries``: PySceneDetect + cross-dissolves) and, in grey, the sparse optical
flow (``analyses.motion.MotionTracker``, one per file); motion pairs that straddle a cut are dropped.
OpenCV runs on one thread while frames are analysed; a :class:`PictureConsumer` analyses the frames
fed to it in runs of ``BATCH`` (see the class). The frames come from the
picture stage's own decode when a :class:`PictureConsumer` rides on it (``media.feed``; the
pipeline does this), else from one streamed PyAV pass here (``picture.decode.iter_decoded``).
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

PICTURE_VERSION = "12"  # 12: a pair's motion needs a majority of the tracked points (motion.CONSENSUS); 11: dolly/track by coherent_gap (a depth layer along the move, against the tracking noise); 10: rotated files' thumbnails 96 wide as displayed (were fitted to the stored width); 9: parallax needs a compact near layer, 0.5 px, pooled slow dollies; 8: LK window 9 px; 7: points carried across chunks, parallax over up to 4 chunks (slow dollies); 6: parallax threshold 0.8 px; 5: dolly/track kinds (parallax); 4: long dissolves placed mid-span; 3: cross-dissolves; flow on the shared decode's 96-px frames; motion track
SOUND_VERSION = "5"  # 5: with no pause near a music-under span, the nearest pauses decide; 4: music under dialogue heard between lines too; 3: laughter; 2: 4 s VAD blocks, peaks
MOTION_WIDTH = 96  # = picture.decode.SMALL_WIDTH: the picture stage's decode feeds these frames as is
BATCH = 32  # thumbnails a PictureConsumer holds before analysing them (16-128 measured alike)


def _fps(asset) -> Fraction:
    r = asset.rate
    return Fraction(r.num, r.den) if r is not None else Fraction(25)


class PictureConsumer:
    """Shots + camera motion from frames someone else decodes (``media.feed`` consumer protocol:
    ``feed(frame)`` with ``frame.t`` and ``frame.small``, a ``MOTION_WIDTH``-wide RGB thumbnail,
    in time order; frames are not kept). ``result(frame_count)`` -> the ``picture_analysis`` dict,
    or None when nothing was fed (e.g. the picture stage was served from its cache).
    ``detect_shots=False``: the host stage runs the same ``ShotBoundaries`` on the same frames, and
    passes its cut times to ``result(frame_count, boundaries_s=...)`` (no second detector pass).
    The thumbnails are held until ``BATCH`` have come (``result`` takes the rest), then analysed
    in one go, in order, so the results are those of frame-by-frame analysis: interleaving the
    analysers with the decoder frame by frame took 1.4x to several times the analysers' CPU of
    runs (``bench analyses --only speed``, (ratio - 1) old against new: Chaplin 0.61 / 0.42,
    OpenMPF-90 0.63 / 0.37; likely causes, not measured apart: the decoder's threads sleep and
    wake per frame, each side finds its working set evicted). Memory stays flat: ``BATCH``
    thumbnails. A fed thumbnail must not be changed afterwards (the decode makes a new one per
    frame)."""

    def __init__(self, fps: Fraction, detect_shots: bool = True):
        from ..picture.shots import ShotBoundaries
        from .motion import MotionTracker

        self.fps = Fraction(fps)
        self._shots = ShotBoundaries(float(self.fps)) if detect_shots else None
        self._times: list[float] = []
        self._motions: list = []
        self._prev = None
        self._tracker = MotionTracker()
        self._pending: list[tuple[float, np.ndarray]] = []  # fed, not yet analysed (< BATCH)

    def feed(self, frame) -> None:
        self.feed_small(frame.t, frame.small)

    def feed_small(self, t: float, small: np.ndarray) -> None:
        """One frame, analysed with the next ``BATCH`` - 1 (class contract)."""
        self._pending.append((float(t), small))
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        """Analyse the held frames; OpenCV runs single-threaded meanwhile (its thread count is
        restored after): on these 96-px frames its pool's threads only spin against the decoder's
        threads (5-15 % of the analysers' CPU measured). The count is process-wide, so another
        thread's OpenCV call during this one also runs on one thread (timing only, never results)."""
        import cv2

        if not self._pending:
            return
        pending, self._pending = self._pending, []
        threads = cv2.getNumThreads()
        cv2.setNumThreads(1)
        try:
            for t, small in pending:
                self._feed_small(t, small)
        finally:
            cv2.setNumThreads(threads)

    def _feed_small(self, t: float, small: np.ndarray) -> None:
        import cv2

        from ..picture.decode import SMALL_WIDTH
        from .motion import to_grey

        h, w = small.shape[:2]
        if w != MOTION_WIDTH:
            small = cv2.resize(small, (MOTION_WIDTH, max(1, int(round(h * MOTION_WIDTH / w)))),
                               interpolation=cv2.INTER_AREA)
        h, w = small.shape[:2]
        grey = to_grey(small)
        if self._shots is not None:
            if w == SMALL_WIDTH:
                self._shots.feed(t, small, grey=grey)
            else:
                self._shots.feed(t, cv2.resize(small, (SMALL_WIDTH, max(1, int(round(h * SMALL_WIDTH / w)))),
                                               interpolation=cv2.INTER_AREA))
        if self._prev is not None:
            self._motions.append(self._tracker.track(self._prev, grey))
        self._times.append(float(t))
        self._prev = grey

    @property
    def detects_shots(self) -> bool:
        return self._shots is not None

    @property
    def frames(self) -> int:
        """Frames fed so far (analysed or held)."""
        return len(self._times) + len(self._pending)

    def result(self, frame_count: int, boundaries_s=None) -> Optional[dict]:
        from .motion import classify_motion

        self._flush()
        if not self._times:
            return None
        if boundaries_s is None and self._shots is None:
            raise ValueError("PictureConsumer(detect_shots=False) needs the host's boundaries_s")
        fps, times, motions = self.fps, self._times, self._motions
        bounds = [round(float(b), 4) for b in boundaries_s] if boundaries_s is not None else self._shots.boundaries()
        cuts = [int(round(c * fps)) for c in bounds]
        last = int(round(times[-1] * fps)) + 1
        total = max(frame_count or 0, last)
        edges = [0] + [c for c in cuts if 0 < c < total] + [total]
        frame_of = np.array([int(round(t * fps)) for t in times])
        out = []
        for a, b in zip(edges, edges[1:]):
            idx = np.flatnonzero((frame_of >= a) & (frame_of < b)).tolist()
            # pair i is decoded frame i -> i + 1: both lie in the shot, as idx is contiguous
            cm = classify_motion([times[i] for i in idx], [motions[i] for i in idx[:-1]])
            out.append({"start_frame": a, "end_frame": b, "camera_motion": cm.to_json(),
                        "motion_detail": cm.detail_json()})
        # the per-pair track (time of the pair's first frame, dx, dy, log zoom) for per-reading
        # signals; pairs straddling a cut are left out, None = not measured (flat picture)
        cut_t = [c / float(fps) for c in edges[1:-1]]
        track = []
        for i, m in enumerate(motions):
            if m is None or any(times[i] < c <= times[i + 1] for c in cut_t):
                continue
            track.append([round(times[i], 4), round(times[i + 1] - times[i], 4), round(m.dx, 5),
                          round(m.dy, 5), round(m.log_scale, 5)])
        return {"shots": out, "decoded_frames": len(times), "boundaries_s": bounds, "motion_track": track}


def picture_analysis(path, fps: Fraction, frame_count: int, motion_width: int = MOTION_WIDTH) -> dict:
    """Shots with camera motion for one video file, decoding it itself (see ``analyze_asset``)."""
    from ..picture.decode import iter_decoded

    consumer = PictureConsumer(fps)
    for fr in iter_decoded(path, 0.0, small_width=motion_width):
        consumer.feed(fr)
    res = consumer.result(frame_count)
    if res is None:
        raise MediaError(path, "video stream has no decodable frames")
    return res


def sound_analysis(path, audio16k: Optional[np.ndarray] = None) -> dict:
    """Sound events of one file (uncached); ``audio16k``: its 16 kHz mono mix when already decoded."""
    from ..speech.audio_io import decode_audio
    from .sound import sound_events

    audio = decode_audio(path, 16000) if audio16k is None else np.asarray(audio16k, dtype=np.float32)
    res = sound_events(audio)
    return {"sound_events": [e.to_json() for e in res.events],
            "room_tone": [{"start": round(a, 3), "end": round(b, 3)} for a, b in res.room_tone],
            "music_under_dialogue": [{"start": round(a, 3), "end": round(b, 3)} for a, b in res.music_under_dialogue],
            "noise_floor_db": round(res.noise_floor_db, 2)}


def analyze_asset(asset, cache: Optional[AnalysisCache] = None, consumer: Optional[PictureConsumer] = None,
                  audio16k: Optional[np.ndarray] = None, include_track: bool = False,
                  boundaries_s=None) -> dict:
    """All analyses of one probed asset (``media.probe``), each half served from the cache.
    ``consumer``: a :class:`PictureConsumer` that rode on another stage's decode of this file (its
    result is used when it was fed; otherwise the file is decoded here). ``audio16k``: the file's
    16 kHz mono mix when already decoded. ``boundaries_s``: the host stage's shot cut times for a
    consumer made with ``detect_shots=False``. ``include_track``: add the per-frame-pair ``motion_track``
    (for the per-reading signals; left out of ``analyze --json``)."""
    cache = cache or AnalysisCache(enabled=False)
    fps = _fps(asset)
    result = {"path": asset.path, "rate": f"{fps.numerator}/{fps.denominator}" if asset.rate else None,
              "frame_count": asset.frame_count, "shots": [], "sound_events": [], "room_tone": [],
              "music_under_dialogue": [], "noise_floor_db": None}
    if asset.has_video:
        def compute():
            fed = (consumer.result(asset.frame_count, boundaries_s)
                   if consumer is not None and consumer.frames else None)
            return fed or picture_analysis(asset.path, fps, asset.frame_count)

        pic = cache.get_or_compute(asset.content_key, "analyses.picture", PICTURE_VERSION,
                                   picture_params(asset), compute)
        result["shots"] = pic["shots"]
        if include_track:
            result["motion_track"] = pic.get("motion_track", [])
    if asset.has_audio:
        snd = cache.get_or_compute(asset.content_key, "analyses.sound", SOUND_VERSION, {"sr": 16000},
                                   lambda: sound_analysis(asset.path, audio16k))
        result.update(snd)
    return result


def picture_params(asset) -> dict:
    return {"motion_width": MOTION_WIDTH, "fps": str(_fps(asset)), "frames": asset.frame_count}


def picture_cached(asset, cache: Optional[AnalysisCache]) -> bool:
    """Whether the picture half is in the cache (then no consumer needs to ride on a decode)."""
    return bool(cache is not None and asset.content_key and cache.get(
        asset.content_key, "analyses.picture", PICTURE_VERSION, picture_params(asset)) is not None)
