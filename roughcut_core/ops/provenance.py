"""What made a cut: model versions recorded in the cut (and so in its OTIO metadata), and the
drift check of a cut's material against its show's reference.

:func:`with_model_versions` returns the result with ``cut.options["models"]`` set to
``{"asr": NAME, "ranker": {"show", "registry_version", "preferences_version"} | "hand-set"}``;
``cut.options`` is written to the OTIO's ``metadata["roughcut"]["options"]`` by
:mod:`roughcut_core.edit.otio_out`, so every cut says which model versions made it.
:func:`drift_warnings` scores a result's inputs against the show's reference (creating the
reference from the first material) and returns the warning lines (empty when none).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional


def model_versions(show: Optional[str], asr_model: str, preferences_dir=None, ops_dir=None) -> dict:
    if not show:
        return {"asr": asr_model, "ranker": "hand-set"}
    from ..learn import PreferenceStore
    from ..learn.registry import ModelRegistry

    prefs = PreferenceStore(preferences_dir).load(show)
    current = ModelRegistry(ops_dir, preferences_dir).current(show).version
    return {"asr": asr_model, "ranker": {"show": show, "registry_version": current,
                                         "preferences_version": prefs.version}}


def with_model_versions(result, versions: dict):
    """``result`` (a CutResult) whose cut records ``versions`` under ``options["models"]``."""
    cut = replace(result.cut, options={**result.cut.options, "models": versions})
    return replace(result, cut=cut)


def drift_warnings(result, show: Optional[str], ops_dir=None) -> list[str]:
    from .drift import DriftStore, profile_from_result

    if not show:
        return []
    report = DriftStore(ops_dir).check(show, profile_from_result(result), extend_reference=True)
    return [f"{show}: {w}" for w in report.get("warnings", [])]
