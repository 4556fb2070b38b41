"""In which order a question's answered inputs compete for the suite's places.

The minimizer (``feedback.minimize``) first covers every killed mutant, then fills up in this
order, new expected values first. Mutants are easier to kill than real bugs, so the fill
decides much: after the examples, the model's inputs and the first few typed guesses (a seed
without examples keeps some typical inputs) come the edge cases (real bugs hide at the edges
more than mutants do); boundaries, random in-domain mutations and the other guesses follow in
turn. What counts as news beside a test with the same
expected value: a re-shaped argument (an iterator for a list) and another number of
arguments (an optional parameter given); and an argument with a trait realistic bugs turn
on (``input_traits``: empty, outer whitespace, upper case, negative, zero, falsy items) that no
kept test has yet — an empty input often answers what some other input answers, yet an early
``return`` for it is a real bug.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from aceforge.synthesis.compared import NUMERIC_TEXT
from aceforge.synthesis.shapes import ORDERED, literal_call
from aceforge.synthesis.signature import parse_args

TYPICAL = 3  # typed guesses kept before the edge cases: a seed without examples keeps typical inputs
RANK = {"example": 0, "model": 1, "code": 1, "edge": 2, "probe": 2, "boundary": 3, "signature": 4,
        "mutation": 5}  # fmt: skip


def ordered(pool: list[str], origin: dict[str, str]) -> list[str]:
    """Examples, the model's inputs and `TYPICAL` typed guesses first; then the edge cases;
    then boundaries, random in-domain mutations and the other guesses taken in turn. Inputs
    the seed's code singles out ("code": a type it checks, its returned function) take turns
    with the model's after the first `TYPICAL` of them: the model's many ordinary inputs would
    otherwise fill the suite before any of them."""
    ranks = [RANK[origin.get(c, "mutation")] for c in pool]
    first = [c for c, r in sorted(zip(pool, ranks, strict=True), key=lambda x: x[1]) if r <= 1]
    first = _with_code(first, origin)
    edges, guessed = ([c for c, r in zip(pool, ranks, strict=True) if r == k] for k in (2, 4))
    groups = [[c for c, r in zip(pool, ranks, strict=True) if r == k] for k in (3, 5)] + [guessed[TYPICAL:]]
    rest = (c for layer in itertools.zip_longest(*groups) for c in layer if c is not None)
    return first + guessed[:TYPICAL] + edges + list(rest)


def _with_code(first: list[str], origin: dict[str, str]) -> list[str]:
    code = [c for c in first if origin.get(c) == "code"]
    if not code:
        return first
    rest = [c for c in first if origin.get(c) != "code"]
    lead = [c for c in rest if origin.get(c) == "example"]
    model = rest[len(lead) :]
    turns = itertools.zip_longest(model[TYPICAL:], code)
    return lead + model[:TYPICAL] + [c for pair in turns for c in pair if c is not None]


def news_kind(call: str) -> str:
    """The prefix that makes `call`'s expected value news beside the same value elsewhere."""
    if ORDERED in call and not call.startswith("type("):  # news only through its type probe
        return ""
    if not literal_call(call):
        return "shape:"
    args, kwargs = parse_args(call)
    return f"{len(args) + len(kwargs)}:{','.join(deep_type(a) for a in [*args, *kwargs.values()])}:"


def deep_type(v: Any) -> str:
    """`v`'s type with its elements' (``list[tuple[int,str]]``): a list of tuples where lists
    of strings were tested is news, whatever the expected value."""
    if isinstance(v, list | tuple | set | frozenset) and v:
        inner = sorted({deep_type(x) for x in v})
        return f"{type(v).__name__}[{','.join(inner)}]"
    return type(v).__name__


def input_traits(call: str, constants: Sequence[Sequence[Any]] = ()) -> frozenset[str]:
    """The traits of `call`'s literal arguments that realistic bugs turn on, per position or
    keyword: ``empty:0`` (an empty string or container), ``pad:0`` (text with outer
    whitespace), ``upper:0`` (text with upper-case letters), ``neg:0`` / ``zero:0`` (a number
    below or equal to 0), ``falsy:0`` (a container holding a falsy item), ``pair:0`` /
    ``many:0`` (a list or tuple of two, of three or more items), ``unsorted:0`` (items out of
    ascending order), ``overlap`` (a container shares an item with another argument), ``const=c:0`` (one of
    the constants the code compares argument 0 with, ``constants[0]``, a table entry: each
    entry is behaviour of its own), ``given=0,2`` (``_given``). Not a literal call: none."""
    if not literal_call(call):
        return frozenset()
    args, kwargs = parse_args(call)
    named = [(str(i), a) for i, a in enumerate(args)] + list(kwargs.items())
    out = set()
    for k, a in named:
        words = constants[int(k)] if k.isdigit() and int(k) < len(constants) else []
        if any(_same(a, c) for c in words):
            out.add(f"const={_entry(a)}:{k}")  # its case or padding shows the table, not the text's
        else:
            out |= {f"{t}:{k}" for t in _traits(a) + _read_as(a, words)}
            if isinstance(a, list | tuple):  # an item the code compares with: each its own entry
                out |= {f"const={_entry(c)}:{k}" for c in words if any(_same(x, c) for x in a)}
    out |= {"overlap"} if _overlap([a for _, a in named]) else set()
    return frozenset(out | _given(args))


def _given(args: list[Any]) -> set[str]:
    """``given=0,2``: which arguments are given (truthy) where others are left ``None`` and
    two or more are given: options nested under one another (``if action: ... if key:``)
    answer differently with one of them left out, which no single argument's trait shows."""
    given = [i for i, a in enumerate(args) if a is not None and _truthy(a) and not isinstance(a, bool)]
    if len(given) < 2 or None not in args:
        return set()
    return {"given=" + ",".join(map(str, given))}


def _overlap(args: list[Any]) -> bool:
    """A container argument shares an item with another argument (``already_seen`` holding a
    letter of the text, an exclusion list naming an element): where the two meet, code that
    ignores one of them answers differently."""
    sets = [_items(a) for a in args]
    return any(
        isinstance(a, list | tuple | set | frozenset) and sets[i] & sets[j]
        for i, a in enumerate(args) for j in range(len(args)) if j != i
    )  # fmt: skip


def _items(a: Any) -> set[Any]:
    if isinstance(a, str):
        return set(a)
    if isinstance(a, list | tuple | set | frozenset):
        return {x for x in a if isinstance(x, int | float | str) and not isinstance(x, bool)}
    return set()


def _read_as(a: Any, constants: Sequence[Any]) -> list[str]:
    """``near_pad`` / ``near_case``: `a` is a word the code compares with, padded or in
    another case (``' right '``, ``'RIGHT'`` for ``'right'``), not the word itself."""
    words = {c.casefold() for c in constants if isinstance(c, str)}
    if not isinstance(a, str) or not words or a in constants:
        return []
    core = a.strip()
    out = ["near_pad"] if core != a and core in constants else []
    return out + (["near_case"] if core not in constants and core.casefold() in words else [])


def table_entries(constants: dict[str, list[Any]], names: Sequence[str]) -> list[list[Any]]:
    """Per parameter in `names`, the constants the code compares it with (``compared.harvest``)
    that are entries of its own: not the numeric notations tried where the code parses text
    with ``int``/``float`` (those are inputs, not behaviour the code names)."""
    return [[c for c in constants.get(n, []) if c not in NUMERIC_TEXT] for n in names]


def _same(a: Any, c: Any) -> bool:
    return type(a) is type(c) and a == c


def _entry(c: Any) -> str:
    """The table entry a constant stands for: the forms the code reads as one (``'HTML'``,
    ``'Html'``, ``'html Ab Cd'`` for ``'html'``) are one entry."""
    words = c.split() if isinstance(c, str) else []
    return words[0].casefold() if words else repr(c)


def _traits(v: Any) -> list[str]:
    out = []
    if isinstance(v, str | bytes | list | tuple | dict | set | frozenset) and not v:
        out.append("empty")
    if isinstance(v, str) and v.strip() and v != v.strip():
        out.append("pad")
    if isinstance(v, str) and v != v.lower():
        out.append("upper")
    if isinstance(v, int | float) and not isinstance(v, bool):
        out += ["neg"] if v < 0 else ["zero"] if v == 0 else []
    if isinstance(v, list | tuple | set | frozenset) and any(not _truthy(x) for x in v):
        out.append("falsy")
    if isinstance(v, list | tuple):  # every branch on the length: one pair, three or more
        out += ["pair"] if len(v) == 2 else ["many"] if len(v) > 2 else []
        out += ["unsorted"] if _unsorted(v) else []
    return out


def _unsorted(xs: list[Any] | tuple[Any, ...]) -> bool:
    """Items of one comparable kind, not in ascending order (sorting them changes the input)."""
    if len(xs) < 2 or len({type(x) for x in xs}) > 1 or not isinstance(xs[0], int | float | str):
        return False
    return any(a > b for a, b in itertools.pairwise(xs))


def _truthy(x: Any) -> bool:
    try:
        return bool(x)
    except Exception:  # an object whose truth is ambiguous is no falsy item
        return True
