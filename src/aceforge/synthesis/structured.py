"""Texts shaped like what the code parses: its separators in the order it looks for them.

``_parse_content_type_header(header)`` splits on ``;``, then finds ``=`` in each part and strips
``"' `` from key and value: it parses ``text/html; charset="utf-8"``. Guessed strings hold a
``;`` at most (``searched_texts``), never ``=`` after it, so the loop body that builds the
parameters never runs and every bug in it passes. Here the searches on a string parameter
*and on every value derived from it* (``tokens = header.split(";")``, ``for param in
tokens[1:]``, ``after = authority.rpartition("@")[-1]``) are read in source order, with the
characters it checks a part starts with (``after[0] == "["``) and those it strips from parts;
texts are then built with each separator in that order between words: once, repeated (the loop
runs again, the same key twice), spaced and capitalized (the stripping and case folding run),
the last part quoted with the characters stripped, and cut short after each separator.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from aceforge.synthesis.draft import Draft
from aceforge.synthesis.feedback import Answers
from aceforge.synthesis.signature import entry_function, format_call, positional_args

_SEARCH = {"split", "rsplit", "partition", "rpartition", "find", "rfind", "index", "rindex", "count"}
_DERIVE = _SEARCH | {"strip", "lstrip", "rstrip", "lower", "upper", "casefold"}
_WORDS = ["ab", "cd", "ef", "gh", "ij", "kl", "mn", "op"]
Token = tuple[str, str]  # ("sep" | "prefix", text)


def parse_tokens(fn: ast.FunctionDef) -> dict[str, tuple[list[Token], str]]:
    """Per parameter, the separators the body searches it and its derived values for, and the
    prefixes it checks, in source order; and the characters it strips from them."""
    params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
    derived = _derived(fn, set(params))
    found: dict[str, list[tuple[tuple[int, int], Token]]] = {}
    stripped: dict[str, str] = {}
    for n in ast.walk(fn):
        hit = _token(n, derived)
        if hit is not None:
            p, tok = hit
            found.setdefault(p, []).append(((getattr(n, "lineno", 0), getattr(n, "col_offset", 0)), tok))
        if (
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr in ("strip", "lstrip", "rstrip") and _root(n.func.value, derived) is not None
            and n.args and isinstance(n.args[0], ast.Constant | ast.Name)
        ):  # fmt: skip
            chars, root = _const(n.args[0], fn), _root(n.func.value, derived)
            if root is not None and chars:
                stripped[root] = stripped.get(root, "") + chars
    out = {}
    for p, hits in found.items():
        toks = list(dict.fromkeys(t for _, t in sorted(hits)))
        if any(k == "sep" for k, _ in toks):
            out[p] = (toks, "".join(dict.fromkeys(stripped.get(p, ""))))
    return out


def _const(node: ast.expr, fn: ast.FunctionDef) -> str:
    """A string constant, or the one a local name is bound to (``strip_chars = "\\"' "``)."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else ""
    for a in ast.walk(fn):
        if (
            isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
            and isinstance(node, ast.Name) and a.targets[0].id == node.id
            and isinstance(a.value, ast.Constant) and isinstance(a.value.value, str)
        ):  # fmt: skip
            return a.value.value
    return ""


def _root(node: ast.expr, derived: dict[str, str]) -> str | None:
    """The parameter `node` is derived from: a derived name, a subscript or a deriving method
    call of one (``tokens[0].strip()``, ``x.rpartition("@")[-1]``)."""
    while True:
        if isinstance(node, ast.Name):
            return derived.get(node.id)
        if isinstance(node, ast.Subscript):
            node = node.value
        elif (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _DERIVE
        ):
            node = node.func.value
        else:
            return None


def _derived(fn: ast.FunctionDef, params: set[str]) -> dict[str, str]:
    """Local names holding a parameter or a value derived from it → the parameter."""
    out = {p: p for p in params}
    for _ in range(4):  # chains of assignments: a few passes reach the later ones
        for n in ast.walk(fn):
            pairs: list[tuple[ast.expr, ast.expr]] = []
            if isinstance(n, ast.Assign) and len(n.targets) == 1:
                t, v = n.targets[0], n.value
                if isinstance(t, ast.Tuple) and isinstance(v, ast.Tuple) and len(t.elts) == len(v.elts):
                    pairs = list(zip(t.elts, v.elts, strict=True))
                else:
                    pairs = [(t, v)]
            elif isinstance(n, ast.NamedExpr):
                pairs = [(n.target, n.value)]
            elif isinstance(n, ast.For | ast.comprehension):
                pairs = [(n.target, n.iter)]
            for t, v in pairs:
                p = _root(v, out)
                if p is not None and isinstance(t, ast.Name) and t.id not in params:
                    out.setdefault(t.id, p)
    return out


def _token(n: ast.AST, derived: dict[str, str]) -> tuple[str, Token] | None:
    """A separator the code searches a derived value for (``x.split(";")``, ``"=" in x``), or
    a prefix it checks (``x[0] == "["``, ``x.startswith("[")``)."""
    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.args:
        a, p = n.args[0], _root(n.func.value, derived)
        if p is not None and isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value:
            if n.func.attr in _SEARCH:
                return p, ("sep", a.value)
            if n.func.attr == "startswith":
                return p, ("prefix", a.value)
    if isinstance(n, ast.Compare) and len(n.ops) == 1:
        left, right = n.left, n.comparators[0]
        if isinstance(n.ops[0], ast.In) and isinstance(left, ast.Constant) and isinstance(left.value, str):
            p = _root(right, derived)
            return (p, ("sep", left.value)) if p is not None and left.value else None
        if isinstance(n.ops[0], ast.Eq) and isinstance(right, ast.Constant) and isinstance(right.value, str):
            first = (
                isinstance(left, ast.Subscript)
                and isinstance(left.slice, ast.Constant)
                and left.slice.value == 0
            )
            p = _root(left, derived) if first else None
            return (p, ("prefix", right.value)) if p is not None and right.value else None
    return None


def build(tokens: list[Token], strip: str) -> list[str]:
    """Texts with the separators in order between words (see the module docstring)."""
    seps = [t for k, t in tokens if k == "sep"]
    out = [_join(tokens, _WORDS), _join(tokens + tokens, _WORDS)]
    n = len(seps)
    twice = _join(tokens + tokens, _WORDS[: n + 1] + _WORDS[1:2] + _WORDS[n + 1 :])  # the same key again
    out += [twice, _join(tokens, [f" {w.capitalize()} " for w in _WORDS])]
    for q in (c for c in strip if not c.isspace()):
        words = list(_WORDS)
        words[len(seps)] = f"{q}{words[len(seps)]}{q}"
        out.append(_join(tokens, words))
    for k in range(1, len(tokens)):  # cut short: the later separators missing
        if tokens[k][0] == "sep":
            out.append(_join(tokens[:k], _WORDS))
    return list(dict.fromkeys(out))


def _join(tokens: list[Token], words: list[str]) -> str:
    parts, w = [words[0]], 1
    for kind, text in tokens:
        if kind == "prefix":
            parts.insert(len(parts) - 1, text)
        else:
            parts += [text, words[w % len(words)]]
            w += 1
    return "".join(parts)


def parsed_calls(program: str, entry: str, known: list[str], limit: int = 16) -> list[str]:
    """Known calls with a parsed string argument replaced by each structured text."""
    fn = entry_function(program, entry)
    if fn is None:
        return []
    names = [a.arg for a in fn.args.posonlyargs + fn.args.args]
    shapes = {p: build(toks, strip) for p, (toks, strip) in parse_tokens(fn).items()}
    out: list[str] = []
    for args in positional_args(known[:3]):
        for i, a in enumerate(args):
            if i < len(names) and names[i] in shapes and isinstance(a, str):
                out += [format_call(entry, [*args[:i], t, *args[i + 1 :]]) for t in shapes[names[i]]]
    return [c for c in dict.fromkeys(out) if c not in known][:limit]


def add_parsed(drafts: list[Draft], answer: Callable[[list[list[str]]], list[Answers]], keep: int) -> None:
    """Each draft's known calls with structured texts inside its domain, answered by the seed:
    at most `keep` that it answers with a value become candidates (origin ``code``)."""
    proposals = []
    for d in drafts:  # inside the domain: the docstring may rule out capitals or spaces
        calls = parsed_calls(d.seed.program, d.entry, list(d.answers.found), keep * 2)
        proposals.append([c for c in calls if d.space is None or d.space.fits(c)])
    if not any(proposals):
        return
    for d, ans, calls in zip(drafts, answer(proposals), proposals, strict=True):
        d.adopt(ans, calls, keep)
