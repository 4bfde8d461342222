"""CMX 3600 EDL writer and reader (Avid, Resolve, Premiere; any conform tool).

Contract:
- One event per picture clip (``V``) and one per sound clip (``AA`` for stereo track 1,
  ``A``/``A2``... for others), in record order; cuts only (``C``).
- Reel names are legal: at most 8 characters of ``A-Z 0-9 _``, derived from the file name
  (accents transliterated), unique per file; every event is followed by
  ``* FROM CLIP NAME:`` (file name), ``* FROM CLIP:`` (path, Avid style) and ``* SOURCE FILE:``
  (path) comments so tools can relink by name or path.
- Source timecode = the media's start timecode + the file-relative frame, labelled at the
  media's rate (drop-frame when the media is); record timecode = sequence start + record
  frame. ``FCM: DROP FRAME`` when the sequence is drop-frame. A source whose nominal rate
  differs from the sequence's (25 in 50) cannot be labelled in a CMX list: its frames are
  converted to the sequence rate and the event says so in a ``* SOURCE RATE`` comment.
- CMX 3600 holds one picture track and at most 999 events: the cut (V1 + sound) goes to
  ``OUT.edl``, ``OUT_002.edl``...; picture track N > 1 to ``OUT_V{N}.edl``. Alternates
  (disabled) are not listed.
- Markers become ``* LOC: <record tc> <COLOUR> <name>: <note>`` lines after the event they fall in.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Optional

from ..timebase import Rate, convert_frames, frames_to_timecode, timecode_to_frames
from .fcpxml import ReadClip
from .model import IMarker, Placement, Sequence

MAX_EVENTS = 999
LOC_COLOURS = ("RED", "GREEN", "BLUE", "CYAN", "MAGENTA", "YELLOW", "BLACK", "WHITE")


def reel_name(stem: str) -> str:
    """8 characters of A-Z0-9_ from a file name (``"A001_C003 scène 1"`` → ``"A001_C00"``)."""
    ascii_ = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii").upper()
    cleaned = re.sub(r"[^A-Z0-9_]", "", ascii_.replace(" ", "_"))
    return (cleaned or "AX")[:8]


def reel_names(paths) -> dict[str, str]:
    """A unique legal reel per path (collisions get a numeric tail)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for path in paths:
        base = reel_name(Path(path).stem)
        name, n = base, 1
        while name in used:
            n += 1
            tail = str(n)
            name = base[: 8 - len(tail)] + tail
        used.add(name)
        out[path] = name
    return out


def _channel(p: Placement) -> str:
    if p.kind == "video":
        return "V"
    if p.track == 1:
        return "AA" if p.media.audio_channels >= 2 else "A"
    return f"A{p.track}"


def _colour(name: str) -> str:
    return name if name in LOC_COLOURS else "BLUE"


def write_edl(seq: Sequence, dialect: Optional[str] = None) -> dict[str, bytes]:
    """``{"" or suffix: text}``: the cut in chunks of 999 events, then other picture tracks."""
    reels = reel_names(m.path for m in seq.media())
    cut = [p for p in seq.placements if not p.alternate and (p.kind == "audio" or p.track == 1)]
    files: dict[str, bytes] = {}
    chunks = _chunks(sorted(cut, key=lambda p: (p.record_in, p.kind != "video", p.track)))
    for i, chunk in enumerate(chunks):
        key = "" if i == 0 else f"_{i + 1:03d}"
        files[key] = _edl_text(seq, chunk, reels, f"{seq.name}" + (f" part {i + 1}" if len(chunks) > 1 else ""),
                               seq.markers if i == 0 else ())
    for t in range(2, seq.track_count("video") + 1):
        upper = [p for p in seq.on_track("video", t) if not p.alternate]
        if upper:
            for i, chunk in enumerate(_chunks(upper)):
                files[f"_V{t}" + ("" if i == 0 else f"_{i + 1:03d}")] = _edl_text(seq, chunk, reels, f"{seq.name} V{t}", ())
    return files


def _chunks(items: list) -> list[list]:
    return [items[i:i + MAX_EVENTS] for i in range(0, len(items), MAX_EVENTS)] or [[]]


def _tc(frames: int, rate: Rate, drop: bool) -> str:
    return frames_to_timecode(frames, rate, drop_frame=drop)


def _edl_text(seq: Sequence, items: list, reels: dict, title: str, seq_markers) -> bytes:
    lines = [f"TITLE: {title}", f"FCM: {'DROP FRAME' if seq.drop_frame else 'NON-DROP FRAME'}", ""]
    rate, drop = seq.rate, seq.drop_frame
    pending = sorted(seq_markers, key=lambda m: m.frame)
    for n, p in enumerate(items, start=1):
        m = p.media
        if m.rate.nominal == rate.nominal:
            srate, sdrop, s_in, s_out = m.rate, m.drop_frame, m.start_frame + p.src_in, m.start_frame + p.src_out
        else:
            srate, sdrop = rate, drop
            s_in = convert_frames(m.start_frame + p.src_in, m.rate, rate)
            s_out = s_in + p.record_duration
        rec_in, rec_out = seq.start_frame + p.record_in, seq.start_frame + p.record_out
        lines.append(f"{n:03d}  {reels[m.path]:<8} {_channel(p):<5} C        "
                     f"{_tc(s_in, srate, sdrop)} {_tc(s_out, srate, sdrop)} {_tc(rec_in, rate, drop)} {_tc(rec_out, rate, drop)}")
        lines.append(f"* FROM CLIP NAME: {m.name}")
        lines.append(f"* FROM CLIP: {m.path}")
        lines.append(f"* SOURCE FILE: {m.path}")
        if m.rate.nominal != rate.nominal:
            lines.append(f"* SOURCE RATE: {m.rate} (converted to {rate})")
        if p.kind == "video":
            for mk in p.markers:
                frame = p.record_in + convert_frames(mk.frame - p.src_in, m.rate, rate)
                lines.append(_loc(seq, frame, mk))
            while pending and pending[0].frame < p.record_out:
                mk = pending.pop(0)
                lines.append(_loc(seq, mk.frame, mk))
    for mk in pending:
        lines.append(_loc(seq, mk.frame, mk))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _loc(seq: Sequence, frame: int, mk: IMarker) -> str:
    text = f"{mk.name}: {mk.note}" if mk.note else mk.name
    return f"* LOC: {_tc(seq.start_frame + frame, seq.rate, seq.drop_frame)} {_colour(mk.color):<7} {text}"


_EVENT_RE = re.compile(r"^(\d{3,})\s+(\S+)\s+(\S+)\s+C\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$")


def read_edl(text: str, rate: Rate, start_frame: int = 0,
             source_rates: Optional[dict] = None) -> tuple[dict, list[ReadClip]]:
    """(info, clips) from an EDL written by :func:`write_edl`; paths from ``* SOURCE FILE``.

    ``source_rates`` maps path → (rate, start frame) to turn source timecode into file-relative
    frames (an EDL holds no media rate); without it the sequence rate and frame 0 are used.
    Record frames are returned relative to ``start_frame`` (the sequence start timecode).
    """
    source_rates = source_rates or {}
    drop = "FCM: DROP FRAME" in text
    info = {"rate": rate, "drop_frame": drop, "markers": [], "title": ""}
    raw: list[dict] = []
    for line in text.splitlines():
        if line.startswith("TITLE:"):
            info["title"] = line[6:].strip()
        m = _EVENT_RE.match(line)
        if m:
            _, reel, chan, s_in, s_out, r_in, r_out = m.groups()
            raw.append({"chan": chan, "s": (s_in, s_out), "path": None,
                        "r": (timecode_to_frames(r_in, rate) - start_frame, timecode_to_frames(r_out, rate) - start_frame)})
        elif line.startswith("* SOURCE FILE:") and raw:
            raw[-1]["path"] = line.split(":", 1)[1].strip()
        elif line.startswith("* LOC:"):
            parts = line[6:].strip().split(None, 2)
            name, _, note = parts[2].partition(": ") if len(parts) > 2 else ("", "", "")
            info["markers"].append(IMarker(frame=timecode_to_frames(parts[0], rate) - start_frame, name=name,
                                           note=note, color=parts[1] if len(parts) > 1 else "BLUE"))
    info["raw"] = raw
    return info, [_clip(r, rate, source_rates) for r in raw]


def _clip(r: dict, rate: Rate, source_rates: dict) -> ReadClip:
    srate, sstart = source_rates.get(r["path"], (rate, 0))
    if srate.nominal != rate.nominal:  # written at the sequence rate (see write_edl): convert back
        s_in = convert_frames(timecode_to_frames(r["s"][0], rate), rate, srate) - sstart
        s_out = convert_frames(timecode_to_frames(r["s"][1], rate), rate, srate) - sstart
    else:
        s_in = timecode_to_frames(r["s"][0], srate) - sstart
        s_out = timecode_to_frames(r["s"][1], srate) - sstart
    kind = "video" if r["chan"] == "V" else "audio"
    track = 1 if r["chan"] in ("V", "AA", "A") else int(r["chan"][1:])
    return ReadClip(kind, track, r["r"][0], r["r"][1] - r["r"][0], r["path"], s_in, s_out, True)


__all__ = ["write_edl", "read_edl", "reel_name", "reel_names", "MAX_EVENTS"]
