"""Inputs read from the question alone: the entry point, its examples, selection calls."""

from __future__ import annotations

from aceforge.evaluation.question_inputs import (
    Example,
    entry_of,
    question_examples,
    question_params,
    selection_inputs,
)

QUESTION = '''def add(a: int, b: int) -> int:
    """Add two numbers.
    >>> add(2, 3)
    5
    >>> add(-1, 1)
    0
    Also add(10, 5) == 15
    and add(1, 1) ➞ 2.
    """
'''


def test_entry_is_the_last_def_else_the_first_parsing_program() -> None:
    assert entry_of("def helper(x): ...\ndef main(y): ...") == "main"
    assert entry_of("Write a function.", ["def broken(:", "def solve(n):\n    return n\n"]) == "solve"
    assert entry_of("Write a function.", ["x = 1"]) is None


def test_params_come_from_the_signature_or_the_first_program() -> None:
    assert [p.name for p in question_params(QUESTION, "add")] == ["a", "b"]
    ends_at_colon = "def mul(x, y):"
    assert [p.name for p in question_params(ends_at_colon, "mul")] == ["x", "y"]
    assert [p.name for p in question_params("Multiply.", "mul", ["def mul(p, q): return p * q"])] == [
        "p",
        "q",
    ]


def test_doctest_and_prose_examples_become_asserts() -> None:
    examples = question_examples(QUESTION, "add")
    assert examples == [
        Example("add(2, 3)", "5"),
        Example("add(-1, 1)", "0"),
        Example("add(10, 5)", "15"),
        Example("add(1, 1)", "2"),
    ]
    assert examples[0].assert_test == "assert add(2, 3) == 5"


def test_examples_without_a_literal_expected_value_are_skipped() -> None:
    question = "def f(x):\n    '''\n    >>> f(1)\n    something unclear\n    f(2) returns a list\n    '''\n"
    assert question_examples(question, "f") == []


def test_selection_inputs_start_from_the_examples_and_stay_within_the_cap() -> None:
    params = question_params(QUESTION, "add")
    calls = selection_inputs(QUESTION, "add", params, ["assert add(7, 8) == 15"], max_inputs=12, seed="s")
    assert calls[:2] == ["add(2, 3)", "add(-1, 1)"] and "add(7, 8)" in calls
    assert 4 < len(calls) <= 12 and len(set(calls)) == len(calls)
    assert all(c.startswith("add(") for c in calls)
    assert selection_inputs(QUESTION, "add", params, max_inputs=12, seed="s") == selection_inputs(
        QUESTION, "add", params, max_inputs=12, seed="s"
    )  # repeatable


def test_with_nothing_observed_calls_are_typed_from_the_annotations() -> None:
    question = "def rep(s: str, n: int) -> str:\n    '''Repeat s n times.'''\n"
    calls = selection_inputs(question, "rep", question_params(question, "rep"), max_inputs=5)
    assert 0 < len(calls) <= 5
    for c in calls:
        args = eval(c.replace("rep(", "(", 1) if c.count(",") else c.replace("rep(", "((", 1) + ",)")
        assert isinstance(args[0], str) and isinstance(args[1], int)
