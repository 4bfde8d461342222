"""What the search index stores and answers: plain frozen dataclasses shared by every engine.

Times are float seconds from the first sample of the file (DESIGN §2); ``timecode`` is the
source timecode of ``start`` at the file's own rate (25 fps for sound-only files).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

SCHEMA_VERSION = 2  # bump when the stored layout changes (2: camera_motion, sounds; 1 is upgraded in place)
DOC_VERSION = "2"   # how documents are made from analyses; a change re-indexes from the cache
# (2: camera motion, sound events and non-speech sound regions from ``roughcut_core.analyses``)


@dataclass(frozen=True)
class IndexedFile:
    """One media file in the index, keyed by content (a moved file keeps its key)."""

    content_key: str
    path: str
    size: int
    mtime: float
    duration: float
    rate_num: int = 25
    rate_den: int = 1
    start_frame: int = 0
    drop_frame: bool = False
    doc_version: str = DOC_VERSION
    has_video: bool = True  # False: a sound-only file (its search results are audio items)

    @property
    def bin(self) -> str:
        """The folder holding the file (a bin, for an editor)."""
        import os

        return os.path.dirname(self.path)


@dataclass(frozen=True)
class SearchDoc:
    """One utterance: its words (``(text, start, end)``) and what was on screen and wrong."""

    seq: int
    start: float
    end: float
    text: str
    words: tuple[tuple[str, float, float], ...]
    speaker: str = ""
    character: str = ""
    shot_size: str = "unknown"
    faces: int = 0
    face_names: tuple[str, ...] = ()
    scene_id: str = ""
    line_ids: tuple[str, ...] = ()
    quality: tuple[str, ...] = ()
    camera_motion: str = ""
    sounds: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScriptLineRecord:
    """A script line known to the index (for "takes of this line" / "lines not yet covered")."""

    line_id: str
    scene_id: str
    character: str
    text: str


@dataclass(frozen=True)
class Filters:
    """Restrictions on results; empty fields restrict nothing. ``character`` matches the
    speaking character or the speaker label; ``path`` is a substring of the file path and
    ``bin`` a folder the file is in (at any depth); dates are the file's modification time
    as POSIX seconds; ``clean`` keeps only utterances with no quality flag and ``exclude_flags``
    drops those with any of the named flags; ``camera_motion`` is the camera move of the shot
    (``static``, ``pan_left``, ``pan_right``, ``tilt_up``, ``tilt_down``, ``zoom_in``,
    ``zoom_out``, ``handheld``, ``complex``, ``dolly_in``, ``dolly_out``, ``track_left``, ``track_right``;
    ``pan``/``tilt``/``zoom``/``dolly``/``track`` match both directions) and ``sound`` a sound
    label heard during the document (``music``, ``applause``, ``noise``, ``silence``,
    ``room_tone``; see :func:`~.query.sound_label`)."""

    character: Optional[str] = None
    shot_size: Optional[str] = None
    path: Optional[str] = None
    bin: Optional[str] = None
    after: Optional[float] = None
    before: Optional[float] = None
    min_duration: Optional[float] = None
    max_duration: Optional[float] = None
    clean: bool = False
    exclude_flags: tuple[str, ...] = ()
    line_id: Optional[str] = None
    scene_id: Optional[str] = None
    camera_motion: Optional[str] = None
    sound: Optional[str] = None

    def is_empty(self) -> bool:
        return self == Filters()


@dataclass(frozen=True)
class SearchHit:
    """One result: the matched words' span inside an utterance of ``path``."""

    path: str
    start: float
    end: float
    timecode: str
    text: str
    speaker: str
    score: float
    content_key: str = ""
    seq: int = 0
    utterance_start: float = 0.0
    utterance_end: float = 0.0
    shot_size: str = "unknown"
    line_ids: tuple[str, ...] = ()
    quality: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """The CLI/bridge result shape (exact keys: path, start, end, timecode, text, speaker, score)."""
        return {"path": self.path, "start": round(self.start, 3), "end": round(self.end, 3),
                "timecode": self.timecode, "text": self.text, "speaker": self.speaker,
                "score": round(self.score, 4)}
