"""`train-rm` through the command line: its options build the one `TrainRMConfig`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aceforge.cli import app
from aceforge.reward_model.configs import TrainRMConfig


@pytest.mark.slow  # trains a tiny model (~20 s here)
def test_train_rm_options_reach_the_trainer(tmp_path: Path) -> None:
    pytest.importorskip("trl")
    from aceforge.tiny_models import tiny_qwen2

    base = tiny_qwen2(["good good", "bad bad bad", "Write f."] * 20, tmp_path / "base", kind="seqcls")
    pairs = tmp_path / "pairs.jsonl"
    row = {"prompt": "Write f.", "chosen": "good good", "rejected": "bad bad bad"}
    pairs.write_text((json.dumps(row) + "\n") * 8)
    args = ["train-rm", str(pairs), "-o", str(tmp_path / "rm"), "--base-model", base, "--max-steps", "2",
            "--batch-size", "4", "--max-length", "128", "--lr-scheduler", "constant", "--learning-rate", "1e-3"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "rm" / "aceforge_rm.json").read_text())
    assert saved["steps"] == 2
    expected = TrainRMConfig(base_model=base, max_steps=2, batch_size=4, max_length=128,
                             lr_scheduler="constant", learning_rate=1e-3)  # fmt: skip
    assert saved["config"] == json.loads(json.dumps(expected.__dict__))
