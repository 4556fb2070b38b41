"""The process-wide reward cores: one per option set, over one engine."""

from __future__ import annotations

from aceforge.rewards import engine
from aceforge.rewards.core import RewardItem, RewardOptions


def test_one_core_per_options_sharing_the_given_engine(executor) -> None:
    a = engine.shared_core(RewardOptions("pass_rate", floor=-0.25), executor)
    assert engine.shared_core(RewardOptions("pass_rate", floor=-0.25), executor) is a
    b = engine.shared_core(RewardOptions("binary", floor=-0.25), executor)
    assert b is not a and b.executor is a.executor is executor
    right = "```python\ndef f():\n    return 1\n```"
    got = engine.score(
        a, [RewardItem(right, ["assert f() == 1", "assert f() == 2"]), RewardItem("no", ["x"])]
    )
    assert [r.reward for r in got] == [0.5, -0.25]
