"""The recipes load and run the way the frameworks load them."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from aceforge.rewards.core import label_of

pytestmark = pytest.mark.integration
RECIPES = Path(__file__).parents[2] / "recipes"
TESTS = ["assert add(1, 2) == 3", "assert add(2, 2) == 4"]
RIGHT = "```python\ndef add(a, b):\n    return a + b\n```"


def load(path: Path):
    """Import a file by path, as verl and OpenRLHF do with a reward-function file."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_trl_grpo_recipe_trains_two_steps_on_cpu(tmp_path: Path) -> None:
    pytest.importorskip("trl")
    done = subprocess.run(
        [sys.executable, str(RECIPES / "trl/grpo_acecoder.py"), "--smoke", "--output", str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["steps"] == 2
    logged = [
        h["rewards/aceforge_tests/mean"] for h in summary["log_history"] if "rewards/aceforge_tests/mean" in h
    ]
    assert len(logged) == 2  # our reward ran inside GRPOTrainer at every step
    assert max(logged) > 0  # and real rewards for sampled answers that pass reached the trainer


def test_verl_reward_file() -> None:
    module = load(RECIPES / "verl/reward.py")
    assert module.compute_score("aceforge", RIGHT, label_of(TESTS), {"entry_point": "add"})["score"] == 1.0


def test_openrlhf_reward_file_returns_tensors() -> None:
    torch = pytest.importorskip("torch")
    module = load(RECIPES / "openrlhf/reward_func.py")
    out = module.reward_func(["Q" + RIGHT, "Q" + "nothing"], ["Q", "Q"], [label_of(TESTS)] * 2)
    assert torch.equal(out["rewards"], torch.tensor([1.0, 0.0]))
