"""Types of unannotated parameters read from how the seed's body uses them.

A parameter with neither annotation nor docstring type gets no typed guesses, so a question
whose examples and model proposals all fail keeps no suite. The body often says what it takes:
``float(value)`` wants a number, ``for item in value`` an iterable, ``value.split()`` a
string. Only the last-resort guesses use these types (``fallback.fallback_guesses``); the domain
a model's inputs must fit is not narrowed by them.
"""

from __future__ import annotations

import ast

from aceforge.synthesis.signature import Spec, positional_args, spec_of

_NUMERIC = {"float": "float", "int": "int", "abs": "float", "round": "float", "range": "int"}
_STR_METHODS = {"split", "strip", "lower", "upper", "startswith", "endswith", "replace", "splitlines",
                "lstrip", "rstrip", "encode", "isdigit", "isalpha", "isspace", "casefold", "find",
                "rfind", "rindex", "partition", "rpartition", "expandtabs", "isalnum", "isupper",
                "islower"}  # fmt: skip
# str methods whose arguments after the first are positions: ``s.rfind("\n", 0, loc)``
_POSITIONS = {"find", "rfind", "index", "rindex", "startswith", "endswith", "count"}
INT = Spec("int")


def usage_specs(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Spec]:
    """Per parameter, the type its telling uses imply: a use only a number or a string allows
    (``float(x)``, ``x.rfind(...)``, a slice bound) wins over one any container allows
    (``len(x)``, ``for _ in x``); first use wins within each; a plain local alias
    (``s = text``) speaks for its parameter. None for a parameter whose type the body checks."""
    names = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    names -= _type_checked(fn)
    alias = {name: name for name in names} | _aliases(fn, names)
    strong: dict[str, Spec] = {}
    weak: dict[str, Spec] = {}
    for node in ast.walk(fn):
        for name, spec in _uses(node):
            if name in alias:
                (weak if spec.kind == "list" else strong).setdefault(alias[name], spec)
    return weak | strong


def _aliases(fn: ast.AST, names: set[str]) -> dict[str, str]:
    """Locals bound once to a parameter as is (``s = strg``)."""
    bound = [
        (n.targets[0].id, n.value.id)
        for n in ast.walk(fn)
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
        and isinstance(n.value, ast.Name) and n.value.id in names
    ]  # fmt: skip
    return {local: param for local, param in bound if local not in names}


def positions(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[tuple[str, str], ...]:
    """(position, text) parameter pairs where the body slices `text` at `position` or searches
    it from there (``strg[:loc]``, ``strg.rfind("\\n", 0, loc)``): a position within the text.
    Parameters the body rebinds first (``y = y % len(x)``) are no such position."""
    names = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs} - _rebound(fn)
    alias = {name: name for name in names} | _aliases(fn, names)
    out: list[tuple[str, str]] = []
    for node in ast.walk(fn):
        text, bounds = _positioned(node)
        if text in alias:
            out += [(alias[b], alias[text]) for b in bounds if b in alias and alias[b] != alias[text]]
    return tuple(dict.fromkeys(out))


def _rebound(fn: ast.AST) -> set[str]:
    """Names the body assigns to (``y = y % len(x)``): their later uses are not the argument."""
    targets = [t for n in ast.walk(fn) if isinstance(n, ast.Assign) for t in n.targets]
    targets += [n.target for n in ast.walk(fn) if isinstance(n, ast.AugAssign | ast.AnnAssign | ast.For)]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _positioned(node: ast.AST) -> tuple[str | None, list[str]]:
    """The name sliced or searched in `node` and the names its bounds are."""
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and isinstance(node.slice, ast.Slice)
    ):
        sl = node.slice
        return node.value.id, [b.id for b in (sl.lower, sl.upper) if isinstance(b, ast.Name)]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.attr in _POSITIONS
    ):
        return node.func.value.id, [a.id for a in node.args[1:3] if isinstance(a, ast.Name)]
    return None, []


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
        out = [(v.id, Spec("str"))] if isinstance(v, ast.Name) and node.func.attr in _STR_METHODS else []
        if node.func.attr in _POSITIONS:
            out += [(a.id, INT) for a in node.args[1:3] if isinstance(a, ast.Name)]
        if out:
            return out
    if isinstance(node, ast.Slice):  # ``s[last + 1 : loc]``: positions
        return [(b.id, INT) for b in (node.lower, node.upper, node.step) if isinstance(b, ast.Name)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):  # ``loc - 1``
        sides = (node.left, node.right)
        if any(isinstance(x, ast.Constant) and type(x.value) is int for x in sides):
            return [(x.id, INT) for x in sides if isinstance(x, ast.Name)]
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


_SEARCHES = {"find", "rfind", "index", "rindex", "count", "split", "rsplit", "partition", "rpartition",
             "startswith", "endswith", "replace"}  # fmt: skip


def searched_texts(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, list[str]]:
    """Per string parameter, texts that hold what the body searches it for (``strg.rfind("\\n")``,
    ``text.split(delimiter)`` with the delimiter's default): several parts, the separator at
    either end, doubled, padded with spaces. Ordinary guesses rarely contain it, so the
    branches that handle it would go untested."""
    names = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    alias = {name: name for name in names} | _aliases(fn, names)
    defaults = _str_defaults(fn)
    out: dict[str, list[str]] = {}
    for node in ast.walk(fn):
        if not (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id in alias
            and node.func.attr in _SEARCHES and node.args
        ):  # fmt: skip
            continue
        a = node.args[0]
        sep = (
            defaults.get(a.id)
            if isinstance(a, ast.Name)
            else a.value
            if isinstance(a, ast.Constant)
            else None
        )
        if isinstance(sep, str) and sep:
            texts = [
                f"ab{sep}cd{sep}ef",
                f"{sep}abc",
                f"abc{sep}",
                f"a{sep}{sep}b",
                f" one {sep} two words {sep}x",
            ]
            out.setdefault(alias[node.func.value.id], []).extend(texts)
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


def _str_defaults(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
    args = fn.args.posonlyargs + fn.args.args
    pairs = zip(args[len(args) - len(fn.args.defaults) :], fn.args.defaults, strict=True)
    return {a.arg: d.value for a, d in pairs if isinstance(d, ast.Constant) and isinstance(d.value, str)}


def nexted(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Parameters the body advances with ``next(name)``: they must be iterators, and a list
    there makes the seed raise, so the guesses pass ``iter([...])``."""
    names = {a.arg for a in fn.args.posonlyargs + fn.args.args}
    return {
        n.args[0].id
        for n in ast.walk(fn)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "next"
        and n.args and isinstance(n.args[0], ast.Name) and n.args[0].id in names
    }  # fmt: skip


def as_iterators(entry: str, names: list[str], calls: list[str], wrap: set[str]) -> list[str]:
    """`calls` with each list or tuple argument of a parameter in `wrap` passed as ``iter(...)``."""
    if not wrap:
        return calls
    out = []
    for args in positional_args(calls):
        parts = [
            f"iter({a!r})" if i < len(names) and names[i] in wrap and isinstance(a, list | tuple) else repr(a)
            for i, a in enumerate(args)
        ]
        out.append(f"{entry}({', '.join(parts)})")
    return list(dict.fromkeys(out))


def enumerated(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, tuple[int, int]]:
    """Parameters the body only ever tests against literal ints (``month in (1, 3, 5, 7)``,
    ``month == 2``), naming three or more: an enumeration, whose values lie within the span of
    those constants. Outside it the seed's fall-through answer is an accident that a correct
    program need not share (``max_days_in_month(0, 42)``)."""
    names = {a.arg for a in fn.args.posonlyargs + fn.args.args} - _rebound(fn)
    seen: dict[str, set[int]] = {n: set() for n in names}
    tested: set[int] = set()
    for node in ast.walk(fn):
        if not (isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and len(node.ops) == 1):
            continue
        ints = _int_literals(node.comparators[0])
        if node.left.id in seen and ints and isinstance(node.ops[0], ast.In | ast.NotIn | ast.Eq | ast.NotEq):
            seen[node.left.id] |= ints
            tested.add(id(node.left))
    uses = [n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id in names]
    return {
        name: (min(ints), max(ints))
        for name, ints in seen.items()
        if len(ints) >= 3 and all(id(n) in tested for n in uses if n.id == name)
    }


def _int_literals(node: ast.expr) -> set[int]:
    """The ints a literal int, or a tuple/list/set of literal ints, names (empty otherwise)."""
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    ints = {e.value for e in items if isinstance(e, ast.Constant) and type(e.value) is int}
    return ints if len(ints) == len(items) else set()
