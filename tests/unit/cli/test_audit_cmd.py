"""`aceforge audit` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.cli.shell import assert_clean_error, help_of, run_cli


def test_help_lists_the_options() -> None:
    text = help_of("audit")
    for option in (
        "--output",
        "--solutions",
        "--n-mutants",
        "--codet-dir",
        "--limit",
        "--timeout-s",
        "--workers",
    ):
        assert option in text, option


def test_a_bad_row_is_named_by_file_line_and_field(tmp_path: Path) -> None:
    (tmp_path / "data.jsonl").write_text(json.dumps({"id": "q", "test_cases": ["assert 1"]}) + "\n")
    done = run_cli(["audit", "data.jsonl", "-o", "out"], tmp_path)
    assert_clean_error(done, "data.jsonl:1: field 'question'")


def test_a_line_that_is_not_json_is_named(tmp_path: Path) -> None:
    row = {"id": "q", "question": "Q", "test_cases": ["assert 1"]}
    (tmp_path / "data.jsonl").write_text(json.dumps(row) + "\n{broken\n")
    done = run_cli(["audit", "data.jsonl", "-o", "out"], tmp_path)
    assert_clean_error(done, "data.jsonl:2")
