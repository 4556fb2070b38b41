"""Text a seed handles by position, through method chains and as a class of characters.

``compared.harvest`` reads comparisons of a parameter with constants; this module reads the
forms that comparison takes in string code, which name inputs a realistic bug answers wrongly:

* a position: ``value[0] == value[-1] == '"'``, ``value[:2] != "\\\\"`` — the constant as a
  prefix or a suffix of typical text, and, where the code tests the same text at both ends
  (also ``startswith``/``endswith``), typical text wrapped in it (a quoted value) with each other
  text the code handles inside: at the start, in the middle, at the end;
* a method chain: ``value.replace(a, b).replace(c, d)``, ``value.lower() in ('true', 'yes')``;
* an escape that contains what it escapes (``replace("&", "&amp;")``): text already in the
  replaced form is an input (escaped again, or left alone by a bug);
* a quote character: the other quote characters, which a bug also (or only) handles;
* ``isspace()``: whitespace other than space, tab and newline, where ASCII-only lists differ.
"""

from __future__ import annotations

import ast
from typing import Any

# ``str.isspace`` is true for these beyond " \t\n" (the characters hand-written lists forget);
# after text, so a trailing run holds a newline followed by more whitespace.
WHITESPACE_RUN = " \r\n\x0c\x0b\t"
QUOTES = ('"', "'", "`")
_FILLER = "ab"


def root(node: ast.expr, derived: dict[str, str]) -> str | None:
    """The parameter a string expression reads, through subscripts and method calls
    (``value[1:-1].replace("a", "b").lower()`` reads ``value``), or None."""
    while True:
        if isinstance(node, ast.Name):
            return derived.get(node.id)
        if isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value
        else:
            return None


def chain_methods(node: ast.expr) -> set[str]:
    """The method names called along a chain (``value.strip().lower()``: strip, lower)."""
    out = set()
    while isinstance(node, ast.Call | ast.Subscript):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            out.add(node.func.attr)
            node = node.func.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            break
    return out


def end_of(node: ast.expr) -> str | None:
    """ "start" for ``x[0]`` / ``x[:k]``, "end" for ``x[-1]`` / ``x[-k:]``, else None."""
    if not isinstance(node, ast.Subscript):
        return None
    s = node.slice
    if isinstance(s, ast.Slice):
        lo, hi = _int(s.lower), _int(s.upper)
        if s.lower is None and hi is not None and hi > 0 and s.step is None:
            return "start"
        if s.upper is None and lo is not None and lo < 0 and s.step is None:
            return "end"
        return None
    i = _int(s)
    return None if i is None else "start" if i == 0 else "end" if i == -1 else None


def _int(node: ast.expr | None) -> int | None:
    try:
        v = ast.literal_eval(node) if node is not None else None
    except (ValueError, TypeError, SyntaxError):
        return None
    return v if type(v) is int else None


def compared_pairs(node: ast.Compare) -> list[tuple[ast.expr, ast.cmpop, ast.expr]]:
    """The pairs a comparison compares: neighbours, and in an equality chain every two sides
    (``a[0] == a[-1] == '"'`` says both ends are quotes)."""
    sides = [node.left, *node.comparators]
    if len(node.ops) > 1 and all(isinstance(op, ast.Eq) for op in node.ops):
        op = node.ops[0]
        return [(a, op, b) for i, a in enumerate(sides) for b in sides[i + 1 :]]
    return [(sides[i], op, sides[i + 1]) for i, op in enumerate(node.ops)]


def positions(fn: ast.FunctionDef, derived: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    """Per parameter, the texts the code tests at its start and at its end (subscripts compared
    with string constants, ``startswith`` / ``endswith``), by "start" / "end"; a character
    tested for membership in a string (``s[-1] in ".!?"``) names each of its characters."""
    out: dict[str, dict[str, list[str]]] = {}

    def add(name: str, where: str, values: list[Any]) -> None:
        got = out.setdefault(name, {"start": [], "end": [], "same": []})[where]
        got += [v for v in values if isinstance(v, str) and v and v not in got]

    for n in ast.walk(fn):
        if isinstance(n, ast.Compare):
            for a, op, b in compared_pairs(n):
                for x, y in ((a, b), (b, a)):
                    where, name = end_of(x), root(x, derived)
                    if not (where and name):
                        continue
                    if isinstance(op, ast.Eq) and {where, end_of(y)} == {"start", "end"}:
                        add(name, "same", ["ends"])  # the two ends compared with each other
                    found = _constants(y)
                    member = x is a and isinstance(op, ast.In | ast.NotIn)
                    if member and isinstance(x, ast.Subscript) and not isinstance(x.slice, ast.Slice):
                        found = [c for v in found if isinstance(v, str) for c in v]
                    add(name, where, found)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.args:
            where = {"startswith": "start", "endswith": "end"}.get(n.func.attr)
            name = root(n.func.value, derived)
            if where and name:
                add(name, where, _constants(n.args[0]))
    return out


def _constants(node: ast.expr) -> list[Any]:
    try:
        v = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return []
    return list(v)[:8] if isinstance(v, tuple | list | set | frozenset) else [v]


def placed(ends: dict[str, list[str]], texts: list[str]) -> list[str]:
    """Typical text with each tested prefix before it and each suffix after it. Where one text
    is tested at both ends (or the code compares the two ends, ``val[0] == val[-1]``): that
    text alone, typical text wrapped in it once and twice, ends that do not match, and each other
    handled text inside the wrapping at the start, in the middle and at the end (``'"\\\\ab"'``,
    ``'"a\\"b"'``, ``'"ab\\""'``)."""
    out = [w + _FILLER for w in ends["start"]] + [_FILLER + w for w in ends["end"]]
    same = bool(ends.get("same"))  # ``x[0] == x[-1]``: each character tested at x[0] wraps
    wraps = [w for w in ends["start"] if w in ends["end"] or (same and len(w) == 1)]
    for w in wraps:
        out += [w, w + _FILLER + w, w + w + _FILLER + w + w]
        out += [w + _FILLER + v for v in wraps if v != w][:1]
        inner = [t for t in texts if not set(t) <= set(w)][:4]
        for t in inner:
            out += [w + t + _FILLER + w, w + "a" + t + "b" + w, w + _FILLER + t + w]
    return list(dict.fromkeys(out))


def escaped_forms(fn: ast.FunctionDef, derived: dict[str, str]) -> list[tuple[str, str]]:
    """(parameter, text) for ``s.replace("&", "&amp;")``: the replacement holds what it replaces,
    so text already in the replaced form is an input (escaping twice or not is a real bug)."""
    out = []
    for n in ast.walk(fn):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "replace"):
            continue
        name = root(n.func.value, derived)
        old, new = (_text(a) for a in ([*n.args, None, None])[:2])
        if name and old and new and old in new and old != new:
            out.append((name, new))
    return out


def _text(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def siblings(texts: list[str]) -> list[str]:
    """The quote characters the handled texts do not hold, where they hold one: code that
    handles ``"`` meets ``'`` and backticks, which a realistic bug handles too (or instead)."""
    chars = {c for t in texts for c in t}
    if not chars & set(QUOTES):
        return []
    return [q for q in QUOTES if q not in chars]


def space_tested(fn: ast.FunctionDef, derived: dict[str, str]) -> list[str]:
    """Parameters the code tests with ``isspace()`` (on itself or on a character of it)."""
    out: list[str] = []
    for n in ast.walk(fn):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "isspace":
            name = root(n.func.value, derived)
            if name and name not in out:
                out.append(name)
    return out
