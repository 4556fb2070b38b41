"""Types of unannotated parameters read from how the seed's body uses them.

A parameter with neither annotation nor docstring type gets no typed guesses, so a question
whose examples and model proposals all fail keeps no suite. The body often says what it takes:
``float(value)`` wants a number, ``for item in value`` an iterable, ``value.split()`` a
string. Only the last-resort guesses use these types (``edges.fallback_guesses``); the domain
a model's inputs must fit is not narrowed by them.
"""

from __future__ import annotations

import ast

from aceforge.synthesis.signature import Spec

_NUMERIC = {"float": "float", "int": "int", "abs": "float", "round": "float", "range": "int"}
_STR_METHODS = {"split", "strip", "lower", "upper", "startswith", "endswith", "replace", "splitlines",
                "lstrip", "rstrip", "encode", "isdigit", "isalpha", "isspace", "casefold"}  # fmt: skip
INT = Spec("int")


def usage_specs(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Spec]:
    """Per parameter, the type its first telling use implies (first use wins); none for a
    parameter whose type the body checks."""
    names = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    names -= _type_checked(fn)
    out: dict[str, Spec] = {}
    for node in ast.walk(fn):
        for name, spec in _uses(node):
            if name in names:
                out.setdefault(name, spec)
    return out


def _type_checked(fn: ast.AST) -> set[str]:
    """Parameters the body tests with ``isinstance``: it takes several types, so none is pinned."""
    return {
        n.args[0].id
        for n in ast.walk(fn)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "isinstance"
        and n.args and isinstance(n.args[0], ast.Name)
    }  # fmt: skip


def _uses(node: ast.AST) -> list[tuple[str, Spec]]:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _NUMERIC:
        kind = _NUMERIC[node.func.id]
        return [(a.id, Spec(kind)) for a in node.args[:1] if isinstance(a, ast.Name)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        v = node.func.value
        if isinstance(v, ast.Name) and node.func.attr in _STR_METHODS:
            return [(v.id, Spec("str"))]
    if (  # y % len(x): a number (a constant right side may be string formatting)
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mod | ast.FloorDiv)
        and isinstance(node.left, ast.Name)
        and not isinstance(node.right, ast.Constant | ast.JoinedStr)
    ):
        return [(node.left.id, INT)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        return [(a.id, Spec("list", (INT,))) for a in node.args[:1] if isinstance(a, ast.Name)]
    if isinstance(node, ast.For | ast.comprehension) and isinstance(node.iter, ast.Name):
        return [(node.iter.id, Spec("list", (INT,)))]
    return []


def concrete(spec: Spec) -> Spec:
    """`spec` with elements of unknown type read as ints (``Iterable[V]`` → a list of ints)."""
    if spec.kind in ("list", "set", "frozenset", "tuple") and spec.args:
        return Spec(spec.kind, tuple(INT if a.kind == "any" else concrete(a) for a in spec.args))
    if spec.kind in ("list", "set", "frozenset"):
        return Spec(spec.kind, (INT,))
    return spec
