"""The AST edits behind realistic mutants (``realistic`` picks the sites).

Each edit takes a node of a fresh copy of the program and returns what replaces it: the same
node changed in place, a new node, or None where the edit does not apply. The edits that model
edge-case bugs keep the seed's behaviour on typical inputs: ``ascii_case`` differs only on
non-ASCII letters, ``floor`` only on negative fractions, ``substring`` only where the affix also
occurs inside, ``falsy_items`` only on falsy items.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

NodeEdit = Callable[[ast.AST], ast.AST | None]

# Templates: X (and T) stand for the expressions the edit keeps; each is evaluated once.
_ASCII = {
    "lower": "(lambda s: ''.join(chr(ord(c) + 32) if 'A' <= c <= 'Z' else c for c in s) "
    "if isinstance(s, str) else s.lower())(X)",
    "upper": "(lambda s: ''.join(chr(ord(c) - 32) if 'a' <= c <= 'z' else c for c in s) "
    "if isinstance(s, str) else s.upper())(X)",
}
_FLOOR = "(lambda v: __import__('math').floor(v) if isinstance(v, float) else int(v))(X)"
_SUBSTRING = "(lambda s, t: any(x in s for x in t) if isinstance(t, tuple) else t in s)(X, T)"
_FALSY = "(item for item in X if item)"


def _fill(template: str, **parts: ast.expr) -> ast.expr:
    """`template` parsed, its capital one-letter names replaced by `parts`."""

    class Fill(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            return parts.get(node.id, node)

    expr = ast.parse(template, mode="eval").body
    return Fill().visit(expr)


def table(items: Sequence[ast.expr | None]) -> bool:
    """A literal table of two or more constants (keywords, units, aliases)."""
    return len(items) >= 2 and all(isinstance(k, ast.Constant) for k in items)


def drop_item(attr: str, i: int) -> NodeEdit:
    """An incomplete table: one entry left out."""

    def apply(node: ast.AST) -> ast.AST:
        del getattr(node, attr)[i]
        if attr == "keys":
            del node.values[i]  # type: ignore[attr-defined]
        return node

    apply.site = f"#{i}"  # type: ignore[attr-defined]  # each entry needs its own input
    return apply


def drop_clause(i: int) -> NodeEdit:
    """A rule left out: one operand of ``a or b and c`` gone (the century rule of a leap year)."""

    def apply(node: ast.AST) -> ast.AST:
        assert isinstance(node, ast.BoolOp)
        rest = [v for k, v in enumerate(node.values) if k != i]
        if len(rest) == 1:
            return rest[0]
        node.values = rest
        return node

    apply.site = f"#{i}"  # type: ignore[attr-defined]  # each operand needs its own input
    return apply


def truthy(is_not: bool) -> NodeEdit:
    """``x is None`` → ``bool(x) == False`` (``not x``); ``x is not None`` → ``bool(x) != False``."""

    def apply(node: ast.AST) -> ast.AST:
        left = node.left  # type: ignore[attr-defined]
        node.ops = [ast.NotEq() if is_not else ast.Eq()]  # type: ignore[attr-defined]
        node.comparators = [ast.Constant(False)]  # type: ignore[attr-defined]
        node.left = ast.Call(ast.Name("bool", ast.Load()), [left], [])  # type: ignore[attr-defined]
        return node

    return apply


def _plus(expr: ast.expr, d: int) -> ast.expr:
    return ast.BinOp(expr, ast.Add() if d > 0 else ast.Sub(), ast.Constant(abs(d)))


def shift_arg(i: int, d: int) -> NodeEdit:
    def apply(node: ast.AST) -> ast.AST:
        args = node.args  # type: ignore[attr-defined]
        args[i] = _plus(args[i], d)
        return node

    return apply


def shift_slice(bound: str, d: int) -> NodeEdit:
    def apply(node: ast.AST) -> ast.AST:
        sl = node.slice  # type: ignore[attr-defined]
        setattr(sl, bound, _plus(getattr(sl, bound), d))
        return node

    return apply


def rename_func(new: str) -> NodeEdit:
    def apply(node: ast.AST) -> ast.AST:
        node.func = ast.Name(new, ast.Load())  # type: ignore[attr-defined]
        return node

    return apply


def rename_attr(new: str) -> NodeEdit:
    def apply(node: ast.AST) -> ast.AST:
        node.func.attr = new  # type: ignore[attr-defined]
        return node

    return apply


def append_arg(value: str | int) -> NodeEdit:
    def apply(node: ast.AST) -> ast.AST:
        node.args.append(ast.Constant(value))  # type: ignore[attr-defined]
        return node

    return apply


def drop_args(node: ast.AST) -> ast.AST:
    node.args = []  # type: ignore[attr-defined]
    return node


def index(i: int) -> NodeEdit:
    def apply(node: ast.AST) -> ast.AST:
        node.slice = ast.Constant(i) if i >= 0 else ast.UnaryOp(ast.USub(), ast.Constant(-i))  # type: ignore[attr-defined]
        return node

    return apply


def drop_call(node: ast.AST) -> ast.AST:
    """``s.lower()`` → ``s``: a comparison that should ignore case does not."""
    return node.func.value  # type: ignore[attr-defined]


def ascii_case(node: ast.AST) -> ast.AST:
    """``s.lower()`` → lower-casing of ASCII letters only (É, Σ, ß kept as they are)."""
    return _fill(_ASCII[node.func.attr], X=node.func.value)  # type: ignore[attr-defined]


def floor(node: ast.AST) -> ast.AST:
    """``int(x)`` → ``math.floor(x)`` for floats: a different answer on negative fractions only."""
    return _fill(_FLOOR, X=node.args[0])  # type: ignore[attr-defined]


def substring(node: ast.AST) -> ast.AST:
    """``s.endswith(t)`` / ``s.startswith(t)`` → ``t in s``: a suffix test that matches anywhere."""
    return _fill(_SUBSTRING, X=node.func.value, T=node.args[0])  # type: ignore[attr-defined]


def falsy_items(node: ast.AST) -> ast.AST:
    """A loop's falsy items (0, "", None, []) skipped: ``for x in xs`` → ``... if x``."""
    node.iter = _fill(_FALSY, X=node.iter)  # type: ignore[attr-defined]
    return node


def floor_div(node: ast.AST) -> ast.AST:
    """``a // b`` → ``int(a / b)``: truncation towards zero (differs on negative quotients)."""
    return ast.Call(ast.Name("int", ast.Load()), [ast.BinOp(node.left, ast.Div(), node.right)], [])  # type: ignore[attr-defined]


def return_none(node: ast.AST) -> ast.AST:
    """``raise E(...)`` → ``return None``: the documented exception swallowed."""
    return ast.Return(ast.Constant(None))


def unwrap(node: ast.AST) -> ast.AST:
    """``str(x)`` → ``x``: a conversion left out (differs where x is not already that type)."""
    return node.args[0]  # type: ignore[attr-defined]


def receiver(node: ast.AST) -> ast.AST:
    """``s.replace(a, b)`` → ``s``: one replacement of a chain left out (differs where a occurs)."""
    return node.func.value  # type: ignore[attr-defined]


def drop_last_arg(node: ast.AST) -> ast.AST:
    """``next(it, None)`` → ``next(it)``: empty input raises instead of giving the default."""
    node.args.pop()  # type: ignore[attr-defined]
    return node


def in_arg(i: int, edit: NodeEdit) -> NodeEdit:
    """`edit` applied to the call's `i`-th argument."""

    def apply(node: ast.AST) -> ast.AST | None:
        return node if edit(node.args[i]) is not None else None  # type: ignore[attr-defined]

    apply.site = getattr(edit, "site", "")  # type: ignore[attr-defined]
    return apply


def in_field(name: str, edit: NodeEdit) -> NodeEdit:
    def apply(node: ast.AST) -> ast.AST | None:
        return node if edit(getattr(node, name)) is not None else None

    apply.site = getattr(edit, "site", "")  # type: ignore[attr-defined]
    return apply


def raised_name(node: ast.Raise) -> str | None:
    """``raise E`` / ``raise E(...)``: E's name."""
    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    return exc.id if isinstance(exc, ast.Name) else None


def other_exception(node: ast.AST) -> ast.AST:
    """``raise LookupError(...)`` → ``raise ValueError(...)`` (``ValueError`` → ``TypeError``):
    not the documented exception."""
    assert isinstance(node, ast.Raise)
    new = ast.Name("TypeError" if raised_name(node) == "ValueError" else "ValueError", ast.Load())
    if isinstance(node.exc, ast.Call):
        node.exc.func = new
    else:
        node.exc = new
    return node


def handler_returns_none(node: ast.AST) -> ast.AST:
    """``except E: return default`` → ``return None``: the default lost."""
    for s in node.body:  # type: ignore[attr-defined]
        if isinstance(s, ast.Return) and s.value is not None:
            s.value = ast.Constant(None)
    return node


def unnest(node: ast.AST) -> ast.AST | None:
    """``if a: x; if b: y`` (``b`` nested) → ``if a: x`` then ``if b: y`` at the outer level: a
    condition that should only apply under another (``key`` emitted without ``action``)."""
    if not (isinstance(node, ast.If) and len(node.body) >= 2 and isinstance(node.body[-1], ast.If)):
        return None
    outer = ast.If(test=node.test, body=node.body[:-1], orelse=node.orelse)
    return ast.If(test=ast.Constant(True), body=[outer, node.body[-1]], orelse=[])


def replace_in(root: ast.AST, old: ast.AST, new: ast.AST) -> None:
    """Put `new` where `old` is under `root` (in place)."""
    for parent in ast.walk(root):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return
