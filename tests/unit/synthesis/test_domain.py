"""Inputs in the problem's domain: annotations, examples, observed domains, in-domain mutation."""

from __future__ import annotations

import ast

import pytest

from aceforge.synthesis.domain import Domain, InputSpace
from aceforge.synthesis.examples import assigned_calls, example_calls
from aceforge.synthesis.prose import read_prose
from aceforge.synthesis.signature import Spec, conforms, params_of, parse_args, spec_of, typed_calls


def _spec(text: str) -> Spec:
    return spec_of(ast.parse(text, mode="eval").body)


@pytest.mark.parametrize(
    ("annotation", "good", "bad"),
    [
        ("List[int]", [[1, 2], []], [[1.5], ["a"], (1, 2), [True]]),
        ("list[float]", [[1.0, 2], []], [["x"], "ab"]),
        ("Optional[str]", ["a", None], [1, b"a"]),
        ("int | None", [3, None], ["3", 2.0]),
        ("Tuple[int, str]", [(1, "a")], [(1, 2), (1,), [1, "a"]]),
        ("Tuple[int, ...]", [(), (1, 2, 3)], [(1, "a")]),
        ("Dict[str, List[int]]", [{"a": [1]}, {}], [{1: [1]}, {"a": ["x"]}]),
        ("float", [1.5, 2], ["1.5", None]),
        ("'List[str]'", [["a"]], [[1]]),
        ("Any", [1, "a", None], []),
    ],
)
def test_annotations_decide_which_values_conform(annotation: str, good: list, bad: list) -> None:
    spec = _spec(annotation)
    assert all(conforms(v, spec) for v in good)
    assert not any(conforms(v, spec) for v in bad)


def test_examples_come_from_doctests_prose_and_assignments() -> None:
    program = '''def f(xs: list, k: int = 2):
    """Pick items.
    >>> f([1, 2, 3], 1)
    [1]
    For example, f([4,5], 2) == [4, 5] and f( [9] ,
        0) ➞ []
    Recursion like f(xs[1:], k) is not an example.
    """
    return xs[:k]
'''
    assert example_calls(program, "f") == ["f([1, 2, 3], 1)", "f([4, 5], 2)", "f([9], 0)"]
    text = "For lst = [1,2,3] and k = 2 the output should be 6\nInput: lst = [], k = 0\nk = 3 alone"
    assert assigned_calls(text, "g", ["lst", "k"]) == ["g([1, 2, 3], 2)", "g([], 0)"]
    assert assigned_calls("Example 1:\n  Input: [4,2,3]\n", "h", ["arr"]) == ["h([4, 2, 3])"]


def test_params_carry_annotations_and_defaults() -> None:
    ps = params_of("def f(a: List[int], b: str = 'x', *rest):\n    pass\n", "f")
    assert [(p.name, p.spec.kind, p.has_default, p.default) for p in ps] == [
        ("a", "list", False, None),
        ("b", "str", True, "x"),
    ]
    assert params_of("x = 1\n", "f") == []


def test_observed_domain_keeps_character_set_sign_length_and_order() -> None:
    brackets = Domain(["<>", "<<><>>", "><<>"])
    assert brackets.contains("<<>") and not brackets.contains("hello") and not brackets.contains("")
    positive = Domain([5, 15, 100])
    assert positive.contains(1) and not positive.contains(0) and not positive.contains(-3)
    assert Domain([0, 4]).contains(0) and not Domain([0, 4]).contains(-1)
    sorted_lists = Domain([[1, 2, 3], [0, 5, 9]])
    assert sorted_lists.contains([2, 7]) and not sorted_lists.contains([3, 1])
    elements = Domain([[1, 2], [3]])
    assert elements.contains([0, 2]) and not elements.contains([-1])  # elements may be 0, not negative
    words = Domain(["Hello", "abc"])
    assert words.contains("XYZzy") and not words.contains("a b") and not words.contains("a1")


def test_wrong_types_and_out_of_domain_calls_do_not_fit() -> None:
    program = "def has_close_elements(numbers: List[float], threshold: float) -> bool:\n    pass\n"
    params = params_of(program, "has_close_elements")
    space = InputSpace.build("has_close_elements", params, ["has_close_elements([1.0, 2.0], 0.5)"])
    assert space.fits("has_close_elements([3.0, 1.5, 2.0], 0.25)")
    assert not space.fits("has_close_elements('', 'a,b;c')")
    assert not space.fits("has_close_elements([1.0], -0.5)")
    assert not space.fits("has_close_elements([1.0, 2.0])")
    bracket = InputSpace.build(
        "correct_bracketing", [], ["correct_bracketing('<>')", "correct_bracketing('<<>')"]
    )
    assert not bracket.fits("correct_bracketing('hello')")


def test_growth_and_boundaries_stay_in_the_domain_and_are_deterministic() -> None:
    space = InputSpace.build(
        "change_base", [], ["change_base(8, 3)", "change_base(8, 2)", "change_base(7, 2)"]
    )
    grown = space.grow(["change_base(8, 3)"], 30, "seed")
    assert grown == space.grow(["change_base(8, 3)"], 30, "seed")
    assert len(grown) == 30 and len(set(grown)) == 30
    for call in grown + space.boundaries(grown):
        x, base = parse_args(call)[0]
        assert type(x) is int and type(base) is int and x >= 1 and 1 <= base <= 6, call
    assert space.grow(["change_base(8, 3)"], 30, "other seed") != grown
    assert InputSpace.build("f", [], ["f()"]).grow(["f()"], 10, "s") == ["f()"]  # nothing to mutate
    assert space.grow([], 10, "s") == []
    mixed = InputSpace.build("g", [], ["g(3, 'ab', [1, 2])", "g(0, '', [])"])
    for call in mixed.grow(["g(3, 'ab', [1, 2])", "g(0, '', [])"], 20, "s"):
        assert [type(a) for a in parse_args(call)[0]] == [int, str, list]  # types never cross
    sorted_space = InputSpace.build("uniq", [], ["uniq([1, 2, 2, 5])", "uniq([0, 3, 9])"])
    for call in sorted_space.grow(["uniq([1, 2, 2, 5])"], 25, "s"):
        xs = parse_args(call)[0][0]
        assert xs == sorted(xs) and xs and min(xs) >= 0


def test_typed_guesses_follow_annotations_only() -> None:
    params = params_of("def f(xs: List[int], name: Optional[str], k: int = 3):\n    pass\n", "f")
    calls = typed_calls(params, "f", limit=15)
    assert len(calls) == 15 and len(set(calls)) == 15
    for call in calls:
        xs, name, k = parse_args(call)[0]
        assert isinstance(xs, list) and all(type(x) is int for x in xs)
        assert name is None or isinstance(name, str)
        assert type(k) is int
    assert typed_calls(params_of("def g(a, b: int):\n    pass\n", "g"), "g") == []  # unannotated: no guess


def test_rebuilt_from_guessed_calls_sorted_guesses_make_no_rule() -> None:
    params = params_of("def f(seq, index):\n    pass\n", "f")
    calls = ["f([5, 6, 7], [0, 1, 2])", "f([5, 6], [0, 1])"]
    assert not InputSpace.build("f", params, calls).fits("f([5, 6, 7], [2, 1, 0])")  # examples: a rule
    rebuilt = InputSpace.build("f", params, []).rebuild(calls)  # the model's guesses: no rule
    assert rebuilt.fits("f([5, 6, 7], [2, 1, 0])")
    said = InputSpace.build("f", params, [], read_prose("index is a sorted list.", params)).rebuild(calls)
    assert not said.fits("f([5, 6, 7], [2, 1, 0])")  # the prose says sorted: still a rule
