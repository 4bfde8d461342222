"""``serialize.from_dict`` reads tuples of floats (face boxes, keypoints, sample times: the bulk of
a cached picture analysis, issue 23) in one pass, with exactly the values and types the
element-by-element reading gave: JSON ints become floats, None stays None."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from roughcut_core.model import FaceBox
from roughcut_core.serialize import from_dict, to_jsonable


@dataclass(frozen=True)
class _Sample:
    box: tuple[float, float, float, float]
    times: tuple[float, ...]
    points: tuple[tuple[float, ...], ...] = ()
    names: tuple[str, ...] = ()
    pair: tuple[float, int] = (0.0, 0)
    maybe: Optional[tuple[float, ...]] = None


def test_tuples_of_floats_come_back_as_floats():
    got = from_dict(_Sample, {"box": [0, 0.5, 1, 0.25], "times": [0, 1.5, 2], "points": [[1, 2], [0.5, 3]],
                              "names": ["a", "b"], "pair": [1, 2], "maybe": [3, 0.5]})
    assert got == _Sample(box=(0.0, 0.5, 1.0, 0.25), times=(0.0, 1.5, 2.0), points=((1.0, 2.0), (0.5, 3.0)),
                          names=("a", "b"), pair=(1.0, 2), maybe=(3.0, 0.5))
    assert [type(v) for v in got.box] == [float] * 4
    assert [type(v) for v in got.times] == [float] * 3
    assert all(type(v) is float for p in got.points for v in p)
    assert type(got.pair[0]) is float and type(got.pair[1]) is int  # a mixed tuple keeps each type
    assert from_dict(_Sample, {"box": [0, 0, 1, 1], "times": []}).maybe is None


def test_a_none_inside_and_an_overlong_list_read_as_before():
    got = from_dict(_Sample, {"box": [0, None, 1, 1, 9], "times": [1, None]})
    assert got.box == (0.0, None, 1.0, 1.0)  # zip's truncation to the declared length, as before
    assert got.times == (1.0, None)


def test_a_face_round_trips_exactly():
    face = FaceBox(t=1.25, box=(0.1, 0.2, 0.3, 0.4), score=0.9, track=2, speaking=True, mouth_open=0.5, yaw=-12.0)
    assert from_dict(FaceBox, to_jsonable(face)) == face
    assert from_dict(FaceBox, {"t": 1, "box": [0, 0, 1, 1], "score": 1}).box == (0.0, 0.0, 1.0, 1.0)
