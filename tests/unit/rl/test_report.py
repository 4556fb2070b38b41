"""train-rl's report numbers: the reward trend and the pass@1 change, with bootstrap intervals."""

from __future__ import annotations

from aceforge.rl.report import eval_change, markdown, reward_trend
from aceforge.stats import bootstrap, bootstrap_difference


def test_reward_trend_compares_the_first_and_last_windows() -> None:
    rewards = [0.0, 0.25, 0.25, 0.5, 0.75, 1.0]
    t = reward_trend([{"reward": r} for r in rewards], window=10)  # 6 steps: windows of 3
    assert (t["first"], t["last"], t["window"], t["steps"]) == (0.5 / 3, 2.25 / 3, 3, 6)
    lo, hi = bootstrap_difference(rewards[:3], rewards[3:])
    assert t["delta_ci"] == [round(lo, 4), round(hi, 4)] and 0 < lo <= hi
    assert reward_trend([])["delta_ci"] is None


def test_eval_change_pairs_questions_between_the_first_and_last_evaluation() -> None:
    def ev(step: int, per_question: list[float]) -> dict:
        mode = {
            "pass@1": sum(per_question) / 4,
            "ci_low": 0.0,
            "ci_high": 1.0,
            "per_question": per_question,
            "questions": 4,
        }
        return {"set": "held_out", "step": step, "greedy": mode, "sampled": mode}

    before, after = [0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 1.0, 1.0]
    change = eval_change([ev(10, after), ev(0, before)])["held_out"]  # ordered by step, not by row
    assert change["steps"] == [0, 10] and change["questions"] == 4
    greedy = change["greedy"]
    assert greedy["delta"] == 0.5 and greedy["before"]["pass@1"] == 0.25 and greedy["after"]["pass@1"] == 0.75
    lo, hi = bootstrap([a - b for a, b in zip(after, before, strict=True)])
    assert greedy["delta_ci"] == [round(lo, 4), round(hi, 4)]


def test_the_report_states_the_share_of_groups_with_signal() -> None:
    counts = {"steps": 2, "seconds": 3.0, "train_questions": 8, "prompts_over_max_length": 0, "held_out": 2}
    summary = {
        "policy": "p", "reward": "binary", "counts": counts, "eval": {}, "flags": {"ran": 8},
        "reward_trend": reward_trend([{"reward": 0.25}, {"reward": 0.5}]),
        "all_passed": 3, "scored": 8, "groups": 4, "groups_with_signal": 3,
    }  # fmt: skip
    assert "**3 of 4** (75%)" in markdown(summary, [])
    assert "Groups with signal" not in markdown({**summary, "groups": 0}, [])
