"""The trainer hooks: metrics lines per logged step, evaluations every N steps, the time budget.
Uses transformers' own TrainerState/TrainerControl; the evaluator is aceforge's seam."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

pytest.importorskip("transformers")
from transformers import TrainerControl, TrainerState

from aceforge.rewards.core import RewardResult
from aceforge.rl.callbacks import Evaluator, RunCallback
from aceforge.rl.configs import TrainRLConfig
from aceforge.rl.metrics import MetricsLog, RewardTally


class _RecordingEvaluator(Evaluator):
    def __init__(self) -> None:
        self.steps: list[int] = []

    def run(self, step: int) -> None:
        self.steps.append(step)


def _callback(
    tmp_path: Path, **cfg: object
) -> tuple[RunCallback, MetricsLog, RewardTally, _RecordingEvaluator, list[str]]:
    metrics, tally, ev, said = (
        MetricsLog(tmp_path / "metrics.jsonl"),
        RewardTally(),
        _RecordingEvaluator(),
        [],
    )
    cb = RunCallback(TrainRLConfig(**cfg), metrics, tally, ev, time.time(), said.append)  # type: ignore[arg-type]
    return cb, metrics, tally, ev, said


def test_a_logged_step_becomes_a_train_line_with_the_tally(tmp_path: Path) -> None:
    cb, metrics, tally, _, said = _callback(tmp_path)
    tally.add([RewardResult(1.0, 1.0, ["passed"]), RewardResult(0.0, 0.0, [], flags=["no_code"])])
    tally.add_groups(["q", "q"], [1.0, 0.0])
    state = TrainerState(global_step=3, max_steps=10)
    cb.on_log(None, state, TrainerControl(), logs={"reward": 0.5, "loss": 1, "note": "x"})
    cb.on_log(None, state, TrainerControl(), logs={"loss": 2.0})  # no reward: not a train line
    [line] = metrics.read()
    assert line == {"kind": "train", "step": 3, "reward": 0.5, "loss": 1.0,
                    "flags": {"ran": 1, "no_code": 1}, "all_passed": 1, "scored": 2,
                    "groups": 1, "groups_with_signal": 1}  # fmt: skip
    assert said == ["step 3/10: reward 0.500, 1/2 completions passed every test, 1/1 groups with signal"]


def test_evaluations_run_every_n_steps_but_not_at_the_last(tmp_path: Path) -> None:
    cb, _, _, ev, _ = _callback(tmp_path, eval_every=2)
    for step in range(1, 7):
        control = cb.on_step_end(None, TrainerState(global_step=step, max_steps=6), TrainerControl())
        assert not control.should_training_stop
    assert ev.steps == [2, 4]


def test_a_spent_time_budget_saves_and_stops(tmp_path: Path) -> None:
    cb, _, _, ev, said = _callback(tmp_path, eval_every=0, time_budget_s=0.0)
    control = cb.on_step_end(None, TrainerState(global_step=5, max_steps=9), TrainerControl())
    assert control.should_save and control.should_training_stop and ev.steps == []
    assert said == ["time budget of 0 s reached at step 5: saving and stopping"]
