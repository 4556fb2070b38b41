"""One reward-model settings class: `train-rm`'s options and the run's `rm:` section."""

from __future__ import annotations

import inspect
from pathlib import Path

import click
import pytest
import typer

from aceforge import method
from aceforge.cli import app
from aceforge.config import RunConfig, load_run_config
from aceforge.errors import ConfigError
from aceforge.reward_model import train
from aceforge.reward_model.configs import EMBEDDED_RM, TrainRMConfig


def test_train_rm_and_the_rm_stage_share_one_class_and_its_defaults(tmp_path: Path) -> None:
    assert train.TrainRMConfig is TrainRMConfig
    assert inspect.signature(method.run_rm).parameters["cfg"].annotation in ("TrainRMConfig", TrainRMConfig)
    path = tmp_path / "run.yaml"
    path.write_text("rm: {}\n")
    assert load_run_config(path).rm == TrainRMConfig()  # `rm: {}`: train-rm's defaults
    group = typer.main.get_command(app)
    assert isinstance(group, click.Group)
    command = group.get_command(click.Context(group), "train-rm")
    assert command is not None
    options = {p.name: p.default for p in command.params}
    assert options["learning_rate"] == TrainRMConfig().learning_rate == 1e-5  # the paper's
    assert options["base_model"] == EMBEDDED_RM and "held_out" not in options


def test_the_rm_section_is_checked_like_every_other(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("rm:\n  learning_rate: 5e-5\n  batch_size: 16\n  held_out: 0.3\n  warmup: 0.1\n")
    with pytest.raises(ConfigError) as err:
        load_run_config(path)
    assert "rm.warmup: unknown key (did you mean 'warmup_ratio'?)" in str(err.value)
    path.write_text("rm:\n  learning_rate: 5e-5\n  held_out: 1.5\n")
    with pytest.raises(ConfigError, match="rm: held_out must be in"):
        load_run_config(path)
    path.write_text("rm:\n  learning_rate: 5e-5\n  max_length: 512\n")
    rm = load_run_config(path).rm
    assert rm == TrainRMConfig(learning_rate=5e-5, max_length=512)
    assert RunConfig().rm is None  # off unless named


def test_the_quickstart_names_the_small_encoder_settings() -> None:
    rm = load_run_config(Path(__file__).parents[3] / "configs" / "quickstart_rl.yaml").rm
    assert rm is not None and (rm.learning_rate, rm.batch_size, rm.max_length) == (5e-5, 16, 512)
