"""The editor's rule on wide shots as a constraint (issue 14, item 4): the cheapest cut with no
more than half of the lines on the two-shot, so a quick exchange keeps its setup as far as the
rule leaves room, where a stepped-up per-line cost moved every line of it to the singles."""
import itertools
import random

from edit_fixtures import make_script, make_take
from roughcut_core.edit import EditOptions, build_cut
from roughcut_core.edit.budget import cheapest_within


def _brute(unary, trans, counted, budget):
    best = None
    for path in itertools.product(*(range(len(u)) for u in unary)):
        if sum(counted[k][i] for k, i in enumerate(path)) > budget:
            continue
        cost = sum(unary[k][i] for k, i in enumerate(path)) + sum(
            trans(k, path[k - 1], path[k]) for k in range(1, len(path)))
        if best is None or cost < best[0] - 1e-12:
            best = (cost, list(path))
    return best


def test_cheapest_within_matches_exhaustive_search():
    rng = random.Random(7)
    for _ in range(200):
        steps = rng.randint(1, 5)
        unary = [[rng.random() for _ in range(rng.randint(1, 3))] for _ in range(steps)]
        counted = [[rng.random() < 0.5 for _ in u] for u in unary]
        table = {(k, j, i): rng.random() for k in range(steps) for j in range(3) for i in range(3)}
        budget = rng.randint(0, steps)
        got = cheapest_within(unary, lambda k, j, i: table[(k, j, i)], counted, budget)
        want = _brute(unary, lambda k, j, i: table[(k, j, i)], counted, budget)
        if want is None:
            assert got is None
            continue
        assert sum(counted[k][i] for k, i in enumerate(got)) <= budget
        cost = sum(unary[k][i] for k, i in enumerate(got)) + sum(
            table[(k, got[k - 1], got[k])] for k in range(1, steps))
        assert abs(cost - want[0]) < 1e-9


def test_nothing_within_a_budget_no_path_keeps():
    assert cheapest_within([[0.0], [0.0]], lambda k, j, i: 0.0, [[True], [True]], 1) is None
    assert cheapest_within([[0.0], [0.0]], lambda k, j, i: 0.0, [[True], [True]], 2) == [0, 0]


def _cut(n, gap):
    takes = [make_take(p, s, c, size, n=n, gap=gap) for p, s, c, size in (
        ("/m/WIDE_T1.mov", "wide", ("ALICE", "BOB"), "WS"), ("/m/CU_ALICE_T1.mov", "cu_a", ("ALICE",), "CU"),
        ("/m/CU_BOB_T1.mov", "cu_b", ("BOB",), "CU"))]
    return build_cut(make_script(n=n), {t.path: t for t, _ in takes}, [r for _, rs in takes for r in rs],
                     EditOptions(reaction_shots=False)).decisions


def test_a_quick_exchange_keeps_the_two_shot_as_far_as_the_rule_allows():
    # six lines picked up within 0.15 s, both singles usable: the exchange opens on the wide and
    # stays there for half the lines (the rule's limit), then moves in; the stepped intensify
    # cost left only the establishing line on the wide (holding part of it was never cheapest)
    quick = _cut(6, 0.15)
    on_wide = [d.path == "/m/WIDE_T1.mov" for d in quick]
    assert on_wide == [True, True, True, False, False, False]
    assert [d.reasons[0] for d in quick[1:3]] == ["holding the two-shot through the quick exchange"] * 2
    assert quick[3].reasons[0] == "BOB's single"
    assert sum(d.path == "/m/WIDE_T1.mov" for d in _cut(4, 0.15)) == 2   # two of four
    # ordinary pauses: no exchange, the cut moves in straight after establishing
    ordinary = _cut(6, 0.8)
    assert [d.path == "/m/WIDE_T1.mov" for d in ordinary] == [True] + [False] * 5
