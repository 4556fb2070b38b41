"""Unannotated parameters the body only ever uses as text: typed ``str``.

``get_cli_string(path=None, quote=None)`` writes ``f"-f {path}"`` and tests ``if path:``; an int
there is formatted too, so the seed answers ``-f -2`` — but a correct program that joins the
parts (``" ".join(["-f", path])``) raises on it, and nothing documents numbers. When every use
of a parameter is formatting it into text (an f-string field, an item of a list joined into a
string, ``" " in value``) or testing it (``if path:``, ``is None``), a string stands for every
value the function is meant for, so the domain holds strings (and ``None`` for a ``None``
default) and no guess of another type becomes a test.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from aceforge.synthesis.signature import ANY, Param, Spec

STR_OR_NONE = Spec("union", (Spec("str"), Spec("none")))


def text_params(fn: ast.FunctionDef | None, params: list[Param]) -> list[Param]:
    """`params` with each unannotated one the body only formats into text or tests typed as
    ``str`` (``str | None`` where its default is ``None``)."""
    if fn is None:
        return params
    texts = text_only(fn)
    out = []
    for p in params:
        if (
            p.spec == ANY
            and p.name in texts
            and (not p.has_default or p.default is None or isinstance(p.default, str))
        ):
            p = replace(p, spec=STR_OR_NONE if p.has_default and p.default is None else Spec("str"))
        out.append(p)
    return out


def text_only(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Parameters with at least one use as text and no use other than as text or as a test."""
    names = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    parents = {id(c): n for n in ast.walk(fn) for c in ast.iter_child_nodes(n)}
    joined = _joined_lists(fn)
    seen: dict[str, set[str]] = {n: set() for n in names}
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and node.id in names:
            if not isinstance(node.ctx, ast.Load):
                seen[node.id].add("other")  # rebound: later uses are not the argument
            else:
                seen[node.id].add(_use(node, parents, joined))
    return {n for n, uses in seen.items() if "text" in uses and uses <= {"text", "test"}}


def _use(node: ast.expr, parents: dict[int, ast.AST], joined: set[str]) -> str:
    """What the code does with this use of a parameter: "text", "test" or "other" (for a
    branch of ``a if c else b``, what it does with that expression)."""
    up = parents.get(id(node))
    if isinstance(up, ast.IfExp) and up.test is not node:
        return _use(up, parents, joined)
    if isinstance(up, ast.FormattedValue) and up.value is node and up.format_spec is None:
        return "text"
    if isinstance(up, ast.Compare) and len(up.ops) == 1:
        other = up.comparators[0] if up.left is node else up.left
        if (
            isinstance(up.ops[0], ast.Is | ast.IsNot)
            and isinstance(other, ast.Constant)
            and other.value is None
        ):
            return "test"
        if isinstance(up.ops[0], ast.In | ast.NotIn) and up.left is not node:  # ``" " in value``
            return "text" if isinstance(other, ast.Constant) and isinstance(other.value, str) else "other"
        return "other"
    if _tested(node, up, parents):
        return "test"
    if (  # ``parts.append(value)`` where the body joins ``parts`` into a string
        isinstance(up, ast.Call) and isinstance(up.func, ast.Attribute) and up.func.attr == "append"
        and isinstance(up.func.value, ast.Name) and up.func.value.id in joined and up.args == [node]
    ):  # fmt: skip
        return "text"
    return "other"


def _tested(node: ast.AST, up: ast.AST | None, parents: dict[int, ast.AST]) -> bool:
    """`node` is only tested for truth: an ``if``/``while`` test, ``not x``, or an operand of
    ``and``/``or`` that is itself only tested (``x or y`` as a value returns ``x``)."""
    if isinstance(up, ast.If | ast.While | ast.IfExp | ast.Assert) and up.test is node:
        return True
    if isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.Not):
        return True
    if isinstance(up, ast.BoolOp):
        return _tested(up, parents.get(id(up)), parents)
    return False


def _joined_lists(fn: ast.AST) -> set[str]:
    """Local names the body joins into a string with a literal separator (``" ".join(parts)``)."""
    return {
        n.args[0].id
        for n in ast.walk(fn)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "join"
        and isinstance(n.func.value, ast.Constant) and isinstance(n.func.value.value, str)
        and len(n.args) == 1 and isinstance(n.args[0], ast.Name)
    }  # fmt: skip
