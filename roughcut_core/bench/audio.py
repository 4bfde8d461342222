"""Audio benchmark (`roughcut bench audio`): diarization error rate and analysis speed.

- DER (NIST, 0.25 s collar, overlap scored, UEM when present) of ``diarize`` on every
  ``*.rttm`` in ../shared/media/diarization, with the speaker count estimated and with it given;
  miss / false alarm / confusion parts, and the diarization real-time factor.
- Audio-quality analysis real-time factor (media seconds / wall seconds) on the shared speech
  files and on a generated ``--long``-minute 48 kHz stereo file (default 10), next to a plain
  PyAV decode of the same file (the decode bound), and peak RSS of this process.

Runs with no cache: every number is real work. ``--json`` prints the raw results.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Optional

import numpy as np

from ..paths import shared_media_dir
from . import markdown_table, peak_rss_mb

QUALITY_FILES = ("speech_transcribed/jfk.flac", "speech_transcribed/librivox_sonnet001.mp3",
                 "diarization/ami_excerpt_tst00.wav", "video_faces_speaking/grid_bbaf2n.mpg")


def _shared_media(arg: Optional[str]) -> Optional[Path]:
    root = Path(arg) if arg else shared_media_dir()
    return root if root.is_dir() else None


def diarization_rows(root: Path) -> list[dict]:
    from ..audio.speaker_windows import WindowEmbedder
    from ..speech.diarize import diarization_error_rate, diarize, read_rttm, read_uem

    embedder = WindowEmbedder()
    rows = []
    for rttm in sorted((root / "diarization").glob("*.rttm")):
        media = rttm.with_suffix(".wav")
        if not media.exists():
            continue
        ref = read_rttm(rttm)
        uem_path = rttm.with_suffix(".uem")
        uem = read_uem(uem_path) if uem_path.exists() else None
        n_ref = len({t.speaker for t in ref})
        for given in (None, n_ref):
            tick = time.perf_counter()
            hyp = diarize(media, num_speakers=given, embedder=embedder)
            wall = time.perf_counter() - tick
            r = diarization_error_rate(ref, hyp, uem=uem)
            duration = max([t.end for t in ref] + [uem[1] if uem else 0.0])
            rows.append({"file": rttm.stem, "speakers_ref": n_ref, "speakers_given": given,
                         "speakers_found": len({t.speaker for t in hyp}), "der": r["der"],
                         "miss": r["miss"], "false_alarm": r["false_alarm"],
                         "confusion": r["confusion"], "rtf": duration / wall,
                         "backend": embedder.backend})
    return rows


def _decode_seconds(path) -> float:
    from ..audio.decode import iter_blocks

    tick = time.perf_counter()
    for _ in iter_blocks(path, 1.0):
        pass
    return time.perf_counter() - tick


def quality_rows(paths: list[Path]) -> list[dict]:
    import pyloudnorm  # noqa: F401 - imported once per process; keep it out of the timings
    import scipy.signal  # noqa: F401

    from ..audio import analyze_audio_quality

    rows = []
    for path in paths:
        decode_s = _decode_seconds(path)
        tick = time.perf_counter()
        report = analyze_audio_quality(path)
        wall = time.perf_counter() - tick
        rows.append({"file": path.name, "seconds": report.duration,
                     "channels": len(report.channels), "rate": report.sample_rate,
                     "rtf": report.duration / wall, "x_decode": wall / max(decode_s, 1e-9),
                     "loudness_lufs": report.loudness_lufs, "snr_db": report.snr_db,
                     "flags": len(report.flags)})
    return rows


def write_long_file(path: Path, minutes: float) -> Path:
    """Seeded speech-like noise bursts, 48 kHz stereo 16-bit, written block by block."""
    rng = np.random.default_rng(0)
    rate = 48000
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        for second in range(int(minutes * 60)):
            level = 0.2 if second % 3 else 0.01
            block = rng.normal(0, level, (rate, 2)).clip(-1, 1)
            w.writeframes((block * 32767).astype("<i2").tobytes())
    return path


def run(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="roughcut bench audio", description=__doc__.split("\n")[0])
    parser.add_argument("--media", help="shared media folder (default ../shared/media)")
    parser.add_argument("--long", type=float, default=10.0, help="minutes of generated audio (0: skip)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    root = _shared_media(args.media)
    results: dict = {"diarization": [], "quality": []}
    if root is None:
        print("shared media not found: DER and shared-file timings skipped", file=sys.stderr)
    else:
        results["diarization"] = diarization_rows(root)
        results["quality"] = quality_rows([root / f for f in QUALITY_FILES if (root / f).exists()])
    if args.long > 0:
        with tempfile.TemporaryDirectory() as tmp:
            long_path = write_long_file(Path(tmp) / "long.wav", args.long)
            results["quality"] += quality_rows([long_path])
    results["peak_rss_mb"] = peak_rss_mb()
    if args.json:
        print(json.dumps(results, indent=2, default=float))
        return 0
    print("## Diarization (DER, collar 0.25 s, overlap scored)\n")
    print(markdown_table(["file", "ref spk", "given", "found", "DER", "miss", "FA", "conf", "RTF", "backend"],
                         [[r["file"], r["speakers_ref"], r["speakers_given"], r["speakers_found"], r["der"],
                           r["miss"], r["false_alarm"], r["confusion"], r["rtf"], r["backend"]]
                          for r in results["diarization"]]))
    print("\n## Audio quality analysis speed\n")
    print(markdown_table(["file", "seconds", "ch", "rate", "RTF", "x decode", "LUFS", "SNR dB", "flags"],
                         [[r["file"], r["seconds"], r["channels"], r["rate"], r["rtf"], r["x_decode"],
                           r["loudness_lufs"], r["snr_db"], r["flags"]] for r in results["quality"]]))
    print(f"\npeak RSS: {results['peak_rss_mb']:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
