"""Production audio analysis: quality per file and per range, channels, activity.

Public API (streamed; PyAV decoding; no heavy imports at package import):
- ``analyze_audio_quality(path, *, asset=None, cache=None) -> AudioQualityReport``
- ``segment_quality(report, start, end) -> dict`` with keys loudness_lufs, snr_db, clipping,
  flags, score (0..1), for scoring one line reading;
- ``channel_activity(path, *, hop=0.05) -> (times, per_channel_db)``, the who-is-speaking hint;
- ``ChannelInfo`` / ``AudioQualityReport`` result types (``report_to_json``/``report_from_json``).
"""
from __future__ import annotations

from .channels import channel_activity
from .quality import analyze_audio_quality, segment_quality
from .report import AudioQualityReport, ChannelInfo, report_from_json, report_to_json

__all__ = ["AudioQualityReport", "ChannelInfo", "analyze_audio_quality", "channel_activity",
           "report_from_json", "report_to_json", "segment_quality"]
