"""Learning from the editor: diff → pairs → torch-fitted weights → better ranking elsewhere."""
import dataclasses

import opentimelineio as otio
import pytest

from edit_fixtures import make_script, make_take
from roughcut_core.edit import EditOptions, build_cut, write_otio
from roughcut_core.edit.ranking import HAND_WEIGHTS
from roughcut_core.learn import PreferenceStore, diff_timelines

pytest.importorskip("torch")


def scene(prefix):
    """Three takes in three setups: slow (sorted first), normal and brisk deliveries."""
    takes, readings = {}, []
    for name, word_len in (("A_slow", 0.42), ("B_norm", 0.3), ("C_brisk", 0.2)):
        t, rs = make_take(f"/m/{prefix}_{name}.mov", name, ("ALICE", "BOB"), "WS", word_len=word_len)
        takes[t.path] = t
        readings += rs
    return takes, readings


def editor_prefers_brisk(cut, tmp_path):
    """The editor swaps every clip for our alternate from the brisk take; no roughcut metadata."""
    swapped = []
    for d in cut.decisions:
        alt = next(a for a in d.alternates if "brisk" in a.path) if "brisk" not in d.path else d
        swapped.append(dataclasses.replace(d, path=alt.path, src_in=alt.src_in, src_out=alt.src_out))
    edited = dataclasses.replace(cut, decisions=tuple(swapped))
    path = write_otio(edited, tmp_path / "edited.otio")
    tl = otio.adapters.read_from_file(str(path))
    for clip in tl.find_clips():
        clip.metadata.clear()
    otio.adapters.write_to_file(tl, str(path))
    return path


def brisk_share(cut):
    return sum("brisk" in d.path for d in cut.decisions) / len(cut.decisions)


def test_feedback_on_one_scene_improves_another(tmp_path):
    script = make_script()
    takes_a, readings_a = scene("sceneA")
    cut_a = build_cut(script, takes_a, readings_a)
    assert brisk_share(cut_a) < 0.5  # the hand-set ranking has no pace preference
    generated = write_otio(cut_a, tmp_path / "generated.otio")
    diff = diff_timelines(generated, editor_prefers_brisk(cut_a, tmp_path))
    assert set(diff.replaced) == {l.id for l in script.lines}
    store = PreferenceStore(tmp_path / "prefs")
    prefs = store.update("show", diff.pairs)
    assert prefs.version == 1 and prefs.weights["pace"] > 0
    takes_b, readings_b = scene("sceneB")
    before = brisk_share(build_cut(script, takes_b, readings_b))
    after = brisk_share(build_cut(script, takes_b, readings_b, EditOptions(weights=store.load("show").weights)))
    assert after == 1.0 and after > before


def test_store_versions_and_resets(tmp_path):
    store = PreferenceStore(tmp_path)
    assert store.load("s").weights == HAND_WEIGHTS and store.load("s").version == 0
    from roughcut_core.learn import FeedbackPair
    pair = FeedbackPair("1-1", {"match": 1.0, "pace": 0.5}, {"match": 1.0, "pace": -0.5})
    p1 = store.update("s", [pair])
    p2 = store.update("s", [pair])
    assert (p1.version, p2.version) == (1, 2) and p2.weights["pace"] >= p1.weights["pace"] > 0
    assert len(p2.history) == 2
    reset = store.reset("s")
    assert reset.weights == HAND_WEIGHTS and reset.version == 3
    with pytest.raises(Exception, match="invalid show name"):
        store.load("../etc")


def test_kept_cut_gives_only_weak_confirmations(tmp_path):
    script = make_script()
    takes, readings = scene("s")
    cut = build_cut(script, takes, readings)
    generated = write_otio(cut, tmp_path / "g.otio")
    diff = diff_timelines(generated, generated)
    assert set(diff.kept) == {l.id for l in script.lines} and not diff.replaced
    assert diff.pairs and all(p.weight < 1 for p in diff.pairs)
