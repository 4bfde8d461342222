"""The rough-cut pipeline: media → analyses (cached) → readings → Cut → outputs.

``RoughCutPipeline`` holds the loaded models (a bridge keeps one alive across jobs) and
runs per-asset analysis (:meth:`analyze_asset`, independent per file, so it can run as a
separate task) and the scene-level steps (:meth:`assemble`). Each stage's failure on one
file becomes a per-file error; the rest of the bin goes on.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional, Sequence

from .cache import AnalysisCache
from .edit import EditOptions, TakeInfo, build_cut
from .errors import RoughcutError
from .model import Cut, LineReading, MediaAsset, QualityFlag, Script, Transcript
from .stagetime import StageTimer

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class PipelineOptions:
    asr_model: str = "tiny.en"
    device: str = "auto"
    picture: bool = True
    audio_quality: bool = True
    performance: bool = True  # delivery, vocal arousal/emotion, face and intent signals per reading
    analyses: bool = True  # shots, camera motion, sound events per file (issue 20): signals + markers
    cache_dir: Optional[str] = None
    use_cache: bool = True
    edit: EditOptions = field(default_factory=EditOptions)
    # keep each analysed file's 16 kHz mix (as the speech stage decoded it) until ``assemble``, so
    # the scene pass decodes nothing again: for one process that analyses and cuts (``roughcut
    # cut``); a pipeline that only analyses (a bridge pool, a Ray worker) lets each go after the
    # file. Results are the same either way (``speech.shared_audio``).
    keep_audio_for_scene: bool = False


@dataclass(frozen=True)
class AssetAnalysis:
    asset: MediaAsset
    transcript: Optional[Transcript] = None
    picture: object = None
    audio: object = None
    errors: tuple[str, ...] = ()
    # wall seconds per stage of this file's analysis ("speech", "sound", "picture"; a stage
    # answered by the cache is timed too, so a warm run shows near-zero): see ``stagetime``
    timings: dict = field(default_factory=dict)
    # process CPU seconds per stage (``stagetime``: a stage's own only when the files are
    # analysed one after another); empty where the files ran overlapped
    cpu_timings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CutResult:
    cut: Cut
    script: Script
    readings: tuple[LineReading, ...]
    takes: dict
    analyses: tuple[AssetAnalysis, ...]
    errors: tuple[str, ...] = ()
    # path -> file analyses (``analyses.analyze``: shots, camera motion, sound events), issue 20
    file_analyses: dict = field(default_factory=dict)
    # wall / process CPU seconds of the scene steps (``stagetime``): "scene cache" (looking the
    # scene up, and on a hit all of its signals), "align", "picture signals", "performance",
    # "analyses", "describe", "continuity", "cut" (build_cut with its blink probe), "markers"
    timings: dict = field(default_factory=dict)
    cpu_timings: dict = field(default_factory=dict)


class RoughCutPipeline:
    """Runs the core stages with models loaded once and shared across files and jobs."""

    def __init__(self, options: PipelineOptions = PipelineOptions(), cache: Optional[AnalysisCache] = None):
        self.options = options
        self.cache = cache or AnalysisCache(options.cache_dir, enabled=options.use_cache)
        self._speech = None
        self._picture = None
        self._analyses_memo: dict = {}  # (path, content key) -> file analyses (issue 20), last 256
        from .scenecache import SceneCacheStats

        self.scene_cache = SceneCacheStats()  # scene-level cache hits/misses (``scenecache``)
        from .speech.shared_audio import SharedAudio

        # each file's 16 kHz mix as the speech stage decoded it, lent to the sound events and (with
        # ``keep_audio_for_scene``) the scene pass instead of decoding the file again (bounded;
        # see ``speech.shared_audio``)
        self.shared_audio = SharedAudio()

    def _voice_encoder(self):
        """The voice embedder (``perform.voiceembed``) on the recogniser's own model when that is
        the voice model's encoder (the bundled tiny.en, CPU, int8): its weights then load once for
        both; else None, and ``perform`` loads its own."""
        from .perform.voiceembed import ENCODER, VoiceEncoder

        lender = self.speech.whisper
        if getattr(lender, "encoder_id", None) != f"{ENCODER}|cpu|int8":
            return None
        return VoiceEncoder(model_source=lender)

    @property
    def speech(self):
        if self._speech is None:
            from .speech import AsrOptions, SpeechTranscriber

            self._speech = SpeechTranscriber(AsrOptions(model=self.options.asr_model,
                                                        device=self.options.device), cache=self.cache)
        return self._speech

    @property
    def picture_analyzer(self):
        if self._picture is None:
            from .picture import PictureAnalyzer

            self._picture = PictureAnalyzer(cache=self.cache)
        return self._picture

    def analyze_asset(self, asset: MediaAsset) -> AssetAnalysis:
        """Speech, sound quality and picture for one file; stage failures become errors.

        The result's ``timings`` holds each stage's wall seconds and ``cpu_timings`` its
        process CPU seconds (:class:`StageTimer`)."""
        timer = StageTimer()
        errors: list[str] = []
        transcript, audio = self._analyze_sound(asset, errors, timer)
        picture = self._analyze_picture(asset, transcript, errors, timer)
        return AssetAnalysis(asset=asset, transcript=transcript, picture=picture, audio=audio,
                             errors=tuple(errors), timings=timer.as_dict(), cpu_timings=timer.cpu_dict())

    def analyze_assets(self, assets: Sequence[MediaAsset], workers: Optional[int] = None,
                       on_done=None) -> list[AssetAnalysis]:
        """:meth:`analyze_asset` for every file, in input order, with the sound stages (ASR,
        which releases the GIL, and sound quality) of the next file running on a second
        thread while this file's picture is analysed. See :mod:`.analysis_overlap`."""
        from .analysis_overlap import analyze_overlapped

        return analyze_overlapped(self, assets, workers=workers, on_done=on_done)

    def _analyze_sound(self, asset: MediaAsset, errors: list, timer: "StageTimer"):
        transcript = audio = None
        if asset.has_audio:
            try:
                with timer.stage("speech"):
                    transcript = self.speech.transcribe(asset.path, asset=asset, shared=self.shared_audio)
            except RoughcutError as exc:
                errors.append(str(exc))
            if self.options.audio_quality:
                try:
                    from .audio import analyze_audio_quality

                    with timer.stage("sound"):
                        audio = analyze_audio_quality(asset.path, asset=asset, cache=self.cache)
                except (RoughcutError, ImportError) as exc:
                    errors.append(f"{asset.path}: sound quality not analysed: {exc}")
        else:
            errors.append(f"{asset.path}: no audio stream, so no dialogue to cut")
        return transcript, audio

    def _analyze_picture(self, asset: MediaAsset, transcript, errors: list, timer: "StageTimer"):
        try:
            return self._picture_stage(asset, transcript, errors, timer)
        finally:  # the file's sound events have had the mix the speech stage kept
            if not self.options.keep_audio_for_scene:
                self.shared_audio.discard(asset.path, asset.content_key)

    def _picture_stage(self, asset: MediaAsset, transcript, errors: list, timer: "StageTimer"):
        if not (asset.has_video and self.options.picture):
            return None
        consumer = self._file_analysis_consumer(asset)
        try:
            # Speech activity lets the picture stage tell whose mouth moves while words are said.
            with timer.stage("picture"):
                pic = self.picture_analyzer.analyze(
                    asset.path, asset=asset, speech_activity=transcript.words if transcript else None,
                    consumers=(consumer,) if consumer is not None else ())
            if consumer is not None and consumer.frames:
                with timer.stage("analyses"):
                    # the picture stage ran the same shot detectors on the same frames
                    bounds = [s.start for s in getattr(pic, "shots", ())[1:]] if not consumer.detects_shots else None
                    self._file_analysis(asset, consumer, bounds)
            return pic
        except (RoughcutError, ImportError) as exc:
            errors.append(f"{asset.path}: picture not analysed: {exc}")
            return None

    def _file_analysis_consumer(self, asset: MediaAsset):
        """A shots + camera-motion consumer to ride on the picture stage's decode (issue 20), or
        None when the analyses are off or already cached for this file."""
        if not self.options.analyses:
            return None
        try:
            from .analyses.analyze import PictureConsumer, _fps, picture_cached

            if picture_cached(asset, self.cache):
                return None
            shared = bool(getattr(getattr(self.picture_analyzer, "options", None), "shots", False))
            return PictureConsumer(_fps(asset), detect_shots=not shared)
        except Exception as exc:  # an extra analysis never costs the picture stage
            log.warning("%s: file analyses not attached: %s", asset.path, exc)
            return None

    def _file_analysis(self, asset: MediaAsset, consumer=None, boundaries_s=None,
                       transcript: Optional[Transcript] = None) -> Optional[dict]:
        """Shots, camera motion track and sound events of one file (``analyses.analyze``),
        cached by content; kept on the pipeline for the scene steps (last 256 files). With the
        file's ``transcript``, laughter the recogniser heard words in is speech
        (``analyses.sound.speech_where_heard``)."""
        res = self._file_analysis_cached(asset, consumer, boundaries_s)
        if res and transcript is not None:
            from .analyses.sound import speech_where_heard

            res = speech_where_heard(res, transcript.words)
        return res

    def _file_analysis_cached(self, asset: MediaAsset, consumer=None, boundaries_s=None) -> Optional[dict]:
        """The file's analyses as computed or cached (None when they failed), memoised."""
        memo = self._analyses_memo
        key = (asset.path, asset.content_key)
        if key in memo:
            return memo[key]
        try:
            from .analyses.analyze import analyze_asset

            res = analyze_asset(asset, self.cache, consumer=consumer, include_track=True,
                                boundaries_s=boundaries_s,
                                audio16k=self.shared_audio.peek(asset.path, asset.content_key))
        except Exception as exc:  # never lose the cut over an extra analysis
            log.warning("%s: file analyses failed: %s", asset.path, exc)
            res = None
        if len(memo) >= 256:
            memo.pop(next(iter(memo)))
        memo[key] = res
        return res

    def align(self, script: Script, analyses: Sequence[AssetAnalysis]) -> tuple[LineReading, ...]:
        """Readings of every take; then a cross-take pass clears "defects" that every take
        shares (a recogniser's consistent mishearing is not the actor's flub)."""
        from .align import align_transcript, build_script_index, reconcile_readings

        index = build_script_index(script)
        readings: list[LineReading] = []
        for a in analyses:
            if a.transcript is not None and a.asset.has_video:
                readings.extend(align_transcript(script, a.transcript, take_id=Path(a.asset.path).stem,
                                                 index=index))
        readings = reconcile_readings(script, readings)
        # Defects on the evidence of all takes + the audio; each reading's sound in ``signals``.
        from .align.scene_pass import decide_and_measure

        errors: list = []
        transcripts = {a.asset.path: a.transcript for a in analyses if a.transcript is not None}
        keys = {a.asset.path: a.asset.content_key for a in analyses}
        takes = [a.asset.path for a in analyses if a.transcript is not None and a.asset.has_video]
        readings = decide_and_measure(script, readings, transcripts, errors=errors, transcriber=self.speech,
                                      audio_of=lambda p: self.shared_audio.get(p, keys.get(p)), takes=takes)
        for e in errors:
            log.warning("%s", e)
        return readings

    def assemble(self, script: Optional[Script], analyses: Sequence[AssetAnalysis],
                 readings: Optional[Sequence[LineReading]] = None) -> CutResult:
        """The cut of ``script``; with no script, a selects cut ordered by content. The
        result's ``timings`` / ``cpu_timings`` hold the scene steps' seconds (``CutResult``)."""
        timer = StageTimer()
        usable = [a for a in analyses if a.asset.has_video and a.transcript is not None]
        key = scene = None
        if script is None:
            script, readings = selects_script(usable)
        elif readings is None:  # a regeneration takes all signal work from the scene cache
            from .scenecache import cached_scene

            with timer.stage("scene cache"):
                key, scene = cached_scene(self, script, usable)
            if scene is None:
                with timer.stage("align"):
                    readings = self.align(script, usable)
        if scene is None:
            scene = self._scene_signals(script, usable, readings, timer)
            for a in usable:  # the scene's sound is measured: its kept mixes may go
                self.shared_audio.discard(a.asset.path, a.asset.content_key)
            if key is not None:
                from .scenecache import remember_scene

                remember_scene(self, key, scene)
        readings, cast, takes, file_analyses, named = scene
        # the blink probe runs the mesh on the picture stage's faces, not a second detector
        know = getattr(self.options.edit.eye_probe, "know_pictures", None)
        if know is not None:
            know({a.asset.path: a.picture for a in usable if a.picture is not None})
        with timer.stage("cut"):
            cut = build_cut(script, takes, readings, self.options.edit)
        with timer.stage("markers"):
            result = self._finish(cut, script, readings, takes, analyses, file_analyses, named)
        return replace(result, timings=timer.as_dict(), cpu_timings=timer.cpu_dict())

    def _scene_signals(self, script, usable, readings, timer: Optional[StageTimer] = None):
        """(readings, cast, takes, file analyses, named pictures or None) of the scene's signal
        work after alignment: picture, performance and analysis signals, described takes;
        each step timed on ``timer`` when given."""
        timer = timer if timer is not None else StageTimer()
        with timer.stage("picture signals"):
            cast = scene_characters(script, readings)
            # one binding serves the reading signals, the takes and the continuity hints (it reads
            # the readings' lines and times, which the signal steps below leave as they are)
            binding = bind_scene_cast(usable, readings, cast)
            if script is not None:
                readings = add_picture_signals(usable, readings, characters=cast, binding=binding)
        if script is not None and self.options.performance:
            from .perform import add_performance_signals

            with timer.stage("performance"):
                readings = add_performance_signals(script, usable, readings, cache=self.cache,
                                                   picture=self.options.picture, shared=self.shared_audio,
                                                   encoder=self._voice_encoder())
        file_analyses = {}
        if self.options.analyses:  # camera motion / music per reading (issue 20)
            from .analyses.reading import add_analysis_signals

            with timer.stage("analyses"):
                file_analyses = {a.asset.path: self._file_analysis(a.asset, transcript=a.transcript)
                                 for a in usable}
                file_analyses = {p: v for p, v in file_analyses.items() if v}
                readings = add_analysis_signals(readings, file_analyses)
        with timer.stage("describe"):
            takes = describe_takes(usable, readings, characters=cast, binding=binding)
        named = None
        if self.options.picture:
            try:
                from .analyses.continuity import named_pictures

                with timer.stage("continuity"):
                    named = named_pictures([(a.asset.path, a.picture) for a in usable], readings, cast,
                                           binding=binding)
            except Exception as exc:  # a hint that cannot be made never costs the cut
                log.warning("continuity hints skipped: %s", exc)
        return readings, cast, takes, file_analyses, named

    def _finish(self, cut, script, readings, takes, analyses, file_analyses, named) -> CutResult:
        """The cut with its room-tone and continuity markers, as a :class:`CutResult`."""
        if file_analyses:  # room tone for the sound editor: markers only, the cut is unchanged
            try:
                from .analyses.reading import room_tone_markers

                cut = replace(cut, markers=tuple(cut.markers) + room_tone_markers(cut, file_analyses))
            except Exception as exc:
                log.warning("room-tone markers skipped: %s", exc)
        if named is not None:  # continuity hints (issue 20): markers only, the cut is unchanged
            try:
                from .analyses.continuity import add_continuity_markers

                cut = add_continuity_markers(cut, named)
            except Exception as exc:  # a hint that cannot be made never costs the cut
                log.warning("continuity hints skipped: %s", exc)
        errors = tuple(e for a in analyses for e in a.errors)
        return CutResult(cut=cut, script=script, readings=tuple(readings), takes=takes,
                         analyses=tuple(analyses), errors=errors, file_analyses=file_analyses)


def selects_script(analyses: Sequence[AssetAnalysis]) -> tuple[Script, tuple[LineReading, ...]]:
    """Script-less mode: repeated readings of the same content across takes become one
    "line" each (ordered by first appearance), every utterance a reading of it."""
    from .align import group_utterances
    from .model import Scene, ScriptLine

    transcripts = [a.transcript for a in analyses if a.transcript is not None and a.asset.has_video]
    groups = group_utterances(transcripts)
    lines, readings = [], []
    for n, g in enumerate(groups, start=1):
        line_id = f"S-{n}"
        lines.append(ScriptLine(id=line_id, scene_id="S", character="", text=g.text))
        for u in g.utterances:
            readings.append(LineReading(path=u.path, line_id=line_id, start=u.start, end=u.end,
                                        score=round(u.similarity, 4), word_span=u.word_span, text=u.text,
                                        take_id=Path(u.path).stem))
    script = Script(scenes=(Scene(id="S", heading="SELECTS", lines=tuple(lines)),), title="selects",
                    format="selects")
    return script, tuple(readings)


_TAKE_SUFFIX = re.compile(r"[_\-. ]*(t|tk|take)?[_\-. ]*\d+$", re.IGNORECASE)


def _setup_from_name(path: str) -> str:
    """Fallback setup key from a file name: ``CU_ALICE_T2`` → ``CU_ALICE``."""
    stem = Path(path).stem
    return _TAKE_SUFFIX.sub("", stem) or stem


def bind_scene_cast(analyses: Sequence[AssetAnalysis], readings: Sequence[LineReading],
                    characters: Sequence[str] = ()):
    """The scene's ``CastBinding`` (``picture.cast.bind_cast``: every setup and take at once,
    faceprints x who speaks when), or None with no pictures or when naming fails (logged)."""
    pictures = [a.picture for a in analyses if a.picture is not None]
    if not pictures:
        return None
    try:
        from .picture.cast import bind_cast

        return bind_cast(pictures, readings, characters)
    except Exception as exc:  # naming is a refinement: never lose the cut over it
        log.warning("face naming failed: %s", exc)
        return None


def describe_takes(analyses: Sequence[AssetAnalysis], readings: Sequence[LineReading],
                   characters: Sequence[str] = (), binding=None) -> dict:
    """path → TakeInfo: setup, who is on screen, focus relative to the setup, defects.
    ``binding``: the scene's cast binding when the caller has it (else bound here)."""
    if binding is None:
        binding = bind_scene_cast(analyses, readings, characters)
    takes: dict = {}
    raw_focus: dict = {}
    for a in analyses:
        pic = a.picture
        characters: tuple = ()
        shot_size = "unknown"
        flags: list[QualityFlag] = []
        setup = _setup_from_name(a.asset.path)
        if pic is not None:
            shot_size = pic.shot_size
            shown = binding.setups.get(pic.path, ()) if binding is not None else ()
            characters = tuple(sorted(label for label, _ in shown))
            if shown:
                # Named characters make the setup key stable across takes even when face
                # clustering splits one person (e.g. a soft-focus take).
                setup = f"{shot_size}:{'+'.join(characters)}"
            flags.extend(pic.flags)
            raw_focus[a.asset.path] = pic.focus
        if a.audio is not None:
            flags.extend(a.audio.flags)
        takes[a.asset.path] = TakeInfo(
            path=a.asset.path, rate=a.asset.rate, frame_count=a.asset.frame_count,
            transcript=a.transcript, setup=setup, start_frame=a.asset.start_frame,
            shot_size=shot_size, characters=characters, flags=tuple(flags),
            preferred=bool(a.asset.hints.get("preferred")), host_id=a.asset.host_id,
            take_id=Path(a.asset.path).stem)
    return _relative_focus(takes, raw_focus)


def scene_characters(script: Optional[Script], readings: Sequence[LineReading]) -> tuple[str, ...]:
    """The characters of the script scenes the readings belong to (who could be on screen)."""
    if script is None:
        return ()
    found = {r.line_id for r in readings}
    return tuple(sorted({ln.character for sc in script.scenes if any(ln.id in found for ln in sc.lines)
                         for ln in sc.lines if ln.character}))


def add_picture_signals(analyses: Sequence[AssetAnalysis], readings: Sequence[LineReading],
                        characters: Sequence[str] = (), binding=None) -> tuple:
    """Readings with the picture's per-reading signals (``on_camera``, ``speaker_in_frame``,
    ``lip_sync``; see ``picture.cast``), after the cast is bound over the whole scene
    (``binding`` when the caller has it, else bound here)."""
    pictures = [a.picture for a in analyses if a.picture is not None]
    if not pictures:
        return tuple(readings)
    if binding is None:
        binding = bind_scene_cast(analyses, readings, characters)
        if binding is None:
            return tuple(readings)
    try:
        from .picture.cast import reading_signals

        words = {a.asset.path: a.transcript.words for a in analyses if a.transcript is not None}
        return reading_signals(readings, pictures, binding, words)
    except Exception as exc:  # a refinement: never lose the cut over it
        log.warning("on/off camera signals failed: %s", exc)
        return tuple(readings)


def _relative_focus(takes: dict, raw_focus: dict) -> dict:
    """Focus as a fraction of the sharpest take of the same setup (1.0 = sharpest)."""
    from dataclasses import replace

    best: dict = {}
    for path, t in takes.items():
        f = raw_focus.get(path)
        if f:
            best[t.setup] = max(best.get(t.setup, 0.0), f)
    out = {}
    for path, t in takes.items():
        f = raw_focus.get(path)
        out[path] = replace(t, focus=(f / best[t.setup]) if f and best.get(t.setup) else None)
    return out
