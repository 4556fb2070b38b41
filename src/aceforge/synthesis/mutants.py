"""Mutants of a reference program: small, plausible bugs made by AST operators.

A suite that cannot tell a mutant from the reference on any input would also accept a program
with that bug. Operators: arithmetic, comparison and boolean operator swaps, integer constants
±1, ``min``/``max``-style name swaps, negated and constant conditions, dropped statements,
swapped call arguments and early returns. Deterministic; at most `limit` per program, spread
over the operators.
"""

from __future__ import annotations

import ast
import copy
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_BINOPS: dict[type, list[type]] = {
    ast.Add: [ast.Sub, ast.Mult], ast.Sub: [ast.Add], ast.Mult: [ast.Add, ast.FloorDiv],
    ast.Div: [ast.Mult, ast.FloorDiv], ast.FloorDiv: [ast.Div, ast.Mod], ast.Mod: [ast.FloorDiv],
    ast.Pow: [ast.Mult],
}  # fmt: skip
_CMPOPS: dict[type, list[type]] = {
    ast.Lt: [ast.LtE, ast.Gt], ast.LtE: [ast.Lt], ast.Gt: [ast.GtE, ast.Lt], ast.GtE: [ast.Gt],
    ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq], ast.In: [ast.NotIn], ast.NotIn: [ast.In],
    ast.Is: [ast.IsNot], ast.IsNot: [ast.Is],
}  # fmt: skip
_NAME_SWAPS = {"min": "max", "max": "min", "any": "all", "all": "any", "True": "False", "False": "True"}


@dataclass(frozen=True)
class Mutant:
    operator: str
    line: int
    program: str


def _sites(tree: ast.Module) -> Iterator[tuple[str, ast.AST, Callable[[ast.AST], bool]]]:
    """(operator name, node, apply) for every mutation point; `apply` edits the node in place
    (on a copy of the tree) and says whether it changed anything."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp | ast.AugAssign):
            for new in _BINOPS.get(type(node.op), []):
                yield "arith", node, _set_attr("op", new)
        elif isinstance(node, ast.Compare) and len(node.ops) == 1:
            for new in _CMPOPS.get(type(node.ops[0]), []):
                yield "compare", node, set_compare(new)
        elif isinstance(node, ast.BoolOp):
            yield "boolean", node, _set_attr("op", ast.Or if isinstance(node.op, ast.And) else ast.And)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
            yield "unary", node, _drop_unary
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            yield "constant", node, _shift(1)
            yield "constant", node, _shift(-1)
        elif isinstance(node, ast.Name) and node.id in _NAME_SWAPS:
            yield "name", node, _swap_name
        elif isinstance(node, ast.If | ast.While | ast.IfExp):
            yield "condition", node, _negate
        elif isinstance(node, ast.Call) and len(node.args) >= 2:
            yield "arguments", node, _swap_args
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            yield "slice", node, _drop_slice_bound
        if isinstance(node, ast.FunctionDef | ast.For | ast.While | ast.If | ast.With):
            for field in ("body", "orelse"):
                stmts = getattr(node, field, [])
                for i, stmt in enumerate(stmts):
                    if _droppable(stmt):
                        yield "statement", node, _drop_stmt(field, i)
                    if isinstance(stmt, ast.For) and any(isinstance(s, ast.Return) for s in ast.walk(stmt)):
                        yield "early_return", node, _early_return(field, i)


def _droppable(stmt: ast.stmt) -> bool:
    """Statements whose removal is a plausible bug (docstrings are not)."""
    kinds = ast.Assign | ast.AugAssign | ast.Expr | ast.If | ast.For | ast.Return
    return isinstance(stmt, kinds) and not (
        isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
    )


def _set_attr(name: str, new: type) -> Callable[[ast.AST], bool]:
    def apply(node: ast.AST) -> bool:
        setattr(node, name, new())
        return True

    return apply


def round_robin(ops: list[str], rng: random.Random) -> list[int]:
    """Site indices taken one operator at a time (each operator's sites shuffled), so a small
    limit still samples every kind of mutation."""
    by_op: dict[str, list[int]] = {}
    for i, op in enumerate(ops):
        by_op.setdefault(op, []).append(i)
    for ids in by_op.values():
        rng.shuffle(ids)
    longest = max((len(v) for v in by_op.values()), default=0)
    return [ids[k] for k in range(longest) for ids in by_op.values() if k < len(ids)]


def set_compare(new: type) -> Callable[[ast.AST], bool]:
    """A mutation replacing a comparison's operator (classic and realistic mutants share it)."""

    def apply(node: ast.AST) -> bool:
        node.ops = [new()]  # type: ignore[attr-defined]
        return True

    return apply


def _drop_unary(node: ast.AST) -> bool:
    node.op = ast.UAdd()  # type: ignore[attr-defined]
    return True


def _shift(d: int) -> Callable[[ast.AST], bool]:
    def apply(node: ast.AST) -> bool:
        node.value += d  # type: ignore[attr-defined]
        return True

    return apply


def _swap_name(node: ast.AST) -> bool:
    node.id = _NAME_SWAPS[node.id]  # type: ignore[attr-defined]
    return True


def _negate(node: ast.AST) -> bool:
    node.test = ast.UnaryOp(ast.Not(), node.test)  # type: ignore[attr-defined]
    return True


def _swap_args(node: ast.AST) -> bool:
    a = node.args  # type: ignore[attr-defined]
    if ast.dump(a[0]) == ast.dump(a[1]):
        return False
    a[0], a[1] = a[1], a[0]
    return True


def _drop_slice_bound(node: ast.AST) -> bool:
    s = node.slice  # type: ignore[attr-defined]
    for bound in ("upper", "lower", "step"):
        if getattr(s, bound) is not None:
            setattr(s, bound, None)
            return True
    return False


def _drop_stmt(field: str, i: int) -> Callable[[ast.AST], bool]:
    def apply(node: ast.AST) -> bool:
        getattr(node, field)[i] = ast.Pass()
        return True

    return apply


def _early_return(field: str, i: int) -> Callable[[ast.AST], bool]:
    """A loop that returns from inside stops after its first iteration."""

    def apply(node: ast.AST) -> bool:
        loop = getattr(node, field)[i]
        loop.body = [*loop.body, ast.Break()]
        return True

    return apply


def make_mutants(program: str, seed: str = "", limit: int = 40) -> list[Mutant]:
    """Distinct mutants of `program` (each differs from it and from the others)."""
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []
    original = ast.unparse(tree)
    order = round_robin([op for op, _, _ in _sites(tree)], random.Random(seed))
    out: list[Mutant] = []
    seen = {original}
    for index in order:
        if len(out) >= limit:
            break
        copy_tree = copy.deepcopy(tree)
        op, node, apply = next(x for j, x in enumerate(_sites(copy_tree)) if j == index)
        if not apply(node):
            continue
        try:
            text = ast.unparse(ast.fix_missing_locations(copy_tree))
            compile(text, "<mutant>", "exec")
        except (SyntaxError, ValueError, TypeError, RecursionError):
            continue
        if text not in seen:
            seen.add(text)
            out.append(Mutant(op, getattr(node, "lineno", 0), text))
    return out
