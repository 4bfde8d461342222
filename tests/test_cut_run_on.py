"""A reading's edges run on over the unclaimed words next to it (edit.cutpoints.run_on).

The recogniser heard "to decide" as "to get inside"; the aligner ended the reading at "get", and
the cut stopped before "inside" (the next word of the recording), clipping the line's last word.
"""
from dataclasses import replace

from edit_fixtures import make_script, make_take
from roughcut_core.edit import EditOptions, build_cut
from roughcut_core.edit.cutpoints import run_on
from roughcut_core.model import Word

WORDS = (Word("then", 3.28, 3.49), Word("we", 3.49, 3.60), Word("to", 4.26, 4.35), Word("get", 4.37, 4.50),
         Word("inside", 4.50, 4.84), Word("I", 5.63, 5.80), Word("already", 5.80, 6.20))


def test_a_misheard_last_word_said_on_the_breath_joins_the_reading():
    assert run_on(WORDS, (0, 4), 3.28, 4.50, claimed=set(range(4)) | {5, 6}) == (3.28, 4.84, (0, 5))


def test_a_word_another_reading_claims_or_after_a_pause_stays_out():
    assert run_on(WORDS, (0, 4), 3.28, 4.50, claimed=set(range(5))) == (3.28, 4.50, (0, 4))
    assert run_on(WORDS, (0, 5), 3.28, 4.84, claimed=set(range(5))) == (3.28, 4.84, (0, 5))  # "I" after 0.8 s


def test_the_cut_keeps_the_misheard_last_word():
    take, (r1, _) = make_take("/m/CU_ALICE_T1.mov", "cu_a", ("ALICE",), "CU", n=2)
    other, (_, r2) = make_take("/m/CU_BOB_T1.mov", "cu_b", ("BOB",), "CU", n=2)
    # the recogniser heard an extra word right after ALICE's last one; no reading claims it
    words = list(take.transcript.words)
    b = r1.word_span[1]
    extra = Word("inside", words[b - 1].end, words[b - 1].end + 0.4)
    words = words[:b] + [extra] + [replace(w, start=w.start + 0.4, end=w.end + 0.4) for w in words[b:]]
    take = replace(take, transcript=replace(take.transcript, words=tuple(words)))
    cut = build_cut(make_script(n=2), {take.path: take, other.path: other}, [r1, r2],
                    EditOptions(reaction_shots=False))
    d1 = cut.decisions[0]
    assert d1.path == take.path and d1.src_out / take.rate.fraction >= extra.end
