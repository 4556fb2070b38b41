"""Labels and options of the reward core (scoring itself runs on the engine: integration tests)."""

from __future__ import annotations

import pytest

from aceforge.errors import ConfigError
from aceforge.rewards.core import RewardOptions, label_of, parse_label
from aceforge.types import StdioTest


def test_labels_carry_tests_and_entry_point() -> None:
    label = label_of(["assert f() == 1", StdioTest("1\n", "2\n")], entry_point="f")
    assert parse_label(label) == (["assert f() == 1", StdioTest("1\n", "2\n")], "f")
    assert parse_label(["assert f() == 1"]) == (["assert f() == 1"], None)
    assert parse_label({"tests": [], "entry_point": ""}) == ([], None)
    with pytest.raises(ConfigError, match="entry_point must be a string"):
        parse_label({"tests": [], "entry_point": 3})


def test_options_are_checked() -> None:
    with pytest.raises(ConfigError, match="reward kind"):
        RewardOptions(kind="vibes").validate()
    assert RewardOptions().stop_early and not RewardOptions(kind="pass_rate").stop_early


def test_labels_in_dataset_formats_are_read_everywhere_a_label_is() -> None:
    prime = '{"inputs": ["1\\n2"], "outputs": ["3"], "fn_name": "add"}'  # verl prime_code's ground truth
    tests, entry = parse_label(prime)
    assert entry == "add" and len(tests) == 1 and tests[0].startswith("assert (Solution().add")
    lcb = [{"input": "1\n", "output": "1\n", "testtype": "stdin"}]
    assert parse_label(lcb) == ([StdioTest("1\n", "1\n", "lenient")], None)
    with pytest.raises(ConfigError, match="label outputs 0 outputs for 1 inputs"):
        parse_label({"inputs": ["1"], "outputs": []})
    # compare modes survive the round trip through label_of
    mixed = [StdioTest("1", "1.0", "tokens:1e-6"), StdioTest("2", "2")]
    assert parse_label(label_of(mixed)) == (mixed, None)
