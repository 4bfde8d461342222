"""Speaker diarization (who speaks when) and its scoring (DER).

Contract:
- ``diarize(path, *, num_speakers=None, min_speakers=1, max_speakers=8, speech_regions=None,
  cache=None)`` returns non-overlapping ``SpeakerTurn``s sorted by start, speakers named
  ``S1``, ``S2``... in order of first appearance. Pipeline: PyAV decode to 16 kHz mono in
  60 s chunks -> speech regions (Silero VAD, the ONNX model bundled with faster-whisper, unless
  ``speech_regions`` is given) -> 1.6 s windows every 0.4 s over speech -> speaker embeddings
  (Resemblyzer's pretrained GE2E voice encoder run in numpy, see ``audio/voice_encoder.py``;
  MFCC statistics as a weaker fallback when it is not installed) -> spectral clustering on a
  refined cosine affinity (speaker count from the eigengap within [min_speakers,
  max_speakers] unless ``num_speakers``) -> frame-level resegmentation (votes of the windows
  covering each 10 ms frame, smoothed over 0.31 s). Only the embeddings (1 KB per window)
  and speech regions are kept, never the audio, so memory is about 2.5 KB per second of
  input; beyond MAX_WINDOWS windows (20 min of speech) consecutive windows are pooled before
  clustering, so each (windows x windows) affinity matrix stays under 72 MB.
- Overlapped speech is given to one speaker only (the reference counts every overlapping
  speaker, so heavily overlapped meetings have a large miss rate).
- ``diarization_error_rate(reference, hypothesis, uem=None, collar=0.25)`` is the NIST DER on a
  10 ms grid: overlapped reference speech counts every speaker, ``collar`` seconds either side
  of every reference boundary are not scored, speakers are mapped one-to-one to maximise the
  matched time (``scipy.optimize.linear_sum_assignment``).
- ``read_rttm(path)`` reads ``SPEAKER`` lines (raises ScriptError naming the file and line);
  ``read_uem(path)`` the scored (start, end).
- ``speaker_for_range(turns, start, end)`` names the dominant voice of a time range (to
  attribute an off-screen line), or None when no voice dominates.
- Measured DER (collar 0.25 s, overlap scored; ``roughcut bench audio``): pyannote sample
  0.013; AMI dev00 0.23 with 2 speakers given, 0.50 estimated (3 found); AMI tst00 0.63
  (4 speakers, half of its speech overlapped).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..errors import ScriptError

ANALYZER = "diarize"
VERSION = "1"
FRAME = 0.01
CHUNK_S = 60.0
VAD_THRESHOLD = 0.3
AFFINITY_KEEP_PERCENTILE = 0.8
MAX_WINDOWS = 3000
SMOOTH_FRAMES = 31


@dataclass(frozen=True)
class SpeakerTurn:
    start: float
    end: float
    speaker: str


# ----------------------------------------------------------------- RTTM and DER

def read_rttm(path) -> list[SpeakerTurn]:
    """Speaker turns from an RTTM file (``SPEAKER uri chan start dur ... name ...``)."""
    turns = []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScriptError(path, f"cannot read RTTM: {exc}") from exc
    for no, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts or parts[0].startswith(";") or parts[0] != "SPEAKER":
            continue
        try:
            start, dur, name = float(parts[3]), float(parts[4]), parts[7]
        except (IndexError, ValueError) as exc:
            raise ScriptError(path, f"line {no}: malformed RTTM SPEAKER line ({exc})") from exc
        turns.append(SpeakerTurn(start, start + dur, name))
    return sorted(turns, key=lambda t: (t.start, t.speaker))


def read_uem(path) -> Optional[tuple[float, float]]:
    """(start, end) of the first UEM line, or None when the file has none."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4:
            return float(parts[2]), float(parts[3])
    return None


def _activity(turns: Sequence[SpeakerTurn], n: int) -> tuple[list[str], np.ndarray]:
    names = sorted({t.speaker for t in turns})
    act = np.zeros((len(names), n), dtype=bool)
    for t in turns:
        a, b = int(round(t.start / FRAME)), int(round(t.end / FRAME))
        act[names.index(t.speaker), max(0, a):max(0, min(n, b))] = True
    return names, act


def diarization_error_rate(reference: Sequence[SpeakerTurn], hypothesis: Sequence[SpeakerTurn],
                           uem: Optional[tuple[float, float]] = None, collar: float = 0.25) -> dict:
    """DER and its parts (fractions of scored reference speech time), plus seconds and mapping."""
    from scipy.optimize import linear_sum_assignment

    end = max([t.end for t in reference] + [t.end for t in hypothesis] + [uem[1] if uem else 0.0])
    n = int(np.ceil(end / FRAME)) + 1
    scored = np.zeros(n, dtype=bool)
    if uem is not None:
        scored[int(round(uem[0] / FRAME)):int(round(uem[1] / FRAME))] = True
    else:
        scored[:] = True
    c = int(round(collar / FRAME))
    if c > 0:
        for t in reference:
            for edge in (t.start, t.end):
                e = int(round(edge / FRAME))
                scored[max(0, e - c):max(0, e + c)] = False
    ref_names, ref = _activity(reference, n)
    hyp_names, hyp = _activity(hypothesis, n)
    ref, hyp = ref[:, scored], hyp[:, scored]
    n_ref, n_hyp = ref.sum(axis=0), hyp.sum(axis=0)
    total = float(n_ref.sum())
    mapping: dict[str, str] = {}
    correct = np.zeros(ref.shape[1])
    if len(ref_names) and len(hyp_names):
        overlap = ref.astype(np.float64) @ hyp.T.astype(np.float64)
        rows, cols = linear_sum_assignment(-overlap)
        for r, h in zip(rows, cols):
            if overlap[r, h] > 0:
                mapping[hyp_names[h]] = ref_names[r]
                correct += ref[r] & hyp[h]
    miss = float(np.maximum(n_ref - n_hyp, 0).sum())
    fa = float(np.maximum(n_hyp - n_ref, 0).sum())
    conf = float((np.minimum(n_ref, n_hyp) - correct).sum())
    denom = max(total, 1e-9)
    return {"der": (miss + fa + conf) / denom, "miss": miss / denom, "false_alarm": fa / denom,
            "confusion": conf / denom, "scored_speech_s": total * FRAME, "mapping": mapping}


# ----------------------------------------------------------------- diarization

def _vad_regions(audio16k: np.ndarray, offset: float) -> list[tuple[float, float]]:
    from .vad import vad_regions

    return vad_regions(audio16k, offset, threshold=VAD_THRESHOLD)


def _embed_file(path: str, speech_regions, embedder):
    """Stream the file in CHUNK_S chunks: (embeddings, spans in frames, speech frames, seconds)."""
    from ..audio.decode import iter_blocks

    hop = int(FRAME * 16000)
    embs, spans, speech_frames = [], [], []
    total = 0
    for start, block in iter_blocks(path, CHUNK_S, mono_rate=16000):
        x = block[0]
        total = start + len(x)
        t0, t1 = start / 16000.0, total / 16000.0
        if speech_regions is None:
            regions = _vad_regions(x, t0)
        else:
            regions = [(max(a, t0), min(b, t1)) for a, b in speech_regions if b > t0 and a < t1]
        rf = [(int(round(a / FRAME)), int(round(b / FRAME))) for a, b in regions]
        e, sp = embedder.embed_chunk(x, start // hop, rf)
        if len(e):
            embs.append(e)
        spans += sp
        speech_frames += rf
    emb = np.concatenate(embs) if embs else np.zeros((0, 1))
    return emb, spans, speech_frames, total / 16000.0


def _normalise(embs: np.ndarray, backend: str) -> np.ndarray:
    if backend == "mfcc":
        # MFCC statistics have very different scales per dimension
        embs = (embs - embs.mean(axis=0)) / (embs.std(axis=0) + 1e-6)
    return embs / (np.linalg.norm(embs, axis=1, keepdims=True) + 1e-9)


def _cluster_bounded(x: np.ndarray, num_speakers, min_speakers, max_speakers) -> np.ndarray:
    """Spectral clustering on at most MAX_WINDOWS rows: beyond that, runs of consecutive
    windows are averaged first (their labels are shared), which bounds memory and time."""
    group = int(np.ceil(len(x) / MAX_WINDOWS))
    if group <= 1:
        return _spectral(x, num_speakers, min_speakers, max_speakers, AFFINITY_KEEP_PERCENTILE)
    n_groups = int(np.ceil(len(x) / group))
    pooled = np.stack([x[i * group:(i + 1) * group].mean(axis=0) for i in range(n_groups)])
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True) + 1e-9
    labels = _spectral(pooled, num_speakers, min_speakers, max_speakers, AFFINITY_KEEP_PERCENTILE)
    return np.repeat(labels, group)[:len(x)]


def _resegment(spans, labels, speech_frames, n_frames: int) -> np.ndarray:
    """Speaker index per 10 ms frame (-1 = no speech) from overlapping window labels."""
    from scipy.ndimage import uniform_filter1d

    speech = np.zeros(n_frames, bool)
    for a, b in speech_frames:
        speech[max(0, a):min(n_frames, b)] = True
    if len(labels) == 0:
        return np.full(n_frames, -1)
    k = int(labels.max()) + 1
    votes = np.zeros((k, n_frames), np.float32)
    for (a, b), lab in zip(spans, labels):
        votes[lab, max(0, a):min(n_frames, b)] += 1.0
    smooth = uniform_filter1d(votes, size=SMOOTH_FRAMES, axis=1, mode="nearest")
    best = np.argmax(smooth, axis=0)
    covered = smooth.max(axis=0) > 0
    # speech frames no window reached take the label of the nearest covered frame
    if covered.any() and (~covered & speech).any():
        idx = np.flatnonzero(covered)
        frames = np.arange(n_frames)
        pos = np.clip(np.searchsorted(idx, frames), 0, len(idx) - 1)
        prev, nxt = idx[np.clip(pos - 1, 0, len(idx) - 1)], idx[pos]
        nearest = np.where(np.abs(frames - prev) <= np.abs(nxt - frames), prev, nxt)
        best = np.where(covered, best, best[nearest])
    return np.where(speech, best, -1)


def _turns(frames: np.ndarray) -> tuple[SpeakerTurn, ...]:
    turns, names = [], {}
    i, n = 0, len(frames)
    while i < n:
        lab = frames[i]
        j = i
        while j < n and frames[j] == lab:
            j += 1
        if lab >= 0:
            name = names.setdefault(int(lab), f"S{len(names) + 1}")
            turns.append(SpeakerTurn(round(i * FRAME, 3), round(j * FRAME, 3), name))
        i = j
    return tuple(turns)


def diarize(path, *, num_speakers: Optional[int] = None, min_speakers: int = 1, max_speakers: int = 8,
            speech_regions: Optional[Sequence[tuple[float, float]]] = None, cache=None,
            backend: Optional[str] = None, embedder=None) -> tuple[SpeakerTurn, ...]:
    """Who speaks when in ``path`` (see module doc). Raises MediaError for unusable media.

    ``backend`` picks the speaker embedding ("resemblyzer" or "mfcc"; default: resemblyzer when
    installed); ``embedder`` reuses a loaded ``WindowEmbedder`` across files."""
    from ..audio.speaker_windows import WindowEmbedder, available_backend

    backend = embedder.backend if embedder is not None else (backend or available_backend())
    params = {"num_speakers": num_speakers, "min": min_speakers, "max": max_speakers,
              "regions": [list(r) for r in speech_regions] if speech_regions is not None else None,
              "vad_threshold": VAD_THRESHOLD, "keep_percentile": AFFINITY_KEEP_PERCENTILE,
              "backend": backend}
    key = None
    if cache is not None:
        from ..media.keys import content_key

        key = content_key(str(path))
        stored = cache.get(key, ANALYZER, VERSION, params)
        if stored is not None:
            return tuple(SpeakerTurn(*t) for t in stored)
    embedder = embedder or WindowEmbedder(backend)
    embs, spans, speech_frames, duration = _embed_file(str(path), speech_regions, embedder)
    turns: tuple[SpeakerTurn, ...] = ()
    if len(spans):
        x = _normalise(np.asarray(embs, dtype=np.float64), backend)
        labels = _cluster_bounded(x, num_speakers, min_speakers, max_speakers)
        turns = _turns(_resegment(spans, labels, speech_frames, int(np.ceil(duration / FRAME))))
    if key is not None:
        cache.put(key, ANALYZER, VERSION, params, [[t.start, t.end, t.speaker] for t in turns])
    return turns


def _spectral(x: np.ndarray, num_speakers: Optional[int], min_speakers: int, max_speakers: int,
              p_percentile: float = 0.9) -> np.ndarray:
    """Spectral clustering with refined affinity (Wang et al. 2018, "Speaker diarization with
    LSTM"): blur, row-wise thresholding, symmetrise, diffuse, row-max normalise; the speaker
    count is the largest eigengap unless given."""
    from scipy.ndimage import gaussian_filter

    n = len(x)
    if n < 3:
        return np.zeros(n, dtype=int)
    a = x @ x.T
    np.fill_diagonal(a, -np.inf)
    np.fill_diagonal(a, a.max(axis=1))
    a = gaussian_filter(a, sigma=1.0)
    keep = max(1, int(round(n * (1.0 - p_percentile))))
    thresh = -np.sort(-a, axis=1)[:, keep - 1:keep]
    a = np.where(a >= thresh, a, a * 0.01)
    a = np.maximum(a, a.T)
    a = a @ a.T
    a = a / a.max(axis=1, keepdims=True)
    vals, vecs = np.linalg.eigh((a + a.T) / 2)
    vals, vecs = vals[::-1], vecs[:, ::-1]
    if num_speakers:
        k = min(num_speakers, n)
    else:
        hi = min(max_speakers, n - 1)
        lo = max(1, min_speakers)
        gaps = [vals[i - 1] / max(vals[i], 1e-9) for i in range(lo, hi + 1)]
        k = lo + int(np.argmax(gaps)) if gaps else lo
    emb = vecs[:, :k]
    emb = emb / (np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9)
    return _kmeans(emb, k)


def _kmeans(x: np.ndarray, k: int, iters: int = 50) -> np.ndarray:
    """Deterministic k-means (farthest-point init) on rows of ``x``."""
    cents = [x[0]]
    for _ in range(1, k):
        d = np.min([((x - c) ** 2).sum(axis=1) for c in cents], axis=0)
        cents.append(x[int(np.argmax(d))])
    cents = np.stack(cents)
    labels = np.zeros(len(x), dtype=int)
    for _ in range(iters):
        new = np.argmin(((x[:, None, :] - cents[None]) ** 2).sum(axis=2), axis=1)
        if (new == labels).all() and _ > 0:
            break
        labels = new
        cents = np.stack([x[labels == c].mean(axis=0) if (labels == c).any() else cents[c] for c in range(k)])
    _, labels = np.unique(labels, return_inverse=True)
    return labels


def speaker_for_range(turns: Sequence[SpeakerTurn], start: float, end: float,
                      min_share: float = 0.5) -> Optional[str]:
    """The speaker who talks most inside [start, end) if they cover at least ``min_share`` of
    the speech there (to attribute an off-screen line to a diarized voice), else None."""
    talk: dict[str, float] = {}
    for t in turns:
        overlap = min(t.end, end) - max(t.start, start)
        if overlap > 0:
            talk[t.speaker] = talk.get(t.speaker, 0.0) + overlap
    if not talk:
        return None
    best = max(talk, key=talk.get)
    return best if talk[best] >= min_share * sum(talk.values()) else None
