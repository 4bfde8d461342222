"""Performance signals per reading (delivery, vocal emotion/arousal, face) for the ranking.

``add_performance_signals(script, analyses, readings, cache=None, picture=True, shared=None)`` is
the pipeline stage: it returns the readings with the signals of ``perform.reading`` (delivery,
arousal, emotion with a trained model, intent match) and ``picture.expression`` (face) added.
``shared``: the pipeline's ``speech.shared_audio.SharedAudio``, whose kept 16 kHz mixes the
per-reading sound is sliced from (none: the call decodes each file once itself).
Signal names and units: ``roughcut_core/signals.py``. Never raises for one bad file: that
file's readings keep their other signals.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Sequence

log = logging.getLogger(__name__)


def add_performance_signals(script, analyses: Sequence, readings: Sequence, cache=None,
                            picture: bool = True, model=..., shared=None, encoder=None) -> tuple:
    """From the pipeline's ``AssetAnalysis`` list (transcripts and assets); ``encoder``: a
    ``voiceembed.VoiceEncoder`` to use (the pipeline's, on its recogniser's model)."""
    transcripts = {a.asset.path: a.transcript for a in analyses if a.transcript is not None}
    assets = {a.asset.path: a.asset for a in analyses}
    pictures = {a.asset.path: a.picture for a in analyses if getattr(a, "picture", None) is not None}
    return performance_signals(script, readings, transcripts, assets, cache=cache, picture=picture,
                               model=model, pictures=pictures, shared=shared, encoder=encoder)


def performance_signals(script, readings: Sequence, transcripts: dict, assets: dict, cache=None,
                        picture: bool = True, model=..., pictures=None, shared=None, encoder=None) -> tuple:
    """The same from ``{path: Transcript}`` and ``{path: MediaAsset}`` (the align CLI);
    ``pictures`` (``{path: PictureAnalysis}``, optional) lets the face signals reuse the
    picture stage's face detections (``picture.storedfaces``)."""
    from .reading import attach_performance

    try:
        readings = attach_performance(readings, transcripts, script=script, assets=assets, cache=cache,
                                      model=model, shared=shared, encoder=encoder)
    except Exception as exc:  # a refinement: never lose the cut over it
        log.warning("performance signals failed: %s", exc)
        readings = tuple(readings)
    if picture:
        try:
            from ..picture.expression import reading_face_signals

            faces = reading_face_signals(readings, assets, cache=cache, pictures=pictures)
            readings = tuple(replace(r, signals={**r.signals, **_own_face(r, f)}) if f else r
                             for r, f in zip(readings, faces))
        except ImportError as exc:
            log.warning("face signals skipped: %s", exc)
    return tuple(readings)


def _own_face(reading, face: dict) -> dict:
    """Where cast binding says the line's character is not in frame, the face on screen is a
    listener's: its blinks still matter at the cut, its expressiveness is not the reading's."""
    if reading.signals.get("speaker_in_frame") == 0:
        return {k: v for k, v in face.items() if k != "face_expressiveness"}
    return face
