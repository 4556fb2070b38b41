"""The parent-side verdict of a planned assert: its sandboxed expressions' values (or errors) in,
pass or fail out, following Python's short-circuit order so the verdict matches what the
original assert would give for plain data."""

from __future__ import annotations

import builtins
import math
import operator
from dataclasses import dataclass
from typing import Any

from aceforge.execution.plan import (
    AbsDiff,
    BoolOp,
    Close,
    Expr,
    Lit,
    Node,
    Not,
    Operand,
    Probe,
    Raises,
    Truth,
)
from aceforge.execution.values import values_equal


class EvalError(Exception):
    """An expression raised in the sandbox, or its value could not be used."""

    def __init__(self, outcome: str, detail: str) -> None:
        super().__init__(detail)
        self.outcome, self.detail = outcome, detail


@dataclass(frozen=True)
class ExprResult:
    """One expression's result from the sandbox: a decoded value, or why there is none."""

    value: Any = None
    error: str | None = None  # exception type raised by the expression
    unserializable: str | None = None


_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def decide(node: Node, results: list[ExprResult], rel_tol: float, abs_tol: float) -> bool:
    """True/False for the assert, or EvalError (with outcome error/failed) as Python would raise."""
    if isinstance(node, BoolOp):
        for sub in node.nodes:
            ok = decide(sub, results, rel_tol, abs_tol)
            if ok != (node.op == "and"):
                return ok
        return node.op == "and"
    if isinstance(node, Probe):
        _value(Expr(0), results)  # raises EvalError when the expression raised
        return True
    if isinstance(node, Raises):
        err = results[0].error
        if err is None:
            return False  # returned normally: the `else: raise AssertionError` branch
        if not _catches(node.name, err):
            raise EvalError("memory" if err == "MemoryError" else "error", err)
        return True
    if isinstance(node, Not):
        return not decide(node.node, results, rel_tol, abs_tol)
    if isinstance(node, Truth):
        return bool(_value(node.operand, results))
    if isinstance(node, Close):
        a, b = _value(node.left, results), _value(node.right, results)
        if not _is_number(a) or not _is_number(b):
            raise EvalError("error", "TypeError")
        return _isclose(float(a), float(b), node.rel_tol, node.abs_tol)
    left, right = _value(node.left, results), _value(node.right, results)
    return _compare(left, node.op, right, rel_tol, abs_tol)


def _compare(a: Any, op: str, b: Any, rel_tol: float, abs_tol: float) -> bool:
    if op == "==":
        return values_equal(a, b, rel_tol, abs_tol)
    if op == "!=":
        return not values_equal(a, b, rel_tol, abs_tol)
    if op in ("is", "is not"):
        # `is` on plain data is only meaningful for singletons (None, True, False).
        same = type(a) is type(b) and (a is b or (a is None and b is None) or (type(a) is bool and a == b))
        return same if op == "is" else not same
    if op in ("in", "not in"):
        found = _contains(b, a, rel_tol, abs_tol)
        return found if op == "in" else not found
    try:
        if (type(a) is bool or type(b) is bool) and type(a) is not type(b):
            raise EvalError("error", "TypeError")
        return bool(_ORDER[op](a, b))
    except EvalError:
        raise
    except Exception as e:
        raise EvalError("error", type(e).__name__) from None


def _contains(container: Any, item: Any, rel_tol: float, abs_tol: float) -> bool:
    if type(container) in (str, bytes):
        if type(item) is not type(container):
            raise EvalError("error", "TypeError")
        return item in container
    if type(container) is dict:
        return any(values_equal(item, k, rel_tol, abs_tol) for k in container)
    if type(container) in (list, tuple, set, frozenset):
        return any(values_equal(item, x, rel_tol, abs_tol) for x in container)
    raise EvalError("error", "TypeError")


def _is_number(x: Any) -> bool:
    return type(x) in (int, float)


def _isclose(a: float, b: float, rel_tol: float, abs_tol: float) -> bool:
    try:
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)
    except ValueError:
        return False


def _value(op: Operand, results: list[ExprResult]) -> Any:
    if isinstance(op, Lit):
        return op.value
    if isinstance(op, AbsDiff):
        a, b = _value(op.left, results), _value(op.right, results)
        if not _is_number(a) or not _is_number(b):
            raise EvalError("error", "TypeError")
        return abs(a - b)
    r = results[op.index]
    if r.error is not None:
        raise EvalError("memory" if r.error == "MemoryError" else "error", r.error)
    if r.unserializable is not None:
        raise EvalError("failed", r.unserializable)
    return r.value


def _catches(expected: str, raised: str) -> bool:
    """Whether ``except expected`` catches an exception whose type is named `raised`: the same
    name, or builtin classes in a subclass relation (only the name came from the sandbox)."""
    if raised == expected:
        return True
    a, b = getattr(builtins, raised, None), getattr(builtins, expected, None)
    return isinstance(a, type) and isinstance(b, type) and issubclass(a, BaseException) and issubclass(a, b)
