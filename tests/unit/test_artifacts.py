"""Every file aceforge writes: atomic, complete, readable by pyarrow and the resumable reader."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from aceforge.artifacts import (
    JsonlWriter,
    StageOutput,
    atomic_write,
    empty_row,
    pass_rates,
    read_stage_rows,
    schema,
    schema_with,
    write_json,
    write_table,
)
from aceforge.errors import DataFormatError


def test_atomic_write_leaves_the_old_file_when_the_writer_fails(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "x.json"
    write_json(target, {"a": 1})

    def broken(path: str) -> None:
        Path(path).write_text('{"a": ')
        raise RuntimeError("killed mid-write")

    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert json.loads(target.read_text()) == {"a": 1}  # never half-written


def test_write_table_parquet_and_jsonl_agree(tmp_path: Path) -> None:
    rows = [{**empty_row("q1", "s", "Add."), "test_cases": ["assert add(1, 2) == 3"]}]
    write_table(tmp_path, rows, None, schema())
    assert pq.read_table(tmp_path / "data.parquet").to_pylist()[0]["test_cases"] == rows[0]["test_cases"]
    assert read_stage_rows(tmp_path)[0]["id"] == "q1"
    write_table(tmp_path, [], None, schema())  # an empty stage still has a typed, empty table
    assert pq.read_table(tmp_path / "data.parquet").num_rows == 0
    write_table(tmp_path, [], [], None)  # no schema to type it: no Parquet file at all
    assert not (tmp_path / "data.parquet").exists() and (tmp_path / "pairs_detail.jsonl").exists()
    assert "audit" in schema_with(audit=schema().field("id").type).names


def test_jsonl_writer_drops_a_torn_last_line_and_resumes(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with JsonlWriter(path) as w:
        w.write({"id": "a"})
    with open(path, "ab") as f:
        f.write(b'{"id": "b", "tor')  # a write cut off by SIGKILL
    again = JsonlWriter(path)
    assert again.done_ids == {"a"}
    again.write({"id": "b"})
    again.close()
    assert [json.loads(x)["id"] for x in path.read_text().splitlines()] == ["a", "b"]
    path.write_text("not json\n")
    with pytest.raises(DataFormatError, match=r"out.jsonl:1: field .id."):
        JsonlWriter(path)


def test_stage_output_finalizes_in_input_order_and_counts(tmp_path: Path) -> None:
    out = StageOutput(tmp_path, "demo", {"k": 1})
    out.keep({**empty_row("b", "s", "B"), "test_cases": ["assert f() == 1"]})
    out.reject("c", "too_few_tests")
    out.keep({**empty_row("a", "s", "A"), "test_cases": ["assert f() == 1", "assert f() == 1"]})
    manifest = out.finalize(["a", "b", "c"], {"extra": True}, complete=True)
    assert [r["id"] for r in read_stage_rows(tmp_path)] == ["a", "b"]
    assert manifest["counts"]["reasons"] == {"too_few_tests": 1} and manifest["extra"] is True
    assert json.loads((tmp_path / "manifest.json").read_text())["counts"]["tests_kept"] == 3
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())
    assert os.path.getsize(tmp_path / "rejected.jsonl") > 0


def test_pass_rates_and_validation_name_the_field(tmp_path: Path) -> None:
    assert pass_rates({"inferences": [{"pass_rate": 0.5}, {"pass_rate": None}, {"pass_rate": 1}]}) == [
        0.5,
        1.0,
    ]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "q", "question": "Q", "test_cases": [], "inferences": [{"completion": "x", "pass_rate": 2}]}) + "\n")  # fmt: skip
    with pytest.raises(DataFormatError, match=r"bad.jsonl:1: field .inferences\[0\]\.pass_rate"):
        read_stage_rows(bad)


def test_imported_rows_keep_stdio_tests_and_prelude_through_jsonl_and_parquet(tmp_path: Path) -> None:
    stdio = {"input": "1 2\n", "output": "3\n", "compare": "lenient"}
    row = {
        "id": "q",
        "question": "Sum.",
        "tests": ["assert 1", stdio],
        "format": "apps",
        "prelude": "import os\n",
    }
    (tmp_path / "rows.jsonl").write_text(json.dumps(row) + "\n")
    (read,) = read_stage_rows(tmp_path / "rows.jsonl")  # `aceforge import`'s `tests` become test_cases
    assert (
        read["test_cases"] == ["assert 1", stdio] and read["prelude"] == "import os\n" and "tests" not in read
    )
    write_table(tmp_path, [read], None, schema())
    cells = pq.read_table(tmp_path / "data.parquet").to_pylist()[0]["test_cases"]
    assert cells[0] == "assert 1" and json.loads(cells[1]) == stdio
    (back,) = read_stage_rows(tmp_path / "data.parquet")
    assert back["test_cases"] == ["assert 1", stdio] and back["prelude"] == "import os\n"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**row, "tests": ["assert 1", {"input": "1"}]}) + "\n")
    with pytest.raises(DataFormatError, match=r"bad.jsonl:1: field 'test_cases\[1\]'.*'output'"):
        read_stage_rows(bad)
