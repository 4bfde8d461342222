"""Script intent: what the screenplay says about how a line is delivered.

Stable API (read by ``edit/ranking.py``; keep it backward compatible):

- ``EMOTIONS``: the label set, ``("angry", "sad", "happy", "fear", "disgust", "surprise",
  "neutral")`` (the same order as the vocal emotion model in ``roughcut_core/perform``).
- ``Intent``: a frozen dataclass per line: ``emotion`` (expected label or None when the script
  says nothing about emotion), ``emotions`` (distribution as ``((label, p), ...)``, empty when
  unknown), ``arousal`` (0..1 or None), ``loudness`` ("soft" / "loud" / None), ``pace``
  ("slow" / "fast" / None), ``pauses`` (a ``(beat)`` / ``...`` inside the line), ``cues`` (the
  script words that drove it, e.g. ``("(angrily)", "!")``), ``directed`` (the parenthetical
  that an editor would quote, e.g. ``"(angrily)"``, or None) and ``beat`` (what asks for a
  pause inside the line: ``"(beat)"``, ``'"..."'``, or None).
- ``parse_intent(line) -> Intent`` reads ``line.parenthetical``, ``line.action_before`` (the
  action paragraph just before the cue; only its sentences that name the speaker), ``line.text`` (inline parentheticals, ``!``, ``?``,
  ``...``, CAPS emphasis). ``script_intents(script) -> {line_id: Intent}``.
- ``intent_match(signals, intent) -> (score, words)``: how well one reading's measured delivery
  (``LineReading.signals``, names in ``roughcut_core/signals.py``) matches the intent. ``score`` is
  0..1 (1 = as scripted), ``words`` an editor's phrase ("angry read, as scripted", "flat for
  (angrily)"). When there is nothing to compare (no direction in the script, or no measured
  signal that bears on it) the score is 0.5 and ``words`` is "" — a neutral vote, not a
  judgement. The score compares readings of the same line; it is not a calibrated probability.

Without an emotion distribution in the signals (no trained model), the direction is compared
with the reading's delivery relative to the same speaker's other readings of the line (the
``rel_*`` cues of ``perform.delivery``: pitch level/variability/contour, level and its
variability, spectral tilt, rate, pausing, voice irregularity) through the published cue
profiles in ``perform.delivery.PROFILES`` (Juslin & Laukka 2003; Murray & Arnott 1993; Banse &
Scherer 1996). Readings without those cues fall back to ``PROFILES`` below (signs of loudness,
mean pitch, pitch range and rate). With an emotion distribution, the model's agreement and the
same relative-delivery fit both count (weights 2 x confidence and 3).
The model speaks only for the labels it was trained on (the ``emotion_*`` keys present): for a
direction whose emotion it never saw (the shipped EmoDB model has no surprise) the score and
the words are the delivery fit's alone, as without a model. The arousal part compares the
speaker-relative DSP arousal (``arousal_dsp``) with or without a model: on RAVDESS actors 01-08
(the tuning actors) it ranked the directed take above the actor's other takes more often than the
EmoDB model's own arousal for angry, sad, fear and neutral directions, less often for happy,
disgust and surprise (within-line AUC for "(flatly)" 0.91 vs 0.84), and intent match over the 7
directions rose from 0.462 to 0.481.

The mapping from script words to delivery is the table ``CUES`` below: one row per cue word
stem, with the emotion it implies, the arousal it implies and its loudness / pace. It is hand
written (no learning), so every expectation can be traced to a row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Optional

from ..model import Script, ScriptLine

EMOTIONS = ("angry", "sad", "happy", "fear", "disgust", "surprise", "neutral")


@dataclass(frozen=True)
class Cue:
    """One row of the mapping table: the stems it matches and what it implies."""

    stems: tuple[str, ...]
    emotion: Optional[str] = None        # label, or None (delivery-only cue)
    arousal: Optional[float] = None      # 0 (flat, calm) .. 1 (shouting, panicked)
    loudness: Optional[str] = None       # "soft" | "loud"
    pace: Optional[str] = None           # "slow" | "fast"
    pauses: bool = False


# Stems match the start of a word in the direction text ("angr" matches angry/angrily).
CUES: tuple[Cue, ...] = (
    Cue(("angr", "furious", "fuming", "enraged", "rage", "seething", "snap", "livid", "irate",
         "gritted teeth", "hostile", "heated", "exasperat", "irritat", "annoyed", "bitter"),
        "angry", 0.85, "loud"),
    Cue(("shout", "yell", "scream", "bellow", "roar", "hollers", "bark"), "angry", 0.95, "loud", "fast"),
    Cue(("sad", "tear", "through tears", "cr(y|ies|ying)\\b", "sob", "weep", "choked", "mourn", "grief",
         "griev", "heartbroken", "forlorn", "despair", "miserabl", "glum", "dejected", "sorrow"),
        "sad", 0.25, "soft", "slow"),
    Cue(("happ", "laugh", "cheer", "bright", "grin", "smil", "delight", "joy", "beam", "amused",
         "giggl", "warmly", "elated", "playful"), "happy", 0.65),
    Cue(("excited", "thrilled", "ecstatic", "euphoric"), "happy", 0.85, "loud", "fast"),
    Cue(("afraid", "scared", "fright", "terrif", "nervous", "panic", "trembl", "anxious", "fear",
         "whimper", "shaking", "shaky", "petrified", "alarmed", "worried"), "fear", 0.7, None, "fast"),
    Cue(("disgust", "revolt", "repuls", "sneer", "contempt", "distaste", "grimac", "scornful",
         "nauseat", "appalled"), "disgust", 0.5),
    Cue(("surpris", "shock", "astonish", "stunned", "amazed", "startl", "incredul", "taken aback",
         "gasp", "in disbelief"), "surprise", 0.75),
    Cue(("flat", "deadpan", "matter-of-fact", "matter of fact", "calm", "evenly", "monoton",
         "neutral", "plainly", "impassive", "expressionless", "blank", "without emotion"),
        "neutral", 0.3),
    Cue(("whisper", "under (his|her|their) breath", "sotto voce", "murmur", "mutter", "hush"),
        None, 0.2, "soft"),
    Cue(("quiet", "soft", "gently", "gentle", "tender"), None, 0.3, "soft", "slow"),
    Cue(("loud",), None, 0.75, "loud"),
    Cue(("slow", "deliberate", "measured"), None, None, None, "slow"),
    Cue(("quick", "fast", "rapid", "rush", "blurt", "hurried"), None, None, None, "fast"),
    Cue(("beat", "pause", "hesitat", "haltingly", "trailing off", "trails off"), pauses=True),
    Cue(("sarcas", "dry", "dryly", "wry", "wryly", "ironic"), None, 0.4),
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_INLINE_PAREN = re.compile(r"\([^()]{1,80}\)")
_NOT_EMPHASIS = {"I", "A", "OK", "TV", "US", "UK", "FBI", "CIA", "NYPD", "LA", "DC", "AM", "PM", "ID"}


@dataclass(frozen=True)
class Intent:
    """The expected delivery of one line, with the script words behind it (see module doc)."""

    line_id: str
    emotion: Optional[str] = None
    emotions: tuple[tuple[str, float], ...] = ()
    arousal: Optional[float] = None
    loudness: Optional[str] = None
    pace: Optional[str] = None
    pauses: bool = False
    cues: tuple[str, ...] = ()
    directed: Optional[str] = None
    beat: Optional[str] = None  # what asks for a pause: "(beat)", "(hesitates)", "..."

    @property
    def has_direction(self) -> bool:
        return bool(self.emotion or self.arousal is not None or self.loudness or self.pace or self.pauses)

    def distribution(self) -> dict[str, float]:
        return dict(self.emotions)


def _matches(text: str, stem: str) -> bool:
    return re.search(r"\b" + stem, text) is not None


def _cue_hits(text: str) -> list[Cue]:
    low = text.lower()
    return [c for c in CUES if any(_matches(low, s) for s in c.stems)]


def _emphasis(text: str) -> list[str]:
    """Words in CAPS (two letters or more, not an acronym from the short list)."""
    return [w for w in _WORD.findall(text)
            if len(w) >= 2 and w.isupper() and w.strip("'-") not in _NOT_EMPHASIS]


def _about_speaker(action: str, character: str) -> str:
    """The sentences of ``action`` that name ``character`` (any name word of 3+ letters)."""
    names = [w for w in _WORD.findall(character or "") if len(w) >= 3]
    if not action or not names:
        return ""
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
    return " ".join(s for s in re.split(r"(?<=[.!?])\s+", action) if pattern.search(s))


def parse_intent(line: ScriptLine) -> Intent:
    """The expected delivery of ``line`` from its parenthetical, the action just before it,
    inline parentheticals, punctuation and CAPS emphasis (see ``CUES``)."""
    parens = [p for p in (line.parenthetical or "").split(") (") if p]
    inline = _INLINE_PAREN.findall(line.text or "")
    direction = " ".join([line.parenthetical or "", *inline])
    cues: list[str] = []
    hits = _cue_hits(direction)
    if hits:
        cues.append(line.parenthetical or inline[0])
    # The action line counts only for emotion words in sentences that name the speaker (the
    # dogs barking is not the speaker shouting); it weighs half a parenthetical.
    about = _about_speaker(line.action_before or "", line.character)
    action_hits = [c for c in _cue_hits(about) if c.emotion] if about else []
    if action_hits:
        cues.append("action: " + (line.action_before or "")[:60])
    votes: dict[str, float] = {}
    for c in hits:
        if c.emotion:
            votes[c.emotion] = votes.get(c.emotion, 0.0) + 1.0
    for c in action_hits:
        votes[c.emotion] = votes.get(c.emotion, 0.0) + 0.5
    arousals = [c.arousal for c in hits if c.arousal is not None]
    arousals += [c.arousal for c in action_hits if c.arousal is not None and not hits]
    loud = [c.loudness for c in hits if c.loudness]
    pace = [c.pace for c in hits if c.pace]
    pauses = any(c.pauses for c in hits)
    text = _INLINE_PAREN.sub(" ", line.text or "")
    bangs, caps = text.count("!"), _emphasis(text)
    if bangs:
        cues.append("!")
    if "..." in text or "\u2026" in text or " -- " in text:
        cues.append("...")
        pauses = True
    if text.rstrip().endswith("?"):
        cues.append("?")
    if caps:
        cues.append("CAPS " + " ".join(caps[:3]))
    arousal = sum(arousals) / len(arousals) if arousals else None
    if bangs or caps:
        # "!" and CAPS raise energy: alone they imply an energetic read; with a direction
        # they push it up a little (a whispered "No!" is still a whisper).
        bump = 0.15 * min(2, bangs) + (0.1 if caps else 0.0)
        arousal = min(1.0, (arousal if arousal is not None else 0.5) + bump)
        if not loud and bangs >= 2 or (not loud and bangs and caps):
            loud = ["loud"]
    emotions: tuple[tuple[str, float], ...] = ()
    emotion = None
    if votes:
        # The named emotions share 80 %; the rest is spread so that a close read still scores.
        total = sum(votes.values())
        dist = {e: 0.2 / len(EMOTIONS) + 0.8 * votes.get(e, 0.0) / total for e in EMOTIONS}
        emotions = tuple((e, round(dist[e], 4)) for e in EMOTIONS)
        emotion = max(votes, key=votes.get)
    directed = beat = None
    if hits:
        directed = next((f"({p.strip('() ')})" for p in parens + inline
                         if any(c.pauses is False for c in _cue_hits(p))), None)
        beat = next((f"({p.strip('() ')})" for p in parens + inline
                     if any(c.pauses for c in _cue_hits(p))), None)
    if pauses and beat is None:
        beat = '"..."'
    return Intent(line_id=line.id, emotion=emotion, emotions=emotions,
                  arousal=None if arousal is None else round(arousal, 3),
                  loudness=loud[0] if loud else None, pace=pace[0] if pace else None,
                  pauses=pauses, cues=tuple(cues), directed=directed or (beat if beat and beat.startswith("(") else None), beat=beat)


def script_intents(script: Script) -> dict[str, Intent]:
    """``{line_id: Intent}`` for every line of ``script``."""
    return {line.id: parse_intent(line) for line in script.lines}


# --- matching -------------------------------------------------------------------------

_ADJ = {"angry": "angry", "sad": "sad", "happy": "happy", "fear": "fearful", "disgust": "disgusted",
        "surprise": "surprised", "neutral": "neutral"}


def _measured_emotions(signals: Mapping) -> dict[str, float]:
    """``{label: p}`` for the labels the reading's model speaks for (those it was trained on:
    ``perform.emotion.model_signals`` writes no key for the others)."""
    out = {e: signals.get(f"emotion_{e}") for e in EMOTIONS}
    return {e: float(v) for e, v in out.items() if isinstance(v, (int, float))}


# Without an emotion model: the acoustic profile each emotion tends to have relative to the
# speaker's other readings (Juslin & Laukka 2003, Table 7; signs only: loudness, mean pitch,
# pitch range, speech rate), compared with the reading's relative delivery signals.
PROFILES = {"angry": (1.0, 1.0, 1.0, 1.0), "happy": (0.5, 1.0, 1.0, 0.5), "fear": (0.0, 1.0, -0.5, 1.0),
            "surprise": (0.5, 1.0, 1.0, 0.0), "sad": (-1.0, -0.5, -1.0, -1.0),
            "disgust": (0.0, -0.5, 0.0, -1.0), "neutral": (-0.5, -0.5, -1.0, 0.0)}
_PROFILE_SCALE = (6.0, 2.0, 3.0, 0.15)  # dB, semitones, semitones, rate ratio - 1


def _profile_agreement(signals: Mapping, emotion: str) -> Optional[float]:
    keys = ("loudness_rel_db", "pitch_mean_rel_st", "pitch_range_rel_st", "rate_rel")
    vals = [signals.get(k) for k in keys]
    if sum(isinstance(v, (int, float)) for v in vals) < 2:
        return None
    num = den = 0.0
    for v, sign, scale, k in zip(vals, PROFILES[emotion], _PROFILE_SCALE, keys):
        if isinstance(v, (int, float)) and sign:
            x = (float(v) - (1.0 if k == "rate_rel" else 0.0)) / scale
            num += sign * max(-1.0, min(1.0, x))
            den += abs(sign)
    return None if den == 0 else 0.5 + 0.5 * num / den


def _arousal(signals: Mapping):
    """The activation a reading is compared on: the speaker-relative DSP arousal
    (``arousal_dsp``, written beside a model's own ``arousal``), else ``arousal``."""
    value = signals.get("arousal_dsp")
    return value if isinstance(value, (int, float)) else signals.get("arousal")


def _delivery_fit(signals: Mapping, intent: Intent) -> Optional[float]:
    """``perform.delivery.profile_fit`` of the reading's ``rel_*`` cues against the profile the
    intent implies (emotion row, or arousal alone, shifted by loudness and pace); None when the
    reading has no relative cues or the intent implies none."""
    try:
        from ..perform.delivery import cues_from_signals, expected_profile, profile_fit
    except ImportError:
        return None
    z = cues_from_signals(signals)
    if not z:
        return None
    want = expected_profile(intent.emotion, intent.arousal, intent.loudness, intent.pace)
    return profile_fit(z, want) if want else None


def _cue_label(cues: tuple[str, ...]) -> str:
    """How an editor refers to an undirected cue: 'the action line', 'the "!"', 'the CAPS on OUT'."""
    for c in cues:
        if c.startswith("action:"):
            return "the action line"
    for c in cues:
        if c.startswith("CAPS "):
            return "the CAPS on " + c[5:].split()[0]
        if c in ("!", "..."):
            return f'the "{c}"'
    return "the script"


def intent_match(signals: Mapping, intent: Optional[Intent]) -> tuple[float, str]:
    """(score 0..1, editor's words) for one reading against the line's intent (module doc)."""
    if intent is None or not intent.has_direction:
        return 0.5, ""
    signals = signals or {}
    parts: list[tuple[float, float]] = []  # (weight, agreement 0..1)
    rel = fit = None
    label = intent.directed or _cue_label(intent.cues)
    measured = _measured_emotions(signals)
    emo_agree = None
    if intent.emotions and len(measured) >= 2 and intent.emotion in measured:
        # Over the labels the model knows: a model never trained on the scripted emotion
        # (the shipped EmoDB model and "(surprised)") has no say, and the delivery fit decides.
        total = sum(measured.values()) or 1.0
        expected = {e: p for e, p in intent.distribution().items() if e in measured}
        norm = sum(expected.values()) or 1.0
        expected = {e: p / norm for e, p in expected.items()}
        # Probability the model gives the scripted emotion(s), against its best guess.
        p_exp = sum(expected[e] * measured[e] / total for e in expected)
        p_best = max(measured.values()) / total
        emo_agree = min(1.0, p_exp / max(p_best * max(expected.values()), 1e-6))
        conf = float(signals.get("emotion_conf", 1.0) or 0.0)
        parts.append((2.0 * max(0.2, conf), emo_agree))
        # The model's guess and the delivery against the actor's own takes are two views of
        # the same reading: with both measured, both count (the words are the model's, unless
        # the delivery fits and the model hears another emotion: see the end).
        fit = _delivery_fit(signals, intent)
        if fit is not None:
            parts.append((3.0, fit))
    else:
        # No emotion model, or one never trained on the scripted emotion (its words would claim
        # what it cannot know): the reading's delivery against the same speaker's other readings
        # (``rel_*`` cues) compared with the direction's published cue profile.
        measured = {}
        rel = _delivery_fit(signals, intent)
        if rel is not None:
            parts.append((3.0, rel))
        elif intent.emotion:
            prof = _profile_agreement(signals, intent.emotion)
            if prof is not None:
                parts.append((1.0, prof))
    arousal = _arousal(signals)
    ar_agree = None
    if intent.arousal is not None and isinstance(arousal, (int, float)):
        miss = float(arousal) - intent.arousal
        if intent.directed is None and intent.emotion is None:
            miss = min(0.0, miss)  # "!" / CAPS ask for energy: more is not wrong
        ar_agree = max(0.0, 1.0 - abs(miss) / 0.6)
        parts.append((1.0, ar_agree))
    loud = signals.get("loudness_rel_db")
    if intent.loudness and isinstance(loud, (int, float)):
        want = 4.0 if intent.loudness == "loud" else -4.0
        parts.append((0.5, max(0.0, min(1.0, 0.5 + (float(loud) * (1 if want > 0 else -1)) / 8.0))))
    rate = signals.get("rate_rel")
    if intent.pace and isinstance(rate, (int, float)):
        sign = 1.0 if intent.pace == "fast" else -1.0
        parts.append((0.5, max(0.0, min(1.0, 0.5 + sign * (float(rate) - 1.0) / 0.4))))
    pauses = signals.get("pause_count")
    beat_agree = None
    if intent.pauses and isinstance(pauses, (int, float)):
        # A scripted (beat) / "..." is honoured by a pause of 0.3 s or more inside the line.
        beat_agree = 1.0 if pauses >= 1 else 0.2
        parts.append((0.3 if len(parts) else 1.0, beat_agree))
    if not parts:
        return 0.5, ""
    score = sum(w * a for w, a in parts) / sum(w for w, _ in parts)
    if len(parts) == 1 and beat_agree is not None:
        return round(score, 4), ("pause played, as scripted" if beat_agree == 1.0
                                 else f"no pause for {intent.beat or '(beat)'}")
    if rel is not None and intent.emotion:
        return round(score, 4), _delivery_words(signals, intent, rel, label)
    heard = max(measured, key=measured.get) if measured else None
    if fit is not None and fit >= 0.6 and heard not in (None, intent.emotion):
        # The actor's delivery fits the direction while the voice model (trained on other
        # voices) hears another emotion: say both, the delivery first ("happy read for
        # (angrily)" would contradict a take chosen for its delivery).
        return round(score, 4), (f"{_delivery_words(signals, intent, fit, label)} "
                                 f"(the voice model hears {_ADJ.get(heard, heard)})")
    return round(score, 4), _words(signals, intent, score, measured, emo_agree, ar_agree, label)


def _delivery_words(signals: Mapping, intent: Intent, fit: float, label: str) -> str:
    """Editor's words from the relative-delivery fit: "angry delivery, as scripted" when it fits,
    else whether the read is flatter or bigger than the direction asks (energy cues: level,
    high-frequency energy, pitch level against the speaker's other takes)."""
    adj = _ADJ.get(intent.emotion, intent.emotion)
    if fit >= 0.6:
        return f"{adj} delivery, as scripted"
    energy = [signals.get(f"rel_{c}") for c in ("int_level", "hf_energy", "f0_level")]
    energy = [float(v) for v in energy if isinstance(v, (int, float))]
    want = (intent.arousal if intent.arousal is not None else 0.5) - 0.5
    level = sum(energy) / len(energy) if energy else 0.0
    if fit >= 0.45:
        return f"nearly {adj} for {label}"
    if want > 0 and level < 0:
        return f"flat for {label}"
    if want < 0 and level > 0:
        return f"too big for {label}"
    return f"not {adj} for {label}"


def _words(signals, intent: Intent, score: float, measured: dict, emo_agree, ar_agree, label: str) -> str:
    heard = max(measured, key=measured.get) if measured else None
    arousal = _arousal(signals)
    if intent.emotion and heard:
        if heard == intent.emotion and score >= 0.6:
            return f"{_ADJ[heard]} read, as scripted"
        if heard == "neutral" or (isinstance(arousal, (int, float)) and intent.arousal is not None
                                  and arousal < intent.arousal - 0.3):
            return f"flat for {label}"
        return f"{_ADJ[heard]} read for {label}"
    if isinstance(arousal, (int, float)) and intent.arousal is not None:
        if ar_agree is not None and ar_agree >= 0.6:
            kind = "energy" if intent.arousal >= 0.5 else "restraint"
            return f"{kind} as scripted {label}" if label.startswith("(") else f"{kind} as {label} asks"
        if arousal < intent.arousal or (intent.directed is None and intent.emotion is None):
            return f"flat for {label}"
        return f"too big for {label}"
    return "delivery as scripted" if score >= 0.6 else f"off the direction {label}"
