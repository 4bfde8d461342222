"""Offline speech synthesis with espeak-ng, driven through ctypes.

Contract:
- :func:`synthesize_many` turns short texts (words or phrases) into mono float32 samples in
  -1..1 at :data:`SAMPLE_RATE` (48 kHz), each for a :class:`Voice` (espeak voice name +
  variant, speaking rate in words per minute, pitch and pitch range 0..100).
- The same request list always gives the same samples, on every run: espeak-ng draws the
  noise of variant voices (``+f2``, ``+m3``...) from a generator seeded from the clock, so
  every utterance reseeds it from a checksum of its request (``espeak_ng_SetRandSeed``);
  espeak-ng also carries other state from one utterance to the next, so each batch runs in a
  fresh worker process; resampling is a fixed polyphase filter.
- The library and its voice data come from the ``espeakng-loader`` wheel; no system espeak is
  needed. Nothing here changes state in the calling process.
"""
from __future__ import annotations

import ctypes
import json
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

try:  # the worker runs this file as a script, outside the package
    from ..errors import RoughcutError
except ImportError:
    RoughcutError = RuntimeError  # type: ignore[misc,assignment]

SAMPLE_RATE = 48000

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAM_RATE = 1
_PARAM_VOLUME = 2
_PARAM_PITCH = 3
_PARAM_RANGE = 4

_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice: ``name`` like ``"en-us+f3"``; ``rate`` in words per minute."""

    name: str
    rate: int = 165
    pitch: int = 50
    pitch_range: int = 50


class TTSError(RoughcutError):
    """espeak-ng could not be loaded or refused a request."""


class _Espeak:
    """The espeak-ng library of the worker process (it has one global synthesiser)."""

    def __init__(self) -> None:
        import espeakng_loader

        lib_path = espeakng_loader.get_library_path()
        data_path = Path(espeakng_loader.get_data_path())
        try:
            self.lib = ctypes.CDLL(lib_path)
        except OSError as exc:
            raise TTSError(f"cannot load espeak-ng from {lib_path}: {exc}") from exc
        self.lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self.lib.espeak_Initialize.restype = ctypes.c_int
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        # espeak-ng >= 1.52; an older library keeps its clock-seeded noise (not reproducible).
        self._set_seed = getattr(self.lib, "espeak_ng_SetRandSeed", None)
        if self._set_seed is not None:
            self._set_seed.argtypes = [ctypes.c_long]
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]
        # espeak wants the folder that *contains* espeak-ng-data.
        rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data_path.parent).encode(), 0)
        if rate <= 0:
            raise TTSError(f"espeak_Initialize failed (data at {data_path})")
        self.native_rate = int(rate)
        self._chunks: list[np.ndarray] = []

        def on_audio(wav, numsamples, _events):
            if numsamples > 0 and wav:
                self._chunks.append(np.ctypeslib.as_array(wav, shape=(numsamples,)).copy())
            return 0

        # Keep a reference: ctypes callbacks must outlive their registration.
        self._callback = _SYNTH_CALLBACK(on_audio)
        self.lib.espeak_SetSynthCallback(self._callback)

    def synth(self, text: str, voice: Voice) -> np.ndarray:
        data = text.encode("utf-8") + b"\0"
        if self.lib.espeak_SetVoiceByName(voice.name.encode()) != 0:
            raise TTSError(f"espeak-ng has no voice {voice.name!r}")
        self.lib.espeak_SetParameter(_PARAM_RATE, int(voice.rate), 0)
        self.lib.espeak_SetParameter(_PARAM_PITCH, int(voice.pitch), 0)
        self.lib.espeak_SetParameter(_PARAM_RANGE, int(voice.pitch_range), 0)
        self.lib.espeak_SetParameter(_PARAM_VOLUME, 100, 0)
        if self._set_seed is not None:
            # Without this, two runs of one scene differ (variant voices' noise is clock-seeded).
            key = f"{text}\0{voice.name}\0{voice.rate}\0{voice.pitch}\0{voice.pitch_range}"
            self._set_seed(zlib.crc32(key.encode("utf-8")))
        self._chunks = []
        err = self.lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        chunks, self._chunks = self._chunks, []
        if err != 0:
            raise TTSError(f"espeak_Synth failed ({err}) for {text!r}")
        if not chunks:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate(chunks)


def _worker_main() -> None:
    """Subprocess entry: read requests (JSON on stdin), write int16 audio to stdout."""
    requests = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    engine = _Espeak()
    clips = [engine.synth(text, Voice(name, rate, pitch, rng)) for text, name, rate, pitch, rng in requests]
    header = {"native_rate": engine.native_rate, "lengths": [int(c.size) for c in clips]}
    out = sys.stdout.buffer
    out.write(json.dumps(header).encode("utf-8") + b"\n")
    for clip in clips:
        out.write(clip.astype("<i2").tobytes())
    out.flush()


def synthesize_many(requests: Sequence[tuple[str, Voice]], timeout: float = 300.0) -> list[np.ndarray]:
    """Speak each ``(text, voice)``: mono float32 clips at 48 kHz, silence padding included.

    The output is a pure function of the request list (module contract): the noise generator
    is reseeded per utterance, and each batch runs in a fresh subprocess, so nothing carries
    over from an earlier batch or from the caller.
    """
    from scipy.signal import resample_poly

    payload = json.dumps([[t, v.name, v.rate, v.pitch, v.pitch_range] for t, v in requests])
    proc = subprocess.run(
        # -P: do not put this package folder on sys.path, so its module names never shadow others.
        [sys.executable, "-P", str(Path(__file__).resolve())],
        input=payload.encode("utf-8"), capture_output=True, timeout=timeout, check=False,
    )
    if proc.returncode != 0:
        raise TTSError(f"espeak-ng worker failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-500:]}")
    head, _, body = proc.stdout.partition(b"\n")
    header = json.loads(head)
    native = int(header["native_rate"])
    g = int(np.gcd(SAMPLE_RATE, native))
    pcm = np.frombuffer(body, dtype="<i2")
    clips = []
    pos = 0
    for n in header["lengths"]:
        chunk = pcm[pos:pos + n].astype(np.float32) / 32768.0
        pos += n
        if n:
            chunk = resample_poly(chunk, SAMPLE_RATE // g, native // g).astype(np.float32)
        clips.append(np.clip(chunk, -1.0, 1.0))
    if pos != pcm.size or len(clips) != len(requests):
        raise TTSError("espeak-ng worker returned a malformed answer")
    return clips


if __name__ == "__main__":
    _worker_main()
