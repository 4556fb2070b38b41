"""The hooks a ``train-rl`` run puts into TRL's trainer: held-out evaluation during training, one
metrics line per logged step, and the time budget. Needs the ``rl`` extra (transformers)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aceforge.execution.base import Executor
from aceforge.rl.configs import TrainRLConfig
from aceforge.rl.data import Question
from aceforge.rl.evaluate import EvalSettings, evaluate
from aceforge.rl.metrics import MetricsLog, RewardTally

Say = Callable[[str], None]


class Evaluator:
    """Held-out pass@1 of the model being trained, on each eval set, into `metrics.jsonl`."""

    def __init__(
        self,
        model: Any,
        tok: Any,
        sets: dict[str, list[Question]],
        ex: Executor,
        settings: EvalSettings,
        metrics: MetricsLog,
        say: Say,
    ) -> None:
        self.model, self.tok, self.sets, self.ex = model, tok, sets, ex
        self.settings, self.metrics, self.say = settings, metrics, say

    def run(self, step: int) -> None:
        """Evaluate every set at `step` and log the results."""
        for name, qs in self.sets.items():
            t = time.time()
            result = evaluate(self.model, self.tok, qs, self.ex, self.settings)
            self.metrics.append(
                {"kind": "eval", "step": step, "set": name, **result, "seconds": round(time.time() - t, 1)}
            )
            g, s = result["greedy"], result["sampled"]
            self.say(
                f"step {step} {name} ({g['questions']} questions): pass@1 greedy {_ci(g)}, sampled {_ci(s)}"
            )


def _ci(r: dict[str, Any]) -> str:
    return f"{r['pass@1']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}]"


def _callback_base() -> type:
    from transformers import TrainerCallback

    return TrainerCallback


class RunCallback(_callback_base()):  # type: ignore[misc]
    """metrics.jsonl lines, evaluations every ``eval_every`` steps, and the time budget."""

    def __init__(
        self,
        cfg: TrainRLConfig,
        metrics: MetricsLog,
        tally: RewardTally,
        evaluator: Evaluator,
        started: float,
        say: Say,
    ) -> None:
        self.cfg, self.metrics, self.tally, self.evaluator = cfg, metrics, tally, evaluator
        self.started, self.say = started, say

    def on_log(
        self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kw: Any
    ) -> None:
        """Write a "train" line for each step TRL logs."""
        if not logs or "reward" not in logs:
            return
        record = {"kind": "train", "step": state.global_step, **_numbers(logs), **self.tally.drain()}
        self.metrics.append(record)
        self.say(
            f"step {state.global_step}/{state.max_steps}: reward {logs['reward']:.3f}, "
            f"{record['all_passed']}/{record['scored']} completions passed every test"
            + (
                f", {record['groups_with_signal']}/{record['groups']} groups with signal"
                if record["groups"]
                else ""
            )
        )

    def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> Any:
        """Evaluate every `eval_every` steps; stop (with a checkpoint) when the time budget is spent."""
        step = state.global_step
        every = self.cfg.eval_every
        if every and step % every == 0 and step < state.max_steps:
            self.evaluator.run(step)
        budget = self.cfg.time_budget_s
        if budget is not None and time.time() - self.started >= budget:
            self.say(f"time budget of {budget:.0f} s reached at step {step}: saving and stopping")
            control.should_save = True
            control.should_training_stop = True
        return control


def _numbers(logs: dict[str, Any]) -> dict[str, float]:
    return {k: float(v) for k, v in logs.items() if isinstance(v, int | float)}
