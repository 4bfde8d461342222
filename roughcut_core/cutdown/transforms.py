"""A crop window as each host's native transform of the clip in a timeline of the delivery size.

Contract: ``host_transform(key, source_size, timeline_size)`` -> ``{"resolve", "premiere",
"fcpxml"}`` for the window ``key`` (a ``CropKey``: x, y, w, h in displayed source pixels):
the clip transformed so that exactly that window fills the timeline frame.

- Resolve (``TimelineItem.SetProperty``): ``ZoomX``/``ZoomY`` relative to the project's
  default input scaling "Scale entire image to fit" (the fitted image is zoom 1.0), ``Pan``
  and ``Tilt`` in timeline pixels from the frame centre (Tilt: up is positive).
- Premiere (Motion effect, "Scale to frame size" off): ``scale`` in percent of the source's
  own pixels, ``position`` in sequence pixels (y down) where the clip's centre (the default
  anchor) lands; ``position_norm`` the same as a fraction of the frame (UXP's PointF).
- FCPXML ``<adjust-transform>`` (spatial conform "fit"): ``scale`` relative to the fitted
  image, ``position`` in percent of the frame height, y up.
"""
from __future__ import annotations


def host_transform(key, source_size: tuple[int, int], timeline_size: tuple[int, int]) -> dict:
    W, H = source_size
    TW, TH = timeline_size
    s = TW / key.w                       # source px -> timeline px so the window fills the frame
    fit = min(TW / W, TH / H)
    zoom = s / fit
    cx, cy = key.x + key.w / 2, key.y + key.h / 2
    dx, dy = (W / 2 - cx) * s, (H / 2 - cy) * s   # image-centre offset in timeline px, y down
    return {
        "resolve": {"ZoomX": round(zoom, 4), "ZoomY": round(zoom, 4), "Pan": round(dx, 2), "Tilt": round(-dy, 2)},
        "premiere": {"scale": round(100 * s, 3), "position": [round(TW / 2 + dx, 2), round(TH / 2 + dy, 2)],
                     "position_norm": [round((TW / 2 + dx) / TW, 5), round((TH / 2 + dy) / TH, 5)]},
        "fcpxml": {"scale": round(zoom, 4), "position": [round(100 * dx / TH, 4), round(-100 * dy / TH, 4)]},
    }


__all__ = ["host_transform"]
