"""The shared JSON-lines reader behind the feedback and acceptance logs."""
import pytest

from roughcut_core.errors import RoughcutError
from roughcut_core.fileio import read_jsonl


def test_reads_records_skips_blank_lines_and_a_missing_file_is_empty(tmp_path):
    log = tmp_path / "show.jsonl"
    log.write_text('{"a": 1}\n\n  \n{"a": 2}\n', encoding="utf-8")
    assert read_jsonl(log, lambda d: d["a"], "record") == [1, 2]
    assert read_jsonl(tmp_path / "absent.jsonl", lambda d: d, "record") == []


@pytest.mark.parametrize("bad", ['{"a": 1', '{"b": 1}'])
def test_a_bad_line_names_the_file_the_line_and_what_it_should_be(tmp_path, bad):
    log = tmp_path / "show.jsonl"
    log.write_text('{"a": 1}\n' + bad + "\n", encoding="utf-8")

    def make(d):
        return int(d.get("a", "not a number"))

    with pytest.raises(RoughcutError) as err:
        read_jsonl(log, make, "feedback pair")
    assert f"{log}:2: unreadable feedback pair" in str(err.value)
