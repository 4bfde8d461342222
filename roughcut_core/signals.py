"""The registry of per-reading signal names (``LineReading.signals``).

Each perception stage writes its measurements into ``LineReading.signals`` under the names
listed here, with the stage that owns them and the unit. The ranking (``edit/ranking.py``)
reads them; ``align --json`` and ``cut --json`` print them per reading. A stage that adds a
signal adds its name here first, so that no two stages write one key with two meanings.

Values are floats (or short strings for labels); a signal that could not be measured is
absent, never a made-up default.
"""
from __future__ import annotations

# name -> (owning stage, unit / meaning)
SIGNALS: dict[str, tuple[str, str]] = {
    # Picture / cast (who is on screen, is the speaker on camera and speaking).
    "on_camera": ("picture.cast", "0..1: the line's character is in frame and speaking in sync"),
    "speaker_in_frame": ("picture.cast", "0/1: the line's character is among the faces in frame"),
    "lip_sync": ("picture.cast", "-1..1: correlation of the speaker's mouth motion with the speech"),
    "facing_camera": ("picture.cast", "0..1: the speaker's face turned to the camera (1 full face / 3/4, 0 profile)"),
    # Sound of the reading.
    "snr_db": ("audio.reading", "dB: speech level over the take's noise floor during the reading"),
    "level_rel_db": ("audio.reading", "dB: speech level relative to the character's loudest take of the line"),
    "clipping": ("audio.reading", "0..1: share of the reading's samples at full scale"),
    "noise_db": ("audio.reading", "dB: steady noise bed under the words over the room tone (0 = none)"),
    "overlap": ("audio.reading", "0..1: share of the reading overlapped by another character's reading in the file"),
    "defect_evidence": ("align.evidence", "label: acoustic / asr / noise / search / order - what decided the defects"),
    "acoustic_worst": ("align.evidence", "ratio: worst word's DTW cost over the median, against other takes"),
    "line_cost_rel": ("align.evidence", "ratio: whole-line DTW cost (encoder frames) against clean takes heard at the same level over the line's other clean readings' cost against them"),
    "line_cost_clean": ("align.evidence", "cost: the line's clean readings' whole-line DTW cost against the references (encoder frames; how closely the takes repeat)"),
    # Performance: delivery (perform.delivery, on the refined word times of the reading).
    "rate_wps": ("perform.delivery", "words per second from the first word's start to the last word's end"),
    "rate_rel": ("perform.delivery", "ratio: speech rate / median rate of the line's readings (1 = typical)"),
    "pause_count": ("perform.delivery", "count: gaps of 0.3 s or more between words inside the reading"),
    "pause_max_s": ("perform.delivery", "s: longest gap between words inside the reading"),
    "pause_total_s": ("perform.delivery", "s: sum of the gaps of 0.3 s or more between words"),
    "loudness_db": ("perform.delivery", "dBFS: mean RMS level of the reading's speech frames"),
    "loudness_rel_db": ("perform.delivery", "dB: loudness relative to the median of the line's readings"),
    "energy_range_db": ("perform.delivery", "dB: 95th - 10th percentile of frame level over the speech frames"),
    "energy_dyn_db": ("perform.delivery", "dB: standard deviation of frame level over the speech frames"),
    "pitch_range_st": ("perform.delivery", "semitones: 90th - 10th percentile of F0 over voiced frames"),
    "pitch_range_rel_st": ("perform.delivery", "semitones: pitch range minus the median range of the line's readings"),
    "pitch_mean_rel_st": ("perform.delivery", "semitones: mean F0 relative to the speaker's median over all readings"),
    "voiced_ratio": ("perform.delivery", "0..1: share of speech frames with a pitch"),
    # Performance: vocal emotion and arousal (perform.emotion).
    "arousal": ("perform.emotion", "0..1: vocal activation (trained model when installed, else DSP)"),
    "arousal_dsp": ("perform.emotion", "0..1: DSP arousal relative to the speaker, beside a model's arousal (what the intent match compares)"),
    "arousal_source": ("perform.emotion", "label: 'model' or 'dsp' (loudness, pitch, rate, spectral tilt)"),
    "voice_joined": ("perform.emotion", "0/1: the emotion distribution joins the voice model's (on the recogniser's encoder embedding of the reading) with the feature model's"),
    "emotion": ("perform.emotion", "label: most likely of angry/sad/happy/fear/disgust/surprise/neutral (model only)"),
    "emotion_conf": ("perform.emotion", "0..1: probability of that label (absent without a trained model)"),
    "emotion_angry": ("perform.emotion", "0..1: probability (model only; only the labels the model was trained on have a key, and those sum to 1)"),
    "emotion_sad": ("perform.emotion", "0..1: probability (model only)"),
    "emotion_happy": ("perform.emotion", "0..1: probability (model only)"),
    "emotion_fear": ("perform.emotion", "0..1: probability (model only)"),
    "emotion_disgust": ("perform.emotion", "0..1: probability (model only)"),
    "emotion_surprise": ("perform.emotion", "0..1: probability (model only; absent for the shipped EmoDB model, which has no surprise takes)"),
    "emotion_neutral": ("perform.emotion", "0..1: probability (model only)"),
    # Performance: face of the speaker while reading (picture.expression).
    "face_expressiveness": ("picture.expression", "0..1: motion of mouth, brows and eyes while speaking (face-size normalised)"),
    "eyes_open_in": ("picture.expression", "0..1: eye openness at the reading's first frame (0 = blink)"),
    "eyes_open_out": ("picture.expression", "0..1: eye openness at the reading's last frame (0 = blink)"),
    "blink_at_cut": ("picture.expression", "0/1: eyes closed at the first or last frame of the reading"),
    "face_size": ("picture.expression", "0..1: speaker's face height / frame height while speaking"),
    "face_sharpness": ("picture.expression", "variance of the Laplacian of the speaker's face crop (higher = sharper)"),
    # Performance: delivery relative to the same speaker's other readings of the line, in units
    # of that speaker's usual take-to-take spread (perform.delivery; z-scores, clipped to +-3).
    "rel_f0_level": ("perform.delivery", "z: median F0 against the speaker's other readings of the line"),
    "rel_f0_var": ("perform.delivery", "z: F0 variability (s.d. in semitones), same reference"),
    "rel_f0_contour": ("perform.delivery", "z: F0 slope over the reading (rising > 0), same reference"),
    "rel_int_level": ("perform.delivery", "z: mean speech level, same reference"),
    "rel_int_var": ("perform.delivery", "z: variability of the level, same reference"),
    "rel_hf_energy": ("perform.delivery", "z: high-frequency energy share (spectral tilt/brightness), same reference"),
    "rel_rate": ("perform.delivery", "z: speech rate (words/s, else syllable peaks/s), same reference"),
    "rel_pausing": ("perform.delivery", "z: share of the reading spent in pauses, same reference"),
    "rel_irregularity": ("perform.delivery", "z: frame-to-frame F0/amplitude perturbation (jitter/shimmer-like), same reference"),
    # File analyses (analyses.reading, from analyses.analyze: camera motion and sound events).
    "camera_motion": ("analyses.reading", "label: camera motion over the reading (static, pan_left, ..., handheld, complex)"),
    "camera_shake": ("analyses.reading", "0..1: high-frequency camera jitter over the reading (1 = twice the handheld level)"),
    "camera_search": ("analyses.reading", "0..1: the frame wanders back and forth (1 - net move / path of the smoothed pan)"),
    "camera_move_in": ("analyses.reading", "frame widths/s: camera move over the reading's first 0.4 s"),
    "camera_move_out": ("analyses.reading", "frame widths/s: camera move over the reading's last 0.4 s"),
    "camera_pan_in": ("analyses.reading", "frame widths/s, signed: content x motion over the first 0.4 s (< 0: camera pans right)"),
    "camera_pan_out": ("analyses.reading", "frame widths/s, signed: content x motion over the last 0.4 s"),
    "camera_tilt_in": ("analyses.reading", "frame widths/s, signed: content y motion over the first 0.4 s (> 0: camera tilts up)"),
    "camera_tilt_out": ("analyses.reading", "frame widths/s, signed: content y motion over the last 0.4 s"),
    "camera_zoom_in": ("analyses.reading", "log scale/s, signed: content growth over the first 0.4 s (> 0: zoom or dolly in)"),
    "camera_zoom_out": ("analyses.reading", "log scale/s, signed: content growth over the last 0.4 s"),
    "music_under": ("analyses.reading", "0..1: share of the reading with music under the dialogue"),
    # Script intent (script.intent, compared with the signals above).
    "intent_match": ("script.intent", "0..1: how well the delivery matches the scripted direction (0.5 = nothing to compare)"),
    "intent_words": ("script.intent", "label: the editor's phrase, e.g. 'angry read, as scripted'"),
}


def known(name: str) -> bool:
    return name in SIGNALS
