"""Speech transcription: faster-whisper words with refined boundaries, streamed, cached.

Contract:
- :class:`SpeechTranscriber` holds one lazily loaded Whisper model and is reused across files
  (the bridge keeps one). ``transcribe(path)`` returns a :class:`~roughcut_core.model.Transcript`
  whose words carry times in seconds from the file start; with ``options.refine`` they are
  snapped to the audio (:mod:`.refine`). Bad input raises :class:`~roughcut_core.errors.MediaError`
  naming the file; digital silence gives a transcript with no words and language None.
- Long files are streamed: audio is decoded block by block and fed to whisper in windows of
  about two minutes, each ended at the quietest moment of its last seconds so no word is
  split; memory does not grow with duration.
- Results are cached under (content key, ``speech.transcribe``, :data:`VERSION`, params),
  params being the options that change the words. A cache hit loads no model. The raw whisper
  times are kept in the same entry (:class:`SpeechResult.raw_words`) for the benchmark.
- Device and compute type are not in the key: they run the same weights, and a bin analysed
  on a GPU should not be analysed again on a laptop.
- English-only models report language "en"; multilingual models detect the language on the
  first window with speech and keep it for the rest of the file.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

import numpy as np

from ..errors import MediaError, RoughcutError
from ..media.keys import content_key
from ..model import AnalyzerInfo, MediaAsset, Transcript, Word
from .asr_model import choose_device, load_whisper, resolve_model
from .audio_io import iter_audio_blocks
from .refine import RefineOptions, refine_word_boundaries

log = logging.getLogger(__name__)

ANALYZER = "speech.transcribe"
VERSION = "1"
SAMPLE_RATE = 16000
# Streaming windows: whisper gets ~WINDOW_S of audio at a time, cut at the quietest point of
# the last SPLIT_SEARCH_S seconds. Decoding goes block by block underneath; memory is bounded
# by the window, not the file. Measured on a 5-minute file with tiny.en (peak RSS / CPU s):
# 60 s 421 MB / 22.3 s, 120 s 566 MB / 19.3 s, 240 s 823 MB / 20.3 s (the VAD and batch
# buffers scale with the window).
WINDOW_S = 120.0
SPLIT_SEARCH_S = 15.0
BLOCK_S = 10.0
_SPLIT_FRAME_S = 0.1


@dataclass(frozen=True)
class AsrOptions:
    """Options for transcription. ``model``: "tiny.en" (bundled), any faster-whisper model name
    available offline, or a local CTranslate2 folder. ``device``: auto|cpu|cuda;
    ``compute_type``: auto|int8|float16|...; ``batch_size`` is used by the batched GPU pipeline."""

    model: str = "tiny.en"
    device: str = "auto"
    compute_type: str = "auto"
    language: Optional[str] = None
    beam_size: int = 1
    vad: bool = True
    batch_size: int = 8
    refine: bool = True

    def cache_params(self) -> dict:
        """The options that change the result (see the module docstring for what is left out)."""
        return {"model": resolve_model(self.model).identity, "language": self.language,
                "beam_size": self.beam_size, "vad": self.vad, "refine": self.refine,
                "refine_options": RefineOptions().as_params() if self.refine else None,
                "window_s": WINDOW_S}


@dataclass(frozen=True)
class SpeechResult:
    """A transcript plus what the benchmark needs: whisper's own word times, step timings
    (seconds: decode, asr, refine) and whether it came from the cache."""

    transcript: Transcript
    raw_words: tuple[Word, ...]
    timings: dict = field(default_factory=dict)
    cached: bool = False


def _quietest_split(audio: np.ndarray, lo: int, hi: int) -> int:
    """Sample index of the quietest 100 ms frame in ``audio[lo:hi]`` (its centre)."""
    frame = int(_SPLIT_FRAME_S * SAMPLE_RATE)
    seg = audio[lo:hi]
    n = seg.size // frame
    if n < 1:
        return hi
    rms = np.sqrt(np.mean(seg[:n * frame].reshape(n, frame) ** 2, axis=1))
    return lo + int(np.argmin(rms)) * frame + frame // 2


def _words_to_json(words) -> list:
    return [[w.text, w.start, w.end, w.probability] for w in words]


def _words_from_json(rows) -> tuple[Word, ...]:
    return tuple(Word(text=r[0], start=float(r[1]), end=float(r[2]), probability=float(r[3])) for r in rows)


class SpeechTranscriber:
    """Transcribes files with one Whisper model, loaded on first use and kept."""

    def __init__(self, options: Optional[AsrOptions] = None, cache: Any = None):
        self.options = options or AsrOptions()
        self.cache = cache
        self._whisper = None
        self._batched = None
        self._device: Optional[str] = None
        self._compute_type: Optional[str] = None

    @property
    def model_loaded(self) -> bool:
        return self._whisper is not None

    def _model(self):
        if self._whisper is None:
            self._whisper, self._device, self._compute_type = load_whisper(
                self.options.model, self.options.device, self.options.compute_type)
            if self.options.vad:
                # The batched pipeline encodes each VAD-packed <=30 s chunk exactly once (the
                # sequential one re-reads the overlap after every seek): on the bundled tiny.en
                # it used ~20% less CPU and had a lower WER on our clips, and it is the fast
                # path on a GPU.
                from faster_whisper import BatchedInferencePipeline

                self._batched = BatchedInferencePipeline(model=self._whisper)
        return self._whisper

    # -- public -------------------------------------------------------------------------
    def load(self) -> None:
        """Load the model now (it otherwise loads on the first file that needs it)."""
        self._model()

    @property
    def whisper(self) -> "LineEncoder":
        """The recogniser for ``align.linecost``, which reuses its encoder instead of loading the
        weights a second time and keeps the encoder frames it compared in this transcriber's cache
        (``LineEncoder``)."""
        return LineEncoder(self)

    def transcribe(self, path: Union[str, Path], asset: Optional[MediaAsset] = None,
                   shared: Any = None) -> Transcript:
        """Refined transcript of ``path`` (cached). MediaError on unusable input. ``shared``: a
        ``shared_audio.SharedAudio`` that keeps the 16 kHz mix this decodes (when it decodes:
        a cache hit decodes nothing), for the later stages of the same run."""
        return self.transcribe_detailed(path, asset, shared).transcript

    def transcribe_detailed(self, path: Union[str, Path], asset: Optional[MediaAsset] = None,
                            shared: Any = None) -> SpeechResult:
        """Like :meth:`transcribe`, also returning raw whisper times and step timings."""
        path = Path(path)
        if not path.is_file():
            raise MediaError(path, "file not found" if not path.exists() else "not a regular file")
        if asset is not None and not asset.has_audio:
            raise MediaError(path, "no audio stream")
        params = self.options.cache_params()
        recorder = None
        if shared is not None:
            recorder = shared.recorder(path, asset.content_key if asset is not None else None,
                                       asset.duration if asset is not None else None)
        if self.cache is None:
            return self._run(path, recorder)
        key = asset.content_key if asset is not None and asset.content_key else content_key(path)
        computed: list[SpeechResult] = []

        def compute() -> dict:
            result = self._run(path, recorder)
            computed.append(result)
            return _result_to_json(result)

        value = self.cache.get_or_compute(key, ANALYZER, VERSION, params, compute)
        if computed:
            return computed[0]
        return _result_from_json(value, path)

    # -- work -----------------------------------------------------------------------------
    def _run(self, path: Path, recorder=None) -> SpeechResult:
        timings = {"decode": 0.0, "asr": 0.0, "refine": 0.0}
        raw: list[Word] = []
        refined: list[Word] = []
        state = {"language": self.options.language, "language_probability": None, "speech": False}
        pending: list[np.ndarray] = []
        pending_len = 0
        pending_t0 = 0.0
        duration = 0.0
        window = int(WINDOW_S * SAMPLE_RATE)
        search = int(SPLIT_SEARCH_S * SAMPLE_RATE)

        blocks = iter_audio_blocks(path, SAMPLE_RATE, BLOCK_S, "mix")
        tick = time.perf_counter()
        for t0, block in blocks:
            timings["decode"] += time.perf_counter() - tick
            if recorder is not None:
                recorder.add(t0, block)
            if not pending:
                pending_t0 = t0
            pending.append(block)
            pending_len += block.size
            duration = t0 + block.size / SAMPLE_RATE
            while pending_len >= window:
                audio = np.concatenate(pending)
                split = _quietest_split(audio, window - search, window)
                self._window(audio[:split], pending_t0, state, raw, refined, timings)
                rest = audio[split:]
                pending, pending_len = [rest], rest.size
                pending_t0 += split / SAMPLE_RATE
            tick = time.perf_counter()
        timings["decode"] += time.perf_counter() - tick
        if recorder is not None:
            recorder.done()
        if pending_len:
            self._window(np.concatenate(pending), pending_t0, state, raw, refined, timings)

        language = state["language"] if state["speech"] else None
        info = AnalyzerInfo(ANALYZER, VERSION, {
            **self.options.cache_params(), "device": self._device, "compute_type": self._compute_type,
            "language_probability": state["language_probability"]})
        words = refined if self.options.refine else raw
        transcript = Transcript(path=str(path), language=language, words=tuple(words),
                                duration=round(duration, 6), analyzer=info)
        return SpeechResult(transcript, tuple(raw), timings, cached=False)

    def _window(self, audio: np.ndarray, t0: float, state: dict, raw: list, refined: list, timings: dict) -> None:
        """Transcribe one window (times relative to it) and append its words at ``t0``."""
        tick = time.perf_counter()
        model = self._model()
        kwargs = dict(language=state["language"], beam_size=self.options.beam_size, word_timestamps=True,
                      vad_filter=self.options.vad, condition_on_previous_text=False,
                      temperature=(0.0, 0.4, 0.8))
        if self._batched is not None:
            segments, info = self._batched.transcribe(audio, batch_size=self.options.batch_size, **kwargs)
        else:
            segments, info = model.transcribe(audio, **kwargs)
        words = []
        for segment in segments:
            for w in segment.words or ():
                text = w.word.strip()
                if text:
                    words.append(Word(text=text, start=round(float(w.start) + t0, 4), end=round(float(w.end) + t0, 4),
                                      probability=round(float(w.probability), 4)))
        timings["asr"] += time.perf_counter() - tick
        if words:
            if not state["speech"]:
                state["speech"] = True
                if state["language"] is None and info.language:
                    # Fix the language for the rest of the file (one detection, consistent text).
                    state["language"] = info.language
                    state["language_probability"] = round(float(info.language_probability), 4)
            raw.extend(words)
            if self.options.refine:
                tick = time.perf_counter()
                refined.extend(refine_word_boundaries(words, audio, SAMPLE_RATE, offset=t0))
                timings["refine"] += time.perf_counter() - tick


def _result_to_json(result: SpeechResult) -> dict:
    from ..serialize import to_jsonable

    t = result.transcript
    return {"language": t.language, "duration": t.duration, "analyzer": to_jsonable(t.analyzer),
            "words": _words_to_json(t.words), "raw_words": _words_to_json(result.raw_words),
            "timings": result.timings}


def _result_from_json(value: dict, path: Path) -> SpeechResult:
    analyzer = value.get("analyzer") or {}
    transcript = Transcript(path=str(path), language=value.get("language"),
                            words=_words_from_json(value.get("words", ())),
                            duration=float(value.get("duration") or 0.0),
                            analyzer=AnalyzerInfo(analyzer.get("name", ANALYZER), analyzer.get("version", VERSION),
                                                  analyzer.get("params", {})))
    return SpeechResult(transcript, _words_from_json(value.get("raw_words", ())),
                        dict(value.get("timings") or {}), cached=True)


class LineEncoder:
    """A transcriber's model as ``align.linecost.Frames`` asks for it: called, the faster-whisper
    model (loaded now when it is not yet); ``cache`` the transcriber's cache; ``encoder_id``
    names the weights, device and compute type the model runs (or will run) with, without
    loading it; None when they cannot be resolved."""

    def __init__(self, transcriber: SpeechTranscriber):
        self._t = transcriber
        self.cache = transcriber.cache

    def __call__(self):
        return self._t._model()

    @property
    def encoder_id(self) -> Optional[str]:
        t = self._t
        try:
            identity = resolve_model(t.options.model).identity
            if t.model_loaded:
                device, compute_type = t._device, t._compute_type
            else:   # what load_whisper will pick
                device, compute_type = choose_device(t.options.device, t.options.compute_type)
        except (RoughcutError, ImportError, RuntimeError):   # the model's own load says why
            return None
        return f"{identity}|{device}|{compute_type}"


def transcribe(path: Union[str, Path], options: Optional[AsrOptions] = None, cache: Any = None) -> Transcript:
    """One-off transcription (loads a model each call; keep a SpeechTranscriber for batches)."""
    return SpeechTranscriber(options, cache).transcribe(path)


__all__ = ["AsrOptions", "SpeechResult", "SpeechTranscriber", "transcribe", "ANALYZER", "VERSION"]
