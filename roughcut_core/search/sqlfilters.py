"""The SQL ``WHERE`` clauses of :class:`~.model.Filters`, shared by both engines.

Contract of :func:`filter_sql`: ``(clauses, args)`` over the aliases ``d`` (a stored utterance,
columns of :data:`~.rows.DOC_COLUMNS`) and ``f`` (its file), every clause ANDed by the caller,
every value passed as a parameter (never spliced into the SQL). An engine differs only in its
:class:`Dialect`: the parameter mark, its substring-position function, its left-substring
expression and how the face-name filter is written (PostgreSQL uses ``LIKE`` with escaped
wildcards so its trigram index applies; SQLite ``instr``, literal). List columns are stored
space-padded (:func:`~.rows.padded`), so one item is found as ``" item "``.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Callable

from .model import Filters
from .query import sound_label

MOTION_FAMILIES = ("pan", "tilt", "zoom", "dolly", "track")  # ``motion:pan`` matches pan_left and pan_right


@dataclass(frozen=True)
class Dialect:
    """How one engine spells what the filters need (``{m}``: a parameter mark)."""

    mark: str
    find: str                      # substring position function: ``find(haystack, needle) > 0``
    left: str                      # the first ``{m}`` characters of ``{col}``
    face: str                      # clause testing one face name against ``{m}``
    face_arg: Callable[[str], str]  # the parameter of that clause for a name


def _like_arg(name: str) -> str:
    return "% " + re.sub(r"([\\%_])", r"\\\1", name.lower()) + " %"


SQLITE = Dialect(mark="?", find="instr", left="substr({col}, 1, {m})",
                 face="instr(lower(d.face_names), ' ' || lower({m}) || ' ') > 0", face_arg=lambda name: name)
POSTGRES = Dialect(mark="%s", find="strpos", left="left({col}, {m})",
                   face="lower(d.face_names) LIKE {m}", face_arg=_like_arg)

# (Filters field, clause with one {m} mark for its value)
_COMPARISONS = (
    ("after", "f.mtime >= {m}"),
    ("before", "f.mtime < {m}"),
    ("min_duration", "d.end_s - d.start_s >= {m}"),
    ("max_duration", "d.end_s - d.start_s <= {m}"),
    ("scene_id", "d.scene_id = {m}"),
)


def filter_sql(f: Filters, dialect: Dialect) -> tuple[list[str], list]:
    """The clauses and parameters restricting candidates to ``f`` (see the module contract)."""
    m = dialect.mark
    where: list[str] = []
    args: list = []

    def add(clause: str, *values) -> None:
        where.append(clause.format(m=m))
        args.extend(values)

    def has(col: str) -> str:  # a space-padded list column holds the parameter " item "
        return f"{dialect.find}({col}, {{m}}) > 0"

    if f.character:
        # each branch can use its own index; the planner may combine them (BitmapOr)
        name = f.character
        add(f"(lower(d.character) = lower({{m}}) OR lower(d.speaker) = lower({{m}}) OR {dialect.face})",
            name, name, dialect.face_arg(name))
    if f.shot_size:
        add("lower(d.shot_size) = lower({m})", f.shot_size)
    if f.path:
        add(f"{dialect.find}(lower(f.path), lower({{m}})) > 0", f.path)
    if f.bin:
        base = f.bin.rstrip(os.sep)
        add(dialect.left.format(col="f.path", m="{m}") + " = {m}", len(base) + 1, base + os.sep)
    for field, clause in _COMPARISONS:
        value = getattr(f, field)
        if value is not None and value != "":
            add(clause, value)
    if f.clean:
        add("d.quality = ''")
    for flag in f.exclude_flags:
        add(f"{dialect.find}(d.quality, {{m}}) = 0", f" {flag} ")
    if f.line_id:
        add(has("d.line_ids"), f" {f.line_id} ")
    if f.camera_motion:
        kind = f.camera_motion.lower()
        if kind in MOTION_FAMILIES:
            add(dialect.left.format(col="d.camera_motion", m="{m}") + " = {m}", len(kind) + 1, kind + "_")
        else:
            add("d.camera_motion = {m}", kind)
    if f.sound:
        add(has("d.sounds"), f" {sound_label(f.sound)} ")
    return where, args
