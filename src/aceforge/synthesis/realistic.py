"""Realistic mutants: operators modelled on the bugs people write, not on the grammar.

Classic mutants (``mutants``) are killed far more easily than real faults, so a suite's classic
mutation score overstates how many real bugs it catches. These operators copy the kinds of bugs
that slip through suites of documented functions:

* ``boundary`` — ``<`` ↔ ``<=``, ``>`` ↔ ``>=``;
* ``off_by_one`` — ``range``/slice bounds ±1;
* ``truthiness`` — ``x is None`` → ``not x`` (a 0 or "" bound treated as missing);
* ``empty_guard`` — an early return for empty input added (returning the input), or removed;
* ``abs`` — a number argument folded with ``abs``;
* ``sorted`` / ``dedupe`` — a list argument sorted, or its duplicates dropped;
* ``case`` — a string argument lower-cased; ``lower`` ↔ ``casefold``;
* ``strip`` — a string argument stripped; ``split()`` ↔ ``split(" ")``;
* ``replace_once`` — ``s.replace(a, b)`` → ``s.replace(a, b, 1)``;
* ``first_last`` — ``find``/``index``/``split``/``partition``/``strip`` ↔ their right-hand
  twins, ``[0]`` ↔ ``[-1]``;
* ``ignore_optional`` — an optional parameter overwritten with its default;
* ``swallow`` — ``raise`` replaced by ``return None``, or the body wrapped in ``try/except``;
* ``rounding`` — ``round`` ↔ ``int``, ``//`` → ``int(/)``;
* ``table`` — an entry left out of a literal table (``in ("a", "b")``, a dict of aliases).

Deterministic; at most `limit` per program, spread over the operators.
"""

from __future__ import annotations

import ast
import copy
import random
from collections.abc import Callable, Iterator, Sequence
from functools import partial

from aceforge.synthesis.mutants import Mutant, round_robin, set_compare

_CMP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}
_TWINS = {"find": "rfind", "rfind": "find", "index": "rindex", "rindex": "index", "split": "rsplit",
          "rsplit": "split", "partition": "rpartition", "rpartition": "partition", "lstrip": "rstrip",
          "rstrip": "lstrip", "strip": "lstrip", "lower": "casefold", "casefold": "lower",
          "startswith": "endswith", "endswith": "startswith"}  # fmt: skip
_ROUNDING = {"round": "int", "int": "round"}
Edit = Callable[[ast.Module, ast.FunctionDef], bool]


def _entry(tree: ast.Module, entry: str) -> ast.FunctionDef | None:
    return next((n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == entry), None)


def _stmt(src: str) -> list[ast.stmt]:
    return ast.parse(src).body


def _body_start(fn: ast.FunctionDef) -> int:
    """Where code starts: after the docstring."""
    first = fn.body[0] if fn.body else None
    doc = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    return 1 if doc else 0


def _insert(code: str) -> Edit:
    def apply(tree: ast.Module, fn: ast.FunctionDef) -> bool:
        i = _body_start(fn)
        fn.body[i:i] = _stmt(code)
        return True

    return apply


def _param_edits(fn: ast.FunctionDef) -> Iterator[tuple[str, Edit]]:
    """Edits that change what an argument looks like before the code sees it."""
    args = fn.args.posonlyargs + fn.args.args
    defaults = [None] * (len(args) - len(fn.args.defaults)) + list(fn.args.defaults)
    for a, d in zip(args, defaults, strict=True):
        p = a.arg
        yield "abs", _insert(f"if type({p}) in (int, float):\n    {p} = abs({p})")
        yield "sorted", _insert(f"if type({p}) is list:\n    {p} = sorted({p}, key=repr)")
        yield (
            "dedupe",
            _insert(f"if type({p}) is list:\n    {p} = [x for i, x in enumerate({p}) if x not in {p}[:i]]"),
        )
        yield "case", _insert(f"if type({p}) is str:\n    {p} = {p}.lower()")
        yield "strip", _insert(f"if type({p}) is str:\n    {p} = {p}.strip()")
        yield "empty_guard", _insert(f"if hasattr({p}, '__len__') and len({p}) == 0:\n    return {p}")
        if d is not None:
            yield "ignore_optional", _insert(f"{p} = {ast.unparse(d)}")
    for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults, strict=True):
        if d is not None:
            yield "ignore_optional", _insert(f"{a.arg} = {ast.unparse(d)}")


def _node_edits(fn: ast.FunctionDef) -> Iterator[tuple[str, ast.AST, Callable[[ast.AST], bool]]]:
    for node in ast.walk(fn):
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            op = type(node.ops[0])
            if op in _CMP:
                yield "boundary", node, set_compare(_CMP[op])
            if (
                op in (ast.Is, ast.IsNot)
                and isinstance(node.comparators[0], ast.Constant)
                and node.comparators[0].value is None
            ):
                yield "truthiness", node, _truthy(op is ast.IsNot)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "range" and node.args:
                yield "off_by_one", node, _shift_arg(-1, 1)
                yield "off_by_one", node, _shift_arg(-1, -1)
            if node.func.id in _ROUNDING and len(node.args) == 1:
                yield "rounding", node, _rename_func(_ROUNDING[node.func.id])
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in _TWINS:
                yield (
                    "first_last" if name not in ("lower", "casefold") else "case",
                    node,
                    _rename_attr(_TWINS[name]),
                )
            if name == "replace" and len(node.args) == 2:
                yield "replace_once", node, _append_arg(1)
            if name == "split" and not node.args:
                yield "strip", node, _append_arg(" ")
            elif (
                name == "split"
                and len(node.args) == 1
                and ast.dump(node.args[0]) == ast.dump(ast.Constant(" "))
            ):
                yield "strip", node, _drop_args
        elif isinstance(node, ast.Subscript):
            sl = node.slice
            if isinstance(sl, ast.Slice):
                for bound in ("lower", "upper"):
                    if getattr(sl, bound) is not None:
                        yield "off_by_one", node, _shift_slice(bound, 1)
                        yield "off_by_one", node, _shift_slice(bound, -1)
            elif isinstance(sl, ast.Constant) and sl.value == 0:
                yield "first_last", node, _index(-1)
            elif (
                isinstance(sl, ast.UnaryOp) and isinstance(sl.operand, ast.Constant) and sl.operand.value == 1
            ):
                yield "first_last", node, _index(0)
        elif isinstance(node, ast.List | ast.Tuple | ast.Set) and _table(node.elts):
            for i in range(min(len(node.elts), 4)):
                yield "table", node, _drop_item("elts", i)
        elif isinstance(node, ast.Dict) and _table(node.keys):
            for i in range(min(len(node.keys), 4)):
                yield "table", node, _drop_item("keys", i)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv):
            yield "rounding", node, lambda n: True  # replaced below by _floor_div
        elif isinstance(node, ast.Raise) and node.exc is not None:
            yield "swallow", node, lambda n: True


def _table(items: Sequence[ast.expr | None]) -> bool:
    """A literal table of two or more constants (keywords, units, aliases)."""
    return len(items) >= 2 and all(isinstance(k, ast.Constant) for k in items)


def _drop_item(attr: str, i: int) -> Callable[[ast.AST], bool]:
    """An incomplete table: one entry left out."""

    def apply(node: ast.AST) -> bool:
        del getattr(node, attr)[i]
        if attr == "keys":
            del node.values[i]  # type: ignore[attr-defined]
        return True

    return apply


def _truthy(is_not: bool) -> Callable[[ast.AST], bool]:
    """``x is None`` → ``bool(x) == False`` (``not x``); ``x is not None`` → ``bool(x) != False``."""

    def apply(node: ast.AST) -> bool:
        left = node.left  # type: ignore[attr-defined]
        node.ops = [ast.NotEq() if is_not else ast.Eq()]  # type: ignore[attr-defined]
        node.comparators = [ast.Constant(False)]  # type: ignore[attr-defined]
        node.left = ast.Call(ast.Name("bool", ast.Load()), [left], [])  # type: ignore[attr-defined]
        return True

    return apply


def _shift_arg(i: int, d: int) -> Callable[[ast.AST], bool]:
    def apply(node: ast.AST) -> bool:
        args = node.args  # type: ignore[attr-defined]
        args[i] = ast.BinOp(args[i], ast.Add() if d > 0 else ast.Sub(), ast.Constant(abs(d)))
        return True

    return apply


def _rename_func(new: str) -> Callable[[ast.AST], bool]:
    def apply(node: ast.AST) -> bool:
        node.func = ast.Name(new, ast.Load())  # type: ignore[attr-defined]
        return True

    return apply


def _rename_attr(new: str) -> Callable[[ast.AST], bool]:
    def apply(node: ast.AST) -> bool:
        node.func.attr = new  # type: ignore[attr-defined]
        return True

    return apply


def _append_arg(value: str | int) -> Callable[[ast.AST], bool]:
    def apply(node: ast.AST) -> bool:
        node.args.append(ast.Constant(value))  # type: ignore[attr-defined]
        return True

    return apply


def _drop_args(node: ast.AST) -> bool:
    node.args = []  # type: ignore[attr-defined]
    return True


def _shift_slice(bound: str, d: int) -> Callable[[ast.AST], bool]:
    def apply(node: ast.AST) -> bool:
        sl = node.slice  # type: ignore[attr-defined]
        setattr(
            sl, bound, ast.BinOp(getattr(sl, bound), ast.Add() if d > 0 else ast.Sub(), ast.Constant(abs(d)))
        )
        return True

    return apply


def _index(i: int) -> Callable[[ast.AST], bool]:
    def apply(node: ast.AST) -> bool:
        node.slice = ast.Constant(i) if i >= 0 else ast.UnaryOp(ast.USub(), ast.Constant(-i))  # type: ignore[attr-defined]
        return True

    return apply


class _Replace(ast.NodeTransformer):
    """Whole-node replacements the in-place edits cannot do: the `target`-th ``a // b`` becomes
    ``int(a / b)`` (kind "rounding"), or the `target`-th ``raise`` a ``return None``."""

    def __init__(self, kind: str, target: int) -> None:
        self.kind, self.target, self.i = kind, target, -1

    def _hit(self, kind: str) -> bool:
        if kind != self.kind:
            return False
        self.i += 1
        return self.i == self.target

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.FloorDiv) and self._hit("rounding"):
            return ast.Call(ast.Name("int", ast.Load()), [ast.BinOp(node.left, ast.Div(), node.right)], [])
        return node

    def visit_Raise(self, node: ast.Raise) -> ast.AST:
        if node.exc is not None and self._hit("swallow"):
            return ast.Return(ast.Constant(None))
        return node


def _sites(tree: ast.Module, entry: str) -> list[tuple[str, Callable[[ast.Module], bool]]]:
    """(operator, edit of a fresh copy of `tree`) for every realistic mutation point."""
    fn = _entry(tree, entry)
    if fn is None:
        return []
    out: list[tuple[str, Callable[[ast.Module], bool]]] = []
    for k, (op, _) in enumerate(_param_edits(fn)):
        out.append((op, partial(_apply_param, entry=entry, k=k)))
    replaced = {"rounding": 0, "swallow": 0}
    for k, (op, node, _) in enumerate(_node_edits(fn)):
        if isinstance(node, ast.BinOp | ast.Raise):
            out.append((op, partial(_apply_replace, entry=entry, kind=op, r=replaced[op])))
            replaced[op] += 1
        else:
            out.append((op, partial(_apply_node, entry=entry, k=k)))
    out.append(("swallow", partial(_wrap_try, entry=entry)))
    out.append(("empty_guard", partial(_drop_guard, entry=entry)))
    return out


def _apply_param(tree: ast.Module, entry: str, k: int) -> bool:
    fn = _entry(tree, entry)
    edit = next((e for j, (_, e) in enumerate(_param_edits(fn)) if j == k), None) if fn else None
    return bool(edit and fn and edit(tree, fn))


def _apply_node(tree: ast.Module, entry: str, k: int) -> bool:
    fn = _entry(tree, entry)
    hit = next((x for j, x in enumerate(_node_edits(fn)) if j == k), None) if fn else None
    return bool(hit and hit[2](hit[1]))


def _apply_replace(tree: ast.Module, entry: str, kind: str, r: int) -> bool:
    fn = _entry(tree, entry)
    if fn is None:
        return False
    rep = _Replace(kind, r)
    fn.body = [rep.visit(s) for s in fn.body]
    return rep.i >= r


def _wrap_try(tree: ast.Module, entry: str) -> bool:
    """The body's exceptions swallowed into a default (``None``)."""
    fn = _entry(tree, entry)
    if fn is None or any(isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(fn)):
        return False
    i = _body_start(fn)
    wrapper = _stmt("try:\n    pass\nexcept Exception:\n    return None")[0]
    assert isinstance(wrapper, ast.Try)
    wrapper.body = fn.body[i:] or [ast.Pass()]
    fn.body[i:] = [wrapper]
    return True


def _drop_guard(tree: ast.Module, entry: str) -> bool:
    """The first early ``if ...: return`` (an empty-input or None guard) removed."""
    fn = _entry(tree, entry)
    if fn is None:
        return False
    for i, s in enumerate(fn.body):
        if (
            isinstance(s, ast.If)
            and not s.orelse
            and len(s.body) == 1
            and isinstance(s.body[0], ast.Return | ast.Raise)
        ):
            fn.body[i] = ast.Pass()
            return True
    return False


def make_realistic(program: str, entry: str, seed: str = "", limit: int = 30) -> list[Mutant]:
    """Distinct realistic mutants of `entry` in `program`, spread over the operators."""
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []
    original = ast.unparse(tree)
    sites = _sites(tree, entry)
    order = round_robin([op for op, _ in sites], random.Random(f"realistic/{seed}"))
    out: list[Mutant] = []
    seen = {original}
    for i in order:
        if len(out) >= limit:
            break
        op, edit = sites[i]
        t = copy.deepcopy(tree)
        try:
            if not edit(t):
                continue
            text = ast.unparse(ast.fix_missing_locations(t))
            compile(text, "<mutant>", "exec")
        except (SyntaxError, ValueError, TypeError, RecursionError, AttributeError, StopIteration):
            continue
        if text not in seen:
            seen.add(text)
            out.append(Mutant(op, 0, text))
    return out
