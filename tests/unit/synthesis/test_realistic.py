"""Realistic mutants: each operator makes the bug it names (known answers, run in-process on
trusted, hand-written seeds)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from aceforge.synthesis.realistic import make_realistic

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


def test_incomplete_table() -> None:
    seed = '''def window(unit):
    """Is `unit` a right-aligned kind?"""
    return unit in ("right", "decimal")
'''
    ops = by_op(seed)
    assert run(seed, "decimal") is True
    assert any(run(p, "decimal") is False for p in ops["table"])
