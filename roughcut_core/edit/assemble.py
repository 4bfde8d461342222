"""Scene assembly as one optimisation over the whole scene (after Leake et al. 2017).

States are the ranked candidates of each script line (in script order); a Viterbi pass
picks the sequence with the lowest total cost. Editing idioms are costs:

- performance first: ``1 - raw score`` of the reading, more for unacceptable readings;
- speaker visible: the speaking character should be on screen;
- establish: the first line of a scene (and the first after a location change,
  ``establish_at``) prefers a wide shot or a two-shot;
- intensify: after establishing, a shot showing more than the speaker costs, so the cut
  moves in to the speaker's single when the performance there is as good;
- no jump cuts: cutting between two takes of the same setup is expensive;
- continuity: staying in the same recording (a through edit) costs nothing, cutting costs a
  little, and cutting inside a quick exchange costs more (keep a setup through it). A quick
  exchange (:func:`quick_exchanges`) is what defines the idiom, a rapid back-and-forth: at
  least ``quick_min_lines`` consecutive lines, each shorter than ``quick_line_seconds``, the
  speaker changing at every line and each picked up within ``quick_pickup_seconds`` of the
  last (the pause between them where the takes hold both lines). Inside an exchange the shot
  that shows both speakers is the idiom's shot, not a wider one to move in from: its lines pay
  no intensify cost there (:func:`exchange_lines`), so a held two-shot costs only the cuts into
  and out of it, where cutting to each speaker's single pays a cut at every line. Ordinary
  short lines with ordinary pauses are no exchange: the cut moves to the speaker's single;
- motion match: cutting from a shot whose camera is moving at the out point into one moving
  the opposite way at the in point (``camera_pan_*``/``camera_tilt_*`` signals, issue 20) costs
  ``opposed_motion``;
- pacing: optional preference for shorter deliveries (tight preset / target duration);
- favour a character: lower cost for readings that show that character.

Editor's rule (default presets): of the lines whose speaker's single has an acceptable
reading, no more than ``max_wide_share`` play on a shot showing more than the speaker, the
establishing line counted like any other (it is one of the scene's lines on the wide), though
the rule never takes the establishing shot itself away; when the cheapest path breaks it, the
pass is re-run with the rule as a constraint (``budget``): the cheapest path with no more lines
on the wider shot than the rule allows, so a quick exchange stays on the two-shot as far as the
rule leaves room. The ``wide`` preset lifts the rule. :func:`idioms` names, per pick, the idioms that drove it.

Presets set the weights; options override them.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, replace
from typing import Optional, Sequence

from .budget import cheapest_within
from .ranking import Candidate

WIDE_SIZES = frozenset({"WS", "LS", "FS", "MLS"})  # FS: full shot (picture, issue 13)


@dataclass(frozen=True)
class AssemblyWeights:
    performance: float = 3.0
    unacceptable: float = 2.5
    speaker_visible: float = 1.0
    establish: float = 0.45
    jump_cut: float = 4.0
    cut: float = 0.15
    # A cut inside a quick exchange chops it: with ``cut`` it costs about what a third of the
    # match term does (performance 3 x 1/3), so only a clearly weaker reading (one of a
    # two- or three-word line's words lost, an unusable one) moves it off the held setup,
    # not the usual spread of clean readings (raw 0.8-1.2).
    quick_exchange: float = 0.9
    pace: float = 0.0
    favour: float = 0.5
    intensify: float = 0.35
    max_wide_share: float = 0.5
    opposed_motion: float = 0.5


PRESETS = {
    "performance": AssemblyWeights(),
    "coverage": AssemblyWeights(performance=2.0, speaker_visible=2.0, intensify=0.5),
    "tight": AssemblyWeights(pace=0.6, quick_exchange=0.1),
    # Wide-favouring: play the master, cut in only where the performance asks for it.
    "wide": AssemblyWeights(intensify=-0.2, establish=0.6, cut=0.3, max_wide_share=1.0),
}


@dataclass(frozen=True)
class AssemblyOptions:
    preset: str = "performance"
    favour_character: Optional[str] = None
    target_duration: Optional[float] = None
    quick_line_seconds: float = 1.6
    # A pickup this tight (s between one line's last word and the next line's first) is a
    # rapid exchange: conversational turns follow each other after about 0.2 s (Stivers et al.
    # 2009, PNAS 106:10587); a scripted scene played at an ordinary pace leaves 0.5 s or more.
    # The recogniser's word times start late on a soft onset ("Thinking": 0.17 s late), so the
    # bound sits between the two, not at the turn time itself.
    quick_pickup_seconds: float = 0.4
    quick_min_lines: int = 3
    max_candidates: int = 12

    def weights(self) -> AssemblyWeights:
        if self.preset not in PRESETS:
            raise ValueError(f"unknown style preset {self.preset!r}; choose one of {sorted(PRESETS)}")
        return PRESETS[self.preset]


def establishes(c: Candidate) -> bool:
    """A wide shot, or any shot showing two or more characters (a two-shot sets the scene)."""
    return c.take.shot_size in WIDE_SIZES or len(c.take.characters) >= 2


def _framing(c: Candidate) -> str:
    """How an editor names an establishing shot: its size, and "two-shot" / "group shot" when
    it frames several characters at a close size (a medium two-shot is no "MCU" to an editor)."""
    size = c.take.shot_size or "wide"
    n = len(c.take.characters)
    if n >= 2 and size not in WIDE_SIZES:
        return f"{'two' if n == 2 else 'group'}-shot, {size}"
    return size


def _is_continuous(a: Candidate, b: Candidate) -> bool:
    return a.take.path == b.take.path and b.reading.start >= a.reading.end - 0.05


def shows_more_than(c: Candidate, character: Optional[str]) -> bool:
    """The shot shows the speaker and someone else (a wide / two-shot of the speaker)."""
    return bool(character) and character in c.take.characters and len(c.take.characters) > 1


def is_single(c: Candidate, character: Optional[str]) -> bool:
    return bool(character) and c.take.characters == (character,)


def unary_cost(c: Candidate, index: int, character: Optional[str], w: AssemblyWeights,
               opts: AssemblyOptions, pace_scale: float, establish_at: frozenset = frozenset({0}),
               holding: frozenset = frozenset()) -> float:
    """The cost of ``c`` on line ``index`` alone (performance and framing; module docstring).
    ``holding``: line indices inside a quick exchange, where a shot showing more than the
    speaker pays no intensify cost (it is the shot an editor holds through the exchange)."""
    cost = w.performance * (1.0 - c.raw)
    if not c.acceptable:
        cost += w.unacceptable
    if character and c.take.characters and character not in c.take.characters:
        cost += w.speaker_visible
    elif character and not c.take.characters:
        cost += 0.5 * w.speaker_visible
    if index in establish_at:
        if not establishes(c):
            cost += w.establish
    elif shows_more_than(c, character) and index not in holding:
        cost += w.intensify
    if w.pace or pace_scale:
        cost += (w.pace + pace_scale) * max(0.0, c.duration) / 4.0
    if opts.favour_character and opts.favour_character in c.take.characters:
        cost -= w.favour
    return cost


def _typical(cands: Sequence[Candidate]) -> float:
    ds = sorted(c.duration for c in cands)
    return ds[len(ds) // 2]


def _pickup(a: Sequence[Candidate], b: Sequence[Candidate]) -> Optional[float]:
    """The median pause from the first line's end to the second's start over the recordings
    that hold both in order (None when none does: shot apart, the pace is the editor's). Each
    reading of the second line is measured from the nearest reading of the first before it in
    its recording: a reading of the first line placed elsewhere in the take (a misplacement, a
    pick-up said earlier) is not the pause the actors left."""
    gaps = []
    for y in b:
        before = [y.reading.start - x.reading.end for x in a
                  if x.take.path == y.take.path and y.reading.start >= x.reading.end - 0.05]
        if before:
            gaps.append(min(before))
    return statistics.median(gaps) if gaps else None


def quick_exchanges(lines: Sequence[tuple[str, Optional[str]]], candidates: dict,
                    options: AssemblyOptions = AssemblyOptions()) -> frozenset:
    """Indices ``k`` whose cut to line ``k + 1`` lies inside a quick exchange: a run of at
    least ``options.quick_min_lines`` consecutive lines, each typically (median over its
    readings) shorter than ``quick_line_seconds``, the character changing at every line, each
    line picked up within ``quick_pickup_seconds`` of the one before (:func:`_pickup`)."""
    def tight(k: int) -> bool:
        (la, ca), (lb, cb) = lines[k], lines[k + 1]
        a, b = candidates.get(la), candidates.get(lb)
        if not a or not b or not ca or not cb or ca == cb:
            return False
        if max(_typical(a), _typical(b)) >= options.quick_line_seconds:
            return False
        gap = _pickup(a, b)
        return gap is not None and gap <= options.quick_pickup_seconds

    out: set[int] = set()
    run: list[int] = []
    for k in [*range(len(lines) - 1), None]:
        if k is not None and tight(k):
            run.append(k)
            continue
        if len(run) + 1 >= options.quick_min_lines:
            out.update(run)
        run = []
    return frozenset(out)


def exchange_lines(quick: frozenset) -> frozenset:
    """The line indices inside the quick exchanges whose cuts are ``quick`` (a cut ``k`` lies
    between lines ``k`` and ``k + 1``): the first line of an exchange to its last."""
    return frozenset(quick) | frozenset(k + 1 for k in quick)


def transition_cost(a: Candidate, b: Candidate, w: AssemblyWeights, opts: AssemblyOptions,
                    quick: bool = False) -> float:
    """The cost of cutting from ``a`` to ``b`` on consecutive lines (``quick``: the cut lies
    inside a quick exchange, :func:`quick_exchanges`)."""
    if _is_continuous(a, b):
        return 0.0
    if a.take.setup == b.take.setup:
        return w.jump_cut
    cost = w.cut
    if quick:
        cost += w.quick_exchange
    if w.opposed_motion and opposed_motion(a.reading.signals, b.reading.signals):
        cost += w.opposed_motion
    return cost


MOVING = 0.12  # frame widths / s: a camera move an editor sees at the cut


def opposed_motion(out_sig: dict, in_sig: dict) -> bool:
    """Both ends move the frame (faster than ``MOVING``) in opposite directions: a negative dot
    product of the content's pan/tilt motion at the out point and at the in point, or a zoom or
    dolly in at one end against one out at the other (both readings classed zoom or dolly, their
    signed ``camera_zoom_*`` log scale rates at the cut at least ``MOVING`` per second and of
    opposite sign; a track's per-pair fit shows a spurious scale as its near layer crosses the
    frame, so the rates alone are not read as a zoom)."""
    return _opposed_pan(out_sig, in_sig) or _opposed_zoom(out_sig, in_sig)


def _opposed_pan(out_sig: dict, in_sig: dict) -> bool:
    try:
        ax, ay = float(out_sig["camera_pan_out"]), float(out_sig["camera_tilt_out"])
        bx, by = float(in_sig["camera_pan_in"]), float(in_sig["camera_tilt_in"])
    except (KeyError, TypeError, ValueError):
        return False
    if (ax * ax + ay * ay) ** 0.5 < MOVING or (bx * bx + by * by) ** 0.5 < MOVING:
        return False
    return ax * bx + ay * by < 0


def _opposed_zoom(out_sig: dict, in_sig: dict) -> bool:
    if not all(str(sig.get("camera_motion", "")).startswith(("zoom_", "dolly_")) for sig in (out_sig, in_sig)):
        return False
    try:
        a, b = float(out_sig["camera_zoom_out"]), float(in_sig["camera_zoom_in"])
    except (KeyError, TypeError, ValueError):
        return False
    return abs(a) >= MOVING and abs(b) >= MOVING and a * b < 0


def _wide_share(picks: Sequence[Optional[Candidate]], lines, candidates) -> tuple[int, int]:
    """(lines on a shot showing more than the speaker where the speaker's single had an
    acceptable reading, lines where such a single exists), establishing lines included."""
    wide = eligible = 0
    for (lid, ch), c in zip(lines, picks):
        if c is None:
            continue
        if any(is_single(o, ch) and o.acceptable for o in candidates.get(lid, ())):
            eligible += 1
            wide += shows_more_than(c, ch)
    return wide, eligible


def assemble(lines: Sequence[tuple[str, Optional[str]]], candidates: dict,
             options: AssemblyOptions = AssemblyOptions(),
             establish_at: frozenset = frozenset({0})) -> list[Optional[Candidate]]:
    """Best candidate per line (None where a line has none), in script order.

    ``lines`` is [(line id, character)], ``candidates`` maps line id → ranked candidates,
    ``establish_at`` the line indices that open a scene or follow a location change.
    Lines without candidates break the chain: the pass restarts after them.
    """
    base = options.weights()
    pace_scale = 0.0
    if options.target_duration:
        natural = sum(c[0].duration for lid, _ in lines if (c := candidates.get(lid)))
        if natural > options.target_duration:
            pace_scale = min(2.0, (natural - options.target_duration) / max(1.0, options.target_duration))
    w = base
    quick = quick_exchanges(lines, candidates, options)
    result = _assemble_once(lines, candidates, w, options, pace_scale, establish_at, quick)
    wide, eligible = _wide_share(result, lines, candidates)
    if base.max_wide_share >= 1.0 or wide <= base.max_wide_share * eligible:
        return result
    within = _within_rule(lines, candidates, w, options, pace_scale, establish_at, quick,
                          int(base.max_wide_share * eligible + 1e-9))
    if within is not None:
        return within
    # No path keeps to the rule (a line's usable single fell outside the candidates kept):
    # step the intensify cost up, as far as it moves the cut, the exchange's lines included.
    for _ in range(14):
        result = _assemble_once(lines, candidates, w, options, pace_scale, establish_at, quick, hold=False)
        wide, eligible = _wide_share(result, lines, candidates)
        if base.max_wide_share >= 1.0 or wide <= base.max_wide_share * eligible:
            break
        w = replace(w, intensify=w.intensify + 0.15, quick_exchange=w.quick_exchange * 0.75)
    return result


def _within_rule(lines, candidates, w, options, pace_scale, establish_at, quick, budget) -> Optional[list]:
    """The cheapest picks (costs as in :func:`_viterbi`) with at most ``budget`` lines on a shot
    showing more than the speaker where the speaker's single has an acceptable reading
    (``budget.cheapest_within``); None when no path keeps to it. Lines without candidates
    are skipped, the lines either side of them joined at no cost. The rule never takes the
    establishing shots themselves away (the budget is at least the number of establishing
    lines it counts, and their slots are reserved for them): in a two-line scene whose second
    speaker has no single it would otherwise open on a close-up, and a quick exchange at the
    head of a scene would spend the opening's slot on its own lines."""
    idx = [i for i, (lid, _) in enumerate(lines) if candidates.get(lid)]
    states = [candidates[lines[i][0]][: options.max_candidates] for i in idx]
    holding = exchange_lines(quick)
    unary = [[unary_cost(c, i, lines[i][1], w, options, pace_scale, establish_at, holding) for c in cs]
             for i, cs in zip(idx, states)]
    counted, openings = [], 0
    for i, cs in zip(idx, states):
        lid, ch = lines[i]
        eligible = any(is_single(o, ch) and o.acceptable for o in candidates[lid])
        # An establishing line's slot is its own: reserved, not spent from the shared budget,
        # so holding a quick exchange on the two-shot never buys its lines with the opening
        # wide (the total stays within ``budget`` either way).
        counted.append([eligible and i not in establish_at and shows_more_than(c, ch) for c in cs])
        openings += eligible and i in establish_at
    budget = max(budget, openings) - openings

    def transition(k: int, j: int, n: int) -> float:
        if idx[k - 1] != idx[k] - 1:
            return 0.0
        return transition_cost(states[k - 1][j], states[k][n], w, options, idx[k] - 1 in quick)

    path = cheapest_within(unary, transition, counted, budget)
    if path is None:
        return None
    result: list[Optional[Candidate]] = [None] * len(lines)
    for i, cs, n in zip(idx, states, path):
        result[i] = cs[n]
    return result


def _assemble_once(lines, candidates, w, options, pace_scale, establish_at, quick=frozenset(),
                   hold: bool = True) -> list[Optional[Candidate]]:
    result: list[Optional[Candidate]] = [None] * len(lines)
    segment: list[int] = []
    for i, (lid, _) in enumerate(lines):
        if candidates.get(lid):
            segment.append(i)
            continue
        _viterbi(segment, lines, candidates, w, options, pace_scale, result, establish_at, quick, hold)
        segment = []
    _viterbi(segment, lines, candidates, w, options, pace_scale, result, establish_at, quick, hold)
    return result


def idioms(picks: Sequence[Optional[Candidate]], lines: Sequence[tuple[str, Optional[str]]],
           options: AssemblyOptions = AssemblyOptions(),
           establish_at: frozenset = frozenset({0}), candidates: Optional[dict] = None) -> list[tuple[str, ...]]:
    """Per pick, the editing idioms that explain it, in an editor's words (``candidates``,
    the ranked candidates per line, lets it say why a scene opens on a single)."""
    out: list[tuple[str, ...]] = []
    quick = quick_exchanges(lines, candidates or {}, options)
    for i, ((lid, ch), c) in enumerate(zip(lines, picks)):
        if c is None:
            out.append(())
            continue
        why: list[str] = []
        prev = picks[i - 1] if i else None
        if i in establish_at and establishes(c):
            why.append(f"establishing ({_framing(c)})")
        elif i in establish_at and is_single(c, ch):
            clean_wide = any(establishes(o) and o.acceptable and not o.reading.defects
                             for o in (candidates or {}).get(lid, ()))
            why.append(f"opening on {ch}'s single (the stronger read)" if clean_wide
                       else f"opening on {ch}'s single (no clean reading in a wide)")
        elif is_single(c, ch):
            why.append(f"{ch}'s single")
        elif shows_more_than(c, ch):
            if _held(picks, i, quick):
                group = "two-shot" if len(c.take.characters) == 2 else "group shot"
                why.append(f"holding the {group} through the quick exchange")
            elif options.preset == "wide":
                why.append("wide preset: staying on the master")
            else:
                why.append(f"{ch} in the {c.take.shot_size or 'wide'} (no better single)")
        elif ch and c.take.characters and ch not in c.take.characters:
            why.append(f"reaction: {', '.join(c.take.characters)} listens, {ch} off screen"
                       + (", holding the setup through the quick exchange" if _held(picks, i, quick) else ""))
        out.append(tuple(why))
    return out


def _held(picks: Sequence[Optional[Candidate]], i: int, quick: frozenset) -> bool:
    """Pick ``i`` runs on in one recording from the line before or into the line after across a
    cut that lies inside a quick exchange (the setup is held through it)."""
    prev = picks[i - 1] if i else None
    nxt = picks[i + 1] if i + 1 < len(picks) else None
    return ((prev is not None and i - 1 in quick and _is_continuous(prev, picks[i]))
            or (nxt is not None and i in quick and _is_continuous(picks[i], nxt)))


def _viterbi(idx: list[int], lines, candidates, w, opts, pace_scale, result, establish_at=frozenset({0}),
             quick: frozenset = frozenset(), hold: bool = True) -> None:
    if not idx:
        return
    holding = exchange_lines(quick) if hold else frozenset()
    states = [candidates[lines[i][0]][: opts.max_candidates] for i in idx]
    cost = [unary_cost(c, idx[0], lines[idx[0]][1], w, opts, pace_scale, establish_at, holding) for c in states[0]]
    back: list[list[int]] = []
    for k in range(1, len(idx)):
        i = idx[k]
        new_cost, ptr = [], []
        for c in states[k]:
            u = unary_cost(c, i, lines[i][1], w, opts, pace_scale, establish_at, holding)
            q = idx[k - 1] == i - 1 and i - 1 in quick
            best_j = min(range(len(states[k - 1])),
                         key=lambda j: cost[j] + transition_cost(states[k - 1][j], c, w, opts, q))
            new_cost.append(cost[best_j] + transition_cost(states[k - 1][best_j], c, w, opts, q) + u)
            ptr.append(best_j)
        cost, _ = new_cost, back.append(ptr)
    j = min(range(len(cost)), key=cost.__getitem__)
    for k in range(len(idx) - 1, -1, -1):
        result[idx[k]] = states[k][j]
        if k:
            j = back[k - 1][j]
