"""Types the seed's code singles out: ``isinstance`` and ``hasattr`` checks on an argument or
on its elements.

A seed that branches on ``isinstance(first, tuple)`` accepts tuples there, whatever the
examples and the model's inputs show; one whose branches end in ``raise TypeError`` rejects
every other type on purpose. Literal inputs follow the examples, so the tuple branch and the
exception are never run, and bugs that drop them pass. Here known calls get one argument
re-typed, still as literals the seed answers:

* to each type the checks name at that level (the argument, its elements, their elements):
  a list as a tuple and back, a number as its text, a text as its UTF-8 bytes (and, for a
  parameter the seed parses with ``int``/``float``, numeric text in other notations), an
  element as a tuple holding it at the index the code reads (``s[1]``);
* to a type no check names (``None``, a float, a set, a list for a set-like ``hasattr``
  check): the branch the checks leave over — a value, or the exception the seed raises.

Only calls the seed answers are kept; exceptions only where the seed raises them on purpose
(``raises``), capped like every exception test.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from aceforge.synthesis.compared import NUMERIC_TEXT, converted
from aceforge.synthesis.draft import Draft
from aceforge.synthesis.feedback import Answers
from aceforge.synthesis.records import add_records
from aceforge.synthesis.returned import add_curried
from aceforge.synthesis.signature import entry_function, format_call, positional_args
from aceforge.synthesis.silence import aliases
from aceforge.synthesis.structured import add_parsed
from aceforge.synthesis.suite_order import news_kind

_TYPES = {"list": list, "tuple": tuple, "str": str, "int": int, "float": float, "dict": dict, "set": set,
          "bytes": bytes}  # fmt: skip


@dataclass
class Checks:
    """What the code checks at one level of one parameter (0: the argument, 1: its elements)."""

    types: set[str] = field(default_factory=set)  # isinstance type names; "has:attr" for hasattr
    index: int = 0  # the largest constant index the code reads there (``s[1]``)


def _levels(fn: ast.FunctionDef) -> dict[str, tuple[str, int]]:
    """Names the body uses for a parameter (level 0) or its elements (1, 2): the parameter,
    ``x = p[0]``, ``for x in p``; a ``*args`` loop variable is level 0 of each argument."""
    out = {a.arg: (a.arg, 0) for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    star = fn.args.vararg.arg if fn.args.vararg is not None else None
    for _ in range(3):  # nested loops: a few passes reach the inner variables
        for node in ast.walk(fn):
            src, dst = _source_target(node)
            if not (isinstance(src, ast.Name) and isinstance(dst, ast.Name)) or dst.id in out:
                continue
            if src.id == star:
                out[dst.id] = (star, 0)
            elif src.id in out:
                p, lvl = out[src.id]
                if lvl < 2:
                    out[dst.id] = (p, lvl + 1)
    return out


def _source_target(node: ast.AST) -> tuple[ast.expr | None, ast.expr | None]:
    if isinstance(node, ast.For | ast.comprehension):
        return node.iter, node.target
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        v = node.value
        if isinstance(v, ast.Subscript) and isinstance(v.slice, ast.Constant):
            return v.value, node.targets[0]
    return None, None


def checks_of(fn: ast.FunctionDef) -> dict[tuple[str, int], Checks]:
    """Per (parameter, level), the types its checks name and the index it reads."""
    levels = _levels(fn)
    out: dict[tuple[str, int], Checks] = {}
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 2:
            subject, what = node.args
            if isinstance(subject, ast.Name) and subject.id in levels:
                names = _checked(node.func.id, what)
                if names:
                    out.setdefault(levels[subject.id], Checks()).types |= names
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id in levels
            and isinstance(node.slice, ast.Constant)
            and type(node.slice.value) is int
            and levels[node.value.id] in out
        ):
            c = out[levels[node.value.id]]
            c.index = max(c.index, node.slice.value)
    return out


def _checked(func: str, what: ast.expr) -> set[str]:
    if func == "isinstance":
        elts = what.elts if isinstance(what, ast.Tuple) else [what]
        return {e.id for e in elts if isinstance(e, ast.Name) and e.id in _TYPES}
    if func == "hasattr" and isinstance(what, ast.Constant) and isinstance(what.value, str):
        return {f"has:{what.value}"}
    return set()


def retyped(v: Any, types: set[str], index: int) -> list[Any]:
    """`v` as each named type it converts to (see the module docstring)."""
    out: list[Any] = []
    if isinstance(v, list) and "tuple" in types:
        out.append(tuple(v))
    if isinstance(v, tuple) and "list" in types:
        out.append(list(v))
    if not isinstance(v, list | tuple | dict | set) and "tuple" in types:
        out.append(tuple([*range(index), v]))
    if isinstance(v, int | float) and not isinstance(v, bool) and "str" in types:
        out.append(str(v))
    if isinstance(v, str) and "bytes" in types:  # ``if isinstance(value, bytes): value.decode()``
        out.append(v.encode("utf-8"))
    return out


def others(v: Any, types: set[str]) -> list[Any]:
    """Containers of a type no check names: the branch the checks leave over (a list where
    the seed asks for a set's methods, a set where it names lists and tuples)."""
    named = tuple(_TYPES[t] for t in types if t in _TYPES)
    out: list[Any] = []
    if isinstance(v, set | frozenset) and any(t.startswith("has:") for t in types):
        out.append(sorted(v, key=repr))
    if named and isinstance(v, list | tuple) and v and all(isinstance(x, int | str) for x in v):
        out.append(_SortedSet(v))
    return [o for o in out if not isinstance(o, named)]


class _SortedSet(set[Any]):
    """A set written with its items sorted: the same call text in every process (a set of
    strings is written in hash order, which changes from run to run)."""

    def __repr__(self) -> str:
        return "{" + ", ".join(sorted(map(repr, self))) + "}"


def scalars(v: Any, types: set[str]) -> list[Any]:
    """A float where the isinstance checks name none of its types (``None`` is left to the
    Optional edges: a value no check names may be outside what the docstring allows)."""
    named = tuple(_TYPES[t] for t in types if t in _TYPES)
    return [o for o in (1.5,) if named and not isinstance(o, named) and type(v) is not type(o)]


def _at_level(v: Any, level: int, change: Callable[[Any], list[Any]]) -> list[Any]:
    """`v` with the sub-values at `level` changed: each new value, all sub-values at once."""
    if level == 0:
        return change(v)
    if not isinstance(v, list | tuple) or not v:
        return []
    rows = [_at_level(x, level - 1, change) for x in v]
    out = []
    for k in range(max((len(r) for r in rows), default=0)):
        if all(r for r in rows):
            out.append(type(v)(r[k % len(r)] for r in rows))
        first = next((i for i, r in enumerate(rows) if len(r) > k), None)  # one element alone
        if first is not None:
            out.append(type(v)(rows[i][k] if i == first else x for i, x in enumerate(v)))
    return out


def string_keys(fn: ast.FunctionDef) -> dict[str, list[str]]:
    """Per parameter, the string keys the body reads or tests on it (or on a copy of it):
    ``opts['classes'] = ...``, ``del opts['class']``, ``'class' in opts`` — it takes a mapping
    with those keys, whatever the examples show."""
    every = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
    params = {a.arg: a.arg for a in every if a.annotation is None or "Mapping" in ast.unparse(a.annotation)}
    names = {**params, **{k: v for k, v in aliases(fn).items() if v in params}}
    out: dict[str, list[str]] = {}
    read: set[str] = set()  # read with a string key: a membership test alone may be text's
    for n in ast.walk(fn):
        key, on = None, None
        if (
            isinstance(n, ast.Subscript)
            and isinstance(n.slice, ast.Constant)
            and isinstance(n.value, ast.Name)
        ):
            key, on = n.slice.value, n.value.id
            if isinstance(key, str) and on in names:
                read.add(names[on])
        elif isinstance(n, ast.Compare) and isinstance(n.ops[0], ast.In | ast.NotIn):
            right = n.comparators[0]
            if isinstance(n.left, ast.Constant) and isinstance(right, ast.Name):
                key, on = n.left.value, right.id
        if isinstance(key, str) and on in names and key not in out.get(names[on], []):
            out.setdefault(names[on], []).append(key)
    return {p: keys for p, keys in out.items() if p in read}


def keyed(keys: list[str]) -> list[dict[str, Any]]:
    """Mappings over `keys`: each alone, the first two together, none of them, and empty."""
    out: list[dict[str, Any]] = [{k: [f"v{i}"]} for i, k in enumerate(keys[:4])]
    if len(keys) > 1:
        out.append({keys[0]: ["v0"], keys[1]: ["v1"]})
    return [*out, {"other": ["v"]}, {}]


def dispatch_calls(program: str, entry: str, known: list[str], limit: int = 20) -> list[str]:
    """Known literal calls with one argument re-typed where the seed's checks single types out."""
    fn = entry_function(program, entry)
    if fn is None:
        return []
    checks, keys = checks_of(fn), string_keys(fn)
    if not checks and not keys:
        return []
    names = [a.arg for a in fn.args.posonlyargs + fn.args.args]
    star = fn.args.vararg.arg if fn.args.vararg is not None else None
    parsed = set(converted(fn, set(names)))
    kinds: list[list[str]] = [[], [], [], []]  # re-typed, other containers, scalars, numeric text
    for args in positional_args(known):
        for i, a in enumerate(args):
            name = names[i] if i < len(names) else star
            if name in keys and not isinstance(a, dict):
                kinds[1] += [format_call(entry, [*args[:i], b, *args[i + 1 :]]) for b in keyed(keys[name])]
            for (p, lvl), c in checks.items():
                if p != name:
                    continue
                new = [
                    _at_level(a, lvl, partial(retyped, types=c.types, index=c.index)),
                    _at_level(a, lvl, partial(others, types=c.types)),
                    _at_level(a, lvl, partial(scalars, types=c.types)),
                    list(NUMERIC_TEXT) if lvl == 0 and p in parsed and "str" in c.types else [],
                ]
                for group, values in zip(kinds, new, strict=True):
                    group += [format_call(entry, [*args[:i], b, *args[i + 1 :]]) for b in values]
    picked = (c for layer in itertools.zip_longest(*kinds) for c in layer if c is not None)
    return [c for c in dict.fromkeys(picked) if c not in known][:limit]


def add_dispatch(
    drafts: list[Draft], answer: Callable[[list[list[str]]], list[Answers]], limit: int, keep: int
) -> None:
    """Each draft's known calls re-typed where its seed checks types (`limit` proposals),
    answered by the seed: at most `keep` become tests — values, and exceptions the seed
    raises on purpose."""
    proposals = []
    for d in drafts:
        known = [c for c in d.answers.found if _plain_call(c, d.entry)]
        proposals.append(dispatch_calls(d.seed.program, d.entry, known, limit))
    if not any(proposals):
        return
    for d, ans, calls in zip(drafts, answer(proposals), proposals, strict=True):
        kept = 0
        seen = {_news(c, d.answers) for c in [*d.answers.found, *d.answers.raised]}
        for c in calls:  # in proposal order: each kind of re-typing takes its turn
            found = ans.found.get(c)
            if kept >= keep or _news(c, ans) in seen:
                continue
            if found is not None and c not in ans.unstable and not (d.no_none and found[1] is None):
                d.answers.found[c] = found
            elif found is None and ans.raised.get(c) in d.exceptions:
                d.answers.raised[c] = ans.raised[c]
            else:
                continue
            seen.add(_news(c, ans))
            d.origin.setdefault(c, "code")
            kept += 1


def _news(call: str, answers: Answers) -> str:
    """What a test of `call` would add: its arguments' types and its answer."""
    got = answers.found[call][0] if call in answers.found else f"raises {answers.raised.get(call)}"
    return news_kind(call) + got


def _plain_call(call: str, entry: str) -> bool:
    try:
        node = ast.parse(call, mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == entry


def add_code_inputs(
    drafts: list[Draft], answer: Callable[[list[list[str]], str], list[Answers]], n: int
) -> None:
    """The inputs the seed's code singles out, for suites of `n` tests: calls of a returned
    function (``returned``), arguments re-typed where the seed checks types, texts shaped
    like what it parses (``structured``) and lists of the records it reads (``records``)."""
    add_curried(drafts, lambda cs: answer(cs, "curried"), n * 3)
    add_dispatch(drafts, lambda cs: answer(cs, "dispatch"), n * 2, n // 2)
    add_parsed(drafts, lambda cs: answer(cs, "parsed"), n // 2)
    add_records(drafts, lambda cs: answer(cs, "records"), n // 2)
