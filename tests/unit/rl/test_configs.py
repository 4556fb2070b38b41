"""`TrainRLConfig` → TRL's `GRPOConfig`: one table, every name a real argument."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from aceforge.rl.configs import GRPO_ARGS, TrainRLConfig, grpo_args


def test_every_setting_in_the_table_exists_and_passes_through() -> None:
    fields = {f.name for f in dataclasses.fields(TrainRLConfig)}
    assert set(GRPO_ARGS) <= fields
    cfg = TrainRLConfig(learning_rate=1e-4, batch_size=8, num_generations=4, save_every=5)
    args = grpo_args(cfg, Path("ckpt"), cuda=False, bf16_supported=False)
    assert (args["learning_rate"], args["per_device_train_batch_size"], args["save_steps"]) == (1e-4, 8, 5)
    assert args["output_dir"] == "ckpt" and args["use_cpu"] and args["bf16"] is False
    assert "gradient_checkpointing" not in args  # named only when on
    on = grpo_args(dataclasses.replace(cfg, gradient_checkpointing=True, bf16=False), Path("c"), True, True)
    assert on["gradient_checkpointing"] and on["bf16"] is False and not on["use_cpu"]
    assert grpo_args(cfg, Path("c"), True, True)["bf16"] is True  # None: when the GPU supports it


@pytest.mark.slow  # imports TRL (~15 s here); the training tests build it too
def test_trl_takes_every_argument(tmp_path: Path) -> None:
    trl = pytest.importorskip("trl")
    args = trl.GRPOConfig(**grpo_args(TrainRLConfig(), tmp_path, cuda=False, bf16_supported=False))
    assert args.learning_rate == TrainRLConfig().learning_rate and args.beta == TrainRLConfig().beta
