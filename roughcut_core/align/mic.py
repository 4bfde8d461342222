"""Were two readings heard on the same microphone? Speech level and how dull the mic hears the voice.

A reading is evidence about another reading of the line only when both were heard alike: the
other actor's mic hears the speaker quieter, duller (the high band falls off with distance) and
roomier, and against such a reading every word of a clean one costs more. The level alone does
not tell the mics apart when the off-camera voice is only 3-7 dB down (generated hard scenes:
an off-camera reading's level was within 0.2-5 dB of the on-camera ones, its high band 6-10 dB
lower, while the on-camera files of a voice differed by under 2 dB).

Contract:
- ``Mics.of(readings, audio, levels)``: for each reading its speech level (``reading_sound.
  measure``'s ``speech_db``) and, for each (file, character) with at least ``MIN_READINGS``
  readings not under noise in that file, the median ``acoustic.brightness_db`` of them: how that
  file's mic hears the voice. One reading's brightness depends on its words and delivery (the
  clean takes of one sentence by one RAVDESS actor differ by up to 8 dB), a median over several
  lines of a file much less, so a file with a single reading of the voice gives no brightness.
- ``level(r)``: the reading's speech level, or None (no sound for its file).
- ``other_mic(r, o)``: heard on different mics: speech levels more than ``NEAR_DB`` apart, or
  the voice's brightness in the two files more than ``BRIGHT_DB`` apart (when both are known).
Pure apart from reading the samples given; holds nothing global.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import numpy as np

from ..audio.reading_sound import FileLevels, measure
from ..model import LineReading
from .acoustic import brightness_db

SR = 16000
NEAR_DB = 4.0      # speech levels this close: the same mic distance (not another setup's or actor's mic)
BRIGHT_DB = 4.0    # a voice this much duller in one file than in another: another mic
MIN_READINGS = 2   # readings of a voice in a file its brightness is measured over


def _key(r: LineReading) -> tuple:
    return r.path, r.start, r.end


@dataclass(frozen=True)
class Mics:
    """Speech level per reading and the voice's brightness per (file, character)."""

    levels: Mapping[tuple, float] = field(default_factory=dict)
    bright: Mapping[tuple, float] = field(default_factory=dict)

    @classmethod
    def of(cls, readings: Sequence[LineReading], audio: Mapping[str, np.ndarray],
           levels: Mapping[str, FileLevels]) -> "Mics":
        lv: dict = {}
        per_voice: dict = {}
        for r in readings:
            snd = measure(levels[r.path], r.start, r.end) if r.path in levels else None
            if snd is None:
                continue
            lv[_key(r)] = snd.speech_db
            if "noise" in r.defects or snd.noisy or r.path not in audio:
                continue   # a noise burst is bright whatever the mic
            b = brightness_db(audio[r.path][max(0, int(r.start * SR)):max(0, int(r.end * SR))], SR)
            if b is not None:
                per_voice.setdefault((r.path, r.character), []).append(b)
        bright = {k: float(np.median(v)) for k, v in per_voice.items() if len(v) >= MIN_READINGS}
        return cls(lv, bright)

    def level(self, r: LineReading) -> Optional[float]:
        return self.levels.get(_key(r))

    def other_mic(self, r: LineReading, o: LineReading) -> bool:
        """``r`` and ``o`` heard on different mics (see module contract)."""
        a, b = self.level(r), self.level(o)
        if a is not None and b is not None and abs(a - b) > NEAR_DB:
            return True
        x, y = self.bright.get((r.path, r.character)), self.bright.get((o.path, o.character))
        return x is not None and y is not None and abs(x - y) > BRIGHT_DB
