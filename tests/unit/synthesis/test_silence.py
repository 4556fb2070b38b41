"""silent_rules: what a docstring without examples leaves unsaid narrows the domain."""

from __future__ import annotations

from aceforge.synthesis.constraints import Constraint, Prose
from aceforge.synthesis.signature import entry_function, params_of
from aceforge.synthesis.silence import guarded, silent_rules, speaks_unicode


def _rules(src: str, doc: str) -> Prose:
    return silent_rules(doc, params_of(src, "f"), Prose(), entry_function(src, "f"))


def test_silent_numbers_become_positive_and_sized_nonempty() -> None:
    p = _rules("def f(n: int, s: str, xs: list):\n    return n", "Return something.")
    assert p.params["n"] == Constraint(low=0, low_open=True)
    assert p.params["s"].nonempty and p.params["xs"].nonempty


def test_zero_mentioned_allows_zero_and_negative_lifts_bound() -> None:
    assert _rules("def f(n: int):\n    return n", "n may be zero").params["n"].low_open is False
    assert "n" not in _rules("def f(n: int):\n    return n", "works for negative n").params
    assert "n" not in _rules("def f(n: int):\n    return n", ">>> f(-3)").params


def test_code_guards_count_as_documentation() -> None:
    src = "def f(n: int, xs: list):\n    if n == 0:\n        return 0\n    if not xs:\n        return 1\n    return n"
    p = _rules(src, "Return.")
    assert p.params["n"].low == 0 and not p.params["n"].low_open
    assert "xs" not in p.params


def test_empty_mentioned_keeps_empty_inputs() -> None:
    assert "s" not in _rules("def f(s: str):\n    return s", "s can be empty").params


def test_existing_rules_are_kept() -> None:
    prose = Prose({"n": Constraint(low=3)})
    out = silent_rules("", params_of("def f(n: int): pass", "f"), prose, None)
    assert out.params["n"] == Constraint(low=3)


def test_guarded_names() -> None:
    src = "def f(a, b, c, d):\n    if len(c) == 0 or d == '':\n        pass\n    assert 1 != b\n    return a if not a else 0"
    zero, empty = guarded(entry_function(src, "f"))
    assert zero == {"a", "b"}
    assert empty == {"a", "c", "d"}
    assert guarded(None) == (set(), set())


def test_speaks_unicode() -> None:
    assert speaks_unicode("Handles Unicode text")
    assert speaks_unicode("café")
    assert not speaks_unicode("plain ascii words")
    assert not speaks_unicode("")
