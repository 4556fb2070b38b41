"""The audit's documented domain (known answers), and a mutant that differs only outside it."""

from __future__ import annotations

from aceforge.evaluation.audit_domain import Documented
from aceforge.evaluation.audit_mutation import Mutated, search_kills
from aceforge.types import Limits

HALF = 'def half(n: int) -> int:\n    """Half of n, rounded down. n is a non-negative integer."""\n    return n // 2\n'


def test_types_and_stated_rules_bound_the_domain_but_examples_do_not() -> None:
    d = Documented.of(HALF, "half", ["half(4)", "half(10)"])
    assert d.allows("half(0)") and d.allows("half(7)")
    assert not d.allows("half(-1)")  # "non-negative", stated
    assert not d.allows("half('4')") and not d.allows("half(4.5)")  # annotated int
    assert d.allows("half(10**9)")  # larger than any example: examples are no rule
    # The same function without the stated rule: negatives are documented inputs.
    silent = Documented.of(HALF.replace(" n is a non-negative integer.", ""), "half", ["half(4)"])
    assert silent.allows("half(-1)")
    assert d.allows("other(-1)") and d.allows("half(4)(1)")  # not a call of the function: not judged


def test_the_suites_own_calls_override_a_rule_or_type_they_break() -> None:
    d = Documented.of(HALF, "half", ["half(4)", "half(-2)", "half('6')"])
    assert d.allows("half(-5)") and d.allows("half('8')")


def test_iterators_only_where_any_iterable_is_taken() -> None:
    iterated = "def total(items):\n    '''The sum of the items.'''\n    return sum(x for x in items)\n"
    assert Documented.of(iterated, "total", ["total([1, 2])"]).allows("total(iter([1, 2]))")
    listed = "def total(items: list) -> int:\n    '''The sum.'''\n    return sum(x for x in items)\n"
    assert not Documented.of(listed, "total", ["total([1, 2])"]).allows("total(iter([1, 2]))")
    said = iterated.replace("The sum of the items.", "Given a sequence of numbers, their sum.")
    assert not Documented.of(said, "total", ["total([1, 2])"]).allows("total(iter([1, 2]))")


def test_none_where_the_code_tests_for_it() -> None:
    prog = (
        "def f(x: int) -> int:\n    '''x, or nothing.'''\n    if x is None:\n        return 0\n    return x\n"
    )
    assert Documented.of(prog, "f", ["f(3)"]).allows("f(None)")
    assert not Documented.of(HALF, "half", ["half(3)"]).allows("half(None)")


def test_a_mutant_differing_only_outside_the_documented_domain_is_equivalent(executor) -> None:
    # int(n / 2) truncates towards zero: it differs from n // 2 on negative odd n only, which
    # the docstring rules out; with the rule gone the probes' negative numbers separate it.
    trunc = HALF.replace("n // 2", "int(n / 2)")
    suite = ["assert half(4) == 2"]
    stated = Mutated("q", HALF, "half", suite, [trunc], [set()])
    search_kills([stated], executor, Limits(timeout_s=2.0), rounds=1)
    assert stated.kills == [set()]
    plain = HALF.replace(" n is a non-negative integer.", "")
    silent = Mutated("q", plain, "half", suite, [plain.replace("n // 2", "int(n / 2)")], [set()])
    search_kills([silent], executor, Limits(timeout_s=2.0), rounds=1)
    assert silent.kills[0] and all("-" in c for c in silent.kills[0])
