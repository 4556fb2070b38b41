import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from aceforge.artifacts import JsonlWriter, write_config
from aceforge.errors import DataFormatError
from aceforge.io import read_exec_rows
from aceforge.types import StdioTest


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n")
    return path


def test_reads_assert_and_stdio_tests(tmp_path):
    p = write_lines(
        tmp_path / "in.jsonl",
        [
            json.dumps(
                {
                    "id": "a",
                    "program": "x",
                    "tests": ["assert 1", {"input": "1", "output": "2"}],
                    "timeout_s": 2,
                }
            ),
            "",
            json.dumps({"id": "b", "program": "y", "tests": []}),
        ],
    )
    rows = read_exec_rows(p)
    assert [r.id for r in rows] == ["a", "b"]
    assert rows[0].tests == ("assert 1", StdioTest("1", "2"))
    assert rows[0].timeout_s == 2.0 and rows[1].timeout_s is None


def test_reads_parquet(tmp_path):
    p = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": "a", "program": "x", "tests": ["assert 1"]}]), p)
    assert read_exec_rows(p)[0].tests == ("assert 1",)


@pytest.mark.parametrize(
    "line, field, problem",
    [
        ('{"id": "a", "program": "x"', None, "invalid JSON"),
        ('{"program": "x", "tests": []}', "id", "missing"),
        ('{"id": 3, "program": "x", "tests": []}', "id", "must be a str"),
        ('{"id": "a", "program": "x", "tests": "assert 1"}', "tests", "must be a list"),
        ('{"id": "a", "program": "x", "tests": [3]}', "tests[0]", "assert string"),
        ('{"id": "a", "program": "x", "tests": [{"input": "1"}]}', "tests[0]", "missing"),
        (
            '{"id": "a", "program": "x", "tests": [{"input": "1", "output": 2}]}',
            "tests[0].output",
            "must be a string",
        ),
        ('{"id": "a", "program": "x", "tests": [], "timeout_s": -1}', "timeout_s", "positive"),
        ('["not", "an", "object"]', None, "must be an object"),
    ],
)
def test_bad_rows_name_file_line_and_field(tmp_path, line, field, problem):
    p = write_lines(tmp_path / "in.jsonl", ['{"id": "ok", "program": "", "tests": []}', line])
    with pytest.raises(DataFormatError) as e:
        read_exec_rows(p)
    assert e.value.line == 2 and e.value.field == field
    assert str(p) in str(e.value) and problem in str(e.value)


def test_all_problems_are_reported_together(tmp_path):
    p = write_lines(
        tmp_path / "in.jsonl",
        [
            '{"id": "a", "program": 1, "tests": []}',
            '{"id": "a", "tests": []}',
            '{"id": "a", "program": "", "tests": []}',
            '{"id": "a", "program": "", "tests": []}',
        ],
    )
    with pytest.raises(DataFormatError) as e:
        read_exec_rows(p)
    msg = str(e.value)
    assert "3 problems" in msg and ":1: field 'program'" in msg and ":2: field 'program'" in msg
    assert "duplicate id 'a' (first on line 3)" in msg


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(DataFormatError, match="file not found"):
        read_exec_rows(tmp_path / "nope.jsonl")


def test_writer_resumes_and_drops_a_partial_last_line(tmp_path):
    out = tmp_path / "out.jsonl"
    with JsonlWriter(out) as w:
        w.write({"id": "a", "v": 1})
        w.write({"id": "b", "v": 2})
    with out.open("a") as f:
        f.write('{"id": "c", "v"')  # a write cut off by a crash
    w = JsonlWriter(out)
    assert w.done_ids == {"a", "b"}
    w.write({"id": "c", "v": 3})
    w.close()
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a", "b", "c"]


def test_config_is_written_next_to_the_output(tmp_path):
    path = write_config(tmp_path / "out.jsonl", {"timeout_s": 1.0})
    assert path.name == "out.jsonl.config.json"
    assert json.loads(path.read_text()) == {"timeout_s": 1.0}


def test_exec_rows_read_dataset_formats_and_compare_modes(tmp_path):
    p = write_lines(
        tmp_path / "in.jsonl",
        [
            json.dumps({"id": "a", "program": "x", "tests": {"inputs": ["1\n"], "outputs": ["2\n"]}}),
            json.dumps(
                {
                    "id": "b",
                    "program": "x",
                    "tests": [{"input": "1", "output": "2", "compare": "tokens:1e-3"}],
                }
            ),
        ],
    )
    a, b = read_exec_rows(p)
    assert a.tests == (StdioTest("1\n", "2\n", "lenient"),)
    assert a.program.startswith("from string import *\n") and a.program.endswith(
        "\nx"
    )  # APPS's judge imports
    assert b.program == "x"
    assert b.tests == (StdioTest("1", "2", "tokens:1e-3"),)


def test_exec_rows_with_bad_dataset_labels_name_line_and_field(tmp_path):
    p = write_lines(
        tmp_path / "in.jsonl",
        [
            json.dumps({"id": "a", "program": "x", "tests": {"inputs": ["1"], "outputs": []}}),
            json.dumps(
                {"id": "b", "program": "x", "tests": [{"input": "1", "output": "2", "compare": "fuzzy"}]}
            ),
        ],
    )
    with pytest.raises(DataFormatError) as e:
        read_exec_rows(p)
    text = str(e.value)
    assert f"{p}:1: field 'tests.outputs': 0 outputs for 1 inputs" in text
    assert f"{p}:2: field 'tests[0].compare': unknown compare mode 'fuzzy'" in text


def test_an_imported_rows_prelude_goes_before_its_program(tmp_path):
    from aceforge.formats.competitive import JUDGE_IMPORTS

    rows = [
        {"id": "a", "program": "x = List\n", "tests": [], "prelude": "from typing import *\n"},
        {"id": "b", "program": "y = 1\n", "tests": [], "prelude": JUDGE_IMPORTS},
    ]
    a, b = read_exec_rows(write_lines(tmp_path / "in.jsonl", [json.dumps(r) for r in rows]))
    assert a.program == "from typing import *\nx = List\n"
    assert b.program.startswith("from string import *") and b.program.endswith("y = 1\n")
    bad = write_lines(
        tmp_path / "bad.jsonl", [json.dumps({"id": "c", "program": "", "tests": [], "prelude": 3})]
    )
    with pytest.raises(DataFormatError, match="field 'prelude'"):
        read_exec_rows(bad)
