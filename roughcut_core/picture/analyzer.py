"""The picture stage: one streamed decode pass -> faces, tracks, speaking, shots, description.

Contract: ``PictureAnalyzer(options, cache).analyze(path, asset=None, speech_activity=None)``
returns a :class:`PictureAnalysis`. Per decoded frame (tiny ~96 px copy): shot boundaries
(PySceneDetect detectors), camera motion (optical flow), black/flash frames. Per sample
(``options.sample_fps``, proxy <= ``options.proxy_width`` px): BlazeFace faces (box, score and
keypoints kept: ``face_keypoints``, so later per-frame face work reuses them through
``storedfaces`` instead of detecting again), face mesh (mouth opening, identity embedding),
focus and exposure. Results are cached in the
:class:`~roughcut_core.cache.AnalysisCache` under (content key, "picture", VERSION, options);
``speech_activity`` (intervals or Words) is applied after the cache with :func:`assign_speaking`,
so the same cached analysis serves any transcript. Audio-only or undecodable files raise
:class:`MediaError`. Models load lazily, once per analyzer, and are reused across files.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, replace
from typing import Optional

import numpy as np

from ..errors import MediaError
from ..model import AnalyzerInfo, FaceBox, FaceTrack, MediaAsset, QualityFlag, Shot
from . import describe as D
from ..media.keys import content_key
from .decode import iter_decoded, prefetch
from .speaking import mark_speaking
from .tracks import iou as _iou

VERSION = "2.6"  # 2.0: tiled small-face detection, dlib faceprints per track (issue 13); 2.1: head yaw per face; 2.2: adaptive sampling, identity work per face location; 2.3: with back-off (issue 23); 2.4: face keypoints kept (storedfaces); 2.5: at most FACEPRINTS_PER_PLACE faceprints per face location; 2.6: a rotated file's shot thumbnails and proxies fitted to its displayed width (picture.decode)
# Identity work is per face *location*, not per sample (issue 23; _PerPlace): a face gets its LBP
# texture and its dlib descriptor (~90 ms of CPU a face) when first seen, then again after
# EMBED_PERIOD_S / FACEPRINT_PERIOD_S, backing off to 8x that in a long take, and anew after a
# cut; so every track has at least one of each, and a track's mean is over several. The dlib
# descriptor of one face location stops after FACEPRINTS_PER_PLACE (the binding needs a track's
# identity, and a still face gives the same print again: issue 23, 23f).
EMBED_PERIOD_S = 1.0
FACEPRINT_PERIOD_S = 3.0
FACEPRINTS_PER_PLACE = 2
_SAME_PLACE_IOU = 0.3
ANALYZER = "picture"


@dataclass(frozen=True)
class PictureOptions:
    sample_fps: float = 4.0
    proxy_width: int = 640
    detector: str = "auto"        # "auto" (= "full"), "full" or "short" BlazeFace
    min_face_score: float = 0.5
    landmarks: bool = True
    shots: bool = True
    # adaptive sampling (media.feed.SampleSchedule): with speech activity given, ``sample_fps``
    # inside speech (padded) and for a second after each cut, ``sparse_fps`` elsewhere
    sparse_fps: float = 1.0


@dataclass(frozen=True)
class PictureAnalysis:
    path: str
    shot_size: str
    people: int
    focus: Optional[float]
    faces: tuple[FaceBox, ...]
    tracks: tuple[FaceTrack, ...]
    shots: tuple[Shot, ...]
    motion: str
    exposure: dict
    sample_times: tuple[float, ...]
    flags: tuple[QualityFlag, ...]
    analyzer: AnalyzerInfo
    # identity embedding per track, same order as ``tracks`` (empty tuple without landmarks)
    track_embeddings: tuple[tuple[float, ...], ...] = ()
    duration: float = 0.0
    # dlib ResNet descriptor (128) per track, mean over its faces, same order as ``tracks``;
    # () for a track with no usable face (see ``embed``)
    track_faceprints: tuple[tuple[float, ...], ...] = ()
    # BlazeFace's six keypoints per face, flattened (x0, y0, ... x5, y5; 0..1), same order as
    # ``faces``: with the boxes they let later per-frame work skip detection (``storedfaces``);
    # () in an analysis made before they were kept
    face_keypoints: tuple[tuple[float, ...], ...] = ()


def assign_speaking(analysis: PictureAnalysis, speech_intervals) -> PictureAnalysis:
    """Mark ``FaceBox.speaking`` (faces and tracks) from mouth motion during speech."""
    faces = mark_speaking(analysis.faces, speech_intervals)
    by_track: dict[int, list[FaceBox]] = {}
    for fb in faces:
        by_track.setdefault(fb.track, []).append(fb)
    tracks = tuple(replace(tr, boxes=tuple(by_track.get(tr.track, ()))) for tr in analysis.tracks)
    return replace(analysis, faces=faces, tracks=tracks)


class _PerPlace:
    """When a face location is due identity work again: at its first sight, then after
    ``period``, 2x, 4x ... up to ``MAX_BACKOFF``x ``period`` (a long static take needs a few
    samples for a track's mean, not hundreds), and never more than ``limit`` times (None: no
    limit). A location follows its face (the box is updated on every sighting, IoU >
    ``_SAME_PLACE_IOU``), is forgotten when unseen for ``FORGET_S``, and all are forgotten at a
    cut (``clear``). Holds a few entries, whatever the file length."""

    MAX_BACKOFF = 8
    FORGET_S = 2.0

    def __init__(self, period: float, limit: Optional[int] = None):
        self.period = period
        self.limit = limit
        self._places: list[list] = []  # [t of last work, t last seen, times worked, box]

    def clear(self) -> None:
        self._places = []

    def due(self, t: float, box) -> bool:
        self._places = [p for p in self._places if t - p[1] <= self.FORGET_S]
        best = max(self._places, key=lambda p: _iou(p[3], box), default=None)
        if best is None or _iou(best[3], box) <= _SAME_PLACE_IOU:
            self._places.append([t, t, 1, tuple(box)])
            return True
        best[1], best[3] = t, tuple(box)
        if self.limit is not None and best[2] >= self.limit:
            return False
        if t - best[0] >= self.period * min(self.MAX_BACKOFF, 2 ** (best[2] - 1)):
            best[0], best[2] = t, best[2] + 1
            return True
        return False


def _ranges(times: list[float], step) -> list[tuple[float, float]]:
    """Merge sorted instants into [start, end) ranges (gaps > 1.5 steps split them). ``step``
    is seconds, or a function of the time (the sampling period there, for adaptive sampling)."""
    at = step if callable(step) else (lambda _t: step)
    out: list[list[float]] = []
    for t in times:
        if out and t - out[-1][1] <= 1.5 * at(out[-1][1]):
            out[-1][1] = t
        else:
            out.append([t, t])
    return [(a, b + at(b)) for a, b in out]


class PictureAnalyzer:
    def __init__(self, options: PictureOptions | None = None, cache=None):
        self.options = options or PictureOptions()
        self.cache = cache
        self._detector = None
        self._landmarker = None
        self._embedder = None

    @property
    def detector_kind(self) -> str:
        return "full" if self.options.detector in ("auto", "full") else self.options.detector

    def _models(self):
        if self._detector is None:
            from .detector import FaceDetector

            self._detector = FaceDetector(self.detector_kind, self.options.min_face_score)
        if self.options.landmarks and self._landmarker is None:
            from .landmarks import FaceLandmarker

            self._landmarker = FaceLandmarker()
        if self._embedder is None:
            from .embed import FaceEmbedder

            self._embedder = FaceEmbedder()
        return self._detector, self._landmarker

    def params(self) -> dict:
        p = dataclasses.asdict(self.options)
        p["detector"] = f"blazeface-{self.detector_kind}/ai-edge-litert"
        return p

    def schedule_for(self, speech_activity=None):
        """The sample schedule: adaptive (dense in padded speech, sparse elsewhere) when speech
        activity is known, else uniform at ``sample_fps``; and the cache params it adds."""
        from ..media.feed import SampleSchedule, speech_ranges

        opts = self.options
        if speech_activity is None or opts.sample_fps <= 0 or opts.sparse_fps >= opts.sample_fps:
            return SampleSchedule.uniform(opts.sample_fps) if opts.sample_fps > 0 else None, {}
        dense = speech_ranges(speech_activity)
        digest = hashlib.sha1(json.dumps([[round(a, 2), round(b, 2)] for a, b in dense]).encode()).hexdigest()
        return SampleSchedule(opts.sample_fps, opts.sparse_fps, dense), {"dense_ranges": digest[:16]}

    def analyze(self, path, asset: MediaAsset | None = None, speech_activity=None,
                consumers=()) -> PictureAnalysis:
        """``consumers``: extra analysers fed every decoded frame of this pass on the decode
        thread (``media.feed``); a cache hit decodes nothing, so they are not fed then."""
        from ..serialize import from_dict, to_jsonable

        path = str(path)
        if asset is not None and not asset.has_video:
            raise MediaError(path, "no video stream (audio-only file?)")
        schedule, extra = self.schedule_for(speech_activity)
        params = {**self.params(), **extra}
        key = None
        if self.cache is not None:
            key = asset.content_key if asset is not None and asset.content_key else content_key(path)
            hit = self.cache.get(key, ANALYZER, VERSION, params)
            if hit is not None:
                if speech_activity is not None:
                    # assign_speaking rebuilds every track's boxes from the marked faces: the
                    # stored copies need not be read back (about half the entry)
                    hit = {**hit, "tracks": [{**t, "boxes": []} for t in hit.get("tracks") or ()]}
                result = replace(from_dict(PictureAnalysis, hit), path=path)
                return assign_speaking(result, speech_activity) if speech_activity is not None else result
        result = self._run(path, schedule, consumers)
        if self.cache is not None:
            self.cache.put(key, ANALYZER, VERSION, params, to_jsonable(result))
        return assign_speaking(result, speech_activity) if speech_activity is not None else result

    def _frames(self, path: str, schedule, consumers):
        """The decode pass (run on the prefetch thread): shot detection and any extra consumers
        see every decoded frame there, and a detected cut densifies the schedule after it (so
        the sampling is decided by the frames alone, the same on every run). Yields
        (frame, cuts so far, shot detector)."""
        from ..media.feed import AFTER_CUT_S
        from .shots import ShotBoundaries

        shot_det = None
        n_cuts = 0
        for fr in iter_decoded(path, self.options.sample_fps, max_width=self.options.proxy_width,
                               schedule=schedule):
            if shot_det is None and self.options.shots:
                shot_det = ShotBoundaries(fr.fps)
            if shot_det is not None:
                shot_det.feed(fr.t, fr.small)
                found = len(getattr(shot_det, "_cuts", ()))  # cuts reported so far (online)
                if found > n_cuts:
                    n_cuts = found
                    if schedule is not None:
                        schedule.add_dense(fr.t, fr.t + AFTER_CUT_S)
            for c in consumers:
                c.feed(fr)
            yield fr, n_cuts, shot_det

    def _run(self, path: str, schedule=None, consumers=()) -> PictureAnalysis:
        import cv2

        from .detector import detect_multiscale
        from .identities import face_embedding
        from .pose import yaw_from_keypoints, yaw_from_mesh
        from .tracks import build_tracks

        opts = self.options
        detector, landmarker = self._models()
        shot_det = None
        samples: list[tuple[float, list[FaceBox]]] = []
        embeddings: list[np.ndarray | None] = []
        faceprints: list[np.ndarray | None] = []
        keypoints: list[tuple[float, ...]] = []  # per face, in the order build_tracks keeps
        sample_focus: list[tuple[float, float, float | None]] = []  # (t, focus, face/frame ratio)
        sample_exposure: list[tuple[float, dict]] = []
        steps: list[tuple[float, float, float, float, float]] = []  # (t, dt, dx, dy, ds)
        means: list[tuple[float, float, float]] = []  # (t, mean luma, dark fraction) per decoded frame
        interlaced = decoded = n_samples = 0
        prev_grey, prev_t = None, None
        # identity work per face location (see _PerPlace); forgotten at each cut
        embed_due, print_due = _PerPlace(EMBED_PERIOD_S), _PerPlace(FACEPRINT_PERIOD_S, FACEPRINTS_PER_PLACE)
        seen_cuts = 0
        for fr, n_cuts, shot_det in prefetch(self._frames(path, schedule, consumers)):
            decoded += 1
            interlaced += fr.interlaced
            means.append((fr.t, *D.frame_stats(fr.small)))
            if n_cuts != seen_cuts:
                seen_cuts = n_cuts
                embed_due.clear()
                print_due.clear()
            grey = cv2.cvtColor(fr.small, cv2.COLOR_RGB2GRAY)
            if fr.rgb is None:
                prev_grey, prev_t = grey, fr.t
                continue
            # camera motion from the pair (previous decoded frame, sample frame): one optical flow
            # per sample instead of per decoded frame keeps the stage near the decode cost
            if prev_grey is not None:
                steps.append((fr.t, fr.t - prev_t, *D.global_motion(prev_grey, grey)))
            prev_grey, prev_t = grey, fr.t
            rgb = fr.rgb
            boxes = []
            for det in detect_multiscale(detector, rgb):
                mesh = landmarker.landmarks(rgb, det) if landmarker is not None else None
                yaw = yaw_from_mesh(mesh.points) if mesh is not None else yaw_from_keypoints(det.keypoints)
                boxes.append(FaceBox(t=round(fr.t, 4), box=tuple(round(v, 4) for v in det.box),
                                     score=round(det.score, 4),
                                     mouth_open=None if mesh is None else round(mesh.mouth_open, 4),
                                     yaw=None if yaw is None else round(yaw, 1)))
                keypoints.append(tuple(round(float(v), 4) for p in det.keypoints for v in p))
                # identity texture and faceprint per face location and period (see EMBED_PERIOD_S):
                # a track's mean needs few faces
                emb = (face_embedding(mesh.crop)
                       if mesh is not None and embed_due.due(fr.t, det.box) else None)
                # float16: ~2 KB a face until tracks are known (about 60 MB for an hour with two faces)
                embeddings.append(None if emb is None else emb.astype(np.float16))
                fp = self._embedder.embed(rgb, det.box) if print_due.due(fr.t, det.box) else None
                faceprints.append(fp)
            samples.append((round(fr.t, 4), boxes))
            n_samples += 1
            largest = max(boxes, key=lambda b: b.box[3], default=None)
            sample_focus.append((fr.t, *D.focus_measure(rgb, largest.box if largest else None)))
            sample_exposure.append((fr.t, D.exposure_of(rgb)))
        # last decoded frame + one nominal frame (the decode pass is the ground truth here)
        duration = means[-1][0] + 1.0 / (fr.fps or 25.0)
        bounds = shot_det.boundaries() if shot_det is not None else []
        # sparse stretches are 1 / sparse_fps apart: a face seen on each is still one track
        gap = 1.0 if schedule is None or schedule.ratio == 1 else max(1.0, 1.5 / schedule.sparse_fps)
        faces, tracks = build_tracks(samples, bounds, max_gap=gap)
        track_embeddings = ()
        if landmarker is not None and faces:
            sums: dict[int, list[np.ndarray]] = {}
            for fb, emb in zip(faces, embeddings):
                if emb is not None:
                    sums.setdefault(fb.track, []).append(emb)
            track_embeddings = tuple(
                tuple(round(float(v), 5) for v in np.mean(np.asarray(sums[tr.track], np.float32), axis=0))
                if tr.track in sums else ()
                for tr in tracks)

        prints: dict[int, list[np.ndarray]] = {}
        for fb, fp in zip(faces, faceprints):
            if fp is not None:
                prints.setdefault(fb.track, []).append(fp)
        track_faceprints = tuple(
            tuple(round(float(v), 5) for v in np.mean(np.asarray(prints[tr.track]), axis=0))
            if tr.track in prints else () for tr in tracks)

        def describe_range(t0: float, t1: float) -> dict:
            ss = [(t, b) for t, b in samples if t0 <= t < t1]
            heights = [max((f.box[3] for f in b), default=None) for _, b in ss]
            foc = [f for t, f, _ in sample_focus if t0 <= t < t1]
            exp = [e for t, e in sample_exposure if t0 <= t < t1]
            # motion steps that straddle a cut measure the cut, not the camera
            st = [(dt, dx, dy, ds) for t, dt, dx, dy, ds in steps
                  if t0 <= t - dt and t < t1 and not any(t - dt < b <= t for b in bounds)]
            return {"shot_size": D.shot_size_of_samples(heights, [len(b) for _, b in ss]), "people": D.people_of_samples([len(b) for _, b in ss]),
                    "motion": D.classify_motion(st), "focus": round(float(np.median(foc)), 4) if foc else None,
                    "exposure": D.summarize_exposure(exp)}

        edges = [0.0] + bounds + [duration + 1e-6]
        shots = tuple(Shot(start=round(a, 4), end=round(min(b, duration), 4), **describe_range(a, b))
                      for a, b in zip(edges, edges[1:]) if b > a)
        whole = describe_range(0.0, duration + 1e-6)
        longest = max(shots, key=lambda s: s.end - s.start) if shots else None
        flags = self._flags(means, sample_focus, sample_exposure, interlaced, decoded, duration, schedule)
        return PictureAnalysis(
            path=path, shot_size=whole["shot_size"], people=whole["people"], focus=whole["focus"],
            faces=faces, tracks=tracks, shots=shots, motion=longest.motion if longest else "static",
            exposure=whole["exposure"], sample_times=tuple(t for t, _ in samples), flags=flags,
            analyzer=AnalyzerInfo(ANALYZER, VERSION, self.params()),
            track_embeddings=track_embeddings, duration=round(duration, 4), track_faceprints=track_faceprints,
            face_keypoints=tuple(keypoints) if len(keypoints) == len(faces) else ())

    def _flags(self, means, sample_focus, sample_exposure, interlaced, decoded, duration,
               schedule=None) -> tuple[QualityFlag, ...]:
        flags: list[QualityFlag] = []
        step = (means[-1][0] / max(1, len(means) - 1)) if len(means) > 1 else 0.04
        black = [t for t, m, dark in means if D.is_black(m, dark)]
        for a, b in _ranges(black, step):
            flags.append(QualityFlag("black_frame", round(a, 4), round(b, 4), 1.0, "black frame"))
        for i in D.flash_indices([m for _, m, _ in means]):
            t = means[i][0]
            flags.append(QualityFlag("flash_frame", round(t, 4), round(t + step, 4), 1.0,
                                     f"luma jump {means[i][1] - means[i - 1][1]:.0f}"))
        if decoded and interlaced >= decoded / 2:
            flags.append(QualityFlag("interlaced", 0.0, round(duration, 4), 0.5,
                                     f"{interlaced}/{decoded} decoded frames interlaced"))
        period = 1.0 / self.options.sample_fps if self.options.sample_fps > 0 else 1.0
        if schedule is not None and schedule.ratio > 1:
            period = schedule.period_at
        soft = [t for t, focus, ratio in sample_focus if ratio is not None and focus < D.SOFT_FOCUS]
        for a, b in _ranges(soft, period):
            flags.append(QualityFlag("soft_focus", round(a, 4), round(b, 4), 0.5, f"face focus < {D.SOFT_FOCUS}"))
        for kind, field_name in (("overexposed", "clipped_highlights"), ("underexposed", "crushed_shadows")):
            hits = [t for t, e in sample_exposure if e[field_name] > D.CLIP_FRACTION]
            for a, b in _ranges(hits, period):
                flags.append(QualityFlag(kind, round(a, 4), round(b, 4), 0.5, f"{field_name} > {D.CLIP_FRACTION}"))
        return tuple(sorted(flags, key=lambda f: (f.start, f.kind)))
