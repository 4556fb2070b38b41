"""train-rl's metrics.jsonl and the reward tally between log lines (real files)."""

from __future__ import annotations

from pathlib import Path

from aceforge.rewards.core import RewardResult
from aceforge.rl.metrics import MetricsLog, RewardTally


def test_the_tally_counts_flags_and_full_passes_then_empties() -> None:
    tally = RewardTally()
    tally.add([
        RewardResult(1.0, 1.0, ["passed", "passed"]),
        RewardResult(0.0, 0.5, ["passed", "failed"]),
        RewardResult(0.0, 0.0, [], flags=["no_code"]),
        RewardResult(0.0, 0.0, [], flags=["timeout", "no_code"]),
    ])  # fmt: skip
    empty = {"groups": 0, "groups_with_signal": 0}
    assert tally.drain() == {
        "flags": {"ran": 2, "no_code": 2, "timeout": 1}, "all_passed": 1, "scored": 4, **empty
    }  # fmt: skip
    assert tally.drain() == {"flags": {}, "all_passed": 0, "scored": 0, **empty}


def test_a_group_has_signal_when_its_rewards_differ() -> None:
    tally = RewardTally()
    # q1: 0 and 1 (signal); q2: all 1 (none); q3: all 0 (none); q4: a reward left out (None) and 0.5 twice
    ids = ["q1", "q1", "q2", "q2", "q3", "q3", "q4", "q4", "q4"]
    tally.add_groups(ids, [0.0, 1.0, 1.0, 1.0, 0.0, 0.0, None, 0.5, 0.5])
    tally.add_groups(["q1", "q1"], [0.25, 0.25 + 1e-12])  # float noise is not signal
    out = tally.drain()
    assert (out["groups"], out["groups_with_signal"]) == (5, 1)
    assert (tally.groups, tally.groups_with_signal) == (0, 0)


def test_the_log_appends_reads_and_drops_steps_trained_again(tmp_path: Path) -> None:
    log = MetricsLog(tmp_path / "run" / "metrics.jsonl")
    assert log.read() == []
    (tmp_path / "run").mkdir()
    for step, kind in [(1, "train"), (2, "train"), (2, "eval"), (3, "train"), (4, "eval")]:
        log.append({"step": step, "kind": kind})
    assert [r["step"] for r in log.read()] == [1, 2, 2, 3, 4]
    assert log.has_eval(2) and log.has_eval(4) and not log.has_eval(3)
    log.truncate_after(2)
    assert log.read() == [
        {"step": 1, "kind": "train"},
        {"step": 2, "kind": "train"},
        {"step": 2, "kind": "eval"},
    ]
    assert not log.has_eval(4)


def test_truncating_a_log_that_does_not_exist_makes_an_empty_one(tmp_path: Path) -> None:
    log = MetricsLog(tmp_path / "new" / "metrics.jsonl")
    log.truncate_after(5)
    assert log.path.exists() and log.read() == []
