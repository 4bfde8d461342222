"""Face expressiveness, blinks, face size and sharpness of the speaker during a reading.

Contract:
- Geometry on the 468-point mesh (``landmarks.FaceMesh.points``, upright crop pixels):
  ``eye_aspect_ratio(points)`` = mean over both eyes of (|p2-p6| + |p3-p5|) / (2 |p1-p4|)
  (Soukupová & Čech 2016 on the mesh's eye contour: about 0.25-0.35 open, under 0.12 shut);
  ``brow_raise(points)`` = brow-to-eye distance / face height; ``mouth_width(points)`` =
  mouth-corner distance / face width.
- ``summarise(samples) -> dict`` turns per-frame :class:`FaceSample` (in time order; the
  first and last are the reading's first and last frames) into the signals
  ``face_expressiveness`` (0..1, the spread of mouth opening, mouth width, brow raise and eye
  openness over the reading, size-free), ``eyes_open_in`` / ``eyes_open_out`` (0..1: eye
  aspect ratio at that frame over the face's open-eye reference, the 80th percentile of the
  reading), ``blink_at_cut`` (1 when either is under 0.5), ``face_size`` (mean face-box
  height / frame height) and ``face_sharpness`` (mean variance of the Laplacian of the
  192x192 upright face crop, so it compares faces of any size). Missing frames give no key.
- ``face_signals(path, start, end, rate, models=None) -> dict`` decodes the video from
  ``start`` to ``end`` seconds (first frame at or after start, last before end, and one every
  ``STEP_S`` between), follows up to 3 faces across those frames and summarises the speaker's:
  the face whose mouth moves most while the line is said (the largest face when none moves).
  A file that cannot be decoded raises MediaError naming it. With ``faces`` (the file's
  ``storedfaces.StoredFaces``) the mesh runs on the picture stage's detections, looked up per
  frame, on every frame but the first and the last (issue 23; see ``face_signals``).
- ``eyes_open_at(path, times, rate=None) -> [openness | None]`` checks single frames (a cut
  point in a handle, outside the reading).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional, Sequence

import numpy as np

from ..errors import MediaError

# the window decoding lives in ``picture.windows`` (one pass per run of readings, issue 23)
from .windows import MAX_SAMPLES, STEP_S  # noqa: F401  (part of this module's contract)
from .windows import every_frame as _frames_every
from .windows import frame_seconds as _frame_seconds
from .windows import sampled_frames as _frames
from .windows import sampled_windows

# Mesh indices: eye contour p1..p6 (outer corner, 2 upper, inner corner, 2 lower), per eye.
RIGHT_EYE = (33, 160, 158, 133, 153, 144)
LEFT_EYE = (362, 385, 387, 263, 373, 380)
RIGHT_BROW, LEFT_BROW = 105, 334
MOUTH_CORNERS = (61, 291)
FACE_SIDES = (234, 454)
FOREHEAD, CHIN = 10, 152
UPPER_INNER_LIP, LOWER_INNER_LIP = 13, 14


def _d(p, a, b) -> float:
    return float(np.linalg.norm(p[a, :2] - p[b, :2]))


def eye_aspect_ratio(points: np.ndarray) -> float:
    vals = []
    for p1, p2, p3, p4, p5, p6 in (RIGHT_EYE, LEFT_EYE):
        width = _d(points, p1, p4)
        if width > 1e-6:
            vals.append((_d(points, p2, p6) + _d(points, p3, p5)) / (2.0 * width))
    return float(np.mean(vals)) if vals else 0.0


def brow_raise(points: np.ndarray) -> float:
    h = _d(points, FOREHEAD, CHIN)
    if h <= 1e-6:
        return 0.0
    r = _d(points, RIGHT_BROW, 159) + _d(points, LEFT_BROW, 386)
    return r / (2.0 * h)


def mouth_width(points: np.ndarray) -> float:
    w = _d(points, *FACE_SIDES)
    return _d(points, *MOUTH_CORNERS) / w if w > 1e-6 else 0.0


def mouth_open(points: np.ndarray) -> float:
    h = _d(points, FOREHEAD, CHIN)
    return _d(points, UPPER_INNER_LIP, LOWER_INNER_LIP) / h if h > 1e-6 else 0.0


@dataclass(frozen=True)
class FaceSample:
    """One frame's measurements of the speaker's face (None fields: no face in that frame)."""

    t: float
    ear: Optional[float] = None
    brow: Optional[float] = None
    mouth_w: Optional[float] = None
    mouth_open: Optional[float] = None
    size: Optional[float] = None
    sharpness: Optional[float] = None
    lid: Optional[float] = None  # eye_lid_cover of the frame (gray levels; higher = more lid)

    @staticmethod
    def from_points(t: float, points: np.ndarray, size: float, sharpness: Optional[float],
                    crop: Optional[np.ndarray] = None) -> "FaceSample":
        return FaceSample(t, eye_aspect_ratio(points), brow_raise(points), mouth_width(points),
                          mouth_open(points), size, sharpness,
                          None if crop is None else eye_lid_cover(crop, points))


def eye_lid_cover(crop: np.ndarray, points: np.ndarray) -> Optional[float]:
    """How much lid covers the eyes in one upright face crop: the mean gray level of the centre
    of each eye box (where the dark iris shows when the eye is open) minus the median of the
    whole eye box, averaged over both eyes, in gray levels. A blink hides the iris under skin,
    so this rises by several gray levels against the same face's open frames. It is a relative
    measure: compare it with the face's other frames (``lid_openness``). The mesh's eye contour
    (``eye_aspect_ratio``) barely moves in a real blink (GRID clips: 0.28 open, 0.26-0.29
    shut), which is why this appearance cue exists. None when the eye box falls off the crop."""
    crop = np.asarray(crop)
    vals = []
    for idx in (RIGHT_EYE, LEFT_EYE):
        xs, ys = points[list(idx), 0], points[list(idx), 1]
        w = float(xs.max() - xs.min())
        if w < 4:
            continue
        cx, cy = float(xs.mean()), float(ys.mean())
        x0, x1 = int(round(cx - 0.6 * w)), int(round(cx + 0.6 * w))
        y0, y1 = int(round(cy - 0.35 * w)), int(round(cy + 0.35 * w))
        if x0 < 0 or y0 < 0 or x1 > crop.shape[1] or y1 > crop.shape[0] or y1 - y0 < 4:
            continue
        box = crop[y0:y1, x0:x1].astype(np.float32)  # grey only the eye box (same values)
        if box.ndim == 3:
            box = box.mean(2)
        h, bw = box.shape
        centre = box[int(h * 0.29): int(np.ceil(h * 0.71)), int(bw / 3): int(np.ceil(bw * 2 / 3))]
        vals.append(float(centre.mean() - np.median(box)))
    return float(np.mean(vals)) if vals else None


LID_MIN_SPREAD = 1.0   # gray levels: floor of the face's frame-to-frame spread of eye_lid_cover
LID_CLOSED_Z = 3.0     # that many spreads over the face's median reads as shut (openness 0.35)


def lid_openness(lids: Sequence[Optional[float]], reference: Optional[Sequence[float]] = None) -> list:
    """Eye openness 0..1 per frame from ``eye_lid_cover`` values: 1 at or under the median of
    ``reference`` (default: the same frames; most frames of a face have open eyes), 0.35 at
    ``LID_CLOSED_Z`` robust spreads (MAD, floored at ``LID_MIN_SPREAD``) above it, 0 at about
    1.5 times that. None where a value is None. Needs 3 reference values, else all None.
    Validated on hand-labelled real blinks in the GRID clips (see bench quality's blink row)."""
    ref = [v for v in (reference if reference is not None else lids) if v is not None]
    if len(ref) < 3:
        return [None for _ in lids]
    med = float(np.median(ref))
    spread = max(LID_MIN_SPREAD, 1.4826 * float(np.median(np.abs(np.asarray(ref) - med))))
    thr = LID_CLOSED_Z * spread
    return [None if v is None else round(float(np.clip(1.0 - 0.65 * max(0.0, v - med) / thr, 0.0, 1.0)), 3)
            for v in lids]


def summarise(samples: Sequence[FaceSample]) -> dict:
    """Signals from the per-frame samples of one reading (see module doc)."""
    faces = [s for s in samples if s.ear is not None]
    out: dict = {}
    if not faces:
        return out
    ears = np.array([s.ear for s in faces])
    ref = max(float(np.percentile(ears, 80)), 0.18)

    lid_open = dict(zip([id(s) for s in faces], lid_openness([s.lid for s in faces])))

    def openness(s: FaceSample) -> Optional[float]:
        if s.ear is None:
            return None
        geo = float(np.clip(s.ear / ref, 0.0, 1.0))
        lid = lid_open.get(id(s))
        return round(geo if lid is None else min(geo, lid), 3)

    first, last = samples[0], samples[-1]
    o_in, o_out = openness(first), openness(last)
    if o_in is not None:
        out["eyes_open_in"] = o_in
    if o_out is not None:
        out["eyes_open_out"] = o_out
    if o_in is not None or o_out is not None:
        out["blink_at_cut"] = float(any(o is not None and o < 0.5 for o in (o_in, o_out)))
    if len(faces) >= 3:
        # Spread of each cue relative to its typical size, so a close-up and a wide compare.
        spread = [np.std([s.mouth_open for s in faces]) / 0.05,
                  np.std([s.mouth_w for s in faces]) / 0.03,
                  np.std([s.brow for s in faces]) / 0.01,
                  np.std([min(1.0, s.ear / ref) for s in faces]) / 0.2]
        out["face_expressiveness"] = round(float(1.0 - np.exp(-np.mean(spread))), 3)
    sizes = [s.size for s in faces if s.size is not None]
    if sizes:
        out["face_size"] = round(float(np.mean(sizes)), 4)
    sharp = [s.sharpness for s in faces if s.sharpness is not None]
    if sharp:
        out["face_sharpness"] = round(float(np.mean(sharp)), 2)
    return out


def sharpness(crop: np.ndarray) -> float:
    import cv2

    gray = cv2.cvtColor(np.ascontiguousarray(crop), cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


MAX_FACES = 3
_SAME_FACE = 0.12  # box-centre distance (frame widths) under which two detections are one face


def _detect(detector, rgb, t: Optional[float] = None, faces=None):
    """The faces on one frame at ``t`` s: the picture stage's, looked up in ``faces``
    (``storedfaces.StoredFaces``) where it sampled near enough; else tiled detection
    (``detector.detect_multiscale``) so the small faces of a wide count."""
    found = faces.at(t) if faces is not None and t is not None else None
    if found is not None:
        return found
    try:
        from .detector import detect_multiscale
    except ImportError:  # an older detector module: full frame only
        return detector.detect(rgb)
    return detect_multiscale(detector, rgb)


def face_signals(path: str, start: float, end: float, rate: Optional[Fraction] = None, models=None,
                 faces=None, frames=None) -> dict:
    """Face signals of the speaker over ``[start, end)`` seconds (see module doc): faces are
    followed across the sampled frames by box centre, and the speaker is the face whose mouth
    moves most (the largest face when none moves or there are too few frames). ``faces``: the
    file's ``storedfaces.StoredFaces``: the mesh runs on the picture stage's detections on the
    frames between the first and the last (their values are pooled: spread, mean, reference),
    and only frames it did not sample near are detected; the first and last frames, whose own
    eye openness is reported (``eyes_open_in``/``_out``), are detected as without it. None:
    detect on every frame. ``frames``: the window's ``windows.sampled_frames`` when the
    caller decoded them already (``reading_face_signals`` does, one pass per file)."""
    if models is None:
        from .detector import FaceDetector
        from .landmarks import FaceLandmarker

        models = (FaceDetector("full"), FaceLandmarker())
    detector, landmarker = models
    if frames is None:
        frames = _frames(path, start, end, rate)
    tracks: list[dict] = []  # {"centre": (x, y), "samples": {frame index: FaceSample}}
    for k, (t, rgb) in enumerate(frames):
        lookup = None if k in (0, len(frames) - 1) else faces  # the cut frames: their own detection
        dets = sorted(_detect(detector, rgb, t, lookup), key=lambda d: -d.box[2] * d.box[3])[:MAX_FACES]
        for det in dets:
            mesh = landmarker.landmarks(rgb, det)
            if mesh is None:
                continue
            centre = (det.box[0] + det.box[2] / 2, det.box[1] + det.box[3] / 2)
            sample = FaceSample.from_points(t, mesh.points, float(det.box[3]), sharpness(mesh.crop), mesh.crop)
            near = [tr for tr in tracks if k not in tr["samples"]
                    and np.hypot(tr["centre"][0] - centre[0], tr["centre"][1] - centre[1]) < _SAME_FACE]
            if near:
                tr = min(near, key=lambda tr: np.hypot(tr["centre"][0] - centre[0], tr["centre"][1] - centre[1]))
                tr["centre"] = centre
                tr["samples"][k] = sample
            else:
                tracks.append({"centre": centre, "samples": {k: sample}})
    if not tracks:
        return summarise([FaceSample(t) for t, _ in frames])

    def motion(tr) -> float:
        ss = list(tr["samples"].values())
        return float(np.std([s.mouth_open for s in ss])) if len(ss) >= 3 else 0.0

    def size(tr) -> float:
        return float(np.mean([s.size for s in tr["samples"].values()]))

    seen = [tr for tr in tracks if len(tr["samples"]) >= max(1, len(frames) // 2)] or tracks
    speaker = max(seen, key=lambda tr: (round(motion(tr), 3), size(tr)))
    return summarise([speaker["samples"].get(k, FaceSample(t)) for k, (t, _) in enumerate(frames)])


OPEN_EAR = 0.28  # typical open-eye aspect ratio on this mesh (GRID talking heads: 0.28-0.30)


def eyes_open_at(path: str, times, rate=None, models=None) -> list:
    """Eye openness 0..1 (EAR / OPEN_EAR, clipped) of the largest face at each time in
    ``times`` (seconds; the frame shown at that time), None where no face is found. For
    checking a cut frame that lies outside a reading (handles); a MediaError names a bad file."""
    if models is None:
        from .detector import FaceDetector
        from .landmarks import FaceLandmarker

        models = (FaceDetector("full"), FaceLandmarker())
    detector, landmarker = models
    step = _frame_seconds(rate) or 0.04
    out = []
    for t in times:
        frames = _frames(path, t, t + step, rate)
        dets = _detect(detector, frames[0][1]) if frames else []
        mesh = landmarker.landmarks(frames[0][1], max(dets, key=lambda d: d.box[2] * d.box[3])) if dets else None
        out.append(None if mesh is None else round(float(min(1.0, eye_aspect_ratio(mesh.points) / OPEN_EAR)), 3))
    return out


def eyes_open_frames(path: str, first: int, last: int, rate, models=None, context: int = 12,
                     faces=None) -> dict:
    """``{frame: openness 0..1 | None}`` for every source frame in ``[first, last]`` of the
    largest face, judged by ``eye_aspect_ratio`` and the lid appearance (``lid_openness``)
    against ``context`` frames either side (most of which show open eyes). ``rate`` is the
    file's frame rate (``timebase.Rate``); frame k shows at k / rate. For moving cut points
    off blinks (``edit/blinkcuts.py``). A MediaError names a file that cannot be decoded.
    ``faces``: as in :func:`face_signals` (stored detections instead of detecting again)."""
    if models is None:
        from .detector import FaceDetector
        from .landmarks import FaceLandmarker

        models = (FaceDetector("full"), FaceLandmarker())
    detector, landmarker = models
    spf = _frame_seconds(rate) or 0.04
    lo, hi = max(0, first - context), last + context
    frames = _frames_every(path, lo * spf, (hi + 1) * spf, spf)
    lids, ears, idx = [], [], []
    for t, rgb in frames:
        k = int(round(t / spf))
        dets = _detect(detector, rgb, t, faces)
        mesh = landmarker.landmarks(rgb, max(dets, key=lambda d: d.box[2] * d.box[3])) if dets else None
        idx.append(k)
        lids.append(None if mesh is None else eye_lid_cover(mesh.crop, mesh.points))
        ears.append(None if mesh is None else eye_aspect_ratio(mesh.points))
    lid_open = lid_openness(lids)
    known = [e for e in ears if e is not None]
    ref = max(float(np.percentile(known, 80)), 0.18) if known else None
    out = {}
    for k, e, o in zip(idx, ears, lid_open):
        if first <= k <= last:
            geo = None if e is None or ref is None else float(np.clip(e / ref, 0.0, 1.0))
            vals = [v for v in (geo, o) if v is not None]
            out[k] = round(min(vals), 3) if vals else None
    return out


EYES_VERSION = "1"


def make_eye_probe(models=None, store: Optional[dict] = None, workers: Optional[int] = None):
    """An ``EditOptions.eye_probe``: ``(path, rate, first, last) -> {frame: openness}`` over
    ``eyes_open_frames``, loading the face models on first use and remembering each window it
    decoded (per probe object, nothing global). ``store`` (optional, filled in by the caller
    once known): ``{"cache": AnalysisCache, "keys": {path: content key}}`` keeps the windows in
    the analysis cache (analyzer ``picture.eyes``), so a re-cut decodes nothing.

    ``probe.prefetch([(path, rate, first, last), ...])`` measures the windows not yet known on
    ``workers`` threads (default ``cputhreads.cpu_threads()``; one when ``models`` are given),
    each with its own models; later ``probe`` calls for them are answered from memory. The
    values equal what ``probe`` computes one window at a time.

    ``probe.know_pictures({path: PictureAnalysis})`` (the pipeline calls it before the cut is
    built) lets later windows of those files run the mesh on the picture stage's detections
    (``storedfaces``) instead of detecting again; windows already measured are kept."""
    state: dict = {"main": _LazyModels(models), "seen": {}, "faces": {}}

    def window(path, rate, first, last, lazy) -> dict:
        key = (path, int(first), int(last))
        cache = (store or {}).get("cache")
        ckey = ((store or {}).get("keys") or {}).get(path)
        faces = state["faces"].get(path)

        def compute():
            return eyes_open_frames(path, key[1], key[2], rate, lazy.get(), faces=faces)

        if cache is not None and ckey:
            params = {"first": key[1], "last": key[2], "rate": str(rate)}
            if faces is not None:
                params["faces"] = faces.digest
            rows = cache.get_or_compute(ckey, "picture.eyes", EYES_VERSION, params,
                                        lambda: [[k, v] for k, v in compute().items()])
            return {int(k): v for k, v in rows}
        return compute()

    def know_pictures(pictures) -> None:
        from .storedfaces import StoredFaces

        for path, pic in (pictures or {}).items():
            stored = StoredFaces.of(pic)
            if stored is not None:
                state["faces"][path] = stored

    def probe(path: str, rate, first: int, last: int) -> dict:
        key = (path, int(first), int(last))
        if key not in state["seen"]:
            state["seen"][key] = window(path, rate, first, last, state["main"])
        return state["seen"][key]

    def prefetch(windows) -> None:
        from ..threadmap import thread_map

        todo, keys = [], set()
        for path, rate, first, last in windows:
            key = (path, int(first), int(last))
            if key not in state["seen"] and key not in keys:
                keys.add(key)
                todo.append((path, rate, key[1], key[2]))
        n, make_state = _pool_settings(models, workers)
        for w, res in zip(todo, thread_map(lambda w, lazy: window(*w, lazy), todo, workers=n,
                                           make_state=make_state)):
            if res.ok:  # a failing window is left to ``probe``, which raises for the caller
                state["seen"][(w[0], w[2], w[3])] = res.value

    probe.prefetch = prefetch
    probe.know_pictures = know_pictures
    return probe


VERSION = "5"
BATCH = 8  # readings of one file decoded in one pass per thread job (more: fewer seeks, less sharing)


def _face_models(num_threads=None):
    from .detector import FaceDetector
    from .landmarks import FaceLandmarker

    return (FaceDetector("full", num_threads=num_threads), FaceLandmarker(num_threads=num_threads))


class _LazyModels:
    """One thread's face models, loaded on first use (a cache hit loads nothing)."""

    def __init__(self, models=None, num_threads=None):
        self._models, self._threads = models, num_threads

    def get(self):
        if self._models is None:
            self._models = _face_models(self._threads)
        return self._models


def _pool_settings(models, workers):
    """(workers, per-thread state factory) for the per-reading / per-window maps: given
    ``models`` are one set, so one thread; else ``workers`` threads (default the CPU share),
    each with its own one-thread models (the interpreters are not thread-safe; XNNPACK gives
    the same numbers on any thread count)."""
    from ..threadmap import default_workers

    if models is not None:
        return 1, (lambda: _LazyModels(models))
    n = default_workers() if workers is None else int(workers)
    threads = 1 if n > 1 else None
    return n, (lambda: _LazyModels(None, threads))


def reading_face_signals(readings, assets, cache=None, models=None, workers=None,
                         pictures=None) -> list[dict]:
    """Face signals per reading (same order), each ``{}`` when the file has no video or cannot
    be decoded (logged with the path). ``assets``: path -> MediaAsset (rate, content key).
    ``pictures`` (optional): path -> PictureAnalysis; a file's readings then run the mesh on
    the picture stage's detections (``storedfaces``; the cache key names them) instead of
    detecting again. Cached per reading under analyzer ``picture.expression``. The readings
    not cached are decoded one file at a time (``windows.sampled_windows``: one pass over
    each run of nearby readings, the same frames as one decode per reading), in batches of
    at most ``BATCH`` readings of one file measured on ``workers`` threads (default
    ``cputhreads.cpu_threads()``; ``models`` given: one thread), each thread with its own
    models: the same results as one reading after another."""
    import logging

    from ..threadmap import thread_map
    from .storedfaces import StoredFaces

    log = logging.getLogger(__name__)
    stored = {p: StoredFaces.of(pic) for p, pic in (pictures or {}).items()}
    out: list[dict] = [{} for _ in readings]
    todo: dict[str, list] = {}  # path -> [(k, reading, asset, params)] not in the cache
    for k, r in enumerate(readings):
        asset = assets.get(r.path)
        if asset is None or not getattr(asset, "has_video", False):
            continue
        params = {"start": round(r.start, 3), "end": round(r.end, 3)}
        if stored.get(r.path) is not None:
            params["faces"] = stored[r.path].digest
        hit = None
        if cache is not None and getattr(asset, "content_key", None):
            hit = cache.get(asset.content_key, "picture.expression", VERSION, params)
        if hit is not None:
            out[k] = hit
        else:
            todo.setdefault(r.path, []).append((k, r, asset, params))
    batches = []
    for jobs in todo.values():
        jobs.sort(key=lambda j: (j[1].start, j[1].end))
        size = -(-len(jobs) // -(-len(jobs) // BATCH))  # even batches of at most BATCH
        batches += [jobs[i:i + size] for i in range(0, len(jobs), size)]

    def one(batch, lazy) -> list:
        path, rate = batch[0][1].path, batch[0][2].rate
        faces = stored.get(path)
        res = []
        for i, frames in sampled_windows(path, [(r.start, r.end) for _k, r, _a, _p in batch], rate):
            k, r, asset, params = batch[i]
            if isinstance(frames, Exception):
                res.append((k, r, frames))
                continue
            try:
                value = face_signals(path, r.start, r.end, rate, lazy.get(), faces=faces, frames=frames)
            except Exception as exc:  # reported for this reading; the batch goes on
                res.append((k, r, exc))
                continue
            if cache is not None and getattr(asset, "content_key", None):
                cache.put(asset.content_key, "picture.expression", VERSION, params, value)
            res.append((k, r, value))
        return res

    n, make_state = _pool_settings(models, workers)
    for batch, res in zip(batches, thread_map(one, batches, workers=n, make_state=make_state)):
        for k, r, value in (res.value if res.ok else [(k, r, res.error) for k, r, _a, _p in batch]):
            if isinstance(value, Exception):  # one bad file must not lose the other readings' signals
                log.warning("face signals skipped: %s: %s", r.path, value)
            else:
                out[k] = value
    return out
