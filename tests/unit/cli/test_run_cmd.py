"""`aceforge run CONFIG` from the command line."""

from __future__ import annotations

from pathlib import Path

from tests.unit.cli.shell import assert_clean_error, help_of, run_cli


def test_help_lists_the_options() -> None:
    text = help_of("run")
    for option in ("--run-dir", "--from", "--until"):
        assert option in text, option


def test_unknown_keys_are_named_with_the_file(tmp_path: Path) -> None:
    (tmp_path / "cfg.yaml").write_text("bogus_key: 1\n")
    assert_clean_error(run_cli(["run", "cfg.yaml"], tmp_path), "cfg.yaml", "bogus_key: unknown key")


def test_invalid_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "cfg.yaml").write_text("a: 1\nmodel: [\n")
    assert_clean_error(run_cli(["run", "cfg.yaml"], tmp_path), "cfg.yaml: invalid YAML", "line 3")


def test_a_missing_config_is_named(tmp_path: Path) -> None:
    done = run_cli(["run", "nope.yaml"], tmp_path)
    assert done.returncode != 0 and "nope.yaml" in done.stderr and "Traceback" not in done.stderr
