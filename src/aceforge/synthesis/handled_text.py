"""Text a seed handles by position, through method chains and as a class of characters.

``compared.harvest`` reads comparisons of a parameter with constants; this module reads the
forms that comparison takes in string code, which name inputs a realistic bug answers wrongly:

* a position: ``value[0] == value[-1] == '"'``, ``value[:2] != "\\\\"`` — the constant as a
  prefix or a suffix of typical text, and, where the code tests the same text at both ends,
  typical text wrapped in it (a quoted value) with each other text the code handles inside: at
  the start and at the end (``startswith``/``endswith`` are ``compared._affixes``');
* a method chain: ``value.replace(a, b).replace(c, d)``, ``value.lower() in ('true', 'yes')``;
* an escape that contains what it escapes (``replace("&", "&amp;")``): text already in the
  replaced form is an input (escaped again, or left alone by a bug);
* an escape's first character (``%`` of ``%0A``, also from ``translate`` tables), left as is;
* an escaped quote character: the other quote characters, which a bug escapes too (or only);
* a text split on a separator whose pieces the code searches (``'ab;cd="ef"'``);
* a case change: the ends of A-Z and non-ASCII letters;
* ``isspace()``: whitespace other than space, tab and newline, where ASCII-only lists differ.

Every text is a table entry of its own in ``compared.harvest``; the domain check still decides
which become inputs.
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
    handled text (two at most) inside the wrapping at the start and at the end (``'"\\\\ab"'``,
    ``'"ab\\""'``)."""
    out = [w + _FILLER for w in ends["start"]] + [_FILLER + w for w in ends["end"]]
    same = bool(ends.get("same"))  # ``x[0] == x[-1]``: each character tested at x[0] wraps
    wraps = [w for w in ends["start"] if w in ends["end"] or (same and len(w) == 1)]
    for w in wraps:
        out += [w, w + _FILLER + w, w + w + _FILLER + w + w]
        out += [w + _FILLER + v for v in wraps if v != w][:1]
        inner = [t for t in texts if not set(t) <= set(w) and not _doubled(t, texts)][:2]
        for t in inner:
            out += [w + t + _FILLER + w, w + _FILLER + t + w]
    return list(dict.fromkeys(out))


def _doubled(t: str, texts: list[str]) -> bool:
    """``'W/W/'`` beside ``'W/'``: the doubled affix (``compared._affixes``) adds nothing inside."""
    half = t[: len(t) // 2]
    return len(t) % 2 == 0 and t == half * 2 and half in texts


def escaped_forms(fn: ast.FunctionDef, derived: dict[str, str]) -> list[tuple[str, str]]:
    """(parameter, text) for ``s.replace("&", "&amp;")``: each replaced text; where the
    replacement holds what it replaces, text already in the replaced form (escaping twice or
    not is a real bug); an escape's first character (``%`` of ``%0A``), left as it is."""
    out = []
    for n in ast.walk(fn):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "replace"):
            continue
        name = root(n.func.value, derived)
        old, new = (_text(a) for a in [*n.args, None, None][:2])
        if not (name and old and new):
            continue
        out += [(name, old)] if old.strip() or new.strip() else []  # whitespace tidied: no escape
        if old in new and old != new:
            out.append((name, new))
        out += [(name, c) for c in introducers([new], old)]
    return out


def introducers(replacements: list[str], replaced: str) -> list[str]:
    """The first character of each escape sequence (``&lt;``, ``%0D``, ``\\a ``) that is
    punctuation and not itself replaced here."""
    out = [r[0] for r in replacements if len(r) > 1 and not r[0].isalnum() and not r[0].isspace()]
    return [c for c in dict.fromkeys(out) if c not in replaced]


def translated(fn: ast.FunctionDef, derived: dict[str, str]) -> list[tuple[str, str]]:
    """(parameter, text) for ``value.translate({10: "%0A", 34: "%22"})``: each character the
    table maps (whitespace too: written out as an escape it is handled on purpose), then the
    escapes' first characters (``%``)."""
    out = []
    for n in ast.walk(fn):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "translate"):
            continue
        name, table = root(n.func.value, derived), n.args[0] if n.args else None
        if isinstance(table, ast.Call) and table.args:  # str.maketrans({...})
            table = table.args[0]
        if not (name and isinstance(table, ast.Dict)):
            continue
        keys = [_char(k) for k in table.keys]
        values = [_text(v) or "" for v in table.values]
        out += [(name, k) for k in keys if k]
        out += [(name, c) for c in introducers(values, "".join(k for k in keys if k))]
    return out


def _char(node: ast.expr | None) -> str | None:
    v = node.value if isinstance(node, ast.Constant) else None
    return chr(v) if type(v) is int and 0 <= v < 0x110000 else v if isinstance(v, str) and v else None


def local_texts(fn: ast.FunctionDef) -> dict[str, str]:
    """Locals bound once to a string constant (``strip_chars = "\"' "``)."""
    binds = [a for a in ast.walk(fn) if isinstance(a, ast.Assign) and len(a.targets) == 1]
    names = [a.targets[0].id for a in binds if isinstance(a.targets[0], ast.Name)]
    return {
        a.targets[0].id: a.value.value
        for a in binds
        if isinstance(a.targets[0], ast.Name) and names.count(a.targets[0].id) == 1
        and isinstance(a.value, ast.Constant) and isinstance(a.value.value, str)
    }  # fmt: skip


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


_STRIPS = ("strip", "lstrip", "rstrip")
_SEARCHES = ("find", "rfind", "index", "rindex", "partition", "rpartition", "split", "rsplit", "count")


def separated(fn: ast.FunctionDef, derived: dict[str, str], texts: dict[str, str]) -> list[tuple[str, str]]:
    """(parameter, text) for a parameter split on a separator (``header.split(";")``) whose
    pieces the code searches for another text (``param.find("=")``): pieces joined by the
    separator, each holding that text (``'ab;cd=ef'``), a piece repeated with another value
    (first or last wins), upper-case where the code folds case, and a value wrapped in each
    character the code strips (``'ab;cd="ef"'``)."""
    seps: dict[str, list[str]] = {}
    found: dict[str, list[str]] = {}
    strips: dict[str, list[str]] = {}
    folds: set[str] = set()
    for n in ast.walk(fn):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)):
            continue
        name, attr = root(n.func.value, derived), n.func.attr
        arg = n.args[0] if n.args else None
        text = texts.get(arg.id) if isinstance(arg, ast.Name) else _text(arg)
        if name is None:
            continue
        folds |= {name} if attr in ("lower", "casefold", "upper") else set()
        if text and text.strip():
            target = seps if attr in ("split", "rsplit") else found if attr in _SEARCHES else strips
            if attr in (*_SEARCHES, *_STRIPS, "split", "rsplit") and text not in target.setdefault(name, []):
                target[name].append(text)
    out = []
    for name, ss in seps.items():
        sep, inner = ss[0], [t for t in found.get(name, []) if t not in ss][:2]
        quotes = [c for t in strips.get(name, []) for c in t if not c.isspace()][:2]
        for t in inner:
            out += [(name, f"ab{sep}cd{t}ef"), (name, f"ab{sep} cd{t}ef{sep}cd{t}gh")]
            out += [(name, f"AB{sep}CD{t}EF")] if name in folds else []
            out += [(name, f"ab{sep}cd{t}{q}ef{q}") for q in quotes]
    return list(dict.fromkeys(out))


# The ends of the ASCII letter range (where hand-written range checks are off by one) and
# letters whose case ASCII-only code leaves alone: where the code changes a text's case,
# ``lower``, ``upper`` and ``casefold`` agree on them (unlike ß, which ``upper`` makes "SS").
FOLDED_TEXT = "AZ ÄÖü éñ"
_FOLDS = ("lower", "upper", "casefold", "swapcase", "title", "capitalize")


def case_changed(fn: ast.FunctionDef, derived: dict[str, str]) -> list[str]:
    """Parameters whose text the code changes the case of (``name.lower().split()``) other
    than to compare it with constants (``value.lower() in ('yes', 'on')``: its table)."""
    compared = {id(s) for c in ast.walk(fn) if isinstance(c, ast.Compare) for s in [c.left, *c.comparators]}
    out: list[str] = []
    for n in ast.walk(fn):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _FOLDS:
            name = root(n.func.value, derived)
            if name and id(n) not in compared and name not in out:
                out.append(name)
    return out
