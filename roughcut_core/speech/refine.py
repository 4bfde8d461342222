"""Refine whisper word boundaries against the audio, so a cut at a word edge never clips speech.

Whisper's word times come from cross-attention and run late (median ~0.12 s, up to ~0.4 s).
This module snaps them to the audio:

1. A short-hop (5 ms) energy envelope of the pre-emphasised signal (pre-emphasis lifts the
   weak fricatives and stop bursts that begin and end many words).
2. A local noise floor (a running low percentile over ~1.5 s) and the speech level give a
   threshold; frames above it are "active", short holes (stop closures) are bridged.
3. Active runs are speech regions. Each word is assigned to the region it overlaps most
   (its whisper span moved earlier by the typical lateness). The first word of a region
   starts at the region onset and the last one ends at its offset.
   Stretched words: where whisper skips speech it does not transcribe (another actor's
   off-mic line in a close-up), its word times spread over it: one word's span reaches back
   over the skipped speech (``we`` 1.38-3.66 s) and the words before it are crammed onto the
   skipped speech's start. So (a) a word whose span is longer than plausible for its
   syllables (``stretch_base`` + ``stretch_per_syllable`` x syllables, counted from its
   letters), that does not end a phrase (no trailing punctuation) and whose span before its
   tail is mostly speech (at least ``stretch_speech``: a word stretched over a pause is not
   moved) is placed by its end: only its tail, the last ``typical_base`` +
   ``typical_per_syllable`` x syllables of its span, counts (the whole span again if that
   tail touches no region); (b) the words just before such a
   word, chained to it in whisper's times (each ending within ``chain_gap`` of the next
   one's start) and alone in earlier regions they cannot fill (the speech of the regions
   from theirs up to the stretched word's lasts longer than ``fill_per_syllable`` x their
   syllables + ``fill_slack``), move to the stretched word's
   region when it can hold them all (at most ``max_rate`` syllables per second). Words so
   placed start at their region onset with no ``max_shift``/``max_trim`` limit, and a
   boundary guess of whisper's outside the region is replaced by splitting the region's
   span between the words in proportion to their syllables.
4. Between two words inside one region (no long pause) the boundary goes to the best
   pause (or, without one, energy dip) near whisper's boundary; at a pause the earlier word
   ends where the pause begins and the next starts where it ends. So words never overlap,
   and a boundary with no pause stays between the two words.
5. No boundary moves outward (widening the word) more than ``max_shift`` (0.4 s) or inward
   more than ``max_trim`` (1 s: whisper often stretches a phrase-final word over the pause
   that follows), and a word that lands in no region (too quiet, or invented) keeps
   whisper's times.

Everything is numpy on one mono array; cost is O(samples). Times in and out are seconds from
the file start: ``offset`` is the time of ``audio[0]``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Optional, Sequence

import numpy as np

from ..model import Word


_SILENCE_DB = -90.0  # frame power (dB re full scale) below which audio is treated as digital silence


@dataclass(frozen=True)
class RefineOptions:
    hop: float = 0.005              # envelope hop (s)
    window: float = 0.010           # energy window (s): short, so edges are not smeared
    max_shift: float = 0.4          # a boundary never moves outward further than this
    max_trim: float = 1.0           # ... nor inward (whisper stretches phrase-final words a lot)
    lateness: float = 0.08          # typical whisper onset lateness (a per-file estimate from
                                    # region-opening words was tried: too noisy, worse p95)
    floor_window: float = 1.5       # span of the running noise-floor estimate (s)
    floor_percentile: float = 10.0
    min_snr_db: float = 8.0         # threshold is at least this far above the local floor
    rel_threshold: float = 0.15     # ... and this fraction of the way from floor to speech level
    max_below_peak_db: float = 45.0 # ... but never more than this far below the speech peak
    bridge: float = 0.06            # inactive holes shorter than this inside speech are bridged
    min_region: float = 0.03        # active runs shorter than this are clicks, not speech
    dip_radius: float = 0.15        # search radius for an inter-word dip (s)
    dip_distance_db: float = 8.0    # dip score penalty per 0.1 s away from whisper's boundary
    gap_distance_weight: float = 0.3  # pause score: length minus this x distance from the guess
    pad: float = 0.0                # safety margin added outside each refined word (s)
    stretch_base: float = 0.35      # a word longer than base + per_syllable x syllables (s) is
    stretch_per_syllable: float = 0.35  # stretched (placed by its end, module docstring 3a)
    typical_base: float = 0.1       # the tail of a stretched word that places it (s):
    typical_per_syllable: float = 0.2   # base + per_syllable x syllables
    chain_gap: float = 0.1          # words this close in whisper's times are chained (3b)
    fill_per_syllable: float = 0.45  # a region longer than this x syllables + fill_slack is
    fill_slack: float = 0.2         # more than its words can fill (s)
    max_rate: float = 9.0           # syllables per second a region can hold at most
    stretch_speech: float = 0.4     # share of a stretched span before its tail that must be speech

    def as_params(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


def energy_envelope(audio: np.ndarray, sample_rate: int, hop: float, window: float) -> np.ndarray:
    """Frame energy in dB (frame k centred at k*hop) of the pre-emphasised signal."""
    x = np.asarray(audio, dtype=np.float64)
    if x.size == 0:
        return np.zeros(0)
    x = np.concatenate(([x[0]], x[1:] - 0.95 * x[:-1]))
    hop_n = max(1, int(round(hop * sample_rate)))
    half = max(1, int(round(window * sample_rate / 2)))
    csum = np.concatenate(([0.0], np.cumsum(x * x)))
    centres = np.arange(0, x.size, hop_n)
    lo = np.clip(centres - half, 0, x.size)
    hi = np.clip(centres + half, 0, x.size)
    power = (csum[hi] - csum[lo]) / np.maximum(hi - lo, 1)
    return 10.0 * np.log10(power + 1e-12)


def _running_percentile(values: np.ndarray, size: int, q: float) -> np.ndarray:
    """Running percentile over ``size`` frames, computed on a coarse grid then interpolated
    (a noise floor changes slowly; this keeps the cost linear)."""
    n = values.size
    step = max(1, size // 4)
    centres = np.arange(0, n, step)
    half = size // 2
    est = np.array([np.percentile(values[max(0, c - half):min(n, c + half + 1)], q) for c in centres])
    return np.interp(np.arange(n), centres, est)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) frame runs where mask is True."""
    if mask.size == 0:
        return []
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist()))


def activity(audio: np.ndarray, sample_rate: int, options: RefineOptions = RefineOptions()):
    """(energy dB per frame, raw active mask, bridged speech regions as [start, end) frames)."""
    energy = energy_envelope(audio, sample_rate, options.hop, options.window)
    if energy.size == 0:
        return energy, np.zeros(0, bool), []
    frames_per_s = 1.0 / options.hop
    floor = _running_percentile(energy, max(3, int(options.floor_window * frames_per_s)), options.floor_percentile)
    level = float(np.percentile(energy, 98))
    threshold = np.maximum(floor + options.min_snr_db, floor + options.rel_threshold * np.maximum(level - floor, 0))
    threshold = np.minimum(threshold, level - 3.0)
    threshold = np.maximum(threshold, level - options.max_below_peak_db)
    # Digital silence is never speech, and a signal with no dynamic range has no edges to find.
    raw = (energy > threshold) & (energy > _SILENCE_DB)
    if level - float(np.percentile(energy, options.floor_percentile)) < options.min_snr_db:
        raw[:] = False
    bridged = raw.copy()
    max_hole = int(round(options.bridge * frames_per_s))
    runs = _runs(raw)
    for (s0, e0), (s1, _) in zip(runs, runs[1:]):
        if s1 - e0 <= max_hole:
            bridged[e0:s1] = True
    min_len = max(1, int(round(options.min_region * frames_per_s)))
    regions = [(s, e) for s, e in _runs(bridged) if e - s >= min_len]
    return energy, raw, regions


_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_PHRASE_END = tuple(".,;:!?\u2026")


def syllables(text: str) -> int:
    """Rough syllable count of a word from its spelling (at least 1): vowel groups, less a
    silent final e; each digit counts as 1.5 (whisper writes numbers as digits)."""
    low = text.lower()
    letters = re.sub(r"[^a-z]", "", low)
    n = len(_VOWEL_GROUPS.findall(letters))
    if n > 1 and letters.endswith("e") and not letters.endswith(("le", "ee", "ye")):
        n -= 1
    return max(1, n + int(round(1.5 * sum(ch.isdigit() for ch in low))))


def _overlapping(regions: list[tuple[float, float]], starts: np.ndarray, s: float, e: float) -> int:
    """Index of the region overlapping [s, e] most (-1 = none)."""
    best, best_overlap = -1, 0.0
    j = max(0, int(np.searchsorted(starts, s, side="right")) - 1)
    while j < len(regions) and regions[j][0] < e:
        overlap = min(e, regions[j][1]) - max(s, regions[j][0])
        if overlap > best_overlap:
            best, best_overlap = j, overlap
        j += 1
    return best


def _speech_in(regions: list[tuple[float, float]], s: float, e: float) -> float:
    """Seconds of [s, e] inside speech regions."""
    return sum(max(0.0, min(e, b) - max(s, a)) for a, b in regions)


def _assign(words: Sequence[Word], regions: list[tuple[float, float]], options: RefineOptions,
            max_gap: float) -> tuple[list[int], set[int], list[int]]:
    """Region index per word (-1 = none), non-decreasing in word order, the indices of the
    words placed by the stretched-word rules (module docstring, 3a and 3b), and each word's
    syllable count."""
    starts = np.array([r[0] for r in regions])
    syl = [syllables(w.text) for w in words]
    out: list[int] = []
    placed: set[int] = set()
    last = 0
    for k, w in enumerate(words):
        s, e = w.start - options.lateness, max(w.end - options.lateness, w.start - options.lateness + 0.01)
        best = -1
        tail = options.typical_base + options.typical_per_syllable * syl[k]
        if (w.end - w.start > options.stretch_base + options.stretch_per_syllable * syl[k]
                and not w.text.rstrip().endswith(_PHRASE_END)
                and _speech_in(regions, s, e - tail) >= options.stretch_speech * (e - tail - s)):
            best = _overlapping(regions, starts, max(s, e - tail), e)
            if best >= 0:
                placed.add(k)
        if best < 0:
            best = _overlapping(regions, starts, s, e)
        if best < 0 and regions:
            # No overlap: the nearest region, if it is close (whisper can be off by a lot).
            dist = [max(r[0] - e, s - r[1], 0.0) for r in regions]
            j = int(np.argmin(dist))
            if dist[j] <= max_gap:
                best = j
        if best >= 0:
            best = max(best, last)
            last = best
        out.append(best)
    for k in sorted(placed):
        _move_crammed(words, syl, regions, out, placed, k, options)
    return out, placed, syl


def _move_crammed(words: Sequence[Word], syl: list[int], regions: list[tuple[float, float]], out: list[int],
                  placed: set[int], k: int, options: RefineOptions) -> None:
    """Rule 3b for the stretched word ``k``: move the words chained before it, alone in an
    earlier region they cannot fill, into its region (``out``/``placed`` updated in place)."""
    r = out[k]
    if k == 0 or out[k - 1] < 0 or out[k - 1] >= r:
        return
    q = out[k - 1]
    i = k
    while i > 0 and out[i - 1] == q and words[i].start - words[i - 1].end <= options.chain_gap:
        i -= 1
    if i == k or out.count(q) != k - i:
        return  # the chain is not all of region q's words
    run_syl = sum(syl[i:k])
    skipped = sum(b - a for a, b in regions[q:r])  # regions q .. r-1 hold only the chain's words
    if skipped <= options.fill_per_syllable * run_syl + options.fill_slack:
        return
    held = sum(syl[m] for m in range(len(words)) if out[m] == r) + run_syl
    if held > options.max_rate * (regions[r][1] - regions[r][0]):
        return
    for m in range(i, k):
        out[m] = r
        placed.add(m)


def _spread_guesses(guesses: list[float], syl: list[int], r0: int, r1: int) -> list[float]:
    """Boundary guesses (frames) with those outside the region (r0, r1 - 1) replaced by
    splitting the span between the in-region neighbours in proportion to the words'
    syllables (``syl``: one per word, one more than guesses)."""
    inside = [r0 < g < r1 - 1 for g in guesses]
    if all(inside):
        return guesses
    pos = np.cumsum(syl, dtype=float)  # syllable position of boundary k: after word k
    xs, ys = [0.0], [float(r0)]
    for k, g in enumerate(guesses):
        if inside[k] and g > ys[-1]:
            xs.append(pos[k])
            ys.append(g)
    xs.append(pos[-1])
    ys.append(float(max(r1, ys[-1] + 1)))
    return [g if inside[k] else float(np.interp(pos[k], xs, ys)) for k, g in enumerate(guesses)]


def _region_splits(energy: np.ndarray, raw: np.ndarray, region: tuple[int, int], guesses: list[float],
                   options: RefineOptions) -> list[tuple[int, int]]:
    """Frames (end of word k, start of word k+1) for each boundary inside one speech region.

    Candidates are the region's short pauses (inactive runs). Boundaries are matched to
    pauses jointly and in order (dynamic programming), maximising the sum over matched
    boundaries of (pause length - weight x distance from the guess, within ``dip_radius``);
    a boundary may instead take no pause (score 0). Joint matching stops two neighbouring
    boundaries from claiming the same pause when whisper's times are off by a word.
    An unmatched boundary goes to the lowest-energy frame near its guess (penalised by
    distance), kept between its matched neighbours; both words then meet there.
    """
    r0, r1 = region
    m = len(guesses)
    if m == 0:
        return []
    pauses = [(a + r0, b + r0) for a, b in _runs(~raw[r0:r1]) if a > 0 and b < r1 - r0]
    hop_ms = options.hop * 1000.0
    radius = options.dip_radius / options.hop

    def score(k: int, c: int) -> float:
        a, b = pauses[c]
        g = guesses[k]
        dist = 0.0 if a <= g < b else min(abs(g - a), abs(g - (b - 1)))
        if dist > radius:
            return -np.inf
        return (b - a) * hop_ms - options.gap_distance_weight * dist * hop_ms

    n = len(pauses)
    # best[c + 1] = best total so far with the last used pause index c (c = -1: none yet).
    best = np.zeros(n + 1)
    best[1:] = -np.inf
    choice = np.full((m, n + 1), -2, dtype=np.int64)  # -2: no pause; else previous state
    for k in range(m):
        new = best.copy()  # taking no pause keeps the state
        run_max, run_arg = best[0], 0
        for c in range(n):
            s = score(k, c)
            if s > 0 and run_max + s > new[c + 1]:
                new[c + 1] = run_max + s
                choice[k, c + 1] = run_arg
            if best[c + 1] > run_max:
                run_max, run_arg = best[c + 1], c + 1
        best = new
    state = int(np.argmax(best))
    used: list[Optional[int]] = [None] * m
    for k in range(m - 1, -1, -1):
        prev = choice[k, state]
        if state > 0 and prev != -2:
            used[k] = state - 1
            state = int(prev)
    out: list[tuple[int, int]] = []
    for k in range(m):
        if used[k] is not None:
            out.append(pauses[used[k]])
            continue
        lo = max(r0 + 1, int(guesses[k] - radius), out[-1][1] if out else r0 + 1)
        nxt = next((pauses[used[q]][0] for q in range(k + 1, m) if used[q] is not None), r1 - 1)
        hi = max(lo + 1, min(r1 - 1, int(guesses[k] + radius) + 1, nxt))
        # A guess or an earlier split can sit at the very end of the energy track (a word the
        # recogniser put past the audio): keep the search window inside it, never empty.
        lo = max(0, min(lo, len(energy) - 1))
        hi = max(lo + 1, min(hi, len(energy)))
        frames = np.arange(lo, hi)
        penalty = options.dip_distance_db * np.abs(frames - guesses[k]) * options.hop / 0.1
        f = lo + int(np.argmin(energy[lo:hi] + penalty))
        out.append((f, f))
    return out


def refine_word_boundaries(words: Sequence[Word], audio: np.ndarray, sample_rate: int, *,
                           offset: float = 0.0, options: RefineOptions = RefineOptions()) -> tuple[Word, ...]:
    """Words with start/end snapped to the speech in ``audio`` (see the module docstring)."""
    words = sorted(words, key=lambda w: (w.start, w.end))
    if not words:
        return ()
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim != 1:
        audio = audio.mean(axis=0)
    energy, raw, frame_regions = activity(audio, sample_rate, options)
    if not frame_regions:
        return tuple(words)
    hop = options.hop
    to_t = lambda frame: offset + frame * hop  # noqa: E731 - tiny local conversion
    regions = [(to_t(s), to_t(e)) for s, e in frame_regions]
    owner, placed, syl = _assign(words, regions, options, options.max_shift)
    lateness = options.lateness

    starts = [w.start for w in words]
    ends = [w.end for w in words]
    limit = options.max_shift
    i = 0
    while i < len(words):
        r = owner[i]
        j = i
        while j + 1 < len(words) and owner[j + 1] == r:
            j += 1
        if r >= 0:
            starts[i] = regions[r][0] if i in placed else \
                min(max(regions[r][0], words[i].start - limit), words[i].start + options.max_trim)
            ends[j] = max(min(regions[r][1], words[j].end + limit), words[j].end - options.max_trim)
            # Whisper's words usually touch (end == next start); its next-word onset, corrected
            # by the typical lateness, is the best single guess of each boundary.
            guesses = [(max(min(words[k].end, words[k + 1].start) - lateness, words[k].start) - offset) / hop
                       for k in range(i, j)]
            guesses = _spread_guesses(guesses, syl[i:j + 1], *frame_regions[r])
            splits = _region_splits(energy, raw, frame_regions[r], guesses, options)
            for k, (fa, fb) in zip(range(i, j), splits):
                ends[k], starts[k + 1] = to_t(fa), to_t(fb)
        i = j + 1
    out = []
    prev_end = -np.inf
    for i, w in enumerate(words):
        s = max(starts[i] - options.pad, prev_end, 0.0)
        e = ends[i] + options.pad
        if i + 1 < len(words):
            e = min(e, max(starts[i + 1], s))
        e = max(e, s)
        out.append(replace(w, start=round(float(s), 4), end=round(float(e), 4)))
        prev_end = e
    return tuple(out)
