"""Pictures for the demo setups: real face photos on a drawn set, mouths moving with the speech.

Contract:
- :class:`SetupPicture` renders frames for one take of one setup at ``width`` x ``height``:
  ``WIDE`` shows ALICE (left) and BOB (right), faces about 12 % of the frame width; ``CU_<NAME>``
  shows that one face at about 27 % of the frame width.
- :meth:`SetupPicture.frame` takes the frame index and each shown character's mouth level; the
  camera drifts a few pixels along a seeded slow path, so consecutive frames differ.
- ``soft=True`` renders the whole take out of focus (Gaussian blur, sigma 0.6 % of the width).
- :meth:`SetupPicture.face_boxes` gives each shown face's box, normalised to 0..1 of the frame,
  at the drift path's centre; the drift never moves a face more than :attr:`drift_px` pixels.
- Work is bounded: each distinct mouth-level combination is composed once per take and
  reused (at most ``levels ** faces`` compositions), so cost does not grow with take length.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from .faces import load_photo, mouth_sprites
from .plan import Setup


@dataclass(frozen=True)
class _Layer:
    character: str
    sprites: tuple[np.ndarray, ...]
    alpha: np.ndarray  # (h, w, 1) float32 over the sprite
    x: int  # sprite top-left in canvas pixels
    y: int
    face_box: tuple[float, float, float, float]  # in output-frame pixels at zero drift


def _backdrop(setup_name: str, width: int, height: int) -> np.ndarray:
    """A plain drawn kitchen: warm wall, a night window, a shelf, a table edge."""
    rng = np.random.Generator(np.random.PCG64(zlib.crc32(setup_name.encode())))
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    wall = np.array([150, 120, 90], np.float32) * (1.0 - 0.35 * ys) + np.zeros((1, width, 3), np.float32)
    img = wall.copy()
    wx = int(width * rng.uniform(0.38, 0.48))
    img[int(0.10 * height):int(0.45 * height), wx:wx + int(0.22 * width)] = (30, 40, 75)
    img[int(0.27 * height):int(0.28 * height) + 2, wx:wx + int(0.22 * width)] = (90, 80, 70)
    img[int(0.58 * height):int(0.60 * height), :] = (95, 70, 50)
    img[int(0.86 * height):, :] = (80, 55, 35)
    grain = rng.normal(0.0, 4.0, size=(height, width, 1)).astype(np.float32)
    return np.clip(img + grain, 0, 255).astype(np.uint8)


def _person_alpha(h: int, w: int, face_box: tuple[float, float, float, float], reach: float) -> np.ndarray:
    """Soft-edged mask keeping the head and shoulders around ``face_box`` (sprite pixels)."""
    fx, fy, fw, fh = face_box
    cx = fx + fw / 2
    xs = np.arange(w, dtype=np.float32)[None, :]
    ys = np.arange(h, dtype=np.float32)[:, None]
    half = reach * fw
    feather = 0.25 * fw
    horiz = np.clip((half - np.abs(xs - cx)) / feather, 0, 1)
    top = np.clip((ys - (fy - 0.6 * fh)) / feather, 0, 1)
    edges = np.clip(np.minimum(np.minimum(xs + 1, w - xs), h - ys) / 3.0, 0, 1)
    return (horiz * top * edges)[..., None].astype(np.float32)


class SetupPicture:
    """Frame source for one take (see module contract)."""

    def __init__(self, setup: Setup, width: int, height: int, *, soft: bool, drift_seed: int,
                 levels: int) -> None:
        self.setup = setup
        self.width, self.height = int(width), int(height)
        self.soft = soft
        # Even offsets keep the 4:2:0 chroma planes aligned when cropping.
        self.drift_px = 2 * max(1, round(0.003 * self.width))
        self.margin = self.drift_px
        m = self.margin
        canvas_w, canvas_h = self.width + 2 * m, self.height + 2 * m
        self._backdrop = _backdrop(setup.name, canvas_w, canvas_h)
        wide = len(setup.shows) > 1
        layers = []
        for slot, character in enumerate(setup.shows):
            photo = load_photo(character)
            face_w = (0.12 if wide else 0.27) * self.width
            scale = face_w / photo.face_box[2]
            centre_x = (0.28 + 0.44 * slot) * self.width if wide else 0.5 * self.width
            centre_y = (0.40 if wide else 0.44) * self.height
            fx, fy, fw, fh = (v * scale for v in photo.face_box)
            x = round(centre_x - (fx + fw / 2)) + m
            y = round(centre_y - (fy + fh / 2)) + m
            sprites = mouth_sprites(photo, scale, levels)
            alpha = _person_alpha(sprites[0].shape[0], sprites[0].shape[1], (fx, fy, fw, fh),
                                  reach=1.9 if wide else 2.6)
            box = (x - m + fx, y - m + fy, fw, fh)
            layers.append(_Layer(character, tuple(sprites), alpha, x, y, box))
        self._layers = tuple(layers)
        rng = np.random.Generator(np.random.PCG64(int(drift_seed)))
        self._drift = (rng.uniform(150, 260, size=2), rng.uniform(0, 2 * np.pi, size=2))
        self._cache: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    @property
    def characters(self) -> tuple[str, ...]:
        return tuple(layer.character for layer in self._layers)

    def face_boxes(self) -> list[dict]:
        out = []
        for layer in self._layers:
            x, y, w, h = layer.face_box
            out.append({"character": layer.character,
                        "box": [round(x / self.width, 4), round(y / self.height, 4),
                                round(w / self.width, 4), round(h / self.height, 4)]})
        return out

    def _compose(self, levels: tuple[int, ...]) -> np.ndarray:
        canvas = self._backdrop.astype(np.float32)
        ch, cw = canvas.shape[:2]
        for layer, level in zip(self._layers, levels):
            sprite = layer.sprites[level]
            # Clip the sprite to the canvas.
            x0, y0 = max(0, layer.x), max(0, layer.y)
            x1 = min(cw, layer.x + sprite.shape[1])
            y1 = min(ch, layer.y + sprite.shape[0])
            if x1 <= x0 or y1 <= y0:
                continue
            sx, sy = x0 - layer.x, y0 - layer.y
            part = sprite[sy:sy + (y1 - y0), sx:sx + (x1 - x0)].astype(np.float32)
            a = layer.alpha[sy:sy + (y1 - y0), sx:sx + (x1 - x0)]
            canvas[y0:y1, x0:x1] = canvas[y0:y1, x0:x1] * (1 - a) + part * a
        if self.soft:
            from scipy.ndimage import gaussian_filter

            sigma = 0.006 * self.width
            canvas = gaussian_filter(canvas, sigma=(sigma, sigma, 0))
        return np.clip(canvas + 0.5, 0, 255).astype(np.uint8)

    def _planes(self, key: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        planes = self._cache.get(key)
        if planes is None:
            import av

            rgb = self._compose(key)
            yuv = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
            h, w = rgb.shape[:2]
            flat = yuv.to_ndarray().ravel()
            y_size, c_size = h * w, (h // 2) * (w // 2)
            planes = self._cache[key] = (
                flat[:y_size].reshape(h, w),
                flat[y_size:y_size + c_size].reshape(h // 2, w // 2),
                flat[y_size + c_size:y_size + 2 * c_size].reshape(h // 2, w // 2),
            )
        return planes

    def _offset(self, index: int) -> tuple[int, int]:
        periods, phases = self._drift
        dx, dy = (2 * round(self.drift_px / 2 * np.sin(2 * np.pi * index / p + f))
                  for p, f in zip(periods, phases))
        return self.margin + dx, self.margin + dy

    def frame_yuv420p(self, index: int, levels: tuple[int, ...]) -> np.ndarray:
        """Frame ``index`` as a packed yuv420p array of shape (height * 3 // 2, width)."""
        y_plane, u_plane, v_plane = self._planes(tuple(int(v) for v in levels))
        x0, y0 = self._offset(index)
        h, w = self.height, self.width
        parts = (y_plane[y0:y0 + h, x0:x0 + w],
                 u_plane[y0 // 2:(y0 + h) // 2, x0 // 2:(x0 + w) // 2],
                 v_plane[y0 // 2:(y0 + h) // 2, x0 // 2:(x0 + w) // 2])
        return np.concatenate([p.ravel() for p in parts]).reshape(h * 3 // 2, w)

    def frame(self, index: int, levels: tuple[int, ...]) -> np.ndarray:
        """Frame ``index`` as (height, width, 3) uint8 RGB (converted from the encoded planes)."""
        import av

        return av.VideoFrame.from_ndarray(self.frame_yuv420p(index, levels), format="yuv420p").to_ndarray(format="rgb24")
