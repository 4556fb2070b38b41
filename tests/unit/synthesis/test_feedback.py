"""Execution feedback: the reference's stable answers and mutant kill sets on the real local
engine, test text, and the greedy cover / minimal suite."""

from __future__ import annotations

import ast

from aceforge.execution.executor import LocalExecutor
from aceforge.synthesis.compared import harvest
from aceforge.synthesis.feedback import (
    Answers,
    assert_test,
    cover,
    exception_last,
    expression,
    kill_sets,
    literal,
    minimize,
    mutation_score,
    raises_test,
    reference_answers,
)
from aceforge.synthesis.suite_order import input_traits, table_entries
from aceforge.types import Limits

LIMITS = Limits(timeout_s=2.0)
REF = """
import random
def f(x):
    if x < 0:
        raise ValueError("negative")
    if x == 99:
        return random.random()
    return x * 2
def g(n):
    yield from range(n)
"""


def test_reference_answers_keep_stable_values_and_name_exceptions(executor: LocalExecutor) -> None:
    calls = ["f(1)", "f(-1)", "f(99)", "f(2)"]
    [ans, empty, gen] = reference_answers(
        [REF, REF, REF], [calls, [], ["g(3)"]], executor, LIMITS, max_ref_s=1.0, wraps=[False, False, True]
    )
    assert ans.found == {"f(1)": ("2", 2), "f(2)": ("4", 4)}
    assert ans.raised == {"f(-1)": "ValueError"}
    assert "f(-1)" in ans.failed and ans.unstable == {"f(99)"}
    assert empty == Answers()
    assert gen.found == {"g(3)": ("[0, 1, 2]", [0, 1, 2])}  # run as list(g(3)), keyed by the call


def test_kill_sets_tell_mutants_apart(executor: LocalExecutor) -> None:
    calls = ["f(1)", "f(0)", "f(-1)"]
    ans = Answers(found={"f(1)": ("2", 2), "f(0)": ("0", 0)}, raised={"f(-1)": "ValueError"})
    mutants = [
        "def f(x):\n    if x < 0:\n        raise ValueError\n    return x + x",  # equivalent
        "def f(x):\n    if x < 0:\n        raise ValueError\n    return x * 3",  # f(0) agrees
        "def f(x):\n    return x * 2",  # returns instead of raising
        "def f(x) syntax error",
    ]
    [kills] = kill_sets([mutants], [calls], [ans], executor, LIMITS)
    assert kills == [set(), {"f(1)"}, {"f(-1)"}, set(calls)]


def test_literal_round_trips_or_refuses() -> None:
    assert literal([1, "a", (2.5, None)]) == "[1, 'a', (2.5, None)]"
    assert literal(float("nan")) is None  # repr is no literal
    assert literal("x" * 2000) is None
    assert literal(object()) is None


def test_test_text_shapes() -> None:
    assert expression("g(3)", True) == "list(g(3))" and expression("f(1)", False) == "f(1)"
    assert assert_test("f(1)", "2") == "assert f(1) == 2"
    assert assert_test("f(1)", "None") == "assert f(1) is None"
    text = raises_test("f(-1)", "ValueError")
    ast.parse(text)
    assert text.startswith("try:\n    f(-1)\nexcept ValueError:\n") and "should raise ValueError" in text


def test_exception_last() -> None:
    ans = Answers(raised={"b": "KeyError"})
    assert exception_last(["a", "b", "c"], ans) == ["a", "c", "b"]


def test_cover_is_greedy_with_ties_to_the_earlier_call() -> None:
    kills = [{"b", "c"}, {"c"}, {"a"}, set(), {"zz"}]
    assert cover(["a", "b", "c"], kills, 5) == ["c", "a"]
    assert cover(["a", "b", "c"], kills, 1) == ["c"]


def test_minimize_fills_with_new_values_first_in_call_order() -> None:
    ordered = ["a", "b", "c", "d", "e"]
    ans = Answers(found={c: (v, None) for c, v in zip("abcd", ["1", "1", "2", "3"], strict=True)})
    ans.raised["e"] = "ValueError"
    assert minimize(ordered, [{"b"}], ans, 3) == ["b", "c", "d"]  # a repeats b's value
    assert minimize(ordered, [{"b"}], ans, 5) == ordered
    assert minimize(ordered, [], ans, 2) == ["a", "c"]
    # b's input is of another kind (an iterator for a list): the same value is still news
    assert minimize(ordered, [], ans, 2, {"b": "shape:"}) == ["a", "b"]


def test_minimize_keeps_an_input_with_a_new_trait_though_its_value_repeats() -> None:
    ordered = ["a", "b", "c", "d"]
    ans = Answers(found={c: ("1", 1) for c in ordered})  # one expected value for all
    traits = {"b": frozenset({"empty:0"}), "c": frozenset({"empty:0"}), "d": frozenset({"pad:0"})}
    assert minimize(ordered, [], ans, 3) == ["a", "b", "c"]  # without traits: in order
    assert minimize(ordered, [], ans, 2, traits=traits) == ["b", "d"]  # new traits first
    assert minimize(ordered, [], ans, 3, traits=traits) == ["a", "b", "d"]  # c's trait is b's


def test_minimize_fills_new_traits_before_new_values() -> None:
    """Twenty places, many inputs with new values (``f('right', 6)``, ``f('right', 7)``...):
    an input with a trait no kept test has (the empty one) comes before them."""
    ordered = ["f('right', 6)", "f('right', 7)", "f('right', 8)", "f('', 6)"]
    ans = Answers(found=dict(zip(ordered, [("'-----:'", 0), ("'------:'", 0), ("'-------:'", 0),
                                           ("'------'", 0)], strict=True)))  # fmt: skip
    traits = {c: input_traits(c) for c in ordered}
    assert minimize(ordered, [], ans, 2) == ordered[:2]
    assert minimize(ordered, [], ans, 2, traits=traits) == ["f('right', 6)", "f('', 6)"]


def test_a_trait_kept_suite_rejects_an_early_return_for_empty_input(executor: LocalExecutor) -> None:
    """A real bug no mutant modelled (``if not s: return None``, where the seed answers ``''``
    as it answers ``' '``): the suite keeps ``f('')`` and so rejects it."""
    seed = "def f(s):\n    return s.split()"
    bug = "def f(s):\n    if not s:\n        return None\n    return s.split()"
    calls = ["f('a b')", "f(' ')", "f('')", "f('b a')"]
    [ans] = reference_answers([seed], [calls], executor, LIMITS, max_ref_s=1.0)
    traits = {c: input_traits(c) for c in calls}
    plain, kept = minimize(calls, [], ans, 3), minimize(calls, [], ans, 3, traits=traits)
    assert "f('')" not in plain and "f('')" in kept
    [kills] = kill_sets([[bug]], [calls], [ans], executor, LIMITS)
    assert kills[0] == {"f('')"} and mutation_score(kills, kept) == (1, 1)


def test_mutation_score_ignores_equivalent_mutants() -> None:
    assert mutation_score([{"a"}, {"b", "c"}, set()], ["c"]) == (1, 2)


def test_a_suite_keeping_each_table_entry_rejects_an_entry_left_out(executor: LocalExecutor) -> None:
    """``normalize_pre``: 'c' answers what 'pre' answers, so by value alone it is no news; as a
    table entry of its own it is kept, and the real bug that drops it from the table is caught."""
    seed = (
        "def f(s):\n    table = {'pre': 'rc', 'c': 'rc', 'alpha': 'a'}\n    s = s.lower()\n"
        "    return table.get(s, s)\n"
    )
    bug = (
        "def f(s):\n    table = {'pre': 'rc', 'alpha': 'a'}\n    s = s.lower()\n    return table.get(s, s)\n"
    )
    calls = ["f('pre')", "f('alpha')", "f('x')", "f('c')", "f('yy')"]
    [ans] = reference_answers([seed], [calls], executor, LIMITS, max_ref_s=1.0)
    words = table_entries(harvest(seed, "f"), ["s"])
    traits = {c: input_traits(c, words) for c in calls}
    plain, kept = minimize(calls, [], ans, 4), minimize(calls, [], ans, 4, traits=traits)
    assert "f('c')" not in plain and "f('c')" in kept
    [kills] = kill_sets([[bug]], [calls], [ans], executor, LIMITS)
    assert kills[0] == {"f('c')"} and mutation_score(kills, kept) == (1, 1)
