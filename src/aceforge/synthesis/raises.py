"""Exceptions are behaviour: which exceptions a seed means to raise.

An input on which the seed raises is usually outside the question's domain (``max([])``), and
is dropped. But a seed that raises on purpose — an explicit ``raise ValueError(...)`` in its
code, or an exception its docstring documents ("Raises ValueError if n is negative") — defines
behaviour a correct program must share, and a bug that returns a default instead is real. Those
inputs become exception tests (``feedback.raises_test``); they never make up more than a share
of a suite, and a suite with them always keeps value tests, so a program that raises on every
input cannot pass.
"""

from __future__ import annotations

import ast
import builtins
import re

from aceforge.synthesis.silence import aliases

MAX_SHARE = 0.25  # of a suite's tests at most this share checks exceptions (at least one may)


def _builtin_exception(name: str) -> bool:
    cls = getattr(builtins, name, None)
    return isinstance(cls, type) and issubclass(cls, Exception)


def intended_exceptions(fn: ast.FunctionDef | None, doc: str) -> set[str]:
    """Builtin exception types the function raises explicitly or its docstring names."""
    names: set[str] = set()
    if fn is not None:
        for node in ast.walk(fn):
            if isinstance(node, ast.Assert) and _on_params(node.test, fn):
                names.add("AssertionError")  # `assert values`: a check its author wrote
            if isinstance(node, ast.Raise) and node.exc is not None:
                exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(exc, ast.Name):
                    names.add(exc.id)
    names |= set(re.findall(r"\b([A-Z]\w*(?:Error|Exception))\b", doc or ""))
    return {n for n in names if _builtin_exception(n)}


def _on_params(test: ast.expr, fn: ast.FunctionDef) -> bool:
    params = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    params |= {a.arg for a in (fn.args.vararg, fn.args.kwarg) if a is not None}
    params |= set(aliases(fn))  # `n_options = options.copy()`
    return any(isinstance(n, ast.Name) and n.id in params for n in ast.walk(test))


def returns_iterator(fn: ast.FunctionDef | None) -> bool:
    """A generator function, or one annotated to return an iterator: its values are compared
    as ``list(call)`` (a generator object is no value to compare)."""
    if fn is None:
        return False
    own = [n for n in ast.walk(fn) if isinstance(n, ast.Yield | ast.YieldFrom)]
    nested = [n for n in ast.walk(fn) if n is not fn and isinstance(n, ast.FunctionDef | ast.Lambda)]
    inner = {id(y) for f in nested for y in ast.walk(f) if isinstance(y, ast.Yield | ast.YieldFrom)}
    if any(id(y) not in inner for y in own):
        return True
    ret = ast.unparse(fn.returns) if fn.returns is not None else ""
    return bool(re.search(r"\b(?:Iterator|Generator)\b", ret))


def falls_through(fn: ast.FunctionDef | None) -> bool:
    """Whether ``None`` from this function can only mean it ran off its end: it returns values
    elsewhere, never ``return None`` or a bare ``return``, and its annotation allows no None.
    Such an answer is behaviour nobody wrote (``largest_divisor(0)``), not worth a test."""
    if fn is None or any(isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(fn)):
        return False
    returns = [n for n in ast.walk(fn) if isinstance(n, ast.Return)]
    if not returns or any(r.value is None or (isinstance(r.value, ast.Constant) and r.value.value is None)
                          for r in returns):  # fmt: skip
        return False
    ann = ast.unparse(fn.returns) if fn.returns is not None else ""
    return not re.search(r"None|Optional|Any", ann)


def cap_exceptions(chosen: list[str], raised: dict[str, str], n: int) -> list[str]:
    """`chosen` with at most ``max(1, MAX_SHARE * n)`` exception tests, and none unless a value
    test stays beside them (the suite's other tests still need values)."""
    values = [c for c in chosen if c not in raised]
    if not values:
        return []
    room = max(1, int(MAX_SHARE * n))
    kept = set(values) | {c for c in chosen if c in raised}
    exc = [c for c in chosen if c in raised]
    kept -= set(exc[room:])
    return [c for c in chosen if c in kept]
