"""Defects decided on evidence (issue 13): real espeak-ng speech, known edits, known word times.

Each take is built from synthesised words (so the truth is exact) and given the transcript a
recogniser would produce; ``apply_evidence`` must keep real defects (a substituted word, a
dropped word, a cut-off end, noise over the words) and clear the recogniser's mishearings, and
find a reading the recogniser missed under noise. No recogniser runs here (that is the bench).
"""
from __future__ import annotations

import numpy as np
import pytest

from roughcut_core.model import LineReading, Scene, Script, ScriptLine, Transcript, Word

SR = 16000
LINE = "the last train never came tonight"
NEXT = "then we walked home in the rain"


@pytest.fixture(scope="module")
def bank(espeak_words):
    say, Voice = espeak_words
    voice = Voice("en-us+m3", rate=165)
    words = sorted(set(LINE.split()) | set(NEXT.split()) | {"kitchen"})
    return dict(zip(words, say([(w, voice) for w in words])))


def _take(bank, spoken, *, path, rng, noise_db=None, cut_after=None, next_line=True, heard=None, head=()):
    """(audio, transcript, reading span) of a take: room tone, the line, a pause, the next line.
    ``heard`` replaces the transcript's words of the line (the recogniser's version); ``head``
    is an aborted attempt said before the line and a 0.45 s stop, which the recogniser dropped."""
    room = lambda n: (rng.standard_normal(n) * 10 ** (-62 / 20)).astype(np.float32)  # noqa: E731
    parts, words, t = [room(int(0.5 * SR))], [], 0.5
    for w in head:
        parts += [0.3 * bank[w], room(int(0.05 * SR))]
        t += bank[w].size / SR + 0.05
    if head:
        parts.append(room(int(0.4 * SR)))
        t += 0.4
    line_words = []
    for w in spoken:
        clip = 0.3 * bank[w]
        parts.append(clip)
        line_words.append(Word(w, t, t + clip.size / SR, 0.95))
        t += clip.size / SR
        parts.append(room(int(0.05 * SR)))
        t += 0.05
    line_span = (line_words[0].start, line_words[-1].end)
    next_words = []
    if next_line:
        parts.append(room(int(0.6 * SR)))
        t += 0.6
        for w in NEXT.split():
            clip = 0.3 * bank[w]
            parts.append(clip)
            next_words.append(Word(w, t, t + clip.size / SR, 0.95))
            t += clip.size / SR + 0.05
            parts.append(room(int(0.05 * SR)))
    parts.append(room(int(0.6 * SR)))
    audio = np.concatenate(parts)
    if noise_db is not None:
        a, b = int((line_span[0] - 0.25) * SR), int((line_span[1] + 0.25) * SR)
        speech = float(np.mean(audio[int(line_span[0] * SR):int(line_span[1] * SR)] ** 2))
        audio[a:b] += (rng.standard_normal(b - a) * np.sqrt(speech / 10 ** (noise_db / 10))).astype(np.float32)
    if cut_after is not None:
        audio = audio[: int((line_words[cut_after - 1].end + 0.1) * SR)]
        line_words = line_words[:cut_after]
        next_words = []
    if heard is not None:
        line_words = [Word(h, w.start, w.end, p) for h, w, p in heard(line_words)]
    all_words = tuple(line_words + next_words)
    return audio, Transcript(path, "en", all_words, duration=audio.size / SR), len(line_words)


def _train_misheard(as_what: str):
    """A recogniser's version of the line with "train" heard as ``as_what``, unsure of it (0.4),
    sure of every other word (0.95): ``_take``'s ``heard``."""
    return lambda ws: [(as_what if w.text == "train" else w.text, w, 0.4 if w.text == "train" else 0.95) for w in ws]


def _script():
    return Script((Scene("1", "INT. STATION", (ScriptLine("1-1", "1", "ANNA", LINE),
                                               ScriptLine("1-2", "1", "BEN", NEXT))),),)


def _reading(tr: Transcript, n_line: int, line_id="1-1", defects=()):
    ws = tr.words[:n_line] if line_id == "1-1" else tr.words[n_line:]
    first = 0 if line_id == "1-1" else n_line
    return LineReading(path=tr.path, line_id=line_id, start=ws[0].start, end=ws[-1].end, score=1.0,
                       take_id=tr.path, character="ANNA" if line_id == "1-1" else "BEN",
                       word_span=(first, first + len(ws)), defects=tuple(defects),
                       text=" ".join(w.text for w in ws))


@pytest.fixture(scope="module")
def scene(bank):
    """Three clean takes plus one take per case; returns (readings, transcripts, audio)."""
    rng = np.random.default_rng(7)
    clean = LINE.split()
    takes = {}

    def add(name, spoken, defects, **kw):
        audio, tr, n = _take(bank, spoken, path=name, rng=rng, **kw)
        rs = [_reading(tr, n, "1-1", defects)] if n else []
        if tr.words[n:]:
            rs.append(_reading(tr, n, "1-2"))
        takes[name] = (audio, tr, rs)

    for k in range(3):
        add(f"clean{k}", clean, ())
    # The recogniser heard "rain" for "train": the audio is the clean line.
    add("misheard", clean, ("substitution",),
        heard=_train_misheard("rain"))
    # The recogniser dropped "never": the audio has it.
    add("misheard_drop", clean, ("missing_words",),
        heard=lambda ws: [(w.text, w, 0.95) for w in ws if w.text != "never"])
    # Real flub: the actor said "kitchen" for "train".
    add("flub", [("kitchen" if w == "train" else w) for w in clean], ("substitution",))
    # Real dropped word: "never" is not in the audio.
    add("drop", [w for w in clean if w != "never"], ("missing_words",))
    # An added word the recogniser took for a changed one ("kitchen" heard as "chicken" in
    # place of a word): the kind is the one the sound shows.
    added = clean[:3] + ["kitchen"] + clean[3:]
    add("add_heard_sub", added, ("substitution",),
        heard=lambda ws: [("chicken" if w.text == "kitchen" else w.text, w, 0.9) for w in ws])
    # A dropped word the recogniser heard as a changed one.
    add("drop_heard_sub", [w for w in clean if w != "last"], ("substitution",))
    # An aborted attempt ("the last", a stop) the recogniser dropped: the reading is the second.
    add("restart_head", clean, (), head=("the", "last"))
    # Camera cut after three words.
    add("cut", clean, ("truncated",), cut_after=3)
    # Noise burst over the words (the recogniser still gave words; they are not evidence).
    add("noisy", clean, ("substitution",), noise_db=-3.0)
    # Noise so heavy that the recogniser gave nothing for the line: must be found and flagged.
    audio, tr, n = _take(bank, clean, path="buried", rng=rng, noise_db=-6.0)
    tr = Transcript("buried", "en", tr.words[n:], duration=tr.duration)
    takes["buried"] = (audio, tr, [LineReading(path="buried", line_id="1-2", start=tr.words[0].start,
                                               end=tr.words[-1].end, score=1.0, take_id="buried",
                                               character="BEN", word_span=(0, len(tr.words)),
                                               text=NEXT)])
    readings = [r for _, _, rs in takes.values() for r in rs]
    return readings, {k: v[1] for k, v in takes.items()}, {k: v[0] for k, v in takes.items()}


@pytest.fixture(scope="module")
def decided(scene):
    from roughcut_core.align.evidence import apply_evidence

    readings, transcripts, audio = scene
    out = apply_evidence(_script(), readings, transcripts, audio)
    return {(r.path, r.line_id): r for r in out}


@pytest.mark.parametrize("take,expected", [
    ("misheard", ()), ("misheard_drop", ()),
    ("flub", ("substitution",)), ("drop", ("missing_words",)), ("cut", ("truncated",)),
    ("clean0", ()), ("clean1", ()), ("add_heard_sub", ("ad_lib",)), ("drop_heard_sub", ("missing_words",)),
    ("restart_head", ("restart",)),
])
def test_defects_follow_the_audio_not_the_recogniser(decided, take, expected):
    r = decided[(take, "1-1")]
    assert r.defects == expected, (take, r.defects, r.signals)
    assert r.signals.get("defect_evidence") in (None, "acoustic")


def test_noise_over_words_replaces_word_defects(decided):
    r = decided[("noisy", "1-1")]
    assert r.defects == ("noise",)
    assert r.signals["defect_evidence"] == "noise"


def test_reading_buried_in_noise_is_found_and_flagged(decided, scene):
    r = decided.get(("buried", "1-1"))
    assert r is not None, "the line under the noise was not found"
    assert "noise" in r.defects and r.signals["defect_evidence"] == "search"
    _, transcripts, _ = scene
    truth_start = 0.5
    assert abs(r.start - truth_start) < 0.4 and r.end < transcripts["buried"].words[0].start
    # the next line keeps its own reading, after the found one
    assert decided[("buried", "1-2")].start >= r.end - 0.05


def test_single_take_falls_back_on_recogniser_confidence(scene):
    from roughcut_core.align.evidence import apply_evidence

    readings, transcripts, audio = scene
    only = [r for r in readings if r.path in ("misheard", "flub")]
    # the audio of the scene's takes is the evidence: here only the one take's
    alone = lambda r: {r.path: audio[r.path]}  # noqa: E731
    out = {r.path: r for r in apply_evidence(_script(), [only[0]], transcripts, alone(only[0]))}
    # no other take: the unsure "rain" (p=0.4) is not called a flub
    assert out["misheard"].defects == () and out["misheard"].signals["defect_evidence"] == "asr"
    flub = [r for r in only if r.path == "flub"]
    out = apply_evidence(_script(), flub, transcripts, alone(flub[0]))
    assert out[0].defects == ("substitution",)


def test_dtw_aligns_a_delivery_to_itself_stretched(bank):
    from roughcut_core.align import acoustic as ac

    rng = np.random.default_rng(3)
    a = np.concatenate([bank[w] for w in LINE.split()])
    # the same words with pauses between them, at another level: timing and gain differ
    gap = lambda: (rng.standard_normal(int(0.15 * SR)) * 1e-4).astype(np.float32)  # noqa: E731
    slow = 0.5 * np.concatenate([x for w in LINE.split() for x in (bank[w], gap())])
    w = ac.dtw(ac.features(a), ac.features(slow), open_end=False)
    assert w is not None and w.cost < 0.5
    assert np.all(np.diff(w.path) >= 0) and w.path[-1] == len(ac.features(slow)) - 1
    other = ac.dtw(ac.features(a), ac.features(np.concatenate([bank[w] for w in NEXT.split()])))
    assert other.cost > w.cost + 0.15


def test_a_reference_with_an_uncaught_defect_is_no_evidence(bank):
    """The only reference chosen has an added word nobody flagged: a clean reading misheard by
    the recogniser must not be called a flub because of it (the reference differs from the
    other clean takes too)."""
    from dataclasses import replace

    from roughcut_core.align.evidence import EvidenceOptions, apply_evidence

    rng = np.random.default_rng(11)
    clean = LINE.split()
    takes = {"c0": (clean, ()), "c1": (clean, ()), "hidden_add": (clean[:3] + ["kitchen"] + clean[3:], ()),
             "test": (clean, ("substitution",))}
    readings, transcripts, audio = [], {}, {}
    for name, (spoken, defects) in takes.items():
        a, tr, n = _take(bank, spoken, path=name, rng=rng, next_line=False)
        r = _reading(tr, n, "1-1", defects)
        readings.append(replace(r, score=2.0) if name == "hidden_add" else r)
        transcripts[name], audio[name] = tr, a
    out = {r.path: r for r in apply_evidence(_script(), readings, transcripts, audio,
                                             EvidenceOptions(max_refs=1, search=False))}
    assert out["test"].defects == (), out["test"].signals


def test_a_reading_kept_on_the_whole_line_is_named_by_the_recogniser():
    """``_heard_kind``: the recogniser's one word-level label; of several, the one its word count
    against the line points to; none when it gave none."""
    from roughcut_core.align.evidence import _heard_kind

    def heard(text: str, defects: tuple) -> tuple:
        words = tuple(Word(w, k * 0.3, k * 0.3 + 0.25, 0.9) for k, w in enumerate(text.split()))
        r = LineReading(path="a", line_id="1-1", start=0.0, end=len(words) * 0.3, score=0.9, take_id="a",
                        character="A", word_span=(0, len(words)), defects=defects, text=text)
        return r, Transcript("a", "en", words, duration=3.0)

    size = len(LINE.split())
    assert _heard_kind(*heard("the last train came tonight", ("missing_words", "truncated")), size) \
        == "missing_words"
    # several labels: fewer words heard than the line has -> dropped, more -> added, as many -> changed
    both = ("substitution", "missing_words", "ad_lib")
    assert _heard_kind(*heard("the last train came tonight", both), size) == "missing_words"
    assert _heard_kind(*heard("the last train never really came tonight", both), size) == "ad_lib"
    assert _heard_kind(*heard("the fast train never came tonight", both), size) == "substitution"
    assert _heard_kind(*heard("the last train came tonight", ("substitution", "ad_lib")), size) == "substitution"
    assert _heard_kind(*heard("the last train never came tonight", ("restart",)), size) is None


def test_a_reading_placed_by_order_is_judged_before_it_serves_as_a_reference(bank):
    """A line the recogniser garbled: three clean takes carry its word-level labels (misheard),
    one take's delivery was found without words (the only reading it heard as clean) and the
    take with a dropped word was placed by script order with no defect. The placed reading is
    judged against the takes that sound like the line, whatever the recogniser heard there: it
    is the drop, and the clean takes are not flagged against it."""
    from dataclasses import replace

    from roughcut_core.align.evidence import EvidenceOptions, apply_evidence

    rng = np.random.default_rng(5)
    clean = LINE.split()
    misheard = lambda ws: [("rain" if w.text == "train" else w.text, w, 0.4 if w.text == "train" else 0.9)  # noqa: E731
                           for w in ws]
    readings, transcripts, audio = [], {}, {}
    for name in ("c0", "c1", "c2", "found", "dropped"):
        spoken = [w for w in clean if w != "never"] if name == "dropped" else clean
        a, tr, n = _take(bank, spoken, path=name, rng=rng, next_line=False,
                         heard=None if name in ("found", "dropped") else misheard)
        r = _reading(tr, n, "1-1", ("substitution",))
        if name == "found":   # the other actor's mic (quieter, low-passed), no words heard in it
            from scipy.signal import butter, sosfilt

            a = (0.25 * sosfilt(butter(4, 1000, fs=SR, output="sos"), a)).astype(np.float32)
            tr = Transcript(name, "en", (), duration=tr.duration)
            r = replace(r, word_span=(0, 0), text="", score=0.6, defects=(), signals={"defect_evidence": "search"})
        elif name == "dropped":  # placed by order from garbled words: no defect claimed
            r = replace(r, score=0.3, defects=(), signals={"defect_evidence": "order"})
        readings.append(r)
        transcripts[name], audio[name] = tr, a
    out = {r.path: r for r in apply_evidence(_script(), readings, transcripts, audio, EvidenceOptions(line_rel=None))}
    assert out["dropped"].defects == ("missing_words",), out["dropped"].signals
    for name in ("c0", "c1", "c2", "found"):
        assert out[name].defects == (), (name, out[name].defects, out[name].signals)


def test_a_near_threshold_line_needs_a_sure_recogniser():
    """``_sure_other_words``: a whole-line cost between ``line_rel_sure`` and ``line_rel`` keeps
    the words only when the recogniser was sure of every word it heard instead of the script's."""
    from roughcut_core.align.evidence import EvidenceOptions, _sure_other_words

    o = EvidenceOptions()
    assert _sure_other_words(1.2, 0.9, o)
    assert not _sure_other_words(1.2, 0.4, o)       # unsure: a mishearing as likely as a flub
    assert not _sure_other_words(1.2, None, o)      # nothing heard instead (a drop): no second sign
    assert not _sure_other_words(1.1, 0.95, o)      # the line sounds like the clean takes
    assert not _sure_other_words(1.2, 0.9, EvidenceOptions(line_rel_sure=None))
    assert not _sure_other_words(1.2, 0.9, o, trouble=True)   # misheard there in another take too


def test_a_spot_misheard_in_another_take_is_the_recognisers_trouble():
    """``_misheard_elsewhere``: another take heard other words in place of the same script word
    (a mishearing spot of this voice); a dropped or added word elsewhere, or another word
    replaced, is no such sign."""
    from roughcut_core.align.evidence import _misheard_elsewhere

    line = "There is no fuse box in this building."

    def heard(path: str, text: str) -> tuple:
        words = tuple(Word(w, k * 0.3, k * 0.3 + 0.25, 0.95) for k, w in enumerate(text.split()))
        r = LineReading(path=path, line_id="1-1", start=0.0, end=len(words) * 0.3, score=0.9, take_id=path,
                        character="A", word_span=(0, len(words)), text=text)
        return r, Transcript(path, "en", words, duration=3.0)

    takes = dict(mine=heard("mine", "There is no few bucks in this building."),
                 other=heard("other", "There is no few sparks in this building."),
                 dropped=heard("dropped", "There is no box in this building."),
                 changed=heard("changed", "There is no fuse box in that building."),
                 clean=heard("clean", "There is no fuse box in this building."))
    trs = {k: v[1] for k, v in takes.items()}
    pool = lambda *names: [takes[n][0] for n in names]  # noqa: E731
    assert _misheard_elsewhere(takes["mine"][0], pool("mine", "other", "clean"), trs, line)
    assert not _misheard_elsewhere(takes["mine"][0], pool("mine", "dropped", "changed", "clean"), trs, line)
    assert not _misheard_elsewhere(takes["clean"][0], pool("clean", "other"), trs, line)


def test_three_takes_a_clean_reading_is_not_flagged_against_the_flubbed_one(bank):
    """A 3-take scene: the line's reading on the speaker's mic in two takes (one clean, one with
    a dropped word), both given word-level labels by the recogniser (it misheard "train" in
    both, and missed "never" in the drop), and one on the other actor's mic (quieter,
    low-passed). The two same-level readings are each other's only reference and their pair
    spikes both ways; the recogniser's words say which one differs from the script: the drop
    is flagged, the clean reading and the off-mic one are not."""
    from scipy.signal import butter, sosfilt

    from roughcut_core.align.evidence import EvidenceOptions, apply_evidence

    rng = np.random.default_rng(11)
    clean = LINE.split()
    misheard = lambda ws: [("rain" if w.text == "train" else w.text, w, 0.5 if w.text == "train" else 0.9)  # noqa: E731
                           for w in ws]
    readings, transcripts, audio = [], {}, {}
    for name, spoken, labels in (("wide", clean, ("substitution",)),
                                 ("single", [w for w in clean if w != "never"], ("missing_words", "substitution")),
                                 ("offmic", clean, ("substitution",))):
        a, tr, n = _take(bank, spoken, path=name, rng=rng, next_line=False, heard=misheard)
        if name == "offmic":
            a = (0.25 * sosfilt(butter(4, 1000, fs=SR, output="sos"), a)).astype(np.float32)
        readings.append(_reading(tr, n, "1-1", labels))
        transcripts[name], audio[name] = tr, a
    out = {r.path: r for r in apply_evidence(_script(), readings, transcripts, audio, EvidenceOptions(line_rel=None))}
    assert out["single"].defects == ("missing_words",), out["single"].signals
    assert out["wide"].defects == (), out["wide"].signals
    assert out["offmic"].defects == (), out["offmic"].signals


def test_without_a_clean_reference_a_suspected_one_comes_before_one_known_to_differ():
    """``_references`` with no clean reading of the line: the ones the recogniser only suspects
    (undecided word-level labels) are the references, not one cut short or one already judged
    defective on the sound (any reading spikes against those); with nothing else, those."""
    from roughcut_core.align.evidence import _references

    def rd(path, defects=(), evidence=None, score=0.9):
        return LineReading(path=path, line_id="1-1", start=0.0, end=2.0, score=score, take_id=path,
                           character="ANNA", word_span=(0, 0), defects=tuple(defects), text=LINE,
                           signals={"defect_evidence": evidence} if evidence else {})

    me = rd("me", ("substitution",))
    judged = rd("judged", ("missing_words",), "order", score=1.0)
    cut = rd("cut", ("truncated",), score=1.0)
    suspect = rd("suspect", ("substitution",), score=0.5)
    assert [o.path for o in _references(me, [me, judged, cut, suspect], 3)] == ["suspect"]
    assert {o.path for o in _references(me, [me, judged, cut], 3)} == {"judged", "cut"}


def test_a_spike_against_an_undecided_reference_falls_on_the_one_further_from_the_script():
    """``_attributed``: a pair's spike against a reference with undecided word-level labels
    counts against the reading only when the recogniser heard the reading further from the
    script (``_script_distance``); against a clean or decided reference it always counts."""
    from roughcut_core.align.evidence import EvidenceOptions, _attributed, _script_distance

    def heard(path, text, defects=(), evidence=None):
        words = tuple(Word(w, k * 0.3, k * 0.3 + 0.25, 0.9) for k, w in enumerate(text.split()))
        r = LineReading(path=path, line_id="1-1", start=0.0, end=len(words) * 0.3, score=0.9, take_id=path,
                        character="ANNA", word_span=(0, len(words)), defects=tuple(defects), text=text,
                        signals={"defect_evidence": evidence} if evidence else {})
        return r, Transcript(path, "en", words, duration=3.0)

    o = EvidenceOptions()
    takes = dict(near=heard("near", "the last rain never came tonight", ("substitution",)),
                 far=heard("far", "the last rain came tonight", ("missing_words", "substitution")),
                 judged=heard("judged", "the last train came tonight", ("missing_words",), "order"),
                 clean=heard("clean", LINE))
    trs = {k: v[1] for k, v in takes.items()}
    assert _script_distance(takes["near"][0], trs["near"], LINE) == 1
    assert _script_distance(takes["far"][0], trs["far"], LINE) == 2
    spike, flat = (2.9, 1.0, "ad_lib"), (1.2, 1.0, "substitution")
    r = lambda k: takes[k][0]  # noqa: E731
    assert _attributed(spike, r("near"), r("far"), trs, LINE, o) == (1.0, 1.0, "ad_lib")
    assert _attributed(spike, r("far"), r("near"), trs, LINE, o) == spike
    assert _attributed(spike, r("near"), r("judged"), trs, LINE, o) == spike   # decided: counts
    assert _attributed(spike, r("clean"), r("near"), trs, LINE, o) == (1.0, 1.0, "ad_lib")
    assert _attributed(spike, r("near"), r("clean"), trs, LINE, o) == spike   # a clean reference
    assert _attributed(flat, r("near"), r("far"), trs, LINE, o) == flat
    assert _attributed(None, r("near"), r("far"), trs, LINE, o) is None


def test_a_reading_that_differs_from_every_other_take_is_the_odd_one(bank):
    """A real added word against three takes the recogniser misheard elsewhere (undecided
    labels, as far from the script as the add): the reading spikes against all three, so it is
    the odd one, whatever the recogniser's words say (``_attributed`` only weighs a spike against
    a single reference)."""
    from roughcut_core.align.evidence import EvidenceOptions, apply_evidence

    rng = np.random.default_rng(13)
    clean = LINE.split()
    misheard = lambda ws: [("rain" if w.text == "train" else w.text, w, 0.5 if w.text == "train" else 0.9)  # noqa: E731
                           for w in ws]
    readings, transcripts, audio = [], {}, {}
    for name in ("c0", "c1", "c2", "added"):
        spoken = clean[:3] + ["kitchen"] + clean[3:] if name == "added" else clean
        a, tr, n = _take(bank, spoken, path=name, rng=rng, next_line=False,
                         heard=None if name == "added" else misheard)
        readings.append(_reading(tr, n, "1-1", ("ad_lib",) if name == "added" else ("substitution",)))
        transcripts[name], audio[name] = tr, a
    out = {r.path: r for r in apply_evidence(_script(), readings, transcripts, audio, EvidenceOptions(line_rel=None))}
    assert out["added"].defects == ("ad_lib",), out["added"].signals
    for name in ("c0", "c1", "c2"):
        assert out[name].defects == (), (name, out[name].defects, out[name].signals)


def test_a_take_the_recogniser_heard_nothing_of_is_searched(scene):
    """A take whose transcript has no word of the scene (a voice the recogniser garbles) had no
    reading, so the acoustic search never looked at it and the cut could not use its setup
    (small generated scene 99: two of three takes). Its lines are found in the sound."""
    from roughcut_core.align.evidence import apply_evidence

    readings, transcripts, audio = scene
    clean = [r for r in readings if r.path in ("clean0", "clean1")]
    heard = transcripts["clean2"]
    unheard = {**{p: transcripts[p] for p in ("clean0", "clean1")},
               "unheard": Transcript("unheard", "en", (), duration=heard.duration)}
    sound = {"clean0": audio["clean0"], "clean1": audio["clean1"], "unheard": audio["clean2"]}
    out = [r for r in apply_evidence(_script(), clean, unheard, sound) if r.path == "unheard"]
    got = {r.line_id: r for r in out}
    assert set(got) == {"1-1", "1-2"}, out
    line = [w for w in heard.words if w.text in LINE.split()][:len(LINE.split())]
    assert abs(got["1-1"].start - line[0].start) < 0.25 and abs(got["1-1"].end - line[-1].end) < 0.3
    assert got["1-1"].defects == () and got["1-2"].start >= got["1-1"].end - 0.05
    assert got["1-1"].take_id == "unheard" and got["1-1"].signals["defect_evidence"] == "search"


def test_an_unheard_file_is_not_searched_in_a_bin_of_several_scenes(scene):
    from roughcut_core.align.evidence import apply_evidence

    readings, transcripts, audio = scene
    two = Script((Scene("1", "INT. STATION", (ScriptLine("1-1", "1", "ANNA", LINE),)),
                  Scene("2", "EXT. ROAD", (ScriptLine("2-1", "2", "BEN", NEXT),))))
    clean = [replace_line(r) for r in readings if r.path in ("clean0", "clean1")]
    heard = transcripts["clean2"]
    trs = {**{p: transcripts[p] for p in ("clean0", "clean1")},
           "unheard": Transcript("unheard", "en", (), duration=heard.duration)}
    sound = {"clean0": audio["clean0"], "clean1": audio["clean1"], "unheard": audio["clean2"]}
    assert not [r for r in apply_evidence(two, clean, trs, sound) if r.path == "unheard"]


def replace_line(r):
    from dataclasses import replace

    return replace(r, line_id="2-1") if r.line_id == "1-2" else r
