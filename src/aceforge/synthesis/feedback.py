"""Execution feedback for test suites: the reference's answers, mutants it must be told
apart from, a search for inputs that separate the survivors, and a minimal suite.

* The reference runs every input twice (forward, then in reverse order with another random
  seed, so state carried from one call to the next and luck show up too); an input it answers
  differently is dropped, and a reference that does so is *nondeterministic*. Inputs it raises
  on, hangs on or answers slowly (over `max_ref_s`: a correct but naive program could time out
  there) are dropped.
* Each mutant (``mutants.make_mutants``) is killed by the inputs on which it answers
  differently, raises or hangs. A mutant no input kills after the search is counted as
  equivalent and left out of the mutation score.
* The final suite covers every killed mutant greedily, then fills up to `n` tests with inputs
  in priority order whose answers it does not yet have (diverse expected values).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aceforge.execution.base import Executor
from aceforge.execution.values import values_equal
from aceforge.types import ExecResult, Job, Limits

MAX_EXPECTED_CHARS = 1000  # longer expected values are not worth a test


@dataclass
class Answers:
    """The reference's answers for one question: call → (literal, value)."""

    found: dict[str, tuple[str, Any]] = field(default_factory=dict)
    unstable: set[str] = field(default_factory=set)  # answered differently on the second run
    failed: set[str] = field(default_factory=set)  # raised, hung, slow or not a literal
    raised: dict[str, str] = field(default_factory=dict)  # call → exception type, the same twice


def reference_answers(
    programs: Sequence[str],
    calls: Sequence[list[str]],
    executor: Executor,
    limits: Limits,
    max_ref_s: float,
    tag: str = "ref",
    wraps: Sequence[bool] | None = None,
) -> list[Answers]:
    """Run each program on its calls twice (forward and reversed) and keep stable answers.
    `wraps[i]`: question i's function returns an iterator, so its calls are run as
    ``list(call)`` (the answers stay keyed by the bare call)."""
    jobs = []
    for i, (prog, cs) in enumerate(zip(programs, calls, strict=True)):
        if cs:
            w = [expression(c, bool(wraps and wraps[i])) for c in cs]
            jobs.append(Job(f"{tag}/{i}/a", prog, tuple(w), limits, probe=True))
            jobs.append(Job(f"{tag}/{i}/b", prog, tuple(reversed(w)), limits, probe=True, random_seed=1))
    runs: dict[str, ExecResult] = {r.id: r for r in executor.run_all(jobs)}
    out = [Answers() for _ in programs]
    for i, cs in enumerate(calls):
        if not cs:
            continue
        a, b = runs[f"{tag}/{i}/a"], runs[f"{tag}/{i}/b"]
        first = _values(a, cs)
        second = _values(b, list(reversed(cs)))
        errors = _errors(a, cs), _errors(b, list(reversed(cs)))
        for call in cs:
            x, y = first.get(call), second.get(call)
            name = errors[0].get(call)
            if name is not None and name == errors[1].get(call):
                out[i].raised[call] = name
            if x is None or y is None or max(x[1], y[1]) > max_ref_s:
                out[i].failed.add(call)
            elif not values_equal(x[0], y[0], 0.0, 0.0):
                out[i].unstable.add(call)
            else:
                text = literal(x[0])
                if text is None:
                    out[i].failed.add(call)
                else:
                    out[i].found[call] = (text, x[0])
    return out


def literal(value: Any) -> str | None:
    """`value` as Python literal source that evaluates back to an equal value of the same type."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # ints past Python's 4,300-digit str limit, deep nesting
        return None
    if len(text) > MAX_EXPECTED_CHARS:
        return None
    try:
        back = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return text if values_equal(back, value, 0.0, 0.0) else None


def expression(call: str, wrap: bool) -> str:
    """What a test evaluates: the call, or ``list(call)`` for a function returning an iterator."""
    return f"list({call})" if wrap else call


def assert_test(call: str, expected: str, wrap: bool = False) -> str:
    call = expression(call, wrap)
    return f"assert {call} is None" if expected == "None" else f"assert {call} == {expected}"


def raises_test(call: str, exception: str, wrap: bool = False) -> str:
    """A test that `call` raises `exception`, in the one multi-line shape the engine judges in
    the parent (from the exception's type name; see ``execution.plan``)."""
    call = expression(call, wrap)
    return (
        f"try:\n    {call}\nexcept {exception}:\n    pass\n"
        f"else:\n    raise AssertionError({f'{call} should raise {exception}'!r})"
    )


def _errors(result: ExecResult, calls: list[str]) -> dict[str, str]:
    """Calls whose expression raised quickly (not a hang, not memory): call → exception type."""
    if result.status != "ok":
        return {}
    return {
        c: t.detail
        for c, t in zip(calls, result.tests, strict=True)
        if t.outcome == "error" and t.detail and t.detail.isidentifier()
    }


def _values(result: ExecResult, calls: list[str]) -> dict[str, tuple[Any, float]]:
    if result.status != "ok":
        return {}
    return {
        c: (t.value, t.duration_s) for c, t in zip(calls, result.tests, strict=True) if t.outcome == "passed"
    }


def exception_last(calls: list[str], answers: Answers) -> list[str]:
    """Mutant jobs stop at their first exception: calls the reference raises on go last."""
    return [c for c in calls if c not in answers.raised] + [c for c in calls if c in answers.raised]


def kill_sets(
    mutant_programs: Sequence[Sequence[str]],
    calls: Sequence[list[str]],
    answers: Sequence[Answers],
    executor: Executor,
    limits: Limits,
    wraps: Sequence[bool] | None = None,
) -> list[list[set[str]]]:
    """For each question and each of its mutants, the calls that tell the mutant apart from
    the reference. Mutants stop at their first exception or hang (that call kills them)."""
    exprs = [tuple(expression(c, bool(wraps and wraps[q])) for c in cs) for q, cs in enumerate(calls)]
    jobs = [
        Job(f"mut/{q}/{m}", prog, exprs[q], limits, fail_fast=True, probe=True)
        for q, progs in enumerate(mutant_programs)
        if calls[q]
        for m, prog in enumerate(progs)
    ]
    out: list[list[set[str]]] = [[set() for _ in progs] for progs in mutant_programs]
    for r in executor.run_all(jobs):
        _, q_s, m_s = r.id.split("/")
        q, m = int(q_s), int(m_s)
        ref, raised = answers[q].found, answers[q].raised
        if r.status != "ok":  # the mutant does not even import: every input kills it
            out[q][m] = set(calls[q])
            continue
        for call, t in zip(calls[q], r.tests, strict=True):
            if t.outcome == "not_run":
                continue
            if call in raised and call not in ref:  # an exception test: the same type, or killed
                if not (t.outcome == "error" and t.detail == raised[call]):
                    out[q][m].add(call)
            elif t.outcome != "passed" or not values_equal(t.value, ref[call][1]):
                out[q][m].add(call)
    return out


def minimize(
    ordered: list[str],
    kills: list[set[str]],
    answers: Answers,
    n: int,
    kinds: dict[str, str] | None = None,
    traits: dict[str, frozenset[str]] | None = None,
) -> list[str]:
    """At most `n` calls: a greedy cover of every killed mutant (ties go to the earlier call
    in `ordered`), then the remaining calls in order: first those with an input trait
    (`traits`, such as an empty argument) no chosen call has — real bugs the mutants do not
    model turn on those, and twenty new values of one kind (``f('right', 6)``, ``f('right',
    7)``...) would crowd them out — then those with a new expected value (where `kinds` marks
    calls whose input differs in kind from a literal one, an iterator for a list, the same value
    is still news), then the rest."""
    rank = {c: i for i, c in enumerate(ordered)}
    chosen = cover(ordered, kills, n)
    has = traits or {}

    def key(c: str) -> str:
        text = answers.found[c][0] if c in answers.found else f"raises {answers.raised[c]}"
        return f"{(kinds or {}).get(c, '')}{text}"

    seen_values = {key(c) for c in chosen}
    seen_traits = set().union(*(has.get(c, frozenset()) for c in chosen))
    rest = [c for c in ordered if c not in chosen]
    marked: list[str] = []  # an input trait no kept test has: first
    fresh: list[str] = []
    stale: list[str] = []
    for c in rest:
        text, new_traits = key(c), has.get(c, frozenset()) - seen_traits
        (marked if new_traits else stale if text in seen_values else fresh).append(c)
        seen_values.add(text)
        seen_traits |= new_traits
    chosen += (marked + fresh + stale)[: max(0, n - len(chosen))]
    return sorted(chosen, key=lambda c: rank[c])


def cover(ordered: list[str], kills: list[set[str]], n: int) -> list[str]:
    """Greedy set cover: at most `n` calls from `ordered` that kill every killable program,
    the call killing the most still-alive programs first (ties: earlier in `ordered`)."""
    rank = {c: i for i, c in enumerate(ordered)}
    todo = [k & rank.keys() for k in kills if k & rank.keys()]
    chosen: list[str] = []
    while todo and len(chosen) < n:
        score: dict[str, int] = {}
        for k in todo:
            for c in k:
                score[c] = score.get(c, 0) + 1
        best = min(score, key=lambda c: (-score[c], rank[c]))
        chosen.append(best)
        todo = [k for k in todo if best not in k]
    return chosen


def mutation_score(kills: list[set[str]], suite: Sequence[str]) -> tuple[int, int]:
    """(mutants the suite kills, mutants any input killed — the non-equivalent ones)."""
    s = set(suite)
    live = [k for k in kills if k]
    return sum(bool(k & s) for k in live), len(live)
