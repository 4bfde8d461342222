"""One measured cut for `roughcut bench speed`, run in a fresh process so that its peak memory
and its timings are its own: ``python -m roughcut_core.bench.speed_run SPEC.json``.

SPEC (JSON): ``media`` (paths), ``script``, ``cache_dir``, ``out_dir``, ``mode``
("cold": plain decode of the files first, then the cut with an empty cache; "regen": the cut
again from a filled cache; "stages": as "cold", but the files analysed one after another, so
that each stage's process CPU seconds are its own: ``stage_cpu_s``, see :func:`stage_cpu`),
``options`` (``picture``, ``asr_model``, ``device``).

The cut is what `roughcut cut` does: probe (kept in the analysis cache: ``probecache``),
``analyze_assets`` (``analyze_asset`` per file where the pipeline has no batch call),
``assemble`` with the blink probe moving cut frames off blinks (``picture.expression.
make_eye_probe``, its windows in the same cache; with the picture on), write the OTIO and the
host plan. The
last stdout line is one JSON object: media seconds, decode/analyse/assemble/total wall
seconds, decode and total CPU seconds (all threads of the process and its finished children:
the share of a loaded machine this run really used), per-file seconds, per-stage seconds
(:func:`stage_seconds`), the process's peak RSS (VmHWM) and the cut's fingerprint
(:func:`cut_fingerprint`), so two runs' cuts can be compared.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def _vm_hwm_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    from . import peak_rss_mb

    return peak_rss_mb()


def _cpu() -> float:
    """CPU seconds of this process (all threads) and of its finished child processes."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def cut_fingerprint(cut) -> list:
    """The cut's editorial content: per decision (file name, src in/out, rec in, lines)."""
    return [[Path(d.path).name, d.src_in, d.src_out, d.rec_in, list(d.line_ids), d.video_track]
            for d in cut.decisions if not d.gap]


class _Timed:
    """Forwards to ``inner``; calls of ``method`` add their wall seconds to ``into[key]``."""

    def __init__(self, inner, method: str, into: dict, key: str):
        self._inner, self._method, self._into, self._key = inner, method, into, key

    def __getattr__(self, name):
        value = getattr(self._inner, name)
        if name != self._method:
            return value

        def timed(*args, **kwargs):
            tick = time.perf_counter()
            try:
                return value(*args, **kwargs)
            finally:
                self._into[self._key] = self._into.get(self._key, 0.0) + time.perf_counter() - tick
        return timed


def stage_seconds(pipeline, analyses, outside: dict, analyse_s: float) -> tuple[dict, str]:
    """Per-stage seconds and how they were measured.

    Preferred: the timings the pipeline records on each analysis (``AssetAnalysis.timings``,
    a dict stage -> seconds, when the pipeline publishes it). Otherwise the seconds spent in the
    speech and picture stage objects' calls, timed from outside, with the rest of
    ``analyze_asset`` (sound quality, probing the cache) as "other"."""
    recorded: dict = {}
    for a in analyses:
        for stage, sec in (getattr(a, "timings", None) or {}).items():
            if isinstance(sec, (int, float)):
                recorded[stage] = recorded.get(stage, 0.0) + float(sec)
    if recorded:
        return recorded, "recorded by the pipeline"
    stages = dict(outside)
    stages["other"] = max(0.0, analyse_s - sum(stages.values()))
    return stages, "stage calls timed from outside"


def stage_cpu(analyses, result, probe_cpu: float, outputs_cpu: float, total_cpu: float) -> dict:
    """Process CPU seconds per stage of a cut whose files were analysed one after another:
    "probe", the file stages summed over the files ("speech", "sound", "picture",
    "analyses"), the scene steps (``CutResult.cpu_timings``, named "scene: <step>"),
    "outputs", and "other" (the rest of ``total_cpu``: imports, model loads outside the stages,
    the scene steps' glue); the values add up to ``total_cpu``."""
    out: dict = {"probe": probe_cpu}
    for a in analyses:
        for stage, sec in (getattr(a, "cpu_timings", None) or {}).items():
            out[stage] = out.get(stage, 0.0) + float(sec)
    for stage, sec in (getattr(result, "cpu_timings", None) or {}).items():
        out[f"scene: {stage}"] = float(sec)
    out["outputs"] = outputs_cpu
    out["other"] = max(0.0, total_cpu - sum(out.values()))
    return {k: round(v, 3) for k, v in out.items()}


def _wrap_stages(pipeline, into: dict) -> None:
    """Time the stage objects' calls (fallback when the pipeline records no timings)."""
    try:
        pipeline._speech = _Timed(pipeline.speech, "transcribe", into, "speech")
        pipeline._picture = _Timed(pipeline.picture_analyzer, "analyze", into, "picture")
    except AttributeError:
        pass


def run_spec(spec: dict) -> dict:
    from .speed_material import media_seconds, plain_decode_seconds

    media = [Path(p) for p in spec["media"]]
    out_dir = Path(spec["out_dir"])
    out_dir.mkdir(parents=True, exist_ok=True)
    res: dict = {"mode": spec["mode"], "files": len(media),
                 "media_s": sum(media_seconds(p) for p in media)}
    if spec["mode"] in ("cold", "stages"):
        cpu0 = _cpu()
        res["decode_s"] = plain_decode_seconds(media)
        res["decode_cpu_s"] = _cpu() - cpu0
    tick, cpu0 = time.perf_counter(), _cpu()
    from roughcut_core.probecache import probe_many_cached
    from roughcut_core.outputs import write_outputs
    from roughcut_core.pipeline import PipelineOptions, RoughCutPipeline
    from roughcut_core.script import load_script

    opts = spec.get("options") or {}
    options = PipelineOptions(asr_model=opts.get("asr_model", "tiny.en"), device=opts.get("device", "auto"),
                              picture=bool(opts.get("picture", True)), cache_dir=spec["cache_dir"],
                              keep_audio_for_scene=True)  # as `roughcut cut`
    keys: dict = {}  # the blink probe's cache keys, filled in once the files are probed
    if options.picture:  # as `roughcut cut`: cut frames moved off blinks, windows in the cache
        from dataclasses import replace

        from roughcut_core.cache import AnalysisCache
        from roughcut_core.picture.expression import make_eye_probe

        probe = make_eye_probe(store={"cache": AnalysisCache(spec["cache_dir"]), "keys": keys})
        options = replace(options, edit=replace(options.edit, eye_probe=probe))
    pipeline = RoughCutPipeline(options)
    outside: dict = {}
    from dataclasses import fields

    from roughcut_core.pipeline import AssetAnalysis

    if spec["mode"] == "cold" and "timings" not in {f.name for f in fields(AssetAnalysis)}:
        _wrap_stages(pipeline, outside)
    # as `roughcut cut`: a regeneration of unchanged files opens no container
    probe_cpu = _cpu()
    assets, errors = probe_many_cached(media, pipeline.cache)
    probe_cpu = _cpu() - probe_cpu
    keys.update({a.path: a.content_key for a in assets})
    script = load_script(spec["script"])
    per_file = []
    t_an = time.perf_counter()
    if spec["mode"] == "stages":  # one file after another: each stage's CPU is its own
        analyses = list(pipeline.analyze_assets(assets, workers=1))
        per_file = [[Path(a.asset.path).name, a.asset.duration, sum(a.timings.values())] for a in analyses]
    elif hasattr(pipeline, "analyze_assets"):  # what `roughcut cut` runs: files overlapped
        analyses = list(pipeline.analyze_assets(assets))
        per_file = [[Path(a.asset.path).name, a.asset.duration, sum((getattr(a, "timings", None) or {}).values())]
                    for a in analyses]
    else:
        analyses = []
        for a in assets:
            t0 = time.perf_counter()
            analyses.append(pipeline.analyze_asset(a))
            per_file.append([Path(a.path).name, a.duration, time.perf_counter() - t0])
    analyse_s = time.perf_counter() - t_an
    t_as = time.perf_counter()
    result = pipeline.assemble(script, analyses)
    out_cpu = _cpu()
    write_outputs(result, otio_path=out_dir / "cut.otio", plan_path=out_dir / "plan.json")
    out_cpu = _cpu() - out_cpu
    res["assemble_s"] = time.perf_counter() - t_as
    res["analyse_s"] = analyse_s
    res["total_s"] = time.perf_counter() - tick
    res["total_cpu_s"] = _cpu() - cpu0
    res["per_file"] = per_file
    # in "regen" mode every stage should be a cache read: a stage with seconds here did work again
    res["stages_s"], res["stages_how"] = stage_seconds(pipeline, analyses, outside, analyse_s)
    if spec["mode"] == "stages":
        res["stage_cpu_s"] = stage_cpu(analyses, result, probe_cpu, out_cpu, res["total_cpu_s"])
    res["errors"] = [str(e) for e in errors] + [e for a in analyses for e in a.errors]
    res["peak_rss_mb"] = _vm_hwm_mb()
    res["cut"] = cut_fingerprint(result.cut)
    res["lines_in_cut"] = (result.cut.coverage or {}).get("lines_in_cut")
    res["lines"] = (result.cut.coverage or {}).get("lines")
    return res


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    res = run_spec(spec)
    sys.stdout.write("\n" + json.dumps(res) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
