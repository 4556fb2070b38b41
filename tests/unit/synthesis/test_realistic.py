"""Realistic mutants: each operator makes the bug it names (known answers, run in-process on
trusted, hand-written seeds)."""

from __future__ import annotations

import ast
from collections import Counter, OrderedDict
from typing import Any

import pytest

from aceforge.synthesis.realistic import halves, make_realistic

SEED = '''def window(items, start=0, stop=None, sep=","):
    """Join items[start:stop] with sep; a None stop means the end."""
    if stop is None:
        stop = len(items)
    if start < 0:
        raise ValueError("negative start")
    parts = [str(x) for x in items[start:stop]]
    return sep.join(parts).replace(" ", "_")
'''


def run(program: str, *args: Any, **kwargs: Any) -> Any:
    ns: dict[str, Any] = {}
    exec(program, ns)
    try:
        return ns["window"](*args, **kwargs)
    except Exception as e:
        return type(e).__name__


def by_op(seed: str = SEED) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in make_realistic(seed, "window", "s", limit=200):
        out.setdefault(m.operator, []).append(m.program)
    return out


def test_operators_make_the_bugs_they_name() -> None:
    ops = by_op()
    assert run(SEED, ["a b", "c"], 0, 0) == ""
    # A 0 stop treated as missing: only `if not stop` differs from `stop is None` at 0.
    assert any(run(p, ["a b", "c"], 0, 0) == "a_b,c" for p in ops["truthiness"])
    # An optional parameter ignored.
    assert any(run(p, ["a", "b"], sep="-") == "a,b" for p in ops["ignore_optional"])
    # The documented exception swallowed into a default.
    assert run(SEED, ["a"], -1) == "ValueError"
    assert any(run(p, ["a"], -1) is None for p in ops["swallow"])
    # replace(..., 1): only the first space.
    assert any(run(p, ["a b c"]) == "a_b c" for p in ops["replace_once"])
    # Off by one in a slice bound.
    assert any(run(p, ["a", "b", "c"], 1, 2) != "b" for p in ops["off_by_one"])
    # Boundary: start <= 0 raises on 0.
    assert any(run(p, ["a"], 0) == "ValueError" for p in ops["boundary"])
    # An argument lower-cased / sorted.
    assert any(run(p, ["b", "a"], 0, None, "X") != "bXa" for p in ops["case"])
    assert any(run(p, ["b", "a"]) == "a,b" for p in ops["sorted"])


def test_first_last_abs_rounding_and_guards() -> None:
    seed = '''def window(s, n):
    """The part of s before the first ':' twice, and half of n rounded down."""
    if not s:
        return ""
    return s[: s.find(":")] + s.split(":")[0], n // 2
'''
    ops = by_op(seed)
    assert run(seed, "a:b:c", 5) == ("aa", 2) and run(seed, "a:b:c", -5) == ("aa", -3)
    assert any(run(p, "a:b:c", 5) != ("aa", 2) for p in ops["first_last"])
    assert any(run(p, "a:b:c", -5) != run(seed, "a:b:c", -5) for p in ops["abs"])
    assert any(run(p, "a:b:c", -5) != run(seed, "a:b:c", -5) for p in ops["rounding"])
    assert any(run(p, "", 1) != "" for p in ops["empty_guard"])  # the guard removed


def test_deterministic_distinct_and_spread() -> None:
    a = make_realistic(SEED, "window", "x", limit=12)
    assert [m.program for m in a] == [m.program for m in make_realistic(SEED, "window", "x", limit=12)]
    assert len({m.program for m in a}) == len(a) == 12
    assert len(Counter(m.operator for m in a)) >= 8  # round-robin over the operators
    assert make_realistic("def f(:", "f") == [] and make_realistic(SEED, "missing") == []


def test_halves_split_each_operators_sites_and_do_not_depend_on_other_operators() -> None:
    every = make_realistic(SEED, "window", "x", limit=500)
    search, held = (make_realistic(SEED, "window", "x", 500, part=p) for p in ("search", "held_out"))
    assert {m.program for m in search} | {m.program for m in held} == {m.program for m in every}
    assert not {m.program for m in search} & {m.program for m in held}
    for op in ("abs", "case", "sorted", "strip"):  # a site per parameter: both halves get some
        assert any(m.operator == op for m in search) and any(m.operator == op for m in held)
    sites = [("abs", "param a"), ("abs", "param b"), ("abs", "param c"), ("abs", "param d")]
    alone = halves(sites)
    assert sorted(alone) == ["held_out", "held_out", "search", "search"]
    assert halves([*sites, ("case", "param a"), ("sorted", "param b")])[:4] == alone
    with pytest.raises(ValueError, match="part"):
        make_realistic(SEED, "window", part="audit")


def test_incomplete_table() -> None:
    seed = '''def window(unit):
    """Is `unit` a right-aligned kind?"""
    return unit in ("right", "decimal")
'''
    ops = by_op(seed)
    assert run(seed, "decimal") is True
    assert any(run(p, "decimal") is False for p in ops["table"])


# ---- one known answer per operator ------------------------------------------------------------
# (operator, seed of `f`, the mutant expected (body after the header), args that kill it, args
# that do not). Each mutant differs from the seed only on the edge its real bug shows on.
CASES: list[tuple[str, str, str, Any, Any]] = [
    ("boundary", "if n < 3:\n    return 'small'\nreturn 'big'", "if n <= 3:\n    return 'small'\nreturn 'big'",
     (3,), (1,)),
    ("off_by_one", "return [i for i in range(n)]", "return [i for i in range(n + 1)]", (2,), (-1,)),
    ("off_by_one", "return n[1:]", "return n[1 + 1:]", ("abc",), ("a",)),
    ("truthiness", "if n is None:\n    return 'none'\nreturn n",
     "if bool(n) == False:\n    return 'none'\nreturn n", (0,), (5,)),
    ("empty_guard", "return n[0] if n else None",
     "if hasattr(n, '__len__') and len(n) == 0:\n    return n\nreturn n[0] if n else None", ([],), ([1],)),
    ("empty_guard", "if not n:\n    return ''\nreturn n[0]", "pass\nreturn n[0]", ("",), ("ab",)),
    ("abs", "return n * 2", "if type(n) in (int, float):\n    n = abs(n)\nreturn n * 2", (-2,), (2,)),
    ("sorted", "return n[0]", "if type(n) is list:\n    n = sorted(n, key=repr)\nreturn n[0]", ([2, 1],), ([1, 2],)),
    ("dedupe", "return len(n)",
     "if type(n) is list:\n    n = [x for i, x in enumerate(n) if x not in n[:i]]\nreturn len(n)", ([1, 1],), ([1, 2],)),
    ("case", "return n.lower() == 'abc'", "return n == 'abc'", ("ABC",), ("abc",)),
    ("case", "return n.lower()", "return n.casefold()", ("ß",), ("ABC",)),
    ("ascii_case", "return n.lower()",
     "return (lambda s: ''.join((chr(ord(c) + 32) if 'A' <= c <= 'Z' else c for c in s)) "
     "if isinstance(s, str) else s.lower())(n)", ("ÉA",), ("AB",)),
    ("strip", "return n.split()", "return n.split(' ')", ("a  b",), ("a b",)),
    ("strip", "return len(n)", "if type(n) is str:\n    n = n.strip()\nreturn len(n)", (" a",), ("a",)),
    ("replace_once", "return n.replace('a', 'b')", "return n.replace('a', 'b', 1)", ("aa",), ("ab",)),
    ("first_last", "return n.find('a')", "return n.rfind('a')", ("aba",), ("ab",)),
    ("first_last", "return n[0]", "return n[-1]", ("ab",), ("aa",)),
    ("substring", "return n.endswith('.py')",
     "return (lambda s, t: any((x in s for x in t)) if isinstance(t, tuple) else t in s)(n, '.py')",
     ("a.py.txt",), ("a.txt",)),
    ("ignore_optional", "return n", "n = 1\nreturn n", (2,), (1,)),
    ("swallow", "if n < 0:\n    raise ValueError(n)\nreturn n", "if n < 0:\n    return None\nreturn n", (-1,), (1,)),
    ("swallow", "return 10 // n", "try:\n    return 10 // n\nexcept Exception:\n    return None", (0,), (3,)),
    ("rounding", "return round(n)", "return int(n)", (2.7,), (2.2,)),
    ("rounding", "return int(n)",
     "return (lambda v: __import__('math').floor(v) if isinstance(v, float) else int(v))(n)", (-1.5,), (1.5,)),
    ("rounding", "return n // 2", "return int(n / 2)", (-3,), (3,)),
    ("table", "return n in ('a', 'b')", "return n in ('b',)", ("a",), ("b",)),
    ("sequence", "return [x for x in n]", "if n is not None:\n    len(n)\nreturn [x for x in n]",
     lambda: (iter([1]),), lambda: ([1],)),
    ("hashable", "return list(n)", "if isinstance(n, (list, tuple)):\n    set(n)\nreturn list(n)",
     ([[1]],), ([1],)),
    ("mapping", "n.pop('class', None)\nreturn n",
     "if isinstance(n, dict) and type(n) is not dict:\n    n = dict(n)\nn.pop('class', None)\nreturn n",
     lambda: (OrderedDict(a=1),), lambda: ({"a": 1},)),
    ("falsy_items", "return [x for x in n]", "return [x for x in (item for item in n if item)]",
     ([0, 1],), ([1, 2],)),
    ("empty_guard", "if n == 1:\n    return 'one'\nif n > 9:\n    raise ValueError(n)\nreturn 'many'",
     "if n == 1:\n    return 'one'\npass\nreturn 'many'", (10,), (1,)),
    ("empty_guard", "return next(iter(n), None)", "return next(iter(n))", ([],), ([1],)),
    ("conversion", "return ', '.join([str(x) for x in n])", "return ', '.join([x for x in n])",
     ([1],), (["a"],)),
    ("table", "return isinstance(n, (list, tuple))", "return isinstance(n, (tuple,))", ([1],), ((1,),)),
    ("table", "try:\n    return int(n)\nexcept (ValueError, TypeError):\n    return 0",
     "try:\n    return int(n)\nexcept (TypeError,):\n    return 0", ("x",), ("1",)),
    ("swallow", "try:\n    return int(n)\nexcept ValueError:\n    return 0",
     "try:\n    return int(n)\nexcept ValueError:\n    return None", ("x",), ("1",)),
    ("table", "return n.replace('a', 'b').replace('c', 'd')", "return n.replace('a', 'b')", ("c",), ("a",)),
    ("exception_type", "if n < 0:\n    raise LookupError(n)\nreturn n",
     "if n < 0:\n    raise ValueError(n)\nreturn n", (-1,), (1,)),
    ("missing_clause", "return n % 400 == 0 or n % 100 != 0 and n % 4 == 0",
     "return n % 400 == 0 or n % 4 == 0", (1900,), (2004,)),
    ("missing_clause", "return n % 400 == 0 or n % 100 != 0 and n % 4 == 0",
     "return n % 100 != 0 and n % 4 == 0", (2000,), (1900,)),
]  # fmt: skip


def _f(body: str, default: bool) -> str:
    head = "def f(n=1):\n" if default else "def f(n):\n"
    return head + "".join(f"    {line}\n" for line in body.splitlines())


def _call(program: str, args: Any) -> Any:
    ns: dict[str, Any] = {}
    exec(program, ns)
    try:
        out = ns["f"](*(args() if callable(args) else args))
        return (type(out).__name__, out)
    except Exception as e:
        return type(e).__name__


@pytest.mark.parametrize(("op", "body", "expected", "kills", "spares"), CASES)
def test_each_operator_makes_its_bug_and_only_on_its_edge(
    op: str, body: str, expected: str, kills: Any, spares: Any
) -> None:
    default = op == "ignore_optional"
    seed, want = _f(body, default), ast.unparse(ast.parse(_f(expected, default)))
    made = [m.program for m in make_realistic(seed, "f", "t", limit=500) if m.operator == op]
    assert want in made, f"{op}: got {made}"
    assert _call(want, kills) != _call(seed, kills)
    assert _call(want, spares) == _call(seed, spares)


def test_nesting_moves_an_inner_condition_out() -> None:
    seed = '''def window(action=None, key=None):
    """The command for an action, and its key when an action is given."""
    out = ["run"]
    if action:
        out.append(action)
        if key:
            out.append(key)
    return " ".join(out)
'''
    ops = by_op(seed)
    assert run(seed, None, "k") == "run"
    assert [run(p, None, "k") for p in ops["nesting"]] == ["run k"]  # the key without an action
    assert all(run(p, "a", "k") == "run a k" for p in ops["nesting"])  # the same where both are given
