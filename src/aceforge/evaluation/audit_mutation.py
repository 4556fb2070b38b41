"""The audit's mutation scores: which mutants a suite kills, and which are equivalent.

A mutant the suite leaves alive is searched for a separating input, first with the in-domain
search ``synth`` also uses (growth around the suite's calls, boundaries, the edge catalogue),
then with *edge probes*: one-argument variants of the suite's own calls, by type — strings
upper-cased, padded, doubled, with non-ASCII letters, tabs, runs of spaces, line separators
or punctuation inside; numbers negated, 0, ±1, large, half-way; lists empty, reversed, with a
duplicate, a falsy or an unhashable item, as an iterator; optional parameters given; and the
inputs synth's own generators make from the reference's code (``code_probes``: re-shaped and
re-typed arguments, calls of a returned function). Only a mutant nothing separates counts as
equivalent (out of the score). The probes never reach a suite: they keep the equivalence
check from sharing the blind spots of the generators that built it, which would make an edge
the suite lacks look like no edge at all. Every input that judges lies in the reference's
documented domain (``audit_domain``: types, the docstring's
stated rules, iterators only where any iterable is taken): a mutant that differs only where
the docstring rules the input out is equivalent on what the function is for.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aceforge.evaluation.audit_domain import Documented
from aceforge.execution.base import Executor
from aceforge.synthesis.compared import harvest
from aceforge.synthesis.dispatch import dispatch_calls
from aceforge.synthesis.domain import InputSpace
from aceforge.synthesis.edges import edge_calls
from aceforge.synthesis.feedback import kill_sets, mutation_score, reference_answers
from aceforge.synthesis.parse import test_calls
from aceforge.synthesis.prose import doc_types
from aceforge.synthesis.raises import returns_iterator
from aceforge.synthesis.returned import curried_calls
from aceforge.synthesis.seeds import Seed
from aceforge.synthesis.shapes import literal_call, shape_calls
from aceforge.synthesis.signature import entry_function, params_of
from aceforge.synthesis.varargs import star_param
from aceforge.types import Limits

N_PROBES = 160  # edge probes per question
_CALLS_PER_KIND = 3
_INSIDE = ("É", "ß", "\t", "\r\n", "\r", "\n", "\u2028", "\x85", ",", "/", "-")


@dataclass
class Mutated:
    """One question's reference, suite and mutants (``kills[m]``: {"suite"} if the suite kills
    mutant m, else the calls found to kill it, empty while none is)."""

    id: str
    reference: str
    entry: str
    tests: list[str]
    mutants: list[str]
    kills: list[set[str]]


def search_kills(items: list[Mutated], executor: Executor, limits: Limits, rounds: int) -> None:
    """Fill each item's `kills` for the mutants its suite leaves alive."""
    if not items:
        return
    progs = [it.reference for it in items]
    calls = [test_calls(it.tests, it.entry) for it in items]
    spaces = [
        InputSpace.build(it.entry, params_of(p, it.entry), c)
        for it, p, c in zip(items, progs, calls, strict=True)
    ]
    for sp, p in zip(spaces, progs, strict=True):
        sp.constants = harvest(p, sp.entry)
    documented = [Documented.of(it.reference, it.entry, c) for it, c in zip(items, calls, strict=True)]
    wraps = [returns_iterator(entry_function(it.reference, it.entry)) for it in items]
    known = [list(c) for c in calls]
    mlimits = mutant_limits(limits)
    for r in range(rounds + 1):
        proposals = []
        for it, sp, kn, doc in zip(items, spaces, known, documented, strict=True):
            if r < rounds:
                grown = sp.grow(kn, len(kn) + 40, f"{it.id}/audit{r}")[len(kn) :]
                new = grown + sp.boundaries(kn) + edge_calls(sp, kn, 40)  # as synth searches
            else:
                new = probe_calls(kn, it.reference, it.entry) + code_probes(it.reference, it.entry, kn)
            proposals.append([c for c in dict.fromkeys(new) if c not in kn and doc.allows(c)])
        answers = reference_answers(progs, proposals, executor, limits, 1.0, f"audit{r}", wraps)
        alive = [[m for m, k in enumerate(it.kills) if not k] for it in items]
        new_calls = [[c for c in p if c in a.found] for p, a in zip(proposals, answers, strict=True)]
        progs_alive = [[it.mutants[m] for m in al] for it, al in zip(items, alive, strict=True)]
        found = kill_sets(progs_alive, new_calls, answers, executor, mlimits, wraps)
        for it, al, f, kn, nw in zip(items, alive, found, known, new_calls, strict=True):
            for m, k in zip(al, f, strict=True):
                it.kills[m] = k
            if r < rounds:  # probes are not all literal: they never seed the search
                kn.extend(nw)


def score(audit: dict[str, Any], name: str, key: str, kills: list[set[str]]) -> None:
    """`name`, `name`_killed, `name`_equivalent (no input found separates them) and `key`."""
    killed, live = mutation_score(kills, ["suite"])
    audit.update({name: len(kills), f"{name}_killed": killed, f"{name}_equivalent": len(kills) - live,
                  key: round(killed / live, 4) if live else None})  # fmt: skip


def mutant_limits(limits: Limits) -> Limits:
    return Limits(timeout_s=min(limits.timeout_s, 0.5), import_timeout_s=limits.import_timeout_s)


# ---- edge probes -------------------------------------------------------------------------------


def probe_calls(calls: list[str], program: str, entry: str, limit: int = N_PROBES) -> list[str]:
    """Variants of `calls` with one argument changed to an edge of its type (see the module
    docstring), at most `limit`."""
    fn = entry_function(program, entry)
    optional = _optional(fn) if fn is not None else {}
    per_call: list[list[str]] = []
    for call in calls:
        try:
            node = ast.parse(call, mode="eval").body
            assert isinstance(node, ast.Call)
            args = [ast.literal_eval(a) for a in node.args]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
        except (SyntaxError, ValueError, AssertionError, TypeError, MemoryError, RecursionError):
            continue
        per_call.append(list(dict.fromkeys(_variants(entry, args, kwargs, optional))))
    # Every kind of variant on a few calls (different calls for different kinds) before more
    # calls of any one kind: an edge the suite lacks matters more than one more call.
    longest = max((len(v) for v in per_call), default=0)
    n = len(per_call)
    out = [
        v[k]
        for rep in range(0, n, _CALLS_PER_KIND)
        for k in range(longest)
        for j in range(rep, min(rep + _CALLS_PER_KIND, n))
        if k < len(v := per_call[(k + j) % n])
    ]
    return list(dict.fromkeys(out))[:limit]


def code_probes(program: str, entry: str, calls: list[str], limit: int = N_PROBES // 2) -> list[str]:
    """The inputs ``synth``'s own generators make from the reference's code and docstring, from
    `calls`: arguments re-shaped where the seed takes the shape (iterators, mapping subclasses,
    unhashable items, tuples: ``shapes``), re-typed where the code branches on a type
    (``dispatch``), and calls of a function the reference returns (``returned``)."""
    fn = entry_function(program, entry)
    if fn is None:
        return []
    doc = ast.get_docstring(fn) or ""
    params = doc_types(doc, params_of(program, entry))
    literal = [c for c in calls if literal_call(c)]
    seed = Seed("audit", "", doc, program, entry)
    out = shape_calls(seed, entry, params, star_param(program, entry, doc), literal, limit)
    out += dispatch_calls(program, entry, literal, limit) + curried_calls(program, entry, doc, calls, limit)
    return [c for c in dict.fromkeys(out) if c not in calls][:limit]


def _optional(fn: ast.FunctionDef) -> dict[str, Any]:
    """Parameters with a literal default: name → default."""
    args = fn.args.posonlyargs + fn.args.args
    pairs = list(zip(args[len(args) - len(fn.args.defaults) :], fn.args.defaults, strict=True))
    pairs += [(a, d) for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults, strict=True) if d is not None]
    out = {}
    for a, d in pairs:
        try:
            out[a.arg] = ast.literal_eval(d)
        except ValueError:
            continue
    return out


def _variants(entry: str, args: list[Any], kwargs: dict[str, Any], optional: dict[str, Any]) -> Iterator[str]:
    texts = [repr(a) for a in args]
    kw = {k: repr(v) for k, v in kwargs.items()}

    def call(i: int | str, text: str) -> str:
        a = [text if j == i else t for j, t in enumerate(texts)]
        k = {**kw, i: text} if isinstance(i, str) else kw
        return f"{entry}({', '.join(a + [f'{n}={v}' for n, v in k.items()])})"

    for i, value in enumerate(args):
        for text in _edges(value):
            yield call(i, text)
    for name, value in kwargs.items():
        for text in _edges(value):
            yield call(name, text)
    for name, default in optional.items():
        if name not in kwargs:
            for text in _edges(default) if default is not None else ("0", "''", "'x'", "1", "True"):
                yield call(name, text)


def _edges(v: Any) -> list[str]:
    """Source texts of edge values of `v`'s type (iterators as ``iter([...])``)."""
    if type(v) is bool:
        return [repr(not v)]
    if type(v) is int:  # also as a float and as text, where any value is accepted
        return [repr(x) for x in (-v, 0, v + 1, v - 1, -1, 1, v * 1000 + 7, v + 0.5, -v - 0.5, str(v))]
    if type(v) is float:
        return [repr(x) for x in (-v, v + 0.5, -v - 0.5, 0.0)]
    if type(v) is str:
        out = [v.upper(), v.swapcase(), f" {v} ", v + v, "", v.replace(" ", "  "), v.replace(" ", "\t")]
        return [repr(x) for x in out + [v + c + v for c in _INSIDE] + ["É" + v.upper()]]
    if type(v) in (list, tuple):
        items = list(v)
        seqs: list[Any] = [[], items + items[:1], items[::-1], [0, *items], ["", *items], [None, *items]]
        seqs.append([[x] for x in items])
        texts = [repr(type(v)(x)) for x in seqs]
        return [*texts, f"iter({items!r})"]
    if type(v) is dict:
        return ["{}"]
    return []
