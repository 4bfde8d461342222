"""Speaker embeddings from Resemblyzer's pretrained GE2E voice encoder, run in numpy (no torch).

The PyPI package ``resemblyzer`` (Apache-2.0) ships its trained weights (``pretrained.pt``, a
3-layer LSTM, 40 mel bands in, 256-d embedding out) inside the wheel, so it works offline.
Its own Python code imports torch, librosa and webrtcvad; we never import it. We locate the
package folder with ``importlib.util.find_spec``, read the legacy (pre-1.6) torch pickle with a
restricted unpickler that only rebuilds float tensors as numpy arrays, and run the same
network here.

Contract:
- ``VoiceEncoder.load(path=None)`` -> encoder (raises RoughcutError naming the file when the
  weights are missing or not the expected format).
- ``mel_frames(wav16k)`` -> (frames, 40) float32 mel *power* frames exactly as Resemblyzer
  computes them (librosa Slaney mel, 25 ms Hann window, 10 ms hop, centred, zero padded).
- ``encoder.embed(mels)`` for a batch (B, 160, 40) of 1.6 s partials -> (B, 256) unit vectors.
"""
from __future__ import annotations

import importlib.util
import io
import pickle
import struct
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Optional

import numpy as np

from ..errors import RoughcutError

SAMPLE_RATE = 16000
N_FFT = 400
HOP = 160
N_MELS = 40
PARTIAL_FRAMES = 160
WEIGHTS_NAME = "pretrained.pt"
_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "LongStorage": np.int64,
           "IntStorage": np.int32, "HalfStorage": np.float16}


def default_weights_path() -> Optional[Path]:
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / WEIGHTS_NAME
        if path.exists():
            return path
    return None


class _StorageRef:
    def __init__(self, dtype, key: str, size: int):
        self.dtype, self.key, self.size = dtype, key, size


def _rebuild_tensor(storage, offset, size, stride, *_):
    return ("tensor", storage, int(offset), tuple(size), tuple(stride))


class _LegacyUnpickler(pickle.Unpickler):
    """Allows only what a legacy torch state dict needs; anything else is refused."""

    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            return OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in _DTYPES:
            return name
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in weights file")

    def __init__(self, fh):
        super().__init__(fh)
        self.storages: dict[str, _StorageRef] = {}

    def persistent_load(self, pid):
        kind, storage_type, key, _location, size = pid[:5]
        if kind != "storage" or storage_type not in _DTYPES:
            raise pickle.UnpicklingError(f"unsupported storage {pid[:2]}")
        ref = self.storages.setdefault(str(key), _StorageRef(_DTYPES[storage_type], str(key), int(size)))
        return ref


def _resolve(obj, buffers):
    if isinstance(obj, tuple) and len(obj) == 5 and obj[0] == "tensor":
        _, ref, offset, size, stride = obj
        flat = buffers[ref.key]
        item = flat.itemsize
        return np.lib.stride_tricks.as_strided(flat[offset:], shape=size,
                                               strides=[s * item for s in stride]).copy()
    if isinstance(obj, dict):
        return {k: _resolve(v, buffers) for k, v in obj.items()}
    return obj


def load_legacy_torch_state(path) -> dict:
    """Numpy arrays from a legacy torch.save file (magic, protocol, sysinfo, object, storages)."""
    data = Path(path).read_bytes()
    fh = io.BytesIO(data)
    for _ in range(3):  # magic number, protocol version, system info
        pickle.load(fh)
    unpickler = _LegacyUnpickler(fh)
    obj = unpickler.load()
    refs = unpickler.storages
    keys = pickle.load(fh)
    buffers = {}
    for key in keys:
        ref = refs[str(key)]
        (count,) = struct.unpack("<q", fh.read(8))
        raw = fh.read(count * np.dtype(ref.dtype).itemsize)
        buffers[str(key)] = np.frombuffer(raw, dtype=ref.dtype)
    return _resolve(obj, buffers)


@lru_cache(maxsize=1)
def _slaney_mel_filters() -> np.ndarray:
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=40) (Slaney scale and area norm)."""
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0

    def hz_to_mel(f):
        f = np.asarray(f, float)
        return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-9) / min_log_hz) / logstep, f / f_sp)

    def mel_to_hz(m):
        m = np.asarray(m, float)
        return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)

    fft_freqs = np.fft.rfftfreq(N_FFT, 1.0 / SAMPLE_RATE)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2:N_MELS + 2] - mel_f[:N_MELS]))[:, None]
    return weights.astype(np.float32)


def mel_frames(wav: np.ndarray) -> np.ndarray:
    """(frames, 40) mel power spectrogram of 16 kHz mono audio, as Resemblyzer feeds it."""
    x = np.asarray(wav, dtype=np.float32)
    x = np.pad(x, (N_FFT // 2, N_FFT // 2))
    n = 1 + (len(x) - N_FFT) // HOP
    if n <= 0:
        return np.zeros((0, N_MELS), np.float32)
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(x, N_FFT)[::HOP][:n]
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    return (power @ _slaney_mel_filters().T).astype(np.float32)


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


class VoiceEncoder:
    """The GE2E LSTM encoder (3 x 256 LSTM, linear 256, ReLU, L2 norm) in numpy."""

    def __init__(self, state: dict, source: str = ""):
        try:
            self.layers = [(state[f"lstm.weight_ih_l{k}"].astype(np.float32),
                            state[f"lstm.weight_hh_l{k}"].astype(np.float32),
                            (state[f"lstm.bias_ih_l{k}"] + state[f"lstm.bias_hh_l{k}"]).astype(np.float32))
                           for k in range(3)]
            self.linear_w = state["linear.weight"].astype(np.float32)
            self.linear_b = state["linear.bias"].astype(np.float32)
        except KeyError as exc:
            raise RoughcutError(f"{source}: not a Resemblyzer voice encoder state (missing {exc})") from exc
        self.source = source

    @classmethod
    def load(cls, path=None) -> "VoiceEncoder":
        path = Path(path) if path is not None else default_weights_path()
        if path is None or not path.exists():
            raise RoughcutError(f"{path or 'resemblyzer/' + WEIGHTS_NAME}: voice encoder weights not "
                                "found (install the 'resemblyzer' package with --no-deps)")
        try:
            checkpoint = load_legacy_torch_state(path)
        except (pickle.UnpicklingError, EOFError, KeyError, struct.error, ValueError) as exc:
            raise RoughcutError(f"{path}: cannot read voice encoder weights ({exc})") from exc
        state = checkpoint.get("model_state", checkpoint) if isinstance(checkpoint, dict) else {}
        return cls(state, str(path))

    def embed(self, mels: np.ndarray) -> np.ndarray:
        """(B, T, 40) mel partials -> (B, 256) L2-normalised embeddings."""
        from threadpoolctl import threadpool_limits

        # one BLAS thread: the recurrence is many small products, where threads only contend
        with threadpool_limits(1, user_api="blas"):
            return self._embed(mels)

    def _embed(self, mels: np.ndarray) -> np.ndarray:
        h_seq = np.asarray(mels, dtype=np.float32)
        batch, steps = h_seq.shape[:2]
        for w_ih, w_hh, bias in self.layers:
            hidden = w_hh.shape[1]
            gates_in = h_seq @ w_ih.T + bias  # (B, T, 4H), input part for all steps at once
            h = np.zeros((batch, hidden), np.float32)
            c = np.zeros((batch, hidden), np.float32)
            outs = np.empty((batch, steps, hidden), np.float32)
            for t in range(steps):
                g = gates_in[:, t] + h @ w_hh.T
                i, f, cell, o = np.split(g, 4, axis=1)  # PyTorch gate order: i, f, g, o
                c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(cell)
                h = _sigmoid(o) * np.tanh(c)
                outs[:, t] = h
            h_seq = outs
        raw = np.maximum(h_seq[:, -1] @ self.linear_w.T + self.linear_b, 0.0)
        return raw / (np.linalg.norm(raw, axis=1, keepdims=True) + 1e-9)
