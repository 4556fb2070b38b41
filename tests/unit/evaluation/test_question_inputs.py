"""Inputs read from the question alone: the entry point, its examples, selection calls."""

from __future__ import annotations

from aceforge.evaluation.question_inputs import (
    Example,
    entry_of,
    question_examples,
    question_params,
    selection_inputs,
)
from aceforge.synthesis.signature import parse_args

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


def test_calls_of_the_wrong_arity_are_not_inputs() -> None:
    # "Write f() that ..." in the prose, and a model test written for another signature
    question = 'def area(a, h):\n    """Write a function area() that returns a triangle\'s area."""\n'
    tests = ["assert area(3, 4, 5) == 6", "assert area(3, 4) == 6.0"]
    calls = selection_inputs(question, "area", question_params(question, "area"), tests, max_inputs=8)
    assert calls[0] == "area(3, 4)" and len(calls) > 1
    assert all(c.count(",") == 1 for c in calls), calls  # two arguments each
    only_wrong = selection_inputs(
        question, "area", question_params(question, "area"), tests[:1], max_inputs=8
    )
    assert only_wrong and all(c.count(",") == 1 for c in only_wrong), only_wrong  # typed from the names


def test_unannotated_parameters_are_typed_by_the_docstring_else_by_their_names() -> None:
    question = 'def total(lst):\n    """Given a non-empty list of integers, return a sum."""\n'
    calls = selection_inputs(question, "total", question_params(question, "total"), max_inputs=10, seed="s")
    assert len(calls) >= 4
    assert all(isinstance(parse_args(c)[0][0], list) for c in calls), calls
    named = "def shout(text, n):\n    '''Return the text n times, in capitals.'''\n"
    calls = selection_inputs(named, "shout", question_params(named, "shout"), max_inputs=10, seed="s")
    args = [parse_args(c)[0] for c in calls]
    assert calls and all(len(a) == 2 and isinstance(a[0], str) and isinstance(a[1], int) for a in args), calls
    unknown = "def f(thing):\n    '''Do it.'''\n"  # nothing to go on: no inputs rather than guesses
    assert selection_inputs(unknown, "f", question_params(unknown, "f"), max_inputs=10) == []
