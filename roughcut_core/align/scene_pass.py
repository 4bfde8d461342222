"""The scene-level pass after alignment: defects on evidence, then the sound of each reading.

Contract: ``decide_and_measure(script, readings, transcripts, *, errors=None)`` takes the
readings of every take of a scene (after ``reconcile_readings``) and the transcripts by path,
decodes each file's sound once (mono 16 kHz, PyAV), places lines the recogniser garbled in
every take or heard as part of a neighbour by script order (``orderfill.place_by_order``; the
search below then has references for them), places lines still heard in no take where the
sound between their script neighbours agrees across takes (``unheard.find_unheard``, when
``options.search``), and returns ``apply_evidence`` (defects decided on
the evidence of all takes and the audio, missed readings found) followed by ``audio.reading_sound.reading_signals`` (``snr_db``, ``level_rel_db``,
``clipping``, ``noise_db``, ``overlap`` in ``signals``). A file that cannot be decoded keeps its
readings as they were and adds one line naming it to ``errors`` (when given); the rest go on.
``transcriber`` (a ``speech.SpeechTranscriber``, optional): when its model is the one the
whole-line cost compares on (``options.line_model``), that already loaded model's encoder is
reused (``linecost.Frames``), loaded only if a reading needs it; otherwise the model is loaded there.
``audio_of`` (optional): path -> that file's 16 kHz mono mix, when the caller already holds it
(the pipeline's ``speech.shared_audio.SharedAudio``); it must equal ``decode_audio(path, SR)``.
``takes`` (optional): every take file of the scene, readings or not; a file among them with no
reading (the recogniser heard none of its lines) is decoded too, so the acoustic search
(``search.find_missing``) can look for the lines in it. Default: the files with readings.
"""
from __future__ import annotations

from typing import Mapping, Optional, Sequence

from ..errors import RoughcutError
from ..model import LineReading, Script, Transcript
from .evidence import SR, EvidenceOptions, apply_evidence
from .orderfill import place_by_order
from .unheard import find_unheard


def decide_and_measure(script: Script, readings: Sequence[LineReading], transcripts: Mapping[str, Transcript],
                       *, options: EvidenceOptions = EvidenceOptions(),
                       errors: Optional[list] = None, transcriber=None,
                       audio_of=None, takes: Sequence[str] = ()) -> tuple[LineReading, ...]:
    from ..audio.reading_sound import FileLevels, reading_signals
    from ..speech.audio_io import decode_audio

    audio = {}
    for path in dict.fromkeys([*(r.path for r in readings), *takes]):
        try:
            audio[path] = audio_of(path) if audio_of is not None else decode_audio(path, SR)
        except (RoughcutError, OSError) as exc:
            if errors is not None:
                errors.append(f"{path}: sound not measured per reading: {exc}")
    readings = place_by_order(script, readings, transcripts)
    levels = {p: FileLevels.of(a, SR) for p, a in audio.items()}
    if options.search:
        readings = (*readings, *find_unheard(script, readings, transcripts, audio, levels, options))
    encoder = None
    if getattr(getattr(transcriber, "options", None), "model", None) == options.line_model:
        encoder = getattr(transcriber, "whisper", None)
    out = apply_evidence(script, readings, transcripts, audio, options, encoder=encoder)
    return reading_signals(out, levels)
