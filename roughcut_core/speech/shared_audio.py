"""A file's 16 kHz mono mix decoded once and lent to every stage of one run (issue 23).

Contract:
- ``SharedAudio(max_bytes)`` keeps whole-file mixes (float32, 16 kHz, channels averaged: exactly
  ``audio_io.decode_audio(path, 16000)``) under a key of (path, content key). A pipeline owns
  one; it is not process-wide state.
- ``recorder(path, key, duration)`` returns a :class:`Recorder` (or None when the file would not
  fit the budget): the speech stage passes every decoded block to ``Recorder.add`` as it streams
  them and calls ``Recorder.done``; the joined blocks are then kept (a file already kept, or one
  whose blocks do not join up from 0, is not stored). Streaming stays as it was: the store only
  keeps what was decoded anyway.
- ``peek(path, key)`` returns the kept mix or None (nothing is decoded). ``get(path, key)``
  returns the kept mix or decodes the file (``decode_audio``), keeps it when it fits, and
  returns it; MediaError as ``decode_audio`` raises it.
- ``window(path, key, start, end, duration=None)`` returns the samples of ``[start, end)``
  seconds (``int(round(t * 16000))`` sample bounds, as ``decode_audio(..., start=, end=)``
  cuts them) as a slice of the file's mix: kept, or decoded whole now and kept. A file that
  would not fit the budget (``duration`` seconds, when known) is decoded for that window only,
  as before. The slice differs from a window decode only where the window decode's resampler
  starts cold (its first few ms); per-reading measurements use it so every file is decoded
  once however many readings it has (issue 23).
- ``discard(path, key)`` lets a kept mix go (the pipeline does so once a scene's sound is
  measured).
- ``key=None`` stands for the file's size and modification time, so a changed file is never
  answered with its old sound.
- Memory: at most ``max_bytes`` of kept audio (least recently used mixes leave first); a file
  larger than the budget is decoded by each caller as before. Returned arrays are read-only
  views: callers must not write into them. Thread-safe (the sound stage runs on its own thread).
- ``decodes`` counts the whole-file decodes ``get`` made (for tests and benchmarks); two
  threads asking for the same file at once share one decode.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Optional

import numpy as np

SAMPLE_RATE = 16000
DEFAULT_MAX_BYTES = 128 << 20  # about 35 minutes of 16 kHz float32


def _file_key(path: str, key: Optional[str]):
    if key:
        return (path, key)
    try:
        st = os.stat(path)
        return (path, f"stat:{st.st_size}:{st.st_mtime_ns}")
    except OSError:
        return (path, None)


class Recorder:
    """Collects one file's streamed 16 kHz mono blocks for :class:`SharedAudio`."""

    def __init__(self, store: "SharedAudio", slot):
        self._store = store
        self._slot = slot
        self._parts: list[np.ndarray] = []
        self._next = 0  # sample index the next block must start at
        self._broken = False

    def add(self, t0: float, block: np.ndarray) -> None:
        """One decoded block starting at ``t0`` seconds (blocks must follow each other)."""
        if self._broken:
            return
        start = int(round(t0 * SAMPLE_RATE))
        if start != self._next or block.ndim != 1:
            self._broken, self._parts = True, []
            return
        self._parts.append(np.asarray(block, dtype=np.float32))
        self._next += block.shape[0]

    def done(self) -> None:
        """Keep the joined blocks (nothing is kept after a gap or with no blocks)."""
        if not self._broken and self._parts:
            audio = np.concatenate(self._parts) if len(self._parts) > 1 else self._parts[0].copy()
            self._store._keep(self._slot, audio)
        self._parts = []


class SharedAudio:
    """Whole-file 16 kHz mixes by (path, content key), kept up to ``max_bytes``."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = int(max_bytes)
        self._kept: "OrderedDict[tuple, np.ndarray]" = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._decoding: dict[tuple, threading.Lock] = {}  # one decode per file at a time
        self._too_big: set = set()  # files whose mix did not fit: ``window`` decodes windows
        self.decodes = 0

    def _keep(self, slot, audio: np.ndarray) -> Optional[np.ndarray]:
        if audio.nbytes > self.max_bytes:
            return None
        audio.setflags(write=False)
        with self._lock:
            if slot in self._kept:
                self._kept.move_to_end(slot)
                return self._kept[slot]
            self._kept[slot] = audio
            self._bytes += audio.nbytes
            while self._bytes > self.max_bytes:
                _, old = self._kept.popitem(last=False)
                self._bytes -= old.nbytes
        return audio

    def peek(self, path, key: Optional[str] = None) -> Optional[np.ndarray]:
        """The kept mix of ``path`` or None (never decodes)."""
        slot = _file_key(str(path), key)
        with self._lock:
            audio = self._kept.get(slot)
            if audio is not None:
                self._kept.move_to_end(slot)
            return audio

    def get(self, path, key: Optional[str] = None) -> np.ndarray:
        """The mix of ``path``: kept, or decoded now (and kept when it fits)."""
        from .audio_io import decode_audio

        audio = self.peek(path, key)
        if audio is not None:
            return audio
        slot = _file_key(str(path), key)
        with self._lock:
            decoding = self._decoding.setdefault(slot, threading.Lock())
        with decoding:  # a second thread for the same file waits for the first one's mix
            audio = self.peek(path, key)
            if audio is not None:
                return audio
            audio = decode_audio(path, SAMPLE_RATE)
            with self._lock:
                self.decodes += 1
            kept = self._keep(slot, audio)
        with self._lock:
            self._decoding.pop(slot, None)
            if kept is None:
                self._too_big.add(slot)
        return kept if kept is not None else audio

    def window(self, path, key: Optional[str], start: float, end: float,
               duration: Optional[float] = None) -> np.ndarray:
        """Samples of ``[start, end)`` seconds of the mix of ``path`` (see module doc)."""
        from .audio_io import decode_audio

        audio = self.peek(path, key)
        if audio is None:
            too_big = duration is not None and duration * SAMPLE_RATE * 4 > self.max_bytes
            with self._lock:
                too_big = too_big or _file_key(str(path), key) in self._too_big
            if too_big:
                return decode_audio(path, SAMPLE_RATE, start=start, end=end)
            audio = self.get(path, key)
        first = int(round(start * SAMPLE_RATE)) if start else 0
        return audio[first:max(first, int(round(end * SAMPLE_RATE)))]

    def recorder(self, path, key: Optional[str] = None,
                 duration: Optional[float] = None) -> Optional[Recorder]:
        """A :class:`Recorder` for a file about to be streamed, or None when it is kept already
        or ``duration`` (seconds, when known) says it would not fit the budget."""
        slot = _file_key(str(path), key)
        if duration is not None and duration * SAMPLE_RATE * 4 > self.max_bytes:
            return None
        with self._lock:
            if slot in self._kept:
                return None
        return Recorder(self, slot)

    def discard(self, path, key: Optional[str] = None) -> None:
        """Let the kept mix of ``path`` go (no error when none is kept)."""
        slot = _file_key(str(path), key)
        with self._lock:
            audio = self._kept.pop(slot, None)
            if audio is not None:
                self._bytes -= audio.nbytes

    @property
    def kept_bytes(self) -> int:
        with self._lock:
            return self._bytes
