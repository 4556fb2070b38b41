"""Realistic mutants: operators modelled on the bugs people write, not on the grammar.

Classic mutants (``mutants``) are killed far more easily than real faults, so a suite's classic
mutation score overstates how many real bugs it catches. These operators copy the kinds of bugs
that slip through suites of documented functions, and most change the answer only on the edge
case the real bug shows on:

* ``boundary`` — ``<`` ↔ ``<=``, ``>`` ↔ ``>=`` (differs only at equality);
* ``off_by_one`` — ``range``/slice bounds ±1;
* ``truthiness`` — ``x is None`` → ``not x`` (a 0 or "" bound treated as missing);
* ``empty_guard`` — an early return for empty input added (returning the input), or an early
  ``if ...: return/raise`` guard removed; ``next(it, default)`` → ``next(it)``;
* ``abs`` — a number argument folded with ``abs`` (differs on negatives);
* ``sorted`` / ``dedupe`` — a list argument sorted, or its duplicates dropped;
* ``case`` — a string argument lower-cased; ``lower`` ↔ ``casefold``; ``s.lower()`` → ``s``
  (case-sensitive comparison); ``ascii_case`` — lower/upper for ASCII letters only;
* ``strip`` — a string argument stripped; ``split()`` ↔ ``split(" ")``;
* ``replace_once`` — ``s.replace(a, b)`` → ``s.replace(a, b, 1)``;
* ``first_last`` — ``find``/``index``/``split``/``partition``/``strip`` ↔ their right-hand
  twins, ``[0]`` ↔ ``[-1]``; ``substring`` — ``endswith``/``startswith`` → ``in``;
* ``ignore_optional`` — an optional parameter overwritten with its default;
* ``swallow`` — ``raise`` replaced by ``return None``, the body wrapped in ``try/except``, or
  a handler's default replaced by ``None``; ``exception_type`` — another exception raised;
* ``rounding`` — ``round`` ↔ ``int``, ``int`` → floor, ``//`` → ``int(/)``;
* ``table`` — an entry left out of a literal table (``in ("a", "b")``, a dict of aliases, the
  types of ``isinstance`` or of an ``except``, a ``replace`` of a chain);
* ``conversion`` — ``str(x)``, ``list(x)``, ``tuple(x)``... → ``x`` (differs on other types);
* ``sequence`` — ``len()`` of an iterated argument (fails on iterators only);
* ``hashable`` — a list argument put in a ``set`` (fails on unhashable items only);
* ``mapping`` — a mapping argument rebuilt as a plain ``dict`` (differs on subclasses only);
* ``falsy_items`` — a loop skips falsy items (0, "", None);
* ``missing_clause`` — one operand of an ``and``/``or`` left out (a rule forgotten);
* ``nesting`` — an ``if`` nested last in another moved out after it (it runs without the outer
  condition: ``key`` emitted though no ``action`` was given).

``make_realistic(..., part=...)`` splits the sites in two seeded halves: ``search`` (the mutants
the feedback search chooses inputs with) and ``held_out`` (the audit's independent score).
Deterministic; at most `limit` per program, spread over the operators.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import random
from collections.abc import Callable, Iterator
from functools import partial

from aceforge.synthesis import realistic_edits as e
from aceforge.synthesis.mutants import Mutant, round_robin, set_compare

PARTS = ("search", "held_out")
_CMP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}
_TWINS = {"find": "rfind", "rfind": "find", "index": "rindex", "rindex": "index", "split": "rsplit",
          "rsplit": "split", "partition": "rpartition", "rpartition": "partition", "lstrip": "rstrip",
          "rstrip": "lstrip", "strip": "lstrip", "lower": "casefold", "casefold": "lower",
          "startswith": "endswith", "endswith": "startswith"}  # fmt: skip
_ROUNDING = {"round": "int", "int": "round"}
_ITERATING = {"list", "tuple", "set", "frozenset", "sorted", "enumerate", "zip", "map", "filter", "any",
              "all", "sum", "min", "max", "iter", "reversed", "join", "extend", "update", "dict"}  # fmt: skip
_CONVERSIONS = {"str", "list", "tuple", "float", "dict", "set"}
_MAPPING = {"items", "keys", "values", "get", "setdefault", "pop", "copy", "update"}
Edit = Callable[[ast.Module, ast.FunctionDef], bool]
Site = tuple[str, str, Callable[[ast.Module], bool]]  # (operator, where, edit of a fresh copy)


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


def _uses(fn: ast.FunctionDef, p: str) -> set[str]:
    """How the body uses parameter `p`: "iter" (looped over, or given to a consuming call) and
    "mapping" (``p.items()``, ``p.get(...)``...)."""
    out: set[str] = set()
    is_p = lambda n: isinstance(n, ast.Name) and n.id == p  # noqa: E731
    for n in ast.walk(fn):
        if isinstance(n, ast.For | ast.comprehension) and is_p(n.iter):
            out.add("iter")
        elif isinstance(n, ast.Call) and any(is_p(a) for a in n.args):
            f = n.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            if name in _ITERATING:
                out.add("iter")
        elif isinstance(n, ast.Attribute) and is_p(n.value) and n.attr in _MAPPING:
            out.add("mapping")
    return out


def _param_edits(fn: ast.FunctionDef) -> Iterator[tuple[str, str, Edit]]:
    """Edits that change what an argument looks like before the code sees it."""
    args = fn.args.posonlyargs + fn.args.args
    defaults = [None] * (len(args) - len(fn.args.defaults)) + list(fn.args.defaults)
    for a, d in zip(args, defaults, strict=True):
        p = a.arg
        yield "abs", p, _insert(f"if type({p}) in (int, float):\n    {p} = abs({p})")
        yield "sorted", p, _insert(f"if type({p}) is list:\n    {p} = sorted({p}, key=repr)")
        yield (
            "dedupe",
            p,
            _insert(f"if type({p}) is list:\n    {p} = [x for i, x in enumerate({p}) if x not in {p}[:i]]"),
        )
        yield "case", p, _insert(f"if type({p}) is str:\n    {p} = {p}.lower()")
        yield "strip", p, _insert(f"if type({p}) is str:\n    {p} = {p}.strip()")
        yield "empty_guard", p, _insert(f"if hasattr({p}, '__len__') and len({p}) == 0:\n    return {p}")
        uses = _uses(fn, p)
        if "iter" in uses:
            yield "sequence", p, _insert(f"if {p} is not None:\n    len({p})")
            yield "hashable", p, _insert(f"if isinstance({p}, (list, tuple)):\n    set({p})")
        if "mapping" in uses:
            yield (
                "mapping",
                p,
                _insert(f"if isinstance({p}, dict) and type({p}) is not dict:\n    {p} = dict({p})"),
            )
        if d is not None:
            yield "ignore_optional", p, _insert(f"{p} = {ast.unparse(d)}")
    for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults, strict=True):
        if d is not None:
            yield "ignore_optional", a.arg, _insert(f"{a.arg} = {ast.unparse(d)}")


def _inplace(edit: Callable[[ast.AST], bool]) -> e.NodeEdit:
    return lambda n: n if edit(n) else None


def _compare_edits(node: ast.Compare) -> Iterator[tuple[str, e.NodeEdit]]:
    if len(node.ops) != 1:
        return
    op = type(node.ops[0])
    if op in _CMP:
        yield "boundary", _inplace(set_compare(_CMP[op]))
    none = isinstance(node.comparators[0], ast.Constant) and node.comparators[0].value is None
    if op in (ast.Is, ast.IsNot) and none:
        yield "truthiness", e.truthy(op is ast.IsNot)


def _call_edits(node: ast.Call) -> Iterator[tuple[str, e.NodeEdit]]:
    f = node.func
    if isinstance(f, ast.Name):
        one = len(node.args) == 1 and not node.keywords
        if f.id in _CONVERSIONS and one and not isinstance(node.args[0], ast.Constant):
            yield "conversion", e.unwrap
        if f.id == "next" and len(node.args) == 2:
            yield "empty_guard", e.drop_last_arg
        if f.id == "isinstance" and len(node.args) == 2 and isinstance(node.args[1], ast.Tuple):
            for i in range(min(len(node.args[1].elts), 4)):
                yield "table", e.in_arg(1, e.drop_item("elts", i))
        if f.id == "range" and node.args:
            yield "off_by_one", e.shift_arg(-1, 1)
            yield "off_by_one", e.shift_arg(-1, -1)
        if f.id in _ROUNDING and len(node.args) == 1 and not node.keywords:
            yield "rounding", e.rename_func(_ROUNDING[f.id])
            if f.id == "int":
                yield "rounding", e.floor
        return
    if not isinstance(f, ast.Attribute):
        return
    name, n = f.attr, len(node.args)
    if name in _TWINS:
        yield ("case" if name in ("lower", "casefold") else "first_last"), e.rename_attr(_TWINS[name])
    if name in ("lower", "upper", "casefold") and not n:
        yield "case", e.drop_call
        if name != "casefold":
            yield "ascii_case", e.ascii_case
    if name in ("startswith", "endswith") and n == 1:
        yield "substring", e.substring
    if name == "replace" and n == 2:
        yield "replace_once", e.append_arg(1)
        yield "table", e.receiver
    if name == "split" and not n:
        yield "strip", e.append_arg(" ")
    elif name == "split" and n == 1 and ast.dump(node.args[0]) == ast.dump(ast.Constant(" ")):
        yield "strip", e.drop_args


def _other_edits(node: ast.AST) -> Iterator[tuple[str, e.NodeEdit]]:
    if isinstance(node, ast.Subscript):
        sl = node.slice
        if isinstance(sl, ast.Slice):
            for bound in ("lower", "upper"):
                if getattr(sl, bound) is not None:
                    yield "off_by_one", e.shift_slice(bound, 1)
                    yield "off_by_one", e.shift_slice(bound, -1)
        elif isinstance(sl, ast.Constant) and sl.value == 0:
            yield "first_last", e.index(-1)
        elif isinstance(sl, ast.UnaryOp) and isinstance(sl.operand, ast.Constant) and sl.operand.value == 1:
            yield "first_last", e.index(0)
    elif isinstance(node, ast.List | ast.Tuple | ast.Set) and e.table(node.elts):
        for i in range(min(len(node.elts), 4)):
            yield "table", e.drop_item("elts", i)
    elif isinstance(node, ast.Dict) and e.table(node.keys):
        for i in range(min(len(node.keys), 4)):
            yield "table", e.drop_item("keys", i)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv):
        yield "rounding", e.floor_div
    elif isinstance(node, ast.BoolOp):
        for i in range(min(len(node.values), 4)):
            yield "missing_clause", e.drop_clause(i)
    elif isinstance(node, ast.Raise) and node.exc is not None:
        yield "swallow", e.return_none
        if e.raised_name(node) is not None:
            yield "exception_type", e.other_exception
    elif isinstance(node, ast.ExceptHandler):
        if isinstance(node.type, ast.Tuple) and len(node.type.elts) >= 2:
            for i in range(min(len(node.type.elts), 4)):
                yield "table", e.in_field("type", e.drop_item("elts", i))
        if any(isinstance(s, ast.Return) and s.value is not None for s in node.body):
            yield "swallow", e.handler_returns_none
    elif isinstance(node, ast.For | ast.comprehension) and not isinstance(node.iter, ast.Constant):
        yield "falsy_items", e.falsy_items
    elif (
        isinstance(node, ast.If)
        and not node.orelse
        and len(node.body) >= 2
        and isinstance(node.body[-1], ast.If)
    ):
        yield "nesting", e.unnest


def _guard(stmt: ast.stmt) -> bool:
    """An early ``if ...: return`` / ``raise`` (an empty-input, None or range guard)."""
    return (
        isinstance(stmt, ast.If)
        and not stmt.orelse
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], ast.Return | ast.Raise)
    )


def _node_edits(fn: ast.FunctionDef) -> Iterator[tuple[str, ast.AST, e.NodeEdit]]:
    for stmt in fn.body:
        if _guard(stmt):
            yield "empty_guard", stmt, lambda n: ast.Pass()
    for node in ast.walk(fn):
        if isinstance(node, ast.Compare):
            edits = _compare_edits(node)
        elif isinstance(node, ast.Call):
            edits = _call_edits(node)
        else:
            edits = _other_edits(node)
        for op, edit in edits:
            yield op, node, edit


def _where(node: ast.AST) -> str:
    """A site's place in the source: the mutants of one node share it (and their half)."""
    if isinstance(node, ast.comprehension):
        node = node.iter
    start = f"{getattr(node, 'lineno', 0)}:{getattr(node, 'col_offset', 0)}"
    return f"{start}-{getattr(node, 'end_lineno', 0)}:{getattr(node, 'end_col_offset', 0)}"


def _sites(tree: ast.Module, entry: str) -> list[Site]:
    """(operator, where, edit of a fresh copy of `tree`) for every realistic mutation point."""
    fn = _entry(tree, entry)
    if fn is None:
        return []
    out: list[Site] = []
    for k, (op, p, _) in enumerate(_param_edits(fn)):
        out.append((op, f"param {p}", partial(_apply_param, entry=entry, k=k)))
    for k, (op, node, edit) in enumerate(_node_edits(fn)):  # a table's entries: a site each
        out.append((op, _where(node) + getattr(edit, "site", ""), partial(_apply_node, entry=entry, k=k)))
    out.append(("swallow", "body", partial(_wrap_try, entry=entry)))
    return out


def _apply_param(tree: ast.Module, entry: str, k: int) -> bool:
    fn = _entry(tree, entry)
    edit = next((x for j, (_, _, x) in enumerate(_param_edits(fn)) if j == k), None) if fn else None
    return bool(edit and fn and edit(tree, fn))


def _apply_node(tree: ast.Module, entry: str, k: int) -> bool:
    fn = _entry(tree, entry)
    hit = next((x for j, x in enumerate(_node_edits(fn)) if j == k), None) if fn else None
    if hit is None or fn is None:
        return False
    _, node, edit = hit
    new = edit(node)
    if new is not None and new is not node:
        e.replace_in(fn, node, new)
    return new is not None


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


def _hash(text: str) -> str:
    return hashlib.blake2b(f"split/{text}".encode()).hexdigest()


def halves(sites: list[tuple[str, str]]) -> list[str]:
    """Each site's part, ``search`` or ``held_out``: per operator, its (operator, place) groups
    in a seeded hash order, alternately from a hashed start, so both halves get about as many
    of each operator's sites (and one operator's split does not depend on the others')."""
    part: dict[tuple[str, str], str] = {}
    for op in sorted({o for o, _ in sites}):
        groups = sorted({g for g in sites if g[0] == op}, key=lambda g: _hash(str(g)))
        start = int(_hash(op + "".join(w for _, w in groups))[:2], 16) % 2
        part.update({g: PARTS[(start + i) % 2] for i, g in enumerate(groups)})
    return [part[s] for s in sites]


def make_realistic(
    program: str, entry: str, seed: str = "", limit: int = 30, part: str | None = None
) -> list[Mutant]:
    """Distinct realistic mutants of `entry` in `program`, spread over the operators; with
    `part`, only those of that half of the sites (``halves``)."""
    if part is not None and part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, got {part!r}")
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []
    original = ast.unparse(tree)
    sites = _sites(tree, entry)
    parts = halves([(op, where) for op, where, _ in sites])
    keep = [i for i, p in enumerate(parts) if part is None or p == part]
    order = round_robin([sites[i][0] for i in keep], random.Random(f"realistic/{seed}"))
    out: list[Mutant] = []
    seen = {original}
    for j in order:
        if len(out) >= limit:
            break
        op, _, edit = sites[keep[j]]
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
