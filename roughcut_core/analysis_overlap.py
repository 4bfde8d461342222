"""Analysis of several files with sound and picture overlapped on two cores (issue 23).

Contract: ``analyze_overlapped(pipeline, assets, workers=None, on_done=None)`` returns one
:class:`~roughcut_core.pipeline.AssetAnalysis` per asset, in input order, equal to what
``pipeline.analyze_asset`` gives for each (same stages, same caches, same errors).

How: the sound stages of a file (ASR — CTranslate2 releases the GIL — then sound quality)
run on one worker thread, at most ``LOOKAHEAD`` files ahead of the picture stage, which runs on
the calling thread (its decode already runs on a prefetch thread; TFLite, OpenCV and dlib
release the GIL in their kernels). The picture of file N needs file N's transcript (speech
activity drives the adaptive face sampling), so the two stages form a two-step pipeline:
sound(N+1) runs while picture(N) does. Memory stays flat in file count: at most
``LOOKAHEAD + 1`` transcripts wait, and each stage streams its file. ``workers=1`` (or one
CPU) runs the files one after another. ``on_done(index, analysis)`` is called as each file is
finished, in order (progress bars).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Optional, Sequence

from .stagetime import StageTimer

LOOKAHEAD = 1  # files whose sound may be analysed ahead of the picture stage


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def analyze_overlapped(pipeline, assets: Sequence, workers: Optional[int] = None,
                       on_done: Optional[Callable] = None) -> list:
    from .pipeline import AssetAnalysis

    assets = list(assets)
    workers = workers if workers is not None else min(2, _cpus())
    if workers <= 1 or len(assets) <= 1:
        out = []
        for i, a in enumerate(assets):
            out.append(pipeline.analyze_asset(a))
            if on_done is not None:
                on_done(i, out[-1])
        return out

    def sound(asset):
        timer, errors = StageTimer(), []
        transcript, audio = pipeline._analyze_sound(asset, errors, timer)
        return transcript, audio, errors, timer

    results = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="roughcut-sound") as pool:
        pending = {}
        try:
            for i, asset in enumerate(assets):
                for j in range(i, min(len(assets), i + LOOKAHEAD + 1)):
                    if j not in pending:
                        pending[j] = pool.submit(sound, assets[j])
                transcript, audio, errors, timer = pending.pop(i).result()
                picture = pipeline._analyze_picture(asset, transcript, errors, timer)
                results.append(AssetAnalysis(asset=asset, transcript=transcript, picture=picture, audio=audio,
                                             errors=tuple(errors), timings=timer.as_dict()))
                if on_done is not None:
                    on_done(i, results[-1])
        except BaseException:
            for fut in pending.values():  # an error or Ctrl-C: start no more work
                fut.cancel()
            raise
    return results
