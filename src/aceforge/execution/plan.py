"""Oracle separation: split an assert test into what runs in the sandbox and what stays out.

For ``assert f(x) == [1, 2]`` only ``f(x)`` enters the sandbox; its value comes back as data
and the parent compares it with ``[1, 2]``. Recognised shapes (nested freely under ``and``,
``or`` and ``not``): comparisons (``== != < <= > >= in not in is is not``), bare truth tests,
``math.isclose(a, b, rel_tol=, abs_tol=)`` and ``abs(a - b) < tol``. Everything else (several
statements, loops, ``def check(candidate)`` + a call) runs whole inside the sandbox and passes
when it raises nothing.

The parent-side evaluation follows Python's short-circuit order, so a test's verdict matches
what the original assert would give for plain data.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Lit:
    value: Any


@dataclass(frozen=True)
class Expr:
    index: int  # position in Plan.exprs


@dataclass(frozen=True)
class AbsDiff:
    left: Operand
    right: Operand


Operand = Lit | Expr | AbsDiff


@dataclass(frozen=True)
class Compare:
    left: Operand
    op: str
    right: Operand


@dataclass(frozen=True)
class Truth:
    operand: Operand


@dataclass(frozen=True)
class Close:
    left: Operand
    right: Operand
    rel_tol: float
    abs_tol: float


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Raises:
    """``try: f(x) / except E: pass / else: raise AssertionError``: passes when the expression
    raised `E` (or a builtin subclass of it), judged from the exception's type name alone."""

    name: str


@dataclass(frozen=True)
class Probe:
    """Not a check: the test is a bare expression whose value the caller wants (a probe job)."""


Node = Compare | Truth | Close | Not | BoolOp | Probe | Raises


@dataclass(frozen=True)
class Plan:
    """How one test runs. kind "oracle": evaluate `exprs` in the sandbox, decide with `node`.
    kind "exec": run `source` in the sandbox. kind "stdio": feed `stdin`, compare `stdout`."""

    kind: str
    source: str
    exprs: tuple[str, ...] = ()
    node: Node | None = None
    stdin: str = ""
    stdout: str = ""
    compare: str = "lines"  # stdio: how stdout is compared (see outputs)


_COMPARE_OPS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_SAFE_CALLS = {"float", "set", "frozenset", "tuple", "list", "dict", "complex", "int", "str"}
_MATH_CONSTS = {"inf": math.inf, "nan": math.nan, "pi": math.pi, "e": math.e, "tau": math.tau}
_NO_LITERAL = object()


def literal(node: ast.expr) -> Any:
    """A constant the parent can compute without running test code, else _NO_LITERAL."""
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        pass
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "math"
        and node.attr in _MATH_CONSTS
    ):
        return _MATH_CONSTS[node.attr]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = literal(node.operand)
        if type(inner) in (int, float):
            return -inner
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _SAFE_CALLS
        and not node.keywords
        and len(node.args) <= 1
    ):
        args = [literal(a) for a in node.args]
        if all(a is not _NO_LITERAL for a in args):
            try:
                return {
                    "float": float,
                    "set": set,
                    "frozenset": frozenset,
                    "tuple": tuple,
                    "list": list,
                    "dict": dict,
                    "complex": complex,
                    "int": int,
                    "str": str,
                }[node.func.id](*args)
            except (ValueError, TypeError):
                return _NO_LITERAL
    return _NO_LITERAL


class _Builder:
    def __init__(self) -> None:
        self.exprs: list[str] = []

    def operand(self, node: ast.expr) -> Operand:
        value = literal(node)
        if value is not _NO_LITERAL:
            return Lit(value)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "abs"
            and len(node.args) == 1
            and not node.keywords
            and isinstance(node.args[0], ast.BinOp)
            and isinstance(node.args[0].op, ast.Sub)
        ):
            return AbsDiff(self.operand(node.args[0].left), self.operand(node.args[0].right))
        self.exprs.append(ast.unparse(node))
        return Expr(len(self.exprs) - 1)

    def node(self, test: ast.expr) -> Node:
        if isinstance(test, ast.BoolOp):
            op = "and" if isinstance(test.op, ast.And) else "or"
            return BoolOp(op, tuple(self.node(v) for v in test.values))
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return Not(self.node(test.operand))
        if isinstance(test, ast.Compare) and all(type(op) in _COMPARE_OPS for op in test.ops):
            # a < b < c is (a < b) and (b < c), with b evaluated once
            operands = [self.operand(e) for e in (test.left, *test.comparators)]
            compares = tuple(
                Compare(operands[i], _COMPARE_OPS[type(op)], operands[i + 1]) for i, op in enumerate(test.ops)
            )
            return compares[0] if len(compares) == 1 else BoolOp("and", compares)
        if _is_isclose(test):
            assert isinstance(test, ast.Call)
            kw = {k.arg: literal(k.value) for k in test.keywords}
            rel, abs_ = kw.get("rel_tol", 1e-9), kw.get("abs_tol", 0.0)
            if all(type(x) in (int, float) for x in (rel, abs_)) and len(test.args) == 2:
                return Close(self.operand(test.args[0]), self.operand(test.args[1]), float(rel), float(abs_))
        return Truth(self.operand(test))


def _is_isclose(node: ast.expr) -> bool:
    if not isinstance(node, ast.Call) or any(k.arg not in ("rel_tol", "abs_tol") for k in node.keywords):
        return False
    f = node.func
    return (
        isinstance(f, ast.Attribute)
        and f.attr == "isclose"
        and isinstance(f.value, ast.Name)
        and f.value.id == "math"
    ) or (isinstance(f, ast.Name) and f.id == "isclose")


@lru_cache(maxsize=65536)
def plan_assert(source: str) -> Plan:
    """Plan a string test. Cached: the same tests recur for every sample of a question."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return Plan("exec", source)  # the sandbox reports the error
    body = tree.body
    raises = _raises_check(body)
    if raises is not None:
        call, name = raises
        return Plan("oracle", source, exprs=(call,), node=Raises(name))
    if len(body) != 1 or not isinstance(body[0], ast.Assert):
        return Plan("exec", source)
    builder = _Builder()
    try:
        node = builder.node(body[0].test)
    except RecursionError:
        return Plan("exec", source)
    return Plan("oracle", source, exprs=tuple(builder.exprs), node=node)


def _raises_check(body: list[ast.stmt]) -> tuple[str, str] | None:
    """(expression, exception name) for the one exception-test shape the parent judges:

    try:
        f(x)
    except ValueError:
        pass
    else:
        raise AssertionError(...)   # or: assert False, ...
    """
    if len(body) != 1 or not isinstance(body[0], ast.Try) or body[0].finalbody:
        return None
    t = body[0]
    if len(t.body) != 1 or not isinstance(t.body[0], ast.Expr) or len(t.handlers) != 1:
        return None
    h = t.handlers[0]
    if (
        not isinstance(h.type, ast.Name)
        or h.name is not None
        or not all(isinstance(s, ast.Pass) for s in h.body)
    ):
        return None
    fails = len(t.orelse) == 1 and (
        isinstance(t.orelse[0], ast.Raise)
        or (isinstance(t.orelse[0], ast.Assert) and literal(t.orelse[0].test) is False)
    )
    return (ast.unparse(t.body[0].value), h.type.id) if fails else None


def plan_probe(source: str) -> Plan:
    """An expression to evaluate in the sandbox and return (e.g. a reference program's output)."""
    return Plan("oracle", source, exprs=(source,), node=Probe())


def plan_stdio(stdin: str, stdout: str, compare: str = "lines") -> Plan:
    return Plan("stdio", "", stdin=stdin, stdout=stdout, compare=compare)
