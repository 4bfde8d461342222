"""JSON round-trip for the core model, with a schema version on every document.

``to_document(obj)`` gives ``{"schema": "roughcut.<kind>/<version>", ...fields}``;
``from_document(data, cls)`` checks the schema and rebuilds the frozen dataclasses.
Rates serialise as ``[num, den]``, tuples as lists; unknown fields are an error so that
a newer document is never half-read silently.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from fractions import Fraction
from functools import lru_cache
from typing import Any, Union

from . import model
from .errors import SchemaError
from .timebase import Rate

SCHEMAS: dict[type, str] = {
    model.MediaAsset: "roughcut.asset/1",
    model.Transcript: "roughcut.transcript/1",
    model.FaceTrack: "roughcut.facetrack/1",
    model.Script: "roughcut.script/1",
    model.Take: "roughcut.take/1",
    model.LineReading: "roughcut.reading/1",
    model.Cut: "roughcut.cut/1",
}


def to_jsonable(value: Any) -> Any:
    """Plain JSON types for a model value (dataclasses, rates, tuples, fractions)."""
    if isinstance(value, Rate):
        return value.as_pair()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    return value


def to_document(obj: Any) -> dict:
    schema = SCHEMAS.get(type(obj))
    if schema is None:
        raise TypeError(f"{type(obj).__name__} is not a persisted document type")
    return {"schema": schema, **to_jsonable(obj)}


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict:
    return typing.get_type_hints(cls)


@lru_cache(maxsize=None)
def _names(cls: type) -> frozenset:
    return frozenset(f.name for f in dataclasses.fields(cls))


@lru_cache(maxsize=None)
def _shape(tp: Any) -> tuple:
    """(kind, args) of a type hint, worked out once per hint (reading a long cached analysis
    back calls :func:`_build` tens of thousands of times with the same few hints)."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return ("union1", args[0]) if len(args) == 1 else ("plain", None)
    if tp is Rate:
        return ("rate", None)
    if dataclasses.is_dataclass(tp):
        return ("dataclass", None)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return ("tuple_of", args[0])
        return ("tuple", args)
    if tp is float:
        return ("float", None)
    return ("plain", None)


def _floats(values) -> tuple:
    """``tuple[float, ...]`` (or a fixed tuple of floats) in one pass: what ``_build`` gives
    element by element (ints become floats; None, and anything else, stays as it is)."""
    return tuple([float(v) if isinstance(v, int) else v for v in values])


@lru_cache(maxsize=None)
def _all_floats(args: tuple) -> bool:
    return bool(args) and all(a is float for a in args)


def _build(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    kind, args = _shape(tp)
    if kind == "plain":
        return value
    if kind == "float":
        return float(value) if isinstance(value, int) else value
    if kind == "tuple_of":
        inner = _shape(args)[0]
        if inner == "plain":  # tuple[str, ...] and the like: nothing to rebuild
            return tuple(value)
        if inner == "float":  # face boxes, keypoints, sample times: the bulk of a picture entry
            return _floats(value)
        return tuple(_build(args, v) for v in value)
    if kind == "union1":
        return _build(args, value)
    if kind == "rate":
        return Rate.parse(value)
    if kind == "dataclass":
        return from_dict(tp, value)
    if _all_floats(args):
        return _floats(value[:len(args)])
    return tuple(_build(a, v) for a, v in zip(args, value))


def from_dict(cls: type, data: dict) -> Any:
    """Rebuild a dataclass from plain JSON (no schema check)."""
    if not isinstance(data, dict):
        raise SchemaError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    hints, names = _hints(cls), _names(cls)
    if not names.issuperset(data.keys()):
        unknown = set(data) - names - {"schema"}
        if unknown:
            raise SchemaError(f"{cls.__name__}: unknown fields {sorted(unknown)}")
    kwargs = {k: _build(hints[k], v) for k, v in data.items() if k in names}
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise SchemaError(f"{cls.__name__}: {exc}") from exc


def from_document(data: dict, cls: type) -> Any:
    expected = SCHEMAS[cls]
    got = data.get("schema") if isinstance(data, dict) else None
    if got != expected:
        raise SchemaError(f"expected a {expected} document, got schema {got!r}")
    return from_dict(cls, data)
