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


def test_the_method_stages_are_off_unless_named(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("run_dir: runs/x\n")
    cfg = load_run_config(path)
    assert cfg.rm is None and cfg.bon is None and cfg.rl is None
    assert [s for s in ("hard", "rm", "bon", "rl") if cfg.enabled(s)] == ["hard"]
    path.write_text("run_dir: runs/x\nrm: {}\nbon:\nrl:\n  max_steps: 5\n  reward: pass_rate\n")
    cfg = load_run_config(path)
    assert cfg.rm is not None and cfg.rm.base_model == "embedded" and cfg.bon is not None
    assert cfg.rl is not None and (cfg.rl.max_steps, cfg.rl.reward, cfg.rl.policy) == (
        5,
        "pass_rate",
        "embedded",
    )
    path.write_text("run_dir: runs/x\nrm: false\nrl:\n  max_step: 5\n  reward: best\n")
    with pytest.raises(ConfigError) as err:
        load_run_config(path)
    assert "rl.max_step: unknown key (did you mean 'max_steps'?)" in str(err.value)
    assert "reward must be one of" in str(err.value)


def test_bon_needs_the_rm_stage(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("run_dir: runs/x\nbon: {}\n")
    with pytest.raises(ConfigError, match="bon: needs the rm stage"):
        load_run_config(path)


def test_the_run_config_imports_settings_never_stage_logic() -> None:
    import subprocess
    import sys

    code = (
        "import sys, aceforge.config; "
        "print(sorted(m for m in ('aceforge.method', 'aceforge.rl.train', 'aceforge.pipeline', "
        "'aceforge.synthesis.stages', 'aceforge.reward_model.train') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
