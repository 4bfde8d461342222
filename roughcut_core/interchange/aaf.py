"""AAF writer (pyaaf2) and reader, laid out the way Avid Media Composer writes a sequence.

Contract:
- One master mob per source file (picture slot 1, sound slot 2 when it has sound), each slot
  reaching a file source mob (CDCI / PCM descriptor with a ``NetworkLocator`` = the file URL),
  which reaches the file's import source mob (``ImportDescriptor`` with the same URL, as Avid
  links a file) whose timecode slot starts at the file's start timecode.
- One top-level composition mob: a timecode slot (sequence start), then one timeline slot per
  picture track (V1, V2...) and per sound track (A1...), at the sequence rate, with
  ``SourceClip``s (start = file-relative frame, length = record length) and ``Filler``s.
  Alternates are not written (AAF has no disabled clip that Avid honours).
- Markers (clip and sequence) go on an ``EventMobSlot`` described against V1, as Avid's
  ``DescriptiveMarker``: ``Position`` (record frame), ``Comment`` (``name: note``),
  ``CommentMarkerColor`` (RGB) and the Avid ``_ATN_CRM_COLOR`` attribute.
- Mixed rates: a clip's start is expressed in the composition slot's edit units (the
  sequence rate), so a source at another rate is rounded to the nearest sequence frame.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..timebase import Rate, convert_frames
from .fcpxml import ReadClip
from .model import IMarker, Media, Sequence, file_url, url_to_path

COLOURS = {  # Avid's 16-bit RGB for its marker colours
    "RED": (52428, 13107, 13107), "GREEN": (13107, 52428, 13107), "BLUE": (13107, 13107, 52428),
    "CYAN": (13107, 52428, 52428), "MAGENTA": (52428, 13107, 52428), "YELLOW": (52428, 52428, 13107),
    "BLACK": (0, 0, 0), "WHITE": (65535, 65535, 65535),
}


def _er(rate: Rate) -> str:
    return f"{rate.num}/{rate.den}"


def _source_mobs(f, m: Media, kind: str, tape):
    """File source mob for one essence kind of ``m``, reaching the shared tape mob."""
    media_kind = "picture" if kind == "video" else "sound"
    tape_slot = tape.create_empty_slot(_er(m.rate), media_kind)
    tape_slot.segment.length = m.duration or 1
    tape_slot.segment.start = 0
    fmob = f.create.SourceMob()
    fmob.name = m.name
    if kind == "video":
        d = f.create.CDCIDescriptor()
        d["ComponentWidth"].value = 8
        d["HorizontalSubsampling"].value = 2
        d["ImageAspectRatio"].value = f"{m.width}/{m.height}"
        d["StoredWidth"].value = m.width
        d["StoredHeight"].value = m.height
        d["FrameLayout"].value = "FullFrame"
        d["VideoLineMap"].value = [42, 0]
        d["SampleRate"].value = _er(m.rate)
    else:
        d = f.create.PCMDescriptor()
        d["SampleRate"].value = _er(m.rate)
        d["AudioSamplingRate"].value = m.audio_rate
        d["Channels"].value = m.audio_channels
        d["QuantizationBits"].value = 16
        d["BlockAlign"].value = 2 * m.audio_channels
        d["AverageBPS"].value = m.audio_rate * 2 * m.audio_channels
    d["Length"].value = m.duration or 1
    loc = f.create.NetworkLocator()
    loc["URLString"].value = file_url(m.path)
    d["Locator"].append(loc)
    fmob.descriptor = d
    f.content.mobs.append(fmob)
    fslot = fmob.create_timeline_slot(_er(m.rate))
    clip = fmob.create_source_clip(slot_id=fslot.slot_id, length=m.duration or 1, media_kind=media_kind)
    clip.mob, clip.slot, clip.slot_id = tape, tape_slot, tape_slot.slot_id
    fslot.segment = clip
    return fmob, fslot


def _master(f, m: Media):
    tape = f.create.SourceMob()
    tape.create_tape_slots(m.stem, _er(m.rate), m.rate.nominal, drop_frame=m.drop_frame, media_kind="picture")
    tc_slot = [s for s in tape.slots if s.segment.media_kind == "Timecode"][0]
    tc_slot.segment.start = m.start_frame
    tc_slot.segment.length = m.duration or 1
    imp = f.create.ImportDescriptor()  # a file-based source, as Avid links one (not a tape)
    loc = f.create.NetworkLocator()
    loc["URLString"].value = file_url(m.path)
    imp["Locator"].append(loc)
    tape.descriptor = imp
    f.content.mobs.append(tape)
    master = f.create.MasterMob(m.stem)
    f.content.mobs.append(master)
    slots = {}
    for kind, slot_id in (("video", 1), ("audio", 2)):
        if (kind == "video" and not m.has_video) or (kind == "audio" and not m.has_audio):
            continue
        fmob, fslot = _source_mobs(f, m, kind, tape)
        mslot = master.create_timeline_slot(_er(m.rate), slot_id=slot_id)
        clip = master.create_source_clip(slot_id=slot_id, length=m.duration or 1,
                                         media_kind="picture" if kind == "video" else "sound")
        clip.mob, clip.slot, clip.slot_id = fmob, fslot, fslot.slot_id
        mslot.segment = clip
        slots[kind] = mslot
    return master, slots


def write_aaf(seq: Sequence, path, dialect: Optional[str] = None) -> Path:
    """Write ``seq`` to ``path`` (which must not exist: pyaaf2 creates it)."""
    import aaf2

    er = _er(seq.rate)
    with aaf2.open(str(path), "w") as f:
        comp = f.create.CompositionMob(seq.name)
        comp.usage = "Usage_TopLevel"
        f.content.mobs.append(comp)
        used = {p.media.path for p in seq.placements if not p.alternate}
        masters = {m.path: _master(f, m) for m in seq.media() if m.path in used}
        tc_slot = comp.create_timeline_slot(er)
        tc = f.create.Timecode(seq.rate.nominal, drop=seq.drop_frame)
        tc.start, tc.length = seq.start_frame, max(1, seq.duration)
        tc_slot.segment = tc
        v1_slot_id = None
        for kind in ("video", "audio"):
            media_kind = "picture" if kind == "video" else "sound"
            for t in range(1, seq.track_count(kind) + 1):
                items = [p for p in seq.on_track(kind, t) if not p.alternate]
                if not items:
                    continue
                slot = comp.create_timeline_slot(er)
                slot["PhysicalTrackNumber"].value = t
                slot.name = f"{'V' if kind == 'video' else 'A'}{t}"
                sequence = f.create.Sequence(media_kind=media_kind)
                cursor = 0
                for p in items:
                    if p.record_in > cursor:
                        sequence.components.append(f.create.Filler(media_kind, p.record_in - cursor))
                    master, mslots = masters[p.media.path]
                    start = p.src_in if p.media.rate == seq.rate else convert_frames(p.src_in, p.media.rate, seq.rate)
                    clip = f.create.SourceClip(media_kind=media_kind)
                    clip["DataDefinition"].value = f.dictionary.lookup_datadef(media_kind)
                    clip.start, clip.length = start, p.record_duration
                    clip.mob, clip.slot = master, mslots[kind]
                    clip.slot_id = mslots[kind].slot_id
                    sequence.components.append(clip)
                    cursor = p.record_out
                slot.segment = sequence
                if kind == "video" and t == 1:
                    v1_slot_id = slot.slot_id
        _markers(f, comp, seq, er, v1_slot_id)
    return Path(path)


def _all_markers(seq: Sequence) -> list[IMarker]:
    out = list(seq.markers)
    for p in seq.placements:
        if p.alternate:
            continue
        for mk in p.markers:
            frame = p.record_in + (mk.frame - p.src_in if p.media.rate == seq.rate
                                   else convert_frames(mk.frame - p.src_in, p.media.rate, seq.rate))
            out.append(IMarker(frame=frame, name=mk.name, note=mk.note, color=mk.color, duration=mk.duration))
    return sorted(out, key=lambda m: m.frame)


def _markers(f, comp, seq: Sequence, er: str, described: Optional[int]) -> None:
    markers = _all_markers(seq)
    if not markers or described is None:
        return
    slot = f.create.EventMobSlot()
    slot["EditRate"].value = er
    slot["SlotID"].value = 1000 + described
    slot["PhysicalTrackNumber"].value = 1
    sequence = f.create.Sequence(media_kind="DescriptiveMetadata")
    for mk in markers:
        dm = f.create.DescriptiveMarker()
        dm["DataDefinition"].value = f.dictionary.lookup_datadef("DescriptiveMetadata")
        dm["Position"].value = mk.frame
        dm["Length"].value = mk.duration
        dm["Comment"].value = f"{mk.name}: {mk.note}" if mk.note else mk.name
        dm["DescribedSlots"].value = {described}
        r, g, b = COLOURS.get(mk.color, COLOURS["BLUE"])
        dm["CommentMarkerColor"].value = {"red": r, "green": g, "blue": b}
        for key, value in (("CommentMarkerUSer", "roughcut"), ("CommentMarkerAttributeList", [
                f.create.TaggedValue("_ATN_CRM_COLOR", mk.color.capitalize()),
                f.create.TaggedValue("_ATN_CRM_COM", dm["Comment"].value),
                f.create.TaggedValue("_ATN_CRM_USER", "roughcut")])):
            try:  # Avid extension properties: written when pyaaf2's dictionary has them
                dm[key].value = value
            except KeyError:
                pass
        sequence.components.append(dm)
    slot.segment = sequence
    comp.slots.append(slot)


def read_aaf(path) -> tuple[dict, list[ReadClip]]:
    """(info, clips) from a composition written by :func:`write_aaf` (frames at the sequence rate).

    Follows each SourceClip to its master mob → file mob (URL) → tape mob (timecode).
    """
    import aaf2

    with aaf2.open(str(path), "r") as f:
        comp = next(iter(f.content.toplevel()))
        info = {"name": comp.name, "markers": [], "master_mobs": len(list(f.content.mastermobs()))}
        clips: list[ReadClip] = []
        for slot in comp.slots:
            seg = slot.segment
            if isinstance(slot, aaf2.mobslots.EventMobSlot):
                for dm in seg.components:
                    name, _, note = dm["Comment"].value.partition(": ")
                    rgb = dm["CommentMarkerColor"].value
                    colour = next((k for k, v in COLOURS.items() if v == (rgb["red"], rgb["green"], rgb["blue"])), "")
                    info["markers"].append(IMarker(frame=dm["Position"].value, name=name, note=note, color=colour,
                                                   duration=dm["Length"].value or 1))
                continue
            if seg.media_kind == "Timecode":
                info.update(rate=Rate.from_fraction(slot.edit_rate), start_frame=seg.start, drop_frame=bool(seg.drop),
                            fps=seg.fps)
                continue
            kind = "video" if seg.media_kind == "Picture" else "audio"
            track = slot["PhysicalTrackNumber"].value
            cursor = 0
            for c in seg.components:
                if isinstance(c, aaf2.components.SourceClip) and c.mob is not None:
                    mslot = c.mob.slot_at(c.slot_id)
                    loc = mslot.segment.mob.descriptor["Locator"].value[0]["URLString"].value
                    mrate, srate = Rate.from_fraction(mslot.edit_rate), Rate.from_fraction(slot.edit_rate)
                    src_in, length = c.start, c.length
                    if mrate != srate:
                        src_in, length = convert_frames(c.start, srate, mrate), convert_frames(c.length, srate, mrate)
                    clips.append(ReadClip(kind, track, cursor, c.length, url_to_path(loc), src_in,
                                          src_in + length, True))
                cursor += c.length
    return info, clips


__all__ = ["write_aaf", "read_aaf", "COLOURS"]
