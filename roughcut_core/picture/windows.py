"""Frames of time windows of one video file, for the per-reading face signals (issue 23).

Contract:
- ``decode_window(path, start, end, late_by)`` yields ``(t, av frame)`` for every frame in
  ``[start, end)`` seconds, in time order: it seeks to 0.5 s before ``start``; where the first
  frame lands more than ``late_by`` after ``start`` anyway (MPEG-PS seeks to the next
  keyframe) it decodes again from the file start. FFmpeg errors reach the caller.
- ``sampled_frames(path, start, end, rate, max_width=640)`` -> ``[(t, rgb)]``: the first frame
  at or after ``start``, then one every ``max(STEP_S, frame duration)`` (at most
  ``MAX_SAMPLES``), and the last frame before ``end``; RGB at most ``max_width`` wide, display
  rotation applied. A MediaError names a file that cannot be decoded there.
- ``sampled_windows(path, windows, rate, max_width=640)`` yields ``(i, frames)`` for every
  ``windows[i] = (start, end)``, ``frames`` exactly what ``sampled_frames`` returns for that
  window (or the MediaError it raises), in one decode pass per run of windows that lie within
  ``SEEK_GAP_S`` of each other (a window seeks only where the gap before it is longer). Each
  window is yielded once its last frame is decoded, so only the open windows' frames are held.
  A decoding error in the pass finishes the windows that have frames (as ``sampled_frames``
  would) and decodes each window not yet started on its own.
- ``every_frame(path, start, end, spf)`` -> ``[(t, rgb)]`` of every frame in ``[start, end)``
  (at most 120; ``late_by`` one frame), for the blink probe.
Only frames a window picks are converted to RGB (once, whichever windows share them).
"""
from __future__ import annotations

from typing import Sequence

from ..errors import MediaError

STEP_S = 0.2
MAX_SAMPLES = 40
# A longer gap between two readings' windows is skipped by seeking (from the keyframe before the
# next window) rather than decoded through; the frames are the same either way.
SEEK_GAP_S = 4.0
_EPS = 1e-6


def frame_seconds(rate) -> float:
    """Seconds per frame of a ``timebase.Rate`` (num/den), a Fraction or a number; 0 if unknown."""
    if not rate:
        return 0.0
    num, den = getattr(rate, "num", None), getattr(rate, "den", None)
    if num:
        return float(den) / float(num)
    return 1.0 / float(rate)


def decode_window(path: str, start: float, end: float, late_by: float):
    """(t, av frame) for every frame in ``[start, end)`` seconds (see module doc)."""
    import av

    from .decode import _open, _video_stream

    for seek in ((True, False) if start > 0.5 else (False,)):
        container = _open(path)
        try:
            st = _video_stream(container, path)
            tb, first = st.time_base, st.start_time or 0
            if seek:
                try:
                    container.seek(first + int((start - 0.5) / tb), stream=st, backward=True)
                except av.error.FFmpegError:
                    container.seek(0)
            seen_any = False
            for frame in container.decode(st):
                if frame.pts is None:
                    continue
                t = float((frame.pts - first) * tb)
                if not seen_any:
                    seen_any = True
                    if seek and t > start + late_by:
                        break  # landed past the start: decode again from the top
                if t + _EPS < start:
                    continue
                if t >= end - _EPS:
                    return
                yield t, frame
            else:
                return
        finally:
            container.close()


def to_rgb(frame, max_width: int):
    """An av frame as RGB at most ``max_width`` wide, display rotation applied."""
    from .decode import _fit, _rotate

    w, h = _fit(frame.width, frame.height, max_width)
    return _rotate(frame.reformat(w, h, format="rgb24").to_ndarray(), int(frame.rotation or 0))


class _Picker:
    """One window's choice of frames: the first at/after start, one every ``step``, the last."""

    def __init__(self, start: float, end: float, step: float):
        self.start, self.end, self.step = start, end, step
        self.picked: list = []
        self.next_t = start
        self.last = None  # (t, av frame) of the latest frame not picked

    def feed(self, t: float, frame, rgb_of) -> None:
        if t + _EPS >= self.next_t and len(self.picked) < MAX_SAMPLES:
            self.picked.append((t, rgb_of()))
            self.next_t = t + self.step
            self.last = None
        else:
            self.last = (t, frame)

    def finish(self, max_width: int) -> list:
        if self.last is not None:
            self.picked.append((self.last[0], to_rgb(self.last[1], max_width)))
            self.last = None
        return self.picked


def sampled_frames(path: str, start: float, end: float, rate, max_width: int = 640) -> list:
    """(t, rgb) for the first frame at/after ``start``, every STEP_S, and the last before ``end``."""
    import av

    pick = _Picker(start, end, max(STEP_S, frame_seconds(rate)))
    window = decode_window(path, start, end, late_by=_EPS)
    try:
        for t, frame in window:
            pick.feed(t, frame, lambda: to_rgb(frame, max_width))
    except av.error.FFmpegError as exc:
        if not pick.picked:
            raise MediaError(path, f"cannot decode video at {start:.2f} s: {exc}") from exc
    finally:
        window.close()
    return pick.finish(max_width)


def _runs(windows: Sequence[tuple[float, float]]) -> list[list[int]]:
    """Window indices by start, grouped where each starts within SEEK_GAP_S of the run's end."""
    order = sorted(range(len(windows)), key=lambda i: (windows[i][0], windows[i][1]))
    runs: list[list[int]] = []
    run_end = None
    for i in order:
        s, e = windows[i]
        if runs and s <= run_end + SEEK_GAP_S:
            runs[-1].append(i)
            run_end = max(run_end, e)
        else:
            runs.append([i])
            run_end = e
    return runs


def _alone(path, window, rate, max_width):
    try:
        return sampled_frames(path, window[0], window[1], rate, max_width)
    except MediaError as exc:
        return exc


def sampled_windows(path: str, windows: Sequence[tuple[float, float]], rate, max_width: int = 640):
    """``(i, frames or MediaError)`` for every window (see module doc), in one pass per run."""
    import av

    step = max(STEP_S, frame_seconds(rate))
    for run in _runs(windows):
        waiting = list(run)  # by start
        open_: dict[int, _Picker] = {}
        start = windows[run[0]][0]
        end = max(windows[i][1] for i in run)
        decoded = decode_window(path, start, end, late_by=_EPS)
        failed = False
        try:
            for t, frame in decoded:
                while waiting and t + _EPS >= windows[waiting[0]][0]:
                    i = waiting.pop(0)
                    open_[i] = _Picker(*windows[i], step)
                for i in [i for i, p in open_.items() if t >= p.end - _EPS]:
                    yield i, open_.pop(i).finish(max_width)
                memo: list = []

                def rgb_of(frame=frame, memo=memo):
                    if not memo:  # converted once, whichever windows pick it
                        memo.append(to_rgb(frame, max_width))
                    return memo[0]

                for p in open_.values():
                    p.feed(t, frame, rgb_of)
        except av.error.FFmpegError:
            failed = True
        except MediaError as exc:  # the file cannot be opened: every window says so
            for i in list(open_) + waiting:
                yield i, exc
            continue
        finally:
            decoded.close()
        for i, p in list(open_.items()):
            if p.picked or not failed:
                yield i, p.finish(max_width)
            else:
                waiting.insert(0, i)
        for i in waiting:  # not reached (the file ended, or the pass failed): on their own
            if failed:
                yield i, _alone(path, windows[i], rate, max_width)
            else:
                yield i, []


def every_frame(path: str, start: float, end: float, spf: float, max_width: int = 640) -> list:
    """(t, rgb) of every frame in ``[start, end)`` seconds (at most 120)."""
    import av

    picked = []
    window = decode_window(path, start, end, late_by=spf)
    try:
        for t, frame in window:
            if len(picked) >= 120:
                break
            picked.append((t, to_rgb(frame, max_width)))
    except av.error.FFmpegError as exc:
        if not picked:
            raise MediaError(path, f"cannot decode video at {start:.2f} s: {exc}") from exc
    finally:
        window.close()
    return picked


def run_count(windows: Sequence[tuple[float, float]]) -> int:
    """How many decode passes ``sampled_windows`` makes for ``windows`` (for tests and benches)."""
    return len(_runs(windows))


__all__ = ["STEP_S", "MAX_SAMPLES", "SEEK_GAP_S", "frame_seconds", "decode_window", "to_rgb",
           "sampled_frames", "sampled_windows", "every_frame", "run_count"]
