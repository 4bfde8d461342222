"""Edit engine and outputs: ranking, scene assembly, cut points, OTIO, host plan, review page."""
from .assemble import PRESETS, AssemblyOptions, AssemblyWeights, assemble
from .cutpoints import Handles, clipped_words, cut_range
from .engine import EditOptions, build_cut, coverage_report
from .hostplan import HOSTPLAN_SCHEMA, cut_to_hostplan
from .otio_out import cut_to_otio, write_otio
from .ranking import Candidate, TakeInfo, rank_reading, rank_readings

__all__ = [
    "PRESETS", "AssemblyOptions", "AssemblyWeights", "assemble", "Handles", "clipped_words",
    "cut_range", "EditOptions", "build_cut", "coverage_report", "HOSTPLAN_SCHEMA",
    "cut_to_hostplan", "cut_to_otio", "write_otio", "Candidate", "TakeInfo", "rank_reading",
    "rank_readings",
]
