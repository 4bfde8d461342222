"""Folders of rushes hold sidecars (transcripts, word timings, .rttm, .edl...): discovery skips
them quietly and counts them in one summary line, and keeps an error for each file that looks
like media but cannot be used, or that it does not know."""
from __future__ import annotations

import os

from roughcut_core._cli.main import main
from roughcut_core.media import discover_media, scan_media

SIDECARS = ("take1.rttm", "take1.uem", "words.tsv", "take1.align", "NOTES.TXT", "cam.XML", "reel.edl",
            "sub.srt", "day2/take2.textgrid", "day2/take2.csv")


def _bin(root):
    (root / "day2").mkdir(parents=True)
    for rel in SIDECARS:
        (root / rel).write_text("not media\n")
    (root / "strange.xyz").write_bytes(b"?")
    os.mkfifo(root / "day2" / "pipe.mov")  # looks like media, is not a regular file
    return root


def test_sidecars_are_skipped_quietly_and_counted(tmp_path):
    root = _bin(tmp_path / "bin")
    (root / "a.mov").write_bytes(b"x")
    scan = scan_media([root])
    assert scan.found == (root / "a.mov",)
    assert sorted(p.name for p in scan.sidecars) == sorted(os.path.basename(s) for s in SIDECARS)
    reasons = {os.path.basename(e.path): e.reason for e in scan.errors}
    assert set(reasons) == {"strange.xyz", "pipe.mov"}, reasons
    assert reasons["strange.xyz"] == "not a media file (extension '.xyz')"
    assert scan.summary().startswith("10 sidecar files skipped (") and "2 .rttm" not in scan.summary()
    assert "1 .rttm" in scan.summary() and "1 .txt" in scan.summary()
    found, errors = discover_media([root])
    assert found == list(scan.found) and [str(e) for e in errors] == [str(e) for e in scan.errors]


def test_a_folder_of_sidecars_only_is_still_a_folder_without_media(tmp_path):
    root = tmp_path / "transcripts"
    root.mkdir()
    (root / "a.tsv").write_text("x")
    scan = scan_media([root])
    assert scan.found == () and [e.reason for e in scan.errors] == ["no media files found in this folder"]
    assert scan.summary() == "1 sidecar file skipped (1 .tsv)"


def test_probe_cli_prints_one_summary_line_not_one_error_per_sidecar(shared_media, capsys):
    folder = shared_media / "diarization"  # real AMI/pyannote excerpts beside their .rttm/.uem/.stm
    rc = main(["probe", str(folder), "--json"])
    err = capsys.readouterr().err
    assert rc == 0
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "sidecar files skipped" in lines[0] and ".rttm" in lines[0], err
    assert "not a media file" not in err



def test_an_image_sequence_is_one_error_not_one_per_frame(tmp_path):
    root = tmp_path / "plates"
    root.mkdir()
    for i in range(1, 241):
        (root / f"A001_C003.{i:04d}.dpx").write_bytes(b"dpx")
    (root / "slate_photo.jpg").write_bytes(b"jpg")  # a lone still is not a sequence
    (root / "a.mov").write_bytes(b"x")
    scan = scan_media([root])
    assert scan.found == (root / "a.mov",)
    reasons = {os.path.basename(e.path): e.reason for e in scan.errors}
    assert set(reasons) == {"A001_C003.0001.dpx", "slate_photo.jpg"}, reasons
    assert reasons["A001_C003.0001.dpx"].startswith("image sequence of 240 .dpx frames (A001_C003.0001.dpx"
                                                    " ... A001_C003.0240.dpx)")
    assert reasons["slate_photo.jpg"] == "not a media file (extension '.jpg')"
