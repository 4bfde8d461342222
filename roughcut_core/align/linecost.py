"""Do two deliveries of a line say different words? The whole-line cost, relative to the takes.

A real actor's takes differ everywhere (pace, pitch, emphasis), so no single word of a flubbed
take stands out against the rest of the pair; but a changed, dropped or added word still raises
the cost of the whole reading against the other takes above what the clean takes cost against
each other. That relative cost decides; the kind is then the recogniser's own label
(``heard._heard_kind``: the sound of such a take shows no one word to name it by).

Contract:
- ``Frames(audio, model="tiny.en", encoder=None)``: the frames readings are compared on, for one scene. By
  default the recogniser's own encoder output (faster-whisper ``tiny.en``, 20 ms frames; trained
  to ignore voice and delivery and keep the words), computed once per 30 s window of a file
  (windows every ``STEP_S`` seconds, ``WINDOW_S`` long, encoded on first use and kept for the
  scene; a stretch is cut from the window it lies most inside). ``get(path, t0, t1)`` returns
  the frames of seconds [t0, t1) of that file, mean/variance normalised over the stretch.
  ``encoder`` is an already loaded faster-whisper model, or a zero-argument callable returning
  one (the pipeline's recogniser: not loaded twice); it is asked for only when the first frames
  are needed, and ``model`` is loaded (``speech.asr_model.load_whisper``) only when it is None.
  When no model can be had (or ``model`` and ``encoder`` are both None) the frames are MFCCs
  (``acoustic.features``); ``kind`` says which ("encoder" / "mfcc"), ``encoded`` counts the
  30 s windows encoded and ``encode_cpu_s`` their CPU seconds. Holds its memo per instance.
  ``store`` (a ``linestore.WindowStore``, optional; else one on the encoder's ``cache`` under
  its ``encoder_id`` when it has them, as the pipeline's recogniser does): a stretch's frames
  cut in an earlier run from the same window samples are read from it, bit for bit, without
  encoding the window or loading the model; new ones are written to it; ``stored`` counts the
  stretches read from it. Should the model then not load, a stretch not stored has no frames
  once stored ones were given out (its pair costs are None), else every stretch is on MFCCs.
- ``pair_cost(a_tight, a_pad, b_tight, b_pad)``: the mean of two open-ended DTW costs (``a``'s
  frames found in ``b``'s padded stretch and the other way): a dropped word raises the first, an
  added word the second, a changed word both. None when a side is empty.
- ``relative_cost(reading_costs, clean_costs)`` = median cost of the reading against the clean
  references over the median cost between clean readings of the line (the scale of this actor's,
  mic's and line's take-to-take variation); None without both.
- ``LineCosts(audio, frames)``: ``relative(r, refs, others)`` is (``relative_cost`` of reading
  ``r`` against the clean readings ``refs`` of the same line, the scale being the costs of the
  line's other clean readings (``refs`` and ``others``, not ``r``) against the ``refs``, each
  not against itself: how far a clean delivery of the line, from any setup and mic, lies from
  the references; that scale), or None; readings are
  ``model.LineReading`` (path, start, end), stretches padded by ``pad`` s for the DTW target;
  pair costs and frames are memoised for the scene.
Pure apart from the model load and the memo.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Mapping, Optional, Sequence

import numpy as np

from . import acoustic as ac

log = logging.getLogger(__name__)
SR = 16000
WINDOW_S = 30.0
STEP_S = 20.0
ENC_HOP_S = 0.02


def _norm(x: np.ndarray) -> np.ndarray:
    if len(x) == 0:
        return x.astype(np.float32)
    return ((x - x.mean(0)) / (x.std(0) + 1e-6)).astype(np.float32)


class Frames:
    """Encoder (or MFCC) frames of stretches of a scene's files (see module contract)."""

    def __init__(self, audio: Mapping[str, np.ndarray], model: Optional[str] = "tiny.en",
                 encoder: Any = None, store: Any = None):
        self._audio = audio
        self._store, self._store_asked = store, store is not None
        self._windows: dict = {}
        self._model, self._encoder = model, encoder
        self._whisper = None
        self._resolved = False
        self.encoded = 0
        self.stored = 0
        self.encode_cpu_s = 0.0

    @property
    def kind(self) -> str:
        return "encoder" if self._resolve() is not None else "mfcc"

    def _store_of(self):
        """The store, made from the encoder's cache and ``encoder_id`` when first asked for
        (loads nothing: a stretch read from it needs no model)."""
        if not self._store_asked:
            self._store_asked = True
            encoder_id = getattr(self._encoder, "encoder_id", None)
            if encoder_id:
                from .linestore import WindowStore

                self._store = WindowStore(getattr(self._encoder, "cache", None), encoder_id)
        return self._store

    def _resolve(self):
        """The encoder model, asked for / loaded on first use (see module contract)."""
        if not self._resolved:
            self._resolved = True
            try:
                if self._encoder is not None:
                    enc = self._encoder
                    self._whisper = enc if hasattr(enc, "encode") else enc()
                elif self._model:
                    from ..speech.asr_model import load_whisper

                    self._whisper = load_whisper(self._model)[0]
            except Exception as exc:   # no recogniser here: the MFCC frames still compare the takes
                log.warning("whole-line cost on MFCC frames: encoder not available (%s)", exc)
                self._whisper = None
        return self._whisper

    def _samples(self, path: str, k: int) -> np.ndarray:
        return self._audio[path][int(k * STEP_S * SR):int((k * STEP_S + WINDOW_S) * SR)]

    def _window(self, path: str, k: int) -> np.ndarray:
        key = (path, k)
        if key not in self._windows:
            tick = time.process_time()
            x = self._samples(path, k)
            n_frames = int(len(x) / SR / ENC_HOP_S)
            mel = self._whisper.feature_extractor(np.asarray(x, dtype=np.float32))
            pad = np.zeros((mel.shape[0], 3000), np.float32)
            pad[:, :min(mel.shape[1], 3000)] = mel[:, :3000]
            out = np.array(self._whisper.encode(pad))[0]
            self._windows[key] = out[:max(1, n_frames)]
            self.encoded += 1
            self.encode_cpu_s += time.process_time() - tick
        return self._windows[key]

    def get(self, path: str, t0: float, t1: float) -> np.ndarray:
        """Normalised frames of seconds [t0, t1) of ``path`` (empty when too short)."""
        t0 = max(0.0, t0)
        store = self._store_of()
        if store is None and self._resolve() is None:
            return ac.features(self._audio[path][int(t0 * SR):max(0, int(t1 * SR))])
        dur = len(self._audio[path]) / SR
        t1 = min(t1, dur)
        if t1 - t0 < 0.1:
            return np.zeros((0, 384), np.float32)
        # the window that holds the stretch with most room on both sides
        best, room = 0, -1e9
        for k in range(int(max(0.0, t0 - WINDOW_S) // STEP_S), int(t0 // STEP_S) + 1):
            w0 = k * STEP_S
            r = min(t0 - w0, w0 + WINDOW_S - t1)
            if r > room:
                best, room = k, r
        a = max(0, int(round((t0 - best * STEP_S) / ENC_HOP_S)))
        b = max(0, int(round((t1 - best * STEP_S) / ENC_HOP_S)))
        if store is None:
            return _norm(self._window(path, best)[a:b])
        x = self._samples(path, best)
        part = store.get(x, (a, b))
        if part is not None:
            self.stored += 1
        elif self._resolve() is not None:
            part = self._window(path, best)[a:b]
            store.put(x, (a, b), part)
        elif not self.stored:   # no encoder after all, and no encoder frames given out yet
            self._store = None
            return self.get(path, t0, t1)
        else:                   # encoder frames given out: no MFCCs among them; no cost for this one
            return np.zeros((0, 384), np.float32)
        return _norm(part)


def pair_cost(a_tight: np.ndarray, a_pad: np.ndarray, b_tight: np.ndarray, b_pad: np.ndarray) -> Optional[float]:
    """Mean of the open-ended DTW costs both ways (see module contract)."""
    w1 = ac.dtw(a_tight, b_pad)
    w2 = ac.dtw(b_tight, a_pad)
    if w1 is None or w2 is None:
        return None
    return 0.5 * (w1.cost + w2.cost)


def relative_cost(reading_costs: Sequence[Optional[float]], clean_costs: Sequence[Optional[float]]) -> Optional[float]:
    """Median reading-vs-reference cost over the median clean-vs-clean cost (module contract)."""
    mine = [c for c in reading_costs if c is not None]
    base = [c for c in clean_costs if c is not None]
    if not mine or not base:
        return None
    return float(np.median(mine) / max(float(np.median(base)), 1e-6))


class LineCosts:
    """Whole-line relative costs of a scene's readings (see module contract)."""

    def __init__(self, audio: Mapping[str, np.ndarray], frames: Frames, pad: float = 0.3):
        self.audio, self.frames, self.pad = audio, frames, pad
        self._memo: dict = {}

    def _f(self, r, pad: float) -> np.ndarray:
        key = ("f", r.path, r.start, r.end, pad)
        if key not in self._memo:
            self._memo[key] = self.frames.get(r.path, r.start - pad, r.end + pad)
        return self._memo[key]

    def cost(self, a, b) -> Optional[float]:
        """``pair_cost`` of readings ``a`` and ``b`` (symmetric, memoised)."""
        key = ("pair", *sorted([(a.path, a.start, a.end), (b.path, b.start, b.end)]))
        if key not in self._memo:
            self._memo[key] = pair_cost(self._f(a, 0.0), self._f(a, self.pad), self._f(b, 0.0), self._f(b, self.pad))
        return self._memo[key]

    def relative(self, r, refs: Sequence, others: Sequence = ()) -> Optional[tuple[float, float]]:
        """(``relative_cost`` of ``r`` against ``refs`` on the clean readings' own scale, that
        scale: the median clean-vs-reference cost), or None (module contract)."""
        refs = [o for o in refs if o.path in self.audio]
        mine = [self.cost(r, o) for o in refs]
        seen = {(r.path, r.start)}
        clean = [q for q in (*refs, *others) if q.path in self.audio
                 and (q.path, q.start) not in seen and not seen.add((q.path, q.start))]
        base = [self.cost(q, o) for q in clean for o in refs if o is not q]
        rel = relative_cost(mine, base)
        if rel is None:
            return None
        return rel, float(np.median([c for c in base if c is not None]))
