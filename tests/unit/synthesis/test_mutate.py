"""Parsing all-literal calls and calls guessed from an unannotated signature."""

from __future__ import annotations

import pytest

from aceforge.synthesis.mutate import POOL, guess_calls, parse_call
from aceforge.synthesis.signature import parse_args


def test_parse_call() -> None:
    assert parse_call("f(1, x=[2])") == ("f", [1], {"x": [2]})
    with pytest.raises(AssertionError):
        parse_call("a.f(1)")


def test_guess_calls_name_hints_first_and_defaults() -> None:
    calls = guess_calls("def f(text, n=7):\n    return text * n", "f", limit=5)
    assert len(calls) == 5 and len(set(calls)) == 5
    first = parse_args(calls[0])[0]
    assert first == [POOL["str"][0], 7]  # a str for `text`, the literal default for `n`
    assert all(c.startswith("f(") for c in calls)


def test_guess_calls_hint_by_suffix_and_missing_entry() -> None:
    calls = guess_calls("def g(item_count):\n    return item_count", "g", limit=3)
    assert [parse_args(c)[0][0] for c in calls] == POOL["int"][:3]
    assert guess_calls("def g(a): pass", "missing") == []


def test_guess_calls_zero_params_gives_one_call() -> None:
    assert guess_calls("def h():\n    return 1", "h") == ["h()"]
