"""Material for `roughcut bench speed`: demo scenes by seed, joined into one bin, and the
plain-decode baseline.

Contract:
- :func:`ensure_scenes` generates the demo scene of each seed under ``root/seed<k>`` (reusing
  a folder that already holds a complete scene, so repeated runs skip generation).
- :func:`build_bin` makes one bin from several scenes: every take is linked (symlink, else
  copied) as ``s<k>_<NAME>.mp4`` so take ids stay unique, and the scenes' screenplays are
  joined into one ``scene.fountain`` (one scene heading per seed, numbered in order), so a
  single cut covers all of the material.
- :func:`plain_decode_seconds` decodes every audio and video frame of the files with PyAV's
  defaults plus frame threading, converting nothing: the floor any analysis that looks at
  every frame has to stand on.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence


@dataclass(frozen=True)
class Bin:
    """One bin of takes: ``media`` (unique names), its joined ``script`` and media seconds."""

    root: Path
    media: tuple[Path, ...]
    script: Path
    media_seconds: float
    seeds: tuple[int, ...]


def _complete(scene_dir: Path) -> bool:
    return (scene_dir / "ground_truth.json").is_file() and any((scene_dir / "media").glob("*.mp4"))


def ensure_scenes(root: Path, seeds: Sequence[int], log: Optional[Callable[[str], None]] = None) -> dict[int, Path]:
    """The demo scene folder of each seed under ``root`` (generated when missing)."""
    from roughcut_core.demo import build_demo_scene

    out: dict[int, Path] = {}
    for seed in seeds:
        scene_dir = Path(root) / f"seed{seed}"
        if not _complete(scene_dir):
            if scene_dir.exists():
                shutil.rmtree(scene_dir)
            tick = time.perf_counter()
            build_demo_scene(scene_dir, seed=seed)
            if log:
                log(f"generated demo scene seed {seed} in {time.perf_counter() - tick:.1f} s")
        out[seed] = scene_dir
    return out


_TITLE_KEY = re.compile(r"^[A-Za-z ]+:")
_SCENE_NUMBER = re.compile(r"#[^#\n]*#\s*$")


def _body(text: str) -> str:
    """A fountain text without its title page (the key: value block before the first blank line)."""
    lines = text.splitlines()
    if lines and _TITLE_KEY.match(lines[0]):
        while lines and lines[0].strip():
            lines.pop(0)
    return "\n".join(lines).strip("\n")


def joined_script(texts: Sequence[str]) -> str:
    """Several one-scene screenplays as one, scene numbers renumbered 1..n in order."""
    parts = ["Title: roughcut speed bench\nAuthor: the roughcut demo generator\n"]
    number = 0
    for text in texts:
        lines = []
        for line in _body(text).splitlines():
            if line.startswith(("INT.", "EXT.", "INT/EXT", "I/E")):
                number += 1
                line = _SCENE_NUMBER.sub("", line).rstrip() + f" #{number}#"
            lines.append(line)
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def media_seconds(path: Path) -> float:
    """Duration of a file (container duration; 0 when unknown)."""
    import av

    with av.open(str(path)) as c:
        return (c.duration or 0) / 1_000_000


def build_bin(root: Path, scenes: dict[int, Path]) -> Bin:
    """One bin of all the takes of ``scenes`` (seed -> scene folder) in ``root``."""
    root = Path(root)
    media_dir = root / "media"
    if root.exists():
        shutil.rmtree(root)
    media_dir.mkdir(parents=True)
    media: list[Path] = []
    texts: list[str] = []
    for seed in sorted(scenes):
        scene = scenes[seed]
        texts.append((scene / "scene.fountain").read_text(encoding="utf-8"))
        for src in sorted((scene / "media").glob("*.mp4")):
            dst = media_dir / f"s{seed}_{src.name}"
            try:
                os.symlink(src.resolve(), dst)
            except OSError:
                shutil.copyfile(src, dst)
            media.append(dst)
    script = root / "scene.fountain"
    script.write_text(joined_script(texts), encoding="utf-8")
    return Bin(root=root, media=tuple(media), script=script,
               media_seconds=sum(media_seconds(p) for p in media), seeds=tuple(sorted(scenes)))


def plain_decode_seconds(paths: Sequence[Path]) -> float:
    """Wall seconds to decode every audio and video frame of ``paths`` with PyAV, one file
    after another (frame threading on, as FFmpeg allows), without converting any frame."""
    import av

    tick = time.perf_counter()
    for path in paths:
        with av.open(str(path)) as container:
            for stream in container.streams:
                if stream.type == "video":
                    stream.thread_type = "AUTO"
            streams = [s for s in container.streams if s.type in ("audio", "video")]
            for _frame in container.decode(*streams):
                pass
    return time.perf_counter() - tick
