"""`aceforge exec` and `aceforge humaneval-jobs` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.cli.shell import assert_clean_error, help_of, run_cli


def test_help_lists_the_options() -> None:
    text = help_of("exec")
    for option in ("--output", "--timeout", "--workers"):
        assert option in text
    assert "--samples-per-problem" in help_of("humaneval-jobs")


def test_a_bad_row_is_named_by_file_line_and_field(tmp_path: Path) -> None:
    rows = [{"id": "a", "program": "x = 1", "tests": ["assert x == 1"]}, {"id": 3, "program": "x = 1"}]
    (tmp_path / "jobs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    done = run_cli(["exec", "jobs.jsonl", "-o", "out.jsonl"], tmp_path)
    assert_clean_error(done, "jobs.jsonl:2: field 'id'", "jobs.jsonl:2: field 'tests': missing")


def test_good_rows_run_and_are_written(tmp_path: Path) -> None:
    rows = [{"id": "a", "program": "x = 1", "tests": ["assert x == 1", "assert x == 2"]}]
    (tmp_path / "jobs.jsonl").write_text(json.dumps(rows[0]) + "\n")
    done = run_cli(["exec", "jobs.jsonl", "-o", "out.jsonl", "--workers", "1"], tmp_path)
    assert done.returncode == 0, done.stderr
    [row] = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert row["id"] == "a" and row["outcomes"] == ["passed", "failed"]


def test_humaneval_jobs_names_a_missing_data_file(tmp_path: Path) -> None:
    done = run_cli(["humaneval-jobs", "-o", "x.jsonl", "--codet-dir", "nowhere"], tmp_path)
    assert_clean_error(done, "humaneval_problems.jsonl: file not found")
