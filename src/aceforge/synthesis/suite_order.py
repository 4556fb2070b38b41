"""In which order a question's answered inputs compete for the suite's places.

The minimizer (``feedback.minimize``) first covers every killed mutant, then fills up in this
order, new expected values first. Mutants are easier to kill than real bugs, so the fill
decides much: after the examples and the model's inputs, edge cases come two to one with the
typed guesses (real bugs hide at the edges more than mutants do, and the guesses are a seed's
typical inputs when it has no examples); boundaries and random in-domain mutations follow in
turn. What counts as news beside a test with the same
expected value: a re-shaped argument (an iterator for a list) and another number of
arguments (an optional parameter given).
"""

from __future__ import annotations

import itertools

from aceforge.synthesis.shapes import ORDERED, literal_call
from aceforge.synthesis.signature import parse_args

RANK = {"example": 0, "model": 1, "edge": 2, "probe": 2, "boundary": 3, "signature": 4, "mutation": 5}


def ordered(pool: list[str], origin: dict[str, str]) -> list[str]:
    """Examples and the model's inputs first; then two edge cases to one typed guess; then
    boundaries and random in-domain mutations taken in turn."""
    ranks = [RANK[origin.get(c, "mutation")] for c in pool]
    first = [c for c, r in sorted(zip(pool, ranks, strict=True), key=lambda x: x[1]) if r <= 1]
    edges, guessed = ([c for c, r in zip(pool, ranks, strict=True) if r == k] for k in (2, 4))
    # two edge cases to one typed guess: the guesses are the typical inputs of a seed without examples
    pairs = [
        edges[i : i + 2] + guessed[i // 2 : i // 2 + 1]
        for i in range(0, max(len(edges), 2 * len(guessed)), 2)
    ]
    groups = [[c for c, r in zip(pool, ranks, strict=True) if r == k] for k in (3, 5)]
    rest = (c for layer in itertools.zip_longest(*groups) for c in layer if c is not None)
    return first + [c for p in pairs for c in p] + list(rest)


def news_kind(call: str) -> str:
    """The prefix that makes `call`'s expected value news beside the same value elsewhere."""
    if ORDERED in call and not call.startswith("type("):  # news only through its type probe
        return ""
    if not literal_call(call):
        return "shape:"
    args, kwargs = parse_args(call)
    return f"{len(args) + len(kwargs)}:"
