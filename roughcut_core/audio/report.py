"""Result types of the audio-quality analyzer and their JSON form (for the analysis cache).

``AudioQualityReport`` holds whole-file numbers, per-channel numbers, flagged ranges and the
best dialogue channel per time range. It also keeps two compact per-hop tracks (``hop`` seconds
each, 0.1 s by default) so that :func:`roughcut_core.audio.segment_quality` can score any time
range later without decoding again:

- ``loudness_track``: BS.1770 K-weighted, channel-weighted mean power of each hop, in dB
  (``-0.691 + value`` would be the momentary loudness of that hop alone);
- ``snr_track``: level of the chosen dialogue channel in each hop, in dB above that channel's
  noise floor.
Both are rounded to 0.01 dB and use ``FLOOR_DB`` for digital silence.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model import AnalyzerInfo, QualityFlag

FLOOR_DB = -200.0
REPORT_SCHEMA = "roughcut.audio-quality/1"


@dataclass(frozen=True)
class ChannelInfo:
    """One channel of the file: role guess, level, SNR and clipping."""

    index: int
    role: str  # "boom" | "lav" | "mix" | "unknown"
    rms_db: float
    snr_db: float
    clipped_fraction: float
    name: Optional[str] = None
    noise_floor_db: float = FLOOR_DB


@dataclass(frozen=True)
class AudioQualityReport:
    """Audio quality of one file. ``best_channel_ranges`` are (start s, end s, channel)."""

    path: str
    loudness_lufs: Optional[float]
    peak_dbfs: float
    noise_floor_db: float
    snr_db: Optional[float]
    channels: tuple[ChannelInfo, ...]
    flags: tuple[QualityFlag, ...]
    best_channel_ranges: tuple[tuple[float, float, int], ...]
    analyzer: AnalyzerInfo
    duration: float = 0.0
    sample_rate: int = 0
    hop: float = 0.1
    loudness_track: tuple[float, ...] = ()
    snr_track: tuple[float, ...] = ()
    corrupt_packets: int = 0

    def best_channel_at(self, t: float) -> int:
        """The dialogue channel chosen at time ``t`` (0 when there is no range)."""
        for start, end, channel in self.best_channel_ranges:
            if start <= t < end:
                return channel
        return self.best_channel_ranges[-1][2] if self.best_channel_ranges else 0


def report_to_json(report: AudioQualityReport) -> dict:
    from ..serialize import to_jsonable

    return {"schema": REPORT_SCHEMA, **to_jsonable(report)}


def report_from_json(data: dict) -> AudioQualityReport:
    from ..errors import SchemaError

    if data.get("schema") != REPORT_SCHEMA:
        raise SchemaError(f"not an audio quality report: {data.get('schema')!r}")
    fields = dict(data)
    del fields["schema"]
    fields["channels"] = tuple(ChannelInfo(**c) for c in fields["channels"])
    fields["flags"] = tuple(QualityFlag(**f) for f in fields["flags"])
    fields["best_channel_ranges"] = tuple((float(a), float(b), int(c))
                                          for a, b, c in fields["best_channel_ranges"])
    fields["analyzer"] = AnalyzerInfo(**fields["analyzer"])
    fields["loudness_track"] = tuple(fields["loudness_track"])
    fields["snr_track"] = tuple(fields["snr_track"])
    return AudioQualityReport(**fields)
