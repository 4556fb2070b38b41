"""Lists of records: a parameter whose items the body reads with string keys.

``nest_toc_tokens(toc_list)`` takes ``t = toc_list.pop(0)`` and reads ``t['level']``: it wants a
list of dicts holding ``'level'``. Guessed lists of ints or strings make the seed raise on every
non-empty one, so only ``[]`` is left and its main loop never runs. Here such a parameter gets
lists of dicts with the keys the body reads, their values walking up and down (level 1, 2, 2,
1; 1, 3, 2; 3, 2, 1), so that every branch on how one item compares with the last runs, and
the loop runs more than once. Keys the body writes before it reads them are its output, not
input, and are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from aceforge.synthesis.draft import Draft
from aceforge.synthesis.feedback import Answers
from aceforge.synthesis.signature import entry_function, format_call, positional_args

# Values per record, in order: rising, falling, level, skipping, back up several steps.
_WALKS = [[1, 2], [1, 2, 2, 1], [1, 2, 3, 2], [2, 1], [1, 3, 2], [3, 2, 1], [1, 2, 3, 1], [2, 3, 1, 2],
          [1, 1], [1]]  # fmt: skip
_TEXT_USES = {"lower", "upper", "strip", "split", "startswith", "endswith", "replace", "casefold"}


def record_keys(fn: ast.FunctionDef) -> dict[str, dict[str, str]]:
    """Per parameter, the string keys the body reads on its items (``for t in p``, ``t = p[0]``,
    ``t = p.pop(0)``) and each one's kind: ``"str"`` where the body treats it as text (a
    string method, an f-string field), else ``"int"``."""
    params = {a.arg for a in fn.args.posonlyargs + fn.args.args}
    items = _item_names(fn, params)
    parents = {id(c): n for n in ast.walk(fn) for c in ast.iter_child_nodes(n)}
    subs: list[tuple[ast.Subscript, str, str]] = [
        (n, items[n.value.id], n.slice.value)
        for n in ast.walk(fn)
        if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id in items
        and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str)
    ]  # fmt: skip
    written = {(p, key) for n, p, key in subs if isinstance(n.ctx, ast.Store)}
    read: dict[str, dict[str, str]] = {}
    for n, p, key in subs:
        if isinstance(n.ctx, ast.Load) and (p, key) not in written:
            kinds = read.setdefault(p, {})
            kinds[key] = "str" if _text_use(n, parents) or kinds.get(key) == "str" else "int"
    return {p: keys for p, keys in read.items() if keys}


def _item_names(fn: ast.FunctionDef, params: set[str]) -> dict[str, str]:
    """Local names bound to one item of a parameter → that parameter."""
    out: dict[str, str] = {}
    for n in ast.walk(fn):
        if isinstance(n, ast.For | ast.comprehension) and isinstance(n.target, ast.Name):
            src = n.iter
            if isinstance(src, ast.Call) and isinstance(src.func, ast.Name) and src.args:
                src = src.args[0] if src.func.id in ("reversed", "sorted", "list", "iter") else src
            if isinstance(src, ast.Name) and src.id in params:
                out[n.target.id] = src.id
        elif isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            v = n.value
            if isinstance(v, ast.Subscript) and not isinstance(v.slice, ast.Slice):
                v = v.value
            elif isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr == "pop":
                v = v.func.value
            if isinstance(v, ast.Name) and v.id in params and n.targets[0].id not in params:
                out[n.targets[0].id] = v.id
    return out


def _text_use(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    up = parents.get(id(node))
    if isinstance(up, ast.FormattedValue):
        return True
    return isinstance(up, ast.Attribute) and up.attr in _TEXT_USES


def records(keys: dict[str, str]) -> list[list[dict[str, Any]]]:
    """Lists of dicts over `keys`, the values of each list walking as in ``_WALKS``."""
    out = []
    for walk in _WALKS:
        out.append([{k: (f"{k}{v}" if kind == "str" else v) for k, kind in keys.items()} for v in walk])
    return out


def record_calls(fn: ast.FunctionDef | None, entry: str) -> list[str]:
    """Calls giving each record parameter its lists of records, the other parameters their
    defaults (none where a parameter without a default is left)."""
    if fn is None:
        return []
    args = fn.args.posonlyargs + fn.args.args
    defaults: list[Any] = [None] * (len(args) - len(fn.args.defaults)) + list(fn.args.defaults)
    out: list[str] = []
    for p, keys in record_keys(fn).items():
        base: list[Any] = []
        for a, d in zip(args, defaults, strict=True):
            if a.arg == p:
                base.append(None)
                continue
            if not isinstance(d, ast.Constant):
                return out
            base.append(d.value)
        i = [a.arg for a in args].index(p)
        out += [format_call(entry, [*base[:i], r, *base[i + 1 :]]) for r in records(keys)]
    return out


def records_for(program: str, entry: str, known: list[str], limit: int = 10) -> list[str]:
    """Known calls with each record parameter's argument replaced by lists of records (where
    the model's inputs give that parameter plain lists, the last-resort guesses never run)."""
    fn = entry_function(program, entry)
    if fn is None:
        return []
    names = [a.arg for a in fn.args.posonlyargs + fn.args.args]
    keys = record_keys(fn)
    out: list[str] = []
    for args in positional_args(known[:2]):
        for i, a in enumerate(args):
            if i < len(names) and names[i] in keys and isinstance(a, list):
                out += [format_call(entry, [*args[:i], r, *args[i + 1 :]]) for r in records(keys[names[i]])]
    return [c for c in dict.fromkeys(out) if c not in known][:limit]


def add_records(drafts: list[Draft], answer: Callable[[list[list[str]]], list[Answers]], keep: int) -> None:
    """Each draft's known calls with lists of records, answered by the seed: at most `keep`
    that it answers with a value become candidates (origin ``code``). No domain filter: the
    domain follows the known calls' plain items, while the body's keyed reads say the items
    are mappings (as an ``isinstance`` check says a type, ``dispatch``)."""
    proposals = [records_for(d.seed.program, d.entry, list(d.answers.found), keep * 2) for d in drafts]
    if not any(proposals):
        return
    for d, ans, calls in zip(drafts, answer(proposals), proposals, strict=True):
        d.adopt(ans, calls, keep)
