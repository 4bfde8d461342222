"""The demo actors' faces: real, redistributable photographs shipped inside installed wheels.

Contract:
- ALICE is NASA's public-domain portrait of astronaut Eileen Collins (``astronaut.png`` in
  scikit-image's data folder); BOB is the US Navy's public-domain portrait of Grace Hopper
  (``grace_hopper.jpg`` in matplotlib's sample data). Files are read in place with Pillow; the
  packages themselves are not imported.
- :class:`FacePhoto` holds the RGB image and where the face is in it (box, mouth centre,
  measured once with MediaPipe's BlazeFace models on these exact files; the demo tests
  re-detect faces on rendered frames).
- :func:`mouth_sprites` returns the photo resized by ``scale`` in ``levels`` versions, from
  mouth closed to wide open: the jaw below the mouth line is pushed down (the chin stays
  attached to the neck) and the gap shows a dark mouth interior.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import MediaError


@dataclass(frozen=True)
class _PhotoSource:
    package: str
    relpath: str
    face_box: tuple[float, float, float, float]  # x, y, w, h in photo pixels
    mouth: tuple[float, float]
    credit: str


_SOURCES = {
    "ALICE": _PhotoSource("skimage", "data/astronaut.png", (176.0, 74.0, 101.0, 101.0), (222.0, 147.0),
                          "NASA portrait of Eileen Collins (public domain), via scikit-image"),
    "BOB": _PhotoSource("matplotlib", "mpl-data/sample_data/grace_hopper.jpg", (165.0, 135.0, 202.0, 202.0),
                        (268.0, 279.0), "US Navy portrait of Grace Hopper (public domain), via matplotlib"),
}


@dataclass(frozen=True)
class FacePhoto:
    character: str
    path: Path
    image: np.ndarray  # (h, w, 3) uint8 RGB
    face_box: tuple[float, float, float, float]
    mouth: tuple[float, float]
    credit: str


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise MediaError(name, "package with the demo face photo is not installed")
    return Path(list(spec.submodule_search_locations)[0])


def load_photo(character: str) -> FacePhoto:
    """The photo that plays ``character`` (MediaError when its package is missing)."""
    from PIL import Image

    src = _SOURCES[character]
    path = _package_dir(src.package) / src.relpath
    try:
        with Image.open(path) as im:
            rgb = np.asarray(im.convert("RGB"), dtype=np.uint8)
    except OSError as exc:
        raise MediaError(path, f"cannot read demo face photo: {exc}") from exc
    return FacePhoto(character, path, rgb, src.face_box, src.mouth, src.credit)


def resize(image: np.ndarray, scale: float) -> np.ndarray:
    from PIL import Image

    h, w = image.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(Image.fromarray(image).resize(size, Image.LANCZOS), dtype=np.uint8)


def _open_jaw(image: np.ndarray, mouth: tuple[float, float], face_w: float, opening: float) -> np.ndarray:
    if opening < 0.5:
        return image
    h, w = image.shape[:2]
    mx, my = mouth
    half_w = 0.28 * face_w
    jaw_len = 0.38 * face_w
    neck_len = 0.25 * face_w
    x0, x1 = int(max(0, mx - half_w)), int(min(w, mx + half_w + 1))
    y0, y1 = int(max(0, my)), int(min(h, my + jaw_len + neck_len + opening + 1))
    if x1 <= x0 or y1 <= y0:
        return image
    xs = np.arange(x0, x1, dtype=np.float32)
    ys = np.arange(y0, y1, dtype=np.float32)[:, None]
    across = np.clip(np.cos(np.clip((xs - mx) / half_w, -1, 1) * np.pi / 2), 0, 1) ** 1.5  # 1 at centre
    # Downward shift: full opening over the jaw, fading to 0 down the neck.
    below = ys - my
    along = np.clip(1.0 - (below - jaw_len) / neck_len, 0.0, 1.0)
    shift = opening * across[None, :] * along
    src_y = np.clip(np.round(ys - shift), 0, h - 1).astype(np.int64)
    out = image.copy()
    region = image[src_y, np.arange(x0, x1)[None, :]]
    # Rows between the lip line and the shifted jaw show the inside of the mouth.
    inside = (below >= 0) & (below < shift - 0.5)
    depth = np.clip(below / np.maximum(shift, 1e-6), 0, 1)[..., None]
    interior = (np.array([70, 20, 25], np.float32) * (1 - 0.6 * depth)).astype(np.uint8)
    region = np.where(inside[..., None], np.broadcast_to(interior, region.shape), region)
    out[y0:y1, x0:x1] = region
    return out


def mouth_sprites(photo: FacePhoto, scale: float, levels: int) -> list[np.ndarray]:
    """``photo`` resized by ``scale``, mouth closed (index 0) to wide open (last)."""
    base = resize(photo.image, scale)
    face_w = photo.face_box[2] * scale
    mouth = (photo.mouth[0] * scale, photo.mouth[1] * scale)
    max_open = 0.10 * face_w
    return [_open_jaw(base, mouth, face_w, max_open * k / max(1, levels - 1)) for k in range(levels)]
