"""`aceforge serve` and `aceforge export-rl` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.cli.shell import assert_clean_error, help_of, run_cli


def test_help_lists_the_options() -> None:
    text = help_of("serve")
    for option in ("--host", "--port", "--kind", "--workers", "--executor", "--token-env", "--max-batch"):
        assert option in text, option
    text = help_of("export-rl")
    for option in ("--output", "--format", "--data-source"):
        assert option in text, option


def test_export_rl_names_the_bad_row(tmp_path: Path) -> None:
    (tmp_path / "hard.jsonl").write_text(json.dumps({"id": "q", "test_cases": ["assert 1"]}) + "\n")
    done = run_cli(["export-rl", "hard.jsonl", "-o", "rl.jsonl"], tmp_path)
    assert_clean_error(done, "hard.jsonl:1: field 'question'")


def test_export_rl_refuses_an_unknown_format(tmp_path: Path) -> None:
    row = {"id": "q", "question": "Q", "test_cases": ["assert 1"]}
    (tmp_path / "hard.jsonl").write_text(json.dumps(row) + "\n")
    done = run_cli(["export-rl", "hard.jsonl", "-o", "rl.jsonl", "--format", "nope"], tmp_path)
    assert done.returncode != 0 and "nope" in done.stderr and "Traceback" not in done.stderr


def test_a_port_out_of_range_is_an_option_error(tmp_path: Path) -> None:
    assert_clean_error(run_cli(["serve", "--port", "70000"], tmp_path, timeout=60), "--port")
