"""`aceforge synth` and `aceforge filter` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.cli.shell import assert_clean_error, help_of, run_cli


def test_help_lists_the_options() -> None:
    text = help_of("synth")
    for option in ("--seeds", "--output", "--field", "--n-tests", "--client", "--model", "--no-cache"):
        assert option in text
    text = help_of("filter")
    for option in ("--output", "--min-tests", "--oracle", "--timeout-s"):
        assert option in text


def test_a_bad_seeds_file_names_the_line_and_field_before_any_request(tmp_path: Path) -> None:
    (tmp_path / "seeds.jsonl").write_text('{"code": "def f(): pass"}\n')
    args = ["synth", "--seeds", "seeds.jsonl", "-o", "out", "--client", "openai",
            "--base-url", "http://127.0.0.1:9/v1", "--model", "m"]  # fmt: skip  # nothing listens on port 9
    assert_clean_error(run_cli(args, tmp_path), "seeds.jsonl:1: field 'program'", "--field program=NAME")
    assert not (tmp_path / "out" / "data.jsonl").exists()


def test_filter_names_the_row_missing_a_question(tmp_path: Path) -> None:
    rows = [{"id": "q", "question": "Q", "test_cases": ["assert 1"]}, {"id": "r", "test_cases": []}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    done = run_cli(["filter", "in.jsonl", "-o", "out"], tmp_path)
    assert_clean_error(done, "in.jsonl:2: field 'question'")
