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
    assert tally.drain() == {"flags": {"ran": 2, "no_code": 2, "timeout": 1}, "all_passed": 1, "scored": 4}
    assert tally.drain() == {"flags": {}, "all_passed": 0, "scored": 0}


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
