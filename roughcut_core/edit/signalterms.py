"""Ranking terms from the perception signals of one reading (``LineReading.signals``).

Contract: :func:`signal_terms` maps a reading's signals (names registered in
``roughcut_core/signals.py``) plus line-level context to named, signed score contributions
and an editor's phrase for each term that matters. Every term is 0 when its signal is
absent (never a made-up default), so the ranking degrades to defects + match when a stage
did not run. Magnitudes are small next to a defect (a dropped word costs 0.35): they order
clean readings, they do not rescue a broken one.

Term (signal → contribution):
- ``on_camera`` (``on_camera`` 0..1, else ``speaker_in_frame``): +0.08 for the speaker on
  screen speaking, down to -0.08 for a voice off screen;
- ``lip_sync`` (``lip_sync`` -1..1): ±0.04;
- ``snr`` (``snr_db``): 0 at 25 dB and above, down to -0.2 at 5 dB and below;
- ``level`` (``level_rel_db``, ≤ 0 against the character's loudest take of the line): down
  to -0.08 at -12 dB (a take that is much quieter than the others is usually off mic) —
  skipped when the script asks for a quiet read;
- ``clarity`` (mean ASR word probability over the reading, against the line's clearest
  reading): down to -0.12;
- ``intent`` (``intent_match`` score 0..1 for lines whose script says how to deliver them):
  ±0.25 around 0.5 — the biggest clean-reading term, since an editor picks the read the
  script asks for;
- ``expressive`` (face expressiveness 0..1, centred on the line's median): ±0.05;
- ``blink`` (``eyes_open_in``/``eyes_open_out`` under 0.35, else ``blink_at_cut``): -0.05
  per blinking end — an editor never cuts on a blink;
- ``overlap`` (0..1 fraction of the reading overlapped by other speech): down to -0.15;
- ``lively`` (``pitch_range_st`` and ``energy_dyn_db`` against the line's medians), only on
  lines the script gives no direction: ±0.05 — with nothing scripted, an editor takes the
  read with more life in it over a flatter one;
- ``hesitation`` (``pause_max_s``, the longest gap between words), unless the script asks for
  pauses (``(beat)``, ``...``): down to -0.08 for a 0.75 s stop mid-line.
- ``camera`` (``camera_shake``, ``camera_search``, ``camera_move_in``/``camera_move_out`` from
  ``analyses.reading``): a technical fault, down to -0.12 for a shaky frame and -0.06 for a
  camera hunting back and forth during the line, and -0.03 per end where the frame is still
  moving at the cut (a settled frame cuts better). ``music_under`` is said, never scored.

Taste terms (:func:`taste_terms`, ``TASTE_TERMS``), for the learned per-show ranker: what a
show's editor may keep choosing that the hand-set ranking has no view on, each in -1..1 and
hand-set weight 0 (as ``pace``, the brisker reading, in ``ranking``): ``loudness``
(``loudness_rel_db`` / 6 dB, the louder/closer-miked reading), ``face_size`` (``face_size``
against the line's median, relative: more face on screen) and ``pitch_range``
(``pitch_range_rel_st`` / 4 semitones, the livelier or the flatter read on every line: ``lively``
counts only where the script gives no direction and may only grow, so an editor who keeps
taking the livelier read of directed lines was unlearnable).

Intent components (:func:`intent_parts`, ``INTENT_PARTS``), for the learned per-show ranker:
the same scripted direction judged on one family of cues at a time, each ±0.25 around 0 —
``intent_pitch`` (``rel_f0_level/var/contour``), ``intent_energy`` (``rel_int_level/var``,
``rel_hf_energy``), ``intent_timing`` (``rel_rate``, ``rel_pausing``), ``intent_voice``
(``rel_irregularity``), against the direction's cue profile (``perform.delivery``), and
``intent_model`` (the trained emotion model's probability of the scripted emotion against its
best guess). They are relative to the actor's own takes, so they transfer across actors; their
hand-set weight is 0 (``intent`` already combines them), and a show's feedback can move them
(an editor who hears emotion in the pitch more than in the loudness).
"""
from __future__ import annotations

from typing import Optional

TASTE_TERMS = ("loudness", "face_size", "pitch_range")
INTENT_PARTS = ("intent_pitch", "intent_energy", "intent_timing", "intent_voice", "intent_model")
_PART_CUES = {"intent_pitch": ("f0_level", "f0_var", "f0_contour"),
              "intent_energy": ("int_level", "int_var", "hf_energy"),
              "intent_timing": ("rate", "pausing"), "intent_voice": ("irregularity",)}
SIGNAL_TERMS = ("on_camera", "lip_sync", "snr", "level", "clarity", "intent", "expressive", "blink", "overlap",
                "lively", "hesitation", "camera")

# Signal-name aliases per concept, first present wins (perception stages own the names).
EXPRESSIVE_KEYS = ("face_expressiveness", "expressiveness")
EYES_OPEN_IN_KEYS = ("eyes_open_in",)
EYES_OPEN_OUT_KEYS = ("eyes_open_out",)
EYES_CLOSED_BELOW = 0.35  # eye openness under this on the cut frame reads as a blink
OVERLAP_KEYS = ("overlap", "overlap_ratio", "overlap_frac")


def _num(signals: dict, keys) -> Optional[float]:
    for k in (keys,) if isinstance(keys, str) else keys:
        v = signals.get(k)
        if isinstance(v, (int, float)) and v == v:  # not NaN
            return float(v)
    return None


def _clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def _closed(signals: dict, open_keys) -> bool:
    eyes = _num(signals, open_keys)
    return eyes is not None and eyes < EYES_CLOSED_BELOW


def signal_terms(signals: dict, *, character: Optional[str] = None, clarity: Optional[float] = None,
                 best_clarity: Optional[float] = None, expressive_median: Optional[float] = None,
                 intent: Optional[tuple[float, str]] = None, quiet_intent: bool = False,
                 directed: bool = False, pauses_ok: bool = False,
                 medians: Optional[dict] = None) -> tuple[dict, list]:
    """(terms, [(weight of the phrase, phrase)]) for one reading (see module contract)."""
    t = dict.fromkeys(SIGNAL_TERMS, 0.0)
    said: list[tuple[float, str]] = []
    who = character or "speaker"
    oc = _num(signals, "on_camera")
    if oc is None:
        inf = _num(signals, "speaker_in_frame")
        oc = None if inf is None else (0.75 if inf >= 0.5 else 0.0)
    if oc is not None:
        t["on_camera"] = 0.16 * (_clip(oc, 0.0, 1.0) - 0.5)
        said.append((abs(t["on_camera"]), f"{who} on camera, speaking" if oc >= 0.5 else f"{who} off screen (voice only)"))
    ls = _num(signals, "lip_sync")
    if ls is not None:
        t["lip_sync"] = 0.04 * _clip(ls, -1.0, 1.0)
        if ls < 0.1:
            said.append((0.04, "lips not in sync with the words"))
    snr = _num(signals, "snr_db")
    if snr is not None:
        t["snr"] = -0.2 * _clip((25.0 - snr) / 20.0, 0.0, 1.0)
        said.append((abs(t["snr"]) or 0.01, f"clean sound (SNR {snr:.0f} dB)" if snr >= 25
                     else f"noisy sound (SNR {snr:.0f} dB)"))
    lvl = _num(signals, "level_rel_db")
    if lvl is not None and not quiet_intent:
        t["level"] = -0.08 * _clip(-lvl / 12.0, 0.0, 1.0)
        if lvl <= -4.0:
            said.append((abs(t["level"]), f"quieter than the other takes ({lvl:.0f} dB)"))
    if clarity is not None and best_clarity:
        rel = clarity / best_clarity
        t["clarity"] = -0.12 * _clip((1.0 - rel) / 0.3, 0.0, 1.0)
        if rel < 0.93:
            said.append((abs(t["clarity"]), "words less distinct than the best take"))
    if intent is not None:
        score, words = intent
        t["intent"] = 0.5 * (_clip(float(score), 0.0, 1.0) - 0.5)
        if words:
            said.append((abs(t["intent"]) + 0.05, words))
    ex = _num(signals, EXPRESSIVE_KEYS)
    if ex is not None:
        centre = expressive_median if expressive_median is not None else 0.5
        t["expressive"] = 0.05 * _clip((ex - centre) / 0.5, -1.0, 1.0)
        if abs(ex - centre) > 0.15:
            said.append((abs(t["expressive"]), "expressive face" if ex > centre else "face gives little"))
    ends = [where for keys, where in ((EYES_OPEN_IN_KEYS, "head"), (EYES_OPEN_OUT_KEYS, "tail"))
            if _closed(signals, keys)]
    if not ends and (_num(signals, "blink_at_cut") or 0.0) >= 0.5:
        ends = ["cut"]
    for where in ends:
        t["blink"] -= 0.05
        said.append((0.05, f"blink at the {where} of the line" if where != "cut" else "blink on the cut frame"))
    med = medians or {}
    pr, ed = _num(signals, "pitch_range_st"), _num(signals, "energy_dyn_db")
    if not directed and (pr is not None and "pitch_range_st" in med or ed is not None and "energy_dyn_db" in med):
        parts = []
        if pr is not None and "pitch_range_st" in med:
            parts.append(_clip((pr - med["pitch_range_st"]) / max(2.0, 0.5 * med["pitch_range_st"]), -1.0, 1.0))
        if ed is not None and "energy_dyn_db" in med:
            parts.append(_clip((ed - med["energy_dyn_db"]) / 3.0, -1.0, 1.0))
        live = sum(parts) / len(parts)
        t["lively"] = 0.05 * live
        if abs(live) >= 0.4:
            said.append((abs(t["lively"]), "livelier read than the other takes" if live > 0
                         else "flatter read than the other takes"))
    gap = _num(signals, "pause_max_s")
    if gap is not None and not pauses_ok and gap > 0.25:
        t["hesitation"] = -0.08 * _clip((gap - 0.25) / 0.5, 0.0, 1.0)
        said.append((abs(t["hesitation"]), f"hesitates mid-line ({gap:.1f} s pause)"))
    ov = _num(signals, OVERLAP_KEYS)
    if ov is not None and ov > 0.02:
        t["overlap"] = -0.15 * _clip(ov / 0.5, 0.0, 1.0)
        said.append((abs(t["overlap"]), "overlaps other dialogue"))
    _camera_terms(signals, t, said)
    return t, said


def _camera_terms(signals: dict, t: dict, said: list) -> None:
    """The ``camera`` term (module contract), from the analyses' per-reading signals."""
    shake, search = _num(signals, "camera_shake"), _num(signals, "camera_search")
    if shake is not None and shake > 0.25:
        t["camera"] -= 0.12 * _clip((shake - 0.25) / 0.75, 0.0, 1.0)
        said.append((abs(t["camera"]), "shaky camera during the line"))
    if search is not None and search > 0.5:
        cost = 0.06 * _clip((search - 0.5) / 0.4, 0.0, 1.0)
        t["camera"] -= cost
        said.append((cost, "camera searching during the line"))
    for key, where in (("camera_move_in", "head"), ("camera_move_out", "tail")):
        mv = _num(signals, key)
        if mv is not None and mv > 0.12:
            t["camera"] -= 0.03
            said.append((0.03, f"frame still moving at the {where} of the line"))
    mu = _num(signals, "music_under")
    if mu is not None and mu >= 0.3:
        said.append((0.005, "music under the dialogue"))


def intent_parts(signals: dict, profile: Optional[dict]) -> dict:
    """``{part: contribution}`` for ``INTENT_PARTS`` (module doc); all 0 without a profile.
    ``profile``: ``{"cues": {cue: expected z}, "emotions": {label: p}}`` for the line."""
    out = dict.fromkeys(INTENT_PARTS, 0.0)
    if not profile:
        return out
    want = profile.get("cues") or {}
    if want:
        from ..perform.delivery import cues_from_signals, profile_fit

        z = cues_from_signals(signals)
        for part, cues in _PART_CUES.items():
            sub = {c: want[c] for c in cues if c in want}
            fit = profile_fit(z, sub) if sub and z else None
            if fit is not None:
                out[part] = round(0.5 * (fit - 0.5), 5)
    emotions = profile.get("emotions") or {}
    # Over the labels the model was trained on (the emotion_* keys present); none for a
    # direction whose emotion it never saw.
    probs = {e: v for e in emotions if (v := _num(signals, f"emotion_{e}")) is not None}
    if emotions and len(probs) >= 2 and max(emotions, key=emotions.get) in probs:
        emotions = {e: emotions[e] for e in probs}
        norm = sum(emotions.values()) or 1.0
        emotions = {e: p / norm for e, p in emotions.items()}
        total = sum(probs.values()) or 1.0
        p_exp = sum(emotions[e] * probs[e] / total for e in emotions)
        p_best = max(probs.values()) / total
        agree = min(1.0, p_exp / max(p_best * max(emotions.values()), 1e-6))
        out["intent_model"] = round(0.5 * (agree - 0.5), 5)
    return out


def taste_terms(signals: dict, medians: Optional[dict] = None) -> dict:
    """``{term: -1..1}`` for ``TASTE_TERMS`` (module doc); 0 where the signal is absent."""
    out = dict.fromkeys(TASTE_TERMS, 0.0)
    loud = _num(signals, "loudness_rel_db")
    if loud is not None:
        out["loudness"] = round(_clip(loud / 6.0, -1.0, 1.0), 5)
    pitch = _num(signals, "pitch_range_rel_st")
    if pitch is not None:
        out["pitch_range"] = round(_clip(pitch / 4.0, -1.0, 1.0), 5)
    face, med = _num(signals, "face_size"), (medians or {}).get("face_size")
    if face is not None and med is not None:
        out["face_size"] = round(_clip((face - med) / max(med, 0.05), -1.0, 1.0), 5)
    return out
