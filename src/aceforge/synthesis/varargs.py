"""Functions that take ``*args``: how many arguments, in which order.

A star parameter is no position of its own, so the signature's typed guesses skip it and a
seed like ``pick_bool(*values)`` without examples gets no input at all; with examples, every
call has the examples' arity, and bugs that only look at the first two arguments, or pick the
last instead of the first, pass. Here: guesses of one to three arguments of the star's type
(its annotation, or the docstring's ``*values (bool)``; ``None`` too where the docstring
speaks of it), and, for known calls, one argument more, one fewer and the arguments reversed.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from aceforge.synthesis.signature import ANY, Param, Spec, entry_function, format_call, spec_of, typed_values
from aceforge.synthesis.usage import collected_specs, concrete


def star_param(program: str, entry: str, doc: str = "") -> Param | None:
    """The entry function's ``*args`` parameter, typed by its annotation or the docstring."""
    fn = entry_function(program, entry)
    if fn is None or fn.args.vararg is None:
        return None
    star = fn.args.vararg
    spec = spec_of(star.annotation)
    if spec == ANY:
        m = re.search(rf"\*{re.escape(star.arg)}\s*\((\w+)\)", doc or "")
        spec = spec_of(ast.parse(m.group(1), mode="eval").body) if m else ANY
    if spec == ANY:  # ``for t in tuples: acc.extend(t)`` with ``acc: list[X]``
        spec = _collected_star(fn, star.arg)
    if spec != ANY and re.search(r"\bNone\b|\bnone\b", doc or ""):
        spec = Spec("union", (spec, Spec("none")))
    return Param(star.arg, spec)


def _collected_star(fn: ast.FunctionDef, star: str) -> Spec:
    """Each star argument's type, from a loop over the star whose variable the body collects
    into an annotated list (``usage.collected_specs``)."""
    loops = {
        n.target.id
        for n in ast.walk(fn)
        if isinstance(n, ast.For) and isinstance(n.iter, ast.Name) and n.iter.id == star
        and isinstance(n.target, ast.Name)
    }  # fmt: skip
    specs = collected_specs(fn)
    return next((specs[v] for v in loops if v in specs), ANY)


def star_guesses(entry: str, star: Param, fixed: list[Any], limit: int = 12) -> list[str]:
    """Calls with `fixed` (values for the positional parameters) and one to three star
    arguments of the star's type (``None`` first where it is Optional)."""
    vals = typed_values(concrete(star.spec)) if star.spec != ANY else []
    if not vals:
        return []
    if None in vals:
        vals = [None, *[v for v in vals if v is not None]]
    n = len(vals)
    rows = [[vals[i % n]] for i in range(min(n, 3))]
    rows += [[vals[i % n], vals[(i + 1) % n]] for i in range(n)]
    rows += [[vals[i % n], vals[(i + 2) % n], vals[(i + 1) % n]] for i in range(n)]
    rows += [[None] * k for k in (1, 2)] if vals[0] is None else []
    out = [format_call(entry, [*fixed, *r]) for r in rows]
    return list(dict.fromkeys(out))[:limit]


def arity_variants(entry: str, n_fixed: int, args: list[Any]) -> list[str]:
    """A known call with its star arguments one longer (the last repeated, the first, and
    the first cut to its first item), one shorter, and reversed: where "all of them" and "the
    first two" are told apart."""
    fixed, tail = args[:n_fixed], args[n_fixed:]
    if not tail:
        return []
    out = [[*tail, tail[-1]], [*tail, tail[0]], tail[::-1], tail[1:] + tail[:1]]
    if isinstance(tail[0], list | tuple | str) and len(tail[0]) > 1:  # one more that differs early
        out.append([*tail, tail[0][:1]])
    out.append(tail[:-1])  # down to no star argument at all
    return list(dict.fromkeys(format_call(entry, [*fixed, *t]) for t in out if t != tail))
