"""Types of unannotated parameters read from how the seed's body uses them.

A parameter with neither annotation nor docstring type gets no typed guesses, so a question
whose examples and model proposals all fail keeps no suite. The body often says what it takes:
``float(value)`` wants a number, ``for item in value`` an iterable, ``value.split()`` a
string. Only the last-resort guesses use these types (``edges.fallback_guesses``); the domain
a model's inputs must fit is not narrowed by them.
"""

from __future__ import annotations

import ast

from aceforge.synthesis.signature import Spec, spec_of

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


def collected_specs(fn: ast.FunctionDef) -> dict[str, Spec]:
    """Names whose items the body collects into a local annotated ``list[X]``:
    ``acc.extend(name)`` (or ``acc += name``) makes `name` a list of X, ``acc.append(name)`` an
    X. The annotation is the author's word on what the items are."""
    typed = {
        n.target.id: spec_of(n.annotation)
        for n in ast.walk(fn)
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
    }
    items = {
        k: v.args[0] for k, v in typed.items() if v.kind == "list" and v.args and v.args[0].kind != "any"
    }
    out: dict[str, Spec] = {}
    for n in ast.walk(fn):
        acc, arg, many = _collected(n)
        if acc in items and arg is not None:
            out.setdefault(arg, Spec("list", (items[acc],)) if many else items[acc])
    return out


def _collected(node: ast.AST) -> tuple[str | None, str | None, bool]:
    """(accumulator, collected name, whether it is a collection of items) for one statement."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.attr in ("extend", "append")
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Name)
    ):
        return node.func.value.id, node.args[0].id, node.func.attr == "extend"
    if (
        isinstance(node, ast.AugAssign)
        and isinstance(node.op, ast.Add)
        and isinstance(node.target, ast.Name)
        and isinstance(node.value, ast.Name)
    ):
        return node.target.id, node.value.id, True
    return None, None, False
