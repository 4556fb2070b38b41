"""Constants the seed compares its parameters with: where behaviour changes.

``align == "center"``, ``x in ("a", "b")``, ``n > 100`` name values worth an input. A local
computed from one parameter counts for it (``fmt = value.split()[0].lower()`` compared with a
table of formats: the parameter's words), read the way the code reads it: upper-case and
title-case forms where the value is case-folded, more words after it where it is split. A
parameter the seed parses with ``int``/``float`` gets numeric text in other notations. Code that
writes numbers in hex or with thousands separators gets the numbers where that changes
(``format_values``).
"""

from __future__ import annotations

import ast
import re
from typing import Any

from aceforge.synthesis.handled_text import (
    FOLDED_TEXT,
    WHITESPACE_RUN,
    case_changed,
    chain_methods,
    compared_pairs,
    escaped_forms,
    local_texts,
    placed,
    positions,
    root,
    separated,
    siblings,
    space_tested,
    translated,
)
from aceforge.synthesis.signature import entry_function


def harvest(program: str, entry: str) -> dict[str, list[Any]]:
    """Constants the seed compares a parameter with (``align == "center"``, ``x in ("a", "b")``,
    ``n > 100``): per parameter, the values where its behaviour changes, and the texts built
    from them where a realistic bug answers otherwise (``'"ab\\""'``: a quoted value with an
    escaped quote at its end). Each is a table entry of its own (``suite_order``)."""
    fn = entry_function(program, entry)
    if fn is None:
        return {}
    names = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    out: dict[str, list[Any]] = {}
    for name in converted(fn, names):  # int(value) / float(value): where parsing text changes
        out[name] = list(NUMERIC_TEXT)
    derived, tables = _derived(fn, names), _tables(fn)
    for name, v in _affixes(fn, derived):  # first: text around them is tried first (``edges._near``)
        if v not in out.setdefault(name, []):
            out[name].append(v)
    for name, v in _lookups(fn, derived, tables):  # ``ALIASES.get(letter, letter)``: each key
        if v not in out.setdefault(name, []):
            out[name].append(v)
    for name, v in _method_args(fn, derived):  # ``s.replace("&", "&amp;")``: each text it handles
        if v not in out.setdefault(name, []):
            out[name].append(v)
    for name, v in _compared(fn, names, derived, tables):
        if v not in out.setdefault(name, []):
            out[name].append(v)
    for name, v in _text_handled(fn, derived, out):  # positions, escapes, quotes, whitespace
        if v not in out.setdefault(name, []):
            out[name].append(v)
    return {k: v for k, v in out.items() if v}


def _compared(
    fn: ast.FunctionDef, names: set[str], derived: dict[str, str], tables: dict[str, list[Any]]
) -> list[tuple[str, Any]]:
    """(parameter, constant) for each comparison of a parameter, a local computed from it, or a
    method chain on either (``value.lower() in ('true', 'yes')``) with a constant or a table;
    each pair of a chain (``0 < n <= 12``). Computed values get only their words, as read."""
    out = []
    for node in ast.walk(fn):
        if not isinstance(node, ast.Compare):
            continue
        for left, op, right in compared_pairs(node):
            for a, b in ((left, right), (right, left)):
                call = isinstance(a, ast.Call) and root(a, derived) is not None
                if not (call or (isinstance(a, ast.Name) and a.id in derived)):
                    continue
                found = tables.get(b.id, []) if isinstance(b, ast.Name) else constants_in(b)
                if call or a.id not in names:  # type: ignore[attr-defined]
                    member = isinstance(op, ast.In | ast.NotIn)  # for `in`, only as the member
                    keep = not member or a is left
                    found = [v for v in found if isinstance(v, str) and v] if keep else []
                    methods = chain_methods(a) | _base_methods(fn, a, derived)
                    found = [w for v in found for w in _as_read(v, methods)]
                out += [(root(a, derived), v) for v in found]
    return out  # type: ignore[return-value]


def _base_methods(fn: ast.FunctionDef, a: ast.expr, derived: dict[str, str]) -> set[str]:
    """The methods on the way from the parameter to the local a method chain starts at."""
    while isinstance(a, ast.Call | ast.Subscript):
        a = a.func.value if isinstance(a, ast.Call) else a.value  # type: ignore[attr-defined]
    return _methods(fn, a.id, derived) if isinstance(a, ast.Name) and a.id in derived else set()


def _text_handled(
    fn: ast.FunctionDef, derived: dict[str, str], out: dict[str, list[Any]]
) -> list[tuple[str, str]]:
    """(parameter, text) from ``handled_text``: what the code escapes, the escapes' first
    characters and text already escaped, the other quote characters beside an escaped one,
    pieces of a separated text, the texts the code tests at an end and texts placed there,
    non-ASCII letters where it changes case, whitespace beyond space, tab and newline."""
    escapes = escaped_forms(fn, derived) + translated(fn, derived)
    found = escapes + separated(fn, derived, local_texts(fn))
    for name, ends in positions(fn, derived).items():
        found += [(name, v) for v in ends["start"] + ends["end"]]
        texts = [v for v in out.get(name, []) if isinstance(v, str) and v]
        found += [(name, v) for v in placed(ends, texts)]
    for name in dict.fromkeys(n for n, _ in escapes):
        found += [(name, q) for q in siblings([t for n, t in escapes if n == name])]
    found += [(name, FOLDED_TEXT) for name in case_changed(fn, derived)]
    return found + [(name, WHITESPACE_RUN) for name in space_tested(fn, derived)]


def _affixes(fn: ast.FunctionDef, derived: dict[str, str]) -> list[tuple[str, str]]:
    """(parameter, text) for ``etag.startswith(("W/", "w/"))`` / ``endswith``: each prefix or
    suffix the code tests for is an input of its own, alone and doubled."""
    out = []
    for n in ast.walk(fn):
        if (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in ("startswith", "endswith")
            and root(n.func.value, derived) is not None
            and n.args
        ):
            words = [v for v in constants_in(n.args[0]) if isinstance(v, str) and v]
            # each also doubled: answers that differ from prefix to prefix (so each keeps its
            # test beside the others), in the characters the code already names
            tails = [w + w for w in words]
            out += [(str(root(n.func.value, derived)), w) for w in [*tails, *words]]
    return out


# String methods whose first argument names text the code handles specially.
TEXT_METHODS = frozenset(
    {"replace", "split", "rsplit", "partition", "rpartition", "strip", "lstrip", "rstrip", "count"}
    | {"find", "rfind", "index", "rindex", "removeprefix", "removesuffix"}
)


def _method_args(fn: ast.FunctionDef, derived: dict[str, str]) -> list[tuple[str, str]]:
    """(parameter, text) for ``s.replace("&", "&amp;")``, ``value.split(";")``,
    ``name.strip('"')`` (also along a chain, ``s.replace(a, b).replace(c, d)``): text the code
    handles specially is an input of its own. Whitespace alone is left out (where the docstring
    is silent about it, correct code may differ there) unless the code escapes it."""
    out = []
    texts = local_texts(fn)
    for n in ast.walk(fn):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.args):
            continue
        name = root(n.func.value, derived)
        arg = n.args[0]
        text = (
            texts.get(arg.id)
            if isinstance(arg, ast.Name)
            else arg.value
            if isinstance(arg, ast.Constant)
            else None
        )
        if n.func.attr in TEXT_METHODS and name and isinstance(text, str) and (text.strip() or _escapes(n)):
            out.append((name, text))
    return out


def _escapes(n: ast.Call) -> bool:
    """``value.replace("\\n", "\\\\a ")``: whitespace written out as visible text is handled on
    purpose (an escape), not only tidied."""
    new = n.args[1] if n.func.attr == "replace" and len(n.args) > 1 else None  # type: ignore[attr-defined]
    return isinstance(new, ast.Constant) and isinstance(new.value, str) and bool(new.value.strip())


def code_chars(constants: list[Any]) -> str:
    """The characters of the texts the code compares a parameter with or handles (``harvest``):
    inputs made of them are inside the parameter's domain, whatever characters the examples or
    the model's calls happened to use. Numeric notations tried for ``int(value)`` are not."""
    texts = [c for c in constants if isinstance(c, str) and c not in NUMERIC_TEXT]
    return "".join(sorted({ch for t in texts for ch in t}))


def _lookups(
    fn: ast.FunctionDef, derived: dict[str, str], tables: dict[str, list[Any]]
) -> list[tuple[str, Any]]:
    """(parameter, key) for a local table looked up with the parameter (``ALIASES.get(x, x)``,
    ``ALIASES[x]``): each key is an input where the answer changes (an entry left out of the
    table is a real bug), read the way the code reads the value it looks up."""
    out = []
    for n in ast.walk(fn):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get" and n.args:
            table, key = n.func.value, n.args[0]
        elif isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load):
            table, key = n.value, n.slice
        else:
            continue
        if not (isinstance(table, ast.Name) and table.id in tables and isinstance(key, ast.Name)):
            continue
        if key.id not in derived:
            continue
        found = tables[table.id]
        if derived[key.id] != key.id or key.id in _assigned(fn):  # computed from it: as read
            methods = _methods(fn, key.id, derived)
            found = [w for v in found if isinstance(v, str) and v for w in _as_read(v, methods)]
        out += [(derived[key.id], v) for v in found]
    return out


def _assigned(fn: ast.FunctionDef) -> set[str]:
    """Names the body assigns (a parameter re-bound to ``letter.lower()`` is read as computed)."""
    assigns = [a for a in ast.walk(fn) if isinstance(a, ast.Assign)]
    return {t.id for a in assigns for t in a.targets if isinstance(t, ast.Name)}


def _derived(fn: ast.FunctionDef, names: set[str]) -> dict[str, str]:
    """Each parameter, and each local computed from exactly one of them (``values =
    value.split()``, ``fmt = values[0].lower()``, ``for param in tokens[1:]``), mapped to its
    parameter."""
    out = {n: n for n in names}
    binds = [
        (n.targets[0], n.value) for n in ast.walk(fn) if isinstance(n, ast.Assign) and len(n.targets) == 1
    ]
    binds += [(n.target, n.iter) for n in ast.walk(fn) if isinstance(n, ast.For)]
    binds += [  # ``content_type, params = tokens[0].strip(), tokens[1:]``: pairwise
        (t, v)
        for a in ast.walk(fn)
        if isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Tuple)
        and isinstance(a.value, ast.Tuple) and len(a.value.elts) == len(a.targets[0].elts)
        for t, v in zip(a.targets[0].elts, a.value.elts, strict=True)
    ]  # fmt: skip
    for _ in range(3):
        for t, value in binds:
            used = {out[n.id] for n in ast.walk(value) if isinstance(n, ast.Name) and n.id in out}
            if isinstance(t, ast.Name) and t.id not in out and len(used) == 1:
                out[t.id] = used.pop()
    return out


def _methods(fn: ast.FunctionDef, name: str, derived: dict[str, str]) -> set[str]:
    """The string methods on the way from the parameter to the local `name`."""
    seen, todo, out = {name}, [name], set()
    while todo:
        n = todo.pop()
        for a in ast.walk(fn):
            if isinstance(a, ast.Assign) and any(isinstance(t, ast.Name) and t.id == n for t in a.targets):
                out |= {c.func.attr for c in ast.walk(a.value) if isinstance(c, ast.Call)
                        and isinstance(c.func, ast.Attribute)}  # fmt: skip
                for m in ast.walk(a.value):
                    if isinstance(m, ast.Name) and m.id in derived and m.id not in seen:
                        seen.add(m.id)
                        todo.append(m.id)
    return out


def _as_read(word: str, methods: set[str]) -> list[str]:
    """`word`, and the text that reads as it after `methods`: other cases where the value is
    case-folded, more words after it where the value is split."""
    out = [word]
    if methods & {"lower", "casefold", "upper"}:
        out += [word.upper(), word.title()]
    if "split" in methods:
        out.append(f"{word} Ab Cd")
    return out


def _tables(fn: ast.FunctionDef) -> dict[str, list[Any]]:
    """Locals bound once to a literal collection (``formats = ('html', 'latex')``), a dict's
    keys for a dict (``{"alpha": "a", ...}``)."""
    out: dict[str, list[Any]] = {}
    for a in ast.walk(fn):
        if not (isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)):
            continue
        if isinstance(a.value, ast.Tuple | ast.List | ast.Set):
            out[a.targets[0].id] = constants_in(a.value)
        elif isinstance(a.value, ast.Dict):
            out[a.targets[0].id] = [v for k in a.value.keys if k is not None for v in constants_in(k)][:8]
    return out


# "2.0": a whole number written as a float (``:g`` or ``int()`` on it loses the ".0")
NUMERIC_TEXT = ["42.23", "42.73", "-2.5", "1e3", "inf", "-0", " 7 ", "0x1A", "1_000", "2.0"]


def converted(fn: ast.FunctionDef, names: set[str]) -> list[str]:
    """Parameters the seed parses with ``int(...)`` or ``float(...)``: text that reads as a
    number in another notation (a fraction, an exponent, a prefix) is where such code differs."""
    out = []
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("int", "float")
        ):
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Name) and arg.id in names and arg.id not in out:
                out.append(arg.id)
    return out


def constants_in(node: ast.expr) -> list[Any]:
    try:
        v = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return []
    items = list(v) if isinstance(v, list | tuple | set | frozenset) else [v]
    return [x for x in items if isinstance(x, str | int | float) and not isinstance(x, bool)][:8]


# Numbers the way the code writes them change at these: in hexadecimal (``f"{red:02x}"``,
# ``"%X" % n``, ``hex(n)``) a digit becomes a letter (10, 15) and the largest byte is 255; with
# thousands separators (``f"{n:,}"``, a docstring that says so) the groups start at 1000 and a
# negative number's sign must stay out of them (-123456).
RADIX_VALUES = (10, 15, 255)
GROUPED_VALUES = (1000, 1234567, -123456, -1234.5)
_RADIX = re.compile(r"\{[^{}]*:[^{}]*[xX]\}|%[-#0-9.]*[xX]|\bhex\(|format\([^)]*['\"][#0-9]*[xX]['\"]")
_GROUPED = re.compile(r"\{[^{}]*:[^{}]*,[^{}]*\}|format\([^)]*['\"],['\"]|\bthousands?\b", re.I)


def format_values(program: str) -> tuple[float, ...]:
    """The numbers where the program's way of writing numbers changes (see above)."""
    out: tuple[float, ...] = RADIX_VALUES if _RADIX.search(program) else ()
    return out + (GROUPED_VALUES if _GROUPED.search(program) else ())
