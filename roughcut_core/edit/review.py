"""The review page: one self-contained HTML file for a cut.

It shows the timeline (clips coloured by setup, proportional widths, a thumbnail at each
cut), the script beside it with each line's chosen take, why, and its ranked alternates —
each reading with a score bar (its calibrated usability and within-line rank) and the
ranking terms behind it (intent, sound, on camera, blinks...: green helped, red cost) — and
the coverage report. Thumbnails are embedded as data URIs, so the file travels alone.
``thumbnail(path, seconds) -> bytes | None`` is injected (the picture stage provides it).
``lanes`` (optional, ``analyses.lanes.review_lanes``): rows under the timeline, one per lane
(camera motion, sound events), segments placed in record frames on the same scale as the
clips (proportional to the cut's duration); the cut's markers (continuity warnings, room tone) are listed under "Notes".
"""
from __future__ import annotations

import base64
import colorsys
import html
from pathlib import Path
from typing import Callable, Optional

from ..model import Cut, Script
from ..timebase import frames_to_seconds, frames_to_timecode

ThumbnailFn = Callable[[str, float], Optional[bytes]]

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#15171a;color:#e6e6e6}
header{padding:12px 20px;background:#202328;border-bottom:1px solid #333}
h1{font-size:18px;margin:0}h2{font-size:15px;margin:18px 0 8px}
.timeline{display:flex;gap:2px;padding:12px 20px;overflow-x:auto}
.clip{min-width:70px;border-radius:4px;padding:4px;color:#111;font-size:11px}
.clip img{width:100%;display:block;border-radius:2px;margin-bottom:3px}
.clip.gap{background:repeating-linear-gradient(45deg,#555,#555 6px,#444 6px,#444 12px);color:#eee}
main{display:grid;grid-template-columns:1fr 340px;gap:20px;padding:0 20px 20px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #333;padding:6px;vertical-align:top;text-align:left}
.who{font-weight:600;white-space:nowrap}.why{color:#aaa;font-size:12px}.alt{color:#8ab;font-size:12px}
.bad{color:#f77}.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}
.bar{display:flex;align-items:center;gap:6px;font-size:11px;margin:2px 0}
.bar i{display:block;height:7px;border-radius:3px;background:#6c6}.bar i.alt{background:#58a}
.bar span.track{display:block;width:120px;background:#2a2d33;border-radius:3px}
.t{display:inline-block;font-size:10px;padding:0 4px;margin:1px;border-radius:3px;background:#2a2d33}
.t.up{color:#7d7}.t.down{color:#f88}
.lane{position:relative;height:18px;margin:2px 20px;background:#1d2024;border-radius:3px}
.lane b{position:absolute;top:0;height:18px;font:10px/18px system-ui;overflow:hidden;white-space:nowrap;
color:#111;border-right:1px solid #15171a;padding-left:2px}.lanename{margin:4px 20px 0;font-size:11px;color:#aaa}
.note.Yellow{color:#fd6}.note.Green{color:#8d8}.note.Red{color:#f77}
"""

# Lane segment colours by label (camera motion classes, sound event labels).
_LANE_COLOURS = {"static": "#6a8", "handheld": "#e76", "complex": "#d9a", "speech": "#7be", "music": "#c9f",
                 "laughter": "#fc6", "applause": "#fa6", "silence": "#666", "noise": "#a98"}


def _lanes_html(lanes, cut: Cut) -> str:
    """Lane rows (see module contract) scaled to the cut's duration."""
    e = html.escape
    total = max(1, cut.duration)
    out = []
    for lane in lanes or ():
        segs = []
        for sg in lane.segments:
            left, width = 100.0 * sg.rec_in / total, 100.0 * max(1, sg.rec_out - sg.rec_in) / total
            colour = _LANE_COLOURS.get(sg.label, "#8ac" if sg.label.startswith(("pan", "tilt", "zoom", "dolly", "track")) else "#999")
            segs.append(f'<b style="left:{left:.3f}%;width:{width:.3f}%;background:{colour}" '
                        f'title="{e(sg.detail or sg.label)}">{e(sg.label)}</b>')
        out.append(f'<div class="lanename">{e(lane.name)}</div><div class="lane">{"".join(segs)}</div>')
    return "".join(out)


def _notes_html(cut: Cut) -> str:
    e = html.escape
    marks = [m for m in cut.markers if m.name.startswith(("continuity", "room tone"))]
    if not marks:
        return ""
    items = "".join(f'<li class="note {e(m.color)}">{e(frames_to_timecode(cut.start_frame + m.frame, cut.rate, cut.drop_frame))} '
                    f'{e(m.name)}: {e(m.note)}</li>' for m in sorted(marks, key=lambda m: m.frame))
    return f"<h2>Notes</h2><ul>{items}</ul>"


# Terms shown on the page, in an editor's words (the ranking's named terms).
_TERM_LABELS = {"intent": "intent", "snr": "sound SNR", "sound": "sound", "level": "level",
                "on_camera": "on camera", "lip_sync": "lip sync", "clarity": "clarity",
                "expressive": "face", "blink": "blink", "overlap": "overlap", "focus": "focus",
                "preferred": "circled", "pace": "pace", "camera": "camera"}


def _setup_colors(cut: Cut) -> dict:
    setups = sorted({d.setup or "?" for d in cut.decisions if not d.gap})
    out = {}
    for i, s in enumerate(setups):
        r, g, b = colorsys.hls_to_rgb((i * 0.61803) % 1.0, 0.62, 0.55)
        out[s] = f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"
    return out


def _img(data: Optional[bytes]) -> str:
    if not data:
        return ""
    return f'<img alt="" src="data:image/jpeg;base64,{base64.b64encode(data).decode()}">'


def _bar(score: float, rank: int, alt: bool = False) -> str:
    width = max(2, round(120 * max(0.0, min(1.0, score))))
    rank_txt = f" · rank {rank}" if rank else ""
    return (f'<div class="bar"><span class="track"><i class="{"alt" if alt else ""}" '
            f'style="width:{width}px"></i></span>{score:.2f}{rank_txt}</div>')


def _terms(terms: dict) -> str:
    chips = []
    for name, label in _TERM_LABELS.items():
        v = terms.get(name)
        if isinstance(v, (int, float)) and abs(v) >= 0.005:
            chips.append(f'<span class="t {"up" if v > 0 else "down"}">{html.escape(label)} {v:+.2f}</span>')
    for name, v in terms.items():
        if name.startswith("defect_") and isinstance(v, (int, float)) and v < 0:
            chips.append(f'<span class="t down">{html.escape(name[7:].replace("_", " "))} {v:+.2f}</span>')
    return "".join(chips)


def render_review_page(cut: Cut, script: Script, thumbnail: Optional[ThumbnailFn] = None,
                       lanes=()) -> str:
    e = html.escape
    colors = _setup_colors(cut)
    total = max(1, cut.duration)
    lines = {l.id: l for l in script.lines}
    clips, rows = [], []
    for d in sorted(cut.decisions, key=lambda x: x.rec_in):
        tc = frames_to_timecode(cut.start_frame + d.rec_in, cut.rate, cut.drop_frame)
        width = max(4.0, 100.0 * d.duration / total)
        if d.gap:
            clips.append(f'<div class="clip gap" style="flex:{width:.2f}">{e(tc)}<br>{e(", ".join(d.line_ids))} missing</div>')
        else:
            thumb = thumbnail(d.path, float(frames_to_seconds(d.src_in, d.rate))) if thumbnail else None
            clips.append(f'<div class="clip" style="flex:{width:.2f};background:{colors.get(d.setup or "?")}" '
                         f'title="{e(Path(d.path).name)}">{_img(thumb)}{e(tc)}<br>{e(d.setup or "")}</div>')
        for lid in d.line_ids:
            line = lines.get(lid)
            alts = "".join(f'<div class="alt">alt {e(Path(a.path).name)} [{a.src_in}–{a.src_out}) '
                           f'{_bar(a.score, a.rank, alt=True)}{_terms(a.terms)}<br>{e(a.why)}</div>'
                           for a in d.alternates)
            take = "(gap)" if d.gap else f'{e(Path(d.path).name)} [{d.src_in}–{d.src_out})'
            rows.append(
                f'<tr><td>{e(lid)}</td><td class="who">{e(line.character if line else "")}</td>'
                f'<td>{e(line.text if line else "")}</td><td><span class="swatch" '
                f'style="background:{colors.get(d.setup or "?", "#555")}"></span>{take} '
                f'<b class="{"" if d.score >= 0.6 else "bad"}">{d.score:.2f}</b>'
                f'{"" if d.gap else _bar(d.score, d.rank) + _terms(d.terms)}'
                f'<div class="why">{e("; ".join(d.reasons))}</div>{alts}</td></tr>')
    cov = cut.coverage or {}
    cov_items = [
        ("Lines never captured", cov.get("lines_never_captured", [])),
        ("Lines without an acceptable reading", cov.get("lines_without_acceptable_reading", [])),
        ("Setups missing", cov.get("setups_missing", [])),
        ("Warnings", list(cut.warnings)),
    ]
    coverage = "".join(f"<h2>{e(title)}</h2><p>{e(', '.join(map(str, items))) or 'none'}</p>"
                       for title, items in cov_items)
    legend = "".join(f'<div><span class="swatch" style="background:{c}"></span>{e(s)}</div>'
                     for s, c in colors.items())
    seconds = float(frames_to_seconds(cut.duration, cut.rate))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{e(cut.name)}</title>"
            f"<style>{_CSS}</style></head><body><header><h1>{e(cut.name)}</h1>"
            f"<div>{len([d for d in cut.decisions if not d.gap])} clips · {seconds:.1f} s at {cut.rate} fps · "
            f"{cov.get('lines_in_cut', 0)}/{cov.get('lines', 0)} lines</div></header>"
            f"<div class='timeline'>{''.join(clips)}</div>{_lanes_html(lanes, cut)}<main><section><h2>Script</h2><table>"
            f"<tr><th>Line</th><th>Who</th><th>Text</th><th>Chosen take, why, alternates</th></tr>"
            f"{''.join(rows)}</table></section><aside><h2>Setups</h2>{legend}{coverage}{_notes_html(cut)}</aside></main>"
            f"</body></html>")
