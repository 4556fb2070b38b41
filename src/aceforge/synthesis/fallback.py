"""The last-resort guesses: calls for a seed whose examples and model proposals give no input.

Typed by the annotations and the docstring first; where a parameter has neither, by what the
body's use of it implies (``usage``) and by its name (``mutate.guess_calls``). Strings hold
what the body searches them for, and a parameter the body advances with ``next`` gets an
iterator, so the seed answers the guesses instead of raising on every one. And a model's
input that quotes the numbers its parameters take is re-typed rather than dropped (``retyped``).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from aceforge.synthesis.domain import InputSpace
from aceforge.synthesis.edges import guesses
from aceforge.synthesis.mutate import guess_calls
from aceforge.synthesis.param_words import named_type
from aceforge.synthesis.records import record_calls
from aceforge.synthesis.signature import ANY, Spec, entry_function, format_call, parse_args
from aceforge.synthesis.usage import as_iterators, nexted, searched_texts, usage_specs
from aceforge.synthesis.varargs import star_guesses


def fallback_guesses(space: InputSpace, program: str) -> list[str]:
    """In-domain calls from the annotations, else from the types the body's use of the
    parameters implies and from the parameter names (the last resort); strings hold what the
    body searches them for, and a parameter it calls ``next`` on gets an iterator."""
    fn = entry_function(program, space.entry)
    texts = searched_texts(fn) if fn is not None else {}  # beside the constants the body compares with
    joined = {k: space.constants.get(k, []) + texts.get(k, []) for k in {*space.constants, *texts}}
    space = replace(space, constants=joined)
    typed = guesses(space)
    if space.star is not None and not space.params:
        typed = star_guesses(space.entry, space.star, []) + typed
    if not typed and fn is not None:  # the body's use adds to the names' guesses
        used = guesses(space, usage=_with_names(usage_specs(fn), space))
        named = [c for c in guess_calls(program, space.entry) if space.fits(c)]
        typed = list(dict.fromkeys(c for pair in itertools.zip_longest(used, named) for c in pair if c))
    if fn is not None:  # items read with string keys: lists of records first
        typed = list(dict.fromkeys([*record_calls(fn, space.entry), *typed]))
    return as_iterators(space.entry, [p.name for p in space.params], typed, nexted(fn)) if fn else typed


def _with_names(usage: dict[str, Spec], space: InputSpace) -> dict[str, Spec]:
    """The body's types, where a parameter's name says its type plainly (``numbers``,
    ``text``) and the body says nothing or only what any container allows (``len(string)``):
    the name's."""
    out = dict(usage)
    for p in space.params:
        named = named_type(p.name)
        if named != ANY and (p.name not in out or out[p.name].kind == "list"):
            out[p.name] = named
    return out


_NUMERAL = re.compile(r"-?\d+(?:\.\d+)?")


def retyped(call: str, space: InputSpace) -> str | None:
    """`call` with each quoted numeral passed as the number where its parameter takes numbers
    (a small model often quotes them: ``format_number('42.23', 2)``), if that makes the call fit
    the domain; None otherwise (a call that needs more than this stays rejected)."""
    try:
        args, kwargs = parse_args(call)
    except (SyntaxError, ValueError, AssertionError):
        return None
    numeric = [i < len(space.params) and _numeric(space.params[i].spec) for i in range(len(args))]
    new = [
        _number(a) if ok and isinstance(a, str) and _NUMERAL.fullmatch(a) else a
        for a, ok in zip(args, numeric, strict=True)
    ]
    if new == args or kwargs:
        return None
    out = format_call(space.entry, new)
    return out if space.fits(out) else None


def _numeric(spec: Spec) -> bool:
    kinds = {a.kind for a in spec.args if a.kind != "none"} if spec.kind == "union" else {spec.kind}
    return bool(kinds) and kinds <= {"int", "float"}


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)
