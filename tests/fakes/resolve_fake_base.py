"""Shared pieces of the Resolve fake: the bridge base object, the call decorator, colours, rates."""
from __future__ import annotations

import functools
import inspect
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


# Calls Blackmagic documents as Studio-only (HOST_API A1 "Free vs Studio"): on Free they return
# False and open the upsell modal. The fake does not emulate them otherwise.
STUDIO_ONLY_CALLS = frozenset(("CreateSubtitlesFromAudio", "DetectSceneCuts", "AnalyzeDolbyVision",
                               "TranscribeAudio", "SmartReframe", "Stabilize", "CreateMagicMask",
                               "RegenerateMagicMask"))


def _fail_value(fail: Any) -> Any:
    return fail() if callable(fail) else fail


def api(fail: Any = None, mutates: bool = False):
    """Bridge call: positional arguments only, checked against the method's signature (a wrong
    arity is recorded in ``world.protocol_errors`` and fails like Resolve: ``fail``); honours
    the Studio-only modal; records mutations (attempts included)."""
    def deco(fn):
        sig = inspect.signature(fn)

        @functools.wraps(fn)
        def call(self, *args, **kwargs):
            world = self._w
            if kwargs:  # the scripting bridge is positional
                world.protocol_errors.append("%s.%s got keyword arguments %s" % (self._kind, fn.__name__,
                                                                                 sorted(kwargs)))
                return _fail_value(fail)
            try:
                sig.bind(self, *args)
            except TypeError as exc:
                world.protocol_errors.append("%s.%s%r: %s" % (self._kind, fn.__name__, args, exc))
                return _fail_value(fail)
            if world.modal_open:
                return _fail_value(fail)
            if world.edition == "Free" and fn.__name__ in world.studio_only:
                world.modal_open = True
                return _fail_value(fail)
            if mutates:
                world.calls.append((self._owner(), fn.__name__, args))
            return fn(self, *args)
        return call
    return deco


def _none(*args, **kwargs):
    return None


class Bridge:
    """Base of every fake bridge object. Unknown attributes: with ``missing_attr="callable"``
    (the default) they read as a callable returning None, with ``"none"`` they read as None
    (both recorded in ``world.unknown``); ``has_attr_always_true=False`` raises instead.
    Documented Studio-only calls open the modal on Free."""
    _kind = "object"

    def __init__(self, world: "FakeResolve"):
        self._w = world
        self._uid = "%s-%d" % (self._kind, next(world.ids))

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        world = self._w
        if not world.has_attr_always_true:
            raise AttributeError(name)
        world.unknown.append((self._kind, name))
        if name in STUDIO_ONLY_CALLS:
            def studio_only(*args):
                if world.edition == "Free":
                    world.modal_open = True
                    return False
                return None
            return studio_only
        if world.missing_attr == "none":
            return None
        return _none

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


def frames_to_tc(frames: int, rate: Fraction, drop: bool = False) -> str:
    """Timecode label of a frame count at ``rate`` (``;`` and dropped labels when ``drop`` and
    the rate is 29.97/59.94)."""
    fps = round(rate)
    d = 2 * (fps // 30) if drop and rate.denominator == 1001 and fps in (30, 60) else 0
    if d:
        per_min, per_10 = fps * 60 - d, fps * 600 - 9 * d
        tens, rem = divmod(int(frames), per_10)
        frames = int(frames) + 9 * d * tens + (d * ((rem - d) // per_min) if rem > d else 0)
    return "%02d:%02d:%02d%s%02d" % (frames // (fps * 3600), frames // (fps * 60) % 60, frames // fps % 60,
                                     ";" if d else ":", frames % fps)
