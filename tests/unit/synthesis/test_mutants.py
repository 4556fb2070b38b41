"""Mutants of a reference program and the minimized suite that kills them."""

from __future__ import annotations

import ast

from aceforge.synthesis.feedback import Answers, minimize, mutation_score
from aceforge.synthesis.mutants import make_mutants

PROGRAM = '''def count_below(xs, limit):
    """Doc."""
    n = 0
    for x in xs:
        if x < limit and not x == 7:
            n += 1
    return max(n, 0)
'''


def test_mutants_are_distinct_compiling_and_different_from_the_reference() -> None:
    mutants = make_mutants(PROGRAM, "seed", limit=100)
    texts = [m.program for m in mutants]
    original = ast.unparse(ast.parse(PROGRAM))
    assert len(texts) == len(set(texts)) and original not in texts
    for t in texts:
        compile(t, "<m>", "exec")
    ops = {m.operator for m in mutants}
    assert {"arith", "compare", "boolean", "unary", "constant", "name", "condition", "statement"} <= ops
    assert all(ast.get_docstring(ast.parse(t).body[0]) == "Doc." for t in texts)  # docstrings are not bugs
    assert make_mutants(PROGRAM, "seed", limit=100) == mutants  # deterministic
    few = make_mutants(PROGRAM, "seed", limit=5)
    assert len(few) == 5 and len({m.operator for m in few}) == 5  # spread over the operators


def test_early_return_and_unparseable_programs() -> None:
    program = "def first_even(xs):\n    for x in xs:\n        if x % 2 == 0:\n            return x\n    return None\n"
    ops = {m.operator for m in make_mutants(program, "s", limit=100)}
    assert "early_return" in ops
    assert make_mutants("def broken(:\n", "s") == []


def test_minimize_covers_every_killed_mutant_then_adds_new_values() -> None:
    answers = Answers({c: (v, None) for c, v in
                       [("f(1)", "1"), ("f(2)", "1"), ("f(3)", "2"), ("f(4)", "3"), ("f(5)", "3")]})  # fmt: skip
    kills = [{"f(4)"}, {"f(3)", "f(4)"}, set(), {"f(5)"}]
    suite = minimize(["f(1)", "f(2)", "f(3)", "f(4)", "f(5)"], kills, answers, n=3)
    assert suite == ["f(1)", "f(4)", "f(5)"]  # f(4) covers two, f(5) one; then f(1), a new value
    assert mutation_score(kills, suite) == (3, 3)
    assert mutation_score(kills, ["f(1)", "f(3)"]) == (1, 3)
    assert minimize(["f(1)", "f(2)"], [], answers, n=5) == ["f(1)", "f(2)"]


def test_values_without_a_short_literal_make_no_test() -> None:
    from aceforge.synthesis.feedback import literal

    assert literal([1, "a", (2.5, None)]) == "[1, 'a', (2.5, None)]"
    assert literal(10**5000) is None  # repr raises past the 4,300-digit limit
    assert literal("x" * 2000) is None and literal(float("nan")) is None and literal({1, 2}) == "{1, 2}"
