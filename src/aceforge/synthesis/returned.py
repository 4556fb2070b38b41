"""Functions that return a function: the returned callable is the behaviour, so tests call it.

A seed like ``select_autoescape(enabled_extensions=...)`` returns a closure; its value is no
literal, so every call the seed answers is dropped and the question keeps no suite (or one
that compares the callable itself). Here each outer call is called once more, on inputs for
the returned function's own parameter — ``select_autoescape(('html',))('x.HTML')`` — and the
seed answers those like any other call:

* outer calls: those the seed answered with a non-literal (the signature's guesses, the
  model's), the calls the docstring writes out (code blocks, not only ``>>>``), and the bare
  call where every parameter has a default; each also with its strings upper-cased and
  prefixed with the characters the seed strips (``x.lstrip('.')``: it accepts ``'.html'``);
* inner inputs, typed by how the returned function uses its parameter: ``None`` where it
  tests ``is None``; strings built from the strings of the outer call (``'x.html'``,
  ``'X.HTML'``, ``'xhtml'``, ``'x.html.y'``: suffix, case and substring cases) and a few plain
  ones; small numbers where it does arithmetic.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Callable
from typing import Any

from aceforge.synthesis.draft import Draft
from aceforge.synthesis.feedback import Answers
from aceforge.synthesis.signature import entry_function, format_call
from aceforge.synthesis.usage import usage_specs

_PLAIN_TEXT = ["", "x", "X", "a b"]
_NUMBERS = [0, 1, -1, 2, 10]


def returned_function(fn: ast.FunctionDef | None) -> ast.FunctionDef | ast.Lambda | None:
    """The nested function (or lambda) `fn` returns, if it returns one."""
    if fn is None:
        return None
    nested = {n.name: n for n in fn.body if isinstance(n, ast.FunctionDef)}
    for node in ast.walk(fn):
        if not isinstance(node, ast.Return) or node.value is None:
            continue
        if isinstance(node.value, ast.Lambda):
            return node.value
        if isinstance(node.value, ast.Name) and node.value.id in nested:
            return nested[node.value.id]
    return None


def inner_values(inner: ast.FunctionDef | ast.Lambda, strings: list[str]) -> list[Any]:
    """Values for the returned function's first parameter (see the module docstring)."""
    if not inner.args.args:
        return []
    name = inner.args.args[0].arg
    spec = usage_specs(inner).get(name) if isinstance(inner, ast.FunctionDef) else None
    out: list[Any] = [None] if _tests_none(inner, name) else []
    if spec is None or spec.kind == "str":
        out += [v for s in strings for v in _names_from(s)] + _PLAIN_TEXT
    if spec is None or spec.kind in ("int", "float"):
        out += _NUMBERS
    return list(dict.fromkeys(out))


def _tests_none(inner: ast.AST, name: str) -> bool:
    return any(
        isinstance(n, ast.Compare)
        and isinstance(n.left, ast.Name)
        and n.left.id == name
        and any(isinstance(c, ast.Constant) and c.value is None for c in n.comparators)
        for n in ast.walk(inner)
    )


def _names_from(s: str) -> list[str]:
    """Strings around `s` that tell a suffix, case-insensitive and substring test apart."""
    s = s.strip(".") or s
    return [f"x.{s}", f"X.{s.upper()}", f"x{s}", f"x.{s}.y", s]


def strings_in(value: Any) -> list[str]:
    """Every string inside a literal value (containers walked)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set | frozenset):
        return [s for v in value for s in strings_in(v)]
    if isinstance(value, dict):
        return [s for kv in value.items() for v in kv for s in strings_in(v)]
    return []


def stripped_chars(fn: ast.FunctionDef) -> str:
    """Characters the seed strips from strings (``x.lstrip('.')``): it accepts them there."""
    out = ""
    for n in ast.walk(fn):
        if (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in ("strip", "lstrip")
            and n.args
            and isinstance(n.args[0], ast.Constant)
            and isinstance(n.args[0].value, str)
        ):
            out += n.args[0].value
    return "".join(dict.fromkeys(out))


def outer_variants(entry: str, call: ast.Call, strip: str) -> list[str]:
    """`call` as written, and with its strings upper-cased or prefixed with a stripped char."""
    try:
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return []
    out = [format_call(entry, args, kwargs)]
    for change in [str.upper, *[(lambda s, c=c: c + s) for c in strip]]:
        out.append(format_call(entry, _mapped(args, change), _mapped(kwargs, change)))
    return list(dict.fromkeys(out))


def _mapped(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list | tuple):
        return type(value)(_mapped(v, change) for v in value)
    if isinstance(value, dict):
        return {k: _mapped(v, change) for k, v in value.items()}
    return value


def doc_calls(doc: str, entry: str) -> list[ast.Call]:
    """Calls of `entry` written out anywhere in the docstring (balanced parentheses)."""
    out = []
    for m in re.finditer(rf"\b{re.escape(entry)}\(", doc or ""):
        depth, i = 0, m.end() - 1
        for i in range(m.end() - 1, len(doc)):
            depth += {"(": 1, ")": -1}.get(doc[i], 0)
            if depth == 0:
                break
        try:
            node = ast.parse(doc[m.start() : i + 1].strip(), mode="eval").body
        except SyntaxError:
            continue
        if isinstance(node, ast.Call):
            out.append(node)
    return out


def curried_calls(program: str, entry: str, doc: str, known: list[str], limit: int = 60) -> list[str]:
    """``outer(...)(inner)`` calls for a seed that returns a function (else none)."""
    fn = entry_function(program, entry)
    inner = returned_function(fn)
    if fn is None or inner is None:
        return []
    outers: list[ast.Call] = []
    for text in known:
        node = ast.parse(text, mode="eval").body
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == entry:
            outers.append(node)
    outers += doc_calls(doc, entry)
    if all(a is not None for a in _defaults(fn)):
        outers.append(ast.Call(ast.Name(entry), [], []))
        outers += _flags_flipped(fn, entry)
    strip = stripped_chars(fn)
    calls = list(dict.fromkeys(v for o in outers for v in outer_variants(entry, o, strip)))
    defaults = [s for d in _literal_defaults(fn) for s in strings_in(d)]
    rows: list[list[str]] = []
    for c in calls:
        strings = list(dict.fromkeys(call_strings(c) + defaults))
        row = [f"{c}({v!r})" for v in inner_values(inner, strings)]
        k = len(rows) % max(1, len(row))
        rows.append(row[k:] + row[:k])  # each outer call starts at another inner value
    picked = (x for layer in itertools.zip_longest(*rows) for x in layer if x is not None)
    return list(dict.fromkeys(picked))[:limit]


def call_strings(call: str) -> list[str]:
    """The strings among a literal call's arguments."""
    node = ast.parse(call, mode="eval").body
    assert isinstance(node, ast.Call)
    values = [*node.args, *(k.value for k in node.keywords)]
    return [s for v in values for s in strings_in(ast.literal_eval(v))]


def _flags_flipped(fn: ast.FunctionDef, entry: str) -> list[ast.Call]:
    """The bare call with one flag (a parameter whose default is a bool) flipped."""
    pos = fn.args.posonlyargs + fn.args.args
    named = list(zip(pos[len(pos) - len(fn.args.defaults) :], fn.args.defaults, strict=True))
    named += [(a, d) for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults, strict=True) if d is not None]
    return [
        ast.Call(ast.Name(entry), [], [ast.keyword(a.arg, ast.Constant(not d.value))])
        for a, d in named
        if isinstance(d, ast.Constant) and isinstance(d.value, bool)
    ]


def _defaults(fn: ast.FunctionDef) -> list[ast.expr | None]:
    """Each positional parameter's default (None where it has none)."""
    pos = fn.args.posonlyargs + fn.args.args
    return [None] * (len(pos) - len(fn.args.defaults)) + list(fn.args.defaults)


def _literal_defaults(fn: ast.FunctionDef) -> list[Any]:
    out = []
    for d in [*fn.args.defaults, *(k for k in fn.args.kw_defaults if k is not None)]:
        try:
            out.append(ast.literal_eval(d))
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            continue
    return out


def add_curried(drafts: list[Draft], answer: Callable[[list[list[str]]], list[Answers]], limit: int) -> None:
    """For seeds that return a function, calls of the returned function, answered by the seed."""
    proposals = []
    for d in drafts:
        fn = entry_function(d.seed.program, d.entry)
        doc = (ast.get_docstring(fn) if fn is not None else None) or d.seed.instruction
        known = [c for c in d.calls if c not in d.answers.found]
        proposals.append(curried_calls(d.seed.program, d.entry, doc, known, limit) if fn is not None else [])
    if not any(proposals):
        return
    for d, ans in zip(drafts, answer(proposals), strict=True):
        for c, found in ans.found.items():
            if c not in ans.unstable:
                d.answers.found[c] = found
                d.origin.setdefault(c, "code")
