"""``score``: run every sampled program on its question's tests.

``pass_rate = passed / len(test_cases)`` — the tests the row *has* (after filtering). The
official AceCoder code divides by the count before filtering, which understates every rate.
Per-test outcomes are stored with each inference. Rows ``aceforge import`` wrote (stdin/stdout
tests, a prelude) are scored as their format's judge would. Imported rows whose inferences carry only the
raw ``completion`` (as AceCode-87K's do) get their program extracted here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from aceforge.artifacts import StageOutput
from aceforge.checkers import run_jobs
from aceforge.execution.base import Executor
from aceforge.extract import extract_code
from aceforge.formats import with_prelude
from aceforge.formats.label_tests import stage_tests
from aceforge.synthesis.configs import ScoreConfig
from aceforge.types import Job, Limits, StdioTest, pass_rate


def score_programs(
    rows: list[dict[str, Any]],
    executor: Executor,
    cfg: ScoreConfig,
    out: StageOutput,
    advance: Callable[[int], None] = lambda n: None,
) -> Counter[str]:
    cfg.validate()
    counts: Counter[str] = Counter()
    limits = Limits(timeout_s=cfg.timeout_s, memory_mb=cfg.memory_mb)
    todo = [r for r in rows if r["id"] not in out.done]
    for start in range(0, len(todo), cfg.chunk_size):
        chunk = todo[start : start + cfg.chunk_size]
        jobs, checkers = chunk_jobs(chunk, limits)
        results = {r.id: r for r in run_jobs(executor, jobs, checkers)}
        for qi, row in enumerate(chunk):
            infs = row.get("inferences") or []
            if not row["test_cases"] or not infs:
                out.reject(row["id"], "no_tests" if not row["test_cases"] else "no_samples")
                continue
            for j, inf in enumerate(infs):
                r = results[f"{qi}:{j}"]
                record(inf, r.outcomes)
                counts["programs"] += 1
                counts["all_passed"] += r.all_passed
            out.keep(row)
        advance(len(chunk))
    return counts


def chunk_jobs(chunk: list[dict[str, Any]], limits: Limits) -> tuple[list[Job], dict[str, str]]:
    """Every inference's job (ids ``row:j``) and, for rows with a checker program, each of their
    jobs' checker (see ``aceforge.checkers.run_jobs``)."""
    jobs: list[Job] = []
    checkers: dict[str, str] = {}
    for qi, row in enumerate(chunk):
        row_jobs = inference_jobs(row, f"{qi}", limits)
        jobs += row_jobs
        if row.get("checker"):
            checkers.update((j.id, row["checker"]) for j in row_jobs)
    return jobs, checkers


def inference_jobs(row: dict[str, Any], key: str, limits: Limits) -> list[Job]:
    """One job per inference of `row` (ids ``key:j``) on the row's tests (asserts or stdin/stdout),
    each program after the row's prelude (an imported row's judge imports). Inferences that carry
    only the raw completion (AceCode-87K's) get their program extracted first."""
    jobs = []
    tests = stage_tests(row["test_cases"])
    script = any(isinstance(t, StdioTest) for t in tests)  # a stdin/stdout script keeps its top level
    for j, inf in enumerate(row.get("inferences") or []):
        if inf.get("program") is None:
            inf["program"] = extract_code(inf.get("completion") or "", row.get("entry_point"), script).code
        program = with_prelude(row.get("prelude") or "", inf["program"])
        jobs.append(Job(f"{key}:{j}", program, tests, limits))
    return jobs


def record(inference: dict[str, Any], outcomes: list[str]) -> None:
    """An inference's per-test outcomes and the pass rate they give."""
    inference["outcomes"] = list(outcomes)
    inference["pass_rate"] = pass_rate(outcomes)
