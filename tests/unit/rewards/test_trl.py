"""TRL's reward-function shape: completions as text, rows without tests left to TRL."""

from __future__ import annotations

import pytest

from aceforge.rewards.trl import completion_text, trl_reward


def test_completion_text_takes_the_last_assistant_message() -> None:
    assert completion_text("plain") == "plain"
    chat = [{"role": "assistant", "content": "first"}, {"role": "assistant", "content": "last"}]
    assert completion_text(chat) == "last"
    assert completion_text({"role": "assistant", "content": None}) == ""
    assert completion_text(3) == "3"


def test_rows_without_tests_get_none_and_a_missing_column_is_named() -> None:
    f = trl_reward(tests_column="label")
    assert f.__name__ == "aceforge_tests"
    assert f(["p", "q"], ["a", "b"], label=[None, None]) == [None, None]  # nothing to run, no engine
    with pytest.raises(KeyError, match="'label' column"):
        f(["p"], ["a"], tests=["[]"])
    assert trl_reward(asynchronous=True).__name__ == "aceforge_tests_async"
