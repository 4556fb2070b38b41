"""`aceforge import` from the command line: options, a real conversion, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.cli.shell import assert_clean_error, help_of, run_cli


def test_help_lists_the_options() -> None:
    text = help_of("import")
    for option in ("--output", "--format", "humaneval", "mbpp"):
        assert option in text, option


def test_mbpp_rows_become_stage_rows(tmp_path: Path) -> None:
    row = {
        "task_id": 2,
        "text": "Write a function that adds two numbers.",
        "test_list": ["assert add(1, 2) == 3", "assert add(0, 0) == 0"],
    }
    (tmp_path / "mbpp.jsonl").write_text(json.dumps(row) + "\n")
    done = run_cli(["import", "mbpp.jsonl", "-o", "rows.jsonl"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1 rows" in done.stdout and "mbpp: 1" in done.stdout
    rows = [json.loads(x) for x in (tmp_path / "rows.jsonl").read_text().splitlines()]
    assert len(rows) == 1 and rows[0]["format"] == "mbpp"
    assert len(rows[0]["tests"]) == 2


def test_an_unknown_format_is_refused_and_output_left_alone(tmp_path: Path) -> None:
    (tmp_path / "d.jsonl").write_text(json.dumps({"test_list": ["assert 1"]}) + "\n")
    done = run_cli(["import", "d.jsonl", "-o", "rows.jsonl", "--format", "nope"], tmp_path)
    assert_clean_error(done, "--format 'nope'")
    assert not (tmp_path / "rows.jsonl").exists()
