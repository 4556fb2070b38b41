"""`aceforge sample`, `score`, `pairs` and `hard` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.unit.cli.shell import assert_clean_error, help_of, run_cli


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("sample", ("--output", "--client", "--model", "--show-test", "--temperature")),
        ("score", ("--output", "--timeout-s", "--memory-mb", "--no-exec-cache", "--workers")),
        ("pairs", ("--output", "--gap", "--chosen-min", "--rejected-min", "--format", "--max-per-question")),
        ("hard", ("--output", "--low-fraction", "--var-fraction")),
    ],
)
def test_help_lists_the_options(command: str, options: tuple[str, ...]) -> None:
    text = help_of(command)
    for option in options:
        assert option in text, option


def _write(path: Path, rows: list[object]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.mark.parametrize("command", ["sample", "score", "pairs", "hard"])
def test_a_bad_row_is_named_by_file_line_and_field(tmp_path: Path, command: str) -> None:
    _write(tmp_path / "rows.jsonl", [{"id": "q", "question": "Q", "test_cases": ["assert 1"]},
                                     {"id": "r", "question": "R", "test_cases": [3]}])  # fmt: skip
    done = run_cli([command, "rows.jsonl", "-o", "out"], tmp_path)
    assert_clean_error(done, "rows.jsonl:2: field 'test_cases[0]'")


def test_a_file_that_is_not_there_is_named(tmp_path: Path) -> None:
    done = run_cli(["hard", "missing.jsonl", "-o", "out"], tmp_path)
    assert_clean_error(done, "missing.jsonl")
