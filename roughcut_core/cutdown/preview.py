"""Preview of a cut-down with PyAV: each clip cropped by its windows, captions burned in.

Contract: ``render_cutdown(otio_path, out_path, width=540)`` renders a cut-down OTIO (written
by ``write_cutdown``) to an H.264/AAC MP4 at the delivery aspect (``width`` wide; the delivery
size itself with ``width=0``), at the timeline's rate. Each clip's frames [src_in, src_out)
are decoded (rotation applied), cut to the crop window in force at that frame
(``metadata["roughcut"]["crop"]``), scaled, and the caption in force at that record time
(``metadata["roughcut"]["cutdown_info"]["captions"]``) is drawn with Pillow in the bottom band.
Returns ``(path, stats)`` with ``frames`` and ``seconds`` (wall time of the render).
"""
from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..edit.render import _audio, flush, mux_sound, open_streams
from ..errors import MediaError, RoughcutError
from ..fileio import atomic_output
from .reframe import CropKey, crop_at

FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
              "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf")


def _font(size: int):
    from PIL import ImageFont

    for p in FONT_PATHS:
        if Path(p).exists():
            return ImageFont.truetype(p, size)
    return ImageFont.load_default(size=size)   # Pillow's bundled FreeType font


def _frames(path: str, rate: Fraction, f0: int, f1: int):
    """(file-relative frame, RGB array, rotation applied) for frames [f0, f1)."""
    import av

    from ..picture.decode import _rotate

    with av.open(path) as c:
        vs = c.streams.video[0]
        vs.thread_type = "AUTO"
        t0 = Fraction(f0) / rate
        c.seek(int(t0 / vs.time_base), stream=vs, backward=True)
        start = vs.start_time or 0
        for f in c.decode(vs):
            if f.pts is None:
                continue
            idx = int(round((f.pts - start) * vs.time_base * rate))
            if idx < f0:
                continue
            if idx >= f1:
                break
            img = f.to_ndarray(format="rgb24")
            rot = int(getattr(f, "rotation", 0) or 0)
            yield idx, _rotate(img, rot) if rot else img


def _draw_caption(img, lines, font, band_bottom: int):
    from PIL import ImageDraw

    d = ImageDraw.Draw(img)
    size = font.size if hasattr(font, "size") else 20
    y = band_bottom - int(len(lines) * size * 1.25)
    for line in lines:
        w = d.textlength(line, font=font)
        d.text(((img.width - w) / 2, y), line, font=font, fill=(255, 255, 255),
               stroke_width=max(2, size // 10), stroke_fill=(0, 0, 0))
        y += int(size * 1.25)


def render_cutdown(otio_path, out_path, *, width: int = 540) -> tuple[Path, dict]:
    import av
    import opentimelineio as otio
    from PIL import Image

    try:
        tl = otio.adapters.read_from_file(str(otio_path))
    except Exception as exc:
        raise RoughcutError(f"{otio_path}: cannot read the timeline: {exc}") from exc
    meta = (tl.metadata.get("roughcut") or {}).get("cutdown")
    if not meta:
        raise RoughcutError(f"{otio_path}: not a cut-down (no metadata.roughcut.cutdown)")
    dw, dh = int(meta["width"]), int(meta["height"])
    ow = dw if not width else int(width) // 2 * 2
    oh = int(round(ow * dh / dw / 2)) * 2
    rate = Fraction(*tl.metadata["roughcut"]["rate"])
    info = (tl.metadata.get("roughcut") or {}).get("cutdown_info") or {}
    cues = [(float(c["start"]), float(c["end"]), list(c["lines"])) for c in info.get("captions", ())]
    font = _font(max(12, int(oh * 0.034 if dh > dw else oh * 0.05)))
    safe_bottom = float((info.get("safe_area") or (0, 0, 0, 0.2))[3])
    band_bottom = int(oh * (1 - safe_bottom * 0.45))
    out_path = Path(out_path)
    started = time.perf_counter()
    n_frames = n_samples = 0
    with atomic_output(out_path, suffix=".mp4") as tmp:
        with av.open(str(tmp), "w") as oc:
            vs, aus = open_streams(oc, rate, ow, oh)
            for clip in tl.video_tracks()[0].find_clips():
                m = clip.metadata.get("roughcut") or {}
                path = clip.media_reference.target_url
                path = path[7:] if path.startswith("file://") else path
                if not Path(path).exists():
                    raise MediaError(path, "media for the preview is missing")
                crate = Fraction(*m["rate"])
                f0, f1 = int(m["src_in"]), int(m["src_out"])
                keys = [CropKey(**k) for k in m.get("crop", ())]
                last, clip_start = None, n_frames
                for idx, img in _frames(path, crate, f0, f1):
                    k = crop_at(keys, idx)
                    if k is not None:
                        img = img[k.y:k.y + k.h, k.x:k.x + k.w]
                    pic = Image.fromarray(img).resize((ow, oh), Image.BILINEAR)
                    t = n_frames / float(rate)
                    cue = next((c for c in cues if c[0] <= t < c[1]), None)
                    if cue:
                        _draw_caption(pic, cue[2], font, band_bottom)
                    last = pic
                    n_frames += _encode(vs, oc, pic, n_frames, rate)
                # a source that ends early: hold its last picture for the clip's length
                want_frames = clip_start + int(round((f1 - f0) * rate / crate))
                while last is not None and n_frames < want_frames:
                    n_frames += _encode(vs, oc, last, n_frames, rate)
                samples = _audio(path, Fraction(f0) / crate, Fraction(f1) / crate)
                n_samples = mux_sound(oc, aus, samples, n_frames, n_samples, rate)
            flush(oc, vs, aus)
    return out_path, {"frames": n_frames, "seconds": round(time.perf_counter() - started, 3),
                      "width": ow, "height": oh}


def _encode(vs, oc, pic, n: int, rate: Fraction) -> int:
    import av

    frame = av.VideoFrame.from_ndarray(np.asarray(pic), format="rgb24").reformat(format="yuv420p")
    frame.pts, frame.time_base = n, 1 / rate
    for pkt in vs.encode(frame):
        oc.mux(pkt)
    return 1


__all__ = ["render_cutdown"]
