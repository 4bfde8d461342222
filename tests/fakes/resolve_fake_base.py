"""Shared pieces of the Resolve fake: the bridge base object, the call decorator, colours, rates."""
from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

CLIP_COLORS = ("Orange", "Apricot", "Yellow", "Lime", "Olive", "Green", "Teal", "Navy", "Blue",
               "Purple", "Violet", "Pink", "Tan", "Beige", "Brown", "Chocolate")
MARKER_COLORS = ("Blue", "Cyan", "Green", "Yellow", "Red", "Pink", "Purple", "Fuchsia", "Rose",
                 "Lavender", "Sky", "Mint", "Lemon", "Sand", "Cocoa", "Cream")


def snap_rate(fps: Any) -> Fraction:
    f = float(str(fps).split()[0])
    if abs(f - round(f)) < 1e-3:
        return Fraction(round(f))
    return Fraction(round(f * 1.001) * 1000, 1001)


def is_num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def api(fail: Any = None, mutates: bool = False):
    """Bridge call: honours the Studio-only modal and records mutations (attempts included)."""
    def deco(fn):
        @functools.wraps(fn)
        def call(self, *args):
            world = self._w
            if world.modal_open:
                return fail() if callable(fail) else fail
            if world.edition == "Free" and fn.__name__ in world.studio_only:
                world.modal_open = True
                return fail() if callable(fail) else fail
            if mutates:
                world.calls.append((self._owner(), fn.__name__, args))
            return fn(self, *args)
        return call
    return deco


def _none(*args, **kwargs):
    return None


class Bridge:
    """Base of every fake bridge object: unknown attributes exist and return None."""
    _kind = "object"

    def __init__(self, world: "FakeResolve"):
        self._w = world
        self._uid = "%s-%d" % (self._kind, next(world.ids))

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._w.has_attr_always_true:
            self._w.unknown.append((self._kind, name))
            return _none
        raise AttributeError(name)

    def _owner(self):
        return (self._kind, self._uid)

    @api(fail="")
    def GetUniqueId(self):
        return self._uid




def tc_to_frames(tc: str, rate: Fraction) -> int:
    """Non-drop frame count of ``HH:MM:SS:FF`` at ``rate``'s nominal fps (drop labels: ';')."""
    hh, mm, ss, ff = (int(x) for x in tc.replace(";", ":").split(":"))
    fps = round(rate)
    frames = (hh * 3600 + mm * 60 + ss) * fps + ff
    if ";" in tc and rate.denominator == 1001:
        drop = 2 * (fps // 30)
        minutes = hh * 60 + mm
        frames -= drop * (minutes - minutes // 10)
    return frames
