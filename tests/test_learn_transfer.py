"""The learned ranker keeps only what holds across scenes (leave-scenes-out choice of the pull
towards the hand-set weights), and the intent components start at weight 0."""
from roughcut_core.edit.ranking import HAND_WEIGHTS
from roughcut_core.edit.signalterms import INTENT_PARTS
from roughcut_core.learn.feedback import FeedbackPair
from roughcut_core.learn.ranker import L2_GRID, choose_l2, fit_weights


def _pairs(scene, sign, n=6):
    # in this scene the editor's pick is the brisker read (sign +1) or the slower one (sign -1)
    # (the hand-set weights, which ignore pace, order every pair the other way on intent)
    return [FeedbackPair(line_id=f"{scene}-{k}", better={"pace": 0.3 * sign, "intent": 0.0},
                         worse={"pace": -0.3 * sign, "intent": 0.05}) for k in range(n)]


def test_a_taste_that_flips_between_scenes_is_held_back():
    pairs = _pairs("actorA", +1, 4) + _pairs("actorB", -1, 4)
    l2 = choose_l2(dict(HAND_WEIGHTS), pairs)
    assert l2 == L2_GRID[-1]
    w = fit_weights(dict(HAND_WEIGHTS), pairs, l2=l2)
    assert abs(w["pace"]) < 0.05


def test_a_taste_shared_by_every_scene_is_learned():
    pairs = _pairs("s1", +1, 3) + _pairs("s2", +1, 3)
    w = fit_weights(dict(HAND_WEIGHTS), pairs)
    assert w["pace"] > 0.1
    # the learned weights now order the editor's pairs as the editor did
    assert all(sum(w[t] * (p.better.get(t, 0) - p.worse.get(t, 0)) for t in ("pace", "intent")) > 0 for p in pairs)


def test_intent_components_do_not_change_the_hand_set_ranking():
    assert all(HAND_WEIGHTS[t] == 0.0 for t in INTENT_PARTS)
