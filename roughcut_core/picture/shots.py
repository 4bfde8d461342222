"""Shot boundaries inside one file with PySceneDetect's detectors, fed from our own decode pass.

Contract: ``ShotBoundaries(fps)``; call ``feed(t, small_rgb)`` for every decoded frame in time
order, then ``boundaries()`` -> sorted cut times in seconds (each the start of a new shot).
Two detectors run side by side on the small frames: ``AdaptiveDetector`` (hard cuts: HSV change
relative to its neighbours, so fast handheld motion is not taken for a cut)
and ``ThresholdDetector`` (fades through black; the cut is placed mid-fade, as PySceneDetect
does). Content cuts next to a black frame are dropped (the fade detector owns those), and so
are fade cuts before any picture has been seen (a black leader is not a shot). A third detector
(``picture.dissolve``) finds cross-dissolves, which PySceneDetect misses, and places each at its
midpoint; one within ``DISSOLVE_FADE_GAP`` decoded frames of a fade cut is dropped (the fade's
own dimming). Cuts closer than ``min_shot`` seconds to an earlier one are merged.

We drive the detectors directly instead of through ``SceneManager`` so the file is decoded once
for the whole picture stage (PySceneDetect's own backends would decode it a second time).
Precision: the detectors see the frames we decode (reference frames only for long-GOP codecs),
so a cut lands within one or two source frames of the true one.
"""
from __future__ import annotations

from collections import deque
from fractions import Fraction
from typing import Optional

import numpy as np

from .describe import BLACK_LEVEL, frame_stats, is_black
from .dissolve import DissolveDetector

DISSOLVE_FADE_GAP = 60  # decoded frames


def _is_black(img: np.ndarray) -> bool:
    """``describe.is_black(*describe.frame_stats(rgb))`` from the RGB frame or its uint8 grey, at a
    fifth of the cost: the same luma, the mean from its integer sum, the dark pixels counted."""
    import cv2

    if img.dtype != np.uint8:
        return is_black(*frame_stats(img))
    y = img if img.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2GRAY)
    return is_black(float(cv2.mean(y)[0]), np.count_nonzero(y < BLACK_LEVEL) / y.size)


class ShotBoundaries:
    def __init__(self, fps: float, content_threshold: float = 3.0, fade_threshold: float = 12.0,
                 min_shot: float = 0.5):
        from scenedetect.detectors import AdaptiveDetector, ThresholdDetector

        self.fps = Fraction(fps).limit_denominator(1001) if fps and fps > 0 else Fraction(25)
        min_len = max(1, int(round(min_shot * float(self.fps))))
        self._detectors = [
            AdaptiveDetector(adaptive_threshold=content_threshold, min_scene_len=min_len),
            ThresholdDetector(threshold=fade_threshold, min_scene_len=min_len),
        ]
        self.min_shot = min_shot
        self._cuts: list[float] = []
        self._last_frame = -1
        self._last_tc = None
        self._black = deque(maxlen=1024)  # (frame, is black): enough history for detector delay
        self._seen_picture = False
        self._dissolve = DissolveDetector()
        self._frame_t: dict[int, float] = {}
        self._fade_frames: list[int] = []
        self.params = {"content_threshold": content_threshold, "fade_threshold": fade_threshold,
                       "min_shot": min_shot}

    def feed(self, t: float, small_rgb: np.ndarray, grey: Optional[np.ndarray] = None) -> None:
        """``grey``: ``small_rgb`` in grey (OpenCV's RGB->grey, uint8) when the caller has it."""
        import cv2
        from scenedetect.common import FrameTimecode

        frame = int(round(t * float(self.fps)))
        if frame <= self._last_frame:  # detectors need strictly increasing positions
            frame = self._last_frame + 1
        self._last_frame = frame
        tc = FrameTimecode(frame, fps=self.fps)
        self._last_tc = tc
        black = _is_black(small_rgb if grey is None else grey)
        self._black.append((frame, black))
        bgr = cv2.cvtColor(np.ascontiguousarray(small_rgb), cv2.COLOR_RGB2BGR)
        content, fade = self._detectors
        for cut in content.process_frame(tc, bgr) or ():
            if not self._near_black(cut.frame_num):
                self._cuts.append(float(cut.seconds))
        for cut in fade.process_frame(tc, bgr) or ():
            if self._seen_picture:
                self._cuts.append(float(cut.seconds))
                self._fade_frames.append(int(cut.frame_num))
        self._dissolve.feed(frame, small_rgb)
        if not black:
            self._seen_picture = True

    def _near_black(self, frame: int) -> bool:
        before = [b for f, b in self._black if f < frame]
        at = [b for f, b in self._black if f >= frame]
        return bool((before and before[-1]) or (at and at[0]))

    def boundaries(self) -> list[float]:
        cuts = list(self._cuts)
        fades = list(self._fade_frames)
        if self._last_tc is not None:
            for det in self._detectors:
                for cut in det.post_process(self._last_tc) or ():
                    cuts.append(float(cut.seconds))
                    if det is self._detectors[1]:
                        fades.append(int(cut.frame_num))
        for f in self._dissolve.boundaries():
            if all(abs(f - g) > DISSOLVE_FADE_GAP for g in fades):
                cuts.append(float(f / self.fps))
        merged: list[float] = []
        for c in sorted(cuts):
            if c <= 0:
                continue
            if merged and c - merged[-1] < self.min_shot:
                continue
            merged.append(round(c, 4))
        return merged
