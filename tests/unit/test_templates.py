"""Prompts for solving questions and the text a reward model reads."""

from __future__ import annotations

import pytest

from aceforge.errors import ConfigError
from aceforge.templates import check_template, render_for, rm_messages, rm_text, solve_prompt


def test_solve_prompt_shows_one_test_in_both_forms() -> None:
    chat = solve_prompt("Add two numbers.", "assert add(1, 2) == 3", chat=True)
    assert isinstance(chat, list) and "assert add(1, 2) == 3" in chat[0]["content"]
    text = solve_prompt("Add two numbers.", None, chat=False)
    assert isinstance(text, str) and text.rstrip().endswith('Add two numbers."""')


def test_a_stdio_question_asks_for_a_whole_program_in_both_forms() -> None:
    chat = solve_prompt("Print the sum of two integers.", None, chat=True, script=True)
    assert isinstance(chat, list) and "reads the input from standard input" in chat[0]["content"]
    assert "function" not in chat[0]["content"]
    text = solve_prompt("Print the sum of two integers.", None, chat=False, script=True)
    assert isinstance(text, str) and text.endswith('"""Print the sum of two integers."""\n')
    # the one example is a program, not a function (a base model continues in kind)
    assert "print(a + b)" in text and "def " not in text


def test_rm_sees_the_question_and_the_program_never_the_tests() -> None:
    msgs = rm_messages("  Add.  ", "def add(a, b):\n    return a + b\n")
    assert msgs[0]["content"] == "Add." and msgs[1]["content"].startswith("```python\ndef add")
    assert rm_text("Add.", "x = 1").startswith("Question:\nAdd.")

    class Chat:
        chat_template = "set"

        def apply_chat_template(self, msgs, tokenize):
            return "|".join(m["content"] for m in msgs)

    assert render_for(Chat(), "q", "r") == "q|r" and render_for(object(), "q", "r").startswith("Question:")
    with pytest.raises(ConfigError, match="did you mean"):
        check_template("acecodr")
