"""silent_rules: what a docstring without examples leaves unsaid narrows the domain."""

from __future__ import annotations

from aceforge.synthesis.constraints import Constraint, Prose
from aceforge.synthesis.domain import InputSpace
from aceforge.synthesis.prose import doc_types
from aceforge.synthesis.signature import entry_function, params_of
from aceforge.synthesis.silence import (
    empty_allowed,
    guarded,
    none_checked,
    silent_rules,
    speaks_unicode,
    type_checked,
)


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


def test_guards_on_a_local_count_for_its_parameter() -> None:
    src = ("def f(items):\n    item_list = [str(x) for x in items]\n    if not item_list:\n"
           "        return ''\n    return item_list[0]\n")  # fmt: skip
    assert "items" in guarded(entry_function(src, "f"))[1]
    two = "def f(a, b):\n    both = a + b\n    if not both:\n        return 0\n    return 1\n"
    assert guarded(entry_function(two, "f"))[1] == {"both"}  # over two parameters: no alias


def test_empty_and_none_the_code_singles_out_are_allowed() -> None:
    src = "def f(etag, opts):\n    if not etag:\n        return None\n    if opts is None:\n        return {}\n    return etag\n"
    prose = empty_allowed(params_of(src, "f"), Prose(), entry_function(src, "f"))
    assert prose.params["etag"].empty_ok and prose.params["opts"].none_ok
    assert none_checked(entry_function(src, "f")) == {"opts"}
    said = Prose({"etag": Constraint(nonempty=True)})  # the docstring says non-empty: that wins
    assert not empty_allowed(params_of(src, "f"), said, entry_function(src, "f")).params["etag"].empty_ok


def test_allowed_empty_and_none_enter_the_domain() -> None:
    src = "def f(etag, opts):\n    if not etag:\n        return None\n    if opts is None:\n        return {}\n    return etag\n"
    params = params_of(src, "f")
    prose = empty_allowed(params, Prose(), entry_function(src, "f"))
    space = InputSpace.build("f", params, ["f('W/x', {'a': 1})"], prose)
    assert space.fits("f('', {'a': 1})") and space.fits("f('W/x', None)")
    strict = InputSpace.build("f", params, ["f('W/x', {'a': 1})"], Prose())
    assert not strict.fits("f('', {'a': 1})") and not strict.fits("f('W/x', None)")


def test_chained_comparisons_are_guards() -> None:
    src = "def choose(n, k):\n    if 0 <= k <= n:\n        return 1\n    return 0\n"
    assert "k" in guarded(entry_function(src, "choose"))[0]


def test_types_the_code_checks_for_enter_the_domain() -> None:
    src = ("def to_int(value, default=0):\n    if isinstance(value, str):\n        return int(value)\n"
           "    return int(value)\n")  # fmt: skip
    fn = entry_function(src, "to_int")
    assert type_checked(fn) == {"value": ["str"]}
    params = params_of(src, "to_int")
    prose = empty_allowed(params, Prose(), fn)
    assert prose.params["value"].types_ok == ("str",)
    space = InputSpace.build("to_int", params, ["to_int(5)", "to_int(7, 1)"], prose)
    assert space.fits("to_int('42.23')") and not space.fits("to_int([1])")
    assert not InputSpace.build("to_int", params, ["to_int(5)"], Prose()).fits("to_int('42.23')")


def test_a_number_that_may_be_int_or_float_is_a_number_to_silence() -> None:
    src = 'def f(count):\n    """\n    :param count: The count (a number).\n    """\n    return float(count) == 1.0\n'
    fn = entry_function(src, "f")
    params = doc_types(":param count: The count (a number).", params_of(src, "f"))
    rules = silent_rules(":param count: The count (a number).", params, Prose(), fn)
    assert rules.params["count"] == Constraint(low=0, low_open=True)


def test_a_name_first_in_an_and_is_tested_for_emptiness() -> None:
    src = "def f(value, n):\n    if value and value[0] == '\"':\n        return value[1:]\n    return n and value\n"
    assert guarded(entry_function(src, "f"))[1] == {"value"}  # an `if` test only: not `n and value`
    later = "def g(a, b):\n    if a[0] == 'x' and b:\n        return 1\n    return 0\n"
    assert guarded(entry_function(later, "g"))[1] == set()  # after a use: no guard before it
