"""raises: which exceptions a seed means to raise, iterator returns, fall-through, the cap."""

from __future__ import annotations

from aceforge.synthesis.raises import (
    MAX_SHARE,
    cap_exceptions,
    falls_through,
    intended_exceptions,
    returns_iterator,
)
from aceforge.synthesis.signature import entry_function


def _fn(src: str):
    return entry_function(src, "f")


def test_intended_exceptions_from_code_and_doc_builtins_only() -> None:
    src = "def f(n):\n    if n < 0:\n        raise ValueError('neg')\n    if n > 9:\n        raise MyError\n    return n"
    assert intended_exceptions(_fn(src), "Raises KeyError if missing; FooError never") == {
        "ValueError",
        "KeyError",
    }
    assert intended_exceptions(None, "") == set()


def test_asserts_on_the_arguments_are_intended() -> None:
    src = "def f(*values):\n    assert values, 'need one'\n    return values[0]"
    assert intended_exceptions(_fn(src), "") == {"AssertionError"}
    local = "def f(opts):\n    n = opts.copy()\n    assert 'x' not in n\n    return n"
    assert intended_exceptions(_fn(local), "") == {"AssertionError"}  # a local made from a parameter
    internal = "def f(n):\n    k = 3\n    assert k > 0\n    return n"
    assert intended_exceptions(_fn(internal), "") == set()


def test_returns_iterator() -> None:
    assert returns_iterator(_fn("def f(n):\n    yield n"))
    assert not returns_iterator(_fn("def f(n):\n    def g():\n        yield 1\n    return list(g())"))
    assert returns_iterator(_fn("def f(n) -> Iterator[int]:\n    return iter([n])"))
    assert not returns_iterator(None)


def test_falls_through() -> None:
    assert falls_through(_fn("def f(n) -> int:\n    for i in range(n):\n        return i"))
    assert not falls_through(_fn("def f(n):\n    if n:\n        return 1\n    return None"))
    assert not falls_through(_fn("def f(n) -> Optional[int]:\n    if n:\n        return 1"))
    assert not falls_through(_fn("def f(n):\n    print(n)"))
    assert not falls_through(None)


def test_cap_exceptions_keeps_values_and_limits_share() -> None:
    raised = {"e1": "ValueError", "e2": "ValueError", "e3": "KeyError"}
    assert cap_exceptions(["e1", "e2"], raised, 8) == []  # no value test: none at all
    chosen = ["v1", "e1", "v2", "e2", "e3"]
    room = max(1, int(MAX_SHARE * 8))
    out = cap_exceptions(chosen, raised, 8)
    assert out == ["v1", "e1", "v2", "e2"][: 2 + room] and sum(c in raised for c in out) == room
    assert cap_exceptions(chosen, raised, 2) == ["v1", "e1", "v2"]
