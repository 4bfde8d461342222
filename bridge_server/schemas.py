"""Request and response bodies of the bridge API (pydantic models → the OpenAPI document).

The job request a host sends (only ``media[].path`` and ``script.path`` or ``script.text``
are required)::

    {"media": [{"path": "/rushes/A003C012.mov", "host_id": "…", "rate": [24000, 1001],
                "start_timecode": "01:00:00:00"}],
     "script": {"path": "/scripts/sc12.fountain"},        # or {"text": "…", "format": "fountain"}
     "options": {"preset": "performance", "favour_character": "ALICE",
                 "target_duration": 90, "handles": [0.25, 0.35], "asr_model": "tiny.en",
                 "device": "auto", "picture": true, "timeline_name": "Sc 12 v3"},
     "name": "Sc 12"}
"""
from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

JobState = Literal["queued", "running", "done", "failed", "cancelled"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MediaItem(_Strict):
    path: str = Field(min_length=1, max_length=4096, description="absolute path of a media file on this machine")
    host_id: Optional[str] = Field(None, max_length=512, description="the host's id for this clip (echoed in the plan)")
    rate: Optional[Union[tuple[int, int], float]] = Field(
        None, description="the host's frame rate for the clip: [num, den] or a number (checked against the file)")
    start_timecode: Optional[str] = Field(None, max_length=32, description="the host's start timecode label")
    start_frame: Optional[int] = Field(None, ge=0, description="the host's start timecode as frames at the clip rate")
    hints: Optional[dict[str, Union[str, bool, int, float, None, list[str]]]] = Field(
        None, description="preferred-take signals from the host: preferred, clip_color, flags, good_take, label")

    @field_validator("path")
    @classmethod
    def _no_nul(cls, v: str) -> str:
        if "\x00" in v:
            raise ValueError("path contains a NUL character")
        return v

    @field_validator("rate")
    @classmethod
    def _positive_rate(cls, v):
        if v is None:
            return v
        if isinstance(v, tuple):
            if v[0] <= 0 or v[1] <= 0:
                raise ValueError("rate [num, den] must be positive integers")
        elif not (0 < v <= 1000):
            raise ValueError("rate must be between 0 and 1000 fps")
        return v


class ScriptSpec(_Strict):
    path: Optional[str] = Field(None, min_length=1, max_length=4096, description="screenplay file (.fountain, .fdx, .pdf, sides .txt)")
    text: Optional[str] = Field(None, min_length=1, description="screenplay text (instead of path)")
    format: Optional[Literal["fountain", "fdx", "sides", "pdf"]] = Field(None, description="format of text (default fountain)")

    @field_validator("path")
    @classmethod
    def _no_nul(cls, v):
        if v is not None and "\x00" in v:
            raise ValueError("path contains a NUL character")
        return v


class JobOptions(_Strict):
    preset: Literal["performance", "coverage", "tight", "wide"] = "performance"
    favour_character: Optional[str] = Field(None, max_length=200)
    target_duration: Optional[float] = Field(None, gt=0, le=24 * 3600)
    handles: tuple[float, float] = Field((0.25, 0.35), description="seconds of pre/post roll around speech")
    asr_model: str = Field("tiny.en", min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._\-/]+$")
    device: Literal["auto", "cpu", "cuda"] = "auto"
    picture: bool = True
    audio_quality: bool = True
    timeline_name: Optional[str] = Field(None, max_length=200)
    split_edits: Optional[Literal["L", "J"]] = Field(
        None, description="cut picture before (L) or after (J) the sound between setups")
    reaction_shots: bool = Field(True, description="listener cutaways over long speeches")
    show: Optional[str] = Field(None, max_length=100, pattern=r"^[\w .\-]+$",
                                description="use the preferences learned for this show")

    @field_validator("handles")
    @classmethod
    def _handles_range(cls, v):
        if not all(0 <= h <= 10 for h in v):
            raise ValueError("handles must be between 0 and 10 seconds")
        return v


class JobRequest(_Strict):
    media: list[MediaItem] = Field(min_length=1, description="the clips to cut from")
    script: Optional[ScriptSpec] = Field(None, description="the screenplay; without one, a selects cut ordered by content")
    options: JobOptions = Field(default_factory=JobOptions)
    name: Optional[str] = Field(None, max_length=200)


class JobCreated(BaseModel):
    id: str
    state: JobState
    url: str


class AssetStatus(BaseModel):
    index: int
    path: str
    state: str
    attempts: int
    seconds: Optional[float] = None
    error: Optional[str] = None


class JobStatus(BaseModel):
    id: str
    name: Optional[str] = None
    state: JobState
    stage: str
    progress: float = Field(ge=0, le=1)
    eta_s: Optional[float] = None
    message: str = ""
    error: Optional[str] = None
    created: float
    updated: float
    started: Optional[float] = None
    finished: Optional[float] = None
    assets: list[AssetStatus] = []
    result: Optional[dict] = None
    links: dict[str, str] = {}


class JobList(BaseModel):
    jobs: list[JobStatus]


MAX_JSON_DEPTH = 64  # nesting a timeline document may have; deeper is refused (422), never recursed into


def json_depth(value, limit: int = MAX_JSON_DEPTH) -> int:
    """Nesting depth of plain JSON data, computed without recursion; stops counting past
    ``limit`` (returns ``limit + 1``) so a hostile document costs at most its size."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return limit + 1
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return deepest


class FeedbackRequest(_Strict):
    job_id: Optional[str] = Field(None, max_length=64, description="the job whose cut was edited")
    otio: Optional[str] = Field(None, description="the edited timeline as OTIO JSON text")
    timeline: Optional[dict] = Field(None, description="the edited timeline as a host-plan-like JSON document "
                                                       f"(nested at most {MAX_JSON_DEPTH} levels)")
    host: Optional[str] = Field(None, max_length=64)
    note: Optional[str] = Field(None, max_length=10000)

    @field_validator("timeline", mode="before")
    @classmethod
    def _not_too_deep(cls, v):
        if v is not None and json_depth(v) > MAX_JSON_DEPTH:
            raise ValueError(f"nested more than {MAX_JSON_DEPTH} levels deep")
        return v


class FeedbackStored(BaseModel):
    stored: bool
    id: str
    learning: str


class ErrorBody(BaseModel):
    error: str
    detail: object = None
