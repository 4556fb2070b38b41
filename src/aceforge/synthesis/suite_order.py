"""In which order a question's answered inputs compete for the suite's places.

The minimizer (``feedback.minimize``) first covers every killed mutant, then fills up in this
order, new expected values first. Mutants are easier to kill than real bugs, so the fill
decides much: after the examples, the model's inputs and the first few typed guesses (a seed
without examples keeps some typical inputs) come the edge cases (real bugs hide at the edges
more than mutants do); boundaries, random in-domain mutations and the other guesses follow in
turn. What counts as news beside a test with the same
expected value: a re-shaped argument (an iterator for a list) and another number of
arguments (an optional parameter given).
"""

from __future__ import annotations

import itertools
from typing import Any

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
