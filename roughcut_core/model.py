"""Core data model (DESIGN §2): plain frozen dataclasses, host-neutral.

Conventions:
- Analysis times (words, faces, quality ranges) are float seconds from the first sample of
  the file; they become integer frames once, at the edit boundary (``timebase``).
- Edit positions (``EditDecision``, ``Cut``, ``Marker``) are integer frames; out points are
  exclusive; source frames count from the first frame of the file at the asset's own rate,
  record frames count from the timeline start at the timeline rate.
- Every analysis result carries an :class:`AnalyzerInfo` saying what made it.
- Persisted documents get a schema version through ``roughcut_core.serialize``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .timebase import Rate


@dataclass(frozen=True)
class AnalyzerInfo:
    """Who made a result: analyzer name, its version and the options that mattered."""

    name: str
    version: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class AudioStream:
    index: int
    codec: str
    channels: int
    sample_rate: int
    layout: Optional[str] = None
    duration: Optional[float] = None


@dataclass(frozen=True)
class MediaAsset:
    """One media file as probed. ``rate`` is None for audio-only files."""

    path: str
    content_key: str
    size: int
    duration: float
    rate: Optional[Rate] = None
    frame_count: int = 0
    start_frame: int = 0
    start_timecode: Optional[str] = None
    drop_frame: bool = False
    width: int = 0
    height: int = 0
    rotation: int = 0
    video_codec: Optional[str] = None
    pixel_format: Optional[str] = None
    field_order: Optional[str] = None
    variable_frame_rate: bool = False
    audio: tuple[AudioStream, ...] = ()
    container: Optional[str] = None
    host_id: Optional[str] = None
    hints: dict = field(default_factory=dict)

    @property
    def has_video(self) -> bool:
        return self.rate is not None

    @property
    def has_audio(self) -> bool:
        return bool(self.audio)


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float
    probability: float = 1.0
    speaker: Optional[str] = None
    channel: Optional[int] = None


@dataclass(frozen=True)
class Transcript:
    path: str
    language: Optional[str]
    words: tuple[Word, ...]
    duration: float = 0.0
    analyzer: Optional[AnalyzerInfo] = None

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class FaceBox:
    """A face in one sampled frame. ``box`` is (x, y, w, h) normalised to 0..1."""

    t: float
    box: tuple[float, float, float, float]
    score: float
    track: int = -1
    speaking: Optional[bool] = None
    mouth_open: Optional[float] = None
    yaw: Optional[float] = None  # head turn, degrees; + = nose to the frame's right (picture.pose)


@dataclass(frozen=True)
class FaceTrack:
    track: int
    boxes: tuple[FaceBox, ...]
    identity: Optional[str] = None
    character: Optional[str] = None


@dataclass(frozen=True)
class Shot:
    """A stretch of one file between shot boundaries, described for the edit engine."""

    start: float
    end: float
    shot_size: str = "unknown"
    people: int = 0
    motion: str = "static"
    focus: Optional[float] = None
    exposure: dict = field(default_factory=dict)


@dataclass(frozen=True)
class QualityFlag:
    """A flagged time range (clipping, noise, dropout, soft focus...) with severity 0..1."""

    kind: str
    start: float
    end: float
    severity: float
    detail: str = ""


@dataclass(frozen=True)
class ScriptLine:
    """One dialogue line. ``id`` is stable: ``<scene id>-<n>`` with n counted from 1."""

    id: str
    scene_id: str
    character: str
    text: str
    extension: Optional[str] = None
    parenthetical: Optional[str] = None
    dual: bool = False
    # The action paragraph right before this line's cue (same scene, no dialogue between),
    # read by ``script/intent.py`` for the expected delivery; None when there is none.
    action_before: Optional[str] = None


@dataclass(frozen=True)
class Scene:
    id: str
    heading: str
    lines: tuple[ScriptLine, ...]
    number: Optional[str] = None
    action: tuple[str, ...] = ()


@dataclass(frozen=True)
class Script:
    scenes: tuple[Scene, ...]
    title: Optional[str] = None
    source: Optional[str] = None
    format: Optional[str] = None
    title_page: dict = field(default_factory=dict)

    @property
    def lines(self) -> tuple[ScriptLine, ...]:
        return tuple(line for scene in self.scenes for line in scene.lines)

    def line(self, line_id: str) -> ScriptLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise KeyError(line_id)


@dataclass(frozen=True)
class Take:
    """A contiguous performance inside one asset (seconds from the file start)."""

    id: str
    path: str
    start: float
    end: float
    setup: Optional[str] = None
    scene: Optional[str] = None
    take_number: Optional[str] = None
    characters_visible: tuple[str, ...] = ()


# The defects that say the words differ from the line's (as against ``restart``, ``noise``,
# ``truncated``...): one place for every stage that weighs them.
WORD_DEFECTS = ("substitution", "missing_words", "ad_lib", "off_script")


@dataclass(frozen=True)
class LineReading:
    """One take's delivery of one script line. ``word_span`` is [first, last) into the
    transcript words; ``start``/``end`` are refined seconds; ``defects`` name what is wrong
    (``missing_words``, ``substitution``, ``restart``, ``repeat``, ``ad_lib``, ``off_script``,
    ``noise``, ``clipping``, ``truncated``...)."""

    path: str
    line_id: str
    start: float
    end: float
    score: float
    take_id: Optional[str] = None
    character: Optional[str] = None
    word_span: tuple[int, int] = (0, 0)
    defects: tuple[str, ...] = ()
    text: str = ""
    # Whole delivery [first, last) including aborted attempts when ``defects`` has "restart"
    # (``word_span`` then covers only the final attempt); None otherwise.
    full_span: Optional[tuple[int, int]] = None
    # Named per-reading measurements from the perception stages (numbers, or short strings for
    # labels), e.g. ``on_camera``, ``snr_db``, ``level_rel_db``, ``arousal``, ``rate_rel``.
    # The keys each stage writes are listed in ``roughcut_core/signals.py``; the ranking reads
    # them. Not part of equality or hashing.
    signals: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Alternate:
    path: str
    src_in: int
    src_out: int
    score: float
    why: str = ""
    host_id: Optional[str] = None
    take_id: Optional[str] = None
    terms: dict = field(default_factory=dict)
    rank: int = 0  # within-line rank of this reading (1 = best; 0 = unranked)


@dataclass(frozen=True)
class Marker:
    """A marker at a record frame (relative to the timeline start)."""

    frame: int
    name: str
    note: str = ""
    color: str = "Blue"
    duration: int = 1


@dataclass(frozen=True)
class EditDecision:
    """One clip of the cut: source range [src_in, src_out) at ``rate`` placed at ``rec_in``.

    ``audio_in``/``audio_out`` differ from the picture range for split (J/L) edits (None =
    same). Sound stays in sync with picture: it plays at record frame
    ``rec_in + (audio_in - src_in)``. Cutaways (``video_track`` 2, ``media_type`` "video")
    lie over the cut on an upper track and carry no sound.
    """

    id: str
    path: str
    rate: Rate
    src_in: int
    src_out: int
    rec_in: int
    score: float
    line_ids: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    alternates: tuple[Alternate, ...] = ()
    host_id: Optional[str] = None
    take_id: Optional[str] = None
    setup: Optional[str] = None
    start_frame: int = 0
    audio_in: Optional[int] = None
    audio_out: Optional[int] = None
    markers: tuple[Marker, ...] = ()
    gap: bool = False
    terms: dict = field(default_factory=dict)
    # 1 = the cut; 2 = a cutaway (reaction shot) laid over it, picture only.
    video_track: int = 1
    media_type: str = "both"
    rank: int = 0  # within-line rank of the chosen reading (1 = the line's best; 0 = unranked)

    @property
    def duration(self) -> int:
        return self.src_out - self.src_in


@dataclass(frozen=True)
class Cut:
    """The host-neutral timeline: ordered decisions at ``rate`` from ``start_frame``."""

    name: str
    rate: Rate
    decisions: tuple[EditDecision, ...]
    start_frame: int = 0
    drop_frame: bool = False
    markers: tuple[Marker, ...] = ()
    coverage: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def duration(self) -> int:
        if not self.decisions:
            return 0
        return max(d.rec_in + d.duration for d in self.decisions)
