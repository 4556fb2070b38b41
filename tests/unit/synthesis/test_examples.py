"""Calls found in a seed's own text: doctest lines, prose equalities and assignments."""

from __future__ import annotations

from aceforge.synthesis.examples import assigned_calls, example_calls

SEED = '''def f(x):
    """>>> f([1, 2])
    3
    f( 'a' ) == 1, f(x) is not literal, g.f(2) is a method, f(1,
    2) ➞ 3 and again f([1, 2])"""
'''


def test_example_calls_canonical_deduplicated_literal_only() -> None:
    assert example_calls(SEED, "f") == ["f([1, 2])", "f('a')", "f(1, 2)"]


def test_example_calls_skip_definition_and_other_names() -> None:
    assert example_calls("def f(a):\n    return g(1)", "f") == []


def test_assigned_calls_one_example_per_line() -> None:
    text = "For lst = [1,2,3] the output should be 6\nnothing here\nlst = 'x' too"
    assert assigned_calls(text, "f", ["lst"]) == ["f([1, 2, 3])", "f('x')"]


def test_assigned_calls_need_every_parameter() -> None:
    assert assigned_calls("Input: arr = [1, 2], k = 3", "f", ["arr", "k"]) == ["f([1, 2], 3)"]
    assert assigned_calls("Input: arr = [1, 2]", "f", ["arr", "k"]) == []
    assert assigned_calls("anything", "f", []) == []


def test_assigned_calls_bare_input_for_one_parameter() -> None:
    assert assigned_calls("Input: [4,2,3]\nInput: -2.5", "f", ["a"]) == ["f([4, 2, 3])", "f(-2.5)"]
