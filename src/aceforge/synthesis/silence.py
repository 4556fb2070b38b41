"""What a seed without examples leaves unsaid, it does not get tested on.

Correct programs disagree wherever the docstring is silent — what ``gcd(-4, 6)`` is, what
``largest_divisor(0)`` returns, whether ``""`` is a valid bracket string — so a test there
is a guess that rejects correct programs. Without examples, and unless the docstring or the
seed's own code says otherwise:

* numbers are non-negative when the docstring never speaks of negative values, and positive
  when it never speaks of zero and the code never singles zero out (``if n == 0``, ``if not n``);
* strings and lists are non-empty when the docstring never speaks of emptiness and the code
  never singles it out (``if not xs``, ``len(s) == 0``);
* non-ASCII text is only tried when the docstring speaks of Unicode or shows such characters.

The seed's code counts as documentation: an explicit guard is behaviour its author defined.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace

from aceforge.synthesis.constraints import Constraint, Prose
from aceforge.synthesis.signature import Param

_KIND = {"int": "number", "float": "number", "str": "sized", "list": "sized", "tuple": "sized"}


def silent_rules(doc: str, params: list[Param], prose: Prose, fn: ast.FunctionDef | None) -> Prose:
    """`prose` with the rules silence implies (see the module docstring) added."""
    doc = doc or ""
    negative = re.search(r"negative|(?<![\w)\]])-\s?\d", doc, re.I)
    zero = re.search(r"\bzero\b|(?<![\w.])0(?![\w.])", doc, re.I)
    empty = re.search(r"\bempty\b|\[\]|''|\"\"|\bno (?:elements|items|characters)\b", doc, re.I)
    zero_guarded, empty_guarded = guarded(fn)
    for p in params:
        numbers = p.spec.kind == "union" and {a.kind for a in p.spec.args} == {"int", "float"}
        kind = "number" if numbers else _KIND.get(p.spec.kind)
        c = prose.params.get(p.name, Constraint())
        if kind == "number" and c.low is None and not negative:
            strict = not zero and p.name not in zero_guarded
            prose.params[p.name] = replace(c, low=0, low_open=strict)
        elif kind == "sized" and not c.nonempty and not empty and p.name not in empty_guarded:
            prose.params[p.name] = replace(c, nonempty=True)
    return prose


def empty_allowed(params: list[Param], prose: Prose, fn: ast.FunctionDef | None) -> Prose:
    """`prose` where the code singles out an empty argument (``if not etag: return None``) or
    ``None`` (``if options is None``): behaviour its author defined, valid even where every
    example is non-empty or not None."""
    _, empty = guarded(fn)
    nones, types = none_checked(fn), type_checked(fn)
    for p in params:
        c = prose.params.get(p.name, Constraint())
        if p.name in empty and not c.nonempty and c.min_len == 0:
            c = replace(c, empty_ok=True)
        if p.name in nones:
            c = replace(c, none_ok=True)
        if types.get(p.name) and p.spec.kind == "any":  # unannotated: the code's own type test
            c = replace(c, types_ok=tuple(types[p.name]))
        if c != Constraint():
            prose.params[p.name] = c
    return prose


_SIMPLE = {"str", "int", "float", "list", "tuple", "dict", "set", "bytes", "bool"}


def type_checked(fn: ast.FunctionDef | None) -> dict[str, list[str]]:
    """Per parameter, the builtin types the code tests it for (``isinstance(value, str)``)."""
    out: dict[str, list[str]] = {}
    calls = [n for n in ast.walk(fn) if isinstance(n, ast.Call)] if fn is not None else []
    for node in calls:
        if isinstance(node.func, ast.Name) and node.func.id == "isinstance" and len(node.args) == 2:
            target, spec = node.args
            kinds = spec.elts if isinstance(spec, ast.Tuple) else [spec]
            if isinstance(target, ast.Name):
                names = out.setdefault(target.id, [])
                names += [
                    k.id for k in kinds if isinstance(k, ast.Name) and k.id in _SIMPLE and k.id not in names
                ]
    return out


def none_checked(fn: ast.FunctionDef | None) -> set[str]:
    """Parameters the code compares with ``None`` (``is None``, ``is not None``)."""
    if fn is None:
        return set()
    out = set()
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Compare)
            and len(node.ops) == 1
            and isinstance(node.ops[0], ast.Is | ast.IsNot)
        ):
            right = node.comparators[0]
            if isinstance(node.left, ast.Name) and isinstance(right, ast.Constant) and right.value is None:
                out.add(node.left.id)
    return out


def guarded(fn: ast.FunctionDef | None) -> tuple[set[str], set[str]]:
    """Names the code tests against zero, and names it tests for emptiness, in `if` tests
    (a guard on a local computed from one parameter, ``items = list(xs)``, counts for it; a
    name first in an ``and``, ``if value and value[0] == '"'``, is tested for emptiness)."""
    zero: set[str] = set()
    empty: set[str] = set()
    if fn is None:
        return zero, empty
    tests = [n.test for n in ast.walk(fn) if isinstance(n, ast.If | ast.IfExp | ast.Assert)]
    for t in tests:
        for node in ast.walk(t):
            if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):  # `value and value[0]`
                empty.update(v.id for v in node.values[:1] if isinstance(v, ast.Name))
            if (
                isinstance(node, ast.UnaryOp)
                and isinstance(node.op, ast.Not)
                and isinstance(node.operand, ast.Name)
            ):
                zero.add(node.operand.id)
                empty.add(node.operand.id)
            elif isinstance(node, ast.Compare):  # `0 <= k <= n`: each pair
                sides = [node.left, *node.comparators]
                for i, op in enumerate(node.ops):
                    _compare(ast.Compare(sides[i], [op], [sides[i + 1]]), zero, empty)
    alias = aliases(fn)
    return zero | {alias[n] for n in zero if n in alias}, empty | {alias[n] for n in empty if n in alias}


def aliases(fn: ast.FunctionDef) -> dict[str, str]:
    """Locals assigned once, before any branch, from an expression over exactly one parameter."""
    params = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    out: dict[str, str] = {}
    for stmt in fn.body:
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            continue
        target = stmt.targets[0]
        used = {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)} & params
        if isinstance(target, ast.Name) and target.id not in params and len(used) == 1:
            out[target.id] = used.pop()
    return out


def _compare(node: ast.Compare, zero: set[str], empty: set[str]) -> None:
    left, right = node.left, node.comparators[0]
    for a, b in ((left, right), (right, left)):
        if not isinstance(b, ast.Constant):
            continue
        if isinstance(a, ast.Name) and b.value in (0, 1) and type(b.value) is int:
            zero.add(a.id)
        if isinstance(a, ast.Name) and b.value in ("", ()):
            empty.add(a.id)
        if (
            isinstance(a, ast.Call)
            and isinstance(a.func, ast.Name)
            and a.func.id == "len"
            and a.args
            and isinstance(a.args[0], ast.Name)
            and b.value in (0, 1)
        ):
            empty.add(a.args[0].id)


def speaks_unicode(doc: str) -> bool:
    """Whether the docstring speaks of non-ASCII text (or shows some)."""
    return bool(re.search(r"unicode|non-?ascii|accent|utf-?8|\\u[0-9a-f]{4}|[^\x00-\x7f]", doc or "", re.I))
