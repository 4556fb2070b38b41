"""Rank candidate programs without ground truth: the public entry point of label-free selection.

``rank_programs(programs, question)`` reads inputs and examples from the question
(``question_inputs``), runs every program on them through the engine (probe jobs: the values
the calls return), and on the model-written tests and the question's examples when there are
any, then ranks the programs with one of the ``selection`` methods. Rejection sampling in RL
keeps ``ranking.top`` (or the first k of ``ranking.order``).

    >>> ranking = rank_programs(samples, prompt, "add", method="alphacode")
    >>> best = samples[ranking.order[0]]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aceforge.errors import ConfigError
from aceforge.evaluation.question_inputs import (
    entry_of,
    question_examples,
    question_params,
    selection_inputs,
)
from aceforge.evaluation.selection import (
    FAILED,
    METHODS,
    ExecutionMatrix,
    Score,
    rank,
    top,
    unknown_method,
)
from aceforge.execution.base import Executor
from aceforge.types import ExecResult, Job, Limits

FLOAT_DIGITS = 9  # floats that agree to this many significant digits are the same output


@dataclass
class SelectionTask:
    """One question's candidates and what to run them on."""

    programs: list[str]
    inputs: list[str] = field(default_factory=list)  # bare calls (probe jobs)
    model_tests: list[str] = field(default_factory=list)  # asserts
    example_tests: list[str] = field(default_factory=list)  # asserts from the question
    rm_scores: list[float] | None = None


@dataclass(frozen=True)
class Ranking:
    """Programs best first; `top` holds every program tied for first place."""

    order: list[int]
    top: list[int]
    scores: list[Score]
    method: str
    matrix: ExecutionMatrix
    inputs: list[str]
    example_tests: list[str]


def fingerprint(value: Any) -> str:
    """A canonical text of a returned value: floats to FLOAT_DIGITS significant digits, sets
    and dict items sorted, so equal behaviour gives equal text."""
    return repr(_canonical(value))


def _canonical(v: Any) -> Any:
    if type(v) is float:
        return ("float", v) if not math.isfinite(v) else ("float", float(f"{v:.{FLOAT_DIGITS}g}"))
    if isinstance(v, list | tuple):
        return (type(v).__name__, [_canonical(x) for x in v])
    if isinstance(v, set | frozenset):
        return (type(v).__name__, sorted((_canonical(x) for x in v), key=repr))
    if isinstance(v, dict):
        return ("dict", sorted(((_canonical(k), _canonical(x)) for k, x in v.items()), key=repr))
    return v


def _outputs(result: ExecResult | None, width: int) -> list[str]:
    if result is None:
        return []
    if result.status != "ok":
        return [f"{FAILED}{result.status}"] * width
    return [
        fingerprint(t.value) if t.passed else f"{FAILED}{t.outcome}:{t.detail or ''}" for t in result.tests
    ]


def _passes(result: ExecResult | None, width: int) -> list[bool]:
    return result.passed if result is not None and result.status == "ok" else [False] * width


def execution_matrices(
    tasks: Sequence[SelectionTask], executor: Executor, limits: Limits | None = None
) -> list[ExecutionMatrix]:
    """Every task's matrix from one engine batch: a probe job per program on the inputs and
    a test job per program on the model tests plus the examples."""
    limits = limits or Limits(timeout_s=1.0)
    jobs = []
    for t, task in enumerate(tasks):
        checks = tuple(task.model_tests + task.example_tests)
        for k, prog in enumerate(task.programs):
            if task.inputs:
                jobs.append(Job(f"o:{t}:{k}", prog, tuple(task.inputs), limits, probe=True))
            if checks:
                jobs.append(Job(f"t:{t}:{k}", prog, checks, limits))
    results = {r.id: r for r in executor.run_all(jobs)}
    out = []
    for t, task in enumerate(tasks):
        n_tests, n_checks = len(task.model_tests), len(task.model_tests) + len(task.example_tests)
        outputs, passes, examples = [], [], []
        for k in range(len(task.programs)):
            outputs.append(_outputs(results.get(f"o:{t}:{k}"), len(task.inputs)))
            row = _passes(results.get(f"t:{t}:{k}"), n_checks) if n_checks else []
            passes.append(row[:n_tests])
            examples.append(row[n_tests:])
        out.append(
            ExecutionMatrix(
                outputs,
                passes if task.model_tests else (),
                examples if task.example_tests else (),
                task.rm_scores,
            )
        )
    return out


def selection_task(
    programs: Sequence[str],
    question: str,
    entry_point: str | None = None,
    examples: Sequence[str] | None = None,
    model_tests: Sequence[str] = (),
    max_inputs: int = 40,
) -> SelectionTask:
    """What to run the programs on, from the question alone (`examples`: asserts; None reads
    them from the question)."""
    entry = entry_point or entry_of(question, programs)
    if entry is None:
        raise ConfigError("no entry point: pass entry_point, or a question with a 'def'")
    if examples is None:
        examples = [e.assert_test for e in question_examples(question, entry)]
    params = question_params(question, entry, programs)
    inputs = selection_inputs(question, entry, params, model_tests, max_inputs)
    return SelectionTask(list(programs), inputs, list(model_tests), list(examples))


def rank_programs(
    programs: Sequence[str],
    question: str,
    entry_point: str | None = None,
    *,
    examples: Sequence[str] | None = None,
    model_tests: Sequence[str] = (),
    rm_scores: Sequence[float] | None = None,
    method: str = "mbr",
    executor: Executor | None = None,
    max_inputs: int = 40,
    timeout_s: float = 1.0,
) -> Ranking:
    """Rank `programs` (complete sources defining the entry function) for `question` without
    ground truth. Without `executor`, a local engine is started and closed here."""
    problem = unknown_method(method)
    if problem:
        raise ConfigError(problem)
    task = selection_task(programs, question, entry_point, examples, model_tests, max_inputs)
    task.rm_scores = list(rm_scores) if rm_scores is not None else None
    limits = Limits(timeout_s=timeout_s)
    if executor is None:
        from aceforge.execution.executor import LocalExecutor

        with LocalExecutor() as local:
            (matrix,) = execution_matrices([task], local, limits)
    else:
        (matrix,) = execution_matrices([task], executor, limits)
    scores = METHODS[method](matrix)
    return Ranking(rank(scores), top(scores), scores, method, matrix, task.inputs, task.example_tests)
