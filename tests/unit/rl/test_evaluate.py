"""Held-out pass@1: per-question scoring on the real engine and the summary with its interval.
(Generation itself needs a model: covered by the train-rl integration tests.)"""

from __future__ import annotations

from aceforge.execution.executor import LocalExecutor
from aceforge.rewards.core import RewardCore, RewardOptions
from aceforge.rl.data import Question
from aceforge.rl.evaluate import _solved, _summary

Q_ADD = Question("a", "Add.", ("assert add(1, 2) == 3", "assert add(2, 2) == 4"), "add")
Q_HE = Question("h", "Square.", ("assert sq(3) == 9",), "sq", prefix="def sq(x):\n")


def test_a_question_counts_as_solved_only_when_every_test_passes(executor: LocalExecutor) -> None:
    core = RewardCore(executor, RewardOptions(kind="binary"))
    texts = [
        ["```python\ndef add(a, b):\n    return a + b\n```", "```python\ndef add(a, b):\n    return 3\n```"],
        ["    return x * x\n"],  # a completion of the prefix (the base-model form)
    ]
    assert _solved(core, [Q_ADD, Q_HE], texts, chat=False) == [0.5, 1.0]
    assert _solved(core, [Q_HE], [["    return x * x\n"]], chat=True) == [0.0]  # chat: no prefix


def test_summary_gives_the_mean_and_a_bootstrap_interval_around_it() -> None:
    s = _summary([1.0, 0.0, 1.0, 1.0])
    assert s["pass@1"] == 0.75 and s["questions"] == 4 and s["per_question"] == [1.0, 0.0, 1.0, 1.0]
    assert 0.0 <= s["ci_low"] <= 0.75 <= s["ci_high"] <= 1.0 and s["ci_low"] < s["ci_high"]
    assert _summary([]) == {"pass@1": 0.0, "ci_low": 0.0, "ci_high": 0.0, "questions": 0, "per_question": []}
