"""The run config: one YAML file, every problem reported with its key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from aceforge.config import load_run_config
from aceforge.errors import ConfigError
from aceforge.synthesis.configs import PairsConfig


def test_defaults_come_from_the_stage_settings(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("run_dir: runs/x\npairs:\n  gap: 0.5\n")
    cfg = load_run_config(path)
    assert cfg.pairs.gap == 0.5 and cfg.pairs.chosen_min == PairsConfig().chosen_min


def test_every_problem_is_named_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("run_dir: runs/x\npairs:\n  gapp: 0.5\n  chosen_min: high\nsynth:\n  mode: poetry\n")
    with pytest.raises(ConfigError) as err:
        load_run_config(path)
    text = str(err.value)
    assert str(path) in text and "3 problem(s)" in text
    assert "pairs.gapp: unknown key (did you mean 'gap'?)" in text
    assert "pairs.chosen_min: must be float" in text and "synth: synth mode must be one of" in text
    path.write_text("run_dir: [unclosed\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_run_config(path)
