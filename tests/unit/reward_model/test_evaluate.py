"""Held-out pairwise accuracy: ties count half, the interval resamples questions."""

from __future__ import annotations

from aceforge.reward_model.evaluate import pairwise_accuracy
from aceforge.stats import bootstrap_groups


def test_accuracy_counts_right_orders_and_half_ties_per_question() -> None:
    scores = [(2.0, 1.0), (0.5, 0.5), (0.0, 1.0), (3.0, -1.0), (1.0, 0.0)]
    questions = ["a", "a", "a", "b", "b"]
    acc = pairwise_accuracy(scores, questions)
    assert acc["pairs"] == 5 and acc["questions"] == 2
    assert acc["accuracy"] == round((1 + 0.5 + 0 + 1 + 1) / 5, 4)
    lo, hi = bootstrap_groups([[1.0, 0.5, 0.0], [1.0, 1.0]])
    assert acc["ci"] == [round(lo, 4), round(hi, 4)] and lo <= acc["accuracy"] <= hi


def test_no_held_out_pairs_give_no_accuracy() -> None:
    assert pairwise_accuracy([], []) == {"pairs": 0, "questions": 0, "accuracy": None, "ci": None}
