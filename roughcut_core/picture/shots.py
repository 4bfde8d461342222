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
for the whole picture stage (PySceneDetect's own backends would decode it a second time). They
get the RGB frame as is: the content detector's score (``_RgbAdaptive``) and the fade detector's
frame mean (``_frame_mean``) are computed as PySceneDetect computes them from BGR, bit for bit,
with exact integer sums instead of int32 arrays (no BGR copy, no per-channel numpy passes).
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


def _frame_mean(rgb: np.ndarray) -> float:
    """``numpy.mean`` of a uint8 frame (what ``ThresholdDetector`` compares with its threshold),
    bit for bit: the exact integer sum (every partial sum is an integer below 2**53, so float64
    sums it exactly in any order) over the value count."""
    import cv2

    return float(sum(cv2.sumElems(rgb))) / rgb.size  # unused channels sum to 0


def _rgb_adaptive(adaptive_threshold: float, min_scene_len: int):
    """PySceneDetect's ``AdaptiveDetector`` fed RGB frames. Its frame score is the library's
    (``ContentDetector._calculate_frame_score`` with no edges and no stats manager: the weighted
    mean absolute HSV channel difference from the previous frame), computed from one RGB->HSV
    conversion and exact L1 norms (integer sums, as the library's int32 sums), so every score,
    and so every cut, is the library's on the same frame in BGR. Edge weights fall back to it."""
    import cv2
    from scenedetect.detectors import AdaptiveDetector

    class _RgbAdaptive(AdaptiveDetector):
        _prev_hsv = None

        def _calculate_frame_score(self, timecode, frame_img):
            w = self._weights
            if w.delta_edges > 0.0 or self.stats_manager is not None:
                return super()._calculate_frame_score(
                    timecode, cv2.cvtColor(np.ascontiguousarray(frame_img), cv2.COLOR_RGB2BGR))
            hsv = cv2.split(cv2.cvtColor(np.ascontiguousarray(frame_img), cv2.COLOR_RGB2HSV))
            prev, self._prev_hsv = self._prev_hsv, hsv
            if prev is None:
                return 0.0
            n = float(hsv[0].shape[0] * hsv[0].shape[1])
            comps = [cv2.norm(a, b, cv2.NORM_L1) / n for a, b in zip(hsv, prev)] + [0.0]
            return sum(c * x for c, x in zip(comps, w)) / sum(abs(x) for x in w)

    return _RgbAdaptive(adaptive_threshold=adaptive_threshold, min_scene_len=min_scene_len)


class ShotBoundaries:
    def __init__(self, fps: float, content_threshold: float = 3.0, fade_threshold: float = 12.0,
                 min_shot: float = 0.5):
        from scenedetect.detectors import ThresholdDetector

        self.fps = Fraction(fps).limit_denominator(1001) if fps and fps > 0 else Fraction(25)
        min_len = max(1, int(round(min_shot * float(self.fps))))
        self._detectors = [
            _rgb_adaptive(content_threshold, min_len),
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
        from scenedetect.common import FrameTimecode

        frame = int(round(t * float(self.fps)))
        if frame <= self._last_frame:  # detectors need strictly increasing positions
            frame = self._last_frame + 1
        self._last_frame = frame
        tc = FrameTimecode(frame, fps=self.fps)
        self._last_tc = tc
        black = _is_black(small_rgb if grey is None else grey)
        self._black.append((frame, black))
        content, fade = self._detectors
        for cut in content.process_frame(tc, small_rgb) or ():
            if not self._near_black(cut.frame_num):
                self._cuts.append(float(cut.seconds))
        # the fade detector reads only the frame's mean (numpy.mean): a 1x1 frame holding it
        for cut in fade.process_frame(tc, np.full((1, 1), _frame_mean(small_rgb))) or ():
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
