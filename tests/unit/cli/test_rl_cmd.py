"""`train-rl --config`: the same loader, and the same key-path errors, as `aceforge run`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aceforge.cli import app
from aceforge.config import load_run_config
from aceforge.errors import ConfigError
from aceforge.rl.configs import load_rl_config

runner = CliRunner()


def test_a_string_where_a_number_belongs_gives_the_key_path_error_of_run(tmp_path: Path) -> None:
    rl = tmp_path / "rl.yaml"
    rl.write_text("data: d.jsonl\noutput: out\ntrain_rl:\n  learning_rate: abc\n  max_step: 5\n")
    result = runner.invoke(app, ["train-rl", "--config", str(rl)])
    assert isinstance(result.exception, ConfigError)
    message = str(result.exception)
    assert "train_rl.learning_rate: must be float, got str 'abc'" in message
    assert "train_rl.max_step: unknown key (did you mean 'max_steps'?)" in message
    assert str(rl) in message and "2 problem(s)" in message
    assert not (tmp_path / "out").exists()  # nothing started
    run = tmp_path / "run.yaml"
    run.write_text("rl:\n  learning_rate: abc\n")
    with pytest.raises(ConfigError) as err:
        load_run_config(run)
    assert "rl.learning_rate: must be float, got str 'abc'" in str(err.value)


def test_the_command_line_names_the_problem_and_exits_2(tmp_path: Path) -> None:
    rl = tmp_path / "rl.yaml"
    rl.write_text("data: d.jsonl\noutput: out\nlearning_rate: [1]\n")  # a flat file: no train_rl section
    done = subprocess.run(
        [sys.executable, "-m", "aceforge.cli", "train-rl", "-c", str(rl)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "learning_rate: must be float, got list [1]" in done.stderr
    assert "Traceback" not in done.stderr


def test_yaml_numbers_options_and_sections(tmp_path: Path) -> None:
    rl = tmp_path / "rl.yaml"
    rl.write_text("train_rl:\n  learning_rate: 1e-4\n  train_pass_rate: [0.2, 0.8]\n  max_steps: 7\n")
    cfg = load_rl_config(rl)  # PyYAML reads 1e-4 as a string: taken as the number it spells
    assert cfg.learning_rate == 1e-4 and cfg.train_pass_rate == [0.2, 0.8] and cfg.max_steps == 7
    assert load_rl_config(rl, max_steps=3, seed=None).max_steps == 3  # options given win; None: not given
    with pytest.raises(ConfigError, match="train-rl: 1 problem"):
        load_rl_config(None, learnig_rate=1.0)
    rl.write_text("train_rl: 3\n")
    with pytest.raises(ConfigError, match="train_rl: must be a mapping"):
        load_rl_config(rl)
