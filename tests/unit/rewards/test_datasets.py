"""Question rows in each RL framework's layout, every one carrying its tests in a label."""

from __future__ import annotations

import json

import pytest

from aceforge.errors import ConfigError
from aceforge.rewards.core import parse_label
from aceforge.rewards.datasets import RL_FORMATS, rl_row
from aceforge.types import StdioTest

ROW = {
    "id": "q1",
    "question": "Add.",
    "test_cases": ["assert add(1, 2) == 3", StdioTest("1 2\n", "3\n")],
    "entry_point": "add",
    "inferences": [{"pass_rate": 0.25}, {"pass_rate": 0.75}],
}


def test_each_layout_carries_the_tests_and_entry_point() -> None:
    want = (ROW["test_cases"], "add")
    trl, verl, oa = (rl_row(ROW, f) for f in ("trl", "verl", "openrlhf"))
    assert parse_label(trl["tests"]) == want and trl["prompt"] == [{"role": "user", "content": "Add."}]
    assert parse_label(verl["reward_model"]["ground_truth"]) == want
    assert verl["extra_info"] == {"id": "q1", "entry_point": "add"} and verl["data_source"] == "aceforge"
    assert parse_label(oa["label"]) == want and oa["prompt"] == "Add."
    questions = rl_row(ROW, "questions")
    assert questions["mean_pass_rate"] == 0.5 and questions["test_cases"] == ROW["test_cases"]
    assert json.loads(trl["tests"])["tests"][1] == {"input": "1 2\n", "output": "3\n"}


def test_an_unknown_layout_names_the_known_ones() -> None:
    assert RL_FORMATS == ("trl", "verl", "openrlhf", "questions")
    with pytest.raises(ConfigError, match="trl, verl, openrlhf, questions, got 'ppo'"):
        rl_row(ROW, "ppo")
