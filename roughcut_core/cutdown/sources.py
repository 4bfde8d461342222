"""What a cut-down needs from each source file, read through the analysis cache.

Contract: ``load_sources(paths, cache)`` -> (``{path: SourceInfo}``, warnings). For each file:
displayed size (rotation applied), its transcript words (the speech stage, cached) and its
picture analysis (faces with ``speaking`` from those words, shots; cached: an unchanged file
already analysed by ``roughcut cut`` costs no model work). A file that cannot be read gives a
warning naming it and a ``SourceInfo`` without faces or words (a centred crop, no captions);
the other files carry on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..errors import RoughcutError
from ..model import FaceBox, Shot, Word


@dataclass(frozen=True)
class SourceInfo:
    path: str
    width: int
    height: int
    rotation: int = 0
    words: tuple[Word, ...] = ()
    faces: tuple[FaceBox, ...] = ()
    shots: tuple[Shot, ...] = ()


def load_sources(paths, cache=None, *, asr_model: str = "tiny.en",
                 picture: bool = True) -> tuple[dict, tuple[str, ...]]:
    """See the module doc. ``cache`` is an ``AnalysisCache`` (None: the default cache dir)."""
    from ..cache import AnalysisCache
    from ..picture.decode import stream_info

    cache = cache if cache is not None else AnalysisCache()
    speech: Optional[object] = None
    pic: Optional[object] = None
    out, warnings = {}, []
    for path in dict.fromkeys(paths):
        try:
            info = stream_info(path)
        except (RoughcutError, OSError) as exc:
            warnings.append(f"{path}: cannot read the picture: {exc}")
            continue
        words: tuple[Word, ...] = ()
        try:
            if speech is None:
                from ..speech import AsrOptions, SpeechTranscriber

                speech = SpeechTranscriber(AsrOptions(model=asr_model), cache=cache)
            words = tuple(speech.transcribe(path).words)
        except (RoughcutError, OSError, ImportError) as exc:
            warnings.append(f"{path}: no transcript, so no captions from it: {exc}")
        faces: tuple[FaceBox, ...] = ()
        shots: tuple[Shot, ...] = ()
        if picture:
            try:
                if pic is None:
                    from ..picture import PictureAnalyzer

                    pic = PictureAnalyzer(cache=cache)
                analysis = pic.analyze(path, speech_activity=words or None)
                faces, shots = tuple(analysis.faces), tuple(analysis.shots)
            except (RoughcutError, OSError, ImportError) as exc:
                warnings.append(f"{path}: no faces, so a centred crop: {exc}")
        out[path] = SourceInfo(path, info.width, info.height, info.rotation, words, faces, shots)
    return out, tuple(warnings)


__all__ = ["SourceInfo", "load_sources"]
