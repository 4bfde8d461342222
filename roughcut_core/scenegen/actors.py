"""The faces that play a generated scene: real talking-head video (GRID) and public-domain stills.

Contract:
- :data:`ACTORS` names every face the generator can cast: five GRID talkers (real video of a
  real person speaking, read in place from ``../shared/media/video_faces_speaking``; CC BY 4.0,
  Cooke et al. 2006) and the demo's two public-domain portraits (via ``demo.faces``).
- :func:`load_actor` returns an :class:`Actor` whose :meth:`Actor.portrait` gives, for an output
  frame, an RGB head-and-shoulders image and the face box inside it (pixels). ``level`` 0..1 is
  how loud the actor's own voice is at that frame: GRID actors then play frames from the part of
  their clip where they really speak (real lip motion), and play the still part after the
  sentence otherwise;
  stills open the jaw in proportion (``demo.faces.mouth_sprites``).
- Face boxes are measured once per actor with the project's BlazeFace detector on the source
  (a first frame or the photo), only to scale and place the face; the ground truth of a scene
  is the layout the generator chose, never a detection.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from ..errors import MediaError
from ..paths import shared_media_dir

GRID_CLIPS = {
    # actor id -> (clip file, sex for the voice choice)
    "grid_bbaf2n": ("grid_bbaf2n.mpg", "m"),
    "grid_brbk7n": ("grid_brbk7n.mpg", "f"),
    "grid_lbax4n": ("grid_lbax4n.mpg", "m"),
    "grid_lbbc2a": ("grid_lbbc2a.mpg", "f"),
    "grid_lrwp9a": ("grid_lrwp9a.mpg", "f"),
}
PHOTOS = {"photo_collins": ("ALICE", "f"), "photo_hopper": ("BOB", "f")}
ACTORS = tuple(GRID_CLIPS) + tuple(PHOTOS)
LEVELS = 5


def _measure_face(rgb: np.ndarray, fallback: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    try:
        from ..picture.detector import FaceDetector

        dets = FaceDetector("full", 0.5).detect(rgb)
    except Exception:  # the detector only places the face; a fixed box is fine without it
        dets = []
    h, w = rgb.shape[:2]
    if not dets:
        return fallback
    d = max(dets, key=lambda d: d.box[2] * d.box[3])
    x, y, bw, bh = d.box
    return (x * w, y * h, bw * w, bh * h)


@dataclass(frozen=True)
class Actor:
    id: str
    sex: str
    credit: str
    face_box: tuple[float, float, float, float]  # in source pixels
    speech_frames: tuple[np.ndarray, ...] = ()   # GRID: frames while the talker speaks
    idle_frames: tuple[np.ndarray, ...] = ()     # GRID: frames before the talker speaks
    photo: object = None                          # stills: demo FacePhoto

    @property
    def is_video(self) -> bool:
        return bool(self.speech_frames)

    def source(self, frame_index: int, level: float, scale: float, _cache: Optional[dict] = None) -> np.ndarray:
        """The whole source picture scaled by ``scale`` for output frame ``frame_index``."""
        import cv2

        if self.is_video:
            pool = self.speech_frames if level > 0.12 else self.idle_frames
            n = len(pool)
            k = frame_index % (2 * n - 2) if n > 1 else 0
            src = pool[k if k < n else 2 * n - 2 - k]  # ping-pong: no jump at the loop point
            h, w = src.shape[:2]
            return cv2.resize(src, (max(1, round(w * scale)), max(1, round(h * scale))),
                              interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
        from ..demo.faces import mouth_sprites

        key = (self.id, round(scale, 4))
        sprites = None if _cache is None else _cache.get(key)
        if sprites is None:
            sprites = mouth_sprites(self.photo, scale, LEVELS)
            if _cache is not None:
                _cache[key] = sprites
        return sprites[min(LEVELS - 1, int(round(level * (LEVELS - 1))))]


def _grid_actor(actor_id: str, media: Path) -> Actor:
    import av

    name, sex = GRID_CLIPS[actor_id]
    path = media / "video_faces_speaking" / name
    if not path.is_file():
        raise MediaError(path, "GRID clip for the scene generator is missing (../shared/media absent?)")
    frames, rms = [], []
    try:
        with av.open(str(path)) as c:
            frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
        with av.open(str(path)) as c:
            pcm = np.concatenate([f.to_ndarray().astype(np.float32).reshape(-1) if f.format.is_planar is False
                                  else f.to_ndarray().astype(np.float32)[0] for f in c.decode(audio=0)])
            sr = c.streams.audio[0].rate
    except (OSError, av.error.FFmpegError) as exc:
        raise MediaError(path, f"cannot decode GRID clip: {exc}") from exc
    if np.abs(pcm).max() > 2.0:
        pcm = pcm / 32768.0
    per = max(1, int(sr / 25))
    for i in range(len(frames)):
        seg = pcm[i * per:(i + 1) * per]
        rms.append(float(np.sqrt(np.mean(seg ** 2))) if seg.size else 0.0)
    rms_a = np.asarray(rms)
    loud = np.flatnonzero(rms_a > 0.25 * rms_a.max())
    first, last = (int(loud[0]), int(loud[-1])) if loud.size else (len(frames) // 3, 2 * len(frames) // 3)
    speech = tuple(frames[first:last + 1])
    # at rest: after the sentence (before it, GRID talkers already open the mouth to breathe in)
    idle = tuple(frames[last + 4:]) if len(frames) - last - 4 >= 8 else tuple(frames[:max(2, first - 12)])
    box = _measure_face(frames[0], (0.33 * frames[0].shape[1], 0.2 * frames[0].shape[0],
                                    0.3 * frames[0].shape[1], 0.38 * frames[0].shape[0]))
    return Actor(actor_id, sex, "GRID audio-visual corpus (CC BY 4.0), Cooke, Barker, Cunningham & Shao 2006",
                 box, speech_frames=speech, idle_frames=idle)


def load_actor(actor_id: str, media: Optional[Path] = None) -> Actor:
    """The :class:`Actor` for ``actor_id`` (MediaError when its source is missing)."""
    if actor_id in GRID_CLIPS:
        return _grid_actor(actor_id, Path(media) if media else shared_media_dir())
    if actor_id in PHOTOS:
        from ..demo.faces import load_photo

        character, sex = PHOTOS[actor_id]
        photo = load_photo(character)
        return Actor(actor_id, sex, photo.credit, tuple(float(v) for v in photo.face_box), photo=photo)
    raise ValueError(f"unknown actor {actor_id!r}; known: {', '.join(ACTORS)}")
