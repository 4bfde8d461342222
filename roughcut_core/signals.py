"""The registry of per-reading signal names (``LineReading.signals``).

Each perception stage writes its measurements into ``LineReading.signals`` under the names
listed here, with the stage that owns them and the unit. The ranking (``edit/ranking.py``)
reads them; ``align --json`` and ``cut --json`` print them per reading. A stage that adds a
signal adds its name here first, so that no two stages write one key with two meanings.

Values are floats (or short strings for labels); a signal that could not be measured is
absent, never a made-up default.
"""
from __future__ import annotations

# name -> (owning stage, unit / meaning)
SIGNALS: dict[str, tuple[str, str]] = {
    # Picture / cast (who is on screen, is the speaker on camera and speaking).
    "on_camera": ("picture.cast", "0..1: the line's character is in frame and speaking in sync"),
    "speaker_in_frame": ("picture.cast", "0/1: the line's character is among the faces in frame"),
    "lip_sync": ("picture.cast", "-1..1: correlation of the speaker's mouth motion with the speech"),
    # Sound of the reading.
    "snr_db": ("audio.reading", "dB: speech level over the take's noise floor during the reading"),
    "level_rel_db": ("audio.reading", "dB: speech level relative to the character's loudest take of the line"),
}


def known(name: str) -> bool:
    return name in SIGNALS
