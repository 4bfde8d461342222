"""Fill each file's picture size, sound layout and stream kinds from the file itself.

Contract: for every source file that exists, ``roughcut_core.media.probe`` supplies width,
height, sample rate, channel count, whether it has picture/sound, its frame count and its
drop-frame flag; the cut's own rate and start timecode are kept (they came from the same probe
when the cut was made). A file that is missing or unreadable keeps the defaults and is named in
the returned warnings; the export goes on. The sequence takes its size from its first V1 file.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .model import Media, Sequence


def _probed(m: Media, warnings: list) -> Media:
    from ..media.probe import probe

    if not Path(m.path).is_file():
        return m
    try:
        asset = probe(m.path)
    except Exception as exc:  # a bad file must not stop the export: say which and why
        warnings.append(f"{m.path}: cannot probe ({exc}); using 1920x1080, 48 kHz stereo")
        return m
    out = replace(m, has_video=asset.has_video, has_audio=asset.has_audio or not asset.has_video,
                  duration=m.duration or asset.frame_count or None,
                  drop_frame=asset.drop_frame if asset.has_video else m.drop_frame)
    if asset.width and asset.height:
        out = replace(out, width=asset.width, height=asset.height)
    if asset.audio:
        out = replace(out, audio_rate=asset.audio[0].sample_rate, audio_channels=asset.audio[0].channels)
    return out


def with_probed_media(seq: Sequence) -> tuple[Sequence, list[str]]:
    """``seq`` with real stream facts for the files that exist, and one warning per bad file."""
    warnings: list[str] = []
    cache: dict[str, Media] = {}
    placements = []
    for p in seq.placements:
        if p.media.path not in cache:
            cache[p.media.path] = _probed(p.media, warnings)
        placements.append(replace(p, media=cache[p.media.path]))
    out = replace(seq, placements=tuple(placements))
    first = next((p.media for p in out.on_track("video", 1) if p.media.has_video), None)
    # a cut-down (its clips carry crop transforms, issue 19) keeps its delivery size
    if first is not None and Path(first.path).is_file() and not any(p.transform for p in out.placements):
        out = replace(out, width=first.width, height=first.height)
    return out, warnings


__all__ = ["with_probed_media"]
